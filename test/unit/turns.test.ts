import * as assert from 'node:assert/strict';
import { applyEdits } from '../../src/core/authoring/jsonEdit';
import { parseResponsesFile } from '../../src/core/responsesFile';
import type { ResponsesFile } from '../../src/core/responsesFile';
import type { RunResult } from '../../src/core/results';
import { continueOffers, nextTurnOf, threadTail, waitingTurns } from '../../src/core/turns/continueTurn';
import { nextTurnEdit } from '../../src/core/turns/turnEdit';
import { selectNewTurns } from '../../src/core/turns/newTurns';
import { item } from './resultItems';

const E = 'test.mt';
const P1 = 'question.p1';
const P2 = 'question.p2';
const Q1 = 'question.q1';
const T1 = 'conversation.t1';
const T2 = 'conversation.t2';
const next = (prompt_uuid: string, thread_uuid: string, turn_number: number) => ({ prompt_uuid, thread_uuid, turn_number, content: `Say more (${prompt_uuid})` });

/** A run scored from `file`: each entry's result, with the next prompts given by prompt id. */
function runOf(file: ResponsesFile, nexts: Record<string, ReturnType<typeof next> | null>, threads: Record<string, string>): Pick<RunResult, 'items'> {
  return {
    items: file.entries.map((e) =>
      item(e.response.prompt_uuid, 'passed', {
        key: e.key,
        thread_uuid: e.response.thread_uuid ?? threads[e.response.prompt_uuid] ?? null,
        turn_number: e.response.turn_number,
        next_prompt: nexts[e.response.prompt_uuid] ?? null,
        entry_index: e.index,
        location: e.location,
      }),
    ),
  };
}

/** Continue the thread of `prompt` in `text`: the new text and the cursor's offset. */
function continueIn(text: string, fileName: string, nexts: Record<string, ReturnType<typeof next> | null>, prompt: string) {
  const file = parseResponsesFile(text, { fileName });
  assert.deepEqual(file.problems, []);
  const run = runOf(file, nexts, { [P1]: T1, [Q1]: T2 });
  const offer = continueOffers(run, new Set(file.entries.map((e) => e.key))).find((o) => o.item.prompt_uuid === prompt);
  assert.ok(offer, `an offer for ${prompt}`);
  const tail = threadTail(file.entries, run, offer.next.thread_uuid);
  assert.ok(tail);
  const edit = nextTurnEdit(text, file.form, tail, offer.next);
  return { out: applyEdits(text, [edit]), cursor: edit.cursor, run };
}

