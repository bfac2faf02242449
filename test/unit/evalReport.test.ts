import * as assert from 'node:assert/strict';
import { categoryLabel, parseCategorySections, writeReportMarkdown } from '../../src/core/report/evalReport';
import type { EvalSuiteReport } from '../../src/core/reviewSchemas';

const T = '2026-12-01T10:00:00Z';
const runReport = (uuid: string, passing: string, extra: Record<string, unknown> = {}) => ({
  eval_run_report_uuid: `rr.${uuid}`,
  eval_run_uuid: uuid,
  passing_responses_summary: passing,
  failing_responses_summary: 'Two failed.',
  improvement_advice: 'Say less.',
  eval_run: { created_at: T, updated_at: T, eval_run_uuid: uuid, eval_uuid: 'test.e1', status: 'finished' as const, pass_rate: 0.5, name: 'nightly', ...extra },
});
const report = (runs: ReturnType<typeof runReport>[], overall: Partial<EvalSuiteReport> = {}): EvalSuiteReport => ({
  created_at: T,
  updated_at: T,
  eval_suite_report_uuid: 'report.1',
  status: 'finished',
  eval_run_reports: runs,
  ...overall,
});

describe('eval report (Markdown)', () => {
  it('parses <category> sections and keeps the text around them', () => {
    const p = parseCategorySections('Head line.\n\n<unanswerable>\nOne passed.\n</unanswerable>\n\n<math_word>Two.</math_word> tail');
    assert.equal(p.intro, 'Head line.\n\ntail');
    assert.deepEqual(p.sections, [
      { category: 'unanswerable', text: 'One passed.' },
      { category: 'math_word', text: 'Two.' },
    ]);
    assert.deepEqual(parseCategorySections('<a>x</b> plain'), { intro: '<a>x</b> plain', sections: [] }, 'mismatched tags are not a section');
    assert.deepEqual(parseCategorySections(null), { intro: '', sections: [] });
    assert.equal(categoryLabel('harmful__content_'), 'harmful content');
  });

  it('writes the overall section and, per run, passing, failing and advice; categories as a table', () => {
    const md = writeReportMarkdown(
      report([runReport('run.a', 'Local: 3 of 4 passed; by prompt category:\n\n<unanswerable>\nAll fine.\n</unanswerable>\n\n<math_word>\nOne wrong.\n</math_word>'), runReport('run.b', 'Plain summary.')], {
        overall_passing_responses_summary: 'Most passed.',
        overall_improvement_advice: 'Train more.',
      }),
    );
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    assert.deepEqual(headings, [
      '# Aymara eval report',
      '## Overall',
      '### Passing summary',
      '### Failing summary',
      '### Improvement advice',
      '## Run nightly (run\\.a)',
      '### Passing summary',
      '### Failing summary',
      '### Improvement advice',
      '## Run nightly (run\\.b)',
      '### Passing summary',
      '### Failing summary',
      '### Improvement advice',
    ]);
    assert.match(md, /\| Category \| Passing summary \|\n\| --- \| --- \|\n\| unanswerable \| All fine\\. \|\n\| math word \| One wrong\\. \|/);
    assert.match(md, /\n\nLocal\\: 3 of 4 passed\\; by prompt category\\:\n\n\| Category/);
    assert.match(md, /- Pass rate: 50\\%/);
    assert.match(md, /Most passed\\\./);
    assert.match(md, /_None given\._/, 'the overall failing summary was not given');
  });

  it('leaves out the overall section when the report has none', () => {
    assert.doesNotMatch(writeReportMarkdown(report([runReport('run.a', 'x')])), /## Overall/);
  });

  it('makes server text literal: no HTML, links, headings or table breaks, one line per paragraph', () => {
    const hostile = '# Big\n<img src=x onerror=alert(1)> [click](https://evil.example) | cell \u001b[31mred\u202e';
    const md = writeReportMarkdown(report([runReport('run.a', `<cat>${hostile}</cat>`, { name: '**bold** [x](y)' })]));
    assert.doesNotMatch(md, /(^|[^\\])<img/, 'the tag is escaped');
    assert.ok(!md.includes('](https'), md);
    assert.ok(!md.includes('\u001b') && !md.includes('\u202e'), 'controls and bidi overrides removed');
    assert.match(md, /\| cat \| \\# Big \\<img src\\=x onerror\\=alert\\\(1\\\)\\> \\\[click\\\]\\\(https\\:\\\/\\\/evil\\\.example\\\) \\\| cell \\\[31mred \|/);
    assert.match(md, /## Run \\\*\\\*bold\\\*\\\* \\\[x\\\]\\\(y\\\)/);
  });
});
