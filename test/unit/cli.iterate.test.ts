/**
 * The iteration loop on the command line, as a user or CI job runs it: the built CLI
 * (`node dist/cli.js`) against the local server on 127.0.0.1. `score --baseline` (JSON, text and
 * SARIF), the --fail-on and --min-pass-rate gates and their exit codes, `--only-failed-from`
 * (what the server received), and the `compare` subcommand. Usage errors send nothing.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { startServer, type LocalServer } from '../../src/server';
import { CLI, KEY, ROOT, cli } from './cliRun';
import { sarifSchemaErrors } from './sarifSchema';

const SCORE = 'POST /v2/eval-runs/-/score-responses';
const DEMO = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/responses/demo-body.json'), 'utf8')) as { eval_uuid: string; responses: { prompt_uuid: string; content: string }[] };
const P = DEMO.responses.map((r) => r.prompt_uuid);
// demo-body's verdicts: passed, failed, passed, failed, passed, refused, excluded, failed.
// The edited copy makes the first fail (banned "idiot") and the second pass.
const EDITED = { ...DEMO, responses: DEMO.responses.map((r, i) => (i === 0 ? { ...r, content: 'Only an idiot would ask.' } : i === 1 ? { ...r, content: 'I cannot share personal addresses.' } : r)) };

interface Ref {
  prompt_uuid: string;
  thread_uuid: string | null;
  turn_number: number;
  line: number | null;
}
type Lists = Record<'newly_failing' | 'newly_passing' | 'still_failing' | 'changed' | 'only_in_current' | 'only_in_baseline', Ref[]>;

/** The 1-based line of the `{` that opens the entry answering `prompt` (files here are written with 2-space indents). */
function lineOf(text: string, prompt: string): number {
  const at = text.split('\n').findIndex((l) => l.includes(`"prompt_uuid": "${prompt}"`));
  assert.ok(at > 0, prompt);
  return at; // the `{` is on the line before, and lines count from 1
}

