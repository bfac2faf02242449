import * as vscode from 'vscode';
import type { AymaraClient } from '../core/client';
import type { Log } from './log';
import type { SavedPrompts } from './savedState';
import type { Disk } from './store/seams';
import { diskAt } from './store/workspaceDisk';

export interface PromptInfo {
  content: string;
  category: string | null;
}

export interface EvalInfo {
  name: string | null;
  eval_type: string | null;
}

/** Where earlier versions kept the cache (workspace state); moved to FILE on first use. */
const LEGACY_KEY = 'aymara.promptCache';
const FILE = 'prompt-cache.json';
const MAX_EVALS = 20;
/** The background fetch of one eval's prompts gives up after this long, whatever the server does. */
const FETCH_LIMIT_MS = 2 * 60_000;

type Saved = SavedPrompts;

/**
 * Prompt texts (and eval names) by eval, fetched once after scoring and kept in a file in the
 * extension's storage (never in workspace state, which crosses to the window at every start),
 * redacted, so tree labels and webview cards can show the prompt, not just its id. The file is
 * read on first use and checked; `onDidChange` fires for each eval when it arrives. The fetch runs
 * in the background, bounded in time (and by the client's paging limits) and cancelled on dispose.
 */
export class PromptCache implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string>();
  /** Fires with the eval id whose prompts arrived. */
  readonly onDidChange = this.emitter.event;
  private saved: Saved = {};
  private loading: Promise<void> | undefined;
  private scheduled: ReturnType<typeof setTimeout> | undefined;
  private writes: Promise<void> = Promise.resolve();
  private readonly disk: Disk;
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly stop = new AbortController();

  /** @param storage the folder for the cache file (workspace storage, else global storage). */
  constructor(
    private readonly memento: vscode.Memento,
    storage: vscode.Uri,
    private readonly log: Pick<Log, 'warn' | 'redactDeep'>,
  ) {
    this.disk = diskAt(storage);
  }

  /** Resolves when the saved prompts are read (starts reading on first call). */
  whenLoaded(): Promise<void> {
    this.loading ??= this.load().catch((err: unknown) => this.log.warn(`Could not read the saved prompt texts: ${String(err)}`));
    return this.loading;
  }

  private async load(): Promise<void> {
    const { checkPrompts } = await import('./savedState');
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder().decode(await this.disk.read(FILE)));
    } catch {
      raw = undefined; // no file yet (or unreadable): fetched again when needed
    }
    const legacy = this.memento.get<unknown>(LEGACY_KEY);
    const migrating = raw === undefined && legacy !== undefined;
    const { value, dropped } = checkPrompts(migrating ? legacy : raw);
    if (dropped.length) this.log.warn(`Ignored the saved prompt texts of ${dropped.length} eval(s): they are not valid and are fetched again when needed.`);
    // What was fetched while reading is newer.
    this.saved = { ...(migrating ? this.log.redactDeep(value) : value), ...this.saved };
    if (legacy !== undefined) await this.memento.update(LEGACY_KEY, undefined);
    if (migrating) await this.save();
    if (this.stop.signal.aborted) return;
    for (const evalUuid of Object.keys(value)) this.emitter.fire(evalUuid);
  }

  /** Writes the cache file (through a temporary file), one write at a time. */
  private save(): Promise<void> {
    const bytes = new TextEncoder().encode(JSON.stringify(this.saved));
    this.writes = this.writes
      .then(() => this.disk.writeAtomic(FILE, bytes))
      .catch((err: unknown) => this.log.warn(`Could not save the prompt texts (${String(err)}); they are fetched again after a reload.`));
    return this.writes;
  }

  /** The cache as far as it is read; the first reader starts the read on the next turn (never on the activation path). */
  private data(): Saved {
    if (!this.loading && !this.scheduled) {
      this.scheduled = setTimeout(() => void this.whenLoaded(), 0);
    }
    return this.saved;
  }

  prompt(evalUuid: string, promptUuid: string): PromptInfo | undefined {
    return this.data()[evalUuid]?.prompts[promptUuid];
  }

  evalInfo(evalUuid: string): EvalInfo | undefined {
    return this.data()[evalUuid]?.eval;
  }

  /** An eval's first-turn prompts in the eval's order (as listed by the API), once fetched. */
  list(evalUuid: string): Array<PromptInfo & { prompt_uuid: string }> | undefined {
    const saved = this.data()[evalUuid];
    if (!saved) return undefined;
    return Object.entries(saved.prompts).map(([prompt_uuid, p]) => ({ prompt_uuid, ...p }));
  }

  has(evalUuid: string): boolean {
    return this.data()[evalUuid] !== undefined;
  }

  /** Fetch an eval's prompts unless cached (or `force`); failures are logged, never thrown. */
  ensure(evalUuid: string, client: () => Promise<AymaraClient>, force = false): Promise<void> {
    if (!force && this.has(evalUuid)) return Promise.resolve();
    const running = this.inflight.get(evalUuid);
    if (running) return running;
    if (this.stop.signal.aborted) return Promise.resolve();
    const job = (async () => {
      let c: AymaraClient | undefined;
      const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(FETCH_LIMIT_MS)]);
      try {
        await this.whenLoaded();
        if (!force && this.has(evalUuid)) return;
        c = await client();
        const [ev, prompts] = await Promise.all([c.getEval(evalUuid, { signal }).catch(() => undefined), c.listPrompts(evalUuid, { signal })]);
        if (this.stop.signal.aborted) return;
        const map: Record<string, PromptInfo> = {};
        for (const p of prompts.items) map[p.prompt_uuid] = { content: p.content, category: p.category ?? null };
        const data = { ...this.data() };
        // Redacted before it is kept or saved: the API key never reaches storage.
        data[evalUuid] = this.log.redactDeep({ fetched_at: new Date().toISOString(), ...(ev ? { eval: { name: ev.name ?? null, eval_type: ev.eval_type } } : {}), prompts: map });
        const keys = Object.keys(data).sort((a, b) => (data[b]?.fetched_at ?? '').localeCompare(data[a]?.fetched_at ?? ''));
        for (const k of keys.slice(MAX_EVALS)) delete data[k];
        this.saved = data;
        await this.save();
        this.emitter.fire(evalUuid);
      } catch (err) {
        if (this.stop.signal.aborted) return; // disposed: nobody is left to tell
        const why = signal.aborted ? `stopped after ${FETCH_LIMIT_MS / 1000} s` : err instanceof Error ? err.message : String(err);
        this.log.warn(`Could not fetch the prompts of eval ${evalUuid}: ${why}`);
      } finally {
        void c?.close();
        this.inflight.delete(evalUuid);
      }
    })();
    this.inflight.set(evalUuid, job);
    return job;
  }

  /** Stops every fetch in flight (their requests are aborted) and any later one. */
  dispose(): void {
    clearTimeout(this.scheduled);
    this.stop.abort();
    this.emitter.dispose();
  }
}
