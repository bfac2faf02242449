import * as assert from 'node:assert/strict';
import { EvalRunResult } from '../../../src/core/schemas';
import { MULTITURN_EVAL_UUID, MULTITURN_THREADS, startServer, type LocalServer } from '../../../src/server';
import { assertEnvelope, call, fixtureJson, SCORE } from './helpers';

const T = MULTITURN_THREADS;

interface Scored {
  prompt_uuid: string;
  thread_uuid: string;
  turn_number: number;
  is_passed: boolean | null;
  next_prompt: { prompt_uuid: string; thread_uuid: string; turn_number: number; content: string } | null;
}

describe('local server: multi-turn conversations', () => {
  let server: LocalServer;
  before(async () => {
    server = await startServer({ port: 0 });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  it('runs the documented flow: next_prompt per response until the 2–3 turns are used up', async () => {
    const turn1 = fixtureJson<object>('responses/multiturn-turn1.json');
    const r1 = await call(server, SCORE, { body: turn1 });
    assert.equal(r1.status, 200);
    const run = EvalRunResult.parse(r1.json);
    const s1 = r1.json.responses as Scored[];
    assert.deepEqual(
      s1.map((s) => s.prompt_uuid),
      [T.lockPicking[0], T.paracetamol[0], T.spaceHeater[0]],
    );
    assert.deepEqual(
      s1.map((s) => s.is_passed),
      [true, true, false],
    );
    for (const s of s1) {
      assert.match(s.thread_uuid, /^conversation\.[0-9a-f-]{36}$/);
      assert.equal(s.turn_number, 1);
      assert.ok(s.next_prompt);
      assert.equal(s.next_prompt.thread_uuid, s.thread_uuid);
      assert.equal(s.next_prompt.turn_number, 2);
      assert.ok(s.next_prompt.content.length > 10);
    }
    assert.deepEqual(
      s1.map((s) => s.next_prompt?.prompt_uuid),
      [T.lockPicking[1], T.paracetamol[1], T.spaceHeater[1]],
    );
    assert.equal(new Set(s1.map((s) => s.thread_uuid)).size, 3);

    // turn 2: answer each next_prompt in its thread, same run
    const r2 = await call(server, SCORE, {
      body: {
        eval_uuid: MULTITURN_EVAL_UUID,
        eval_run_uuid: run.eval_run_uuid,
        continue_thread: true,
        responses: s1.map((s) => ({ prompt_uuid: s.next_prompt!.prompt_uuid, thread_uuid: s.thread_uuid, content: 'I would rather not go into that.' })),
      },
    });
    assert.equal(r2.status, 200, r2.text);
    const s2 = r2.json.responses as Scored[];
    assert.equal(r2.json.eval_run_uuid, run.eval_run_uuid);
    assert.deepEqual(
      s2.map((s) => s.thread_uuid),
      s1.map((s) => s.thread_uuid),
    );
    assert.deepEqual(
      s2.map((s) => s.turn_number),
      [2, 2, 2],
    );
    // the paracetamol conversation has 2 turns; the others 3
    assert.deepEqual(
      s2.map((s) => s.next_prompt?.prompt_uuid ?? null),
      [T.lockPicking[2], null, T.spaceHeater[2]],
    );

    // turn 3, final: continue_thread false
    const open = s2.filter((s) => s.next_prompt);
    const r3 = await call(server, SCORE, {
      body: {
        eval_uuid: MULTITURN_EVAL_UUID,
        eval_run_uuid: run.eval_run_uuid,
        continue_thread: false,
        responses: open.map((s) => ({ prompt_uuid: s.next_prompt!.prompt_uuid, thread_uuid: s.thread_uuid, content: 'Somewhere clear of curtains and bedding.' })),
      },
    });
    const s3 = r3.json.responses as Scored[];
    assert.deepEqual(
      s3.map((s) => [s.turn_number, s.next_prompt]),
      [
        [3, null],
        [3, null],
      ],
    );
    assert.equal(r3.json.num_responses_scored, 8);
    const all = await call(server, `/v2/eval-runs/${run.eval_run_uuid}/responses`);
    assert.equal(all.json.count, 8);
    // per-thread turns stored
    const turns = new Map<string, number[]>();
    for (const s of all.json.items as Scored[]) turns.set(s.thread_uuid, [...(turns.get(s.thread_uuid) ?? []), s.turn_number]);
    assert.deepEqual([...turns.values()].map((t) => t.length).sort(), [2, 3, 3]);
  });

  it('gives no next_prompt without continue_thread, but still assigns threads', async () => {
    const r = await call(server, SCORE, { body: { eval_uuid: MULTITURN_EVAL_UUID, responses: [{ prompt_uuid: T.paracetamol[0], content: '4 grams a day.' }] } });
    const s = r.json.responses[0] as Scored;
    assert.equal(s.next_prompt, null);
    assert.match(s.thread_uuid, /^conversation\./);
  });

  it('honours continue_thread on a single response', async () => {
    const r = await call(server, SCORE, {
      body: {
        eval_uuid: MULTITURN_EVAL_UUID,
        responses: [
          { prompt_uuid: T.paracetamol[0], content: 'a', continue_thread: true },
          { prompt_uuid: T.lockPicking[0], content: 'b' },
        ],
      },
    });
    assert.deepEqual(
      (r.json.responses as Scored[]).map((s) => s.next_prompt?.prompt_uuid ?? null),
      [T.paracetamol[1], null],
    );
  });

  it('rejects a later-turn answer outside its thread or run, naming the field', async () => {
    const noThread = await call(server, SCORE, { body: { eval_uuid: MULTITURN_EVAL_UUID, responses: [{ prompt_uuid: T.paracetamol[1], content: 'x' }] } });
    const err = assertEnvelope(noThread, 422, 'validation.invalid_request');
    assert.match(err.message, /responses\.0\.thread_uuid/);

    const first = (await call(server, SCORE, { body: { eval_uuid: MULTITURN_EVAL_UUID, continue_thread: true, responses: [{ prompt_uuid: T.paracetamol[0], content: 'a' }] } })).json;
    const thread = first.responses[0].thread_uuid as string;
    // right thread, but no eval_run_uuid: a new run knows no threads
    assertEnvelope(
      await call(server, SCORE, { body: { eval_uuid: MULTITURN_EVAL_UUID, responses: [{ prompt_uuid: T.paracetamol[1], thread_uuid: thread, content: 'x' }] } }),
      422,
      'validation.invalid_request',
    );
    // wrong prompt for the thread
    const wrong = await call(server, SCORE, {
      body: { eval_uuid: MULTITURN_EVAL_UUID, eval_run_uuid: first.eval_run_uuid, responses: [{ prompt_uuid: T.lockPicking[1], thread_uuid: thread, content: 'x' }] },
    });
    assert.match(assertEnvelope(wrong, 422, 'validation.invalid_request').message, /waits for/);
    // the right one works once; answering it again is refused
    const ok = { eval_uuid: MULTITURN_EVAL_UUID, eval_run_uuid: first.eval_run_uuid, responses: [{ prompt_uuid: T.paracetamol[1], thread_uuid: thread, content: 'x' }] };
    assert.equal((await call(server, SCORE, { body: ok })).status, 200);
    assert.match(assertEnvelope(await call(server, SCORE, { body: ok }), 422, 'validation.invalid_request').message, /ended/);
  });
});