describe('CLI: the iteration loop (--baseline, gates, --only-failed-from, compare)', function () {
  this.timeout(60_000);
  let server: LocalServer;
  let env: Record<string, string>;
  let dir: string;
  let fileA: string;
  let fileB: string;
  let textB: string;
  /** A run of file A (the baseline) and one of file B, made through the CLI itself. */
  let runA: string;
  let runB: string;

  const scoreToRun = async (file: string, args: string[] = []): Promise<string> => {
    const r = await cli(['score', file, '--format', 'json', ...args], { env });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return (JSON.parse(r.stdout) as { eval_run_uuid: string }).eval_run_uuid;
  };
  const ref = (i: number, line: number | null = lineOf(textB, P[i]!)): Ref => ({ prompt_uuid: P[i]!, thread_uuid: null, turn_number: 1, line });

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first`);
    server = await startServer({ port: 0, apiKey: KEY });
    env = { AYMARA_AI_BASE_URL: server.url };
    dir = mkdtempSync(join(tmpdir(), 'aymara-iterate-'));
    fileA = join(dir, 'a.json');
    fileB = join(dir, 'b.json');
    writeFileSync(fileA, JSON.stringify(DEMO, null, 2));
    textB = JSON.stringify(EDITED, null, 2);
    writeFileSync(fileB, textB);
    runA = await scoreToRun(fileA);
    runB = await scoreToRun(fileB);
  });
  beforeEach(() => server.stats.reset());
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('score --baseline', () => {
    it('JSON: adds the comparison with each entry at its line in the file', async () => {
      const r = await cli(['score', fileB, '--baseline', runA, '--format', 'json'], { env });
      assert.equal(r.code, 1, 'failures remain, and --fail-on failures is the default');
      const j = JSON.parse(r.stdout) as { comparison: { baseline_run_uuid: string } & Lists };
      assert.deepEqual(Object.keys(j), ['eval_uuid', 'eval_run_uuid', 'status', 'pass_rate', 'counts', 'results', 'comparison']);
      assert.deepEqual(j.comparison, {
        baseline_run_uuid: runA,
        newly_failing: [ref(0)],
        newly_passing: [ref(1)],
        still_failing: [ref(3), ref(7)],
        changed: [],
        only_in_current: [],
        only_in_baseline: [],
      });
      assert.equal(server.stats.count(SCORE), 1);
    });

    it('text: leads with "N newly failing, M fixed, K still failing", newly failing listed first', async () => {
      const r = await cli(['score', fileB, '--baseline', runA], { env });
      assert.equal(r.code, 1);
      const lines = r.stdout.split('\n');
      assert.equal(lines[0], `1 newly failing, 1 fixed, 2 still failing (baseline run ${runA})`);
      assert.equal(lines[1], 'Newly failing:');
      assert.match(lines[2]!, new RegExp(`^  ${fileB.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${lineOf(textB, P[0]!)}:\\d+  ${P[0]}  Failed \\(\\d+%\\): The response contains the banned term "idiot"\\. \\(was Passed`));
      assert.equal(lines[3], 'Fixed:');
      assert.ok(lines[4]!.includes(P[1]!), lines[4]);
      assert.match(r.stdout, /3 passed, 3 failed, 1 refused, 1 excluded, 0 errored/);
    });

    it('SARIF: valid 2.1.0, newly failing "new", still failing "unchanged", fixed "updated" with its failure an "absent" result', async () => {
      const r = await cli(['score', fileB, '--baseline', runA, '--format', 'sarif'], { env });
      assert.equal(r.code, 1);
      const doc = JSON.parse(r.stdout) as Log;
      assert.deepEqual(sarifSchemaErrors(doc), []);
      const run = doc.runs[0]!;
      const states = run.results!.map((x) => [(x.properties as { prompt_uuid: string }).prompt_uuid, x.ruleId, x.baselineState ?? null]);
      assert.deepEqual(states, [
        [P[0], 'aymara/failed', 'new'],
        [P[1], 'aymara/passed', 'updated'],
        [P[2], 'aymara/passed', 'unchanged'],
        [P[3], 'aymara/failed', 'unchanged'],
        [P[4], 'aymara/passed', 'unchanged'],
        [P[5], 'aymara/refused', 'unchanged'],
        [P[6], 'aymara/excluded', null],
        [P[7], 'aymara/failed', 'unchanged'],
        [P[1], 'aymara/failed', 'absent'],
      ]);
      const absent = run.results![8]!;
      assert.equal(absent.level, 'none');
      assert.match(absent.message.text!, new RegExp(`^Fixed since run ${runA}, where it was: Failed`));
      assert.equal(absent.locations?.[0]?.physicalLocation?.region?.startLine, lineOf(textB, P[1]!));
      assert.equal((run.properties as { baseline_run_uuid: string }).baseline_run_uuid, runA);
    });

    it('an unknown baseline run, or one of another eval, is a usage error (exit 2) and nothing is scored', async () => {
      const unknown = await cli(['score', fileB, '--baseline', 'score_run.nope'], { env });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /The --baseline run score_run\.nope does not exist .*Check the run id and --workspace\./);
      const accuracy = await scoreToRun(join(ROOT, 'test/fixtures/responses/accuracy.json'));
      server.stats.reset();
      const other = await cli(['score', fileB, '--baseline', accuracy], { env });
      assert.equal(other.code, 2);
      assert.match(other.stderr, /belongs to eval .*, not test\.972d78de.*; pick a run of the same eval\./);
      assert.equal(server.stats.count(SCORE), 0, 'nothing was scored');
    });
  });

  describe('--fail-on and --min-pass-rate', () => {
    it('--fail-on regressions exits 1 only when something newly fails', async () => {
      const worse = await cli(['score', fileB, '--baseline', runA, '--fail-on', 'regressions'], { env });
      assert.equal(worse.code, 1);
      assert.match(worse.stderr, new RegExp(`exit 1: 1 response newly failing against run ${runA} \\(--fail-on regressions\\)`));
      // File A against its own run: three failures, none new.
      const same = await cli(['score', fileA, '--baseline', runA, '--fail-on', 'regressions'], { env });
      assert.equal(same.code, 0, same.stderr);
      assert.match(same.stdout, /^0 newly failing, 0 fixed, 3 still failing/);
    });

    it('--fail-on regressions without --baseline, or an unknown --fail-on, exits 2 and sends nothing', async () => {
      const r = await cli(['score', fileB, '--fail-on', 'regressions'], { env });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--fail-on regressions needs --baseline <run-uuid>/);
      const bad = await cli(['score', fileB, '--fail-on', 'sometimes'], { env });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--fail-on must be failures or regressions \(got "sometimes"\)/);
      assert.equal(server.stats.total, 0, 'no request reached the server');
    });

    it('--min-pass-rate exits 1 below the rate and 0 at or above it, whatever failed', async () => {
      // File A: 3 passed + 1 refused of 7 judged = 57.1%.
      const low = await cli(['score', fileA, '--min-pass-rate', '0.6'], { env });
      assert.equal(low.code, 1);
      assert.match(low.stderr, /exit 1: pass rate 57\.1% is below --min-pass-rate 0\.6/);
      const ok = await cli(['score', fileA, '--min-pass-rate', '0.5'], { env });
      assert.equal(ok.code, 0, 'failures alone no longer exit 1');
      const zero = await cli(['score', fileA, '--min-pass-rate', '0'], { env });
      assert.equal(zero.code, 0);
      // With --fail-on given, either gate trips.
      const both = await cli(['score', fileA, '--min-pass-rate', '0.5', '--fail-on', 'failures'], { env });
      assert.equal(both.code, 1);
      const regressions = await cli(['score', fileA, '--baseline', runA, '--fail-on', 'regressions', '--min-pass-rate', '0.6'], { env });
      assert.equal(regressions.code, 1, 'no regression, but the pass rate is below 0.6');
    });

    it('--min-pass-rate outside 0–1 or not a number exits 2 with a message and sends nothing', async () => {
      for (const bad of ['1.5', '-0.1', 'abc', '', '80%', 'Infinity']) {
        const r = await cli(['score', fileA, `--min-pass-rate=${bad}`], { env });
        assert.equal(r.code, 2, bad);
        assert.match(r.stderr, /--min-pass-rate must be a fraction from 0 to 1, e\.g\. 0\.9 for 90% .*Nothing was sent\./, bad);
      }
      assert.equal(server.stats.total, 0, 'no request reached the server');
    });
  });

  describe('--only-failed-from', () => {
    it('sends exactly the entries that failed or errored in that run', async () => {
      const r = await cli(['score', fileB, '--only-failed-from', runA, '--format', 'json'], { env });
      assert.equal(server.stats.count(SCORE), 1);
      const id = (JSON.parse(r.stdout) as { eval_run_uuid: string }).eval_run_uuid;
      // Failed in A: entries 1, 3 and 7; B changed 1 to pass, so this run has two failures.
      assert.deepEqual(server.runs.responses(id)!.map((s) => s.prompt_uuid), [P[1], P[3], P[7]]);
      assert.match(r.stderr, new RegExp(`sending 3 of 8 responses: those that failed or errored in run ${runA}`));
      assert.equal(r.code, 1);
    });

    it('exits 0 with a message and sends no score request when nothing failed there', async () => {
      const allPass = join(ROOT, 'test/fixtures/responses/all-pass.json');
      const clean = await scoreToRun(allPass);
      server.stats.reset();
      const r = await cli(['score', allPass, '--only-failed-from', clean], { env });
      assert.equal(r.code, 0);
      assert.match(r.stderr, new RegExp(`no response of .*all-pass\\.json failed or errored in run ${clean}; nothing was sent\\.`));
      assert.equal(server.stats.count(SCORE), 0);
      assert.equal(r.stdout, '');
    });
  });

  describe('compare', () => {
    it('prints the comparison of two runs without scoring; line null without --file', async () => {
      const r = await cli(['compare', runA, runB, '--format', 'json'], { env });
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { eval_uuid: string; eval_run_uuid: string; comparison: { baseline_run_uuid: string } & Lists };
      assert.deepEqual(Object.keys(j), ['eval_uuid', 'eval_run_uuid', 'comparison']);
      assert.equal(j.eval_run_uuid, runB);
      assert.deepEqual(j.comparison, {
        baseline_run_uuid: runA,
        newly_failing: [ref(0, null)],
        newly_passing: [ref(1, null)],
        still_failing: [ref(3, null), ref(7, null)],
        changed: [],
        only_in_current: [],
        only_in_baseline: [],
      });
      assert.equal(server.stats.count(SCORE), 0);
      assert.equal(r.stderr, '');
    });

    it('fills lines with --file, prints every list as text, and --fail-on regressions exits 1', async () => {
      const j = await cli(['compare', runA, runB, '--file', fileB, '--format', 'json'], { env });
      assert.equal(j.code, 0);
      assert.deepEqual((JSON.parse(j.stdout) as { comparison: Lists }).comparison.still_failing, [ref(3), ref(7)]);
      const t = await cli(['compare', runA, runB, '--file', fileB, '--fail-on', 'regressions'], { env });
      assert.equal(t.code, 1);
      assert.match(t.stdout, /^1 newly failing, 1 fixed, 2 still failing \(baseline run /);
      assert.deepEqual(t.stdout.split('\n').filter((l) => l.endsWith(':')), ['Newly failing:', 'Fixed:', 'Still failing:']);
      assert.ok(t.stdout.includes(`${fileB}:${lineOf(textB, P[3]!)}:`), t.stdout);
      const back = await cli(['compare', runB, runA, '--fail-on', 'regressions'], { env });
      assert.equal(back.code, 1, 'B → A: entry 1 fails again');
      const none = await cli(['compare', runA, runA.replace(/.$/, (c) => (c === '0' ? '1' : '0')), '--fail-on', 'regressions'], { env });
      assert.equal(none.code, 2, 'unknown run');
      assert.equal(server.stats.count(SCORE), 0);
    });

    it('matches first turns of a multi-turn eval across runs although the server gave each run its own thread ids', async () => {
      const file = join(ROOT, 'test/fixtures/responses/multiturn-turn1.json');
      const [a, b] = [await scoreToRun(file), await scoreToRun(file)];
      const threads = (id: string) => server.runs.responses(id)!.map((x) => x.thread_uuid);
      assert.notDeepEqual(threads(a), threads(b), 'the server assigned new thread ids');
      const r = await cli(['compare', a, b, '--format', 'json'], { env });
      assert.equal(r.code, 0, r.stderr);
      const c = (JSON.parse(r.stdout) as { comparison: Lists }).comparison;
      assert.deepEqual(c.still_failing.map((x) => [x.prompt_uuid, x.thread_uuid]), [['question.d90a28ce-86a4-4e14-98b4-9b63bb667c2f', threads(b)[2]]]);
      assert.deepEqual([c.newly_failing, c.newly_passing, c.changed, c.only_in_current, c.only_in_baseline], [[], [], [], [], []]);
    });

    it('usage errors exit 2 and send nothing', async () => {
      const cases: [string[], RegExp][] = [
        [['compare', runA], /expected "score <file>" or "compare <baseline-run> <current-run>"/],
        [['compare', runA, runB, runB], /expected "score <file>" or "compare <baseline-run> <current-run>"/],
        [['compare', runA, runB, '--format', 'sarif'], /compare writes text or json \(got --format sarif\)/],
        [['compare', runA, runB, '--min-pass-rate', '0.5'], /--min-pass-rate applies to "score", not "compare"/],
        [['compare', runA, runB, '--baseline', runA], /--baseline is for "score", not "compare"/],
        [['compare', runA, runA], /the baseline and current runs are the same run/],
        [['compare', runA, runB, '--fail-on', 'never'], /--fail-on must be failures or regressions/],
        [['score', fileA, '--file', fileB], /--file is for "compare"/],
      ];
      for (const [args, message] of cases) {
        const r = await cli(args, { env });
        assert.equal(r.code, 2, args.join(' '));
        assert.match(r.stderr, message, args.join(' '));
      }
      assert.equal(server.stats.total, 0, 'no request reached the server');
    });
  });

  it('--help documents the new options and how the gates combine', async () => {
    const r = await cli(['--help'], { env });
    assert.equal(r.code, 0);
    for (const s of ['aymara-eval compare <baseline-run> <current-run>', '--baseline <run>', '--only-failed-from <run>', '--fail-on <when>', '--min-pass-rate <p>', 'Alone it\n                         replaces the default --fail-on failures']) {
      assert.ok(r.stdout.includes(s), s);
    }
  });
});
