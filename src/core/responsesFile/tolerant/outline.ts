/** The outline the checks need, made from the tolerant reader's reading of text JSON.parse rejects. */
import { ElementList, Tracker } from '../../jsonScan';
import type { LineIndex } from '../../textIndex';
import type { Analysis, Outline, Piece } from '../analysis';
import { tooDeep } from '../issues';
import { MAX_NESTING_DEPTH, MAX_SYNTAX_ERRORS } from '../model';
import { ERROR } from '../report';
import { BROKEN, pointerOf, tryParse, type Value } from '../values';
import { readTolerant, type TolerantItem } from './index';
import { reportSyntax } from './syntaxProblems';

/** Add an item's position and facts to `out`; a valid one (`scan`) is scanned for its member count and depth. Returns its deepAt. */
function addElement(out: ElementList, text: string, lines: LineIndex, start: number, end: number, depth: number, scan: boolean): number {
  const pos = lines.positionAt(start);
  let colons = 0;
  let deepAt = -1;
  if (scan) {
    const tr = new Tracker(text, MAX_NESTING_DEPTH);
    tr.value(start, depth);
    colons = tr.colons;
    deepAt = tr.deepAt;
  }
  out.push(start, end, pos.line - 1, start - (pos.column - 1), colons, deepAt);
  return deepAt;
}

/**
 * Values of the items that were read without error. One jsonc-parser found no error in but
 * JSON.parse rejects would be a disagreement between the two; it is reported rather than trusted.
 */
function itemValue(an: Analysis, item: TolerantItem, pointer: string): Value {
  if (item.broken) return BROKEN;
  const v = tryParse(an.text, item.start, item.end);
  if (v === BROKEN) an.report.add(ERROR, 'syntax', 'This value is not valid JSON.', item.start, item.end - item.start, pointer);
  return v;
}

export function tolerantOutline(an: Analysis): Outline | null {
  const text = an.text;
  const lines = an.report.lines;
  const read = readTolerant(text, MAX_SYNTAX_ERRORS, MAX_NESTING_DEPTH);
  if (read.tooDeepAt >= 0) {
    tooDeep(an, read.tooDeepAt, '');
    return null;
  }
  const root = read.root;
  const entryIndexOf = (path: readonly (string | number)[]) => {
    const i = root?.kind === 'array' ? path[0] : path[0] === 'responses' ? path[1] : undefined;
    return typeof i === 'number' ? i : undefined;
  };
  reportSyntax(an, text, read, 0, '', entryIndexOf);
  if (!root) return null;
  const o: Outline = {
    kind: root.kind === 'scalar' ? 'other' : root.kind,
    start: root.start,
    end: root.end,
    value: BROKEN,
    deepAt: -1,
    members: [],
    elements: new ElementList(),
    values: [],
  };
  const readElements = (items: readonly TolerantItem[], depth: number, prefix: string): { elements: ElementList; values: Value[] } => {
    const elements = new ElementList();
    const values: Value[] = [];
    items.forEach((it, i) => {
      const v = itemValue(an, it, prefix + i);
      values.push(v);
      addElement(elements, text, lines, it.start, it.end, depth, v !== BROKEN);
    });
    return { elements, values };
  };
  if (root.kind === 'array') {
    o.value = root.broken ? BROKEN : [];
    Object.assign(o, readElements(root.items ?? [], 1, '/'));
  } else if (root.kind === 'object') {
    o.value = root.broken ? BROKEN : {};
    for (const it of root.items ?? []) {
      if (it.key === undefined || it.keyStart === undefined || it.keyEnd === undefined) continue;
      const pointer = pointerOf('', [it.key]);
      const responses = it.kind === 'array' && it.key === 'responses';
      const value = responses ? (it.broken ? BROKEN : []) : itemValue(an, it, pointer);
      const piece: Piece = {
        key: it.key,
        keyStart: it.keyStart,
        keyEnd: it.keyEnd,
        valueStart: it.start,
        valueEnd: it.end,
        value,
        deepAt: addElement(new ElementList(), text, lines, it.start, it.end, 1, value !== BROKEN && !responses),
      };
      if (responses) {
        const r = readElements(it.items ?? [], 2, `${pointer}/`);
        piece.elements = r.elements;
        piece.values = r.values;
      }
      o.members.push(piece);
    }
  } else {
    o.value = itemValue(an, root, '');
    if (o.value !== BROKEN) o.deepAt = addElement(new ElementList(), text, lines, root.start, root.end, 0, true);
  }
  return o;
}
