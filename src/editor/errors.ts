import * as vscode from 'vscode';
import { isApiError } from '../core/apiError';
import { inert } from '../core/present/text';
import { RunPendingError } from '../core/runPending';
import { Command, WorkbenchCommand } from './commandIds';
import type { Log } from './log';

export type Severity = 'error' | 'warning' | 'info';

/** A button on a message; `command` (with `args`) runs when it is picked. */
export interface Action {
  title: string;
  command?: string;
  args?: unknown[];
}

/** A problem the user can fix, with the next step in the message and optional buttons. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly actions: Action[] = [],
    readonly severity: Severity = 'error',
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The last messages shown, newest last, exactly as they were handed to VS Code (read by the integration suites). */
export const recentMessages: { severity: string; message: string; detail?: string; actions: string[] }[] = [];

/** Longest notification text; VS Code cuts toasts much shorter, the rest is in the log. */
const MAX_MESSAGE = 1000;

/**
 * Every notification of the extension goes through here: the text is made inert (link and
 * codicon syntax from file names, file contents and server replies cannot become clickable or
 * render) and redacted (never the API key), recorded, and shown. A picked button runs its
 * command; the picked action is returned.
 */
export async function notify(
  log: Log,
  severity: Severity,
  message: string,
  actions: readonly Action[] = [],
  options: { modal?: boolean; detail?: string } = {},
): Promise<Action | undefined> {
  const text = inert(log.redact(message), MAX_MESSAGE);
  const detail = options.detail === undefined ? undefined : inert(log.redact(options.detail), MAX_MESSAGE);
  const titles = actions.map((a) => inert(a.title, 80));
  recentMessages.push({ severity, message: text, ...(detail !== undefined ? { detail } : {}), actions: titles });
  if (recentMessages.length > 50) recentMessages.shift();

  const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const opts: vscode.MessageOptions = { modal: options.modal ?? false, ...(detail !== undefined ? { detail } : {}) };
  const picked = await show(text, opts, ...titles);
  const action = picked === undefined ? undefined : actions[titles.indexOf(picked)];
  if (action?.command) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
  return action;
}

/**
 * Show any error from a command as a message with a next step and buttons that run the fix.
 * Messages never contain the API key and never carry markup (see `notify`).
 */
export async function reportError(err: unknown, log: Log, retry?: { command: string; args?: unknown[] }): Promise<void> {
  const t = vscode.l10n.t;
  let message: string;
  let severity: Severity = 'error';
  const actions: Action[] = [];

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
  const line = `${severity === 'info' ? 'Info' : 'Error'}: ${message}`;
  if (severity === 'error') log.error(line);
  else log.warn(line);
  if (err instanceof Error && err.stack && !(err instanceof UserError) && !isApiError(err)) log.error(err.stack);
  actions.push({ title: t('Show Log'), command: Command.showLog });
  await notify(log, severity, message, actions);
}
