import * as vscode from 'vscode';
import { countsLine, formatLocalWhen, VERDICT_ICON, verdictLabel } from '../core/present/labels';
import { inert, oneLine, shortId } from '../core/present/text';
import { VERDICTS, formatPercent, itemIndex, runGroups, type ResultItem, type RunResult, type Verdict } from '../core/results';
import { reviewLine } from '../core/override/reviewView';
import { fileOrAll, registerCommand, type TreeNode } from './commandArgs';
import { Command, WorkbenchCommand } from './commandIds';
import type { FileRecord, RunSummary } from './runStore';
import type { Services } from './services';
import { CategoryGrouping } from './tree/categoryGroups';
import { threadChildren, threaded, threadItem, threadParent, turnChildren } from './tree/threadRows';
import { nextTurnOf } from '../core/turns/continueTurn';
import { runThreads } from '../core/turns/threads';

/** What this feature uses of the shared services. */
type Deps = Pick<Services, 'context' | 'log' | 'prompts' | 'store'>;

export const VIEW_ID = 'aymara.results';
const FAILURES_ONLY_KEY = 'aymara.failuresOnly';

/** A row: file, run, verdict group or item (one response). Commands of a row receive this object. */
export type Node = TreeNode;

/** Rows another feature adds to the tree (the comparison, past runs' results): see compare/treeRows.ts. */
export interface TreeRows {
  readonly onDidChange: vscode.Event<unknown>;
  /** Rows shown under a file's row, above its runs. */
  fileRows(uri: string): Node[];
  /** A past run's results once read (reading starts on the first call). */
  pastRun(uri: string, runUuid: string): RunResult | undefined;
  /** Children, row and parent of the rows this provider adds (and of past runs not read yet); undefined for others. */
  children(n: Node): Node[] | undefined;
  treeItem(n: Node): vscode.TreeItem | undefined;
  parent(n: Node): Node | undefined;
}


/** The feature's entry point: built with what it uses; disposing it removes all it registered. */
export function register(deps: Deps): ResultsTree {
  return new ResultsTree(deps);
}

/**
 * Results tree: scored file → run → verdict groups (failures first) → one item per response.
 * Nodes are plain keys resolved against the RunStore, so ids stay stable across refreshes and
 * `reveal` works through getParent.
 */
