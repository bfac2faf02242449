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

export function encodeRun(run: RunResult): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(run));
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
