import * as vscode from 'vscode';
import { isApiError, type ApiError, type ApiErrorKind } from '../../core/apiError';
import type { AymaraClient } from '../../core/client';
import { inert, shortId } from '../../core/present/text';
import { classifyCreateFailure } from '../../core/report/reportFailure';
import type { EvalSuiteReport } from '../../core/reviewSchemas';
import { Command, WorkbenchCommand } from '../commandIds';
import { UserError, type Action } from '../errors';
import type { Services } from '../services';
import type { ReportRun } from './runs';

type Deps = Pick<Services, 'client' | 'config' | 'log'>;

/** How a generation ended when it did not give a report; the person has been told (or is being told). */
export class ReportStopped extends Error {
  constructor(
    message: string,
    /** The report's id once the server created it (waiting can resume on it without a new POST). */
    readonly reportUuid: string | undefined,
    readonly severity: 'info' | 'warning' | 'error',
    readonly actions: Action[] = [],
    /** 'retry': generating again makes a new report; 'wait': checking the same report again. */
    readonly next?: 'retry' | 'wait',
  ) {
    super(message);
    this.name = 'ReportStopped';
  }
}

/** Next steps of API errors that fit a report better than the general ones (which speak of scoring). */
function nextStep(kind: ApiErrorKind): string | undefined {
  const t = vscode.l10n.t;
  switch (kind) {
    case 'validation':
      return t('Pick at most 100 different finished runs and generate the report again.');
    case 'not-found':
      return t('Check that the runs belong to the configured Aymara workspace ("aymara.workspaceUuid"), then generate the report again.');
    case 'conflict':
      return t('Wait until every run is finished (Refresh Results), then generate the report again.');
    case 'rate-limit':
      return t('You hit a rate limit or quota; wait a minute, then generate the report again.');
    default:
      return undefined;
  }
}

/** Restricted Mode blocks reports (as it blocks scoring): a UserError with the way out. */
export function checkTrusted(): void {
  const t = vscode.l10n.t;
  if (!vscode.workspace.isTrusted) {
    throw new UserError(t('Generating reports is disabled in Restricted Mode because it sends your runs to the Aymara API with your API key. Trust this workspace to generate reports.'), [
      { title: t('Manage Workspace Trust'), command: WorkbenchCommand.manageTrust },
    ]);
  }
}

/**
 * Asks Aymara for a report over the runs (one POST, never re-sent), then waits for it with a
 * cancellable progress notification, polling GETs only. With `reportUuid` it only waits (Keep
 * Waiting after a cancel or a failed check). Resolves with the finished report; otherwise throws
 * a ReportStopped, a UserError or the ApiError, each with what to do next.
 */
export async function generateReport(deps: Deps, runs: readonly ReportRun[], opts: { signal: AbortSignal; reportUuid?: string }): Promise<EvalSuiteReport> {
  const t = vscode.l10n.t;
  checkTrusted();
  const client = await deps.client();
  const what = runs.length === 1 ? t('run {0} of {1}', runs[0]!.name, runs[0]!.file) : t('{0} runs', runs.length);
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Aymara report on {0}', what), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const stop = () => abort.abort();
        const subs = [token.onCancellationRequested(stop)];
        opts.signal.addEventListener('abort', stop, { once: true });
        if (opts.signal.aborted) stop();
        try {
          const reportUuid = opts.reportUuid ?? (await create(deps, client, runs, abort.signal));
          progress.report({ message: t('report {0} is being written…', shortId(reportUuid, 40)) });
          return await wait(deps, client, reportUuid, abort.signal, (r, poll) => {
            const left = r.remaining_reports ? ` ${t('({0} run reports left)', r.remaining_reports)}` : '';
            progress.report({ message: `${t('report {0}: {1}, check {2}', shortId(reportUuid, 40), inert(r.status, 40), poll)}${left}` });
          });
        } finally {
          subs.forEach((s) => s.dispose());
          opts.signal.removeEventListener('abort', stop);
        }
      },
    );
  } finally {
    void client.close();
  }
}

