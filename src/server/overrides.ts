/**
 * Human overrides of a scored response's verdict (PATCH /v2/eval-runs/{run}/responses/{response})
 * and their history (GET …/history). An override changes the stored response in place (so
 * list-responses shows it), marks it manually_updated, keeps an AnswerHistory entry, and moves the
 * run's pass counts so its pass_rate reflects it.
 *
 * Body (aymara-ai-sdk 1.2.1 RunUpdateResponseParams): `is_passed`, `confidence` (0–1) and
 * `explanation`, each optional; a field that is absent or null is left as it is, and at least one
 * must be given. Unknown fields are refused (422) so a misspelt field is not silently ignored.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ApiError, invalidRequest, notFound } from './http';
import { localUser } from './identity';
import type { RunRecord } from './store';
import type { ApiAnswerHistory, ApiScoredResponse } from './types';

export const MAX_HISTORY = 1000;
export const MAX_EXPLANATION = 10_000;

export const OverrideBody = z.strictObject({
  is_passed: z.boolean().nullish(),
  confidence: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').nullish(),
  explanation: z
    .string()
    .max(MAX_EXPLANATION, `must be at most ${MAX_EXPLANATION} characters`)
    .refine((s) => s.trim() !== '', 'must not be blank')
    .nullish(),
});
export type OverrideBody = z.infer<typeof OverrideBody>;

/** Validates a PATCH body; 422 naming each bad field. */
export function parseOverride(body: unknown): OverrideBody {
  const parsed = OverrideBody.safeParse(body);
  if (!parsed.success) {
    throw invalidRequest(
      parsed.error.issues.map((i) => {
        const keys = i.code === 'unrecognized_keys' ? i.keys : [];
        const field = i.path.length ? i.path.map(String).join('.') : keys.length ? keys.join(', ') : '(body)';
        return { field, message: keys.length ? 'is not a field of this request; send is_passed, confidence and/or explanation' : i.message };
      }),
    );
  }
  const b = parsed.data;
  if (b.is_passed == null && b.confidence == null && b.explanation == null) {
    throw invalidRequest([{ field: '(body)', message: 'send at least one of is_passed, confidence and explanation' }]);
  }
  return b;
}

export class Overrides {
  private readonly entries = new WeakMap<RunRecord, Map<string, ApiAnswerHistory[]>>();

  private find(run: RunRecord, responseUuid: string): ApiScoredResponse {
    const r = run.responses.find((s) => s.response_uuid === responseUuid);
    if (!r) throw notFound('Response', responseUuid, 'response_uuid');
    return r;
  }

  /** Applies an override and returns the updated response. */
  apply(run: RunRecord, responseUuid: string, patch: OverrideBody): ApiScoredResponse {
    if (run.phase !== 'finished') {
      throw new ApiError(409, 'resource.conflict', `Eval run "${run.id}" is ${run.phase}; verdicts can only be overridden once it is finished.`, { status: run.phase });
    }
    const r = this.find(run, responseUuid);
    if (r.is_passed === null) {
      throw new ApiError(409, 'resource.conflict', `Response "${responseUuid}" was excluded from scoring, so it has no verdict to override.`, {
        response_uuid: responseUuid,
      });
    }
    let byRun = this.entries.get(run);
    if (!byRun) this.entries.set(run, (byRun = new Map()));
    const history = byRun.get(responseUuid) ?? [];
    if (history.length >= MAX_HISTORY) {
      throw new ApiError(409, 'resource.conflict', `Response "${responseUuid}" has been overridden ${MAX_HISTORY} times, the local server's limit.`, { limit: MAX_HISTORY });
    }
    const at = new Date().toISOString();
    const user = localUser();
    const before = { is_passed: r.is_passed, confidence: r.confidence, explanation: r.explanation };
    if (patch.is_passed != null && patch.is_passed !== r.is_passed) {
      run.passed += patch.is_passed ? 1 : -1;
      r.is_passed = patch.is_passed;
    }
    if (patch.confidence != null) r.confidence = patch.confidence;
    if (patch.explanation != null) r.explanation = patch.explanation;
    run.encoded.delete(r);
    r.manually_updated = true;
    r.manually_updated_at = at;
    r.manually_updated_by = user;
    run.updatedAt = at;
    history.push({
      answer_history_uuid: `answer_history.${randomUUID()}`,
      updated_at: at,
      updated_by: user,
      previous_is_passed: before.is_passed,
      new_is_passed: r.is_passed,
      previous_confidence: before.confidence,
      new_confidence: r.confidence,
      previous_explanation: before.explanation,
      new_explanation: r.explanation,
    });
    byRun.set(responseUuid, history);
    return { ...r };
  }

  /** A response's overrides, oldest first (empty when it was never overridden). */
  history(run: RunRecord, responseUuid: string): ApiAnswerHistory[] {
    this.find(run, responseUuid);
    return [...(this.entries.get(run)?.get(responseUuid) ?? [])];
  }
}