describe('multi-turn: Continue Conversation inserts the next turn in the file\'s form', () => {
  const bodyLF = `{\n  "eval_uuid": "${E}",\n  "continue_thread": true,\n  "responses": [\n    {\n      "prompt_uuid": "${P1}",\n      "content": "first"\n    },\n    {\n      "prompt_uuid": "${Q1}",\n      "content": "other"\n    }\n  ]\n}\n`;

  it('body (LF): after the thread\'s turn, multi-line like its neighbours, cursor inside the empty content', () => {
    const { out, cursor } = continueIn(bodyLF, 'a.json', { [P1]: next(P2, T1, 2) }, P1);
    assert.equal(
      out,
      `{\n  "eval_uuid": "${E}",\n  "continue_thread": true,\n  "responses": [\n    {\n      "prompt_uuid": "${P1}",\n      "content": "first"\n    },\n    {\n      "prompt_uuid": "${P2}",\n      "thread_uuid": "${T1}",\n      "turn_number": 2,\n      "content": ""\n    },\n    {\n      "prompt_uuid": "${Q1}",\n      "content": "other"\n    }\n  ]\n}\n`,
    );
    assert.equal(out.slice(cursor - 12, cursor + 1), '"content": ""');
    const reread = parseResponsesFile(out, { fileName: 'a.json' });
    assert.deepEqual(reread.problems, []);
    assert.deepEqual(reread.entries.map((e) => [e.response.prompt_uuid, e.response.thread_uuid ?? null, e.response.turn_number]), [[P1, null, 1], [P2, T1, 2], [Q1, null, 1]]);
  });

  it('body (CRLF): keeps CRLF everywhere and the tab indentation', () => {
    const text = bodyLF.replace(/ {2}/g, '\t').replace(/\n/g, '\r\n');
    const { out, cursor } = continueIn(text, 'a.json', { [Q1]: next('question.q2', T2, 2) }, Q1);
    assert.ok(!/[^\r]\n/.test(out), 'no bare LF');
    assert.ok(out.includes(`\t\t},\r\n\t\t{\r\n\t\t\t"prompt_uuid": "question.q2",\r\n\t\t\t"thread_uuid": "${T2}",\r\n\t\t\t"turn_number": 2,\r\n\t\t\t"content": ""\r\n\t\t}\r\n\t]`), out);
    assert.equal(out[cursor], '"');
    assert.equal(out.slice(cursor - 12, cursor), '"content": "');
  });

  it('array of one-line entries: one line, same spacing, after the thread\'s last turn (not the first)', () => {
    const text = `[\n  { "prompt_uuid": "${P1}", "content": "a" },\n  { "prompt_uuid": "${P2}", "thread_uuid": "${T1}", "turn_number": 2, "content": "b" },\n  { "prompt_uuid": "${Q1}", "content": "c" }\n]`;
    const { out, cursor } = continueIn(text, 'a.json', { [P1]: next(P2, T1, 2), [P2]: next('question.p3', T1, 3) }, P2);
    assert.equal(
      out,
      `[\n  { "prompt_uuid": "${P1}", "content": "a" },\n  { "prompt_uuid": "${P2}", "thread_uuid": "${T1}", "turn_number": 2, "content": "b" },\n  { "prompt_uuid": "question.p3", "thread_uuid": "${T1}", "turn_number": 3, "content": "" },\n  { "prompt_uuid": "${Q1}", "content": "c" }\n]`,
    );
    assert.equal(out.slice(cursor - 12, cursor + 1), '"content": ""');
  });

  it('array (CRLF), last entry: the comma goes after it and the bracket stays on its line', () => {
    const text = `[\r\n  {"prompt_uuid": "${Q1}", "content": "c"}\r\n]\r\n`;
    const { out } = continueIn(text, 'a.json', { [Q1]: next('question.q2', T2, 2) }, Q1);
    assert.equal(out, `[\r\n  {"prompt_uuid": "${Q1}", "content": "c"},\r\n  {"prompt_uuid": "question.q2", "thread_uuid": "${T2}", "turn_number": 2, "content": ""}\r\n]\r\n`);
  });

  for (const eol of ['\n', '\r\n']) {
    it(`JSON Lines (${eol === '\n' ? 'LF' : 'CRLF'}): a line right after the thread's line, cursor between the quotes`, () => {
      const text = [`{"prompt_uuid":"${P1}","content":"a"}`, `{"prompt_uuid":"${Q1}","content":"c"}`, ''].join(eol);
      const { out, cursor } = continueIn(text, 'a.jsonl', { [P1]: next(P2, T1, 2) }, P1);
      assert.equal(out, [`{"prompt_uuid":"${P1}","content":"a"}`, `{"prompt_uuid":"${P2}","thread_uuid":"${T1}","turn_number":2,"content":""}`, `{"prompt_uuid":"${Q1}","content":"c"}`, ''].join(eol));
      assert.equal(out.slice(cursor - 11, cursor + 2), '"content":""}');
    });
  }

  it('JSON Lines, last line without a newline: the new line is added at the end', () => {
    const text = `{"prompt_uuid":"${Q1}","content":"c"}`;
    const { out } = continueIn(text, 'a.jsonl', { [Q1]: next('question.q2', T2, 2) }, Q1);
    assert.equal(out, `${text}\n{"prompt_uuid":"question.q2","thread_uuid":"${T2}","turn_number":2,"content":""}`);
  });

  it('hostile ids are written as JSON strings; line separators are escaped so a JSON Lines line stays one line', () => {
    const text = `{"prompt_uuid":"${Q1}","content":"c"}\n`;
    const evil = 'question.x"}\u2028{"a":1';
    const { out } = continueIn(text, 'a.jsonl', { [Q1]: next(evil, T2, 2) }, Q1);
    assert.ok(!out.includes('\u2028'));
    const lines = out.split('\n').filter(Boolean);
    assert.equal(lines.length, 2);
    assert.equal((JSON.parse(lines[1]!) as { prompt_uuid: string }).prompt_uuid, evil);
  });
});

