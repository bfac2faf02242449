import * as vscode from 'vscode';
import type { EntryLocation, RunResult } from '../core/results';
import type { Log } from './log';
// Types only: the checks (and zod) are loaded when saved records are first read, never at activation.
import type { FileRecord, PendingRun, RunSummary } from './savedState';

export type { FileRecord, PendingRun, RunSummary };

const INDEX_KEY = 'aymara.files';
const RECORD_PREFIX = 'aymara.file:';
/** Runs kept per file. */
const HISTORY = 20;

/**
 * The single source of results every view listens to. Records are kept per file URI in
 * workspace storage and written the moment anything arrives, so a reload restores them.
 *
 * Saved records are read back after activation (never on its path) and each is checked
 * (savedState.ts): a bad one is dropped with one log line, so saved state can never break the
 * extension. Until they are loaded, readers see no records and `onDidChange` fires when they
 * arrive; every write waits for them first. Everything stored is redacted (never the API key).
 */
export class RunStore implements vscode.Disposable {
  private readonly records = new Map<string, FileRecord>();
  private readonly emitter = new vscode.EventEmitter<string | undefined>();
  /** Fires with the file URI that changed, or undefined when everything may have. */
  readonly onDidChange = this.emitter.event;
  private loading: Promise<void> | undefined;
  private scheduled: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param memento workspace state: every record, results included.
   * @param pendingFile a small file (in workspace storage) that also lists pending runs: it is on
   *   disk the moment it is written, so a reload right after a run starts still finds the run.
   */
  constructor(
    private readonly memento: vscode.Memento,
    private readonly pendingFile: vscode.Uri | undefined,
    private readonly log: Log,
  ) {}

  /** Resolves when the saved records are loaded and checked (starts loading on first call). */
  whenLoaded(): Promise<void> {
    this.loading ??= this.load().catch((err: unknown) => this.log.error(`Could not read the saved results: ${String(err)}`));
    return this.loading;
  }

  /** Forget what is in memory and read the saved records again (what a window reload does). */
  async reload(): Promise<void> {
    await this.whenLoaded();
    this.records.clear();
    this.loading = undefined;
    await this.whenLoaded();
  }

  private async load(): Promise<void> {
    const { checkIndex, checkRecord } = await import('./savedState');
    const index = checkIndex(this.memento.get(INDEX_KEY));
    if (!index.ok) this.log.warn(`Ignored the saved list of scored files: it is not valid (${index.problem}).`);
    for (const key of index.ok ? index.value : []) {
      const raw = this.memento.get<unknown>(RECORD_PREFIX + key);
      if (raw === undefined) continue;
      const rec = checkRecord(raw);
      if (rec.ok && rec.value.uri === key) this.records.set(key, { ...rec.value, history: rec.value.history.slice(0, HISTORY) });
      else this.log.warn(`Dropped the saved results of ${key}: they are not valid (${rec.ok ? 'the record names another file' : rec.problem}). Score the file again.`);
    }
    await this.mergePendingFile();
    this.emitter.fire(undefined);
  }

