/**
 * 10,000 scored results → diagnostics, results-tree model and webview data, against JSON.parse of
 * the server's reply that carried them (target ≤ 1.0 ×). Matching the scored responses to the
 * file's entries (matchResults) is reported beside it against the same baseline.
 */
import { toDiagnosticData, type DiagnosticOptions } from '../../src/core/report/diagnosticsModel';
import { buildWebviewModel, english, type PromptText, type WebviewModel } from '../../src/core/report/webviewModel';
import { VERDICTS, itemIndex, runGroups, type ResultItem, type RunResult, type Verdict } from '../../src/core/results';
import { matchResults, type EntryLike } from '../../src/core/scoring';
import type { EvalRunResult } from '../../src/core/schemas';
import { interleave, median, ratioRow, row, type Row } from './lib/measure';

/** The diagnostics settings' defaults (aymara.diagnostics.*). */
export const DIAGNOSTIC_DEFAULTS: DiagnosticOptions = { level: 'error', hints: { passed: false, refused: false, excluded: false }, stale: false };

type TreeNode =
  | { kind: 'group'; uri: string; runUuid: string; verdict: Verdict }
  | { kind: 'item'; uri: string; runUuid: string; verdict: Verdict; key: string };

/**
 * What src/editor/resultsTree.ts computes, without vscode: the run's verdict groups (failures
 * first, only non-empty ones), each group's items in file order (runGroups, shared with the
 * webview model), and the index of items by key (itemIndex) used to resolve item nodes and reveal.
 */
export function treeModel(run: RunResult, uri: string): { groups: { node: TreeNode; children: TreeNode[] }[]; index: Map<string, ResultItem> } {
  const index = itemIndex(run);
  const byVerdict = runGroups(run);
  const groups = VERDICTS.filter((v) => run.counts[v] > 0).map((verdict) => ({
    node: { kind: 'group', uri, runUuid: run.eval_run_uuid, verdict } as TreeNode,
    children: byVerdict[verdict].map((i): TreeNode => ({ kind: 'item', uri, runUuid: run.eval_run_uuid, verdict, key: i.key })),
  }));
  return { groups, index };
}

export interface ViewsInput {
  /** The server's reply text (the finished run with its scored responses inline). */
  replyText: string;
  run: EvalRunResult;
  entries: readonly EntryLike[];
  result: RunResult;
  prompts: Record<string, PromptText>;
  fileUri: string;
  fileName: string;
}

export function webviewModel(input: Pick<ViewsInput, 'result' | 'prompts' | 'fileUri' | 'fileName'>): WebviewModel {
  return buildWebviewModel({
    run: input.result,
    fileUri: input.fileUri,
    fileName: input.fileName,
    stale: false,
    prompt: (p) => input.prompts[p],
    evalInfo: { name: 'Load Test Eval', eval_type: 'safety' },
    t: english,
  });
}

/**
 * The three views of one freshly scored run, as the extension builds them when results arrive.
 * `result` is copied first so that nothing cached per run object (runGroups) carries over from an
 * earlier repetition: every repetition pays for the grouping once, shared by tree and webview.
 */
export function allViews(input: Pick<ViewsInput, 'result' | 'prompts' | 'fileUri' | 'fileName'>): unknown {
  const result = freshRun(input.result);
  const diagnostics = toDiagnosticData(result.items, DIAGNOSTIC_DEFAULTS);
  const tree = treeModel(result, input.fileUri);
  const model = webviewModel({ ...input, result });
  return [diagnostics, tree, model];
}

/** A new run object with the same results: what a new scoring produces, with no per-run caches yet. */
export function freshRun(r: RunResult): RunResult {
  return { ...r };
}

export function benchViews(input: ViewsInput, details: Record<string, unknown>): Row[] {
  const n = input.result.items.length;
  const times = interleave(
    [
      { name: 'JSON.parse', fn: () => JSON.parse(input.replyText) },
      { name: 'views', fn: () => allViews(input) },
      { name: 'diagnostics', fn: () => toDiagnosticData(input.result.items, DIAGNOSTIC_DEFAULTS) },
      { name: 'tree', fn: () => treeModel(freshRun(input.result), input.fileUri) },
      { name: 'webview', fn: () => webviewModel({ ...input, result: freshRun(input.result) }) },
      { name: 'matchResults', fn: () => matchResults(input.run, input.run.responses ?? [], input.entries) },
    ],
    { warmup: 3, reps: 15 },
  );
  const base = median(times['JSON.parse']!);
  details.views = { replyBytes: Buffer.byteLength(input.replyText), items: n, ...times };
  const label = n.toLocaleString('en-US');
  return [
    ratioRow(`${label} scored results → diagnostics + tree + webview data vs JSON.parse of the reply`, median(times.views!), base, 'ms', { max: 1.0 }),
    row(`  of which diagnostics (toDiagnosticData)`, median(times.diagnostics!), 'ms', { baseline: base }),
    row(`  of which tree model (groups, sorted items, index)`, median(times.tree!), 'ms', { baseline: base }),
    row(`  of which webview data (buildWebviewModel)`, median(times.webview!), 'ms', { baseline: base }),
    row(`${label} scored responses matched to entries (matchResults) vs the same JSON.parse`, median(times.matchResults!), 'ms', { baseline: base }),
  ];
}
