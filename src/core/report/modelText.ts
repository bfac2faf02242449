/**
 * Texts and numbers as the report views display them, shared by the explanations model
 * (webviewModel.ts) and the compare model without one loading the other.
 */

/** A text as displayed: `total` is present only when `text` was cut (it is the full length). */
export interface ModelText {
  text: string;
  total?: number;
}

/** Cut `text` to at most `limit` UTF-16 units without splitting a surrogate pair. */
export function truncateText(text: string, limit: number): ModelText {
  if (text.length <= limit) return { text };
  let end = Math.max(0, limit);
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--;
  return { text: text.slice(0, end), total: text.length };
}

const PERCENT = Array.from({ length: 101 }, (_, n) => `${n}%`);

/** 0.934 → "93%"; undefined when there is no confidence. */
export function confidenceLabel(c: number | null): string | undefined {
  if (c === null || !Number.isFinite(c)) return undefined;
  const n = Math.round(c * 100);
  return PERCENT[n] ?? `${n}%`;
}
