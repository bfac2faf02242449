import * as vscode from 'vscode';
import { isApiError } from '../../core/apiError';
import { historyRows, type HistoryRow } from '../../core/override/reviewView';
import { verdictLabel } from '../../core/present/labels';
import { inert } from '../../core/present/text';
import type { ResultItem } from '../../core/results';
import { Command, WorkbenchCommand } from '../commandIds';
import { notify, reportError, UserError } from '../errors';
import type { ExplanationsPanels } from '../explanations';
import { label } from '../fileText';
import type { Services } from '../services';
import { OverrideForm, type FormAnswers } from './form';
import { overrideFailure } from './outcome';
import { resolveTarget, type Chosen } from './target';

/** What review uses of the shared services. */
export type Deps = Pick<Services, 'context' | 'log' | 'prompts' | 'store'> & { client: Services['client'] };

/** What a command did, for tests: 'applied' (Aymara accepted it and it shows), or why nothing was sent or changed. */
export type OverrideOutcome = 'applied' | 'dismissed' | 'refused' | 'failed' | 'outdated';

/** The review commands' handlers, and the test-only ones (see index.ts, which registers them). */
export interface OverrideCommands extends vscode.Disposable {
  override(...args: unknown[]): Promise<OverrideOutcome>;
  history(...args: unknown[]): Promise<HistoryRow[] | undefined>;
  test: {
    answers(a: FormAnswers | undefined): void;
    asked(): OverrideForm['asked'];
  };
}

/**
 * Human review of verdicts (issue 13): Override Verdict… and Show Verdict History, from a quick
 * fix on the extension's diagnostics, a results tree row, an explanations card, or the palette.
 * Loaded on the first review command.
 */
export function overrideCommands(s: Deps, panels: Pick<ExplanationsPanels, 'showHistory'>): OverrideCommands {
  const form = new OverrideForm(s);
  const inFlight = new Set<string>();
  const t = vscode.l10n.t;

  const override = async (...args: unknown[]): Promise<OverrideOutcome> => {
    let sent = false;
    try {
      requireTrust(t('Overriding a verdict is disabled in Restricted Mode because it sends your review to the Aymara API. Trust this workspace to review verdicts.'));
      const chosen = await resolveTarget(s, args, t('override a verdict'), (r, items, title) => form.pickEntry(r, items, title));
      if (!chosen) return 'dismissed';
      const { uri, run, item } = chosen;
      checkReviewable(item, uri);
      const id = `${uri.toString()}\u0000${item.key}`;
      if (inFlight.has(id)) throw new UserError(t('An override of this response is already being sent; wait for its answer.'), [], 'info');
      const body = await form.ask(run, item, promptOf(s, chosen));
      if (!body) return 'dismissed';
      if (inFlight.has(id)) throw new UserError(t('An override of this response is already being sent; wait for its answer.'), [], 'info');
      inFlight.add(id);
      sent = true;
      // The run the verdict came from: in a merged view, an earlier run's verdict is that run's.
      const runUuid = item.from_run ?? run.eval_run_uuid;
      const responseUuid = item.response_uuid!;
      let reply;
      try {
        reply = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Aymara: sending the override of {0}…', inert(promptOf(s, chosen), 60)) }, async () => {
          const client = await s.client();
          const { overrideVerdict } = await import('../../core/review');
          return overrideVerdict(client, runUuid, responseUuid, body);
        });
      } catch (err) {
        throw overrideFailure(err, { uri, key: item.key }, verdictText(item));
      } finally {
        inFlight.delete(id);
      }
      s.log.info(`Override of response ${responseUuid} in run ${runUuid} (${label(uri)}) accepted: is_passed ${String(reply.is_passed)}.`);
      const next = await s.store.applyOverride(uri, run.eval_run_uuid, item.key, { sent: body, reply });
      if (!next) {
        void notify(s.log, 'warning', t('Aymara accepted the override, but the results of {0} changed meanwhile, so they were not updated here. Refresh the results to see it.', label(uri)), [
          { title: t('Refresh Results'), command: Command.refresh, args: [uri] },
        ]);
        return 'outdated';
      }
      const now = next.items.find((i) => i.key === item.key)!;
      void notify(s.log, 'info', t('Verdict changed from {0} to {1}, reviewed by a person.', verdictText(item), verdictText(now)), [
        { title: t('Show Verdict History'), command: Command.showVerdictHistory, args: [uri.toString(), item.key] },
      ]);
      return 'applied';
    } catch (err) {
      void reportError(err, s.log);
      return sent ? 'failed' : 'refused';
    } finally {
      form.done();
    }
  };

  const history = async (...args: unknown[]): Promise<HistoryRow[] | undefined> => {
    try {
      requireTrust(t('Reading a verdict\'s history is disabled in Restricted Mode because it uses your Aymara API key. Trust this workspace to review verdicts.'));
      const chosen = await resolveTarget(s, args, t('show a verdict\'s history'), (r, items, title) => form.pickEntry(r, items, title));
      if (!chosen) return undefined;
      const { uri, run, item } = chosen;
      checkReviewable(item, uri, true);
      const runUuid = item.from_run ?? run.eval_run_uuid;
      let entries;
      try {
        entries = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: t('Aymara: reading the verdict history…') }, async () => {
          const client = await s.client();
          const { verdictHistory } = await import('../../core/review');
          return verdictHistory(client, runUuid, item.response_uuid!);
        });
      } catch (err) {
        throw historyFailure(err);
      }
      const rows = historyRows(entries, t);
      await panels.showHistory(uri, { type: 'history', key: item.key, rows });
      if (!rows.length) void notify(s.log, 'info', t('No person has changed the verdict of {0} yet.', inert(promptOf(s, chosen), 80)));
      return rows;
    } catch (err) {
      void reportError(err, s.log);
      return undefined;
    } finally {
      form.done();
    }
  };

  return {
    override,
    history,
    test: {
      answers: (a) => form.prepare(a),
      asked: () => ({ ...form.asked }),
    },
    dispose: () => undefined,
  };
}

