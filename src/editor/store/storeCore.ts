/**
 * The run store's logic, with no `vscode` import (see seams.ts; runStore.ts adapts it to VS Code).
 *
 * Workspace state holds a small record per file (run summaries, which run file holds which run's
 * results, the pending run, the chosen eval) and the list of files. Results live in run files
 * (runFiles.ts), one per run, read when needed: the index is read first (nothing results-sized),
 * then the latest run of every file in the background, each announced when it arrives.
 * Everything read back is checked (savedState.ts); a bad record or run file is dropped with one
 * log line. Records in the format before run files (results inside workspace state) are moved
 * to run files on load and the large values removed.
 */
import { applyOverride, type AcceptedOverride } from '../../core/override/applyOverride';
import type { EntryLocation, RunResult } from '../../core/results';
import type { FileRecord, PendingRun, RunSummary, SavedRecord, SavedRun } from '../savedState';
import { encodeRun, runFileName, RunFiles } from './runFiles';
import type { StoreHost } from './seams';

export const INDEX_KEY = 'aymara.files';
export const RECORD_PREFIX = 'aymara.file:';
export const PENDING_FILE = 'pending-runs.json';
/** Run summaries kept per file (at least; more when aymara.history.maxRuns is larger). */
const SUMMARIES = 50;

type Checks = typeof import('../savedState');

export class StoreCore {
  protected readonly records = new Map<string, FileRecord>();
  private readonly files: RunFiles;
  private checks: Checks | undefined;
  private indexing: Promise<void> | undefined;
  private loading: Promise<void> | undefined;
  private readonly latestReads = new WeakMap<FileRecord, Promise<void>>();
  private pendingWrites: Promise<void> = Promise.resolve();
  private swept = false;

  constructor(protected readonly host: StoreHost) {
    this.files = new RunFiles(host.disk);
  }

  /** Resolves when the index (and pending runs) are read and checked; no results are read. */
  whenIndexed(): Promise<void> {
    this.indexing ??= this.loadIndex().catch((err: unknown) => this.host.log.error(`Could not read the saved results: ${String(err)}`));
    return this.indexing;
  }

  /** Resolves when the index is read and every file's latest results are read (or dropped). */
  whenLoaded(): Promise<void> {
    this.loading ??= this.whenIndexed()
      .then(() => this.loadLatest())
      .catch((err: unknown) => this.host.log.error(`Could not read the saved results: ${String(err)}`));
    return this.loading;
  }

  /** Forget what is in memory and read the saved records again (what a window reload does). */
  async reload(): Promise<void> {
    await this.whenLoaded();
    this.records.clear();
    this.indexing = undefined;
    this.loading = undefined;
    await this.whenLoaded();
  }

  /** The checks of what is read back (they load zod and the schemas: only once something saved is read). */
  private async checker(): Promise<Checks> {
    return (this.checks ??= await import('../savedState'));
  }

  private async loadIndex(): Promise<void> {
    // Read after activation has returned: activation does no I/O.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const { state, log } = this.host;
    const saved = state.get(INDEX_KEY);
    // A workspace where nothing was ever scored has no index: nothing to check, nothing loaded.
    const c = saved === undefined ? undefined : await this.checker();
    const index = c ? c.checkIndex(saved) : { ok: true as const, value: [] as string[] };
    if (!index.ok) log.warn(`Ignored the saved list of scored files: it is not valid (${index.problem}).`);
    const migrate: FileRecord[] = [];
    for (const key of index.ok ? index.value : []) {
      const raw = state.get(RECORD_PREFIX + key);
      if (raw === undefined || !c) continue;
      const rec = c.checkRecord(raw);
      if (!rec.ok || rec.value.uri !== key) {
        log.warn(`Dropped the saved results of ${key}: they are not valid (${rec.ok ? 'the record names another file' : rec.problem}). Score the file again.`);
        continue;
      }
      const r = rec.value;
      if (r.latest) {
        r.latestRun = r.latest.eval_run_uuid;
        migrate.push(r);
      }
      this.records.set(key, r);
    }
    await this.mergePendingFile();
    // Values nothing reads any more (dropped records, records of the format before run files) go.
    for (const key of state.keys()) {
      if (key.startsWith(RECORD_PREFIX) && !this.records.has(key.slice(RECORD_PREFIX.length))) await state.update(key, undefined);
    }
    for (const rec of migrate) await this.migrate(rec);
    if (migrate.length) log.info(`Moved the saved results of ${migrate.length} file(s) from workspace state to run files.`);
    this.host.changed(undefined);
  }