describe('multi-turn: which responses offer Continue, and which turns Score Next Turn sends', () => {
  const text = [`{"prompt_uuid":"${P1}","content":"a"}`, `{"prompt_uuid":"${Q1}","content":"c"}`, ''].join('\n');

  it('offers a next prompt only while neither the run nor the file has that turn; the final turn offers nothing', () => {
    const file = parseResponsesFile(text, { fileName: 'a.jsonl' });
    const run = runOf(file, { [P1]: next(P2, T1, 2), [Q1]: null }, { [P1]: T1, [Q1]: T2 });
    const keys = new Set(file.entries.map((e) => e.key));
    assert.deepEqual(continueOffers(run, keys).map((o) => o.next.prompt_uuid), [P2]);
    const written = new Set([...keys, nextTurnOf(run.items[0]!)!.key]);
    assert.deepEqual(continueOffers(run, written), [], 'already written into the file');
    assert.equal(waitingTurns(run).get(nextTurnOf(run.items[0]!)!.key)?.content, `Say more (${P2})`);
  });

  it('refuses next prompts it cannot write (no thread, empty or overlong id) and numbers the turn after the answered one', () => {
    assert.equal(nextTurnOf({ thread_uuid: null, turn_number: 1, next_prompt: { prompt_uuid: P2, content: 'x', turn_number: 2 } }), undefined);
    assert.equal(nextTurnOf({ thread_uuid: T1, turn_number: 1, next_prompt: { prompt_uuid: '', content: 'x', turn_number: 2 } }), undefined);
    assert.equal(nextTurnOf({ thread_uuid: T1, turn_number: 1, next_prompt: { prompt_uuid: 'q'.repeat(201), content: 'x', turn_number: 2 } }), undefined);
    assert.equal(nextTurnOf({ thread_uuid: T1, turn_number: 2, next_prompt: { prompt_uuid: P2, content: 'x', turn_number: 1 } })?.turn_number, 3);
  });

  it('sends answered new turns only; a blank placeholder, a stray turn and a new first turn are told apart', () => {
    const scored = parseResponsesFile(text, { fileName: 'a.jsonl' });
    const run = runOf(scored, { [P1]: next(P2, T1, 2), [Q1]: next('question.q2', T2, 2) }, { [P1]: T1, [Q1]: T2 });
    const now = [
      ...text.trim().split('\n'),
      `{"prompt_uuid":"${P2}","thread_uuid":"${T1}","turn_number":2,"content":"answer"}`,
      `{"prompt_uuid":"question.q2","thread_uuid":"${T2}","turn_number":2,"content":"   "}`,
      `{"prompt_uuid":"question.zz","thread_uuid":"${T2}","turn_number":3,"content":"x"}`,
      `{"prompt_uuid":"question.new","content":"x"}`,
    ].join('\n');
    const sel = selectNewTurns(parseResponsesFile(now, { fileName: 'a.jsonl' }).entries, run);
    assert.deepEqual(sel.send.map((e) => e.response.prompt_uuid), [P2]);
    assert.deepEqual(sel.unanswered.map((e) => e.response.prompt_uuid), ['question.q2']);
    assert.deepEqual(sel.stray.map((e) => e.response.prompt_uuid), ['question.zz']);
    assert.deepEqual(sel.other.map((e) => e.response.prompt_uuid), ['question.new']);
  });

  it('a refusal counts as an answer', () => {
    const scored = parseResponsesFile(text, { fileName: 'a.jsonl' });
    const run = runOf(scored, { [P1]: next(P2, T1, 2) }, { [P1]: T1 });
    const now = `${text}{"prompt_uuid":"${P2}","thread_uuid":"${T1}","turn_number":2,"content":"","ai_refused":true}\n`;
    assert.deepEqual(selectNewTurns(parseResponsesFile(now, { fileName: 'a.jsonl' }).entries, run).send.length, 1);
  });
});
