import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { EntryLocation } from '../core/results';
import { readFileText } from './fileText';
import type { RunStore } from './runStore';
import type { Config } from './config';

/**
 * Which text was scored, without keeping it: the open document's version (when it was open),
 * a digest of the text, and the file's size and modification time on disk when it was read from
 * disk (so a rewrite on disk during the run is noticed even though no editor shows the file).
 */
export interface SentText {
  version?: number;
  length: number;
  digest: string;
  disk?: { mtime: number; size: number };
}

/** A digest of a text, fed in slices so a large file is never copied whole. */
export function digestOf(text: string): string {
  const h = createHash('sha256');
  const SLICE = 1 << 20;
  for (let i = 0; i < text.length; i += SLICE) h.update(text.slice(i, i + SLICE));
  return h.digest('base64');
}

/** Size and modification time of a file on disk, or undefined when it cannot be read. */
export async function diskStamp(uri: vscode.Uri): Promise<{ mtime: number; size: number } | undefined> {
  try {
    const st = await vscode.workspace.fs.stat(uri);
    return { mtime: st.mtime, size: st.size };
  } catch {
    return undefined;
  }
}

/**
 * Keeps results attached to the right text: edits to a scored file re-map every result to its
 * entry's new range by (prompt, thread, turn) and mark the run stale until it is scored again;
 * renames move the results; deletes drop them.
 */
export class FileWatcher implements vscode.Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly s: { readonly store: RunStore; readonly config: Pick<Config, 'maxFileBytes'> }) {
    this.disposables = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && this.s.store.get(e.document.uri)?.latest) this.schedule(e.document);
      }),
      vscode.workspace.onDidRenameFiles(async (e) => {
        for (const f of e.files) await this.s.store.rename(f.oldUri, f.newUri);
      }),
      vscode.workspace.onDidDeleteFiles(async (e) => {
        for (const f of e.files) if (this.s.store.get(f)) await this.s.store.clear(f);
      }),
    ];
  }

  private schedule(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.remap(doc, true);
      }, 300),
    );
  }

  /** Re-map a file's results onto its current text. `stale` marks them as out of date. */
  async remap(doc: vscode.TextDocument, stale: boolean): Promise<void> {
    if (doc.isClosed) return;
    await this.remapText(doc.uri, doc.getText(), stale);
  }

  private async remapText(uri: vscode.Uri, text: string, stale: boolean): Promise<void> {
    const { parseResponsesFile } = await import('../core/responsesFile'); // loaded on first use, not at activation
    const file = parseResponsesFile(text, { fileName: uri.path });
    const map = new Map<string, { location: EntryLocation; index: number }>();
    for (const e of file.entries) if (!map.has(e.key)) map.set(e.key, { location: e.location, index: e.index });
    await this.s.store.remap(uri, map, stale);
  }

  /**
   * After a run: if the file changed while it was being scored (in an editor, or rewritten on
   * disk), re-map the results onto the text it has now and mark them stale.
   */
  async afterRun(uri: vscode.Uri, sent: SentText): Promise<void> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc) {
      if (sent.version !== undefined && doc.version === sent.version) return;
      if (digestOf(doc.getText()) !== sent.digest) await this.remap(doc, true);
      return;
    }
    if (!sent.disk) return;
    const now = await diskStamp(uri);
    if (now && now.mtime === sent.disk.mtime && now.size === sent.disk.size) return;
    let text: string;
    try {
      text = (await readFileText(uri, this.s.config.maxFileBytes)).text;
    } catch {
      // Gone, unreadable or too large now: the results no longer match a text we can show.
      await this.s.store.markStale(uri);
      return;
    }
    if (digestOf(text) !== sent.digest) await this.remapText(uri, text, true);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
