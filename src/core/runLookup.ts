/**
 * Finding a run whose submission's reply never arrived (the window reloaded while the request was
 * in flight): by its unique name, a few times, because a server may record a run a little after
 * it was sent. Each look goes through the bounded, paged `findRunByName`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { AymaraClient } from './client';
import { findRunByName } from './scoring';
import type { EvalRunResult } from './schemas';

export interface LookupOptions {
  /** How many times to look (default 3). */
  attempts?: number;
  /** Wait before the second look; each later wait is this times the attempt number (default 2 s). */
  delayMs?: number;
  /** When the submission was sent (ms since the epoch): runs created well before are never it. */
  notBefore?: number;
  signal?: AbortSignal;
}

export async function lookUpRunByName(client: AymaraClient, evalUuid: string, name: string, o: LookupOptions = {}): Promise<EvalRunResult | undefined> {
  const attempts = Math.max(1, Math.min(o.attempts ?? 3, 10));
  const step = Math.max(0, o.delayMs ?? 2_000);
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await delay(step * i, undefined, { signal: o.signal });
    const hit = await findRunByName(client, evalUuid, name, o.signal, undefined, o.notBefore);
    if (hit) return hit;
  }
  return undefined;
}
