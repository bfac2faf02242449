/**
 * Where results are kept: each run's results in a run file in the extension's workspace storage,
 * workspace state only a small index. Results survive a reload, the format that kept results in
 * workspace state is moved on first load, retention keeps the last runs per file and a total size,
 * and a corrupt or missing run file is dropped with one log line, never an exception.
 *
 * State is read with `aymara._test.snapshot` (records, storage folders) and
 * `aymara._test.stateSizes` (the size of every workspace-state value, as JSON); runs are seeded
 * with `aymara._test.seedRun`; `aymara._test.reloadState` reads everything again as a window
 * reload does; `aymara._test.writeState` writes raw workspace state as an older version left it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { countVerdicts, responseKey, VERDICTS, type RunResult } from '../../../src/core/results';
import type { LocalServer } from '../../../src/server';
import { generateResponsesFile } from '../../bench/lib/generate';
import { KEY, startStub, useOrigin } from '../hardening/helpers';
import { DEMO_KEY, useLocalServer, waitFor, workspaceFile } from '../util';

interface Snap {
  records: { uri: string; stale: boolean; latest?: RunResult; history: { eval_run_uuid: string }[] }[];
  tree: { label: string; children: unknown[] }[];
  dirs: { log: string; workspaceStorage?: string };
}
const snapshot = async () => (await vscode.commands.executeCommand('aymara._test.snapshot')) as Snap;
const reload = () => vscode.commands.executeCommand('aymara._test.reloadState');
const stateSizes = async () => (await vscode.commands.executeCommand('aymara._test.stateSizes')) as Record<string, number>;
const seed = (uri: vscode.Uri, run: RunResult) => vscode.commands.executeCommand('aymara._test.seedRun', uri.toString(), run);
const writeState = (key: string, value: unknown) => vscode.commands.executeCommand('aymara._test.writeState', key, value);
const record = async (uri: vscode.Uri) => (await snapshot()).records.find((r) => r.uri === uri.toString());
const history = () => vscode.workspace.getConfiguration('aymara.history');
const G = vscode.ConfigurationTarget.Global;
/** "A few kB": the most any one workspace-state value may take. */
const SMALL = 4096;

async function storageDir(): Promise<string> {
  const dir = (await snapshot()).dirs.workspaceStorage;
  assert.ok(dir, 'the extension has workspace storage');
  return dir;
}

/** The run files on disk, by the run id they hold. */
async function runFiles(): Promise<Map<string, { file: string; bytes: number }>> {
  const dir = path.join(await storageDir(), 'runs');
  const out = new Map<string, { file: string; bytes: number }>();
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    try {
      const run = JSON.parse(fs.readFileSync(file, 'utf8')) as { eval_run_uuid?: string };
      if (run.eval_run_uuid) out.set(run.eval_run_uuid, { file, bytes: fs.statSync(file).size });
    } catch {
      // not a run file
    }
  }
  return out;
}

async function logText(): Promise<string> {
  const { dirs } = await snapshot();
  return fs
    .readdirSync(dirs.log, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /Aymara\.log$/.test(e.name))
    .map((e) => fs.readFileSync(`${e.parentPath}/${e.name}`, 'utf8'))
    .join('\n');
}
const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

/** A valid run of `n` results, each explanation `pad` characters long. */
function fakeRun(runUuid: string, n: number, opts: { pad?: number; at?: number } = {}): RunResult {
  const items = Array.from({ length: n }, (_, i) => {
    const prompt_uuid = `question.store-${String(i).padStart(6, '0')}`;
    return {
      key: responseKey({ prompt_uuid }),
      prompt_uuid,
      thread_uuid: null,
      turn_number: 1,
      verdict: VERDICTS[i % VERDICTS.length]!,
      confidence: 0.9,
      explanation: `Explanation ${i}: ${'x'.repeat(opts.pad ?? 40)}`,
      response_uuid: null,
      next_prompt: null,
      response_text: null,
      entry_index: null,
      location: null,
    };
  });
  const counts = countVerdicts(items);
  const at = new Date(opts.at ?? Date.now()).toISOString();
  return {
    eval_uuid: 'test.972d78de-f10b-4afb-941b-9f944b0904d1',
    eval_run_uuid: runUuid,
    run_name: `store test ${runUuid}`,
    status: 'finished',
    pass_rate: counts.passed / Math.max(1, counts.passed + counts.failed),
    eval_name: 'Store test',
    eval_type: 'safety',
    created_at: at,
    completed_at: at,
    is_sandbox: false,
    counts,
    items,
    notes: [],
  };
}

