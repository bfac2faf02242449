/**
 * The results tree for runs with conversations: under the run, one row per thread (its first
 * prompt, how many turns, their verdicts), the thread's turns under it in order. Responses with no
 * thread follow the threads. With "failures only", the threads with a failed or errored turn are
 * shown, each with all its turns (a turn is read in its conversation).
 */
import * as vscode from 'vscode';
import { countsLine, VERDICT_ICON } from '../../core/present/labels';
import { inert, shortId } from '../../core/present/text';
import { countVerdicts, VERDICTS, type ResultItem, type RunResult, type Verdict } from '../../core/results';
import { runThreads } from '../../core/turns/threads';
import type { TreeNode } from '../commandArgs';

type Node = TreeNode;
type ThreadNode = Extract<Node, { kind: 'thread' }>;

const failing = (i: ResultItem) => i.verdict === 'failed' || i.verdict === 'errored';

/** Whether the run's rows are its threads. */
export function threaded(run: RunResult): boolean {
  return runThreads(run).threads.length > 0;
}

/** The run's rows: its threads, then the responses without one. */
export function threadChildren(run: RunResult, uri: string, failuresOnly: boolean): Node[] {
  const { threads, loose } = runThreads(run);
  const runUuid = run.eval_run_uuid;
  return [
    ...threads.filter((g) => !failuresOnly || g.turns.some(failing)).map((g): Node => ({ kind: 'thread', uri, runUuid, thread: g.thread })),
    ...loose.filter((i) => !failuresOnly || failing(i)).map((i): Node => ({ kind: 'item', uri, runUuid, verdict: i.verdict, key: i.key })),
  ];
}

export function turnChildren(run: RunResult, n: ThreadNode): Node[] {
  return (runThreads(run).byThread.get(n.thread)?.turns ?? []).map((i) => ({ kind: 'item', uri: n.uri, runUuid: n.runUuid, verdict: i.verdict, key: i.key }));
}

/** The thread row an item is under, or undefined when it has none. */
export function threadParent(run: RunResult | undefined, n: Extract<Node, { kind: 'item' }>): Node | undefined {
  if (!run || !threaded(run)) return undefined;
  const thread = run.items.find((i) => i.key === n.key)?.thread_uuid;
  return thread ? { kind: 'thread', uri: n.uri, runUuid: n.runUuid, thread } : undefined;
}

export function threadItem(run: RunResult | undefined, n: ThreadNode, promptText: (promptUuid: string) => string | undefined): vscode.TreeItem {
  const t = vscode.l10n.t;
  const turns = run ? (runThreads(run).byThread.get(n.thread)?.turns ?? []) : [];
  const first = turns[0];
  const text = first ? promptText(first.prompt_uuid) : undefined;
  const ti = new vscode.TreeItem(text ? inert(text, 120) : t('Conversation {0}', shortId(n.thread, 32)), vscode.TreeItemCollapsibleState.Expanded);
  ti.id = `thread|${n.uri}|${n.runUuid}|${n.thread}`;
  ti.contextValue = 'aymara.thread';
  const counts = countVerdicts(turns);
  const worst: Verdict = VERDICTS.find((v) => counts[v] > 0) ?? 'passed';
  ti.iconPath = new vscode.ThemeIcon('comment-discussion', new vscode.ThemeColor(VERDICT_ICON[worst].color));
  ti.description = `${t('{0} turn(s)', turns.length)} · ${countsLine(counts, t)}`;
  ti.tooltip = `${t('Conversation {0}', inert(n.thread, 200))}\n${countsLine(counts, t)}`;
  return ti;
}
