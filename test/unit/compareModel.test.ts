import * as assert from 'node:assert/strict';
import { compareRuns } from '../../src/core/compare/compare';
import { buildCompareModel, COMPARE_TEXT_LIMIT, groupOf } from '../../src/core/report/compareModel';
import type { ResultItem } from '../../src/core/results';
import { item } from './resultItems';

const run = (id: string, items: ResultItem[]) => ({ eval_run_uuid: id, items });

describe('compare mode model (explanations webview)', () => {
  const base = run('score_run.a', [item('p1', 'passed', { confidence: 0.82, explanation: 'Fine.' }), item('p2', 'failed', { confidence: 0.9, explanation: 'Banned term.' }), item('p3', 'failed'), item('gone', 'passed')]);
  const cur = run('score_run.b', [item('p1', 'failed', { confidence: 0.99, explanation: 'Empty.' }), item('p2', 'passed', { confidence: 0.85 }), item('p3', 'failed'), item('new', 'passed')]);
  const comparison = compareRuns(base, cur);

  it('a card per change with both sides: verdict, confidence, explanation', () => {
    const m = buildCompareModel({ comparison, prompt: (p) => (p === 'p1' ? { content: 'Prompt one', category: null } : undefined), lineOf: (e) => (e.prompt_uuid === 'gone' ? undefined : 3) });
    const p1 = m.cards.find((c) => c.kind === 'newly_failing');
    assert.deepEqual(p1, {
      key: p1?.key,
      kind: 'newly_failing',
      kindLabel: 'Newly failing',
      prompt: 'Prompt one',
      promptKnown: true,
      line: 3,
      baseline: { verdict: 'passed', verdictLabel: 'Passed', confidence: '82%', explanation: 'Fine.' },
      current: { verdict: 'failed', verdictLabel: 'Failed', confidence: '99%', explanation: 'Empty.' },
    });
    const gone = m.cards.find((c) => c.kind === 'only_in_baseline');
    assert.equal(gone?.current, undefined, 'no current side for an entry only in the baseline');
    assert.equal(gone?.line, undefined, 'not in the file');
    assert.equal(gone?.prompt, 'gone', 'the prompt id when the text is not known');
    assert.equal(m.headline, '1 newly failing, 1 fixed, 1 still failing');
    assert.deepEqual(m.filters.map((f) => [f.id, f.count]), [['all', 5], ['newly_failing', 1], ['newly_passing', 1], ['still_failing', 1], ['changed', 0], ['only_in_current', 1], ['only_in_baseline', 1]]);
    assert.equal(m.baselineLabel, 'Baseline: score_run.a');
    assert.equal(m.followed, undefined);
  });

  it('bounds the cards and the texts, and says when the current side moved to a new run', () => {
    const long = 'x'.repeat(COMPARE_TEXT_LIMIT + 50);
    const c = compareRuns(run('a', [item('p', 'passed', { explanation: long })]), run('b', [item('p', 'failed')]));
    const m = buildCompareModel({ comparison: c, followed: true, limit: 0, baselineName: 'Before', t: (s, ...a) => `<${s}>${a.join(',')}` });
    assert.equal(m.cards.length, 0);
    assert.equal(m.total, 1);
    assert.match(m.followed ?? '', /^<The file was scored again/);
    assert.equal(m.baselineLabel, '<Baseline: {0}>Before', 'translated');
    const one = buildCompareModel({ comparison: c });
    assert.equal(one.cards[0]?.baseline?.explanation?.length, COMPARE_TEXT_LIMIT);
  });

  it('groups both "only in" kinds as one tree group', () => {
    assert.equal(groupOf('only_in_current'), 'only');
    assert.equal(groupOf('only_in_baseline'), 'only');
    assert.equal(groupOf('newly_passing'), 'newly_passing');
  });
});
