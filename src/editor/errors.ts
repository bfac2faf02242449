import * as vscode from 'vscode';
import { isApiError } from '../core/apiError';
import { RunPendingError } from '../core/scoring';
import { Command, WorkbenchCommand } from './commandIds';
import type { Log } from './log';

/** A problem the user can fix, with the next step in the message and optional buttons. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly actions: { title: string; command: string; args?: unknown[] }[] = [],
    readonly severity: 'error' | 'warning' | 'info' = 'error',
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The last messages shown, newest last (read by the integration suites through the test command). */
export const recentMessages: { severity: string; message: string; actions: string[] }[] = [];

/**
 * Show any error from a command as a message with a next step and buttons that run the fix.
 * Messages never contain the API key (the log redacts it as a second line of defence).
 */
export async function reportError(err: unknown, log: Log, retry?: { command: string; args?: unknown[] }): Promise<void> {
  const t = vscode.l10n.t;
  let message: string;
  let severity: 'error' | 'warning' | 'info' = 'error';
  const actions: { title: string; command: string; args?: unknown[] }[] = [];

  if (err instanceof UserError) {
    message = err.message;
    severity = err.severity;
    actions.push(...err.actions);
  } else if (err instanceof RunPendingError) {
    message = err.message;
    severity = err.cancelled ? 'info' : 'warning';
    actions.push({ title: t('Refresh Results'), command: Command.refresh });
  } else if (isApiError(err)) {
    message = `${err.describe()} ${err.nextStep}`;
    if (err.kind === 'cancelled') severity = 'info';
    if (err.kind === 'auth' || err.kind === 'permission') actions.push({ title: t('Set API Key'), command: Command.setApiKey });
    if (err.kind === 'config' || err.kind === 'redirect') actions.push({ title: t('Open Settings'), command: WorkbenchCommand.openSettings, args: ['aymara.apiBaseUrl'] });
    if (err.kind === 'not-found') actions.push({ title: t('Select Eval'), command: Command.selectEval });
    if (retry && ['network', 'timeout', 'server', 'rate-limit', 'conflict', 'invalid-reply'].includes(err.kind)) {
      actions.push({ title: t('Try Again'), command: retry.command, args: retry.args });
    }
  } else {
    message = t('Unexpected error: {0}. See the Aymara log for details.', err instanceof Error ? err.message : String(err));
  }
  message = log.redact(message);
  const line = `${severity === 'info' ? 'Info' : 'Error'}: ${message}`;
  if (severity === 'error') log.error(line);
  else log.warn(line);
  if (err instanceof Error && err.stack && !(err instanceof UserError) && !isApiError(err)) log.error(log.redact(err.stack));
  actions.push({ title: t('Show Log'), command: Command.showLog });
  recentMessages.push({ severity, message, actions: actions.map((a) => a.title) });
  if (recentMessages.length > 50) recentMessages.shift();

  const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const picked = await show(message, ...actions.map((a) => a.title));
  const action = actions.find((a) => a.title === picked);
  if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
}