  /** A record of the format before run files: its results go to a run file, the record shrinks. */
  private async migrate(rec: FileRecord): Promise<void> {
    const run = rec.latest!;
    let entry = rec.history.find((h) => h.eval_run_uuid === run.eval_run_uuid);
    if (!entry) rec.history.unshift((entry = summarize(run)));
    await this.storeRun(rec, run, entry);
    await this.saveRecord(rec);
  }

  /** Merge pending runs from the pending file (runs started just before a reload). */
  private async mergePendingFile(): Promise<void> {
    if (!this.host.pendingFile) return;
    let data: unknown;
    try {
      data = JSON.parse(new TextDecoder().decode(await this.host.disk.read(PENDING_FILE)));
    } catch {
      return; // no file yet, or unreadable: nothing pending
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      this.host.log.warn('Ignored the saved list of pending runs: it is not valid.');
      return;
    }
    for (const [uri, raw] of Object.entries(data as Record<string, unknown>)) {
      const p = (await this.checker()).checkPending(raw);
      if (!p.ok) {
        this.host.log.warn(`Dropped a saved pending run for ${uri}: it is not valid (${p.problem}).`);
        continue;
      }
      const key = this.host.canonicalUri(uri);
      if (key === undefined) {
        this.host.log.warn(`Dropped a saved pending run for ${uri}: not a file URI.`);
        continue;
      }
      const rec = this.records.get(key);
      const run = p.value.eval_run_uuid;
      if (run !== undefined && (rec?.latestRun === run || rec?.history.some((h) => h.eval_run_uuid === run))) continue;
      // The file is written first; it may know the id of a run the workspace state has only by name.
      const upgrade = rec?.pending && rec.pending.eval_run_uuid === undefined && run !== undefined && rec.pending.name === p.value.name;
      if (!rec?.pending || upgrade) this.ensure(key).pending = p.value;
    }
  }

  private writePendingFile(): Promise<void> {
    if (!this.host.pendingFile) return Promise.resolve();
    const data: Record<string, PendingRun> = {};
    for (const rec of this.records.values()) if (rec.pending) data[rec.uri] = rec.pending;
    const bytes = new TextEncoder().encode(JSON.stringify(data));
    // In order: the last state written is the last state set.
    this.pendingWrites = this.pendingWrites.then(() =>
      this.host.disk.writeAtomic(PENDING_FILE, bytes).catch(() => undefined), // storage unavailable: workspace state still has it
    );
    return this.pendingWrites;
  }

  /** Reads every file's latest run, one at a time, announcing each as it arrives. */
  private async loadLatest(): Promise<void> {
    for (const rec of [...this.records.values()]) await this.latestOf(rec);
    await this.afterLoad();
  }

  /** Reads a record's latest run unless it is in memory (one read at a time per record). */
  private latestOf(rec: FileRecord): Promise<void> {
    // A read in flight first: one that failed is still saving the record and deleting the file.
    const inflight = this.latestReads.get(rec);
    if (inflight) return inflight;
    if (rec.latest || !rec.latestRun) return Promise.resolve();
    const read = this.readLatest(rec).finally(() => this.latestReads.delete(rec));
    this.latestReads.set(rec, read);
    return read;
  }

  private async readLatest(rec: FileRecord): Promise<void> {
    const id = rec.latestRun!;
    const entry = rec.history.find((h) => h.eval_run_uuid === id);
    const run = entry?.file ? await this.readRun(rec.uri, entry) : undefined;
    // Superseded while reading (a new result, a clear): what is in memory now wins.
    if (this.records.get(rec.uri) !== rec || rec.latestRun !== id || rec.latest) return;
    if (run) {
      rec.latest = run;
      this.host.changed(rec.uri);
      return;
    }
    if (!entry?.file) this.host.log.warn(`Dropped the saved results of ${rec.uri} (run ${id}): they were not stored on disk. Score the file again.`);
    delete rec.latestRun;
    if (entry) await this.unstore(rec, [entry]);
    else await this.saveRecord(rec);
  }

