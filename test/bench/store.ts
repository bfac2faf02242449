/**
 * Reopening the run store: what a window start pays for saved results. The store's logic
 * (src/editor/store/storeCore.ts, no `vscode` import) runs here against a real storage folder
 * through `node:fs` and a map standing in for workspace state, with 20 stored runs of 10,000
 * results (one file's history, each run in its own run file, as the extension writes them) and
 * against an empty store, interleaved. Measured: constructing the store and reading its index
 * (`whenIndexed`, what activation and the first view render wait for). Target: ≤ 5 ms more than the
 * empty store. Reading the latest run in the background afterwards (`whenLoaded`) is reported.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { countVerdicts, responseKey, VERDICTS, type ResultItem, type RunResult } from '../../src/core/results';
import type { Disk, KeyValue, StoreHost } from '../../src/editor/store/seams';
import { StoreCore } from '../../src/editor/store/storeCore';
import { rng } from './lib/generate';
import { boundRow, interleaveAsync, log, median, row, type Row } from './lib/measure';

const RUNS = 20;
const RESULTS = 10_000;
const FILE_URI = 'file:///bench/responses-10k.json';

/** Files under `root` with node:fs: the same write-then-rename as the extension's workspace.fs adapter. */
export function nodeDisk(root: string): Disk {
  return {
    read: async (p) => readFileSync(join(root, p)),
    writeAtomic: async (p, data) => {
      const target = join(root, p);
      mkdirSync(dirname(target), { recursive: true });
      const tmp = `${target}.${Math.random().toString(16).slice(2, 10)}.tmp`;
      writeFileSync(tmp, data);
      renameSync(tmp, target);
    },
    remove: async (p) => rmSync(join(root, p), { force: true }),
    list: async (dir) => {
      try {
        return readdirSync(join(root, dir));
      } catch {
        return [];
      }
    },
  };
}

export function memoryState(values = new Map<string, unknown>()): KeyValue & { values: Map<string, unknown> } {
  return {
    values,
    get: (k) => values.get(k),
    update: async (k, v) => void (v === undefined ? values.delete(k) : values.set(k, v)),
    keys: () => [...values.keys()],
  };
}

/** A store host on a real folder; `warnings` collects what it logs as warnings. */
export function nodeHost(root: string, state: KeyValue, opts: { maxRuns?: number; maxBytes?: number; warnings?: string[] } = {}): StoreHost {
  const quiet = () => undefined;
  return {
    state,
    disk: nodeDisk(root),
    pendingFile: true,
    ownsStorage: true,
    log: { info: quiet, warn: (m) => void opts.warnings?.push(m), error: (m) => void opts.warnings?.push(m), redact: (t) => t, redactDeep: (v) => v },
    limits: () => ({ maxRuns: opts.maxRuns ?? RUNS, maxBytes: opts.maxBytes ?? 10_000 * 1024 * 1024 }),
    canonicalUri: (u) => u,
    changed: quiet,
  };
}

/** A run of 10,000 results shaped like a scored file's: explanations, response texts, locations. */
function run(n: number): RunResult {
  const r = rng(1000 + n);
  const items: ResultItem[] = [];
  let offset = 120;
  for (let i = 0; i < RESULTS; i++) {
    const prompt_uuid = `question.b41f60c8-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
    const length = 360 + Math.floor(r() * 260);
    const verdict = VERDICTS[r() < 0.04 ? 0 : r() < 0.07 ? 2 : 4]!;
    items.push({
      key: responseKey({ prompt_uuid }),
      prompt_uuid,
      thread_uuid: null,
      turn_number: 1,
      verdict,
      confidence: Math.round(r() * 100) / 100,
      explanation: `The response ${verdict === 'failed' ? 'contains a banned term' : 'stays within the policy'}; it ${r() < 0.5 ? 'answers the question directly' : 'gives general guidance'} (${i}).`,
      response_uuid: `response.${n}-${i}`,
      next_prompt: null,
      response_text: 'x'.repeat(length),
      entry_index: i,
      location: { offset, length: length + 60, line: 5 + i * 3, column: 5, pointer: `/responses/${i}` },
    });
    offset += length + 64;
  }
  const at = new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
  return {
    eval_uuid: 'test.bench',
    eval_run_uuid: `score_run.bench-${n}`,
    run_name: `responses-10k.json · ${n}`,
    status: 'finished',
    pass_rate: 0.96,
    eval_name: 'Load Test Eval',
    eval_type: 'safety',
    created_at: at,
    completed_at: at,
    is_sandbox: false,
    counts: countVerdicts(items),
    items,
    notes: [],
  };
}

export async function benchStore(details: Record<string, unknown>): Promise<Row[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'aymara-bench-store-'));
  try {
    const full = join(tmp, 'full');
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    const seeded = memoryState();
    const writer = new StoreCore(nodeHost(full, seeded));
    for (let n = 0; n < RUNS; n++) await writer.setResult(FILE_URI, run(n));
    const files = readdirSync(join(full, 'runs'));
    const bytes = files.reduce((s, f) => s + statSync(join(full, 'runs', f)).size, 0);
    const stateChars = [...seeded.values.values()].reduce((s: number, v) => s + JSON.stringify(v).length, 0);
    if (files.length !== RUNS) throw new Error(`expected ${RUNS} run files, found ${files.length}`);
    log(`store: ${RUNS} run files, ${(bytes / 1e6).toFixed(1)} MB on disk; workspace state ${stateChars} characters`);

    const open = async (root: string, state: KeyValue, wait: 'whenIndexed' | 'whenLoaded') => {
      const store = new StoreCore(nodeHost(root, state));
      await store[wait]();
      return store;
    };
    const times = await interleaveAsync(
      [
        { name: 'empty', fn: () => open(empty, memoryState(), 'whenIndexed') },
        { name: `${RUNS}x10k`, fn: () => open(full, seeded, 'whenIndexed') },
      ],
      { warmup: 3, reps: 15 },
    );
    const loaded = await interleaveAsync([{ name: 'whenLoaded', fn: () => open(full, seeded, 'whenLoaded') }], { warmup: 1, reps: 5 });
    const base = median(times.empty!);
    const value = median(times[`${RUNS}x10k`]!);
    details.store = { runFiles: files.length, bytes, stateChars, ...times, ...loaded };
    return [
      boundRow('store.reopen.20x10k', `reopen the run store with ${RUNS} stored runs of 10,000 results: index read, over an empty store (${value.toFixed(2)} vs ${base.toFixed(2)} ms)`, value - base, 'ms', { max: 5 }),
      row('store.latest.10k', 'then, in the background: read and check the latest run of 10,000 results', median(loaded.whenLoaded!), 'ms'),
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
