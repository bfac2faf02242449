/**
 * zod schemas for every shape that crosses a trust boundary: the responses file,
 * the score-responses request body, and every Aymara API reply.
 *
 * Replies are parsed leniently (unknown keys pass through, optional fields default)
 * but a missing or mistyped *required* field is an error that names the field.
 * The request side is strict about types, enums and ranges so that a bad file is
 * caught before anything is sent.
 */
import * as z from 'zod';
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
    file_uuid: z.string().nullish(),
    remote_file_path: z.string().nullish(),
    local_file_path: z.string().min(1, 'local_file_path must not be empty').optional(),
  })
  .refine((r) => !!(r.file_uuid || r.remote_file_path || r.local_file_path !== undefined), {
    message: 'a file reference needs "file_uuid", "remote_file_path" or "local_file_path"',
  })
  .refine((r) => !(r.local_file_path && (r.file_uuid || r.remote_file_path)), {
    path: ['local_file_path'],
    message: 'cannot be given with "file_uuid" or "remote_file_path": name either a workspace file (uploaded when scoring) or a file already uploaded, not both.',
  })
  .refine((r) => !r.local_file_path || !localPathProblem(r.local_file_path), {
    path: ['local_file_path'],
    error: (issue) => localPathProblem(String((issue.input as { local_file_path?: unknown } | undefined)?.local_file_path ?? '')) ?? 'is not a usable path.',
  });
export type FileReference = z.infer<typeof FileReference>;

export const ResponseContent = z.union([z.string(), z.null(), FileReference]);

/** One AI answer, as sent to score-responses (EvalResponse). */
export const EvalResponse = z.object({
  prompt_uuid: z.string().min(1, 'prompt_uuid must not be empty'),
  thread_uuid: z.string().nullish(),
  turn_number: z.number().int('turn_number must be a whole number').min(1, 'turn_number must be at least 1').default(1),
  continue_thread: z.boolean().default(false),
  content: ResponseContent.optional(),
  content_type: ContentType.default('text'),
  exclude_from_scoring: z.boolean().default(false),
  ai_refused: z.boolean().default(false),
});
export type EvalResponse = z.infer<typeof EvalResponse>;
export type EvalResponseInput = z.input<typeof EvalResponse>;

export const EvalRunExample = z.object({
  example_uuid: z.string().nullish(),
  type: z.enum(['pass', 'fail']),
  prompt: z.string(),
  response: z.string(),
  explanation: z.string().nullish(),
});
export type EvalRunExample = z.infer<typeof EvalRunExample>;

/** The score-responses request body (EvalRunRequest). */
export const ScoreRequest = z.object({
  eval_uuid: z.string().min(1, 'eval_uuid must not be empty'),
  eval_run_uuid: z.string().nullish(),
  name: z.string().nullish(),
  ai_description: z.string().nullish(),
  continue_thread: z.boolean().nullish(),
  eval_run_examples: z.array(EvalRunExample).nullish(),
  responses: z.array(EvalResponse),
});
export type ScoreRequest = z.infer<typeof ScoreRequest>;

// ---------------------------------------------------------------- replies

export const EvalPrompt = z.looseObject({
  prompt_uuid: z.string(),
  content: z.string(),
  category: z.string().nullish(),
  thread_uuid: z.string().nullish(),
  turn_number: z.number().int().default(1),
});
export type EvalPrompt = z.infer<typeof EvalPrompt>;

export const Eval = z.looseObject({
  eval_uuid: z.string().nullish(),
  name: z.string().nullish(),
  ai_description: z.string(),
  eval_type: z.string(),
  ai_instructions: z.unknown().optional(),
  eval_instructions: z.string().nullish(),
  language: z.string().nullish(),
  modality: z.string().nullish(),
  num_prompts: z.number().int().nullish(),
  is_jailbreak: z.boolean().nullish(),
  is_sandbox: z.boolean().nullish(),
  workspace_uuid: z.string().nullish(),
  status: Status.nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});
export type Eval = z.infer<typeof Eval>;

/** A fraction the API documents as 0–1 (confidence, pass rate); anything else is a contract error. */
const fraction = (name: string) => z.number().min(0, `${name} must be between 0 and 1`).max(1, `${name} must be between 0 and 1`);

export const ScoredResponse = z.looseObject({
  prompt_uuid: z.string(),
  response_uuid: z.string().nullish(),
  thread_uuid: z.string().nullish(),
  turn_number: z.number().int().default(1),
  continue_thread: z.boolean().nullish(),
  content: z.unknown().optional(),
  content_type: z.string().nullish(),
  exclude_from_scoring: z.boolean().nullish(),
  ai_refused: z.boolean().nullish(),
  is_passed: z.boolean().nullish(),
  confidence: fraction('confidence').nullish(),
  explanation: z.string().nullish(),
  next_prompt: EvalPrompt.nullish(),
});
export type ScoredResponse = z.infer<typeof ScoredResponse>;

export const EvalRunResult = z.looseObject({
  eval_run_uuid: z.string(),
  eval_uuid: z.string(),
  name: z.string().nullish(),
  status: Status,
  created_at: z.string(),
  updated_at: z.string(),
  evaluation: Eval.nullish(),
  ai_description: z.string().nullish(),
  workspace_uuid: z.string().nullish(),
  pass_rate: fraction('pass_rate').nullish(),
  num_prompts: z.number().int().nullish(),
  num_responses_scored: z.number().int().nullish(),
  responses: z.array(ScoredResponse).nullish(),
  is_sandbox: z.boolean().nullish(),
});
export type EvalRunResult = z.infer<typeof EvalRunResult>;

/** `{items, count}` paging envelope; `count` is the total across all pages. */
export function Page<T extends z.ZodType>(item: T) {
  return z.looseObject({ items: z.array(item), count: z.number().int().min(0) });
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
    details: z.record(z.string(), z.unknown()).nullish(),
  }),
  request_id: z.string().nullish(),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** The older FastAPI shape `{detail}`; detail may be a string or a list of validation errors. */
export const LegacyError = z.looseObject({ detail: z.unknown() });

/** Render a zod error as short, field-naming sentences ("responses.3.turn_number: …"). */
export function describeZodError(error: z.ZodError, max = 5): string {
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
