/**
 * In-memory store: evals and prompts from the seed, eval runs and their scored responses.
 * Scoring (judge + multi-turn threads) happens on submission; what GET shows depends on the
 * run's phase (created → processing → finished/failed), which advances when the run is polled.
 */
import { randomUUID } from 'node:crypto';
import type { ScoreRequest } from '../core/schemas';
import { sniffMedia, type FileRecord, type FileStore } from './files';
import { judge, type JudgeFile } from './judge';
import { ApiError, invalidRequest, notFound, type FieldProblem } from './http';
import type { SeedData, SeedEval, SeedPromptBase } from './seed';
import type { ApiEval, ApiEvalRun, ApiPrompt, ApiScoredResponse, Fault } from './types';

interface PromptDef {
  api: ApiPrompt;
  turn: number;
  /** Lower-cased: the prompt's banned terms, then the eval's. */
  banned: readonly string[];
  required: readonly string[];
  /** The prompt of the next turn in a multi-turn conversation. */
  next: string | null;
}

interface Generated {
  count: number;
  prefix: string;
  content: string;
  category: string | null;
  banned: string[];
  required: string[];
}

const lower = (terms: readonly string[] | undefined) => (terms ?? []).map((t) => t.toLowerCase());
const DEFAULT_TIME = '2025-01-01T00:00:00.000Z';

class EvalDef {
  readonly api: ApiEval;
  readonly firstTurn: PromptDef[] = [];
  readonly multiTurn: boolean;
  private readonly generated: Generated | undefined;
  private readonly index = new Map<string, PromptDef>();

  constructor(seed: SeedEval) {
    const index = this.index;
    const evalBanned = lower(seed.banned_terms);
    const def = (p: SeedPromptBase, turn: number, next: string | null, category: string | null): PromptDef => ({
      api: { prompt_uuid: p.prompt_uuid, content: p.content, category, thread_uuid: null, turn_number: turn },
      turn,
      banned: [...lower(p.banned_terms), ...evalBanned],
      required: lower(p.required_terms),
      next,
    });
    for (const p of seed.prompts ?? []) {
      const ups = p.follow_ups ?? [];
      const category = p.category ?? null;
      const first = def(p, 1, ups[0]?.prompt_uuid ?? null, category);
      this.firstTurn.push(first);
      index.set(p.prompt_uuid, first);
      ups.forEach((f, k) => index.set(f.prompt_uuid, def(f, k + 2, ups[k + 1]?.prompt_uuid ?? null, f.category ?? category)));
    }
    this.multiTurn = (seed.prompts ?? []).some((p) => (p.follow_ups ?? []).length > 0);
    const g = seed.generated_prompts;
    this.generated = g && {
      count: g.count,
      prefix: g.uuid_prefix,
      content: g.content,
      category: g.category ?? null,
      banned: [...lower(g.banned_terms), ...evalBanned],
      required: lower(g.required_terms),
    };
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { banned_terms, prompts, generated_prompts, eval_uuid, name, ai_description, eval_type, ...rest } = seed;
    this.api = {
      eval_uuid,
      name,
      ai_description,
      eval_type,
      ai_instructions: null,
      eval_instructions: null,
      ground_truth: null,
      language: 'en',
      modality: 'text',
      prompt_examples: [],
      is_jailbreak: false,
      is_sandbox: false,
      workspace_uuid: null,
      status: 'finished',
      created_at: DEFAULT_TIME,
      updated_at: DEFAULT_TIME,
      ...rest,
      num_prompts: this.promptCount,
    };
  }

  get id(): string {
    return this.api.eval_uuid;
  }

  get promptCount(): number {
    return this.firstTurn.length + (this.generated?.count ?? 0);
  }

  /** First-turn prompts, as GET /v2/evals/{id}/prompts lists them. */
  prompts(offset: number, limit: number): ApiPrompt[] {
    const out = this.firstTurn.slice(offset, offset + limit).map((p) => ({ ...p.api }));
    const g = this.generated;
    if (g && out.length < limit) {
      const start = Math.max(0, offset - this.firstTurn.length);
      for (let i = start; i < g.count && out.length < limit; i++) out.push(this.generatedDef(g, i + 1).api);
    }
    return out;
  }

  find(promptUuid: string): PromptDef | undefined {
    const hit = this.index.get(promptUuid);
    if (hit) return hit;
    const g = this.generated;
    if (g && promptUuid.startsWith(g.prefix)) {
      const rest = promptUuid.slice(g.prefix.length);
      const n = Number(rest);
      if (/^\d{12}$/.test(rest) && n >= 1 && n <= g.count) return this.generatedDef(g, n);
    }
    return undefined;
  }

