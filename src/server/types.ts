/**
 * Public types of the local Aymara-compatible server: options, the handle returned by
 * startServer, fault descriptions, stats and the JSON shapes the server produces.
 */
import type { ContentType, ErrorCode, Status } from '../core/schemas';
import type { SeedData } from './seed';

export type { SeedData } from './seed';

export type LoopbackHost = '127.0.0.1' | '::1' | 'localhost';

export interface StartServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Loopback only; anything else is refused. Default '127.0.0.1'. */
  host?: LoopbackHost;
  /** The key every request must send as `x-api-key`. Default 'demo-key'. */
  apiKey?: string;
  /** A second key that may read (GET) but gets 403 `auth.insufficient_permissions` on POST and DELETE. */
  readOnlyApiKey?: string;
  /** A key that is answered with 401 `auth.expired_key`. */
  expiredApiKey?: string;
  /** Evals and prompts to serve. Default: the bundled seed (src/server/seed.json). */
  seed?: SeedData;
  /** Delay added to every request, in ms (timers, so concurrent requests overlap). Default 0. */
  latencyMs?: number;
  /** Largest accepted request body in bytes; above it the reply is 413. Default 256 MiB. */
  maxBodyBytes?: number;
  /** GETs of a run created by `POST /v2/eval-runs` (or of a report) before it reports `finished`. Default 2. */
  asyncPolls?: number;
  /** Largest accepted uploaded file in bytes (multipart or presigned PUT); above it the reply is 413. Default 50 MiB. */
  maxUploadBytes?: number;
}

// ------------------------------------------------------------------ faults

/**
 * Which requests a fault applies to: `'*'` (every API request) or `'<METHOD> <path pattern>'`,
 * where METHOD may be `*`, a path segment `*` or `{name}` matches any one segment and a final
 * `**` matches the rest, e.g. `'GET /v2/eval-runs/{id}'`, `'POST /v2/eval-runs/-/score-responses'`.
 */
export type FaultRoute = string;

export interface FaultBase {
  route: FaultRoute;
  /** How many matching requests the fault affects; default 1. `Infinity` (or "always" over HTTP) never runs out. */
  times?: number;
}

export type Fault = FaultBase &
  (
    | { kind: 'latency'; ms: number }
    | {
        kind: 'status';
        status: number;
        code?: ErrorCode;
        message?: string;
        /** Sent as `retry-after` (seconds). */
        retryAfter?: number;
        /** Sent as `retry-after-ms`. */
        retryAfterMs?: number;
        headers?: Record<string, string>;
      }
    | {
        /** Perform the request fully (e.g. store the run), then answer `status` (default 500), or reset, or hang. */
        kind: 'status-after-commit';
        status?: number;
        reset?: boolean;
        hang?: boolean;
      }
    | { kind: 'reset' }
    | { kind: 'hang' }
    | { kind: 'malformed'; body?: string }
    | {
        /** 200 with a changed body: `omit` keys (default ['status'] when neither is given) and/or add `extra` keys. */
        kind: 'drift';
        omit?: string[];
        extra?: Record<string, unknown>;
        /** Where to apply it: the body (default), each of `items`, or each of `responses`. */
        where?: 'body' | 'items' | 'responses';
      }
    | { kind: 'html'; status?: number; body?: string }
    /** processing / never-finish / run-fails shape the two run-creating POSTs and POST /v2/eval-reports. */
    | { kind: 'processing'; polls?: number }
    | { kind: 'never-finish' }
    | { kind: 'run-fails'; polls?: number }
    | { kind: 'drop'; count?: number; promptUuids?: string[] }
    | { kind: 'extra'; promptUuid?: string }
    | {
        /** Location is absolute; when it is a bare origin the request's path and query are appended. */
        kind: 'redirect';
        location: string;
        status?: 301 | 302 | 303 | 307 | 308;
      }
  );

export type FaultKind = Fault['kind'];

/** A fault as held by the server, with the uses it has left. */
export type ActiveFault = Fault & { id: number; remaining: number };

export interface FaultController {
  /** Validates and queues one fault or several; throws a TypeError naming the bad field. */
  add(fault: Fault | readonly Fault[]): void;
  clear(): void;
  /** Faults that still have uses left, in the order they were added. */
  list(): ActiveFault[];
  readonly pending: number;
}

// ------------------------------------------------------------------ stats

export interface RequestRecord {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Route key such as 'GET /v2/eval-runs/{id}', or '<METHOD> (no route)'. */
  route: string;
  /** HTTP status sent, or null when the connection was reset or the reply never came. */
  status: number | null;
  hadApiKey: boolean;
  at: string;
}

export interface StatsSnapshot {
  total: number;
  byRoute: Record<string, number>;
  /** Headers of the last API request; `x-api-key` and other credentials read "[redacted]". */
  lastHeaders: Record<string, string> | null;
  /** The most recent requests (at most 500), oldest first. */
  recent: RequestRecord[];
}

export interface ServerStats {
  /** API requests seen (control requests under /_local are not counted). */
  readonly total: number;
  /** Requests for a route key, e.g. count('POST /v2/eval-runs/-/score-responses'). */
  count(route: string): number;
  byRoute(): Record<string, number>;
  readonly lastHeaders: Readonly<Record<string, string>> | null;
  recent(): RequestRecord[];
  snapshot(): StatsSnapshot;
  reset(): void;
}

