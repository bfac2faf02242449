/**
 * zod schemas for every shape that crosses a trust boundary: the responses file,
 * the score-responses request body, and every Aymara API reply.
 *
 * Replies are parsed leniently (unknown keys pass through, optional fields default)
 * but a missing or mistyped *required* field is an error that names the field.
 * The request side is strict about types, enums and ranges so that a bad file is
 * caught before anything is sent.
 *
 * Written with zod/mini's functions (see zod.ts): `z.nullish(z.string())` is classic zod's
 * `z.string().nullish()`, `.check(z.int(), z.gte(1))` its `.int().min(1)`.
 */
import * as z from './zod';
import { localPathProblem } from './files/localPath';

export const STATUS_VALUES = ['created', 'processing', 'finished', 'failed'] as const;
export const Status = z.enum(STATUS_VALUES);
export type Status = z.infer<typeof Status>;

export const CONTENT_TYPES = ['text', 'image', 'video'] as const;
export const ContentType = z.enum(CONTENT_TYPES);
export type ContentType = z.infer<typeof ContentType>;

/**
 * A reference to a file, used as `content` for image and video responses: an uploaded file
 * (`file_uuid` or `remote_file_path`), or in a responses file a workspace file (`local_file_path`,
 * see core/files/localPath.ts) that is uploaded when scoring and replaced by its `file_uuid`; a
 * local path is never sent.
 */
export const FileReference = z
  .object({
    file_uuid: z.nullish(z.string()),
    remote_file_path: z.nullish(z.string()),
    local_file_path: z.optional(z.string().check(z.minLength(1, 'local_file_path must not be empty'))),
  })
  .check(
    z.refine((r) => !!(r.file_uuid || r.remote_file_path || r.local_file_path !== undefined), {
      message: 'a file reference needs "file_uuid", "remote_file_path" or "local_file_path"',
    }),
    z.refine((r) => !(r.local_file_path && (r.file_uuid || r.remote_file_path)), {
      path: ['local_file_path'],
      message: 'cannot be given with "file_uuid" or "remote_file_path": name either a workspace file (uploaded when scoring) or a file already uploaded, not both.',
    }),
    z.refine((r) => !r.local_file_path || !localPathProblem(r.local_file_path), {
      path: ['local_file_path'],
      error: (issue) => localPathProblem(String((issue.input as { local_file_path?: unknown } | undefined)?.local_file_path ?? '')) ?? 'is not a usable path.',
    }),
  );
export type FileReference = z.infer<typeof FileReference>;

export const ResponseContent = z.union([z.string(), z.null(), FileReference]);

/** One AI answer, as sent to score-responses (EvalResponse). */
export const EvalResponse = z.object({
  prompt_uuid: z.string().check(z.minLength(1, 'prompt_uuid must not be empty')),
  thread_uuid: z.nullish(z.string()),
  turn_number: z._default(z.number().check(z.int('turn_number must be a whole number'), z.gte(1, 'turn_number must be at least 1')), 1),
  continue_thread: z._default(z.boolean(), false),
  content: z.optional(ResponseContent),
  content_type: z._default(ContentType, 'text'),
  exclude_from_scoring: z._default(z.boolean(), false),
  ai_refused: z._default(z.boolean(), false),
});
export type EvalResponse = z.infer<typeof EvalResponse>;
export type EvalResponseInput = z.input<typeof EvalResponse>;

export const EvalRunExample = z.object({
  example_uuid: z.nullish(z.string()),
  type: z.enum(['pass', 'fail']),
  prompt: z.string(),
  response: z.string(),
  explanation: z.nullish(z.string()),
});
export type EvalRunExample = z.infer<typeof EvalRunExample>;

/** The score-responses request body (EvalRunRequest). */
export const ScoreRequest = z.object({
  eval_uuid: z.string().check(z.minLength(1, 'eval_uuid must not be empty')),
  eval_run_uuid: z.nullish(z.string()),
  name: z.nullish(z.string()),
  ai_description: z.nullish(z.string()),
  continue_thread: z.nullish(z.boolean()),
  eval_run_examples: z.nullish(z.array(EvalRunExample)),
  responses: z.array(EvalResponse),
});
export type ScoreRequest = z.infer<typeof ScoreRequest>;

// ---------------------------------------------------------------- replies

