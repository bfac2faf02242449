/**
 * How results are worded and shown on every surface (tree, status bar, hovers, messages, webview,
 * text reports): verdict labels and icons, verdict counts, dates. One definition each; adapters
 * pass their translator (`vscode.l10n.t` in the editor, `english` elsewhere).
 */
import type { Counts, Verdict } from '../results';

/** Translates an English UI string with {0}-style placeholders. */
export type Translate = (message: string, ...args: (string | number)[]) => string;

export const english: Translate = (message, ...args) => message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));

/** The English label of each verdict (the key a translator receives). */
export const VERDICT_LABEL: Readonly<Record<Verdict, string>> = { failed: 'Failed', errored: 'Errored', refused: 'Refused', excluded: 'Excluded', passed: 'Passed' };

export function verdictLabel(v: Verdict, t: Translate = english): string {
  return t(VERDICT_LABEL[v]);
}

/** Each verdict's codicon and theme color (the Testing view's, so they read as test results). */
export const VERDICT_ICON: Readonly<Record<Verdict, { codicon: string; color: string }>> = {
  failed: { codicon: 'error', color: 'testing.iconFailed' },
  errored: { codicon: 'warning', color: 'testing.iconErrored' },
  refused: { codicon: 'circle-slash', color: 'testing.iconSkipped' },
  excluded: { codicon: 'debug-step-over', color: 'testing.iconSkipped' },
  passed: { codicon: 'pass', color: 'testing.iconPassed' },
};

/** "3 passed, 1 failed, 0 refused, 0 excluded, 0 errored". */
export function countsLine(c: Counts, t: Translate = english): string {
  return t('{0} passed, {1} failed, {2} refused, {3} excluded, {4} errored', c.passed, c.failed, c.refused, c.excluded, c.errored);
}

/** "2026-01-02 13:45 UTC" (reports and the explanations header); the input itself when it is not a date. */
export function formatWhen(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "Jan 2, 01:45 PM" in the user's locale and time zone (tree rows); the input itself when it is not a date. */
export function formatLocalWhen(iso: string, locale?: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
