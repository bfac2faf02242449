/**
 * How the elements of a reply's top-level array are read as they are parsed: each is first seen
 * by the caller's hook (shareEchoedContent), then, in the array that `elements` names, validated
 * at once by its schema compiled to plain code (fastCheck.ts: zod's very output, without zod's
 * cost) and by zod only when that declines it, so the errors stay zod's. The first invalid
 * elements' issues are kept for the error; the rest of the reply is validated after.
 */
import type { ElementHook } from './jsonBody';
import { compiledCheckOf } from './fastCheck';
import type * as z from './zod';

export interface ElementIssue {
  path: PropertyKey[];
  message: string;
}

export interface ElementReading {
  /** The hook for parseReply or StreamingReply, or undefined when nothing is to be seen. */
  hook: ElementHook | undefined;
  /** Issues of the first invalid elements (at most 3 elements' worth), filled as they are read. */
  issues: ElementIssue[];
}

export function elementReading(elements: { key: string; schema: z.ZodMiniType } | undefined, share: ElementHook | undefined): ElementReading {
  const issues: ElementIssue[] = [];
  const fast = elements && compiledCheckOf(elements.schema);
  const hook: ElementHook | undefined =
    elements || share
      ? (key, element, index) => {
          const v = share ? share(key, element, index) : element;
          if (!elements || key !== elements.key) return v;
          const checked = fast ? fast.parse(v) : undefined;
          if (checked !== undefined) return checked;
          const r = elements.schema.safeParse(v);
          if (r.success) return r.data;
          if (issues.length < 3) for (const i of r.error.issues) issues.push({ path: [key, index, ...i.path], message: i.message });
          return v;
        }
      : undefined;
  return { hook, issues };
}