  /** A stored run's results, checked; undefined (with one log line) when missing or not valid. */
  private async readRun(uri: string, entry: SavedRun): Promise<RunResult | undefined> {
    const name = entry.file!;
    let raw: unknown;
    try {
      raw = await this.files.read(name);
    } catch (err) {
      const why = err instanceof SyntaxError ? 'its run file is not valid JSON' : 'its run file is missing or unreadable';
      this.host.log.warn(`Dropped the saved results of ${uri} (run ${entry.eval_run_uuid}): ${why}. Score the file again.`);
      return undefined;
    }
    const r = (await this.checker()).checkRun(raw);
    if (r.ok && r.value.eval_run_uuid === entry.eval_run_uuid) return r.value;
    this.host.log.warn(`Dropped the saved results of ${uri} (run ${entry.eval_run_uuid}): its run file is not valid (${r.ok ? 'it holds another run' : r.problem}). Score the file again.`);
    return undefined;
  }

  /** Marks runs as not stored locally, saves the record, then deletes their run files. */
  private async unstore(rec: FileRecord, entries: SavedRun[]): Promise<void> {
    const names = entries.map((e) => e.file).filter((n): n is string => n !== undefined);
    for (const e of entries) {
      delete e.file;
      delete e.bytes;
    }
    await this.saveRecord(rec);
    await this.release(names);
  }

  /** Deletes run files no record refers to any more. */
  private async release(names: Iterable<string>): Promise<void> {
    const used = this.referenced();
    for (const name of names) {
      if (used.has(name)) continue;
      await this.files.remove(name).catch((err: unknown) => this.host.log.warn(`Could not delete the run file ${name}: ${String(err)}`));
    }
  }

  private referenced(): Set<string> {
    const used = new Set<string>();
    for (const rec of this.records.values()) for (const h of rec.history) if (h.file) used.add(h.file);
    return used;
  }

  /** After the first load: retention (settings may have changed), then leftovers of a crash. */
  private async afterLoad(): Promise<void> {
    await this.retain();
    if (this.swept || !this.host.ownsStorage) return;
    this.swept = true;
    const used = this.referenced();
    for (const name of await this.files.list()) {
      const base = name.replace(/\.[0-9a-f]+\.tmp$/, '');
      if (used.has(base) || this.files.busy(base)) continue;
      if (name.endsWith('.json') || name.endsWith('.tmp')) await this.files.remove(name).catch(() => undefined);
    }
  }

  /**
   * Retention: per file, the results of the latest run and of the newest runs up to
   * `maxRuns`; in all, at most `maxBytes` of run files (older runs go first, never a latest).
   * Dropped runs keep their summaries, marked as not stored locally.
   */
  async retain(): Promise<void> {
    await this.whenIndexed();
    const { maxRuns, maxBytes } = this.host.limits();
    const drop = new Map<FileRecord, Set<SavedRun>>();
    const mark = (rec: FileRecord, h: SavedRun) => {
      let set = drop.get(rec);
      if (!set) drop.set(rec, (set = new Set()));
      set.add(h);
    };
    const older: { rec: FileRecord; h: SavedRun }[] = [];
    let total = 0;
    for (const rec of this.records.values()) {
      let kept = rec.latestRun ? 1 : 0;
      for (const h of rec.history) {
        if (!h.file) continue;
        if (h.eval_run_uuid === rec.latestRun) {
          total += h.bytes ?? 0;
        } else if (kept < maxRuns) {
          kept++;
          total += h.bytes ?? 0;
          older.push({ rec, h });
        } else {
          mark(rec, h);
        }
      }
    }
    older.sort((a, b) => a.h.completed_at.localeCompare(b.h.completed_at));
    for (const { rec, h } of older) {
      if (total <= maxBytes) break;
      total -= h.bytes ?? 0;
      mark(rec, h);
    }
    if (!drop.size) return;
    let n = 0;
    for (const [rec, set] of drop) {
      n += set.size;
      await this.unstore(rec, [...set]);
    }
    this.host.log.info(`Deleted the stored results of ${n} older run(s) (limits: ${maxRuns} runs per file, ${Math.round(maxBytes / 1048576)} MB in all); their summaries stay in the history.`);
  }

  /** Writes a run's results to its run file and notes the file in `entry` (not when the write fails). */
  /** Writes a run's file; false (with a log line, and the entry marked not stored) when it could not. */
  private async storeRun(rec: FileRecord, run: RunResult, entry: SavedRun): Promise<boolean> {
    const name = runFileName(rec.uri, run.eval_run_uuid);
    entry.file = name; // before the write: a file being written is never taken for a leftover
    try {
      const data = await encodeRun(run);
      await this.files.write(name, data);
      entry.bytes = data.byteLength;
      return true;
    } catch (err) {
      delete entry.file;
      delete entry.bytes;
      this.host.log.warn(`Could not save the results of ${rec.uri} to disk (${String(err)}); they are kept until the window closes.`);
      return false;
    }
  }

