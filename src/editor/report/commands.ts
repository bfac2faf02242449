import * as vscode from 'vscode';
import type { EvalSuiteReport } from '../../core/reviewSchemas';
import { parseArgs } from '../commandArgs';
import { Command, WorkbenchCommand } from '../commandIds';
import { notify, reportError, UserError } from '../errors';
import { label } from '../fileText';
import type { Services } from '../services';
import { checkTrusted, generateReport, ReportStopped } from './generate';
import { ReportPanels, type ReportEntry } from './panel';
import { pickRuns, runsOfTarget, type Answers, type Asked, type ReportRun, type Ui } from './runs';

export type Deps = Pick<Services, 'client' | 'config' | 'context' | 'log' | 'store'>;

/** What Generate Report returns (for the integration suites): the report shown, or how it ended. */
export interface ReportOutcome {
  reportUuid?: string;
  runs: string[];
  status: 'finished' | 'stopped' | 'failed';
}

/** The report commands' handlers, and the test-only ones (see index.ts, which registers them). */
export interface ReportCommands extends vscode.Disposable {
  generate(...args: unknown[]): Promise<ReportOutcome | undefined>;
  generateForRuns(...args: unknown[]): Promise<ReportOutcome | undefined>;
  exportMarkdown(...args: unknown[]): Promise<string | undefined>;
  test: {
    answers(a: Answers | undefined): void;
    asked(): Asked;
    panels(): ReturnType<ReportPanels['snapshot']>;
    message(reportUuid: string, msg: unknown): ReturnType<ReportPanels['receiveMessage']>;
    cancel(): number;
  };
}

/**
 * Eval reports in the editor: Generate Report (a file's latest run, a run row's run, an Explorer
 * selection's files, or with nothing the active file or a pick), Generate Report for Runs… (a
 * multi-select of the stored runs of every file), the report view, and Export Report as
 * Markdown (the view's button, or the palette for the active report view) written with the
 * command line's Markdown writer. Loaded on the first report command.
 */
