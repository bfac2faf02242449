import * as assert from 'node:assert/strict';
import { compareRuns, comparisonHeadline, comparisonReport, failingKeys } from '../../src/core/compare/compare';
import { responseKey, type ResultItem } from '../../src/core/results';
import { item } from './resultItems';

const run = (id: string, items: ResultItem[]) => ({ eval_run_uuid: id, items });

describe('compareRuns', () => {
  it('sorts entries into newly failing, fixed, still failing, changed and unchanged', () => {
    const base = run('score_run.a', [
      item('p1', 'passed'), item('p2', 'failed'), item('p3', 'failed'), item('p4', 'passed'),
      item('p5', 'refused'), item('p6', 'passed', { confidence: 0.5 }), item('p7', 'errored'),
    ]);
    const cur = run('score_run.b', [
      item('p1', 'failed'), item('p2', 'passed'), item('p3', 'errored'), item('p4', 'passed'),
      item('p5', 'passed'), item('p6', 'passed', { confidence: 0.65 }), item('p7', 'refused'),
    ]);
    const c = compareRuns(base, cur);
    const kinds = Object.fromEntries(c.entries.map((e) => [e.prompt_uuid, e.kind]));
    assert.deepEqual(kinds, { p1: 'newly_failing', p2: 'newly_passing', p3: 'still_failing', p5: 'changed', p6: 'changed', p7: 'newly_passing' });
    assert.equal(c.counts.unchanged, 1); // p4
    assert.equal(comparisonHeadline(c), '1 newly failing, 2 fixed, 1 still failing');
  });

  it('counts a confidence move under 0.1 or an equal explanation as unchanged', () => {
    const c = compareRuns(run('a', [item('p', 'passed', { confidence: 0.5 })]), run('b', [item('p', 'passed', { confidence: 0.59 })]));
    assert.deepEqual(c.entries, []);
    assert.equal(c.counts.unchanged, 1);
    const d = compareRuns(run('a', [item('p', 'passed', { explanation: 'x' })]), run('b', [item('p', 'passed', { explanation: 'y' })]));
    assert.equal(d.entries[0]?.kind, 'changed');
  });

  it('matches multi-turn entries by prompt, thread and turn, not by prompt alone', () => {
    const base = run('a', [item('p', 'passed', { thread_uuid: 't1', turn_number: 1 }), item('p', 'failed', { thread_uuid: 't1', turn_number: 2 })]);
    const cur = run('b', [item('p', 'failed', { thread_uuid: 't1', turn_number: 1 }), item('p', 'passed', { thread_uuid: 't2', turn_number: 2 })]);
    const c = compareRuns(base, cur);
    assert.deepEqual(c.entries.map((e) => [e.thread_uuid, e.turn_number, e.kind]), [
      ['t1', 1, 'newly_failing'], ['t2', 2, 'only_in_current'], ['t1', 2, 'only_in_baseline'],
    ]);
  });

  it('leaves excluded entries out of both runs and keeps the first of a duplicated key', () => {
    const base = run('a', [item('p1', 'excluded'), item('p2', 'failed'), item('p2', 'passed')]);
    const cur = run('b', [item('p1', 'failed'), item('p2', 'excluded'), item('p3', 'excluded')]);
    const c = compareRuns(base, cur);
    assert.deepEqual(c.entries.map((e) => [e.prompt_uuid, e.kind, e.baseline?.verdict ?? null]), [
      ['p1', 'only_in_current', null], ['p2', 'only_in_baseline', 'failed'],
    ]);
  });

  it('reports each list with the entry line in the file, null when the file no longer holds it', () => {
    const loc = { offset: 0, length: 1, line: 12, column: 5, pointer: '/responses/0' };
    const c = compareRuns(run('score_run.base', [item('p1', 'passed'), item('gone', 'failed')]), run('score_run.cur', [item('p1', 'failed', { location: loc })]));
    assert.deepEqual(comparisonReport(c), {
      baseline_run_uuid: 'score_run.base',
      newly_failing: [{ prompt_uuid: 'p1', thread_uuid: null, turn_number: 1, line: 12 }],
      newly_passing: [], still_failing: [], changed: [], only_in_current: [],
      only_in_baseline: [{ prompt_uuid: 'gone', thread_uuid: null, turn_number: 1, line: null }],
    });
  });

  it('partners first turns whose thread ids the server assigned per run, by prompt in order; later turns only by exact thread', () => {
    const base = run('a', [
      item('p', 'failed', { thread_uuid: 'conversation.A1' }), item('p', 'passed', { thread_uuid: 'conversation.A2' }),
      item('p2', 'passed', { thread_uuid: 'conversation.A1', turn_number: 2 }),
    ]);
    const cur = run('b', [
      item('p', 'passed', { thread_uuid: 'conversation.B1' }), item('p', 'failed', { thread_uuid: 'conversation.B2' }),
      item('p2', 'passed', { thread_uuid: 'conversation.B1', turn_number: 2 }),
    ]);
    const c = compareRuns(base, cur);
    assert.deepEqual(c.entries.map((e) => [e.thread_uuid, e.turn_number, e.kind, e.baseline?.thread_uuid ?? null]), [
      ['conversation.B1', 1, 'newly_passing', 'conversation.A1'],
      ['conversation.B2', 1, 'newly_failing', 'conversation.A2'],
      ['conversation.B1', 2, 'only_in_current', null],
      ['conversation.A1', 2, 'only_in_baseline', 'conversation.A1'],
    ]);
    assert.equal(comparisonHeadline(c), '1 newly failing, 1 fixed, 0 still failing');
  });

  it('counts errored as failing and refused as passing in both directions', () => {
    const base = run('a', [item('e1', 'errored'), item('e2', 'passed'), item('e3', 'errored'), item('r1', 'failed'), item('r2', 'refused', { confidence: null })]);
    const cur = run('b', [item('e1', 'failed'), item('e2', 'errored'), item('e3', 'passed'), item('r1', 'refused'), item('r2', 'errored')]);
    const kinds = Object.fromEntries(compareRuns(base, cur).entries.map((e) => [e.prompt_uuid, e.kind]));
    assert.deepEqual(kinds, { e1: 'still_failing', e2: 'newly_failing', e3: 'newly_passing', r1: 'newly_passing', r2: 'newly_failing' });
  });

  it('counts a confidence move of exactly 0.1, up or down, as changed, and a verdict of the same class with equal text too', () => {
    for (const [a, b] of [[0.7, 0.8], [0.3, 0.2], [0.5, 0.6]] as const) {
      const c = compareRuns(run('a', [item('p', 'failed', { confidence: a }), item('q', 'passed', { confidence: a })]), run('b', [item('p', 'failed', { confidence: b }), item('q', 'passed', { confidence: b })]));
      assert.deepEqual(c.entries.map((e) => [e.prompt_uuid, e.kind]), [['p', 'still_failing'], ['q', 'changed']], `${a} → ${b}`);
    }
  });

  it('keeps the first item of a key held twice in either run and counts the others as duplicates', () => {
    const base = run('a', [item('p', 'passed'), item('p', 'failed'), item('q', 'failed')]);
    const cur = run('b', [item('p', 'failed'), item('q', 'passed'), item('q', 'failed'), item('p', 'passed')]);
    const c = compareRuns(base, cur);
    assert.deepEqual(c.entries.map((e) => [e.prompt_uuid, e.kind]), [['p', 'newly_failing'], ['q', 'newly_passing']]);
    assert.equal(c.counts.duplicates, 3);
    assert.equal(c.counts.only_in_baseline + c.counts.only_in_current, 0);
  });

  it('gives a baseline-only entry the line the file holds it at (the baseline matched to the file)', () => {
    const loc = { offset: 40, length: 10, line: 7, column: 3, pointer: '/responses/2' };
    const c = compareRuns(run('a', [item('sent-before', 'failed', { location: loc })]), run('b', []));
    assert.deepEqual(comparisonReport(c).only_in_baseline, [{ prompt_uuid: 'sent-before', thread_uuid: null, turn_number: 1, line: 7 }]);
  });

  it('failingKeys picks the failed and errored entries of a run, not refused, excluded or passed', () => {
    const r = run('a', [item('f', 'failed'), item('e', 'errored'), item('r', 'refused'), item('x', 'excluded'), item('p', 'passed'), item('t', 'failed', { thread_uuid: 't', turn_number: 2 })]);
    assert.deepEqual([...failingKeys(r)], [responseKey({ prompt_uuid: 'f' }), responseKey({ prompt_uuid: 'e' }), responseKey({ prompt_uuid: 't', thread_uuid: 't', turn_number: 2 })]);
  });
});
