/**
 * Score Next Turn against the local server: the turns go into the same run and are merged into
 * its results; after a lost reply the run's responses decide, and nothing is posted twice.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits } from '../../src/core/authoring/jsonEdit';
import { AymaraClient } from '../../src/core/client';
import { parseResponsesFile } from '../../src/core/responsesFile';
import type { RunResult } from '../../src/core/results';
import { scoreFile } from '../../src/core/scoreFile';
import { continueOffers, threadTail } from '../../src/core/turns/continueTurn';
import { nextTurnEdit } from '../../src/core/turns/turnEdit';
import { selectNewTurns } from '../../src/core/turns/newTurns';
import { RunGoneError, scoreTurns } from '../../src/core/turns/scoreTurns';
import { MULTITURN_THREADS as T, startServer, type LocalServer } from '../../src/server';

const SCORE = 'POST /v2/eval-runs/-/score-responses';
const turn1 = readFileSync(join(__dirname, '../../../test/fixtures/responses/multiturn-turn1.json'), 'utf8');

/** Write every offered next turn into the text, answered with `answer`. */
function continueAll(text: string, run: RunResult, answer: string): string {
  let out = text;
  for (;;) {
    const file = parseResponsesFile(out, { fileName: 'mt.json' });
    const offer = continueOffers(run, new Set(file.entries.map((e) => e.key)))[0];
    if (!offer) return out;
    const edit = nextTurnEdit(out, file.form, threadTail(file.entries, run, offer.next.thread_uuid)!, offer.next);
    out = applyEdits(out, [edit]);
    out = out.slice(0, edit.cursor) + answer + out.slice(edit.cursor);
    // Each offer is written once: the next round sees it in the file.
  }
}

describe('multi-turn: scoreTurns into the same run', function () {
  this.timeout(20_000);
  let server: LocalServer;
  let client: AymaraClient;
  before(async () => {
    server = await startServer({ port: 0 });
    client = new AymaraClient({ baseUrl: server.url, apiKey: 'demo-key', retryBaseMs: 10, retryMaxMs: 20 });
  });
  after(async () => {
    await client.close();
    await server.close();
  });
  beforeEach(() => server.reset());

  async function first(): Promise<RunResult> {
    const file = parseResponsesFile(turn1, { fileName: 'mt.json' });
    return scoreFile({ file, evalUuid: file.evalUuid!, fileName: 'mt.json', client });
  }

  async function next(base: RunResult, text: string): Promise<RunResult> {
    const file = parseResponsesFile(text, { fileName: 'mt.json' });
    const sel = selectNewTurns(file.entries, base);
    return scoreTurns({ client, base, turns: sel.send, entries: file.entries });
  }

  it('continues the 3-turn conversations to their end in one run; the final turns offer nothing', async () => {
    const r1 = await first();
    let text = continueAll(turn1, r1, 'I would rather not go into that.');
    const r2 = await next(r1, text);
    assert.equal(r2.eval_run_uuid, r1.eval_run_uuid);
    assert.equal(r2.items.length, 6);
    text = continueAll(text, r2, 'Somewhere safe and open.');
    const r3 = await next(r2, text);
    assert.equal(r3.eval_run_uuid, r1.eval_run_uuid);
    assert.deepEqual(r3.items.map((i) => [i.prompt_uuid, i.turn_number]), [
      [T.lockPicking[0], 1], [T.lockPicking[1], 2], [T.lockPicking[2], 3],
      [T.paracetamol[0], 1], [T.paracetamol[1], 2],
      [T.spaceHeater[0], 1], [T.spaceHeater[1], 2], [T.spaceHeater[2], 3],
    ]);
    assert.ok(r3.items.every((i) => i.location && i.entry_index !== null), 'every turn is placed on its entry');
    assert.deepEqual(continueOffers(r3, new Set(parseResponsesFile(text, { fileName: 'mt.json' }).entries.map((e) => e.key))), []);
    assert.equal(r3.counts.passed + r3.counts.failed, 8);
    const listed = await client.listRunResponses(r1.eval_run_uuid);
    assert.equal(listed.items.length, 8, 'the server holds the whole conversation in one run');
    assert.equal(r3.pass_rate, (await client.getRun(r1.eval_run_uuid)).pass_rate);
  });

  it('after a lost reply the run\'s responses show the turns were taken: adopted, posted once', async () => {
    const r1 = await first();
    const text = continueAll(turn1, r1, 'No.');
    server.faults.add({ route: SCORE, kind: 'status-after-commit', status: 502 });
    const posts = server.stats.count(SCORE);
    const r2 = await next(r1, text);
    assert.equal(server.stats.count(SCORE) - posts, 1, 'one POST, no retry');
    assert.equal(r2.items.length, 6);
    assert.match(r2.notes.join(' '), /found in the run and adopted, so nothing was sent twice/);
    assert.equal((await client.listRunResponses(r1.eval_run_uuid)).items.length, 6, 'taken once');
  });

  it('after a lost reply with nothing taken: says nothing was scored, and does not post again', async () => {
    const r1 = await first();
    const text = continueAll(turn1, r1, 'No.');
    server.faults.add({ route: SCORE, kind: 'reset' });
    const posts = server.stats.count(SCORE);
    await assert.rejects(next(r1, text), (e: Error) => /has none of the 3 turns that were sent, so nothing was scored/.test(e.message));
    assert.equal(server.stats.count(SCORE) - posts, 1, 'one POST, no retry');
    assert.equal((await client.listRunResponses(r1.eval_run_uuid)).items.length, 3);
  });

  it('a run gone from the server: RunGoneError with the next step', async () => {
    const r1 = await first();
    const text = continueAll(turn1, r1, 'No.');
    await client.deleteRun(r1.eval_run_uuid);
    await assert.rejects(next(r1, text), (e: Error) => e instanceof RunGoneError && /no longer on the server.*remove the later turns from the file \(keep the first turns\) and score the file/.test(e.message));
  });
});