export function reportCommands(s: Deps): ReportCommands {
  const t = vscode.l10n.t;
  const ui: Ui = { answers: undefined, asked: { files: [], runs: [] } };
  /** Generations in flight (for the integration suites' stand-in for the notification's Cancel). */
  const inFlight = new Set<AbortController>();
  const panels = new ReportPanels(s, (entry) => void exportEntry(entry).catch((err: unknown) => reportError(err, s.log)));

  const local = (runs: readonly ReportRun[]) => (runUuid: string) => {
    const r = runs.find((x) => x.runUuid === runUuid);
    return r ? { file: r.file, runName: r.name } : undefined;
  };

  const run = async (runs: readonly ReportRun[], reportUuid?: string): Promise<ReportOutcome> => {
    const ids = runs.map((r) => r.runUuid);
    const abort = new AbortController();
    inFlight.add(abort);
    let report: EvalSuiteReport;
    try {
      report = await generateReport(s, runs, { signal: abort.signal, reportUuid });
    } catch (err) {
      if (!(err instanceof ReportStopped)) {
        void reportError(err, s.log);
        return { runs: ids, status: 'failed' };
      }
      s.log[err.severity === 'info' ? 'info' : 'warn'](err.message);
      const again = err.next === 'retry' ? t('Generate Again') : err.next === 'wait' ? t('Keep Waiting') : undefined;
      const shown = notify(s.log, err.severity, err.message, [...(again ? [{ title: again }] : []), ...err.actions, { title: t('Show Log'), command: Command.showLog }]);
      // Under test the button can be picked beforehand (a test cannot click a notification).
      const button = ui.answers?.button;
      void (button !== undefined ? Promise.resolve({ title: button }) : shown).then((picked) => {
        // Only the person's choice sends anything again: Keep Waiting polls the same report, Generate Again creates a new one.
        if (again && picked?.title === again) void run(runs, err.next === 'wait' ? err.reportUuid : undefined);
      });
      return { runs: ids, status: 'stopped', ...(err.reportUuid ? { reportUuid: err.reportUuid } : {}) };
    } finally {
      inFlight.delete(abort);
    }
    panels.show(report, local(runs), runs[0]?.uri);
    return { runs: ids, status: 'finished', reportUuid: report.eval_suite_report_uuid };
  };

  const generate = async (...args: unknown[]): Promise<ReportOutcome | undefined> => {
    try {
      checkTrusted();
      const runs = await runsOfTarget(s.store, args, ui);
      return runs ? await run(runs) : undefined;
    } catch (err) {
      void reportError(err, s.log);
      return undefined;
    } finally {
      ui.answers = undefined;
    }
  };

  const generateForRuns = async (...args: unknown[]): Promise<ReportOutcome | undefined> => {
    try {
      checkTrusted();
      // From a file's row (or a Uri): that file's latest run is picked to begin with.
      const target = parseArgs(args);
      const runs = await pickRuns(s.store, ui, 'uri' in target ? target.uri : undefined);
      if (!runs) return undefined;
      if (runs.length > 100) throw new UserError(t('A report covers at most 100 runs; you picked {0}. Pick fewer, then generate the report again.', runs.length), [], 'info');
      return await run(runs);
    } catch (err) {
      void reportError(err, s.log);
      return undefined;
    } finally {
      ui.answers = undefined;
    }
  };

  /** Writes the report as Markdown (the command line's writer) to a file picked in a save dialog. */
  const exportEntry = async (entry: ReportEntry): Promise<string | undefined> => {
    try {
      const folder = (entry.near && vscode.workspace.getWorkspaceFolder(entry.near)?.uri) ?? vscode.workspace.workspaceFolders?.[0]?.uri ?? (entry.near ? vscode.Uri.joinPath(entry.near, '..') : undefined);
      const name = `aymara-report-${entry.model.reportUuid.replace(/^[a-z_]+\./i, '').replace(/[^A-Za-z0-9-]/g, '').slice(0, 8) || 'report'}.md`;
      const defaultUri = folder ? vscode.Uri.joinPath(folder, name) : undefined;
      ui.asked.defaultUri = defaultUri?.toString();
      const target = ui.answers
        ? ui.answers.target
          ? vscode.Uri.parse(ui.answers.target, true)
          : undefined
        : await vscode.window.showSaveDialog({ ...(defaultUri ? { defaultUri } : {}), title: t('Export Report as Markdown'), filters: { Markdown: ['md'] } });
      if (!target) return undefined;
      const { writeReportMarkdown } = await import('../../core/report/evalReport');
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(s.log.redact(writeReportMarkdown(entry.report))));
      s.log.info(`Exported report ${entry.model.reportUuid} as Markdown to ${target.toString()}.`);
      void notify(s.log, 'info', t('Exported the report to {0}.', label(target)), [{ title: t('Open'), command: WorkbenchCommand.open, args: [target] }]);
      return target.toString();
    } finally {
      ui.answers = undefined;
    }
  };

  const exportCommand = async (...args: unknown[]): Promise<string | undefined> => {
    try {
      const wanted = typeof args[0] === 'string' ? args[0] : undefined;
      if (args.some((a) => a !== undefined && a !== null) && wanted === undefined) {
        throw new UserError(t('Aymara could not tell which report to export; nothing was written. Open the report view and use its Export as Markdown button.'), [], 'warning');
      }
      const entry = wanted ? panels.byId(wanted) : panels.current();
      if (!entry) {
        throw new UserError(t('No report view is open. Generate a report (right-click a scored file in the Aymara results view), then export it.'), [{ title: t('Generate Report for Runs…'), command: Command.generateReportForRuns }], 'info');
      }
      return await exportEntry(entry);
    } catch (err) {
      void reportError(err, s.log);
      ui.answers = undefined;
      return undefined;
    }
  };

  return {
    generate,
    generateForRuns,
    exportMarkdown: exportCommand,
    test: {
      answers: (a) => {
        ui.answers = a;
        ui.asked = { files: [], runs: [] };
      },
      asked: () => ({ ...ui.asked }),
      panels: () => panels.snapshot(),
      message: (reportUuid, msg) => panels.receiveMessage(reportUuid, msg),
      // What the Cancel button of the progress notification does (a test cannot click it).
      cancel: () => {
        const n = inFlight.size;
        for (const a of inFlight) a.abort();
        return n;
      },
    },
    dispose: () => panels.dispose(),
  };
}