// ------------------------------------------------------------------ JSON shapes

export interface ApiEval {
  eval_uuid: string;
  name: string;
  ai_description: string;
  eval_type: string;
  ai_instructions: unknown;
  eval_instructions: string | null;
  ground_truth: unknown;
  language: string;
  modality: string;
  num_prompts: number;
  prompt_examples: unknown[];
  is_jailbreak: boolean;
  is_sandbox: boolean;
  workspace_uuid: string | null;
  status: Status;
  created_at: string;
  updated_at: string;
  [field: string]: unknown;
}

export interface ApiPrompt {
  prompt_uuid: string;
  content: string;
  category: string | null;
  thread_uuid: string | null;
  turn_number: number;
}

export interface ApiScoredResponse {
  prompt_uuid: string;
  response_uuid: string;
  thread_uuid: string | null;
  turn_number: number;
  continue_thread: boolean;
  content: unknown;
  content_type: ContentType;
  exclude_from_scoring: boolean;
  ai_refused: boolean;
  is_passed: boolean | null;
  confidence: number | null;
  explanation: string;
  next_prompt: ApiPrompt | null;
  /** Set (all three) once a person overrode the verdict with PATCH …/responses/{response_uuid}. */
  manually_updated?: boolean;
  manually_updated_at?: string;
  manually_updated_by?: ApiUser;
}

/** The user object of `manually_updated_by` and `AnswerHistory.updated_by` (SDK 1.2.1). */
export interface ApiUser {
  email: string;
  feature_flags: { enable_dashboard: boolean };
  is_admin: boolean;
  is_impersonating: boolean;
  org_admin_emails: string[] | null;
  organization: { name: string; org_uuid: string } | null;
  workspace: { name: string | null; organization_name: string | null; organization_uuid: string | null; workspace_uuid: string | null } | null;
}

/** One override of a scored response (GET …/responses/{response_uuid}/history), old → new. */
export interface ApiAnswerHistory {
  answer_history_uuid: string;
  updated_at: string;
  updated_by: ApiUser;
  previous_is_passed: boolean | null;
  new_is_passed: boolean | null;
  previous_confidence: number | null;
  new_confidence: number | null;
  previous_explanation: string | null;
  new_explanation: string | null;
}

export interface ApiEvalRun {
  eval_run_uuid: string;
  eval_uuid: string;
  name: string;
  status: Status;
  created_at: string;
  updated_at: string;
  evaluation: ApiEval;
  ai_description: string | null;
  workspace_uuid: string | null;
  is_sandbox: boolean;
  pass_rate: number | null;
  num_prompts: number;
  num_responses_scored: number;
  responses: ApiScoredResponse[] | null;
  eval_run_examples: unknown[] | null;
}

export interface ApiEvalRunReport {
  eval_run_report_uuid: string;
  eval_run_uuid: string;
  eval_run: ApiEvalRun;
  passing_responses_summary: string;
  failing_responses_summary: string;
  improvement_advice: string;
}

export interface ApiEvalSuiteReport {
  eval_suite_report_uuid: string;
  status: Status;
  created_at: string;
  updated_at: string;
  eval_run_reports: ApiEvalRunReport[];
  overall_passing_responses_summary: string | null;
  overall_failing_responses_summary: string | null;
  overall_improvement_advice: string | null;
  remaining_reports: number | null;
}

/** Processing status of an uploaded file (a vocabulary apart from runs'). */
export type FileProcessingStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface ApiFileUpload {
  file_uuid: string;
  file_url: string | null;
  remote_file_path: string;
  local_file_path: string | null;
  content_type: string;
  processing_status: FileProcessingStatus;
  remote_uri: string | null;
}

export interface ApiFileDetail {
  file_uuid: string;
  content_type: string;
  file_type: 'image' | 'video' | 'text' | 'document';
  remote_file_path: string;
  organization_uuid: string;
  created_at: string;
  updated_at: string;
  file_size_bytes: number | null;
  file_url: string | null;
  original_file_url: string | null;
  uploaded_by_uuid: string | null;
  video_metadata: null;
  workspace_uuid: string | null;
}

export interface ApiFileStatus {
  file_uuid: string;
  processing_status: FileProcessingStatus;
  created_at: string;
  updated_at: string;
  error_message: string | null;
  remote_file_path: string | null;
}

export interface RunsView {
  /** Stored runs, optionally only those of one eval. */
  count(evalUuid?: string): number;
  /** Runs newest first, as GET would show them now (responses null); reading has no polling side effect. */
  list(evalUuid?: string): ApiEvalRun[];
  get(evalRunUuid: string): ApiEvalRun | undefined;
  /** Every stored scored response of a run, whatever its status and ignoring drop/extra faults. */
  responses(evalRunUuid: string): ApiScoredResponse[] | undefined;
}

export interface LocalServer {
  /** e.g. 'http://127.0.0.1:41234' (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly faults: FaultController;
  readonly stats: ServerStats;
  readonly runs: RunsView;
  /** Forget runs (with their overrides), reports, files, faults and stats; the seed's evals stay. */
  reset(): void;
  /** Stop listening and destroy open sockets (including hung requests). */
  close(): Promise<void>;
}
