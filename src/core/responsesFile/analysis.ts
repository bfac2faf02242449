/**
 * The state of one reading of a file (Analysis), and the outline of its top-level value that the
 * checks work from, whichever parser made it (fast path or tolerant reader).
 */
import type { Node as JsonNode } from 'jsonc-parser';
import type { ElementList, MemberSpan } from '../jsonScan';
import type { LineIndex } from '../textIndex';
import { IntSet } from './intSet';
import type { Entry, FileForm, ScoreOptions } from './model';
import { Report } from './report';
import type { Value } from './values';

/** A JSON value in the text: where it is and what JSON.parse made of it (BROKEN when it does not parse). */
export interface Piece extends MemberSpan {
  value: Value;
  deepAt: number;
  /** Elements, when the value is an array (responses). */
  elements?: ElementList;
  values?: Value[];
  /** The elements were already checked, as they were read (fast path). */
  checked?: boolean;
}

/** Everything the checks need from either parser. */
export interface Outline {
  kind: 'object' | 'array' | 'other';
  start: number;
  end: number;
  value: Value;
  deepAt: number;
  members: Piece[];
  elements: ElementList;
  values: Value[];
  /** The root array's elements were already checked (fast path). */
  checked?: boolean;
}

/** One reading of a file: its text, the problems found so far and what was learned. */
export interface Analysis {
  text: string;
  report: Report;
  form: FileForm;
  evalUuid: string | null;
  options: ScoreOptions;
  entries: Entry[];
  responseCount: number;
  /** promptHash of every entry so far, for duplicates. */
  prompts: IntSet;
  /** Entries per prompt_uuid, built on the first repeated prompt. */
  byPrompt?: Map<string, Entry[]>;
  /** Offsets already reported as too deep. */
  tooDeepAt: Set<number>;
  /** The syntax tree last built by treeOf: the problems of one value are reported together. */
  tree: { start: number; end: number; root: JsonNode | undefined } | undefined;
}

/** A fresh reading of `text`, expected to be of `form`. */
export function newAnalysis(text: string, lines: LineIndex, form: FileForm): Analysis {
  return {
    text,
    report: new Report(text, lines),
    form,
    evalUuid: null,
    options: {},
    entries: [],
    responseCount: 0,
    prompts: new IntSet(text.length / 400),
    byPrompt: undefined,
    tooDeepAt: new Set(),
    tree: undefined,
  };
}
