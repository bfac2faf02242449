import * as vscode from 'vscode';
import type { ChangeKind, ComparedEntry } from '../../core/compare/compare';
import { CHANGE_GROUP_LABEL, CHANGE_GROUPS, CHANGE_LABEL, groupOf, headline, type ChangeGroup } from '../../core/report/compareModel';
import { verdictLabel } from '../../core/present/labels';
import { inert, oneLine, shortId } from '../../core/present/text';
import type { ResultItem } from '../../core/results';
import { Command } from '../commandIds';
import type { Node, TreeRows } from '../resultsTree';
import type { Services } from '../services';
import type { ActiveComparison, ComparisonModel } from './model';
import type { PastRuns } from './pastRuns';

/** Most entries listed under one change group (the explanations' compare mode lists them all). */
const ROWS_PER_GROUP = 1_000;

const KIND_ICON: Record<ChangeKind, [string, string]> = {
  newly_failing: ['error', 'testing.iconFailed'],
  newly_passing: ['pass', 'testing.iconPassed'],
  still_failing: ['circle-filled', 'testing.iconFailed'],
  changed: ['diff-modified', 'charts.yellow'],
  only_in_current: ['diff-added', 'charts.blue'],
  only_in_baseline: ['diff-removed', 'charts.blue'],
};
const GROUP_ICON: Record<ChangeGroup, [string, string]> = { ...KIND_ICON, only: ['diff', 'charts.blue'] } as Record<ChangeGroup, [string, string]>;

function icon([id, color]: [string, string]): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, new vscode.ThemeColor(color));
}

/**
 * The results tree's rows for comparisons and past runs: a "Changes" row under a compared file
 * (children: Newly failing, Fixed, Still failing, Changed, Only in one run, with counts; their
 * entries open the response in the file), and the note shown under a past run whose results are
 * being read or are not stored locally.
 */
