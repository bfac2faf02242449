/**
 * The results tree grouped by prompt category instead of verdict: a run's rows are its categories
 * (by name, "Uncategorized" last), each holding its responses failures first. The choice is a
 * view-title toggle (Group by Category / Group by Verdict), remembered in workspace state and
 * mirrored in the context key `aymara.groupByCategory` for the menus. Categories come from the
 * prompt cache; the grouping itself is core (report/categories.ts).
 */
import * as vscode from 'vscode';
import { categoryKey, groupByCategory } from '../../core/report/categories';
import { passFraction } from '../../core/report/trend';
import { inert } from '../../core/present/text';
import { VERDICTS, formatPercent, itemIndex, runGroups, type ResultItem, type RunResult } from '../../core/results';
import { isFailing } from '../../core/compare/compare';
import { registerCommand, type TreeNode } from '../commandArgs';
import { Command, WorkbenchCommand } from '../commandIds';

export const GROUP_BY_CATEGORY_KEY = 'aymara.groupByCategory';

export type CategoryNode = Extract<TreeNode, { kind: 'category' }>;
type ItemNode = Extract<TreeNode, { kind: 'item' }>;
/** A prompt's category (from the prompt cache), or null / undefined when it has none or is not known. */
type CategoryOf = (run: RunResult, promptUuid: string) => string | null | undefined;

/** The grouping toggle and the rows it gives; `refresh` redraws the tree after a toggle. */
export class CategoryGrouping implements vscode.Disposable {
  private on: boolean;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly state: vscode.Memento,
    private readonly categoryOf: CategoryOf,
    private readonly refresh: () => void,
  ) {
    this.on = state.get<unknown>(GROUP_BY_CATEGORY_KEY) === true; // saved state is untrusted
    void vscode.commands.executeCommand(WorkbenchCommand.setContext, GROUP_BY_CATEGORY_KEY, this.on);
    this.disposables = [registerCommand(Command.groupByCategory, () => this.set(true)), registerCommand(Command.groupByVerdict, () => this.set(false))];
  }

  get active(): boolean {
    return this.on;
  }

  private async set(on: boolean): Promise<void> {
    this.on = on;
    await this.state.update(GROUP_BY_CATEGORY_KEY, on);
    await vscode.commands.executeCommand(WorkbenchCommand.setContext, GROUP_BY_CATEGORY_KEY, on);
    this.refresh();
  }

  /** The run's responses shown in the tree, failures first (then by position), grouped by category. */
  private groups(run: RunResult, failuresOnly: boolean): { category: string | undefined; items: ResultItem[] }[] {
    const g = runGroups(run);
    const items = VERDICTS.filter((v) => !failuresOnly || isFailing(v)).flatMap((v) => g[v]);
    return groupByCategory(items, (i) => this.categoryOf(run, i.prompt_uuid));
  }

  /** A run's rows: one per category with responses shown. */
  children(run: RunResult, uri: string, failuresOnly: boolean): CategoryNode[] {
    return this.groups(run, failuresOnly).map((g) => ({ kind: 'category', uri, runUuid: run.eval_run_uuid, category: g.category ?? null }));
  }

  /** A category row's responses. */
  items(run: RunResult, n: CategoryNode, failuresOnly: boolean): ItemNode[] {
    const want = n.category ?? undefined;
    const group = this.groups(run, failuresOnly).find((g) => g.category === want);
    return (group?.items ?? []).map((i) => ({ kind: 'item', uri: n.uri, runUuid: n.runUuid, verdict: i.verdict, key: i.key }));
  }

  /** The category row holding a response. */
  parent(run: RunResult | undefined, n: ItemNode): CategoryNode {
    const item = run ? itemIndex(run).get(n.key) : undefined;
    const category = run && item ? categoryKey(this.categoryOf(run, item.prompt_uuid)) : undefined;
    return { kind: 'category', uri: n.uri, runUuid: n.runUuid, category: category ?? null };
  }

  treeItem(run: RunResult | undefined, n: CategoryNode, failuresOnly: boolean): vscode.TreeItem {
    const t = vscode.l10n.t;
    const want = n.category ?? undefined;
    const items = run ? (this.groups(run, failuresOnly).find((g) => g.category === want)?.items ?? []) : [];
    let failing = 0;
    let passing = 0;
    for (const i of items) {
      if (isFailing(i.verdict)) failing++;
      else if (i.verdict !== 'excluded') passing++;
    }
    const label = n.category === null ? t('Uncategorized') : inert(n.category, 120);
    const ti = new vscode.TreeItem(`${label} (${items.length})`, failing > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    ti.id = `category|${n.uri}|${n.runUuid}|${n.category === null ? '' : `=${n.category}`}`;
    ti.contextValue = 'aymara.category';
    ti.iconPath = new vscode.ThemeIcon('tag');
    ti.description = failuresOnly ? t('{0} failed', failing) : `${formatPercent(passFraction(passing, failing))} · ${t('{0} failed', failing)}`;
    return ti;
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
