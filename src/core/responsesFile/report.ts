/** Problems as they are found: capped per severity, positioned through the line index, summarised at the end. */
import type { LineIndex } from '../textIndex';
import { MAX_PROBLEMS_PER_SEVERITY, type Problem, type ProblemCode, type RelatedLocation } from './model';

export const ERROR = 'error' as const;
export const WARNING = 'warning' as const;
export type Severity = typeof ERROR | typeof WARNING;

/** Collects problems, capped per severity, with positions resolved through the line index. */
export class Report {
  readonly problems: Problem[] = [];
  private readonly kept = { error: 0, warning: 0 };
  private readonly hidden = { error: 0, warning: 0 };
  syntaxErrors = 0;
  hiddenSyntaxErrors = 0;

  constructor(
    readonly text: string,
    readonly lines: LineIndex,
  ) {}

  /** True when a problem of this severity will be kept; otherwise it is counted as hidden. */
  admit(severity: Severity): boolean {
    if (this.kept[severity] < MAX_PROBLEMS_PER_SEVERITY) return true;
    this.hidden[severity]++;
    return false;
  }

  get hasErrors(): boolean {
    return this.kept.error + this.hidden.error > 0;
  }

  add(severity: Severity, code: ProblemCode, message: string, start: number, length: number, pointer: string, entryIndex?: number, related?: RelatedLocation[]): void {
    if (!this.admit(severity)) return;
    this.kept[severity]++;
    const { line, column } = this.lines.positionAt(start);
    const p: Problem = { severity, code, message, offset: start, length, line, column, pointer };
    if (entryIndex !== undefined) p.entryIndex = entryIndex;
    if (related?.length) p.related = related;
    this.problems.push(p);
  }

  related(message: string, start: number, length: number): RelatedLocation {
    return { message, offset: start, length, ...this.lines.positionAt(start) };
  }

  finish(): Problem[] {
    const hiddenSyntax = this.hiddenSyntaxErrors;
    const hiddenErrors = this.hidden.error;
    const hiddenWarnings = this.hidden.warning;
    this.problems.sort((a, b) => a.offset - b.offset);
    if (hiddenSyntax || hiddenErrors || hiddenWarnings) {
      const parts: string[] = [];
      if (hiddenSyntax) parts.push(`${hiddenSyntax} more syntax error${hiddenSyntax === 1 ? '' : 's'}`);
      if (hiddenErrors) parts.push(`${hiddenErrors} more error${hiddenErrors === 1 ? '' : 's'}`);
      if (hiddenWarnings) parts.push(`${hiddenWarnings} more warning${hiddenWarnings === 1 ? '' : 's'}`);
      const last = this.problems[this.problems.length - 1];
      const at = last ? last.offset : 0;
      this.problems.push({
        severity: hiddenSyntax || hiddenErrors ? ERROR : WARNING,
        code: 'too-many-problems',
        message: `${parts.join(' and ')} not shown; fix the ones above and check again.`,
        offset: at,
        length: 0,
        ...this.lines.positionAt(at),
        pointer: '',
      });
    }
    return this.problems;
  }
}
