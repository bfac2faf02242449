/**
 * zod schemas of the replies of the review endpoints (verdict override and its history, eval
 * reports, files), mirroring the models of Aymara's Python SDK aymara-ai-sdk 1.2.1
 * (`types/evals/scored_response.py`, `answer_history.py`, `eval_run_result.py`,
 * `types/eval_suite_report.py`, `file_upload.py`, `file_create_response.py`, `file_detail.py`,
 * `file_status.py`, `eval.py`): the same field names, required fields and enums. An SDK field
 * `Optional[X] = None` may be absent or null (`nullish`).
 *
 * Two flavours from one definition:
 * - `strictReviewSchemas()`: every object refuses unknown keys, so a misspelt or invented field in a
 *   reply fails. Contract tests of the local server use it to keep its replies SDK-compatible.
 * - `reviewSchemas()`: every object keeps unknown keys and free-text vocabularies stay strings, for
 *   a client reading a real server that may add fields.
 */
import * as z from './zod';
import { CONTENT_TYPES, STATUS_VALUES } from './schemas';

export const FILE_PROCESSING_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;

function build(strict: boolean) {
  const obj = <T extends z.core.$ZodShape>(shape: T) => (strict ? z.strictObject(shape) : z.looseObject(shape));
  const str = z.string();
  const opt = <T extends z.core.SomeType>(t: T) => z.nullish(t);
  const datetime = z.iso.datetime({ offset: true });
  const int = z.number().check(z.int());
  const Status = z.enum(STATUS_VALUES);
  const ContentType = z.enum(CONTENT_TYPES);

  const User = obj({
    email: str,
    feature_flags: obj({ enable_dashboard: z.boolean() }),
    is_admin: z.boolean(),
    is_impersonating: z.boolean(),
    org_admin_emails: opt(z.array(str)),
    organization: opt(obj({ name: str, org_uuid: str })),
    workspace: opt(obj({ name: opt(str), organization_name: opt(str), organization_uuid: opt(str), workspace_uuid: opt(str) })),
  });

  const AnswerHistory = obj({
    answer_history_uuid: str,
    updated_at: datetime,
    new_confidence: opt(z.number()),
    new_explanation: opt(str),
    new_is_passed: opt(z.boolean()),
    previous_confidence: opt(z.number()),
    previous_explanation: opt(str),
    previous_is_passed: opt(z.boolean()),
    updated_by: opt(User),
  });

  const FileReference = obj({ file_uuid: opt(str), remote_file_path: opt(str) });

  const EvalPrompt = obj({ content: str, prompt_uuid: str, category: opt(str), thread_uuid: opt(str), turn_number: opt(int) });

  const ScoredResponse = obj({
    prompt_uuid: str,
    ai_refused: opt(z.boolean()),
    confidence: opt(z.number()),
    content: opt(z.union([str, FileReference])),
    content_type: opt(ContentType),
    continue_thread: opt(z.boolean()),
    exclude_from_scoring: opt(z.boolean()),
    explanation: opt(str),
    is_passed: opt(z.boolean()),
    manually_updated: opt(z.boolean()),
    manually_updated_at: opt(datetime),
    manually_updated_by: opt(User),
    next_prompt: opt(EvalPrompt),
    response_uuid: opt(str),
    thread_uuid: opt(str),
    turn_number: opt(int),
    update_history: opt(z.array(AnswerHistory)),
  });

  const AgentInstructions = obj({ system_prompt: str, agent_name: opt(str), tools: opt(z.unknown()) });
  const Eval = obj({
    ai_description: str,
    eval_type: str,
    ai_instructions: opt(z.union([str, AgentInstructions, obj({ instructions: z.array(AgentInstructions) })])),
    created_at: opt(datetime),
    created_by: opt(str),
    eval_instructions: opt(str),
    eval_uuid: opt(str),
    ground_truth: opt(z.union([str, FileReference])),
    is_jailbreak: opt(z.boolean()),
    is_sandbox: opt(z.boolean()),
    language: opt(str),
    modality: opt(ContentType),
    name: opt(str),
    num_prompts: opt(int),
    prompt_examples: opt(z.array(obj({ content: str, example_uuid: opt(str), explanation: opt(str), type: opt(z.enum(['good', 'bad'])) }))),
    status: opt(Status),
    updated_at: opt(datetime),
    workspace_uuid: opt(str),
  });

  const EvalRunResult = obj({
    created_at: datetime,
    eval_run_uuid: str,
    eval_uuid: str,
    status: Status,
    updated_at: datetime,
    ai_description: opt(str),
    eval_run_examples: opt(z.array(obj({ prompt: str, response: str, type: z.enum(['pass', 'fail']), example_uuid: opt(str), explanation: opt(str) }))),
    evaluation: opt(Eval),
    is_sandbox: opt(z.boolean()),
    name: opt(str),
    num_prompts: opt(int),
    num_responses_scored: opt(int),
    pass_rate: opt(z.number()),
    responses: opt(z.array(ScoredResponse)),
    workspace_uuid: opt(str),
  });

  const EvalRunReport = obj({
    eval_run: EvalRunResult,
    eval_run_report_uuid: str,
    eval_run_uuid: str,
    failing_responses_summary: str,
    improvement_advice: str,
    passing_responses_summary: str,
  });

  const EvalSuiteReport = obj({
    created_at: datetime,
    eval_run_reports: z.array(EvalRunReport),
    eval_suite_report_uuid: str,
    status: Status,
    updated_at: datetime,
    overall_failing_responses_summary: opt(str),
    overall_improvement_advice: opt(str),
    overall_passing_responses_summary: opt(str),
    remaining_reports: opt(int),
  });

  const ProcessingStatus = strict ? z.enum(FILE_PROCESSING_STATUSES) : str;

  const FileUpload = obj({
    content_type: opt(str),
    file_url: opt(str),
    file_uuid: opt(str),
    local_file_path: opt(str),
    processing_status: opt(ProcessingStatus),
    remote_file_path: opt(str),
    remote_uri: opt(str),
  });

  const FileDetail = obj({
    content_type: str,
    created_at: datetime,
    file_type: strict ? z.enum(['text', 'image', 'video', 'document']) : str,
    file_uuid: str,
    organization_uuid: str,
    remote_file_path: str,
    updated_at: datetime,
    file_size_bytes: opt(int),
    file_url: opt(str),
    original_file_url: opt(str),
    uploaded_by_uuid: opt(str),
    video_metadata: opt(z.record(z.string(), z.unknown())),
    workspace_uuid: opt(str),
  });

  return {
    User,
    AnswerHistory,
    /** GET …/responses/{response_uuid}/history: a bare list, oldest first. */
    AnswerHistoryList: z.array(AnswerHistory),
    FileReference,
    EvalPrompt,
    ScoredResponse,
    Eval,
    EvalRunResult,
    EvalRunReport,
    EvalSuiteReport,
    /** GET /v2/eval-reports. */
    EvalSuiteReportPage: obj({ items: z.array(EvalSuiteReport), count: opt(int) }),
    FileUpload,
    FileCreateResponse: obj({ files: z.array(FileUpload), workspace_uuid: opt(str) }),
    FileDetail,
    FileStatus: obj({
      created_at: datetime,
      file_uuid: str,
      processing_status: ProcessingStatus,
      updated_at: datetime,
      error_message: opt(str),
      remote_file_path: opt(str),
    }),
  };
}

type ReviewSchemas = ReturnType<typeof build>;
let loose: ReviewSchemas | undefined;
let strict: ReviewSchemas | undefined;
/**
 * Unknown keys kept: for reading a real server's replies. Built on first use: scoring never needs
 * them, and building them is a few milliseconds of every start of the command line.
 */
export function reviewSchemas(): ReviewSchemas {
  return (loose ??= build(false));
}
/** Unknown keys refused everywhere: for contract tests of replies (never built by the product). */
export function strictReviewSchemas(): ReviewSchemas {
  return (strict ??= build(true));
}

export type AnswerHistory = z.infer<ReviewSchemas['AnswerHistory']>;
export type ReviewScoredResponse = z.infer<ReviewSchemas['ScoredResponse']>;
export type EvalRunReport = z.infer<ReviewSchemas['EvalRunReport']>;
export type EvalSuiteReport = z.infer<ReviewSchemas['EvalSuiteReport']>;
export type FileUpload = z.infer<ReviewSchemas['FileUpload']>;
export type FileCreateResponse = z.infer<ReviewSchemas['FileCreateResponse']>;
export type FileDetail = z.infer<ReviewSchemas['FileDetail']>;
export type FileStatus = z.infer<ReviewSchemas['FileStatus']>;
