/** JSON Lines: one response per non-blank line, each read on its own. */
import { ElementList, Tracker } from '../jsonScan';
import type { Analysis } from './analysis';
import { tooDeep } from './issues';
import { MAX_NESTING_DEPTH, MAX_SYNTAX_ERRORS } from './model';
import { ERROR } from './report';
import { readTolerant } from './tolerant';
import { firstNul, reportSyntax } from './tolerant/syntaxProblems';
import { checkResponses } from './validate';
import { BROKEN, tryParse, type Value } from './values';

export function checkJsonLines(an: Analysis, forceTolerant: boolean): void {
  const text = an.text;
  const starts = an.report.lines.lineStarts;
  const elements = new ElementList();
  const values: Value[] = [];
  const tr = new Tracker(text, MAX_NESTING_DEPTH);
  let checkedBinary = false;
  for (let li = 0; li < starts.length; li++) {
    const ls = starts[li] as number;
    let le = li + 1 < starts.length ? (starts[li + 1] as number) : text.length;
    while (le > ls && (text.charCodeAt(le - 1) === 10 || text.charCodeAt(le - 1) === 13)) le--;
    let s = ls;
    while (s < le && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
    let e = le;
    while (e > s && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
    if (s >= e) continue;
    const index = elements.count;
    let v: Value = BROKEN;
    if (!forceTolerant) v = tryParse(text, s, e);
    else {
      // The tolerant reader decides; a line too deep for it is left to JSON.parse (the checks report the depth).
      const read = readTolerant(text.slice(s, e), 1, MAX_NESTING_DEPTH);
      if (read.errorCount === 0 || read.tooDeepAt >= 0) v = tryParse(text, s, e);
    }
    if (v === BROKEN) {
      if (!checkedBinary) {
        checkedBinary = true;
        if (firstNul(an)) return;
      }
      if (index === 0 && tryParse(text, 0, text.length) !== BROKEN) {
        an.report.add(
          ERROR,
          'not-json-lines',
          'This JSON Lines file holds one JSON document spread over several lines, but JSON Lines needs one response object per line. Rename the file to .json, or put each response on a line of its own.',
          s,
          e - s,
          '',
        );
        return;
      }
      const lineText = text.slice(s, e);
      const read = readTolerant(lineText, MAX_SYNTAX_ERRORS, MAX_NESTING_DEPTH);
      if (read.tooDeepAt >= 0) tooDeep(an, s + read.tooDeepAt, `/${li}`, index);
      else reportSyntax(an, lineText, read, s, `/${li}`, () => index);
      elements.push(s, e, li, ls, 0, -1);
      values.push(BROKEN);
      continue;
    }
    tr.value(s, 0);
    elements.push(s, e, li, ls, tr.colons, tr.deepAt);
    values.push(v);
  }
  checkResponses(an, elements, values, '/', true);
}
