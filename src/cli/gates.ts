/**
 * When the command line exits 1: the --fail-on and --min-pass-rate gates, parsed before anything
 * is read or sent, and applied to the finished run (and its comparison with a baseline).
 *
 *   --fail-on failures     (default) exit 1 when a response failed or errored, or the run failed
 *   --fail-on regressions  exit 1 only when a response newly fails against --baseline
 *   --min-pass-rate P      exit 1 when the run's pass rate is below P (0 ≤ P ≤ 1). Alone, it
 *                          replaces the default --fail-on failures; with an explicit --fail-on,
 *                          exit 1 when either gate trips.
 */
import type { Comparison } from '../core/compare/compare';
import { formatPercent, type RunResult } from '../core/results';

export type FailOn = 'failures' | 'regressions' | 'none';

export interface Gates {
  failOn: FailOn;
  minPassRate: number | undefined;
}

export interface GateFlags {
  'fail-on'?: string;
  'min-pass-rate'?: string;
  baseline?: string;
}

/**
 * The gates asked for, or a message saying what is wrong (a usage error; nothing is sent).
 * `command` "compare" has no pass rate and no default gate (it exits 0 unless --fail-on is given).
 */
export function parseGates(v: GateFlags, command: 'score' | 'compare'): Gates | string {
  const f = v['fail-on'];
  if (f !== undefined && f !== 'failures' && f !== 'regressions') return `--fail-on must be failures or regressions (got "${f}")`;
  if (f === 'regressions' && command === 'score' && v.baseline === undefined) {
    return '--fail-on regressions needs --baseline <run-uuid>: the run to compare with (for example the last run on your main branch)';
  }
  let minPassRate: number | undefined;
  const p = v['min-pass-rate'];
  if (p !== undefined) {
    if (command === 'compare') return '--min-pass-rate applies to "score", not "compare"';
    minPassRate = p.trim() === '' ? Number.NaN : Number(p);
    if (!Number.isFinite(minPassRate) || minPassRate < 0 || minPassRate > 1) {
      return `--min-pass-rate must be a fraction from 0 to 1, e.g. 0.9 for 90% (got "${p}")`;
    }
  }
  const failOn: FailOn = f ?? (command === 'compare' || minPassRate !== undefined ? 'none' : 'failures');
  return { failOn, minPassRate };
}

/** Why the gates trip for this run (the current run, for "compare"); [] when they do not. */
export function trippedGates(g: Gates, run: RunResult, cmp: Comparison | undefined): string[] {
  const why: string[] = [];
  if (g.failOn === 'failures') {
    const failing = run.counts.failed + run.counts.errored;
    if (failing > 0) why.push(`${failing} response${failing === 1 ? '' : 's'} failed or errored`);
    else if (run.status === 'failed') why.push('the server marked the run as failed');
  }
  if (g.failOn === 'regressions' && cmp && cmp.counts.newly_failing > 0) {
    const n = cmp.counts.newly_failing;
    why.push(`${n} response${n === 1 ? '' : 's'} newly failing against run ${cmp.baseline_run_uuid} (--fail-on regressions)`);
  }
  if (g.minPassRate !== undefined) {
    const rate = run.pass_rate;
    if (rate === null) why.push(`no pass rate: no response was judged (--min-pass-rate ${g.minPassRate})`);
    else if (rate < g.minPassRate) why.push(`pass rate ${formatPercent(rate)} is below --min-pass-rate ${g.minPassRate}`);
  }
  return why;
}

/** The gates as the user left them by default (exit 1 on any failure), whose reason goes unsaid as before. */
export function isDefault(g: Gates): boolean {
  return g.failOn === 'failures' && g.minPassRate === undefined;
}
