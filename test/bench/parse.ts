/**
 * Read, locate and validate a responses file (parseResponsesFile) against JSON.parse of the same
 * text: 10,000 entries (target ≤ 1.4 ×) and 100,000 entries (reported). Beside them, the floor of
 * any reader that places the entries (`<id>.floor`): JSON.parse of the text plus one scan of it
 * that finds where each value starts and ends and counts the lines (jsonScan.Tracker, as the
 * fast path scans), with nothing checked and nothing kept.
 */
import { Tracker } from '../../src/core/jsonScan';
import { MAX_NESTING_DEPTH, parseResponsesFile } from '../../src/core/responsesFile';
import { interleave, median, ratioRow, row, type Row } from './lib/measure';

export interface ParseInput {
  /** Row id, e.g. parse.10k. */
  id: string;
  label: string;
  text: string;
  entries: number;
  warmup: number;
  reps: number;
  /** Target ratio, or undefined to report only. */
  maxRatio?: number;
}

export function benchParse(inputs: readonly ParseInput[], details: Record<string, unknown>): Row[] {
  const rows: Row[] = [];
  for (const input of inputs) {
    // Sanity: the file is what we think it is.
    const f = parseResponsesFile(input.text);
    if (f.hasErrors || f.entries.length !== input.entries) {
      throw new Error(`generated ${input.label} file: ${f.entries.length} entries, ${f.problems.length} problems (first: ${f.problems[0]?.message ?? '-'})`);
    }
    const times = interleave(
      [
        { name: 'JSON.parse', fn: () => JSON.parse(input.text) },
        { name: 'parseResponsesFile', fn: () => parseResponsesFile(input.text) },
        { name: 'floor', fn: () => [JSON.parse(input.text), scanOnce(input.text)] },
      ],
      { warmup: input.warmup, reps: input.reps },
    );
    const base = median(times['JSON.parse']!);
    const value = median(times.parseResponsesFile!);
    details[`parse ${input.label}`] = { bytes: Buffer.byteLength(input.text), chars: input.text.length, ...times };
    const name = `read, locate and validate ${input.label} (${(Buffer.byteLength(input.text) / 1e6).toFixed(1)} MB) vs JSON.parse`;
    rows.push(input.maxRatio !== undefined ? ratioRow(input.id, name, value, base, 'ms', { max: input.maxRatio }) : row(input.id, name, value, 'ms', { baseline: base }));
    rows.push(row(`${input.id}.floor`, '  floor: JSON.parse plus one scan placing every value (nothing checked or kept) vs JSON.parse', median(times.floor!), 'ms', { baseline: base }));
  }
  return rows;
}

/** One pass over the text that finds its root value's extent, every line start and nesting, as the fast path's scan does: its end. */
function scanOnce(text: string): number {
  const tr = new Tracker(text, MAX_NESTING_DEPTH, [0]);
  return tr.ws(tr.value(tr.ws(0), 0));
}
