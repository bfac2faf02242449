import { headline, type ResultItem, type Verdict } from '../results';

export type DiagnosticLevel = 'error' | 'warning' | 'information' | 'hint';

export interface DiagnosticOptions {
  /** Level for failed and errored responses. */
  level: DiagnosticLevel;
  /** Which other verdicts appear, as hints. */
  hints: { passed: boolean; refused: boolean; excluded: boolean };
  /** Mark messages as stale (the file changed since scoring). */
  stale: boolean;
}

export interface DiagnosticData {
  /** 0-based UTF-16 offsets of the entry in the text. */
  offset: number;
  end: number;
  /** 1-based start, and end when the entry's location has it. */
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  level: DiagnosticLevel;
  message: string;
  code: Verdict;
  key: string;
}

export function levelFor(verdict: Verdict, o: DiagnosticOptions): DiagnosticLevel | undefined {
  switch (verdict) {
    case 'failed':
    case 'errored':
      return o.level;
    case 'passed':
      return o.hints.passed ? 'hint' : undefined;
    case 'refused':
      return o.hints.refused ? 'hint' : undefined;
    case 'excluded':
      return o.hints.excluded ? 'hint' : undefined;
  }
}

/**
 * Results → diagnostic data: a terse first line ("Failed (93%): <first sentence>") and the full
 * explanation below it, on the range of each entry that has a place in the file.
 */
export function toDiagnosticData(items: readonly ResultItem[], o: DiagnosticOptions): DiagnosticData[] {
  const out: DiagnosticData[] = [];
  const staleNote = o.stale ? ' [stale: file changed since scoring]' : '';
  for (const item of items) {
    const loc = item.location;
    if (!loc) continue;
    const level = levelFor(item.verdict, o);
    if (level === undefined) continue;
    const first = headline(item) + staleNote;
    const explanation = item.explanation?.trim();
    const message = explanation && explanation.replace(/\s+/g, ' ') !== first ? `${first}\n\n${explanation}` : first;
    out.push({ offset: loc.offset, end: loc.offset + loc.length, line: loc.line, column: loc.column, endLine: loc.endLine, endColumn: loc.endColumn, level, message, code: item.verdict, key: item.key });
  }
  return out;
}
