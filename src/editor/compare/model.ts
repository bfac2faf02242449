import * as vscode from 'vscode';
import { compareRuns, type ComparedEntry, type Comparison } from '../../core/compare/compare';
import type { RunResult } from '../../core/results';
import type { RunStore } from '../runStore';

/** The comparison shown for one file. */
export interface ActiveComparison {
  uri: string;
  /** Both runs' results, kept so the comparison can follow a new run of the file. */
  baseline: RunResult;
  current: RunResult;
  comparison: Comparison;
  /** Changed entries by result key. */
  index: ReadonlyMap<string, ComparedEntry>;
  /** The current side is the file's latest run, and moves to the new latest run when the file is scored again. */
  followsLatest: boolean;
  /** The current side moved to a newer run since the comparison was made. */
  followed: boolean;
}

/**
 * The active comparison of each file (at most one per file), in memory for this window. When a
 * file whose comparison follows its latest run is scored again, the baseline stays and is
 * compared with the new latest run; when the file's results are cleared, so is its comparison.
 */
export class ComparisonModel implements vscode.Disposable {
  private readonly active = new Map<string, ActiveComparison>();
  private readonly emitter = new vscode.EventEmitter<string>();
  /** Fires with the file URI whose comparison was set, updated or cleared. */
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: Pick<RunStore, 'get' | 'onDidChange'>) {
    this.subscription = store.onDidChange((uri) => {
      for (const key of uri === undefined ? [...this.active.keys()] : [uri]) this.follow(key);
    });
  }

  get(uri: string): ActiveComparison | undefined {
    return this.active.get(uri);
  }

  uris(): string[] {
    return [...this.active.keys()];
  }

  set(uri: string, baseline: RunResult, current: RunResult): ActiveComparison {
    const latest = this.store.get(uri)?.latest;
    const a = build(uri, baseline, current, latest?.eval_run_uuid === current.eval_run_uuid, false);
    this.active.set(uri, a);
    this.emitter.fire(uri);
    return a;
  }

  /** Drop a file's comparison; false when it had none. */
  clear(uri: string): boolean {
    if (!this.active.delete(uri)) return false;
    this.emitter.fire(uri);
    return true;
  }

  private follow(uri: string): void {
    const a = this.active.get(uri);
    if (!a) return;
    const rec = this.store.get(uri);
    if (!rec) {
      // The file's results were cleared (or it was renamed): nothing left to compare.
      this.clear(uri);
      return;
    }
    const latest = rec.latest;
    // Same run re-mapped after an edit, or a new run: compare again so lines and verdicts are current.
    if (!a.followsLatest || !latest || latest === a.current || latest.eval_uuid !== a.baseline.eval_uuid) return;
    const moved = latest.eval_run_uuid !== a.current.eval_run_uuid;
    this.active.set(uri, build(uri, a.baseline, latest, true, a.followed || moved));
    this.emitter.fire(uri);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
    this.active.clear();
  }
}

function build(uri: string, baseline: RunResult, current: RunResult, followsLatest: boolean, followed: boolean): ActiveComparison {
  const comparison = compareRuns(baseline, current);
  const index = new Map<string, ComparedEntry>();
  for (const e of comparison.entries) index.set(e.key, e);
  return { uri, baseline, current, comparison, index, followsLatest, followed };
}