export const EvalPrompt = z.looseObject({
  prompt_uuid: z.string(),
  content: z.string(),
  category: z.nullish(z.string()),
  thread_uuid: z.nullish(z.string()),
  turn_number: z._default(z.number().check(z.int()), 1),
});
export type EvalPrompt = z.infer<typeof EvalPrompt>;

export const Eval = z.looseObject({
  eval_uuid: z.nullish(z.string()),
  name: z.nullish(z.string()),
  ai_description: z.string(),
  eval_type: z.string(),
  ai_instructions: z.optional(z.unknown()),
  eval_instructions: z.nullish(z.string()),
  language: z.nullish(z.string()),
  modality: z.nullish(z.string()),
  num_prompts: z.nullish(z.number().check(z.int())),
  is_jailbreak: z.nullish(z.boolean()),
  is_sandbox: z.nullish(z.boolean()),
  workspace_uuid: z.nullish(z.string()),
  status: z.nullish(Status),
  created_at: z.nullish(z.string()),
  updated_at: z.nullish(z.string()),
});
export type Eval = z.infer<typeof Eval>;

/** A fraction the API documents as 0–1 (confidence, pass rate); anything else is a contract error. */
const fraction = (name: string) => z.number().check(z.gte(0, `${name} must be between 0 and 1`), z.lte(1, `${name} must be between 0 and 1`));

export const ScoredResponse = z.looseObject({
  prompt_uuid: z.string(),
  response_uuid: z.nullish(z.string()),
  thread_uuid: z.nullish(z.string()),
  turn_number: z._default(z.number().check(z.int()), 1),
  continue_thread: z.nullish(z.boolean()),
  content: z.optional(z.unknown()),
  content_type: z.nullish(z.string()),
  exclude_from_scoring: z.nullish(z.boolean()),
  ai_refused: z.nullish(z.boolean()),
  is_passed: z.nullish(z.boolean()),
  confidence: z.nullish(fraction('confidence')),
  explanation: z.nullish(z.string()),
  next_prompt: z.nullish(EvalPrompt),
});
export type ScoredResponse = z.infer<typeof ScoredResponse>;

export const EvalRunResult = z.looseObject({
  eval_run_uuid: z.string(),
  eval_uuid: z.string(),
  name: z.nullish(z.string()),
  status: Status,
  created_at: z.string(),
  updated_at: z.string(),
  evaluation: z.nullish(Eval),
  ai_description: z.nullish(z.string()),
  workspace_uuid: z.nullish(z.string()),
  pass_rate: z.nullish(fraction('pass_rate')),
  num_prompts: z.nullish(z.number().check(z.int())),
  num_responses_scored: z.nullish(z.number().check(z.int())),
  responses: z.nullish(z.array(ScoredResponse)),
  is_sandbox: z.nullish(z.boolean()),
});
export type EvalRunResult = z.infer<typeof EvalRunResult>;

/** `{items, count}` paging envelope; `count` is the total across all pages. */
export function Page<T extends z.ZodMiniType>(item: T) {
  return z.looseObject({ items: z.array(item), count: z.number().check(z.int(), z.gte(0)) });
}
export interface PageOf<T> {
  items: T[];
  count: number;
}

export const ERROR_CODES = [
  'auth.invalid_key',
  'auth.expired_key',
  'auth.insufficient_permissions',
  'validation.invalid_request',
  'validation.invalid_format',
  'resource.not_found',
  'resource.conflict',
  'quota.limit_exceeded',
  'server.internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The v2 error envelope. `code` is kept as a string so a new code never breaks parsing. */
export const ErrorEnvelope = z.looseObject({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    details: z.nullish(z.record(z.string(), z.unknown())),
  }),
  request_id: z.nullish(z.string()),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** The older FastAPI shape `{detail}`; detail may be a string or a list of validation errors. */
export const LegacyError = z.looseObject({ detail: z.unknown() });

/** Render a zod error as short, field-naming sentences ("responses.3.turn_number: …"). */
export function describeZodError(error: z.core.$ZodError, max = 5): string {
  return describeIssues(error.issues, max);
}

/** "path.to.field: message; …" for the first `max` issues. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[], max = 5): string {
  const lines = issues.slice(0, max).map((i) => {
    const path = i.path.length ? i.path.map(String).join('.') : '(root)';
    return `${path}: ${i.message}`;
  });
  if (issues.length > max) lines.push(`…and ${issues.length - max} more`);
  return lines.join('; ');
}
