/**
 * The run store's reads of past runs (src/editor/store/storeCore.ts, no `vscode` import) on a
 * real folder: `runs()` says which runs are stored, `getRun()` reads any stored run's results
 * from its run file, and a run dropped by retention or a corrupt run file gives undefined with
 * one warning, never an exception. (The store inside VS Code is covered by the `store` suite.)
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countVerdicts, responseKey, type RunResult } from '../../src/core/results';
import { StoreCore } from '../../src/editor/store/storeCore';
import { memoryState, nodeHost } from '../bench/store';

const FILE = 'file:///ws/a.responses.json';

function run(n: number): RunResult {
  const items = [0, 1, 2].map((i) => ({
    key: responseKey({ prompt_uuid: `question.${n}-${i}` }),
    prompt_uuid: `question.${n}-${i}`,
    thread_uuid: null,
    turn_number: 1,
    verdict: i === 0 ? ('failed' as const) : ('passed' as const),
    confidence: null,
    explanation: `run ${n} item ${i}`,
    response_uuid: null,
    next_prompt: null,
    response_text: null,
    entry_index: i,
    location: null,
  }));
  const at = new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
  return { eval_uuid: 'test.e', eval_run_uuid: `score_run.${n}`, run_name: `run ${n}`, status: 'finished', pass_rate: 2 / 3, eval_name: null, eval_type: null, created_at: at, completed_at: at, is_sandbox: false, counts: countVerdicts(items), items, notes: [] };
}

describe('run store: past runs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aymara-store-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads any stored run back from its run file, also after reopening', async () => {
    const state = memoryState();
    const store = new StoreCore(nodeHost(dir, state));
    for (const n of [1, 2, 3]) await store.setResult(FILE, run(n));
    assert.deepEqual(store.runs(FILE).map((r) => [r.eval_run_uuid, r.stored]), [['score_run.3', true], ['score_run.2', true], ['score_run.1', true]]);

    const reopened = new StoreCore(nodeHost(dir, state));
    await reopened.whenIndexed();
    assert.equal(reopened.get(FILE)?.latest, undefined, 'the index is read without any results');
    assert.deepEqual((await reopened.getRun(FILE, 'score_run.1'))?.items, run(1).items);
    assert.deepEqual((await reopened.getRun(FILE, 'score_run.3'))?.items, run(3).items, 'the latest');
    assert.equal(reopened.get(FILE)?.latest?.eval_run_uuid, 'score_run.3');
    assert.equal(await reopened.getRun(FILE, 'score_run.404'), undefined);
  });

  it('runs beyond maxRuns lose their run files and read as undefined; their summaries stay', async () => {
    const state = memoryState();
    const store = new StoreCore(nodeHost(dir, state, { maxRuns: 2 }));
    for (const n of [1, 2, 3]) await store.setResult(FILE, run(n));
    assert.deepEqual(store.runs(FILE).map((r) => r.stored), [true, true, false]);
    assert.equal(readdirSync(join(dir, 'runs')).length, 2);
    assert.equal(await store.getRun(FILE, 'score_run.1'), undefined);
    assert.equal((await store.getRun(FILE, 'score_run.2'))?.eval_run_uuid, 'score_run.2');
  });

  it('a corrupt past run file: undefined, one warning, the run marked not stored and its file deleted', async () => {
    const state = memoryState();
    const warnings: string[] = [];
    const store = new StoreCore(nodeHost(dir, state, { warnings }));
    for (const n of [1, 2]) await store.setResult(FILE, run(n));
    const file = store.get(FILE)!.history.find((h) => h.eval_run_uuid === 'score_run.1')!.file!;
    writeFileSync(join(dir, 'runs', file), JSON.stringify({ ...run(1), counts: { failed: 3, errored: 0, refused: 0, excluded: 0, passed: 0 } }));
    assert.equal(await store.getRun(FILE, 'score_run.1'), undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /Dropped the saved results of file:\/\/\/ws\/a\.responses\.json \(run score_run\.1\): its run file is not valid \(.*counts do not match.*\)\. Score the file again\./);
    assert.deepEqual(store.runs(FILE).map((r) => r.stored), [true, false]);
    assert.ok(!existsSync(join(dir, 'runs', file)));
    assert.equal(await store.getRun(FILE, 'score_run.1'), undefined);
    assert.equal(warnings.length, 1, 'said once');
  });

  it('a rename keeps the runs readable; a clear deletes their files', async () => {
    const state = memoryState();
    const store = new StoreCore(nodeHost(dir, state));
    for (const n of [1, 2]) await store.setResult(FILE, run(n));
    const to = 'file:///ws/b.responses.json';
    await store.rename(FILE, to);
    assert.equal(store.get(FILE), undefined);
    assert.equal((await store.getRun(to, 'score_run.1'))?.eval_run_uuid, 'score_run.1');
    assert.equal(state.get(`aymara.file:${FILE}`), undefined);
    await store.clear(to);
    assert.deepEqual(readdirSync(join(dir, 'runs')), []);
    assert.deepEqual(state.get('aymara.files'), []);
  });
});

describe('run store: run files', () => {
  it('encodes a run to the JSON of the same run, whatever the number of items (slices of 1,000)', async () => {
    const { encodeRun } = await import('../../src/editor/store/runFiles');
    const base = run(1);
    for (const n of [0, 1, 999, 1000, 1001, 2500]) {
      const items = Array.from({ length: n }, (_, i) => ({ ...base.items[i % 3]!, key: `k${i}`, explanation: i % 7 ? `e "${i}" \u2028` : null }));
      const r = { ...base, items };
      const bytes = await encodeRun(r);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(bytes)), JSON.parse(JSON.stringify(r)), `${n} items`);
    }
  });
});