  /** Merge pending runs from the pending file (runs started just before a reload). */
  private async mergePendingFile(): Promise<void> {
    if (!this.pendingFile) return;
    let data: unknown;
    try {
      data = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(this.pendingFile)));
    } catch {
      return; // no file yet, or unreadable: nothing pending
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      this.log.warn('Ignored the saved list of pending runs: it is not valid.');
      return;
    }
    const { checkPending } = await import('./savedState');
    for (const [uri, raw] of Object.entries(data as Record<string, unknown>)) {
      const p = checkPending(raw);
      if (!p.ok) {
        this.log.warn(`Dropped a saved pending run for ${uri}: it is not valid (${p.problem}).`);
        continue;
      }
      let fileUri: vscode.Uri;
      try {
        fileUri = vscode.Uri.parse(uri, true);
      } catch {
        this.log.warn(`Dropped a saved pending run for ${uri}: not a file URI.`);
        continue;
      }
      const rec = this.records.get(fileUri.toString());
      const run = p.value.eval_run_uuid;
      if (run !== undefined && (rec?.latest?.eval_run_uuid === run || rec?.history.some((h) => h.eval_run_uuid === run))) continue;
      // The file is written first; it may know the id of a run the workspace state has only by name.
      const upgrade = rec?.pending && rec.pending.eval_run_uuid === undefined && run !== undefined && rec.pending.name === p.value.name;
      if (!rec?.pending || upgrade) this.ensure(fileUri).pending = p.value;
    }
  }

  private async writePendingFile(): Promise<void> {
    if (!this.pendingFile) return;
    const data: Record<string, PendingRun> = {};
    for (const rec of this.records.values()) if (rec.pending) data[rec.uri] = rec.pending;
    try {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(this.pendingFile, '..'));
      await vscode.workspace.fs.writeFile(this.pendingFile, new TextEncoder().encode(JSON.stringify(data)));
    } catch {
      // workspace storage unavailable (no folder open): the memento still has the record
    }
  }

  /** Readers start the load on the next turn, so it never runs on the activation path. */
  private scheduleLoad(): void {
    if (this.loading || this.scheduled) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      void this.whenLoaded();
    }, 0);
  }

  /** A file's record (undefined until the saved records are loaded; see whenLoaded). */
  get(uri: vscode.Uri | string): FileRecord | undefined {
    this.scheduleLoad();
    return this.records.get(typeof uri === 'string' ? uri : uri.toString());
  }

  all(): FileRecord[] {
    this.scheduleLoad();
    return [...this.records.values()].sort((a, b) => a.uri.localeCompare(b.uri));
  }

  /**
   * Save a pending run: on disk (the pending file) before this resolves, which is what a reload
   * reads first. Workspace state follows without being waited for (it is written in order), so a
   * submission is not held up by a round trip to the window.
   */
  async setPending(uri: vscode.Uri, pending: PendingRun): Promise<void> {
    await this.whenLoaded();
    const rec = this.ensure(uri);
    rec.pending = this.log.redactDeep(pending);
    await this.writePendingFile();
    this.save(rec).catch((err: unknown) => this.log.warn(`Could not save the pending run of ${rec.uri}: ${String(err)}`));
  }

  /** Drop a file's pending run; with `only`, only when it is still that submission (by name) and no run id became known. */
  async clearPending(uri: vscode.Uri, only?: { name: string | null }): Promise<void> {
    await this.whenLoaded();
    const rec = this.get(uri);
    if (!rec?.pending) return;
    if (only && (rec.pending.eval_run_uuid !== undefined || rec.pending.name !== (only.name === null ? null : this.log.redact(only.name)))) return;
    delete rec.pending;
    await this.writePendingFile();
    await this.save(rec);
  }

  async setResult(uri: vscode.Uri, result: RunResult): Promise<void> {
    await this.whenLoaded();
    const rec = this.ensure(uri);
    const r = this.log.redactDeep(result);
    rec.latest = r;
    rec.stale = false;
    if (rec.pending?.eval_run_uuid === r.eval_run_uuid || r.status === 'finished' || r.status === 'failed') delete rec.pending;
    rec.history = [summarize(r), ...rec.history.filter((h) => h.eval_run_uuid !== r.eval_run_uuid)].slice(0, HISTORY);
    await this.writePendingFile();
    await this.save(rec);
  }

  async setEval(uri: vscode.Uri, evalUuid: string | undefined): Promise<void> {
    await this.whenLoaded();
    const rec = this.ensure(uri);
    rec.evalUuid = evalUuid;
    await this.save(rec);
  }

  /** Mark a file's results stale (the file changed after they were scored). */
  async markStale(uri: vscode.Uri): Promise<void> {
    await this.whenLoaded();
    const rec = this.get(uri);
    if (!rec?.latest || rec.stale) return;
    rec.stale = true;
    await this.save(rec);
  }

  /** New locations after an edit, by result key; results whose entry vanished lose their location. */
  async remap(uri: vscode.Uri, locations: ReadonlyMap<string, { location: EntryLocation; index: number }>, stale: boolean): Promise<void> {
    await this.whenLoaded();
    const rec = this.get(uri);
    if (!rec?.latest) return;
    // A new run object (results are never changed in place): views cache per run object.
    rec.latest = {
      ...rec.latest,
      items: rec.latest.items.map((item) => {
        const hit = locations.get(item.key);
        return { ...item, location: hit?.location ?? null, entry_index: hit?.index ?? null };
      }),
    };
    rec.stale = rec.stale || stale;
    await this.save(rec);
  }

  /** Move a file's record when the file is renamed. */
  async rename(from: vscode.Uri, to: vscode.Uri): Promise<void> {
    await this.whenLoaded();
    const rec = this.get(from);
    if (!rec) return;
    this.records.delete(rec.uri);
    await this.memento.update(RECORD_PREFIX + rec.uri, undefined);
    rec.uri = to.toString();
    this.records.set(rec.uri, rec);
    await this.save(rec);
    this.emitter.fire(from.toString());
  }

  async clear(uri?: vscode.Uri | string): Promise<void> {
    await this.whenLoaded();
    const targets = uri === undefined ? [...this.records.keys()] : [typeof uri === 'string' ? uri : uri.toString()];
    for (const key of targets) {
      this.records.delete(key);
      await this.memento.update(RECORD_PREFIX + key, undefined);
    }
    await this.memento.update(INDEX_KEY, [...this.records.keys()]);
    this.emitter.fire(uri === undefined ? undefined : targets[0]);
  }

  private ensure(uri: vscode.Uri): FileRecord {
    const key = uri.toString();
    let rec = this.records.get(key);
    if (!rec) {
      rec = { uri: key, stale: false, history: [] };
      this.records.set(key, rec);
    }
    return rec;
  }

  private async save(rec: FileRecord): Promise<void> {
    await this.memento.update(RECORD_PREFIX + rec.uri, rec);
    const index = [...this.records.keys()];
    await this.memento.update(INDEX_KEY, index);
    this.emitter.fire(rec.uri);
  }

  dispose(): void {
    clearTimeout(this.scheduled);
    this.emitter.dispose();
  }
}

function summarize(r: RunResult): RunSummary {
  return {
    eval_run_uuid: r.eval_run_uuid,
    run_name: r.run_name,
    pass_rate: r.pass_rate,
    counts: r.counts,
    completed_at: r.completed_at,
    status: r.status,
  };
}
