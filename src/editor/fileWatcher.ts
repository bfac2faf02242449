import * as vscode from 'vscode';
import type { EntryLocation } from '../core/results';
import type { RunStore } from './runStore';

/** Which text was scored: the open document's version (when it was open) and the text's length. */
export interface SentText {
  version?: number;
  length: number;
}

/**
 * Keeps results attached to the right text: edits to a scored file re-map every result to its
 * entry's new range by (prompt, thread, turn) and mark the run stale until it is scored again;
 * renames move the results; deletes drop them.
 */
export class FileWatcher implements vscode.Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly s: { readonly store: RunStore }) {
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
    const { parseResponsesFile } = await import('../core/responsesFile'); // loaded on first use, not at activation
    if (doc.isClosed) return;
    const file = parseResponsesFile(doc.getText(), { fileName: doc.uri.path });
    const map = new Map<string, { location: EntryLocation; index: number }>();
    for (const e of file.entries) if (!map.has(e.key)) map.set(e.key, { location: e.location, index: e.index });
    await this.s.store.remap(doc.uri, map, stale);
  }

  /**
   * After a run: if the file changed while it was being scored, re-map and mark stale. `sent`
   * identifies the text that was scored without keeping it: the document's version when the file
   * was open, and the text's length.
   */
  async afterRun(uri: vscode.Uri, sent: SentText): Promise<void> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc) return;
    const changed = sent.version !== undefined ? doc.version !== sent.version : doc.isDirty || doc.getText().length !== sent.length;
    if (changed) await this.remap(doc, true);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