  /** Any static prompt of this eval not in `sent`. */
  unsentPrompt(sent: ReadonlySet<string>): string | undefined {
    return this.firstTurn.find((p) => !sent.has(p.api.prompt_uuid))?.api.prompt_uuid;
  }

  private generatedDef(g: Generated, n: number): PromptDef {
    return {
      api: { prompt_uuid: `${g.prefix}${String(n).padStart(12, '0')}`, content: g.content.replaceAll('{n}', String(n)), category: g.category, thread_uuid: null, turn_number: 1 },
      turn: 1,
      banned: g.banned,
      required: g.required,
      next: null,
    };
  }
}

type Phase = 'created' | 'processing' | 'finished' | 'failed';

/** Something that finishes after being polled: a run created asynchronously, or a report. */
export interface Pollable {
  phase: Phase;
  /** While pending: GETs seen, GETs needed (null: never) and the phase reached then. */
  polls: { seen: number; needed: number | null; outcome: 'finished' | 'failed' } | null;
  updatedAt: string;
}

/**
 * Puts a resource created asynchronously in `created`, finishing (or failing) after `asyncPolls`
 * GETs, as shaped by a processing / never-finish / run-fails fault.
 */
export function startPending(x: Pollable, f: Fault | undefined, asyncPolls: number): void {
  const pending = (needed: number | null, outcome: 'finished' | 'failed') => {
    x.phase = 'created';
    x.polls = { seen: 0, needed, outcome };
  };
  if (f?.kind === 'never-finish') pending(null, 'finished');
  else if (f?.kind === 'run-fails') pending(f.polls ?? asyncPolls, 'failed');
  else if (f?.kind === 'processing') pending(f.polls ?? asyncPolls, 'finished');
  else pending(asyncPolls, 'finished');
}

/** A GET of a pending resource: advances it towards its outcome. */
export function advancePolls(x: Pollable): void {
  const p = x.polls;
  if (!p) return;
  p.seen++;
  if (p.needed !== null && p.seen >= p.needed) {
    x.phase = p.outcome;
    x.polls = null;
  } else {
    x.phase = 'processing';
  }
  x.updatedAt = new Date().toISOString();
}

export interface RunRecord extends Pollable {
  readonly seq: number;
  readonly id: string;
  readonly evalDef: EvalDef;
  readonly name: string;
  readonly aiDescription: string | null;
  readonly workspaceUuid: string | null;
  readonly isSandbox: boolean;
  readonly examples: unknown[] | null;
  readonly createdAt: string;
  responses: ApiScoredResponse[];
  passed: number;
  scored: number;
  /** thread_uuid → the prompt the thread waits for next (null once the conversation ended). */
  threads: Map<string, string | null>;
  /** Fault state: prompts whose results list-responses leaves out, and made-up extra results. */
  dropped: Set<string>;
  extras: ApiScoredResponse[];
  visible: ApiScoredResponse[] | null;
  /** Each scored response's JSON bytes once a results page has sent it; forget one when it changes (an override). */
  encoded: WeakMap<ApiScoredResponse, Buffer>;
}

export interface SubmitOptions {
  mode: 'sync' | 'async';
  isSandbox: boolean;
  workspaceUuid: string | null;
  asyncPolls: number;
  /** A run-shaping fault (processing, never-finish, run-fails, drop, extra), if one was taken. */
  fault?: Fault;
}

export interface SubmitResult {
  run: RunRecord;
  /** This submission's scored responses as the reply shows them (drop/extra applied). */
  scored: ApiScoredResponse[];
}

const now = () => new Date().toISOString();

function judgeFile(rec: FileRecord): JudgeFile {
  return { name: rec.name, kind: rec.bytes ? (sniffMedia(rec.bytes)?.kind ?? null) : null, digest: rec.digest ?? '' };
}

export class Store {
  private readonly evals = new Map<string, EvalDef>();
  private readonly runs = new Map<string, RunRecord>();
  private seq = 0;

  /** `files` resolves file references in responses; without it they are judged unseen (rule 3, 0.75). */
  constructor(
    seed: SeedData,
    private readonly files?: FileStore,
  ) {
    for (const e of seed.evals) this.evals.set(e.eval_uuid, new EvalDef(e));
  }

  listEvals(): ApiEval[] {
    return [...this.evals.values()].map((e) => ({ ...e.api }));
  }

  getEval(id: string): EvalDef | undefined {
    return this.evals.get(id);
  }

  getRun(id: string): RunRecord | undefined {
    return this.runs.get(id);
  }

  /** Runs newest first, optionally of one eval. */
  listRuns(evalUuid?: string | null): RunRecord[] {
    const out: RunRecord[] = [];
    for (const r of this.runs.values()) if (!evalUuid || r.evalDef.id === evalUuid) out.push(r);
    return out.reverse();
  }

  deleteRun(id: string): boolean {
    return this.runs.delete(id);
  }

