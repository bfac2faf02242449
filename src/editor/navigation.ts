import * as vscode from 'vscode';
import { itemIndex, type ResultItem } from '../core/results';
import { notify } from './errors';
import { registerCommand, requireEntry } from './commandArgs';
import { Command, WorkbenchCommand } from './commandIds';
import { VIEW_TYPE, type ExplanationsPanels } from './explanations';
import type { ResultsTree } from './resultsTree';
import type { Services } from './services';

/** What this feature uses of the shared services. */
type Deps = Pick<Services, 'log' | 'store'>;

const HAS_FAILURES = 'aymara.hasFailures';

/** The feature's entry point: built with what it uses; disposing it removes all it registered. */
export function register(deps: Deps, tree: Pick<ResultsTree, 'reveal'>, explanations: Pick<ExplanationsPanels, 'show' | 'focus'>): Navigation {
  return new Navigation(deps, tree, explanations);
}

/**
 * Jumping to responses: reveal one entry by key, and Next/Previous Failing Response through the
 * failed and errored entries of the active file (wrapping around), or of the first scored file
 * with failures when the active editor has none. A context key enables the commands and keys.
 */
export class Navigation implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly s: Deps,
    private readonly tree: Pick<ResultsTree, 'reveal'>,
    private readonly explanations: Pick<ExplanationsPanels, 'show' | 'focus'>,
  ) {
    this.disposables.push(
      registerCommand(Command.revealEntry, (t) => {
        const entry = requireEntry(t, s.log);
        return entry ? this.revealEntry(entry.uri, entry.key) : false;
      }),
      registerCommand(Command.openResult, (t) => {
        const entry = requireEntry(t, s.log);
        return entry ? this.openResult(entry.uri, entry.key) : undefined;
      }),
      registerCommand(Command.nextFailure, () => this.move(1)),
      registerCommand(Command.previousFailure, () => this.move(-1)),
      s.store.onDidChange(() => this.updateContext()),
    );
    this.updateContext();
  }

  private updateContext(): void {
    const any = this.s.store.all().some((r) => (r.latest?.counts.failed ?? 0) + (r.latest?.counts.errored ?? 0) > 0);
    void vscode.commands.executeCommand(WorkbenchCommand.setContext, HAS_FAILURES, any);
  }

  /** Open a file with one response's entry selected. Returns false when it has no place in the file. */
  async revealEntry(uri: string | vscode.Uri, key: string, opts: { preserveFocus?: boolean } = {}): Promise<boolean> {
    const fileUri = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
    const rec = this.s.store.get(fileUri);
    const item = rec?.latest ? itemIndex(rec.latest).get(key) : undefined;
    if (!item?.location) {
      void notify(this.s.log, 'info', vscode.l10n.t('This response is not in the file (anymore); score the file again to refresh its results.'));
      return false;
    }
    const doc = await vscode.workspace.openTextDocument(fileUri);
    const range = new vscode.Range(doc.positionAt(item.location.offset), doc.positionAt(item.location.offset + item.location.length));
    // The cursor goes to the start of the entry, with the whole entry selected.
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: columnFor(fileUri), preserveFocus: opts.preserveFocus ?? false, preview: false });
    editor.selection = new vscode.Selection(range.end, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return true;
  }

  /** A result picked in the tree: the entry in the editor, and its explanation beside it. */
  async openResult(uri: string | vscode.Uri, key: string): Promise<void> {
    const fileUri = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
    if (await this.revealEntry(fileUri, key)) await this.explanations.show(fileUri, key, { preserveFocus: true });
  }

  private failuresOf(uri: string): ResultItem[] {
    const r = this.s.store.get(uri)?.latest;
    if (!r) return [];
    return r.items.filter((i) => (i.verdict === 'failed' || i.verdict === 'errored') && i.location).sort((a, b) => (a.location?.offset ?? 0) - (b.location?.offset ?? 0));
  }

  /** Move to the next (1) or previous (-1) failing response; returns its key. */
  async move(direction: 1 | -1): Promise<string | undefined> {
    const editor = vscode.window.activeTextEditor;
    let uri = editor?.document.uri.toString();
    let failures = uri ? this.failuresOf(uri) : [];
    let cursor: number | undefined;
    if (failures.length && editor) cursor = editor.document.offsetAt(editor.selection.start);
    if (!failures.length) {
      const rec = this.s.store.all().find((r) => this.failuresOf(r.uri).length > 0);
      if (!rec) {
        void notify(this.s.log, 'info', vscode.l10n.t('No failing responses in the scored files.'));
        return undefined;
      }
      uri = rec.uri;
      failures = this.failuresOf(uri);
    }
    let target: ResultItem | undefined;
    if (cursor === undefined) target = direction === 1 ? failures[0] : failures[failures.length - 1];
    else if (direction === 1) target = failures.find((f) => (f.location?.offset ?? 0) > cursor) ?? failures[0];
    else target = [...failures].reverse().find((f) => (f.location?.offset ?? 0) < cursor) ?? failures[failures.length - 1];
    if (!target || !uri) return undefined;
    await this.revealEntry(uri, target.key);
    void this.tree.reveal(uri, target.key);
    this.explanations.focus(uri, target.key);
    return target.key;
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

/**
 * Where to show a file: the group already showing it; else the first group that is not showing an
 * explanations panel (so the file never covers the explanation the user is reading); else beside.
 */
export function columnFor(fileUri: vscode.Uri): vscode.ViewColumn {
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === fileUri.toString());
  if (shown?.viewColumn) return shown.viewColumn;
  for (const g of vscode.window.tabGroups.all) {
    const input = g.activeTab?.input;
    if (!(input instanceof vscode.TabInputWebview && input.viewType.includes(VIEW_TYPE))) return g.viewColumn;
  }
  return vscode.ViewColumn.Beside;
}

