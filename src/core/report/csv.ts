import { stringify } from 'csv-stringify/sync';
import { oneLine } from '../present/text';
import { sortedItems, type RunResult } from '../results';

/** The CSV header, in column order; a public contract like the JSON report's field names. */
export const CSV_COLUMNS = [
  'file',
  'eval_uuid',
  'eval_run_uuid',
  'prompt_uuid',
  'thread_uuid',
  'turn_number',
  'verdict',
  'confidence',
  'line',
  'column',
  'pointer',
  'explanation',
] as const;

/**
 * One text cell: file and server text made one inert line (no control characters, bidi overrides
 * or line breaks; see `oneLine`), and a cell a spreadsheet would read as a formula (starting with
 * = + - @, tab or carriage return) prefixed with an apostrophe, so opening the file runs nothing.
 */
export function csvCell(value: string | null): string {
  const text = oneLine(value ?? '');
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * RFC 4180 CSV (CRLF line ends, a header row): one row per response, failures first, with the
 * run's ids on every row so rows of several exports can be pasted together. Numbers stay numbers;
 * every text cell passes through `csvCell`.
 */
export function writeCsv(r: RunResult, fileLabel: string): string {
  const rows = sortedItems(r.items).map((i) => [
    csvCell(fileLabel),
    csvCell(r.eval_uuid),
    csvCell(r.eval_run_uuid),
    csvCell(i.prompt_uuid),
    csvCell(i.thread_uuid),
    i.turn_number,
    i.verdict,
    i.confidence ?? '',
    i.location?.line ?? '',
    i.location?.column ?? '',
    csvCell(i.location?.pointer ?? null),
    csvCell(i.explanation),
  ]);
  // csv-stringify's own formula escaping as a second guard; csvCell already defused every text cell.
  return stringify([[...CSV_COLUMNS], ...rows], { record_delimiter: 'windows', escape_formulas: true });
}
