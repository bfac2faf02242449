import * as vscode from 'vscode';
import { inert } from '../core/present/text';
import { toDiagnosticData } from '../core/report/diagnosticsModel';
import type { ResultItem } from '../core/results';
import { LineIndex, type LineColumn } from '../core/textIndex';
import type { Config, SeverityName } from './config';
import { readFileText } from './fileText';
import type { RunStore } from './runStore';

export const DIAGNOSTIC_SOURCE = 'Aymara';

/** The shape of a file problem (responsesFile's Problem) that diagnostics need: 1-based line/column. */
export interface ProblemLike {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  offset: number;
  length: number;
  line: number;
  column: number;
  related?: { message: string; offset: number; length: number; line: number; column: number }[];
}

/** Offset → 1-based line/column in the text that was parsed (responsesFile's `lines.positionAt`). */
export type PositionAt = (offset: number) => { line: number; column: number };

const SEVERITY: Record<SeverityName, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/**
 * Results → diagnostics on each entry's range; file problems → diagnostics at the exact place.
 * Failed and errored responses use the configured severity; refused, excluded and passed are
 * off by default and shown as hints when turned on. `source` is always "Aymara" and `code` the
 * verdict (or the problem code), so users of tools like Error Lens can filter them.
 */
export class ResultDiagnostics implements vscode.Disposable {
  private readonly results = vscode.languages.createDiagnosticCollection('aymara');
  private readonly problems = vscode.languages.createDiagnosticCollection('aymara-file');
  private readonly disposables: vscode.Disposable[] = [];
  /** A word put before an entry's message (e.g. "New failure" while a comparison is shown); see setTagger. */
  private tagger: ((uri: string) => ((key: string) => string | undefined) | undefined) | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly config: Config,
  ) {
    this.disposables.push(
      store.onDidChange((uri) => void this.refresh(uri)),
      config.onDidChange(() => void this.refresh(undefined)),
      vscode.workspace.onDidDeleteFiles((e) => {
        for (const f of e.files) {
          this.results.delete(f);
          this.problems.delete(f);
        }
      }),
    );
  }

  /** Re-derive diagnostics for one file, or for every file when uri is undefined. */
  async refresh(uri: string | undefined): Promise<void> {
    const targets = uri === undefined ? this.store.all().map((r) => r.uri) : [uri];
    if (uri === undefined) this.results.clear();
    for (const key of targets) {
      const fileUri = vscode.Uri.parse(key);
      const rec = this.store.get(key);
      if (!rec?.latest) {
        this.results.delete(fileUri);
        continue;
      }
      // Entries carry where they end: no text needed, and the diagnostics are set at once.
      if (rec.latest.items.every((i) => !i.location || i.location.endLine !== undefined)) {
        this.results.set(fileUri, this.toDiagnostics(undefined, rec.latest.items, rec.stale, this.tagger?.(key)));
        continue;
      }
      const lines = await this.positions(fileUri);
      if (!lines) {
        this.results.delete(fileUri);
        continue;
      }
      // The record may have changed while the file was read: show what the store holds now.
      const now = this.store.get(key);
      if (!now?.latest) continue;
      this.results.set(fileUri, this.toDiagnostics(lines, now.latest.items, now.stale, this.tagger?.(key)));
    }
  }

  /** Tag entries of a file by key (the tag leads the message, so Problems' filter finds it); one tagger. */
  setTagger(tagger: (uri: string) => ((key: string) => string | undefined) | undefined): vscode.Disposable {
    this.tagger = tagger;
    return new vscode.Disposable(() => {
      if (this.tagger === tagger) this.tagger = undefined;
    });
  }

  /**
   * Offsets → positions for results saved before entries carried their end: from the file as the
   * user sees it, its open editor's text, else its text read from disk. Never opens a document
   * for it: opening a large file as a document makes the window load it and wakes the JSON
   * language service on it, which held a 10,000-entry file's diagnostics back by seconds.
   */
  private async positions(uri: vscode.Uri): Promise<{ positionAt(offset: number): LineColumn } | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return { positionAt: (o) => toLineColumn(open.positionAt(o)) };
    try {
      return new LineIndex((await readFileText(uri, this.config.maxFileBytes)).text);
    } catch {
      return undefined;
    }
  }

  /** With `lines` undefined, ranges come from the data's own start and end positions. */
  private toDiagnostics(
    lines: { positionAt(offset: number): LineColumn } | undefined,
    items: readonly ResultItem[],
    stale: boolean,
    tag?: (key: string) => string | undefined,
  ): vscode.Diagnostic[] {
    const data = toDiagnosticData(items, { level: this.config.severity, hints: this.config.hintVerdicts, stale });
    const pos = (o: number) => {
      const p = lines!.positionAt(o);
      return new vscode.Position(p.line - 1, p.column - 1);
    };
    return data.map((d) => {
      const range = !lines && d.endLine !== undefined ? new vscode.Range(d.line - 1, d.column - 1, d.endLine - 1, (d.endColumn ?? 1) - 1) : new vscode.Range(pos(d.offset), pos(d.end));
      const word = tag?.(d.key);
      const message = word ? `${word}: ${d.message}` : d.message;
      const diag = new vscode.Diagnostic(range, paragraphs(message), SEVERITY[d.level]);
      diag.source = DIAGNOSTIC_SOURCE;
      diag.code = d.code;
      return diag;
    });
  }

  /**
   * Show a file's validation problems (or clear them with an empty list). Positions come from the
   * parsed text itself, so they hold even for files VS Code will not open as text.
   */
  setProblems(uri: vscode.Uri, problems: readonly ProblemLike[], positionAt: PositionAt): void {
    const range = (p: { offset: number; length: number; line: number; column: number }) => {
      const end = positionAt(p.offset + Math.max(p.length, 0));
      return new vscode.Range(p.line - 1, p.column - 1, end.line - 1, end.column - 1);
    };
    this.problems.set(
      uri,
      problems.map((p) => {
        const d = new vscode.Diagnostic(range(p), paragraphs(p.message), p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        d.source = DIAGNOSTIC_SOURCE;
        d.code = p.code;
        if (p.related?.length) {
          d.relatedInformation = p.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, range(r)), paragraphs(r.message)));
        }
        return d;
      }),
    );
  }

  clearProblems(uri: vscode.Uri): void {
    this.problems.delete(uri);
  }

  /** For tests and navigation: the result diagnostics of a file. */
  resultDiagnostics(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.results.get(uri) ?? [];
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables, this.results, this.problems).dispose();
  }
}

function toLineColumn(p: vscode.Position): LineColumn {
  return { line: p.line + 1, column: p.character + 1 };
}

/**
 * A diagnostic message from file text or server replies, made inert (see `inert`) paragraph by
 * paragraph, so the blank line between the headline and the explanation stays.
 */
function paragraphs(message: string): string {
  return message
    .split(/\n{2,}/)
    .map((p) => inert(p, 4000))
    .join('\n\n');
}