describe('run store: results in run files, a small index in workspace state', function () {
  this.timeout(120_000);
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
  });
  afterEach(async () => {
    await history().update('maxRuns', undefined, G);
    await history().update('maxStorageMB', undefined, G);
  });
  after(async () => {
    await server?.close();
  });

  it('a scored file\'s results are in a run file on disk, its workspace-state record is small, and they survive a reload', async () => {
    const uri = workspaceFile('bot.responses.json');
    assert.ok(await vscode.commands.executeCommand('aymara.scoreFile', uri));
    const scored = (await record(uri))?.latest;
    assert.ok(scored, 'scored');
    const onDisk = (await runFiles()).get(scored.eval_run_uuid);
    assert.ok(onDisk, 'the run\'s results are in a run file in workspace storage');
    assert.ok((await stateSizes())[`aymara.file:${uri}`]! < SMALL, 'the record in workspace state is small');

    await reload();
    const back = await record(uri);
    assert.equal(back?.latest?.eval_run_uuid, scored.eval_run_uuid);
    assert.deepEqual(back?.latest?.counts, scored.counts);
    assert.deepEqual(back?.latest?.items, scored.items, 'every result, locations included');
    assert.ok((await snapshot()).tree.some((r) => r.label === 'bot.responses.json' && r.children.length > 0), 'the tree shows them');
  });

  it('records of the format that kept results in workspace state are moved to run files on first load', async () => {
    const uri = workspaceFile('legacy.responses.json');
    const run = fakeRun('score_run.legacy-1', 1000);
    const summary = { eval_run_uuid: run.eval_run_uuid, run_name: run.run_name, pass_rate: run.pass_rate, counts: run.counts, completed_at: run.completed_at, status: run.status };
    const others = (await snapshot()).records.map((r) => r.uri);
    await writeState(`aymara.file:${uri}`, { uri: uri.toString(), latest: run, stale: false, history: [summary] });
    await writeState('aymara.files', [...others, uri.toString()]);
    assert.ok((await stateSizes())[`aymara.file:${uri}`]! > 100_000, 'seeded as the old format: the results in workspace state');

    await reload();
    const sizes = await stateSizes();
    assert.ok(sizes[`aymara.file:${uri}`]! < SMALL, `the record shrank to ${sizes[`aymara.file:${uri}`]} characters`);
    assert.ok((await runFiles()).has(run.eval_run_uuid), 'the results went to a run file');
    const migrated = await record(uri);
    assert.equal(migrated?.latest?.items.length, 1000);
    assert.deepEqual(migrated?.latest?.counts, run.counts);
    for (const other of others) assert.ok((await snapshot()).records.some((r) => r.uri === other), `${other} is kept`);

    // The next load reads them from the run file.
    await reload();
    assert.deepEqual((await record(uri))?.latest?.items, run.items);
  });

  it('keeps the results of the last aymara.history.maxRuns runs per file; older runs keep their summaries', async () => {
    await history().update('maxRuns', 2, G);
    const uri = workspaceFile('count.responses.json');
    const t0 = Date.now() - 60_000;
    const ids = [1, 2, 3, 4].map((i) => `score_run.count-${i}`);
    for (const [i, id] of ids.entries()) await seed(uri, fakeRun(id, 50, { at: t0 + i * 1000 }));
    const files = await runFiles();
    assert.deepEqual(ids.map((id) => files.has(id)), [false, false, true, true], 'only the two newest runs have run files');
    const rec = await record(uri);
    assert.deepEqual(rec?.history.map((h) => h.eval_run_uuid), [...ids].reverse(), 'every run keeps its summary');
    assert.deepEqual(rec?.history.map((h) => (h as { stored?: boolean; file?: string }).file !== undefined), [true, true, false, false], 'older runs are marked as not stored locally');

    await reload();
    const back = await record(uri);
    assert.equal(back?.latest?.eval_run_uuid, 'score_run.count-4');
    assert.equal(back?.history.length, 4);
  });

  it('keeps all run files within aymara.history.maxStorageMB, oldest runs first, never a file\'s latest', async () => {
    await history().update('maxStorageMB', 1, G);
    await vscode.commands.executeCommand('aymara.results.clear'); // every file's results: only these runs count
    assert.equal((await runFiles()).size, 0, 'clearing deletes the run files');
    const a = workspaceFile('size-a.responses.json');
    const b = workspaceFile('size-b.responses.json');
    const t0 = Date.now() - 30_000;
    // About 300 kB each: two latest runs fit in 1 MB, a third run does not.
    const run = (id: string, i: number) => fakeRun(id, 400, { pad: 600, at: t0 + i * 1000 });
    await seed(a, run('score_run.size-a1', 0));
    await seed(b, run('score_run.size-b1', 1));
    await seed(a, run('score_run.size-a2', 2));
    await seed(a, run('score_run.size-a3', 3));
    await seed(b, run('score_run.size-b2', 4));
    const files = await runFiles();
    const mine = [...files.entries()].filter(([id]) => id.startsWith('score_run.size-'));
    const total = [...files.values()].reduce((sum, f) => sum + f.bytes, 0);
    assert.ok(total <= 1024 * 1024, `run files take ${total} bytes, at most 1 MB`);
    assert.deepEqual(mine.map(([id]) => id).sort(), ['score_run.size-a3', 'score_run.size-b2'], 'only the latest runs are kept');
    assert.equal((await record(a))?.history.length, 3, 'summaries stay');
    assert.equal((await record(b))?.history.length, 2, 'summaries stay');
    await reload();
    assert.equal((await record(a))?.latest?.eval_run_uuid, 'score_run.size-a3');
    assert.equal((await record(b))?.latest?.eval_run_uuid, 'score_run.size-b2');
  });

  it('a corrupt or missing run file is dropped with one log line, the rest still loads, nothing throws', async () => {
    const corrupt = workspaceFile('corrupt.responses.json');
    const missing = workspaceFile('missing.responses.json');
    const fine = workspaceFile('fine.responses.json');
    await seed(corrupt, fakeRun('score_run.corrupt-1', 20));
    await seed(missing, fakeRun('score_run.missing-1', 20));
    await seed(fine, fakeRun('score_run.fine-1', 20));
    const files = await runFiles();
    const bad = files.get('score_run.corrupt-1');
    const gone = files.get('score_run.missing-1');
    assert.ok(bad && gone, 'both runs have run files');
    fs.writeFileSync(bad.file, '{"eval_run_uuid": "score_run.corrupt-1", "items": [');
    fs.rmSync(gone.file);

    await reload(); // resolves: no exception
    assert.equal((await record(corrupt))?.latest, undefined, 'the corrupt run is dropped');
    assert.equal((await record(missing))?.latest, undefined, 'the missing run is dropped');
    assert.equal((await record(fine))?.latest?.items.length, 20, 'the others load');
    assert.ok(!fs.existsSync(bad.file), 'the corrupt file is deleted');
    const log = await waitFor(async () => {
      const t = await logText();
      return t.includes(`Dropped the saved results of ${missing}`) && t.includes(`Dropped the saved results of ${corrupt}`) ? t : undefined;
    }, 'the log lines');
    for (const uri of [corrupt, missing]) {
      assert.equal(occurrences(log, `Dropped the saved results of ${uri}`), 1, `one line for ${uri}`);
      assert.match(log.split('\n').find((l) => l.includes(`Dropped the saved results of ${uri}`))!, /Score the file again/);
    }
    // A second load has nothing left to complain about.
    await reload();
    assert.equal(occurrences(await logText(), `Dropped the saved results of ${corrupt}`), 1);
    assert.ok(Array.isArray((await snapshot()).tree));
  });

  it('prompt texts are saved to a file in storage, never workspace state, with the API key redacted', async () => {
    const stub = await startStub();
    try {
      const uri = workspaceFile('prompts.responses.json');
      const prompts = ['question.store-prompt-0', 'question.store-prompt-1'];
      // An eval of its own, so its prompts are fetched (not already cached by another test).
      fs.writeFileSync(uri.fsPath, JSON.stringify({ eval_uuid: 'test.store-prompts', responses: prompts.map((prompt_uuid) => ({ prompt_uuid, content: 'An answer.' })) }));
      stub.handler = (method, p, body) => {
        const now = new Date().toISOString();
        if (method === 'POST' && p === '/v2/eval-runs/-/score-responses') {
          const b = body as { eval_uuid: string; responses: unknown[] };
          return { status: 200, json: { eval_run_uuid: 'score_run.prompts-1', eval_uuid: b.eval_uuid, status: 'finished', created_at: now, updated_at: now, responses: null, num_prompts: b.responses.length } };
        }
        if (method === 'GET' && p.endsWith('/responses')) return { status: 200, json: { items: prompts.map((prompt_uuid) => ({ prompt_uuid, is_passed: true, confidence: 0.9, explanation: 'ok' })), count: prompts.length } };
        if (method === 'GET' && p.endsWith('/prompts')) return { status: 200, json: { items: prompts.map((prompt_uuid, i) => ({ prompt_uuid, content: `Prompt ${i} mentions ${KEY}` })), count: prompts.length } };
        return undefined;
      };
      await useOrigin(stub.url, KEY);
      assert.ok(await vscode.commands.executeCommand('aymara.scoreFile', uri));
      const file = path.join(await storageDir(), 'prompt-cache.json');
      const text = await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('Prompt 1') && fs.readFileSync(file, 'utf8'), 'the prompt texts in storage');
      assert.ok(!text.includes(KEY), 'the saved prompt texts have no key');
      assert.match(text, /Prompt 0 mentions «redacted»/);
      assert.equal((await stateSizes())['aymara.promptCache'], undefined, 'nothing in workspace state');
    } finally {
      await useOrigin(server.url, DEMO_KEY);
      await stub.close();
    }
  });

  it('after scoring 1,000 entries no workspace-state value is larger than a few kB (prompt texts included)', async () => {
    const uri = workspaceFile('thousand.responses.json');
    fs.writeFileSync(uri.fsPath, generateResponsesFile(1000).text);
    assert.ok(await vscode.commands.executeCommand('aymara.scoreFile', uri));
    assert.equal((await record(uri))?.latest?.items.length, 1000);
    // The prompt texts are fetched after scoring, in the background.
    const promptFile = path.join(await storageDir(), 'prompt-cache.json');
    await waitFor(async () => fs.existsSync(promptFile) || (await stateSizes())['aymara.promptCache'] !== undefined, 'the prompt texts to be saved', 90_000);
    const sizes = await stateSizes();
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.log(`    workspace state after scoring 1,000 entries: ${Object.keys(sizes).length} values, ${total} characters in all; largest ${Math.max(...Object.values(sizes))}`);
    for (const [key, size] of Object.entries(sizes)) assert.ok(size <= SMALL, `${key} takes ${size} characters`);
    await reload();
    assert.equal((await record(uri))?.latest?.items.length, 1000, 'and the results come back after a reload');
  });
});
