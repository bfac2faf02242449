/**
 * What the user is told when an override or a history read fails. Nothing changes locally unless
 * Aymara accepted the override; a PATCH that may have been processed is never sent again, and the
 * message says how to find out whether it was recorded.
 */
import * as vscode from 'vscode';
import { isApiError } from '../../core/apiError';
import { inert } from '../../core/present/text';
import { Command } from '../commandIds';
import { UserError, type Action } from '../errors';

/** The message for a failed override of the result at (uri, key); `verdict` is what stays ("Failed (93%)"). */
export function overrideFailure(err: unknown, target: { uri: vscode.Uri; key: string }, verdict: string): unknown {
  if (!isApiError(err)) return err;
  const t = vscode.l10n.t;
  const why = inert(err.describe(), 400);
  const stays = t('The verdict stays {0}.', verdict);
  const again: Action = { title: t('Override Verdict…'), command: Command.overrideVerdict, args: [target.uri.toString(), target.key] };
  const history: Action = { title: t('Show Verdict History'), command: Command.showVerdictHistory, args: [target.uri.toString(), target.key] };
  switch (err.kind) {
    case 'permission':
      return new UserError(`${t('Aymara refused the override: this API key may not change verdicts (a read-only key?).')} ${why} ${stays} ${t('Set an API key that may write, then override again.')}`, [
        { title: t('Set API Key'), command: Command.setApiKey },
      ]);
    case 'auth':
      return new UserError(`${t('Aymara did not accept the API key.')} ${why} ${stays} ${t('Set the key again, then override again.')}`, [{ title: t('Set API Key'), command: Command.setApiKey }]);
    case 'not-found':
      return new UserError(`${t('Aymara does not know this run or response (any more).')} ${why} ${stays} ${t('Score the file again, then override the new verdict.')}`, [
        { title: t('Score File'), command: Command.scoreFile, args: [target.uri] },
      ]);
    case 'conflict':
      return new UserError(`${t('Aymara refused the override:')} ${why} ${stays} ${t('A verdict can be overridden once its run is finished, and not for a response excluded from scoring. Refresh the results to see the run as it is, then try again.')}`, [
        { title: t('Refresh Results'), command: Command.refresh, args: [target.uri] },
      ]);
    case 'validation':
      return new UserError(`${t('Aymara refused the override as invalid:')} ${why} ${stays} ${t('Change what you entered and override again.')}`, [again]);
    case 'cancelled':
      return new UserError(`${t('The override was cancelled.')} ${stays}`, [history], 'info');
    case 'rate-limit':
      return new UserError(`${t('Aymara refused the override for now:')} ${why} ${stays} ${t('Wait a minute, then override again.')}`, [again]);
    default:
      // No usable answer: the server may have recorded it. It is not sent again.
      if (err.ambiguous || err.kind === 'invalid-reply' || err.kind === 'too-large' || err.kind === 'server')
        return new UserError(
          `${t('The override may have reached Aymara, but no usable answer came back:')} ${why} ${t('It was not sent again, and nothing changed here.')} ${stays} ${t('Use Show Verdict History to see whether it was recorded before overriding again.')}`,
          [history],
        );
      return new UserError(`${t('The override could not be sent:')} ${why} ${t('Nothing changed.')} ${inert(err.nextStep, 300)}`, [again]);
  }
}
