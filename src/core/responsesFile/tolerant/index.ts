/** The tolerant reader: read, repair the mistakes that make jsonc-parser lose its place, read again. */
import { readPass } from './reader';
import type { Repair, TolerantItem, TolerantRead } from './types';

export type { SyntaxIssue, SyntaxKind, TolerantItem, TolerantRead } from './types';

/**
 * Read possibly invalid JSON with jsonc-parser's error-tolerant parser: the syntax errors, in
 * words a person can act on (SyntaxKind), each at its exact place, and an outline of the root
 * value whose items are marked broken when an error lies inside.
 *
 * After some errors jsonc-parser skips to the next "," or closer whatever the nesting, and when
 * that takes it into or out of a nested value (a key without quotes or colon just before
 * "responses": [ …, a stray token or a wrong closer between members) it reads the rest at the
 * wrong level and every later response is lost. When the mistake is one that can be repaired
 * (see Repair), it is, and the text is read again (a few times at most); offsets are mapped back
 * to the text, and the repaired mistakes are still reported, from the reading that found them.
 *
 * jsonc-parser's parser recurses once per nesting level (and its recovery can nest deeper than
 * the brackets suggest, so no count of brackets beforehand can bound it): reading stops with
 * `tooDeepAt` at the first container that opens more than `maxDepth` levels deep, so the stack
 * never holds more than that, whatever the text.
 */
export function readTolerant(text: string, maxIssues: number, maxDepth: number): TolerantRead {
  const found: Repair[] = [];
  let read = readPass(text, text, (x) => x, maxIssues, maxDepth, found);
  const repairs: Repair[] = [];
  for (let reads = 1; found.length && read.tooDeepAt < 0 && reads < MAX_READS; reads++) {
    // (one mistake per reading: after it the reading cannot be trusted; a repaired place is never met again)
    repairs.push(...found.filter((r) => !repairs.some((x) => x.at === r.at)));
    repairs.sort((x, y) => x.at - y.at);
    const { src, toText } = applyRepairs(text, repairs);
    found.length = 0;
    read = readPass(text, src, toText, maxIssues, maxDepth, found);
  }
  if (!repairs.length || read.tooDeepAt >= 0) return read;
  const own = repairs.flatMap((r) => (r.issue ? [r.issue] : []));
  // An item with a repaired mistake inside (a closer added at its end included) is not valid JSON as written.
  const inside = (it: TolerantItem, r: Repair): boolean =>
    r.at + r.remove > it.start && (r.at < it.end || (r.at === it.end && r.remove === 0 && /^[}\]]/.test(r.insert)));
  const mark = (it: TolerantItem | null | undefined): void => {
    if (!it) return;
    if (repairs.some((r) => inside(it, r))) it.broken = true;
    for (const sub of it.items ?? []) mark(sub);
  };
  mark(read.root);
  return {
    root: read.root,
    issues: [...read.issues, ...own].sort((x, y) => x.offset - y.offset).slice(0, maxIssues),
    reportable: read.reportable + own.length,
    errorCount: read.errorCount + own.length,
    tooDeepAt: -1,
  };
}

/** Readings of one text at most: the first, and the re-readings with repairs. */
const MAX_READS = 5;

/** The text with `repairs` (sorted, apart) made, and a map from its offsets back to the text's. */
function applyRepairs(text: string, repairs: readonly Repair[]): { src: string; toText: (x: number) => number } {
  let src = '';
  let last = 0;
  let shift = 0;
  const srcAt: number[] = [];
  const shiftAfter: number[] = [];
  for (const r of repairs) {
    src += text.slice(last, r.at) + r.insert;
    srcAt.push(r.at + shift);
    shift += r.insert.length - r.remove;
    shiftAfter.push(shift);
    last = r.at + r.remove;
  }
  src += text.slice(last);
  /** Inside an insertion: where it was inserted. */
  const toText = (x: number): number => {
    let lo = 0;
    let hi = srcAt.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((srcAt[mid] as number) <= x) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (k < 0) return x;
    const r = repairs[k] as Repair;
    if (x < (srcAt[k] as number) + r.insert.length) return r.at;
    return x - (shiftAfter[k] as number);
  };
  return { src, toText };
}
