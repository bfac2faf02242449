import * as assert from 'node:assert/strict';
import { countVerdicts, type ResultItem, type RunResult } from '../../src/core/results';
import { categoryRates, groupByCategory } from '../../src/core/report/categories';
import { sortCards, type CardSort } from '../../src/core/report/cardOrder';
import { trendPoints, type TrendRun } from '../../src/core/report/trend';
import { buildWebviewModel, type PromptText } from '../../src/core/report/webviewModel';
import { item } from './resultItems';

function summary(id: string, counts: Partial<TrendRun['counts']>, when: string, name: string | null = null): TrendRun {
  return { eval_run_uuid: id, run_name: name, completed_at: when, counts: { failed: 0, errored: 0, refused: 0, excluded: 0, passed: 0, ...counts } };
}

describe('trend points', () => {
  it('lists runs oldest first with failing = failed + errored, passing = passed + refused, excluded left out', () => {
    const points = trendPoints([
      summary('run-3', { passed: 8, refused: 1, failed: 1, errored: 0, excluded: 5 }, '2026-01-03T10:00:00Z', 'third'),
      summary('run-2', { passed: 6, failed: 2, errored: 2 }, '2026-01-02T10:00:00Z'),
      summary('run-1', { excluded: 4 }, '2026-01-01T10:00:00Z'),
    ]);
    assert.deepEqual(
      points.map((p) => [p.runUuid, p.passing, p.failing, p.percent, p.rate, p.runName]),
      [
        ['run-1', 0, 0, null, '–', undefined],
        ['run-2', 6, 4, 60, '60%', undefined],
        ['run-3', 9, 1, 90, '90%', 'third'],
      ],
    );
    assert.equal(points[0]!.when, '2026-01-01 10:00 UTC');
  });

  it('keeps the newest runs when there are more than the limit, and counts a repeated run once', () => {
    const runs = Array.from({ length: 7 }, (_, i) => summary(`run-${7 - i}`, { passed: 7 - i, failed: 1 }, `2026-01-0${7 - i}T00:00:00Z`));
    runs.splice(1, 0, runs[0]!);
    const points = trendPoints(runs, 3);
    assert.deepEqual(points.map((p) => p.runUuid), ['run-5', 'run-6', 'run-7']);
    assert.equal(points[2]!.percent, 87.5);
  });
});

describe('category rates', () => {
  const cats: Record<string, string | null> = { a1: 'privacy', a2: 'privacy', b1: 'account', c1: null, c2: '  ' };
  const items: ResultItem[] = [
    item('a1', 'failed'),
    item('a2', 'passed'),
    item('b1', 'refused'),
    item('c1', 'errored'),
    item('c2', 'excluded'),
    item('zz', 'passed'),
  ];

  it('gives each category its pass rate, by name, blank / missing categories as "Uncategorized" last', () => {
    const rates = categoryRates(items, (i) => cats[i.prompt_uuid], 'Uncategorized');
    assert.deepEqual(
      rates.map((r) => [r.label, r.category, r.passing, r.failing, r.excluded, r.percent, r.rate]),
      [
        ['account', 'account', 1, 0, 0, 100, '100%'],
        ['privacy', 'privacy', 1, 1, 0, 50, '50%'],
        ['Uncategorized', undefined, 1, 1, 1, 50, '50%'],
      ],
    );
  });

  it('groups items by category keeping their order within a group', () => {
    const groups = groupByCategory(items, (i) => cats[i.prompt_uuid]);
    assert.deepEqual(groups.map((g) => [g.category, g.items.map((i) => i.prompt_uuid)]), [
      ['account', ['b1']],
      ['privacy', ['a1', 'a2']],
      [undefined, ['c1', 'c2', 'zz']],
    ]);
  });
});

describe('card order', () => {
  const cards = [
    { key: 'f1', line: 30, confidence: '80%', category: 'privacy' },
    { key: 'f2', line: undefined, confidence: '95%', category: undefined },
    { key: 'p1', line: 10, confidence: undefined, category: 'account' },
    { key: 'p2', line: 20, confidence: '60%', category: 'privacy' },
  ];
  const order = (by: CardSort) => sortCards(cards, by).map((c) => c.key);

  it('sorts by file line (not in the file last), confidence (lowest first, none last) and category (Uncategorized last), stably', () => {
    assert.deepEqual(order('verdict'), ['f1', 'f2', 'p1', 'p2']);
    assert.deepEqual(order('file'), ['p1', 'p2', 'f1', 'f2']);
    assert.deepEqual(order('confidence'), ['p2', 'f1', 'f2', 'p1']);
    assert.deepEqual(order('category'), ['p1', 'f1', 'p2', 'f2']);
    assert.deepEqual(cards.map((c) => c.key), ['f1', 'f2', 'p1', 'p2'], 'the model is not reordered');
  });
});

describe('webview model: trend and categories', () => {
  const prompts: Record<string, PromptText> = { a1: { content: 'A', category: 'privacy' }, b1: { content: 'B', category: 'account' }, c1: { content: 'C', category: null } };
  const items = [item('a1', 'failed'), item('b1', 'passed'), item('c1', 'passed')];
  const run: RunResult = {
    eval_uuid: 'e', eval_run_uuid: 'run-2', run_name: null, status: 'finished', pass_rate: null, eval_name: 'E', eval_type: null,
    created_at: '2026-01-02T00:00:00Z', completed_at: '2026-01-02T00:00:00Z', is_sandbox: false, counts: countVerdicts(items), items, notes: [],
  };
  const base = { run, fileUri: 'file:///x.json', fileName: 'x.json', stale: false, prompt: (p: string) => prompts[p] };

  it('carries the trend of the file\'s runs and the rate per category of this run, only when there is one', () => {
    const m = buildWebviewModel({ ...base, runs: [run, summary('run-1', { passed: 1, failed: 2 }, '2026-01-01T00:00:00Z')] });
    assert.deepEqual(m.trend?.map((p) => [p.runUuid, p.rate]), [['run-1', '33.3%'], ['run-2', '66.7%']]);
    assert.deepEqual(m.categories?.map((c) => [c.label, c.rate]), [['account', '100%'], ['privacy', '0%'], ['Uncategorized', '100%']]);
    // A single run has no trend; an eval whose prompts have no category has no category chart.
    const bare = buildWebviewModel({ ...base, prompt: () => undefined, runs: [run] });
    assert.equal(bare.trend, undefined);
    assert.equal(bare.categories, undefined);
  });
});