  // ---- reading

  /** A file's record; asking for one whose latest run is not read yet reads it first (before the other files). */
  get(uri: string): FileRecord | undefined {
    const rec = this.records.get(uri);
    if (rec && !rec.latest && rec.latestRun) void this.latestOf(rec);
    return rec;
  }

  all(): FileRecord[] {
    return [...this.records.values()].sort((a, b) => a.uri.localeCompare(b.uri));
  }

  /** A file's runs, newest first, each with whether its results are stored locally. */
  runs(uri: string): RunSummary[] {
    return (this.records.get(uri)?.history ?? []).map(({ file, bytes: _bytes, ...s }) => ({ ...s, stored: file !== undefined }));
  }

  /** A run's results: the latest from memory, any other read from its run file (undefined when not stored or not valid). */
  async getRun(uri: string, runUuid: string): Promise<RunResult | undefined> {
    await this.whenIndexed();
    const rec = this.records.get(uri);
    if (!rec) return undefined;
    if (rec.latestRun === runUuid) {
      await this.latestOf(rec);
      return rec.latest?.eval_run_uuid === runUuid ? rec.latest : undefined;
    }
    const entry = rec.history.find((h) => h.eval_run_uuid === runUuid);
    if (!entry?.file) return undefined;
    const run = await this.readRun(uri, entry);
    if (!run && entry.file && this.records.get(uri) === rec) await this.unstore(rec, [entry]);
    return run;
  }

  // ---- writing

  async setPending(uri: string, pending: PendingRun): Promise<void> {
    await this.whenIndexed();
    const rec = this.ensure(uri);
    rec.pending = this.host.log.redactDeep(pending);
    await this.writePendingFile();
    this.saveRecord(rec).catch((err: unknown) => this.host.log.warn(`Could not save the pending run of ${rec.uri}: ${String(err)}`));
  }

  async clearPending(uri: string, only?: { name: string | null }): Promise<void> {
    await this.whenIndexed();
    const rec = this.records.get(uri);
    if (!rec?.pending) return;
    if (only && (rec.pending.eval_run_uuid !== undefined || rec.pending.name !== (only.name === null ? null : this.host.log.redact(only.name)))) return;
    delete rec.pending;
    await this.writePendingFile();
    await this.saveRecord(rec);
  }

  async setResult(uri: string, result: RunResult): Promise<void> {
    await this.whenIndexed();
    const rec = this.ensure(uri);
    const r = this.host.log.redactDeep(result);
    rec.latest = r;
    rec.latestRun = r.eval_run_uuid;
    rec.stale = false;
    if (rec.pending?.eval_run_uuid === r.eval_run_uuid || r.status === 'finished' || r.status === 'failed') delete rec.pending;
    const entry: SavedRun = summarize(r);
    const before = rec.history;
    const keep = Math.max(SUMMARIES, this.host.limits().maxRuns);
    rec.history = [entry, ...before.filter((h) => h.eval_run_uuid !== r.eval_run_uuid)].slice(0, keep);
    // The views show the results now; saving them follows (a round trip to the window for the
    // index), so failures are on screen without waiting for the disk or the window.
    entry.file = runFileName(rec.uri, r.eval_run_uuid);
    this.host.changed(uri);
    const stored = await this.storeRun(rec, r, entry);
    await this.writePendingFile();
    await this.saveRecord(rec, !stored);
    // Files of the runs this replaced or pushed out of the history.
    await this.release(before.filter((h) => h.file && !rec.history.includes(h)).map((h) => h.file!));
    await this.retain();
  }

  async setEval(uri: string, evalUuid: string | undefined): Promise<void> {
    await this.whenIndexed();
    const rec = this.ensure(uri);
    rec.evalUuid = evalUuid;
    await this.saveRecord(rec);
  }

  async markStale(uri: string): Promise<void> {
    await this.whenIndexed();
    const rec = this.records.get(uri);
    if (!rec?.latestRun || rec.stale) return;
    rec.stale = true;
    await this.saveRecord(rec);
  }

