/**
 * Measuring and reporting helpers for `npm run bench`.
 *
 * Every timed figure is compared against a baseline measured in the same run, interleaved with
 * it (A, B, A, B, …) after a warm-up, each repetition starting from a collected heap, and the
 * medians are compared. Shared, noisy machines then move both sides together.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One line of the table and one element of .bench/results.json. */
export interface Row {
  /** Stable key of the figure (e.g. "parse.10k"), the same from run to run whatever the name says. */
  id: string;
  name: string;
  value: number;
  unit: string;
  /** The figure `value` is compared with (same unit), or null when the target is absolute. */
  baseline: number | null;
  /** value ÷ baseline, or null without a baseline. */
  ratio: number | null;
  /** The target in words, e.g. "ratio ≤ 2.0"; null for a figure that is only reported. */
  target: string | null;
  /** Whether the target is met; null for a figure that is only reported (or could not be measured). */
  met: boolean | null;
}

export function row(id: string, name: string, value: number, unit: string, opts: { baseline?: number | null; target?: string | null; met?: boolean | null } = {}): Row {
  const baseline = opts.baseline ?? null;
  const ratio = baseline !== null && baseline !== 0 ? value / baseline : null;
  return { id, name, value: round(value), unit, baseline: baseline === null ? null : round(baseline), ratio: ratio === null ? null : round(ratio, 3), target: opts.target ?? null, met: opts.met ?? null };
}

/** A row whose target is a bound on value ÷ baseline. */
export function ratioRow(id: string, name: string, value: number, baseline: number, unit: string, bound: { max?: number; min?: number }, words?: string): Row {
  const ratio = value / baseline;
  const met = (bound.max === undefined || ratio <= bound.max) && (bound.min === undefined || ratio >= bound.min);
  const b = (x: number) => (Number.isInteger(x) ? x.toFixed(1) : String(x));
  const target = words ?? (bound.max !== undefined ? `ratio ≤ ${b(bound.max)}` : `ratio ≥ ${b(bound.min ?? 0)}`);
  return row(id, name, value, unit, { baseline, target, met });
}

/** A row whose target is a bound on the value itself. */
export function boundRow(id: string, name: string, value: number, unit: string, bound: { max?: number; min?: number; below?: number }, words?: string): Row {
  const met =
    (bound.max === undefined || value <= bound.max) && (bound.min === undefined || value >= bound.min) && (bound.below === undefined || value < bound.below);
  const target =
    words ?? (bound.below !== undefined ? `< ${bound.below} ${unit}` : bound.max !== undefined ? `≤ ${bound.max} ${unit}` : `≥ ${bound.min} ${unit}`);
  return row(id, name, value, unit, { target, met });
}

/**
 * A figure that could not be measured: reported as missed with the reason in the name, under the
 * id of the figure it stands for.
 */
export function failedRow(id: string, name: string, unit: string, target: string, reason: string): Row {
  return { id, name: `${name} (not measured: ${oneLine(reason).slice(0, 160)})`, value: Number.NaN, unit, baseline: null, ratio: null, target, met: false };
}

/** "10k" for 10,000: the size part of an id. */
export function thousands(n: number): string {
  return `${Math.round(n / 1000)}k`;
}

export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] as number;
}

const gcFn = (globalThis as { gc?: () => void }).gc;
export const hasGc = typeof gcFn === 'function';

/** A full collection (needs --expose-gc; a no-op otherwise). */
export function gc(): void {
  gcFn?.();
}

/** Keeps a value reachable so the optimiser cannot drop the work that made it. */
export let sink: unknown;
export function keep(v: unknown): void {
  sink = v;
}

export interface Contender {
  name: string;
  fn: () => unknown;
}

/**
 * Runs the contenders in turn, `warmup` rounds unrecorded then `reps` recorded rounds, a full GC
 * before each call. Returns each contender's times in ms.
 */
export function interleave(contenders: readonly Contender[], opts: { warmup: number; reps: number }): Record<string, number[]> {
  const times: Record<string, number[]> = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < opts.warmup + opts.reps; r++) {
    // Alternate the order so neither side always runs right after the other's garbage.
    const order = r % 2 ? [...contenders].reverse() : contenders;
    for (const c of order) {
      gc();
      const t = performance.now();
      keep(c.fn());
      const ms = performance.now() - t;
      keep(undefined);
      if (r >= opts.warmup) times[c.name]!.push(ms);
    }
  }
  return times;
}

export interface AsyncContender {
  name: string;
  fn: () => Promise<unknown>;
}

export async function interleaveAsync(contenders: readonly AsyncContender[], opts: { warmup: number; reps: number }): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < opts.warmup + opts.reps; r++) {
    const order = r % 2 ? [...contenders].reverse() : contenders;
    for (const c of order) {
      gc();
      const t = performance.now();
      keep(await c.fn());
      const ms = performance.now() - t;
      keep(undefined);
      if (r >= opts.warmup) times[c.name]!.push(ms);
    }
  }
  return times;
}

// ---------------------------------------------------------------------------------------------
// output

function fmt(x: number | null): string {
  if (x === null) return '–';
  if (Number.isNaN(x)) return 'n/a';
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export function formatTable(rows: readonly Row[]): string {
  const head = ['id', 'name', 'value', 'unit', 'baseline', 'ratio', 'target', 'met'];
  const cells = rows.map((r) => [r.id, r.name, fmt(r.value), r.unit, fmt(r.baseline), fmt(r.ratio), r.target ?? '–', r.met === null ? '–' : r.met ? 'yes' : 'MISSED']);
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => [...(c[i] ?? '')].length)));
  const line = (c: string[]) =>
    c
      .map((s, i) => {
        const pad = ' '.repeat(Math.max(0, width[i]! - [...s].length));
        return i === 2 || i === 4 || i === 5 ? pad + s : s + pad;
      })
      .join(' | ');
  return [line(head), width.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

export function writeJson(dir: string, file: string, data: unknown): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify(data, null, 2) + '\n');
  return path;
}

export function log(msg: string): void {
  process.stdout.write(`[bench] ${msg}\n`);
}

export const MB = 1024 * 1024;
export const KB = 1024;
