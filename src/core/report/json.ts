import type { RunResult } from '../results';

/**
 * The CLI's `--format json` document. Field names and order are a public contract, exactly
 * {eval_uuid, eval_run_uuid, status, pass_rate, counts, results}; the CLI prints run notes on stderr.
 */
export function toJsonReport(r: RunResult): object {
  return {
    eval_uuid: r.eval_uuid,
    eval_run_uuid: r.eval_run_uuid,
    status: r.status,
    pass_rate: r.pass_rate,
    counts: { passed: r.counts.passed, failed: r.counts.failed, refused: r.counts.refused, excluded: r.counts.excluded, errored: r.counts.errored },
    results: r.items.map((i) => ({
      prompt_uuid: i.prompt_uuid,
      thread_uuid: i.thread_uuid,
      turn_number: i.turn_number,
      verdict: i.verdict,
      confidence: i.confidence,
      explanation: i.explanation,
      line: i.location?.line ?? null,
      column: i.location?.column ?? null,
      pointer: i.location?.pointer ?? null,
    })),
  };
}

export function writeJson(r: RunResult): string {
  return JSON.stringify(toJsonReport(r), null, 2) + '\n';
}
