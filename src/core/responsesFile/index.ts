/**
 * The responses file model: text → entries with exact locations + validation problems.
 *
 * Three forms are read:
 *   - 'body'  : the score-responses request body, `{"eval_uuid": …, "responses": [ … ], …}`
 *   - 'array' : a bare array of responses (the eval is chosen elsewhere)
 *   - 'jsonl' : JSON Lines, one response object per non-blank line (`.jsonl` / `.ndjson`)
 *
 * Offsets, lines and columns
 *   Offsets are 0-based and lines/columns 1-based, all in UTF-16 code units, and lines end at
 *   "\r\n", "\n" or a lone "\r": the same numbers VS Code's TextDocument uses.
 *   A leading byte order mark (U+FEFF) is tolerated and treated as a zero-width prefix: every
 *   offset is relative to the text *after* it, which is exactly the text VS Code shows (it strips
 *   the BOM from the document). So `parseResponsesFile(bytes decoded with the BOM)` and
 *   `parseResponsesFile(document.getText())` report identical positions. `hadBom` says whether
 *   one was removed. A U+FEFF anywhere else is a syntax error (code 'bom').
 *
 * Speed
 *   Valid JSON takes the fast path (fastPath.ts): one forward scan (jsonScan.Tracker) finds each
 *   response's extent and line while checking the characters between them; JSON.parse reads each
 *   response and it is checked at once, while still in cache. The check is EvalResponse compiled
 *   to plain code (../fastCheck.ts: zod's exact result without zod's allocations) with zod itself
 *   deciding and wording anything that is not plainly valid. Ranges of single properties are only
 *   located for responses with a problem, from jsonc-parser's syntax tree of that response alone
 *   (locate.ts).
 *   Text JSON.parse rejects takes the tolerant path (tolerant/): jsonc-parser's error-tolerant
 *   parser, whose error codes are turned into sentences with exact positions; every syntax error
 *   is reported once (cascades left out) and each response that parses on its own is still
 *   checked. jsonc-parser recurses, so reading stops at the first bracket nested more than
 *   MAX_NESTING_DEPTH deep, which is reported as 'too-deep' (and nothing else).
 *   Measured: test/unit/responsesFile.perf.ts, and `npm run bench parse`.
 *
 * Where things are
 *   index.ts (this file) reads a file and is the public API; model.ts the types, limits and problem
 *   codes; request.ts the request a file becomes. Reading: analysis.ts (the state of one reading
 *   and the outline the checks work from), fastPath.ts, tolerant/ (index.ts reads and re-reads
 *   with repairs, reader.ts is one reading, parseErrors.ts what each jsonc-parser error means,
 *   syntaxProblems.ts those in words, outline.ts the outline), jsonl.ts. Checking: topLevel.ts
 *   (body or array), validate.ts (one response, through ../fastCheck.ts), issues.ts (problems
 *   inside a value), duplicates.ts, locate.ts. Shared: report.ts (problems as they are found),
 *   values.ts, wording.ts, intSet.ts.
 */
// The schemas (and zod) are evaluated before this module's own classes and those of jsonScan, as
// they were when the reader was one file: in the other order, reading a valid file alone in a
// process measured about 20% slower (test/unit/responsesFile.perf.ts; V8's reasons not pinned down).
import '../schemas';
import { parseTree } from 'jsonc-parser';
import { LineIndex, utf8ByteLength } from '../textIndex';
import { newAnalysis } from './analysis';
import { fastOutline } from './fastPath';
import { IntSet } from './intSet';
import { checkJsonLines } from './jsonl';
import { JSON_OPTIONS } from './locate';
import { MAX_FILE_BYTES, MAX_NESTING_DEPTH, type ParseOptions, type ResponsesFile } from './model';
import { ERROR, Report } from './report';
import { readTolerant } from './tolerant';
import { tolerantOutline } from './tolerant/outline';
import { firstNul } from './tolerant/syntaxProblems';
import { checkOutline } from './topLevel';

export * from './model';
export { ResponsesFileError, toScoreRequest } from './request';
export { describeValue } from './wording';

/**
 * One instance of each class the hot loop uses, kept for the life of the module: V8 holds the
 * hidden classes instances pass through only weakly, and when a GC frees them every optimized
 * function that checks for them is discarded (see jsonScan.KEEP_SHAPES_ALIVE).
 */
const _keepShapesAlive: readonly unknown[] = [
  new IntSet(),
  new Report('', new LineIndex('')),
  new LineIndex(''),
  newAnalysis('', new LineIndex(''), 'body'),
];
let tolerantShapes: readonly unknown[] | undefined;
/**
 * The same for every kind of node jsonc-parser's parseTree makes (treeOf) and the tolerant
 * reader's outline, made the first time a file may need them: a valid JSON file never does, and
 * making them took about 6 ms of every start of the command line.
 */
function keepTolerantShapesAlive(): void {
  tolerantShapes ??= [
    parseTree('{"k": [{"s": "x", "n": 1, "b": true, "z": null}, [], {}]}', undefined, JSON_OPTIONS),
    readTolerant('{"responses": [{"a": 1}, 2], "b": [], "c": }', 1, MAX_NESTING_DEPTH),
  ];
}

function isJsonLinesName(fileName: string | undefined): boolean {
  return !!fileName && /\.(jsonl|ndjson)$/i.test(fileName);
}

/**
 * Read a responses file: its form, eval id, request options, valid entries with exact
 * locations, and every problem found. Never throws on bad input.
 */
export function parseResponsesFile(input: string, opts: ParseOptions = {}): ResponsesFile {
  const hadBom = input.charCodeAt(0) === 0xfeff;
  const text = hadBom ? input.slice(1) : input;
  const lines = new LineIndex(text);
  const jsonl = opts.form === 'jsonl' || (opts.form === undefined && isJsonLinesName(opts.fileName));
  let an = newAnalysis(text, lines, jsonl ? 'jsonl' : (opts.form ?? 'body'));

  if (text.length > MAX_FILE_BYTES || (text.length > MAX_FILE_BYTES / 3 && utf8ByteLength(text) > MAX_FILE_BYTES)) {
    an.report.add(
      ERROR,
      'too-large',
      `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB, the most this extension reads. Split the responses into several files.`,
      0,
      0,
      '',
    );
  } else if (text.trim() === '') {
    an.report.add(
      ERROR,
      'empty',
      jsonl
        ? 'The file is empty. Put one response per line, e.g. {"prompt_uuid": "…", "content": "…"}.'
        : 'The file is empty. It should hold {"eval_uuid": "…", "responses": [ {"prompt_uuid": "…", "content": "…"} ]}.',
      0,
      0,
      '',
    );
  } else if (jsonl) {
    keepTolerantShapesAlive();
    checkJsonLines(an, !!opts.forceTolerant);
  } else {
    let outline = opts.forceTolerant ? null : fastOutline(an, opts.form);
    if (!outline) {
      keepTolerantShapesAlive();
      an = newAnalysis(text, lines, an.form);
      if (!firstNul(an)) outline = tolerantOutline(an);
    }
    if (outline) checkOutline(an, outline, opts.form);
  }
  if (an.report.problems.length) keepTolerantShapesAlive(); // its problems were placed with treeOf

  const report = an.report;
  const problems = report.finish();
  return {
    form: an.form,
    evalUuid: an.form === 'body' ? an.evalUuid : null,
    options: an.options,
    entries: an.entries,
    problems,
    hasErrors: report.hasErrors,
    responseCount: an.responseCount,
    hadBom,
    lines,
  };
}