export class ResultsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  readonly view: vscode.TreeView<Node>;
  private failuresOnly: boolean;
  private readonly byCategory: CategoryGrouping;
  private readonly disposables: vscode.Disposable[] = [];
  private rows: TreeRows | undefined;
  private shownMessage: string | undefined;

  constructor(private readonly s: Deps) {
    this.failuresOnly = s.context.workspaceState.get<unknown>(FAILURES_ONLY_KEY) === true; // saved state is untrusted
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    void vscode.commands.executeCommand(WorkbenchCommand.setContext, FAILURES_ONLY_KEY, this.failuresOnly);
    this.byCategory = new CategoryGrouping(s.context.workspaceState, (r, p) => s.prompts.prompt(r.eval_uuid, p)?.category, () => this.refresh());
    this.disposables.push(
      this.view,
      this.byCategory,
      this.emitter,
      s.store.onDidChange(() => this.refresh()),
      s.prompts.onDidChange(() => this.refresh()),
      registerCommand(Command.showFailuresOnly, () => this.setFailuresOnly(true)),
      registerCommand(Command.showAll, () => this.setFailuresOnly(false)),
      // A file's row clears that file; the view's title button and the palette clear everything.
      registerCommand(Command.clearResults, (t) => {
        const target = fileOrAll(t, 'clear', s.log);
        return target && s.store.clear(target === 'all' ? undefined : target);
      }),
    );
    this.updateMessage();
  }

  /** Show another feature's rows (one provider). */
  addRows(rows: TreeRows): vscode.Disposable {
    this.rows = rows;
    this.refresh();
    return vscode.Disposable.from(
      rows.onDidChange(() => this.refresh()),
      new vscode.Disposable(() => {
        if (this.rows === rows) this.rows = undefined;
      }),
    );
  }

  refresh(): void {
    this.updateMessage();
    this.emitter.fire(undefined);
  }

  private async setFailuresOnly(on: boolean): Promise<void> {
    this.failuresOnly = on;
    await this.s.context.workspaceState.update(FAILURES_ONLY_KEY, on);
    await vscode.commands.executeCommand(WorkbenchCommand.setContext, FAILURES_ONLY_KEY, on);
    this.refresh();
  }

  private updateMessage(): void {
    const message = this.message();
    // Set only when it changes: each assignment is a message to the window, and activation
    // would send one to set the message the view starts with (none).
    if (message === this.shownMessage) return;
    this.shownMessage = message;
    this.view.message = message;
  }

  /** Undefined when there is nothing to say: the view's welcome content explains how to start. */
  private message(): string | undefined {
    const files = this.s.store.all().filter((r) => r.latest || r.pending);
    if (!files.length || !this.failuresOnly) return undefined;
    let failed = 0;
    let total = 0;
    for (const f of files) {
      failed += (f.latest?.counts.failed ?? 0) + (f.latest?.counts.errored ?? 0);
      total += f.latest?.items.length ?? 0;
    }
    return vscode.l10n.t('Showing failures only: {0} of {1} responses in {2} file(s).', failed, total, files.length);
  }

  // ------------------------------------------------------------------ model access

  private record(uri: string): FileRecord | undefined {
    return this.s.store.get(uri);
  }

  private run(n: { uri: string; runUuid: string }): RunResult | undefined {
    const latest = this.record(n.uri)?.latest;
    return latest?.eval_run_uuid === n.runUuid ? latest : this.rows?.pastRun(n.uri, n.runUuid);
  }

  private item(n: Extract<Node, { kind: 'item' }>): ResultItem | undefined {
    const r = this.run(n);
    return r ? itemIndex(r).get(n.key) : undefined;
  }

  /** The tree node of a response, for reveal. */
  nodeFor(uri: string, key: string): Node | undefined {
    const r = this.record(uri)?.latest;
    const i = r ? itemIndex(r).get(key) : undefined;
    if (!r || !i) return undefined;
    return { kind: 'item', uri, runUuid: r.eval_run_uuid, verdict: i.verdict, key };
  }

  async reveal(uri: string, key: string): Promise<void> {
    const node = this.nodeFor(uri, key);
    if (node) await this.view.reveal(node, { select: true, focus: false, expand: true });
  }

  // ------------------------------------------------------------------ TreeDataProvider

  getChildren(n?: Node): Node[] {
    if (!n) return this.s.store.all().filter((r) => r.latest || r.pending).map((r) => ({ kind: 'file', uri: r.uri }));
    if (n.kind === 'file') {
      const rec = this.record(n.uri);
      if (!rec) return [];
      const runs: Node[] = [];
      if (rec.latest) runs.push({ kind: 'run', uri: n.uri, runUuid: rec.latest.eval_run_uuid, latest: true });
      for (const h of rec.history) if (h.eval_run_uuid !== rec.latest?.eval_run_uuid) runs.push({ kind: 'run', uri: n.uri, runUuid: h.eval_run_uuid, latest: false });
      return [...(this.rows?.fileRows(n.uri) ?? []), ...runs];
    }
    if (n.kind === 'run') {
      const r = this.run(n);
      if (!r) return (!n.latest && this.rows?.children(n)) || [];
      // Grouped by category: the latest run only (past runs keep their verdict groups).
      if (this.byCategory.active && n.latest) return this.byCategory.children(r, n.uri, this.failuresOnly);
      if (threaded(r)) return threadChildren(r, n.uri, this.failuresOnly);
      const verdicts = this.failuresOnly ? VERDICTS.filter((v) => v === 'failed' || v === 'errored') : VERDICTS;
      return verdicts.filter((v) => r.counts[v] > 0).map((verdict) => ({ kind: 'group', uri: n.uri, runUuid: n.runUuid, verdict }));
    }
    if (n.kind === 'group') {
      const r = this.run(n);
      if (!r) return [];
      return runGroups(r)[n.verdict].map((i) => ({ kind: 'item', uri: n.uri, runUuid: n.runUuid, verdict: n.verdict, key: i.key }));
    }
    if (n.kind === 'category') {
      const r = this.run(n);
      return r ? this.byCategory.items(r, n, this.failuresOnly) : [];
    }
    if (n.kind === 'thread') {
      const r = this.run(n);
      return r ? turnChildren(r, n) : [];
    }
    return this.rows?.children(n) ?? [];
  }

  getParent(n: Node): Node | undefined {
    switch (n.kind) {
      case 'file':
        return undefined;
      case 'run':
        return { kind: 'file', uri: n.uri };
      case 'group':
        return { kind: 'run', uri: n.uri, runUuid: n.runUuid, latest: this.record(n.uri)?.latest?.eval_run_uuid === n.runUuid };
      case 'category':
        return { kind: 'run', uri: n.uri, runUuid: n.runUuid, latest: true };
      case 'thread':
        return { kind: 'run', uri: n.uri, runUuid: n.runUuid, latest: this.record(n.uri)?.latest?.eval_run_uuid === n.runUuid };
      case 'item': {
        if (this.byCategory.active && this.record(n.uri)?.latest?.eval_run_uuid === n.runUuid) return this.byCategory.parent(this.run(n), n);
        const r = this.run(n);
        if (r && threaded(r)) return threadParent(r, n) ?? { kind: 'run', uri: n.uri, runUuid: n.runUuid, latest: this.record(n.uri)?.latest === r };
        return { kind: 'group', uri: n.uri, runUuid: n.runUuid, verdict: n.verdict };
      }
      default:
        return this.rows?.parent(n);
    }
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const t = vscode.l10n.t;
    switch (n.kind) {
      case 'file': {
        const rec = this.record(n.uri);
        const uri = vscode.Uri.parse(n.uri);
        const ti = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.Expanded);
        ti.id = `file|${n.uri}`;
        ti.contextValue = 'aymara.file';
        const r = rec?.latest;
        const bits: string[] = [];
        // In a multi-root workspace, same-named files are told apart by their folder.
        if ((vscode.workspace.workspaceFolders?.length ?? 0) > 1) {
          const folder = vscode.workspace.getWorkspaceFolder(uri);
          if (folder) bits.push(inert(folder.name, 60));
        }
        if (r) bits.push(`${formatPercent(r.pass_rate)}`, t('{0} failed', r.counts.failed + r.counts.errored));
        if (rec?.pending) bits.push(t('run pending'));
        if (rec?.stale) bits.push(t('stale'));
        ti.description = bits.join(' · ');
        const path = inert(uri.fsPath, 500);
        ti.tooltip = rec?.stale ? t('{0}\nThe file changed since it was scored; results are re-mapped to the new text until you score again.', path) : path;
        return ti;
      }
      case 'run': {
        const rec = this.record(n.uri);
        const summary: RunSummary | undefined = n.latest ? (rec?.latest ? toSummary(rec.latest) : undefined) : rec?.history.find((h) => h.eval_run_uuid === n.runUuid);
        const ti = new vscode.TreeItem(summary?.run_name ? inert(summary.run_name, 120) : shortId(n.runUuid, 40), n.latest ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        ti.id = `run|${n.uri}|${n.runUuid}|${n.latest ? 'latest' : 'old'}`;
        ti.contextValue = n.latest ? 'aymara.run.latest' : 'aymara.run';
        ti.iconPath = new vscode.ThemeIcon(n.latest ? 'beaker' : 'history');
        if (summary) {
          const merged = n.latest && rec?.latest?.merged ? ` · ${t('merged view')}` : '';
          ti.description = `${formatPercent(summary.pass_rate)}${merged} · ${formatLocalWhen(summary.completed_at)}${summary.status !== 'finished' ? ` · ${summary.status}` : ''}`;
          ti.tooltip = `${t('Run {0}', inert(n.runUuid, 200))}\n${countsLine(summary.counts, t)}`;
        }
        if (n.latest) ti.command = { command: Command.showExplanations, title: t('Show Explanations'), arguments: [n.uri] };
        return ti;
      }
      case 'group': {
        const r = this.run(n);
        const ti = new vscode.TreeItem(`${verdictLabel(n.verdict, t)} (${r?.counts[n.verdict] ?? 0})`, n.verdict === 'failed' || n.verdict === 'errored' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        ti.id = `group|${n.uri}|${n.runUuid}|${n.verdict}`;
        ti.contextValue = `aymara.group.${n.verdict}`;
        ti.iconPath = verdictIcon(n.verdict);
        return ti;
      }
      case 'category':
        return this.byCategory.treeItem(this.run(n), n, this.failuresOnly);
      case 'thread': {
        const r = this.run(n);
        return threadItem(r, n, (p) => (r ? this.s.prompts.prompt(r.eval_uuid, p)?.content : undefined));
      }
      case 'item': {
        const i = this.item(n);
        const r = this.run(n);
        const prompt = i && r ? this.s.prompts.prompt(r.eval_uuid, i.prompt_uuid) : undefined;
        const promptText = prompt?.content ?? (i && r ? runThreads(r).turnPrompts.get(i.prompt_uuid) : undefined);
        const text = promptText ? inert(promptText, 120) : inert(i?.prompt_uuid ?? n.key, 120);
        const ti = new vscode.TreeItem(i && i.turn_number > 1 ? `${text} (turn ${i.turn_number})` : text, vscode.TreeItemCollapsibleState.None);
        ti.id = `item|${n.uri}|${n.runUuid}|${n.key}`;
        // A past run's response is read-only; opening it goes to the entry with its key in the file as it is now.
        const past = r !== undefined && r !== this.record(n.uri)?.latest;
        const next = i && r && !past && i.location ? nextTurnOf(i) : undefined;
        ti.contextValue = past ? 'aymara.pastItem' : i?.location ? (next && !itemIndex(r!).has(next.key) ? 'aymara.item.continue' : 'aymara.item') : 'aymara.item.detached';
        ti.iconPath = verdictIcon(n.verdict);
        const bits: string[] = [];
        if (i?.confidence != null) bits.push(`${Math.round(i.confidence * 100)}%`);
        if (i && !i.location && !past) bits.push(t('not in file'));
        if (i?.review) bits.push(t('reviewed by a person'));
        ti.description = bits.join(' · ');
        // Untrusted text only through appendText (escaped); no command links, HTML or theme icons.
        const md = new vscode.MarkdownString(undefined, false);
        md.isTrusted = false;
        md.supportHtml = false;
        md.supportThemeIcons = false;
        md.appendMarkdown(`**${verdictLabel(n.verdict, t)}**`);
        if (i?.confidence != null) md.appendText(` (${Math.round(i.confidence * 100)}% confidence)`);
        md.appendMarkdown('\n\n');
        if (promptText) {
          md.appendText(oneLine(promptText, 500));
          md.appendMarkdown('\n\n');
        }
        md.appendText(i?.explanation ? oneLine(i.explanation, 2000) : t('No explanation.'));
        md.appendMarkdown('\n\n');
        md.appendText(i?.prompt_uuid ?? '');
        const reviewed = i ? reviewLine(i, t) : undefined;
        if (reviewed) md.appendMarkdown('\n\n').appendText(inert(reviewed, 300));
        ti.tooltip = md;
        if (i?.location || past) ti.command = { command: Command.openResult, title: t('Go to Response'), arguments: [n.uri, n.key] };
        return ti;
      }
      default:
        return this.rows?.treeItem(n) ?? new vscode.TreeItem('');
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

function verdictIcon(v: Verdict): vscode.ThemeIcon {
  return new vscode.ThemeIcon(VERDICT_ICON[v].codicon, new vscode.ThemeColor(VERDICT_ICON[v].color));
}

function toSummary(r: RunResult): RunSummary {
  return { eval_run_uuid: r.eval_run_uuid, run_name: r.run_name, pass_rate: r.pass_rate, counts: r.counts, completed_at: r.completed_at, status: r.status };
}

