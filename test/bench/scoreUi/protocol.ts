/** What the score-to-diagnostics suite (in the extension host) and the bench (in Node) share. */

/** The line the suite logs as it invokes the command; from then on the bench times the status bar's error count in the window. */
export const START_LINE = 'AYMARA-BENCH-SCOREUI-START';

/** The file the bench writes once the window showed the errors of file `i` (or gave up), which the suite waits for. */
export function renderedMarker(out: string, i: number): string {
  return `${out}.rendered-${i}`;
}