export class CompareTreeRows implements TreeRows, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly s: Pick<Services, 'prompts'>,
    private readonly model: ComparisonModel,
    private readonly past: PastRuns,
  ) {
    this.subscriptions = [model.onDidChange(() => this.emitter.fire()), past.onDidChange(() => this.emitter.fire())];
  }

  fileRows(uri: string): Node[] {
    return this.model.get(uri) ? [{ kind: 'changes', uri }] : [];
  }

  pastRun(uri: string, runUuid: string) {
    const s = this.past.state(uri, runUuid);
    return typeof s === 'string' || 'failed' in s ? undefined : s;
  }

  children(n: Node): Node[] | undefined {
    const a = this.model.get(n.uri);
    switch (n.kind) {
      case 'run': {
        const s = this.past.state(n.uri, n.runUuid);
        if (typeof s === 'string') return [{ kind: 'note', uri: n.uri, runUuid: n.runUuid, note: s }];
        return 'failed' in s ? [{ kind: 'note', uri: n.uri, runUuid: n.runUuid, note: 'failed', message: s.failed }] : undefined;
      }
      case 'changes':
        return a ? CHANGE_GROUPS.map((group) => ({ kind: 'changeGroup', uri: n.uri, group })) : [];
      case 'changeGroup':
        return a ? entriesOf(a, n.group).slice(0, ROWS_PER_GROUP).map((e) => ({ kind: 'change', uri: n.uri, group: n.group, key: e.key })) : [];
      default:
        return undefined;
    }
  }

  parent(n: Node): Node | undefined {
    switch (n.kind) {
      case 'changes':
        return { kind: 'file', uri: n.uri };
      case 'changeGroup':
        return { kind: 'changes', uri: n.uri };
      case 'change':
        return { kind: 'changeGroup', uri: n.uri, group: n.group };
      case 'note':
        return { kind: 'run', uri: n.uri, runUuid: n.runUuid, latest: false };
      default:
        return undefined;
    }
  }

  treeItem(n: Node): vscode.TreeItem | undefined {
    const t = vscode.l10n.t;
    const a = this.model.get(n.uri);
    switch (n.kind) {
      case 'changes': {
        const ti = new vscode.TreeItem(t('Changes'), vscode.TreeItemCollapsibleState.Expanded);
        ti.id = `changes|${n.uri}`;
        ti.contextValue = 'aymara.changes';
        ti.iconPath = new vscode.ThemeIcon('git-compare');
        if (!a) return ti;
        const base = runName(a.baseline);
        const bits = [t('vs {0}', base), headline(a.comparison, t)];
        if (a.followed) bits.push(t('compared with the latest run'));
        ti.description = bits.join(' · ');
        const lines = [t('Baseline: {0}', base), t('Current: {0}', runName(a.current)), headline(a.comparison, t)];
        if (a.followed) lines.push(t('The file was scored again: the baseline is now compared with the latest run.'));
        ti.tooltip = lines.join('\n');
        return ti;
      }
      case 'changeGroup': {
        const count = a ? entriesOf(a, n.group).length : 0;
        const ti = new vscode.TreeItem(`${t(CHANGE_GROUP_LABEL[n.group])} (${count})`, count ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        ti.id = `changeGroup|${n.uri}|${n.group}`;
        ti.contextValue = `aymara.changeGroup.${n.group}`;
        ti.iconPath = icon(GROUP_ICON[n.group]);
        if (count > ROWS_PER_GROUP) ti.description = t('first {0} shown; all in the explanations', ROWS_PER_GROUP);
        return ti;
      }
      case 'change':
        return a ? this.changeItem(n, a) : undefined;
      case 'note': {
        const loading = n.note === 'loading';
        const label = loading ? t('Loading results…') : n.note === 'failed' ? t('Could not fetch the results from Aymara') : t('Results not stored locally');
        const ti = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
        ti.id = `note|${n.uri}|${n.runUuid}|${n.note}`;
        ti.contextValue = 'aymara.note';
        ti.iconPath = new vscode.ThemeIcon(loading ? 'loading~spin' : n.note === 'failed' ? 'warning' : 'info');
        if (n.note === 'failed') {
          ti.description = inert(n.message ?? '', 200);
          ti.tooltip = t('{0}\nCheck the connection and the API key (the Aymara log says more); comparing this run tries again.', inert(n.message ?? '', 1000));
        } else if (!loading) {
          ti.tooltip = t('Only the latest runs of a file keep their results on disk ("aymara.history.maxRuns", "aymara.history.maxStorageMB"); this run is kept as a summary, and its results are fetched from Aymara when the workspace is trusted. Raise those settings to keep more runs.');
        }
        return ti;
      }
      default:
        return undefined;
    }
  }

  private changeItem(n: Extract<Node, { kind: 'change' }>, a: ActiveComparison): vscode.TreeItem | undefined {
    const t = vscode.l10n.t;
    const e = a.index.get(n.key);
    if (!e) return undefined;
    const ref = (e.current ?? e.baseline)!;
    const prompt = this.s.prompts.prompt(a.current.eval_uuid, e.prompt_uuid);
    const text = prompt?.content ? inert(prompt.content, 120) : inert(e.prompt_uuid, 120);
    const ti = new vscode.TreeItem(e.turn_number > 1 ? `${text} (turn ${e.turn_number})` : text, vscode.TreeItemCollapsibleState.None);
    ti.id = `change|${n.uri}|${n.key}`;
    ti.contextValue = 'aymara.change';
    ti.iconPath = icon(KIND_ICON[e.kind]);
    ti.description = `${side(e.baseline, t)} → ${side(e.current, t)}`;
    // Untrusted text only through appendText (escaped); no command links, HTML or theme icons.
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.supportThemeIcons = false;
    md.appendMarkdown(`**${t(CHANGE_LABEL[e.kind])}**\n\n`);
    if (prompt?.content) {
      md.appendText(oneLine(prompt.content, 500));
      md.appendMarkdown('\n\n');
    }
    for (const [label, item] of [[t('Baseline'), e.baseline], [t('Current'), e.current]] as const) {
      md.appendText(`${label}: ${side(item, t)}`);
      if (item?.explanation) md.appendText(` — ${oneLine(item.explanation, 1000)}`);
      md.appendMarkdown('\n\n');
    }
    md.appendText(ref.prompt_uuid);
    ti.tooltip = md;
    ti.command = { command: Command.openResult, title: t('Go to Response'), arguments: [n.uri, n.key] };
    return ti;
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions, this.emitter).dispose();
  }
}

function entriesOf(a: ActiveComparison, group: ChangeGroup): ComparedEntry[] {
  return a.comparison.entries.filter((e) => groupOf(e.kind) === group);
}

/** "Failed 93%", or "not in this run". */
function side(i: ResultItem | null, t: typeof vscode.l10n.t): string {
  if (!i) return t('not in this run');
  return i.confidence != null ? `${verdictLabel(i.verdict, t)} ${Math.round(i.confidence * 100)}%` : verdictLabel(i.verdict, t);
}

function runName(r: { run_name: string | null; eval_run_uuid: string }): string {
  return r.run_name ? inert(r.run_name, 80) : shortId(r.eval_run_uuid, 40);
}
