/**
 * 10,000 scored results → diagnostics, results-tree model and webview data, against JSON.parse of
 * the server's reply that carried them (target ≤ 1.0 ×). Matching the scored responses to the
 * file's entries (matchResults) is reported beside it against the same baseline.
 */
import { toDiagnosticData, type DiagnosticOptions } from '../../src/core/report/diagnosticsModel';
import { english } from '../../src/core/present/labels';
import { buildWebviewModel, type PromptText, type WebviewModel } from '../../src/core/report/webviewModel';
import { itemIndex, runGroups, type ResultItem, type RunResult, type Verdict } from '../../src/core/results';
import { matchResults, type EntryLike } from '../../src/core/scoring';
import type { EvalRunResult } from '../../src/core/schemas';
import { interleave, median, ratioRow, row, thousands, type Row } from './lib/measure';

/** The diagnostics settings' defaults (aymara.diagnostics.*). */
export const DIAGNOSTIC_DEFAULTS: DiagnosticOptions = { level: 'error', hints: { passed: false, refused: false, excluded: false }, stale: false };

/**
 * The results tree's model of a run: src/editor/resultsTree.ts gets each verdict group's items
 * from runGroups and resolves item nodes (and reveal) through itemIndex, both in the core, and
 * these are the calls measured here. Its node objects are literals made in getChildren as VS Code
 * expands each group; that class needs vscode, so it cannot run here, and the bench does not keep
 * a copy of it.
 */
export function treeModel(run: RunResult): { groups: Record<Verdict, ResultItem[]>; index: Map<string, ResultItem> } {
  return { groups: runGroups(run), index: itemIndex(run) };
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
  const tree = treeModel(result);
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
      { name: 'tree', fn: () => treeModel(freshRun(input.result)) },
      { name: 'webview', fn: () => webviewModel({ ...input, result: freshRun(input.result) }) },
      { name: 'matchResults', fn: () => matchResults(input.run, input.run.responses ?? [], input.entries) },
    ],
    { warmup: 3, reps: 15 },
  );
  const base = median(times['JSON.parse']!);
  details.views = { replyBytes: Buffer.byteLength(input.replyText), items: n, ...times };
  const label = n.toLocaleString('en-US');
  const size = thousands(n);
  return [
    ratioRow(`views.${size}`, `${label} scored results → diagnostics + tree + webview data vs JSON.parse of the reply`, median(times.views!), base, 'ms', { max: 1.0 }),
    row(`views.${size}.diagnostics`, `  of which diagnostics (toDiagnosticData)`, median(times.diagnostics!), 'ms', { baseline: base }),
    row(`views.${size}.tree`, `  of which tree model (runGroups + itemIndex, as the results tree calls them)`, median(times.tree!), 'ms', { baseline: base }),
    row(`views.${size}.webview`, `  of which webview data (buildWebviewModel)`, median(times.webview!), 'ms', { baseline: base }),
    row(`match.${size}`, `${label} scored responses matched to entries (matchResults) vs the same JSON.parse`, median(times.matchResults!), 'ms', { baseline: base }),
  ];
}