function requireTrust(message: string): void {
  if (vscode.workspace.isTrusted) return;
  throw new UserError(message, [{ title: vscode.l10n.t('Manage Workspace Trust'), command: WorkbenchCommand.manageTrust }]);
}

/** Refuses, before anything is asked or sent, a result Aymara cannot review. */
function checkReviewable(item: ResultItem, uri: vscode.Uri, readOnly = false): void {
  const t = vscode.l10n.t;
  if (!item.response_uuid)
    throw new UserError(t('This result of {0} has no response id from Aymara, so its verdict cannot be reviewed; nothing was sent. Score the file again to get results with response ids.', label(uri)), [
      { title: t('Score File'), command: Command.scoreFile, args: [uri] },
    ], 'warning');
  if (!readOnly && item.verdict === 'excluded')
    throw new UserError(t('This response was excluded from scoring, so it has no verdict to override; nothing was sent. Remove "exclude_from_scoring" from its entry and score the file again to get a verdict.'), [], 'info');
}

function historyFailure(err: unknown): unknown {
  if (!isApiError(err)) return err;
  const t = vscode.l10n.t;
  const why = inert(err.describe(), 400);
  if (err.kind === 'not-found') return new UserError(`${t('Aymara does not know this run or response (any more).')} ${why} ${t('Score the file again to review its new verdicts.')}`);
  return err;
}

function promptOf(s: Pick<Services, 'prompts'>, c: Chosen): string {
  return s.prompts.prompt(c.run.eval_uuid, c.item.prompt_uuid)?.content ?? c.item.prompt_uuid;
}

/** "Failed (93%)" */
function verdictText(i: Pick<ResultItem, 'verdict' | 'confidence'>): string {
  const v = verdictLabel(i.verdict, vscode.l10n.t);
  return i.confidence === null ? v : `${v} (${Math.round(i.confidence * 100)}%)`;
}
