import * as vscode from 'vscode';
import type { AcceptedOverride } from '../core/override/applyOverride';
import type { EntryLocation, RunResult } from '../core/results';
import type { Log } from './log';
// Types only: the checks (and zod) are loaded when saved records are first read, never at activation.
import type { FileRecord, PendingRun, RunSummary } from './savedState';
import type { Limits } from './store/seams';
import { StoreCore } from './store/storeCore';
import { diskAt } from './store/workspaceDisk';

export type { FileRecord, PendingRun, RunSummary };

const MB = 1024 * 1024;

/**
 * The single source of results every view listens to. Workspace state keeps a small index per
 * file URI (run summaries, pending run, chosen eval); each run's results are in a run file in the
 * extension's storage (store/storeCore.ts), written the moment they arrive, so a reload restores
 * them and nothing results-sized crosses to the window at startup.
 *
 * The index is read after activation (never on its path), then the latest run of every file in
 * the background. Until a file's latest run is read, `get(uri).latest` is undefined and
 * `onDidChange` fires for that file when it arrives; `whenLoaded()` waits for all of them, and
 * `getRun` reads any stored run. Everything read back is checked (savedState.ts): a bad record or
 * run file is dropped with one log line. Everything stored is redacted (never the API key).
 */
export class RunStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string | undefined>();
  /** Fires with the file URI that changed, or undefined when everything may have. */
  readonly onDidChange = this.emitter.event;
  private readonly core: StoreCore;
  private scheduled: ReturnType<typeof setTimeout> | undefined;
  private started = false;

  /**
   * @param memento workspace state: the index (small).
   * @param storage the folder for run files and the pending-runs file: workspace storage, or
   *   global storage when no folder is open (then no pending-runs file is kept and leftovers are
   *   not swept, as other windows share the folder).
   */
  constructor(memento: vscode.Memento, storage: { workspace: vscode.Uri | undefined; global: vscode.Uri }, log: Log) {
    const root = storage.workspace ?? vscode.Uri.joinPath(storage.global, 'no-workspace');
    this.core = new StoreCore({
      state: memento,
      disk: diskAt(root),
      pendingFile: storage.workspace !== undefined,
      ownsStorage: storage.workspace !== undefined,
      log,
      limits,
      canonicalUri: (uri) => {
        try {
          return vscode.Uri.parse(uri, true).toString();
        } catch {
          return undefined;
        }
      },
      changed: (uri) => this.emitter.fire(uri),
    });
  }

  /** Resolves when the saved index and every file's latest results are read and checked (starts loading on first call). */
  whenLoaded(): Promise<void> {
    this.started = true;
    return this.core.whenLoaded();
  }

  /** Forget what is in memory and read the saved records again (what a window reload does). */
  reload(): Promise<void> {
    this.started = true;
    return this.core.reload();
  }

  /** Readers start the load on the next turn, so it never runs on the activation path. */
  private scheduleLoad(): void {
    if (this.started || this.scheduled) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      void this.whenLoaded();
    }, 0);
  }

  /** A file's record (undefined until the index is loaded; `latest` once its run file is read; see whenLoaded). */
  get(uri: vscode.Uri | string): FileRecord | undefined {
    this.scheduleLoad();
    return this.core.get(key(uri));
  }

  all(): FileRecord[] {
    this.scheduleLoad();
    return this.core.all();
  }

  /** A file's runs, newest first; `stored: false` for runs whose results are no longer on disk. */
  runs(uri: vscode.Uri | string): RunSummary[] {
    this.scheduleLoad();
    return this.core.runs(key(uri));
  }

  /** One run's results (read from its run file unless it is the latest); undefined when not stored locally. */
  getRun(uri: vscode.Uri | string, runUuid: string): Promise<RunResult | undefined> {
    return this.core.getRun(key(uri), runUuid);
  }

  /**
   * Save a pending run: on disk (the pending file) before this resolves, which is what a reload
   * reads first. Workspace state follows without being waited for (it is written in order), so a
   * submission is not held up by a round trip to the window.
   */
  setPending(uri: vscode.Uri, pending: PendingRun): Promise<void> {
    return this.core.setPending(key(uri), pending);
  }

  /** Drop a file's pending run; with `only`, only when it is still that submission (by name) and no run id became known. */
  clearPending(uri: vscode.Uri, only?: { name: string | null }): Promise<void> {
    return this.core.clearPending(key(uri), only);
  }

  /** Saves a run's results (its run file, then the index) and applies retention. */
  setResult(uri: vscode.Uri, result: RunResult): Promise<void> {
    return this.core.setResult(key(uri), result);
  }

  setEval(uri: vscode.Uri, evalUuid: string | undefined): Promise<void> {
    return this.core.setEval(key(uri), evalUuid);
  }

  /** Mark a file's results stale (the file changed after they were scored). */
  markStale(uri: vscode.Uri): Promise<void> {
    return this.core.markStale(key(uri));
  }

  /** New locations after an edit, by result key; results whose entry vanished lose their location. */
  remap(uri: vscode.Uri, locations: ReadonlyMap<string, { location: EntryLocation; index: number }>, stale: boolean): Promise<void> {
    return this.core.remap(key(uri), locations, stale);
  }

  /** Writes a person's accepted override into the file's latest run (see StoreCore.applyOverride); undefined when that run is no longer the latest. */
  applyOverride(uri: vscode.Uri, runUuid: string, itemKey: string, accepted: AcceptedOverride): Promise<RunResult | undefined> {
    return this.core.applyOverride(key(uri), runUuid, itemKey, accepted, new Date().toISOString());
  }

  /** Move a file's record when the file is renamed. */
  async rename(from: vscode.Uri, to: vscode.Uri): Promise<void> {
    await this.core.rename(key(from), key(to));
  }

  /** Drop the records and run files of one file, or of every file. */
  clear(uri?: vscode.Uri | string): Promise<void> {
    return this.core.clear(uri === undefined ? undefined : key(uri));
  }

  dispose(): void {
    clearTimeout(this.scheduled);
    this.emitter.dispose();
  }
}

function key(uri: vscode.Uri | string): string {
  return typeof uri === 'string' ? uri : uri.toString();
}

function limits(): Limits {
  const c = vscode.workspace.getConfiguration('aymara');
  const num = (name: string, fallback: number, min: number, max: number) => {
    const v = c.get<unknown>(name);
    return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
  };
  return { maxRuns: Math.floor(num('history.maxRuns', 20, 1, 1000)), maxBytes: num('history.maxStorageMB', 200, 1, 100_000) * MB };
}
