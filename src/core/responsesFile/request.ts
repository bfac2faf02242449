/** The score-responses request a file without errors becomes. */
import type { ScoreRequest } from '../schemas';
import { MAX_PROBLEMS_PER_SEVERITY, type Problem, type ResponsesFile } from './model';

/** Thrown by toScoreRequest when the file cannot be sent. */
export class ResponsesFileError extends Error {
  override readonly name = 'ResponsesFileError';
  constructor(
    message: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
  }
}

/**
 * The score-responses request body for a file without errors.
 * `evalUuid`, when given (non-empty), takes precedence over the file's own eval_uuid.
 * Unknown keys are never sent: entries hold zod output, which drops them.
 * Throws ResponsesFileError when the file has errors, has no responses, or no eval id is known.
 */
export function toScoreRequest(file: ResponsesFile, evalUuid?: string): ScoreRequest {
  if (file.hasErrors) {
    const errors = file.problems.filter((p) => p.severity === 'error');
    const first = errors[0];
    const count = errors.length;
    throw new ResponsesFileError(
      `The responses file has ${count === 1 ? 'an error' : `${count}${count >= MAX_PROBLEMS_PER_SEVERITY ? '+' : ''} errors`}; fix ${count === 1 ? 'it' : 'them'} before scoring.` +
        (first ? ` First: line ${first.line}, column ${first.column}: ${first.message}` : ''),
      errors,
    );
  }
  const id = evalUuid && evalUuid.trim() ? evalUuid : file.evalUuid;
  if (!id) {
    throw new ResponsesFileError('No eval to score against: the file has no "eval_uuid" and none was given.');
  }
  if (!file.entries.length) throw new ResponsesFileError('The responses file has no responses to score.');
  // The entries' own response objects, not copies: a request is serialised and sent, never
  // changed (a copy of every response would cost memory for nothing on a large file).
  const request: ScoreRequest = { eval_uuid: id, responses: file.entries.map((e) => e.response) };
  for (const [k, v] of Object.entries(file.options)) if (v !== undefined) (request as Record<string, unknown>)[k] = v;
  return request;
}
