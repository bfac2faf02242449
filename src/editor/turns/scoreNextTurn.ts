/**
 * Score Next Turn: the answered next turns of a file go into the run of its latest results (see
 * core/turns/scoreTurns), with progress and Cancel; the merged results replace the file's latest
 * results in the store, so every view shows the whole conversation.
 */
import * as vscode from 'vscode';
import { countsLine } from '../../core/present/labels';
import { inert, oneLine, shortId } from '../../core/present/text';
import { parseResponsesFile } from '../../core/responsesFile';
import type { Entry } from '../../core/responsesFile/model';
import { formatPercent, type RunResult } from '../../core/results';
import type { Progress } from '../../core/scoring';
import { selectNewTurns } from '../../core/turns/newTurns';
import { RunGoneError, scoreTurns } from '../../core/turns/scoreTurns';
import { Command, WorkbenchCommand } from '../commandIds';
import { notify, UserError } from '../errors';
import { label, readFileText } from '../fileText';
import { CONSENT_KEY } from '../scoreTypes';
import type { TurnsDeps } from './deps';

/** Files whose next turns are being sent; claimed before any await, so two quick clicks send once. */
const running = new Map<string, AbortController>();

export function stopAll(): void {
  for (const c of running.values()) c.abort();
  running.clear();
}

export async function scoreNextTurn(s: TurnsDeps, uri: vscode.Uri, token?: vscode.CancellationToken): Promise<RunResult | undefined> {
  const t = vscode.l10n.t;
  if (!vscode.workspace.isTrusted) {
    throw new UserError(t('Scoring is disabled in Restricted Mode because it uploads file contents to the Aymara API. Trust this workspace to score files.'), [
      { title: t('Manage Workspace Trust'), command: WorkbenchCommand.manageTrust },
    ]);
  }
  const id = uri.toString();
  if (running.has(id) || s.scoring.isScoring(uri)) throw new UserError(t('{0} is already being scored.', label(uri)), [], 'info');
  const claim = new AbortController();
  running.set(id, claim);
  const cancelled = token?.onCancellationRequested(() => claim.abort());
  try {
    await s.store.whenLoaded();
    const base = s.store.get(uri)?.latest;
    if (!base) throw new UserError(t('{0} has no results yet. Score it first, then continue its conversations.', label(uri)), [{ title: t('Score File'), command: Command.scoreFile, args: [uri] }], 'info');
    const { text } = await readFileText(uri, s.config.maxFileBytes);
    const file = parseResponsesFile(text, { fileName: uri.path });
    if (file.hasErrors) {
      const first = file.problems.find((p) => p.severity === 'error')!;
      throw new UserError(t('{0} has problems, so nothing was sent. Fix them (see the Problems panel) and run Score Next Turn again. First: line {1}, column {2}: {3}', label(uri), first.line, first.column, inert(first.message, 200)), [
        { title: t('Show Problems'), command: WorkbenchCommand.showProblems },
      ]);
    }
    const sel = selectNewTurns(file.entries, base);
    if (sel.unanswered.length) {
      throw new UserError(t('{0} next turn(s) have no answer yet, so nothing was sent: {1}. Type the AI\'s answer into each "content" (or remove the turn), then run Score Next Turn again.', sel.unanswered.length, where(sel.unanswered)), [], 'warning');
    }
    if (sel.stray.length) {
      throw new UserError(t('{0} entry(ies) answer no next prompt of run {1}, so nothing was sent: {2}. Fix their prompt_uuid, thread_uuid and turn_number (Continue Conversation writes them), or remove them.', sel.stray.length, shortId(base.eval_run_uuid, 40), where(sel.stray)), [], 'warning');
    }
    if (!sel.send.length) {
      throw new UserError(t('{0} has no answered next turn to score. Use Continue Conversation on a response that has a next prompt, answer it, then run Score Next Turn.', label(uri)), [], 'info');
    }
    const origin = s.apiOrigin();
    if (!s.isLoopback(origin) && !(s.context.globalState.get<unknown>(CONSENT_KEY) as unknown[] | undefined)?.includes(origin.origin)) {
      throw new UserError(t('Uploads to {0} have not been allowed yet. Score the file once (you will be asked), then run Score Next Turn.', origin.origin), [], 'info');
    }
    const client = await s.client();
    try {
      s.log.info(`Sending ${sel.send.length} next turn(s) of ${label(uri)} to run ${base.eval_run_uuid} at ${origin.origin}.${sel.other.length ? ` ${sel.other.length} new first-turn entr(ies) are not sent (Score sends them).` : ''}`);
      const merged = await withProgress(s, claim, t('Scoring the next turns of {0}', label(uri)), (signal, report) =>
        scoreTurns({ client, base, turns: sel.send, entries: file.entries, sandbox: s.config.sandbox, signal, onProgress: report }),
      );
      if (s.store.get(uri)?.latest?.eval_run_uuid !== base.eval_run_uuid) s.log.warn(`The latest results of ${label(uri)} changed while its next turns were scored; the run with the new turns is now the latest.`);
      await s.store.setResult(uri, merged);
      const summary = t('{0}: {1} (pass rate {2}) in run {3}.', label(uri), countsLine(merged.counts, t), formatPercent(merged.pass_rate), shortId(merged.eval_run_uuid, 40));
      s.log.info(`Run ${merged.eval_run_uuid}: ${sel.send.length} next turn(s) scored. ${summary}${merged.notes.length ? ` ${merged.notes.join(' ')}` : ''}`);
      void notify(s.log, 'info', summary);
      return merged;
    } catch (err) {
      if (err instanceof RunGoneError) throw new UserError(err.message, [{ title: t('Show Log'), command: Command.showLog }], 'warning');
      throw err;
    } finally {
      void client.close();
    }
  } finally {
    cancelled?.dispose();
    if (running.get(id) === claim) running.delete(id);
  }
}

/** "line 12 (turn 2)", for a message naming entries; at most five, then a count. */
function where(entries: readonly Entry[]): string {
  const t = vscode.l10n.t;
  const named = entries.slice(0, 5).map((e) => t('line {0} (turn {1}, {2})', e.location.line, e.response.turn_number, oneLine(e.response.prompt_uuid, 60)));
  return entries.length > 5 ? `${named.join(', ')} ${t('and {0} more', entries.length - 5)}` : named.join(', ');
}

function withProgress<T>(s: TurnsDeps, claim: AbortController, title: string, work: (signal: AbortSignal, report: (p: Progress) => void) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: inert(s.log.redact(title), 200), cancellable: true }, async (progress, token) => {
      const sub = token.onCancellationRequested(() => claim.abort());
      try {
        return await work(claim.signal, (p) => progress.report({ message: inert(s.log.redact(p.message), 200) }));
      } finally {
        sub.dispose();
      }
    }),
  );
}
