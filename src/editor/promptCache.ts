import * as vscode from 'vscode';
import type { AymaraClient } from '../core/client';
import type { Log } from './log';

export interface PromptInfo {
  content: string;
  category: string | null;
}

export interface EvalInfo {
  name: string | null;
  eval_type: string | null;
}

const KEY = 'aymara.promptCache';
const MAX_EVALS = 20;
/** The background fetch of one eval's prompts gives up after this long, whatever the server does. */
const FETCH_LIMIT_MS = 2 * 60_000;

interface Saved {
  [evalUuid: string]: { fetched_at: string; eval?: EvalInfo; prompts: Record<string, PromptInfo> };
}

/**
 * Prompt texts (and eval names) by eval, fetched once after scoring and kept in workspace
 * storage so tree labels and webview cards can show the prompt, not just its id. The fetch runs
 * in the background, bounded in time (and by the client's paging limits) and cancelled on dispose.
 */
export class PromptCache implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string>();
  /** Fires with the eval id whose prompts arrived. */
  readonly onDidChange = this.emitter.event;
  private saved: Saved | undefined;
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly stop = new AbortController();

  constructor(
    private readonly memento: vscode.Memento,
    private readonly log: Pick<Log, 'warn'>,
  ) {}

  private data(): Saved {
    this.saved ??= this.memento.get<Saved>(KEY, {});
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
        c = await client();
        const [ev, prompts] = await Promise.all([c.getEval(evalUuid, { signal }).catch(() => undefined), c.listPrompts(evalUuid, { signal })]);
        if (this.stop.signal.aborted) return;
        const map: Record<string, PromptInfo> = {};
        for (const p of prompts.items) map[p.prompt_uuid] = { content: p.content, category: p.category ?? null };
        const data = { ...this.data() };
        data[evalUuid] = { fetched_at: new Date().toISOString(), eval: ev ? { name: ev.name ?? null, eval_type: ev.eval_type } : undefined, prompts: map };
        const keys = Object.keys(data).sort((a, b) => (data[b]?.fetched_at ?? '').localeCompare(data[a]?.fetched_at ?? ''));
        for (const k of keys.slice(MAX_EVALS)) delete data[k];
        this.saved = data;
        await this.memento.update(KEY, data);
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
    this.stop.abort();
    this.emitter.dispose();
  }
}
