/**
 * `aymara-eval compare <baseline-run> <current-run> [--file <file>] [--format text|json]
 * [--fail-on failures|regressions]`: the comparison of two finished runs of one eval, without
 * scoring. With --file both runs are matched to the file's entries (as scoring matches them), so
 * every list element has its line in the file; without it, line is null.
 *
 * Exit codes: 0 compared (whatever the lists hold) unless --fail-on trips: 1 then; 2 usage or a
 * run that cannot be compared (unknown, of another eval, unfinished); 3 API or network failure.
 */
import type { AymaraClient } from '../core/client';
import { compareRuns, comparisonReport } from '../core/compare/compare';
import { RunChoiceError, fetchRunResult } from '../core/compare/fetchRun';
import { isApiError } from '../core/apiError';
import { writeComparisonText } from '../core/report/comparisonText';
import { stringifyInert } from '../core/report/json';
import { line } from '../core/report/text';
import type { ResponsesFile } from '../core/responsesFile';
import { trippedGates, type Gates } from './gates';
import type { Output } from './output';

const EXIT = { passed: 0, failed: 1, usage: 2, api: 3 } as const;

/** Options of "score" that mean nothing to "compare": refused rather than silently ignored. */
const SCORE_ONLY = ['eval', 'sandbox', 'output', 'baseline', 'only-failed-from'] as const;

export interface CompareCommandOptions {
  baseline: string;
  current: string;
  values: { file?: string; format?: string } & Partial<Record<(typeof SCORE_ONLY)[number], unknown>>;
  gates: Gates;
  out: Output;
  connect: () => AymaraClient | undefined;
  load: (file: string) => Promise<{ label: string; parsed: ResponsesFile } | undefined>;
  describeFailure: (err: unknown) => string;
  signal?: AbortSignal;
}

export async function compareCommand(c: CompareCommandOptions): Promise<number> {
  const o = c.out;
  const format = c.values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    o.err(line`aymara-eval: compare writes text or json (got --format ${format}). Nothing was sent.` + '\n');
    return EXIT.usage;
  }
  const stray = SCORE_ONLY.filter((k) => c.values[k] !== undefined && c.values[k] !== false);
  if (stray.length) {
    o.err(`aymara-eval: ${stray.map((k) => `--${k}`).join(', ')} ${stray.length === 1 ? 'is' : 'are'} for "score", not "compare". Nothing was sent.\n`);
    return EXIT.usage;
  }
  if (c.baseline === c.current) {
    o.err(line`aymara-eval: the baseline and current runs are the same run (${c.baseline}); compare two different runs.` + '\n');
    return EXIT.usage;
  }
  const file = c.values.file === undefined ? undefined : await c.load(c.values.file);
  if (c.values.file !== undefined && !file) return EXIT.usage;

  const client = c.connect();
  if (!client) return EXIT.usage;
  let report: string;
  let exit: number = EXIT.passed;
  try {
    const entries = file?.parsed.entries;
    const current = await fetchRunResult(client, c.current, { role: 'current run', entries, signal: c.signal });
    const baseline = await fetchRunResult(client, c.baseline, { role: 'baseline run', evalUuid: current.eval_uuid, entries, signal: c.signal });
    const cmp = o.redact(compareRuns(baseline, current));
    report =
      format === 'json'
        ? stringifyInert({ eval_uuid: current.eval_uuid, eval_run_uuid: current.eval_run_uuid, comparison: comparisonReport(cmp) })
        : writeComparisonText(cmp, file?.label, ['newly_failing', 'newly_passing', 'still_failing', 'changed', 'only_in_current', 'only_in_baseline']);
    for (const n of [...baseline.notes, ...current.notes]) o.err(line`note: ${n}` + '\n');
    const tripped = trippedGates(c.gates, current, cmp);
    for (const why of tripped) o.err(line`aymara-eval: exit 1: ${why}` + '\n');
    if (tripped.length) exit = EXIT.failed;
  } catch (err) {
    o.err(c.describeFailure(err) + '\n');
    return err instanceof RunChoiceError || (isApiError(err) && err.kind === 'validation') ? EXIT.usage : EXIT.api;
  } finally {
    await client.close();
  }
  o.out(report);
  return exit;
}