async function create(deps: Deps, client: AymaraClient, runs: readonly ReportRun[], signal: AbortSignal): Promise<string> {
  const t = vscode.l10n.t;
  const { createReport } = await import('../../core/review');
  const ids = runs.map((r) => r.runUuid);
  deps.log.info(`Creating an eval report over ${ids.length} run(s): ${ids.join(', ')}.`);
  try {
    const created = await createReport(client, ids, { signal });
    deps.log.info(`Report ${created.eval_suite_report_uuid} created (${created.status}).`);
    return created.eval_suite_report_uuid;
  } catch (err) {
    const failure = classifyCreateFailure(err, runs.length);
    const describe = isApiError(err) ? err.describe() : String(err);
    deps.log.warn(`Creating the report failed: ${describe}`);
    if (failure.kind === 'run') {
      const run = runs[failure.index]!;
      const names = `"${run.name}" (${run.file})`;
      if (failure.reason === 'not-found') {
        throw new UserError(
          t('Aymara does not have run {0} (it may have been deleted, or belong to another workspace), so no report was created. Pick other runs with "Generate Report for Runs…", or score the file again.', names),
          [
            { title: t('Generate Report for Runs…'), command: Command.generateReportForRuns },
            { title: t('Score File'), command: Command.scoreFile, args: [run.uri] },
          ],
          'warning',
        );
      }
      throw new UserError(
        t('Run {0} is not finished on Aymara yet (status {1}), so no report was created. Refresh the results until it is finished, then generate the report again.', names, inert(failure.status ?? 'unknown', 40)),
        [{ title: t('Refresh Results'), command: Command.refresh, args: [run.uri] }],
        'warning',
      );
    }
    if (isApiError(err) && err.kind === 'cancelled' && failure.kind !== 'maybe-created') {
      throw new ReportStopped(t('Stopped before the report was requested; nothing was created.'), undefined, 'info');
    }
    if (failure.kind === 'maybe-created') {
      const why = isApiError(err) && err.kind === 'cancelled' ? t('Stopped while Aymara was answering the request to create the report') : t('The request to create the report got no usable reply ({0})', inert(describe, 300));
      throw new ReportStopped(
        `${why}. ${t('Aymara may have created the report anyway; the request was not sent again. Generate Again creates a new report (the first one, if it exists, stays on Aymara).')}`,
        undefined,
        'warning',
        [],
        'retry',
      );
    }
    const next = isApiError(err) ? nextStep(err.kind) : undefined;
    if (isApiError(err) && next) throw new UserError(`${err.describe()} ${next}`, [], 'error');
    throw err;
  }
}

async function wait(deps: Deps, client: AymaraClient, reportUuid: string, signal: AbortSignal, onProgress: (r: EvalSuiteReport, poll: number) => void): Promise<EvalSuiteReport> {
  const t = vscode.l10n.t;
  const { waitForReport } = await import('../../core/review');
  const id = shortId(reportUuid, 40);
  try {
    const report = await waitForReport(client, reportUuid, { signal, timeoutMs: deps.config.runTimeoutMs, onProgress });
    deps.log.info(`Report ${reportUuid} finished: ${report.eval_run_reports.length} run report(s).`);
    return report;
  } catch (err) {
    const e = err as ApiError;
    deps.log.warn(`Waiting for report ${reportUuid} ended: ${isApiError(err) ? err.describe() : String(err)}`);
    if (isApiError(err) && e.kind === 'server' && e.status === undefined) {
      // The server marked the report failed: a new report is the only way on.
      throw new ReportStopped(t('Aymara could not write report {0} (it failed). Check that its runs are finished, then generate the report again; that creates a new report.', id), reportUuid, 'error', [], 'retry');
    }
    if (isApiError(err) && e.kind === 'cancelled') {
      throw new ReportStopped(t('Stopped waiting for report {0}. Aymara may still finish it; Keep Waiting checks it again without creating a new report.', id), reportUuid, 'info', [], 'wait');
    }
    if (isApiError(err) && e.kind === 'timeout' && e.status === undefined && /still/.test(e.message)) {
      throw new ReportStopped(
        t('Report {0} was not finished within the wait limit ("aymara.runTimeoutMinutes"). Aymara may still finish it; Keep Waiting checks it again without creating a new report.', id),
        reportUuid,
        'warning',
        [{ title: t('Open Settings'), command: WorkbenchCommand.openSettings, args: ['aymara.runTimeoutMinutes'] }],
        'wait',
      );
    }
    const describe = isApiError(err) ? err.describe() : String(err);
    throw new ReportStopped(
      t('Could not check report {0}: {1}. The report was created on Aymara; Keep Waiting checks it again without creating a new one.', id, inert(describe, 300)),
      reportUuid,
      'error',
      isApiError(err) && (e.kind === 'auth' || e.kind === 'permission') ? [{ title: t('Set API Key'), command: Command.setApiKey }] : [],
      'wait',
    );
  }
}
