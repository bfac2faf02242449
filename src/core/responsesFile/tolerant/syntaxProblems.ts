/** Syntax issues as problems, in words a person can act on; and text that is binary, not JSON. */
import type { LineIndex } from '../../textIndex';
import type { Analysis } from '../analysis';
import { MAX_SYNTAX_ERRORS, type ProblemCode } from '../model';
import { ERROR } from '../report';
import { pointerOf } from '../values';
import { truncate } from '../wording';
import type { SyntaxIssue, TolerantRead } from './types';

function showChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp === 0xfeff || (cp >= 0x2000 && cp <= 0x200f) ? hex : `"${ch}" (${hex})`;
}

/** A syntax error in words. `text` is what was read; offsets are relative to it. */
function describeSyntaxIssue(text: string, e: SyntaxIssue, lines: LineIndex, shift: number): { code: ProblemCode; message: string } {
  const tokenText = truncate(text.slice(e.offset, e.offset + e.length), 40);
  const opened = e.openedAt !== undefined ? lines.positionAt(e.openedAt + shift) : undefined;
  const what = e.container === 'array' ? 'array' : 'object';
  const closer = e.container === 'array' ? ']' : '}';
  const forKey = e.key !== undefined ? ` for "${truncate(e.key, 40)}"` : '';
  switch (e.kind) {
    case 'unexpected-char':
      return {
        code: 'syntax',
        message:
          e.length === 1 || (e.length === 2 && (text.codePointAt(e.offset) ?? 0) > 0xffff)
            ? `Unexpected character ${showChar(String.fromCodePoint(text.codePointAt(e.offset) ?? 0))}; it has no place in JSON here.`
            : `Unexpected characters ${JSON.stringify(tokenText)}; they have no place in JSON here.`,
      };
    case 'bom':
      return { code: 'bom', message: 'Stray byte order mark (U+FEFF, invisible) here; delete it. Only one at the very start of a file is allowed.' };
    case 'bad-word':
      return {
        code: 'syntax',
        message: `Unexpected word ${tokenText}: property names and text values must be in double quotes ("${tokenText}"); the only bare words JSON allows are true, false and null.`,
      };
    case 'single-quotes':
      return { code: 'syntax', message: 'Strings and property names must be in double quotes ("), not single quotes.' };
    case 'comment':
      return { code: 'syntax', message: 'Comments are not allowed in JSON; remove this comment.' };
    case 'unterminated-comment':
      return { code: 'syntax', message: 'Unterminated comment (and comments are not allowed in JSON): remove it.' };
    case 'unterminated-string':
      return { code: 'syntax', message: 'Unterminated string: add the closing double quote. A line break inside a string must be written as \\n.' };
    case 'invalid-escape': {
      const next = text.charCodeAt(e.offset + 1);
      if (next === 10 || next === 13) {
        return { code: 'syntax', message: 'A backslash at the end of a line: a JSON string cannot continue on the next line. Write a line break inside a string as \\n.' };
      }
      return {
        code: 'syntax',
        message: `Invalid escape ${tokenText} in a string: JSON knows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX. Write a backslash itself as \\\\.`,
      };
    }
    case 'invalid-unicode':
      return { code: 'syntax', message: 'Invalid \\u escape: it needs exactly four hex digits, e.g. \\u00e9.' };
    case 'control-char':
      return { code: 'syntax', message: `Control character ${showChar(text.charAt(e.offset))} inside a string: write it as an escape such as \\t or \\n.` };
    case 'invalid-number':
      return { code: 'syntax', message: `Invalid number ${tokenText}: JSON numbers look like 1, -2, 3.5 or 1e6 (no leading zeros, +, NaN or Infinity).` };
    case 'property-name-expected':
      return { code: 'syntax', message: 'Expected a property name in double quotes here, e.g. "prompt_uuid".' };
    case 'colon-expected':
      return { code: 'syntax', message: `Expected a colon (:) after the property name${e.key !== undefined ? ` "${truncate(e.key, 40)}"` : ''}, before this.` };
    case 'value-expected':
      return { code: 'syntax', message: `Expected a value${forKey} here: a string, number, true, false, null, object or array.` };
    case 'comma-expected':
      return {
        code: 'syntax',
        message:
          e.container === 'object'
            ? 'Expected a comma (,) or a closing "}" before this: is a comma missing after the previous property?'
            : 'Expected a comma (,) or a closing "]" before this: is a comma missing after the previous value?',
      };
    case 'trailing-comma':
      return { code: 'syntax', message: 'Trailing comma: JSON allows no comma before a closing "}" or "]". Remove this comma.' };
    case 'unclosed':
      return { code: 'syntax', message: `This ${what} is never closed: add "${closer}" after its last ${e.container === 'array' ? 'element' : 'member'}.` };
    case 'mismatched-close':
      return {
        code: 'syntax',
        message: `Expected "${closer}" to close the ${what} opened on line ${opened?.line ?? '?'}, column ${opened?.column ?? '?'}, but found "${text.charAt(e.offset)}".`,
      };
    case 'unexpected-close':
      return { code: 'syntax', message: `Unexpected "${text.charAt(e.offset)}": there is nothing open here for it to close.` };
    case 'end-expected':
      return {
        code: 'syntax',
        message:
          'Unexpected text after the end of the JSON value.' +
          (text.charAt(e.offset) === '{' ? ' If the file holds one response object per line (JSON Lines), give it the .jsonl extension.' : ''),
      };
    case 'other':
      return { code: 'syntax', message: 'This is not valid JSON.' };
  }
}

/** Report the syntax errors of `read` (of a text that starts at `shift` in the file). */
export function reportSyntax(an: Analysis, text: string, read: TolerantRead, shift: number, pointerPrefix: string, entryIndexOf: (path: readonly (string | number)[]) => number | undefined): void {
  for (const e of read.issues) {
    if (an.report.syntaxErrors >= MAX_SYNTAX_ERRORS) {
      an.report.hiddenSyntaxErrors++;
      continue;
    }
    an.report.syntaxErrors++;
    const d = describeSyntaxIssue(text, e, an.report.lines, shift);
    an.report.add(ERROR, d.code, d.message, e.offset + shift, e.length, pointerOf(pointerPrefix, e.path), entryIndexOf(e.path));
  }
  an.report.hiddenSyntaxErrors += read.reportable - read.issues.length;
  // Never expected (every error is reported or follows one that is), but the text is broken all the same.
  if (read.errorCount > 0 && read.reportable === 0) an.report.add(ERROR, 'syntax', 'The text is not valid JSON.', shift, text.length, pointerPrefix);
}

export function firstNul(an: Analysis): boolean {
  const nul = an.text.indexOf('\u0000');
  if (nul < 0) return false;
  an.report.add(
    ERROR,
    'binary',
    'The file contains NUL bytes, so it is binary, not JSON text. (If it was saved as UTF-16, save it as UTF-8.)',
    nul,
    1,
    '',
  );
  return true;
}
