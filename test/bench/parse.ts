/**
 * Read, locate and validate a responses file (parseResponsesFile) against JSON.parse of the same
 * text: 10,000 entries (target ≤ 1.4 ×) and 100,000 entries (reported).
 */
import { parseResponsesFile } from '../../src/core/responsesFile';
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
      ],
      { warmup: input.warmup, reps: input.reps },
    );
    const base = median(times['JSON.parse']!);
    const value = median(times.parseResponsesFile!);
    details[`parse ${input.label}`] = { bytes: Buffer.byteLength(input.text), chars: input.text.length, ...times };
    const name = `read, locate and validate ${input.label} (${(Buffer.byteLength(input.text) / 1e6).toFixed(1)} MB) vs JSON.parse`;
    rows.push(input.maxRatio !== undefined ? ratioRow(input.id, name, value, base, 'ms', { max: input.maxRatio }) : row(input.id, name, value, 'ms', { baseline: base }));
  }
  return rows;
}
