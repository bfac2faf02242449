/**
 * Every page of an `{items, count}` list, without trusting the server: `count` is checked against
 * what the caller can expect before any further page is asked for, pages and requests are bounded,
 * and an empty or short page ends the listing (what arrived is returned, marked incomplete).
 */
import { ApiError } from './apiError';
import type { PageOf } from './schemas';

/** Scores a run may have beyond the responses sent (scores for prompts the file lacks) before its count is not believed. */
export const EXTRA_SCORES_ALLOWED = 100;

export interface PagedResult<T> {
  items: T[];
  /** Total the server reported. */
  count: number;
  /** False when the items fetched did not add up to `count`. */
  complete: boolean;
}

export interface PagingOptions {
  /** Items asked for per page. */
  pageSize: number;
  /** Pages in flight at once. */
  concurrency: number;
  /** The most items this list can rightly have; a larger `count` is an inconsistent reply. */
  maxItems: number;
  /** Why no more are expected, for the message ("but only 8 responses were sent"). */
  maxItemsReason?: string;
  /** The most page requests after the first. */
  maxPages: number;
  /** About how many items to expect: the first round then asks for several pages at once. */
  expectedCount?: number;
  onProgress?: (fetched: number, total: number) => void;
}

/**
 * `page(offset, limit)` fetches one page and resolves, once its bytes are in, with what checks
 * and decodes it. The first page tells the total; the rest are fetched with bounded concurrency
 * and reassembled in order. Each worker asks for its next page before decoding the one that
 * arrived, so that decoding overlaps the next round trip (one more page may then be asked for
 * after a short page ends the list; it is dropped). `what` names the list in messages.
 */
export async function fetchAllPages<T>(what: string, page: (offset: number, limit: number) => Promise<() => PageOf<T>>, o: PagingOptions): Promise<PagedResult<T>> {
  const size = o.pageSize;
  const checked = (offset: number, limit: number, decode: () => PageOf<T>) => {
    const got = decode();
    if (got.items.length > limit) throw inconsistent(what, `a page of ${got.items.length} items was sent when ${limit} were asked for`);
    return got;
  };
  // When the caller knows about how many items to expect (the responses it sent), the first
  // round asks for several pages at once instead of waiting for the first page's count.
  const early = new Map<number, Promise<() => PageOf<T>>>();
  const expected = Math.min(o.expectedCount ?? 0, o.maxItems);
  for (let k = 1; k < Math.min(o.concurrency, Math.ceil(expected / size)); k++) {
    const p = page(k * size, size);
    p.catch(() => undefined); // awaited below, or dropped when the server pages differently
    early.set(k * size, p);
  }
  const first = checked(0, size, await page(0, size));
  const count = first.count;
  if (count > o.maxItems) {
    throw inconsistent(what, `it reports ${count} items, ${o.maxItemsReason ?? `more than the ${o.maxItems} one list may have`}`);
  }
  o.onProgress?.(first.items.length, count);
  // A server may cap the page size below what we asked for; step by what it actually gives.
  const step = first.items.length > 0 && first.items.length < size && first.items.length < count ? first.items.length : size;
  if (step !== size) early.clear();
  const more = first.items.length === 0 ? 0 : Math.ceil(Math.max(0, count - first.items.length) / step);
  if (more > o.maxPages) {
    throw inconsistent(what, `it sends ${step} items per page, so its ${count} items would take ${more} more requests, more than the ${o.maxPages} allowed for one list`);
  }

  const pages = new Map<number, T[]>();
  let fetched = first.items.length;
  let next = first.items.length;
  // Pages at or past this offset are not asked for (or not used): the end, or just after a short page.
  let stopAt = first.items.length === 0 ? 0 : count;
  const ask = (): { offset: number; reply: Promise<() => PageOf<T>> } | undefined => {
    if (next >= stopAt) return undefined;
    const offset = next;
    next += step;
    const reply = early.get(offset) ?? page(offset, step);
    reply.catch(() => undefined); // awaited in turn, or dropped once the listing has failed
    return { offset, reply };
  };
  const worker = async () => {
    for (let asked = ask(); asked; ) {
      const { offset, reply } = asked;
      let got: PageOf<T>;
      try {
        const decode = await reply;
        asked = ask();
        // Pages tend to arrive together: decoding after the I/O that is ready lets the others'
        // next requests go out first instead of waiting on this page's parse.
        await afterIo();
        got = checked(offset, step, decode);
      } catch (err) {
        stopAt = -1; // the other workers stop too
        throw err;
      }
      if (offset >= stopAt) break;
      pages.set(offset, got.items);
      fetched += got.items.length;
      o.onProgress?.(fetched, count);
      if (got.items.length < step && offset + got.items.length < count) stopAt = Math.min(stopAt, offset + step);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, more) }, worker));
  const offsets = [...pages.keys()].filter((off) => off < stopAt).sort((a, b) => a - b);
  const items = first.items.concat(...offsets.map((off) => pages.get(off)!));
  return { items, count, complete: items.length === count };
}

function afterIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function inconsistent(what: string, detail: string): ApiError {
  return new ApiError({ kind: 'invalid-reply', message: `The API's reply to ${what} is inconsistent: ${detail}. Nothing more was fetched.` });
}