  async remap(uri: string, locations: ReadonlyMap<string, { location: EntryLocation; index: number }>, stale: boolean): Promise<void> {
    await this.whenIndexed();
    const rec = this.records.get(uri);
    if (!rec) return;
    await this.latestOf(rec);
    if (!rec.latest || this.records.get(uri) !== rec) return;
    // A new run object (results are never changed in place): views cache per run object.
    const run: RunResult = {
      ...rec.latest,
      items: rec.latest.items.map((item) => {
        const hit = locations.get(item.key);
        return { ...item, location: hit?.location ?? null, entry_index: hit?.index ?? null };
      }),
    };
    rec.latest = run;
    rec.stale = rec.stale || stale;
    const entry = rec.history.find((h) => h.eval_run_uuid === run.eval_run_uuid);
    if (entry) await this.storeRun(rec, run, entry);
    await this.saveRecord(rec);
  }

  /**
   * Writes a person's accepted override into the file's latest results (the rule is
   * core/override/applyOverride): shown at once, then its run file and the run's summary saved.
   * Returns the new results, or undefined when the latest run is no longer `runUuid` or has no
   * such item (nothing is changed then).
   */
  async applyOverride(uri: string, runUuid: string, key: string, accepted: AcceptedOverride, now: string): Promise<RunResult | undefined> {
    await this.whenIndexed();
    const rec = this.records.get(uri);
    if (!rec) return undefined;
    await this.latestOf(rec);
    if (this.records.get(uri) !== rec || rec.latest?.eval_run_uuid !== runUuid) return undefined;
    const run = applyOverride(rec.latest, key, this.host.log.redactDeep(accepted), now);
    if (!run) return undefined;
    rec.latest = run;
    const entry = rec.history.find((h) => h.eval_run_uuid === runUuid);
    if (entry) Object.assign(entry, { counts: run.counts, pass_rate: run.pass_rate });
    this.host.changed(uri);
    if (entry) await this.storeRun(rec, run, entry);
    await this.saveRecord(rec, false);
    return run;
  }

  /** Moves a file's record when the file is renamed (its run files keep their names). */
  async rename(from: string, to: string): Promise<boolean> {
    await this.whenIndexed();
    const rec = this.records.get(from);
    if (!rec) return false;
    this.records.delete(from);
    await this.host.state.update(RECORD_PREFIX + from, undefined);
    const replaced = this.records.get(to);
    rec.uri = to;
    this.records.set(to, rec);
    if (rec.pending || replaced?.pending) await this.writePendingFile();
    await this.saveRecord(rec);
    if (replaced) await this.release(replaced.history.flatMap((h) => (h.file ? [h.file] : [])));
    this.host.changed(from);
    return true;
  }

  /** Drops the records (and run files) of one file, or of every file. */
  async clear(uri?: string): Promise<void> {
    await this.whenIndexed();
    const targets = uri === undefined ? [...this.records.keys()] : [uri];
    const names: string[] = [];
    let pending = false;
    for (const key of targets) {
      const rec = this.records.get(key);
      this.records.delete(key);
      pending ||= rec?.pending !== undefined;
      for (const h of rec?.history ?? []) if (h.file) names.push(h.file);
      await this.host.state.update(RECORD_PREFIX + key, undefined);
    }
    await this.host.state.update(INDEX_KEY, [...this.records.keys()]);
    if (pending) await this.writePendingFile();
    this.host.changed(uri === undefined ? undefined : targets[0]);
    await this.release(names);
  }

  private ensure(uri: string): FileRecord {
    let rec = this.records.get(uri);
    if (!rec) {
      rec = { uri, stale: false, history: [] };
      this.records.set(uri, rec);
    }
    return rec;
  }

  /** Saves a record's index entry (never its results) and the list of files. */
  /** Saves a record's index entry; then tells the views, unless they were told already (`notify` false). */
  private async saveRecord(rec: FileRecord, notify = true): Promise<void> {
    const { latest: _results, ...rest } = rec;
    const saved: SavedRecord = JSON.parse(JSON.stringify(rest)) as SavedRecord; // a copy: later changes are saved explicitly
    if (this.records.get(rec.uri) === rec) {
      await this.host.state.update(RECORD_PREFIX + rec.uri, saved);
      await this.host.state.update(INDEX_KEY, [...this.records.keys()]);
    }
    if (notify) this.host.changed(rec.uri);
  }
}

function summarize(r: RunResult): SavedRun {
  return {
    eval_run_uuid: r.eval_run_uuid,
    run_name: r.run_name,
    pass_rate: r.pass_rate,
    counts: r.counts,
    completed_at: r.completed_at,
    status: r.status,
  };
}