  clearRuns(): void {
    this.runs.clear();
  }

  /** A GET of the run: advances a pending run towards its outcome. */
  poll(run: RunRecord): void {
    advancePolls(run);
  }

  runJson(run: RunRecord, responses: ApiScoredResponse[] | null): ApiEvalRun {
    const finished = run.phase === 'finished';
    return {
      eval_run_uuid: run.id,
      eval_uuid: run.evalDef.id,
      name: run.name,
      status: run.phase,
      created_at: run.createdAt,
      updated_at: run.updatedAt,
      evaluation: { ...run.evalDef.api },
      ai_description: run.aiDescription,
      workspace_uuid: run.workspaceUuid,
      is_sandbox: run.isSandbox,
      pass_rate: finished ? (run.scored ? run.passed / run.scored : null) : run.phase === 'failed' ? null : 0.0,
      num_prompts: run.evalDef.promptCount,
      num_responses_scored: finished ? run.scored : 0,
      responses,
      eval_run_examples: run.examples,
    };
  }

  /** What list-responses shows for a finished run: stored results minus dropped prompts, plus extras. */
  visibleResponses(run: RunRecord): ApiScoredResponse[] {
    if (run.phase !== 'finished') return [];
    if (!run.visible) {
      run.visible =
        run.dropped.size || run.extras.length ? run.responses.filter((r) => !run.dropped.has(r.prompt_uuid)).concat(run.extras) : run.responses;
    }
    return run.visible;
  }

  /** `drop` fault: from now on leave out the results of `count` prompts (the first ones among `among`). */
  markDropped(run: RunRecord, fault: { count?: number; promptUuids?: string[] }, among: readonly ApiScoredResponse[] = run.responses): void {
    let ids = fault.promptUuids;
    if (!ids) {
      const distinct = new Set<string>();
      const want = fault.count ?? 1;
      for (const r of among) {
        if (distinct.size >= want) break;
        distinct.add(r.prompt_uuid);
      }
      ids = [...distinct];
    }
    for (const id of ids) run.dropped.add(id);
    run.visible = null;
  }

  /** `extra` fault: add a made-up result for a prompt the run was not sent. */
  addExtra(run: RunRecord, promptUuid?: string): ApiScoredResponse {
    const sent = new Set(run.responses.map((r) => r.prompt_uuid));
    const id = promptUuid ?? run.evalDef.unsentPrompt(sent) ?? `question.${randomUUID()}`;
    const extra: ApiScoredResponse = {
      prompt_uuid: id,
      response_uuid: `answer.${randomUUID()}`,
      thread_uuid: null,
      turn_number: 1,
      continue_thread: false,
      content: null,
      content_type: 'text',
      exclude_from_scoring: false,
      ai_refused: false,
      is_passed: false,
      confidence: 0.9,
      explanation: "Result added by the local server's 'extra' fault for a prompt that was not submitted.",
      next_prompt: null,
    };
    run.extras.push(extra);
    run.visible = null;
    return extra;
  }

