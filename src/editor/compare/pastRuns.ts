import * as vscode from 'vscode';
import type { RunResult } from '../../core/results';
import type { RunStore } from '../runStore';

/** Past runs whose results are kept in memory for the tree at once (read again from disk, or fetched again, when needed). */
const CACHED = 8;

/** A past run's results, or where they are: being read or fetched, or not to be had (with why). */
export type PastRunState = RunResult | 'loading' | 'notStored' | { failed: string };

/** Fetches a run that is no longer stored locally from the API (it says why when it cannot). */
export type FetchRun = (uri: string, runUuid: string) => Promise<RunResult>;

/**
 * The results of a file's past runs, on demand (when their row in the results tree is expanded,
 * or a comparison needs them), so the tree can show them without holding every run in memory:
 * read from the run store, or, for a run whose results retention deleted, fetched from the API
 * (`fetch`: the run and its paged responses) and kept in this cache. Without `fetch` such a run
 * is `notStored`.
 */
export class PastRuns implements vscode.Disposable {
  private readonly cache = new Map<string, PastRunState>();
  private readonly pending = new Map<string, Promise<RunResult | undefined>>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  private disposed = false;

  constructor(
    private readonly store: Pick<RunStore, 'runs' | 'getRun' | 'onDidChange'>,
    private readonly fetch?: FetchRun,
  ) {
    // Retention may have deleted a run file (it is fetched next time), or a run may have left the
    // history: forget what is cached of it. Runs fetched from the API stay while in the history.
    this.subscription = store.onDidChange((uri) => {
      for (const [id, state] of [...this.cache]) {
        const [file, run] = split(id);
        if (uri !== undefined && uri !== file) continue;
        const summary = store.runs(file).find((r) => r.eval_run_uuid === run);
        if (!summary || (summary.stored === false && !isFetched(state))) this.cache.delete(id);
      }
    });
  }

  /** A past run's results, or where they are; starts reading (or fetching) them the first time. */
  state(uri: string, runUuid: string): PastRunState {
    const id = key(uri, runUuid);
    const known = this.cache.get(id);
    if (known !== undefined) {
      // Most recently used last, so the oldest is evicted first.
      this.cache.delete(id);
      this.cache.set(id, known);
      return known;
    }
    if (!this.load(uri, runUuid)) return 'notStored';
    return 'loading';
  }

  /**
   * A past run's results, read or fetched (a failure to fetch is thrown, with its message);
   * undefined when the run is not in the file's history, or not stored and nothing can fetch it.
   */
  async result(uri: string, runUuid: string): Promise<RunResult | undefined> {
    const known = this.cache.get(key(uri, runUuid));
    if (known && typeof known === 'object' && !('failed' in known)) return known;
    this.cache.delete(key(uri, runUuid)); // a failed fetch is tried again when asked for directly
    const loading = this.pending.get(key(uri, runUuid)) ?? this.load(uri, runUuid, true);
    return loading ? await loading : undefined;
  }

  /** Starts reading or fetching a run; undefined when there is nothing to start. */
  private load(uri: string, runUuid: string, rethrow = false): Promise<RunResult | undefined> | undefined {
    const id = key(uri, runUuid);
    const summary = this.store.runs(uri).find((r) => r.eval_run_uuid === runUuid);
    if (!summary) return undefined;
    const fetch = this.fetch;
    if (summary.stored === false && !fetch) return undefined;
    this.put(id, 'loading');
    const job = (summary.stored === false ? fetch!(uri, runUuid) : this.store.getRun(uri, runUuid)).then(
      (run) => {
        this.loaded(id, run ?? 'notStored');
        return run;
      },
      (err: unknown) => {
        this.loaded(id, { failed: err instanceof Error ? err.message : String(err) });
        if (rethrow) throw err;
        return undefined;
      },
    );
    this.pending.set(id, job);
    void job.finally(() => this.pending.delete(id)).catch(() => undefined);
    return job;
  }

  private loaded(id: string, state: PastRunState): void {
    if (this.disposed || this.cache.get(id) !== 'loading') return;
    this.put(id, state);
    this.emitter.fire();
  }

  private put(id: string, state: PastRunState): void {
    this.cache.set(id, state);
    while (this.cache.size > CACHED) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.subscription.dispose();
    this.emitter.dispose();
    this.cache.clear();
  }
}

function isFetched(state: PastRunState): boolean {
  return typeof state === 'object' && !('failed' in state);
}

function key(uri: string, runUuid: string): string {
  return `${uri}\u0000${runUuid}`;
}

function split(id: string): [string, string] {
  const at = id.lastIndexOf('\u0000');
  return [id.slice(0, at), id.slice(at + 1)];
}
