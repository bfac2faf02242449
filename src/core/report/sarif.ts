import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, Region, ReportingDescriptor, Result } from 'sarif';
import type { ChangeKind, Comparison } from '../compare/compare';
import type { ResultItem, RunResult, Verdict } from '../results';
import { headline } from '../results';
import type { LineColumn } from '../textIndex';
import { stringifyInert } from './json';

const LEVEL: Record<Verdict, Result.level> = { failed: 'error', errored: 'warning', refused: 'none', excluded: 'none', passed: 'none' };
/** SARIF 2.1.0 §3.27.10: a level other than "none" is only allowed with kind "fail", so an unscored (errored) response is a "fail" at level "warning". */
const KIND: Record<Verdict, Result.kind> = { failed: 'fail', errored: 'fail', refused: 'pass', excluded: 'notApplicable', passed: 'pass' };

/**
 * SARIF 2.1.0 §3.27.24 baselineState of a response's result: "new" when it newly fails (a finding
 * the baseline did not have) or is only in this run; "unchanged" when it still fails, or passes
 * as before; "updated" when its verdict, explanation or confidence moved within its class, or it
 * was fixed. A fixed response's former failure, and every response of the baseline that this run
 * no longer has, follow as "absent" results (detected in the baseline, not in this run). So a
 * consumer that looks for "new" results finds exactly the new failures and new responses.
 */
const STATE: Record<Exclude<ChangeKind, 'only_in_baseline'>, Result.baselineState> = {
  newly_failing: 'new',
  only_in_current: 'new',
  newly_passing: 'updated',
  still_failing: 'unchanged',
  changed: 'updated',
};

/** The schema the log follows: the OASIS SARIF 2.1.0 schema (Errata 01). */
const SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/**
 * The artifact URI of the scored file (SARIF §3.4.3: a URI, so percent-encoded): relative to the
 * folder the report is written to, so the report and the file can move together, or an absolute
 * file: URI when there is no such folder (standard output) or no relative way there (another drive).
 */
export function artifactUri(filePath: string, reportDir?: string): string {
  if (reportDir !== undefined) {
    const rel = relative(reportDir, filePath);
    if (rel && !isAbsolute(rel)) return rel.split(sep).map(encodeURIComponent).join('/');
  }
  return pathToFileURL(filePath).href;
}

/**
 * SARIF 2.1.0: one result per response, with a physical location (region) for each entry in the
 * file. With `comparison`, results carry baselineState (excluded responses, compared with
 * nothing, carry none) and the baseline's results that are gone follow as "absent" results.
 */
export function writeSarif(r: RunResult, fileUri: string, lines: { positionAt(offset: number): LineColumn }, toolVersion: string, comparison?: Comparison): string {
  const rules: ReportingDescriptor[] = (['failed', 'errored', 'refused', 'excluded', 'passed'] as const).map((v) => ({
    id: `aymara/${v}`,
    name: v,
    shortDescription: { text: `Response ${v}` },
  }));
  const region = (i: ResultItem): Region | undefined => {
    if (!i.location) return undefined;
    const start = lines.positionAt(i.location.offset);
    const end = lines.positionAt(i.location.offset + i.location.length);
    return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column, charOffset: i.location.offset, charLength: i.location.length };
  };
  const result = (i: ResultItem, extra: Partial<Result> = {}, prefix = ''): Result => {
    const reg = region(i);
    const head = prefix + headline(i);
    return {
      ruleId: `aymara/${i.verdict}`,
      kind: KIND[i.verdict],
      level: LEVEL[i.verdict],
      message: { text: i.explanation ? `${head}\n\n${i.explanation}` : head },
      ...(reg ? { locations: [{ physicalLocation: { artifactLocation: { uri: fileUri }, region: reg } }] } : {}),
      properties: { prompt_uuid: i.prompt_uuid, thread_uuid: i.thread_uuid, turn_number: i.turn_number, confidence: i.confidence, response_uuid: i.response_uuid, pointer: i.location?.pointer ?? null },
      ...extra,
    };
  };
  const kinds = new Map<string, ChangeKind>();
  for (const e of comparison?.entries ?? []) if (e.current) kinds.set(e.key, e.kind);
  const state = (i: ResultItem): Partial<Result> => {
    if (!comparison || i.verdict === 'excluded') return {};
    const k = kinds.get(i.key);
    return { baselineState: k && k !== 'only_in_baseline' ? STATE[k] : 'unchanged' };
  };
  const results = r.items.map((i) => result(i, state(i)));
  for (const e of comparison?.entries ?? []) {
    if (!e.baseline || (e.kind !== 'newly_passing' && e.kind !== 'only_in_baseline')) continue;
    const was = e.kind === 'newly_passing' ? `Fixed since run ${comparison!.baseline_run_uuid}, where it was: ` : `Not in this run; in run ${comparison!.baseline_run_uuid}: `;
    // Gone from this run: nothing to act on, so level "none" (allowed with any kind, §3.27.10).
    results.push(result(e.baseline, { baselineState: 'absent', level: 'none' }, was));
  }
  const doc: Log = {
    $schema: SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'aymara-eval', version: toolVersion, informationUri: 'https://docs.aymara.ai', rules } },
        columnKind: 'utf16CodeUnits',
        artifacts: [{ location: { uri: fileUri } }],
        results,
        properties: {
          eval_uuid: r.eval_uuid,
          eval_run_uuid: r.eval_run_uuid,
          status: r.status,
          pass_rate: r.pass_rate,
          counts: r.counts,
          ...(comparison ? { baseline_run_uuid: comparison.baseline_run_uuid, comparison: comparison.counts } : {}),
        },
      },
    ],
  };
  return stringifyInert(doc);
}
