import * as vscode from 'vscode';
import type { EntryLocation, RunResult } from '../core/results';

/** A run whose id is known but whose results have not arrived (saved before waiting on the server). */
export interface PendingRun {
  eval_run_uuid: string;
  eval_uuid: string;
  name: string | null;
  started_at: string;
}

export interface RunSummary {
  eval_run_uuid: string;
  run_name: string | null;
  pass_rate: number | null;
  counts: RunResult['counts'];
  completed_at: string;
  status: RunResult['status'];
}

/** Everything known about one scored file. */
export interface FileRecord {
  uri: string;
  latest?: RunResult;
  /** True when the file changed after `latest` was scored: ranges are re-mapped, verdicts may be out of date. */
  stale: boolean;
  pending?: PendingRun;
  /** Newest first, at most HISTORY runs. */
  history: RunSummary[];
  /** The eval chosen for this file when the file itself names none. */
  evalUuid?: string;
}

const INDEX_KEY = 'aymara.files';
const RECORD_PREFIX = 'aymara.file:';
const HISTORY = 20;

/**
 * The single source of results every view listens to. Records are kept per file URI in
 * workspace storage and written the moment anything arrives, so a reload restores them.
 */
export class RunStore implements vscode.Disposable {
  private readonly records = new Map<string, FileRecord>();
  private readonly emitter = new vscode.EventEmitter<string | undefined>();
  /** Fires with the file URI that changed, or undefined when everything may have. */
  readonly onDidChange = this.emitter.event;
  private loaded = false;

  /**
   * @param memento workspace state: every record, results included.
   * @param pendingFile a small file (in workspace storage) that also lists pending runs: it is on
   *   disk the moment it is written, so a reload right after a run starts still finds the run.
   */
  constructor(
    private readonly memento: vscode.Memento,
    private readonly pendingFile?: vscode.Uri,
  ) {}

  /** Merge pending runs from the pending file (runs started just before a reload). */
  async loadPendingFile(): Promise<void> {
    this.load();
    if (!this.pendingFile) return;
    let data: unknown;
    try {
      data = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(this.pendingFile)));
    } catch {
      return; // no file yet, or unreadable: nothing pending
    }
    if (!data || typeof data !== 'object') return;
    let changed = false;
    for (const [uri, p] of Object.entries(data as Record<string, unknown>)) {
      if (!isPending(p)) continue;
      const rec = this.ensure(vscode.Uri.parse(uri));
      if (rec.pending || rec.latest?.eval_run_uuid === p.eval_run_uuid || rec.history.some((h) => h.eval_run_uuid === p.eval_run_uuid)) continue;
      rec.pending = p;
      changed = true;
    }
    if (changed) this.emitter.fire(undefined);
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

  /** Load saved records. Cheap (memento is in memory) but kept out of activation on purpose. */
  load(): void {
    if (this.loaded) return;
    this.loaded = true;
    const index = this.memento.get<string[]>(INDEX_KEY, []);
    for (const uri of index) {
      const rec = this.memento.get<FileRecord>(RECORD_PREFIX + uri);
      if (rec && typeof rec.uri === 'string') this.records.set(uri, { ...rec, history: rec.history ?? [] });
    }
    this.emitter.fire(undefined);
  }

  get(uri: vscode.Uri | string): FileRecord | undefined {
    this.load();
    return this.records.get(typeof uri === 'string' ? uri : uri.toString());
  }

  all(): FileRecord[] {
    this.load();
    return [...this.records.values()].sort((a, b) => a.uri.localeCompare(b.uri));
  }

  async setPending(uri: vscode.Uri, pending: PendingRun): Promise<void> {
    const rec = this.ensure(uri);
    rec.pending = pending;
    await this.writePendingFile();
    await this.save(rec);
  }

  async clearPending(uri: vscode.Uri): Promise<void> {
    const rec = this.get(uri);
    if (!rec?.pending) return;
    delete rec.pending;
    await this.writePendingFile();
    await this.save(rec);
  }

  async setResult(uri: vscode.Uri, result: RunResult): Promise<void> {
    const rec = this.ensure(uri);
    rec.latest = result;
    rec.stale = false;
    if (rec.pending?.eval_run_uuid === result.eval_run_uuid || result.status === 'finished' || result.status === 'failed') delete rec.pending;
    rec.history = [summarize(result), ...rec.history.filter((h) => h.eval_run_uuid !== result.eval_run_uuid)].slice(0, HISTORY);
    await this.writePendingFile();
    await this.save(rec);
  }

  async setEval(uri: vscode.Uri, evalUuid: string | undefined): Promise<void> {
    const rec = this.ensure(uri);
    rec.evalUuid = evalUuid;
    await this.save(rec);
  }

  /** New locations after an edit, by result key; results whose entry vanished lose their location. */
  async remap(uri: vscode.Uri, locations: ReadonlyMap<string, { location: EntryLocation; index: number }>, stale: boolean): Promise<void> {
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
    let rec = this.get(key);
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
    this.emitter.dispose();
  }
}

function isPending(p: unknown): p is PendingRun {
  const o = p as Partial<PendingRun> | null;
  return !!o && typeof o === 'object' && typeof o.eval_run_uuid === 'string' && typeof o.eval_uuid === 'string' && typeof o.started_at === 'string';
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