  /** Validates, scores and stores one submission (score-responses or create run). */
  submit(req: ScoreRequest, opts: SubmitOptions): SubmitResult {
    const evalDef = this.evals.get(req.eval_uuid);
    if (!evalDef) throw notFound('Eval', req.eval_uuid, 'eval_uuid');
    let run: RunRecord | undefined;
    if (req.eval_run_uuid) {
      run = this.runs.get(req.eval_run_uuid);
      if (!run) throw notFound('Eval run', req.eval_run_uuid, 'eval_run_uuid');
      if (run.evalDef !== evalDef) {
        throw invalidRequest([{ field: 'eval_run_uuid', message: `run "${run.id}" belongs to eval "${run.evalDef.id}", not "${evalDef.id}"` }]);
      }
      if (run.phase !== 'finished') {
        throw new ApiError(409, 'resource.conflict', `Eval run "${run.id}" is ${run.phase}; responses can only be added to a finished run.`, {
          field: 'eval_run_uuid',
          status: run.phase,
        });
      }
    }

    const { defs, files } = this.resolvePrompts(req, evalDef, run);

    const at = now();
    if (!run) {
      run = {
        seq: ++this.seq,
        id: `score_run.${randomUUID()}`,
        evalDef,
        name: req.name ?? `${evalDef.api.name} - ${at}`,
        aiDescription: req.ai_description ?? null,
        workspaceUuid: opts.workspaceUuid,
        isSandbox: opts.isSandbox,
        examples: req.eval_run_examples ?? null,
        createdAt: at,
        updatedAt: at,
        phase: 'finished',
        polls: null,
        responses: [],
        passed: 0,
        scored: 0,
        threads: new Map(),
        dropped: new Set(),
        extras: [],
        visible: null,
        encoded: new WeakMap(),
      };
      this.runs.set(run.id, run);
    }
    run.updatedAt = at;

    const continueAll = req.continue_thread === true;
    const scored: ApiScoredResponse[] = new Array(req.responses.length);
    req.responses.forEach((r, i) => {
      const def = defs[i]!;
      const v = judge(r, def, files[i]);
      const cont = continueAll || r.continue_thread;
      let thread = r.thread_uuid ?? null;
      let next: ApiPrompt | null = null;
      if (evalDef.multiTurn) {
        thread ??= `conversation.${randomUUID()}`;
        const nextDef = cont && def.next ? evalDef.find(def.next) : undefined;
        next = nextDef ? { ...nextDef.api, thread_uuid: thread } : null;
        run.threads.set(thread, next?.prompt_uuid ?? null);
      }
      scored[i] = {
        prompt_uuid: r.prompt_uuid,
        response_uuid: `answer.${randomUUID()}`,
        thread_uuid: thread,
        turn_number: def.turn,
        continue_thread: cont,
        content: r.content ?? null,
        content_type: r.content_type,
        exclude_from_scoring: r.exclude_from_scoring,
        ai_refused: r.ai_refused,
        is_passed: v.is_passed,
        confidence: v.confidence,
        explanation: v.explanation,
        next_prompt: next,
      };
      if (v.is_passed !== null) {
        run.scored++;
        if (v.is_passed) run.passed++;
      }
    });
    for (const s of scored) run.responses.push(s);
    run.visible = null;

    this.shapeLifecycle(run, opts);

    const fault = opts.fault;
    let shown = scored;
    if (fault?.kind === 'drop') {
      this.markDropped(run, fault, scored);
      shown = scored.filter((s) => !run.dropped.has(s.prompt_uuid));
    } else if (fault?.kind === 'extra') {
      shown = [...scored, this.addExtra(run, fault.promptUuid)];
    }
    return { run, scored: shown };
  }

  private resolvePrompts(req: ScoreRequest, evalDef: EvalDef, run: RunRecord | undefined): { defs: PromptDef[]; files: (JudgeFile | undefined)[] } {
    const problems: FieldProblem[] = [];
    const claimed = new Set<string>();
    const defs: PromptDef[] = new Array(req.responses.length);
    const files: (JudgeFile | undefined)[] = new Array(req.responses.length);
    req.responses.forEach((r, i) => {
      if (this.files && typeof r.content === 'object' && r.content !== null && !r.exclude_from_scoring && !r.ai_refused) {
        const hit = this.files.resolve(r.content);
        if ('field' in hit) problems.push({ field: `responses.${i}.content.${hit.field}`, message: hit.message });
        else files[i] = judgeFile(hit);
      }
      const def = evalDef.find(r.prompt_uuid);
      if (!def) {
        problems.push({ field: `responses.${i}.prompt_uuid`, message: `unknown prompt "${r.prompt_uuid}" for eval "${evalDef.id}"` });
        return;
      }
      defs[i] = def;
      if (def.turn === 1) return;
      const field = `responses.${i}.thread_uuid`;
      const t = r.thread_uuid;
      if (!t) {
        problems.push({ field, message: `is required: "${r.prompt_uuid}" is a turn-${def.turn} prompt; send the thread_uuid of the next_prompt it answers` });
        return;
      }
      const waiting = run?.threads.get(t);
      if (waiting === undefined) {
        problems.push({
          field,
          message: run ? `unknown thread "${t}" in run "${run.id}"` : `unknown thread "${t}"; send eval_run_uuid of the run that returned the next_prompt`,
        });
      } else if (waiting !== r.prompt_uuid || claimed.has(t)) {
        problems.push({
          field,
          message: `thread "${t}" is not waiting for prompt "${r.prompt_uuid}"${waiting ? ` (it waits for "${waiting}")` : ' (the conversation has ended)'}`,
        });
      } else {
        claimed.add(t);
      }
    });
    if (problems.length) throw invalidRequest(problems);
    return { defs, files };
  }

  private shapeLifecycle(run: RunRecord, opts: SubmitOptions): void {
    const f = opts.fault;
    const pending = (phase: Phase, needed: number | null, outcome: 'finished' | 'failed') => {
      run.phase = phase;
      run.polls = { seen: 0, needed, outcome };
    };
    if (opts.mode === 'async') {
      startPending(run, f, opts.asyncPolls);
      return;
    }
    if (f?.kind === 'never-finish') pending('processing', null, 'finished');
    else if (f?.kind === 'processing') pending('processing', f.polls ?? 2, 'finished');
    else if (f?.kind === 'run-fails' && f.polls) pending('processing', f.polls, 'failed');
    else if (f?.kind === 'run-fails') {
      run.phase = 'failed';
      run.polls = null;
    } else {
      run.phase = 'finished';
      run.polls = null;
    }
  }
}
