import * as assert from 'node:assert/strict';
import { overlayRun } from '../../src/core/overlayRun';
import { countVerdicts, type ResultItem, type RunResult } from '../../src/core/results';
import { item } from './resultItems';


function run(id: string, items: ResultItem[]): RunResult {
  return {
    eval_uuid: 'test.e', eval_run_uuid: id, run_name: id, status: 'finished', pass_rate: null, eval_name: null, eval_type: null,
    created_at: '2026-12-06T10:00:00Z', completed_at: '2026-12-06T10:01:00Z', is_sandbox: false, counts: countVerdicts(items), items, notes: [],
  };
}

describe('overlayRun (a run of some entries over the file\'s latest results)', () => {
  const base = run('score_run.base', [item('p1', 'passed'), item('p2', 'failed'), item('p3', 'errored'), item('p4', 'excluded')]);

  it('shows each entry\'s latest verdict, says which earlier run the others come from, and recounts the merged view', () => {
    const merged = overlayRun(base, run('score_run.rerun', [item('p2', 'passed'), item('p3', 'failed')]));
    assert.equal(merged.eval_run_uuid, 'score_run.rerun');
    assert.deepEqual(merged.items.map((i) => [i.prompt_uuid, i.verdict, i.from_run ?? null]), [
      ['p1', 'passed', 'score_run.base'],
      ['p2', 'passed', null],
      ['p3', 'failed', null],
      ['p4', 'excluded', 'score_run.base'],
    ]);
    assert.deepEqual(merged.counts, { passed: 2, failed: 1, errored: 0, refused: 0, excluded: 1 });
    assert.equal(merged.pass_rate, 2 / 3, 'passing over judged (excluded is not judged)');
    assert.deepEqual(merged.merged, { base_run_uuid: 'score_run.base', rescored: 2 });
    assert.match(merged.notes.at(-1) ?? '', /2 response\(s\) rescored in this run; 2 keep their verdict from an earlier run/);
  });

  it('keeps the oldest origin through a second rerun and adds entries only the new run has', () => {
    const first = overlayRun(base, run('score_run.r1', [item('p2', 'failed')]));
    const second = overlayRun(first, run('score_run.r2', [item('p2', 'passed'), item('p9', 'failed')]));
    assert.equal(second.items.find((i) => i.prompt_uuid === 'p1')?.from_run, 'score_run.base', 'still from the first run, not from r1');
    assert.equal(second.items.find((i) => i.prompt_uuid === 'p9')?.verdict, 'failed');
    assert.equal(second.items.length, 5);
    assert.deepEqual(second.merged, { base_run_uuid: 'score_run.base', rescored: 2 });
  });

  it('matches multi-turn entries by prompt, thread and turn', () => {
    const mt = run('score_run.mt', [item('p', 'failed', { thread_uuid: 't', turn_number: 1 }), item('p', 'failed', { thread_uuid: 't', turn_number: 2 })]);
    const merged = overlayRun(mt, run('score_run.x', [item('p', 'passed', { thread_uuid: 't', turn_number: 2 })]));
    assert.deepEqual(merged.items.map((i) => i.verdict), ['failed', 'passed']);
  });
});
