/**
 * A file's pass rate across its runs, for the explanations view's trend chart. Pure (no vscode).
 * Failing = failed or errored, passing = passed or refused; excluded responses are left out
 * (the same split as comparing runs, see compare/compare.ts isFailing).
 */
import { formatWhen } from '../present/labels';
import { formatPercent, type Counts } from '../results';

/** What the trend needs of a run (a RunSummary of the run store, or a run itself). */
export interface TrendRun {
  eval_run_uuid: string;
  run_name: string | null;
  counts: Counts;
  completed_at: string;
}

export interface TrendPoint {
  runUuid: string;
  /** The run's name, when it has one. */
  runName?: string;
  /** "2026-01-02 13:45 UTC" */
  when: string;
  passing: number;
  failing: number;
  /** 0–100 (one decimal), or null when no response of the run was judged. */
  percent: number | null;
  /** "93.3%" or "–" */
  rate: string;
}

/** At most this many runs are drawn (the newest). */
export const TREND_MAX_RUNS = 50;

export function passingFailing(c: Counts): { passing: number; failing: number } {
  return { passing: c.passed + c.refused, failing: c.failed + c.errored };
}

/** 0–1, or null when nothing was judged. */
export function passFraction(passing: number, failing: number): number | null {
  return passing + failing > 0 ? passing / (passing + failing) : null;
}

export function toPercent(fraction: number | null): number | null {
  return fraction === null ? null : Math.round(fraction * 1000) / 10;
}

/**
 * The trend's points, oldest first, from runs given newest first (as the run store lists them);
 * the newest TREND_MAX_RUNS at most. A run listed twice counts once.
 */
export function trendPoints(runsNewestFirst: readonly TrendRun[], max = TREND_MAX_RUNS): TrendPoint[] {
  const seen = new Set<string>();
  const points: TrendPoint[] = [];
  for (const r of runsNewestFirst) {
    if (points.length >= max) break;
    if (seen.has(r.eval_run_uuid)) continue;
    seen.add(r.eval_run_uuid);
    const { passing, failing } = passingFailing(r.counts);
    const fraction = passFraction(passing, failing);
    const p: TrendPoint = { runUuid: r.eval_run_uuid, when: formatWhen(r.completed_at), passing, failing, percent: toPercent(fraction), rate: formatPercent(fraction) };
    if (r.run_name) p.runName = r.run_name;
    points.push(p);
  }
  return points.reverse();
}
