import * as assert from 'node:assert/strict';
import type { CardModel, HostMessage, WebviewModel } from '../../src/core/report/webviewModel';
import { CARDS_PER_PART, FIRST_CARDS, splitData } from '../../src/core/report/webviewParts';

function card(i: number): CardModel {
  return { key: `question.${i}`, verdict: i % 3 ? 'passed' : 'failed' } as unknown as CardModel;
}

function data(n: number): Extract<HostMessage, { type: 'data' }> {
  const model = { version: 1, runUuid: 'score_run.parts', cards: Array.from({ length: n }, (_, i) => card(i)), counts: { total: n } } as unknown as WebviewModel;
  return { type: 'data', model, strings: { Loading: 'Chargement' }, focus: 'question.5' };
}

describe('webview parts: a data message for many cards, split for posting', () => {
  it('leaves a message whose cards fit in the first part as it is', () => {
    const msg = data(FIRST_CARDS);
    const parts = splitData(msg, 7);
    assert.equal(parts.length, 1);
    assert.equal(parts[0], msg);
    assert.equal(parts[0].more, undefined, 'no "more" promised');
  });

  it('sends the first cards with everything else, then every other card once, in order', () => {
    const n = FIRST_CARDS + 2 * CARDS_PER_PART + 1;
    const msg = data(n);
    const [first, ...rest] = splitData(msg, 7);
    assert.equal(first.type, 'data');
    assert.deepEqual(first.model.cards.map((c) => c.key), msg.model.cards.slice(0, FIRST_CARDS).map((c) => c.key));
    assert.equal(first.more, n - FIRST_CARDS);
    assert.equal(first.seq, 7);
    assert.equal(first.focus, 'question.5');
    assert.deepEqual(first.strings, { Loading: 'Chargement' });
    assert.deepEqual((first.model as unknown as { counts: unknown }).counts, { total: n }, 'the summary counts the whole run');
    assert.equal(msg.model.cards.length, n, 'the message given is not changed');
    assert.deepEqual(rest.map((p) => [p.type, p.seq, p.cards.length, p.more]), [
      ['cards', 7, CARDS_PER_PART, CARDS_PER_PART + 1],
      ['cards', 7, CARDS_PER_PART, 1],
      ['cards', 7, 1, 0],
    ]);
    const keys = [first, ...rest].flatMap((p) => ('model' in p ? p.model.cards : p.cards).map((c) => c.key));
    assert.deepEqual(keys, msg.model.cards.map((c) => c.key));
  });
});
