/**
 * Run files: one JSON file per stored run under `runs/` in the extension's storage. Names are
 * derived from the run id and the file it belongs to (hashed, so an id from the server never
 * becomes a path); writes go through a temporary file and a rename, one at a time per file.
 */
import { createHash } from 'node:crypto';
import type { RunResult } from '../../core/results';
import type { Disk } from './seams';

export const RUNS_DIR = 'runs';

/** A safe, stable file name for a file's run: a readable prefix of the id and a hash. */
export function runFileName(fileUri: string, runUuid: string): string {
  const readable = runUuid.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+/, '').slice(0, 40) || 'run';
  const hash = createHash('sha256').update(fileUri).update('\n').update(runUuid).digest('hex').slice(0, 16);
  return `${readable}.${hash}.json`;
}

/** Results encoded per slice of this many items, with a turn of the event loop between slices. */
const ITEMS_PER_SLICE = 1000;

/**
 * A run as JSON bytes (its items last), built a slice of items at a time and yielding before
 * each slice, so that saving 10,000 results never holds the extension host for the whole encoding
 * (messages to the window, such as new diagnostics, go out first and in between), and no string
 * of the whole run is ever made. A slice is stringified as one array and its brackets cut from
 * its bytes: a string per item joined and then encoded cost about twice as much.
 */
export async function encodeRun(run: RunResult): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const { items, ...rest } = run;
  const head = JSON.stringify({ ...rest, items: [] });
  const parts: Uint8Array[] = [encoder.encode(head.slice(0, -2))];
  for (let i = 0; i < items.length; i += ITEMS_PER_SLICE) {
    await new Promise((resolve) => setImmediate(resolve));
    const slice = encoder.encode(JSON.stringify(items.slice(i, i + ITEMS_PER_SLICE)));
    // "[a,b]" → "a,b" for the first slice, ",a,b" after it (brackets are one ASCII byte each).
    if (i > 0) slice[0] = 0x2c;
    parts.push(slice.subarray(i > 0 ? 0 : 1, slice.length - 1));
  }
  parts.push(encoder.encode(']}'));
  return concat(parts);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Reads, writes and deletes run files, serialised per file name. */
export class RunFiles {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly disk: Disk) {}

  /** Whether something is being written or deleted under that name right now. */
  busy(name: string): boolean {
    return this.queues.has(name);
  }

  private serial<T>(name: string, job: () => Promise<T>): Promise<T> {
    const before = this.queues.get(name) ?? Promise.resolve();
    const run = before.then(job, job);
    const tail = run.catch(() => undefined);
    this.queues.set(name, tail);
    void tail.then(() => {
      if (this.queues.get(name) === tail) this.queues.delete(name);
    });
    return run;
  }

  write(name: string, data: Uint8Array): Promise<void> {
    return this.serial(name, () => this.disk.writeAtomic(`${RUNS_DIR}/${name}`, data));
  }

  /** The parsed JSON of a run file (after any write queued before it); throws when missing or not JSON. */
  read(name: string): Promise<unknown> {
    return this.serial(name, async () => JSON.parse(new TextDecoder().decode(await this.disk.read(`${RUNS_DIR}/${name}`))) as unknown);
  }

  remove(name: string): Promise<void> {
    return this.serial(name, () => this.disk.remove(`${RUNS_DIR}/${name}`));
  }

  /** Every name in the runs folder (run files and any temporary file a crash left behind). */
  list(): Promise<string[]> {
    return this.disk.list(RUNS_DIR);
  }
}
