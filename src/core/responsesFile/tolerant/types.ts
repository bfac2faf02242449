/** What the tolerant reader reports: syntax issues, an outline of the root value, and the repairs it re-reads with. */
/** What is wrong at a syntax error. */
export type SyntaxKind =
  | 'unexpected-char'
  | 'bom'
  | 'bad-word'
  | 'single-quotes'
  | 'comment'
  | 'unterminated-comment'
  | 'unterminated-string'
  | 'invalid-escape'
  | 'invalid-unicode'
  | 'control-char'
  | 'invalid-number'
  | 'property-name-expected'
  | 'colon-expected'
  | 'value-expected'
  | 'comma-expected'
  | 'trailing-comma'
  | 'unclosed'
  | 'mismatched-close'
  | 'unexpected-close'
  | 'end-expected'
  | 'other';

export interface SyntaxIssue {
  kind: SyntaxKind;
  offset: number;
  length: number;
  /** Where in the document it happened (member names and element indices). */
  path: (string | number)[];
  /** The container it is in or about ('unclosed', 'mismatched-close': the one that is not closed), and where that opened. */
  container?: 'object' | 'array';
  openedAt?: number;
  /** The property name, for a missing colon or value. */
  key?: string;
}

/** A value the tolerant reader found: the root, its members or elements, and the elements of its "responses" member. */
export interface TolerantItem {
  key?: string;
  keyStart?: number;
  keyEnd?: number;
  start: number;
  end: number;
  kind: 'object' | 'array' | 'scalar';
  /** A syntax error lies inside it, or it is never closed. */
  broken: boolean;
  /** Members or elements (the root's, and those of an array that is the root object's "responses"). */
  items?: TolerantItem[];
}

export interface TolerantRead {
  /** The root value, or null when there is none (or reading stopped too deep). */
  root: TolerantItem | null;
  /** The first `maxIssues` syntax errors; cascades (errors that follow another with nothing read in between) are left out. */
  issues: SyntaxIssue[];
  /** All errors that are not cascades; `issues` holds the first of them. */
  reportable: number;
  /** Every error jsonc-parser reported, cascades included: 0 exactly when JSON.parse accepts the text. */
  errorCount: number;
  /** Offset of the bracket that opened more than `maxDepth` levels deep, where reading stopped; or -1. */
  tooDeepAt: number;
}

/**
 * A change to the text for the next reading: `remove` characters at `at` replaced by `insert`.
 * The mistakes repaired: a bare or single-quoted key followed by ":" (quoted), a missing ":"
 * before a value (added), a closer of the wrong kind (the closers missing before it are added;
 * replaced when it ends the text), a closer with nothing to close and a stray token where a member
 * name or value belongs (blanked).
 */
export interface Repair {
  at: number;
  remove: number;
  insert: string;
  /** The error it repairs, as reported by the reading that found it. */
  issue?: SyntaxIssue;
}

/** A container being read (Reader). */
export interface Frame {
  kind: 'object' | 'array';
  start: number;
  /** This container's place in its parent (member name or index); undefined for the root. */
  seg: string | number | undefined;
  /** Objects: the name of the member being read, until its value ends. */
  key: string | undefined;
  keyStart: number;
  keyEnd: number;
  /** Objects: the member being read has a value. */
  hasValue: boolean;
  /** Arrays: index of the last element begun. */
  index: number;
  errorsAtStart: number;
  /** The item recorded for this container, if it is one. */
  item: TolerantItem | undefined;
  /** Whether its members or elements are recorded as items. */
  records: boolean;
}

/** A path, or what Reader.path needs to work it out (see there). */
export type PathHint = (string | number)[] | number | undefined;
