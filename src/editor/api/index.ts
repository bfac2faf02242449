import * as vscode from 'vscode';
import type { AymaraEvalApi, AymaraResults } from '../../../api/aymara-eval';
import type { RunResult } from '../../core/results';
import type { Scoring } from '../scoreTypes';
import type { Services } from '../services';

/** What the API uses: the store, the log (to redact), and scoring. */
type Deps = Pick<Services, 'log' | 'store'> & { scoring: Pick<Scoring, 'score'> };

/**
 * The API `activate` returns to other extensions (typed in api/aymara-eval.d.ts). Everything it
 * returns is a fresh plain copy with secrets removed, never an object the store holds.
 */
export function register(s: Deps): { api: AymaraEvalApi } & vscode.Disposable {
  const changed = new vscode.EventEmitter<{ readonly uri: vscode.Uri | undefined }>();
  const sub = s.store.onDidChange((uri) => changed.fire(Object.freeze({ uri: uri === undefined ? undefined : vscode.Uri.parse(uri) })));
  const results = (uri: vscode.Uri, run: RunResult | undefined): AymaraResults | undefined => (run ? s.log.redactDeep(copy(uri, run, s.store.get(uri)?.stale ?? false)) : undefined);
  const api: AymaraEvalApi = Object.freeze({
    version: 1 as const,
    async scoreFile(uri: vscode.Uri): Promise<AymaraResults | undefined> {
      const file = checkUri(uri);
      const run = await s.scoring.score(file);
      return results(file, run ? s.store.get(file)?.latest ?? run : undefined);
    },
    async getResults(uri: vscode.Uri): Promise<AymaraResults | undefined> {
      const file = checkUri(uri);
      await s.store.whenLoaded();
      return results(file, s.store.get(file)?.latest);
    },
    onDidChangeResults: changed.event,
  });
  return { api, dispose: () => vscode.Disposable.from(sub, changed).dispose() };
}

/** Only a real Uri is taken: a string or another object is a caller's mistake, said at once. */
function checkUri(uri: unknown): vscode.Uri {
  if (!(uri instanceof vscode.Uri)) throw new TypeError('Aymara API: pass the responses file as a vscode.Uri.');
  return uri;
}

/** A plain copy of a run in the API's shape (fields listed one by one, so nothing internal leaks). */
function copy(uri: vscode.Uri, r: RunResult, stale: boolean): AymaraResults {
  return {
    uri,
    eval_uuid: r.eval_uuid,
    eval_name: r.eval_name,
    eval_run_uuid: r.eval_run_uuid,
    run_name: r.run_name,
    status: r.status,
    pass_rate: r.pass_rate,
    counts: { ...r.counts },
    created_at: r.created_at,
    completed_at: r.completed_at,
    stale,
    merged: r.merged ? { ...r.merged } : null,
    notes: [...r.notes],
    results: r.items.map((i) => ({
      prompt_uuid: i.prompt_uuid,
      thread_uuid: i.thread_uuid,
      turn_number: i.turn_number,
      verdict: i.verdict,
      confidence: i.confidence,
      explanation: i.explanation,
      location: i.location ? { line: i.location.line, column: i.location.column, offset: i.location.offset, length: i.location.length, pointer: i.location.pointer } : null,
      from_run: i.from_run ?? null,
    })),
  };
}
