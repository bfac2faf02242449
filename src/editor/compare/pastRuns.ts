import * as vscode from 'vscode';
import type { RunResult } from '../../core/results';
import type { RunStore } from '../runStore';

/** Past runs whose results are kept in memory for the tree at once (read again from disk when needed). */
const CACHED = 8;

export type PastRunState = RunResult | 'loading' | 'notStored';

/**
 * The results of a file's past runs, read from the run store on demand (when their row in the
 * results tree is expanded), so the tree can show them without holding every run in memory.
 * A run whose results retention deleted is `notStored`.
 */
export class PastRuns implements vscode.Disposable {
  private readonly cache = new Map<string, PastRunState>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  private disposed = false;

  constructor(private readonly store: Pick<RunStore, 'runs' | 'getRun' | 'onDidChange'>) {
    // Retention may have deleted a run file: forget what is cached of runs no longer stored.
    this.subscription = store.onDidChange((uri) => {
      for (const id of [...this.cache.keys()]) {
        const [file, run] = split(id);
        if (uri !== undefined && uri !== file) continue;
        if (!store.runs(file).some((r) => r.eval_run_uuid === run && r.stored !== false)) this.cache.delete(id);
      }
    });
  }

  /** A past run's results, or where they are; starts reading them the first time. */
  state(uri: string, runUuid: string): PastRunState {
    const id = `${uri}\u0000${runUuid}`;
    const known = this.cache.get(id);
    if (known !== undefined) {
      // Most recently used last, so the oldest is evicted first.
      this.cache.delete(id);
      this.cache.set(id, known);
      return known;
    }
    const summary = this.store.runs(uri).find((r) => r.eval_run_uuid === runUuid);
    if (!summary || summary.stored === false) return 'notStored';
    this.put(id, 'loading');
    void this.store.getRun(uri, runUuid).then(
      (run) => this.loaded(id, run ?? 'notStored'),
      () => this.loaded(id, 'notStored'),
    );
    return 'loading';
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

function split(id: string): [string, string] {
  const at = id.lastIndexOf('\u0000');
  return [id.slice(0, at), id.slice(at + 1)];
}
