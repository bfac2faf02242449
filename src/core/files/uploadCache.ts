/**
 * Which files were already uploaded, by content: per API origin, the sha256 of the bytes → the
 * uploaded file's id. A rescore of the same pictures uploads nothing again. It holds ids and sizes
 * only, never a key or a path; the editor keeps it in its storage (read back through `fromJSON`,
 * which keeps only well-formed entries), the command line for one run.
 */
import * as z from '../zod';

export interface CachedUpload {
  file_uuid: string;
  remote_file_path: string | null;
  size: number;
  /** When it was uploaded or last used (ISO), for dropping the oldest. */
  used_at: string;
}

const Entry = z.object({
  file_uuid: z.string().check(z.minLength(1), z.maxLength(500)),
  remote_file_path: z.nullable(z.string().check(z.maxLength(2000))),
  size: z.number().check(z.int(), z.gte(0)),
  used_at: z.string().check(z.maxLength(40)),
});
const SHA256 = /^[0-9a-f]{64}$/;

/** Most files remembered per origin; the least recently used are dropped first. */
export const MAX_CACHED_PER_ORIGIN = 5000;

export class UploadCache {
  private readonly byOrigin = new Map<string, Map<string, CachedUpload>>();

  /** A cache from stored JSON; anything malformed in it is left out. */
  static fromJSON(data: unknown): UploadCache {
    const cache = new UploadCache();
    if (!data || typeof data !== 'object' || Array.isArray(data)) return cache;
    for (const [origin, files] of Object.entries(data as Record<string, unknown>)) {
      if (!files || typeof files !== 'object' || Array.isArray(files)) continue;
      for (const [sha, v] of Object.entries(files as Record<string, unknown>)) {
        const e = Entry.safeParse(v);
        if (SHA256.test(sha) && e.success) cache.set(origin, sha, e.data);
      }
    }
    return cache;
  }

  get(origin: string, sha256: string): CachedUpload | undefined {
    return this.byOrigin.get(origin)?.get(sha256);
  }

  set(origin: string, sha256: string, entry: CachedUpload): void {
    let files = this.byOrigin.get(origin);
    if (!files) this.byOrigin.set(origin, (files = new Map()));
    files.delete(sha256);
    files.set(sha256, entry);
    // Maps keep insertion order; re-inserting on use keeps the least recently used first.
    while (files.size > MAX_CACHED_PER_ORIGIN) files.delete(files.keys().next().value!);
  }

  delete(origin: string, sha256: string): void {
    this.byOrigin.get(origin)?.delete(sha256);
  }

  size(origin: string): number {
    return this.byOrigin.get(origin)?.size ?? 0;
  }

  toJSON(): Record<string, Record<string, CachedUpload>> {
    const out: Record<string, Record<string, CachedUpload>> = {};
    for (const [origin, files] of this.byOrigin) if (files.size) out[origin] = Object.fromEntries(files);
    return out;
  }
}
