/**
 * The checks of the Override Verdict… form, shared by the editor's input boxes (as their
 * validation) and by anything else that asks the same questions. Each returns the value, or a
 * sentence saying what to type instead.
 */
import { MAX_EXPLANATION_CHARS } from '../reviewLimits';

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A confidence typed as a number from 0 to 1 ("0.9", ".9", "1"). */
export function parseConfidence(text: string): Checked<number> {
  const s = text.trim();
  if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(s)) return { ok: false, problem: 'Enter a number from 0 to 1, such as 0.9.' };
  const n = Number(s);
  if (!(n >= 0 && n <= 1)) return { ok: false, problem: `${s} is not between 0 and 1: enter a number from 0 to 1, such as 0.9.` };
  return { ok: true, value: n };
}

/** The explanation of the change: required (not blank), at most MAX_EXPLANATION_CHARS characters. */
export function checkExplanation(text: string): Checked<string> {
  if (!text.trim()) return { ok: false, problem: 'Write why the verdict changes; the explanation is required and kept in the verdict history.' };
  if (text.length > MAX_EXPLANATION_CHARS) return { ok: false, problem: `Shorten the explanation to at most ${MAX_EXPLANATION_CHARS.toLocaleString('en-US')} characters (it has ${text.length.toLocaleString('en-US')}).` };
  return { ok: true, value: text.trim() };
}
