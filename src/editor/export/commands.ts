import * as vscode from 'vscode';
import type { RunResult } from '../../core/results';
import { requireFile, type Target } from '../commandArgs';
import { Command, WorkbenchCommand } from '../commandIds';
import { notify, reportError } from '../errors';
import { label } from '../fileText';
import type { Services } from '../services';
import { defaultName, FORMAT_INFO, FORMATS, isFormat, render, type Format } from './formats';

/** What Export Results… uses of the shared services. */
export type Deps = Pick<Services, 'config' | 'context' | 'log' | 'store'>;

/**
 * The two questions Export asks. In the integration suites (ExtensionMode.Test only) the answers
 * can be given beforehand through `TestCommand.exportAnswers`, since a test cannot click a native
 * save dialog; what was asked is recorded either way.
 */
export interface Answers {
  /** A format id; undefined = the quick pick was dismissed. */
  format?: string;
  /** The chosen file's URI string; null = the save dialog was cancelled. */
  target?: string | null;
}
export interface Asked {
  formats: string[];
  defaultUri?: string;
}

/** Export Results…'s handler, and the test-only ones (see index.ts, which registers them). */
export interface ExportCommands extends vscode.Disposable {
  exportResults(t: Target): Promise<string | undefined>;
  test: {
    answers(a: Answers | undefined): void;
    asked(): Asked;
  };
}

/**
 * Export Results… (results tree file and run rows, palette): the run's results as CSV, JSON,
 * SARIF, JUnit XML or Markdown, written with the command line's report writers to a file the
 * user picks in a save dialog. Returns the written file's URI (for tests), or undefined. Loaded
 * on the first export.
 */
export function exportCommands(s: Deps): ExportCommands {
  let answers: Answers | undefined;
  const asked: Asked = { formats: [] };
  const ui = {
    async pickFormat(): Promise<Format | undefined> {
      asked.formats = FORMATS.map((f) => FORMAT_INFO[f].label);
      if (answers) return isFormat(answers.format) ? answers.format : undefined;
      const t = vscode.l10n.t;
      const picked = await vscode.window.showQuickPick(
        FORMATS.map((f) => ({ label: FORMAT_INFO[f].label, description: `.${FORMAT_INFO[f].extension}`, detail: t(FORMAT_INFO[f].detail), format: f })),
        { title: t('Export Results'), placeHolder: t('Choose the format of the report') },
      );
      return picked?.format;
    },
    async pickTarget(defaultUri: vscode.Uri, format: Format): Promise<vscode.Uri | undefined> {
      asked.defaultUri = defaultUri.toString();
      if (answers) return answers.target ? vscode.Uri.parse(answers.target, true) : undefined;
      const info = FORMAT_INFO[format];
      return vscode.window.showSaveDialog({ defaultUri, title: vscode.l10n.t('Export Results as {0}', info.label), filters: { [info.label]: [info.extension] } });
    },
  };
  const run = async (t: Target): Promise<string | undefined> => {
    try {
      return await exportResults(s, t, ui);
    } catch (err) {
      void reportError(err, s.log);
      return undefined;
    } finally {
      answers = undefined;
    }
  };
  return {
    exportResults: run,
    test: {
      answers: (a) => {
        answers = a;
        asked.formats = [];
        asked.defaultUri = undefined;
      },
      asked: () => ({ ...asked }),
    },
    dispose: () => undefined,
  };
}

async function exportResults(
  s: Deps,
  t: Target,
  ui: { pickFormat(): Promise<Format | undefined>; pickTarget(d: vscode.Uri, f: Format): Promise<vscode.Uri | undefined> },
): Promise<string | undefined> {
  const l = vscode.l10n.t;
  const uri = requireFile(t, 'export', s.log);
  if (!uri) return undefined;
  const run = await runOf(s, uri, t.kind === 'run' ? t.runUuid : undefined);
  if (!run) return undefined;
  const format = await ui.pickFormat();
  if (!format) return undefined;
  const folder = vscode.Uri.joinPath(uri, '..');
  const target = await ui.pickTarget(vscode.Uri.joinPath(folder, defaultName(uri, run, format)), format);
  if (!target) return undefined;
  const text = await render(format, run, {
    file: uri,
    target,
    fileLabel: vscode.workspace.asRelativePath(uri, false),
    version: String(s.context.extension.packageJSON.version ?? '0'),
    maxFileBytes: s.config.maxFileBytes,
  });
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(s.log.redact(text)));
  s.log.info(`Exported run ${run.eval_run_uuid} of ${label(uri)} as ${format} to ${target.toString()}.`);
  void notify(s.log, 'info', l('Exported the results of {0} to {1}.', label(uri), label(target)), [{ title: l('Open'), command: WorkbenchCommand.open, args: [target] }]);
  return target.toString();
}

/** The run to export: the given one of the file, or its latest; undefined (the user told what to do) when there is none. */
async function runOf(s: Deps, uri: vscode.Uri, runUuid: string | undefined): Promise<RunResult | undefined> {
  const t = vscode.l10n.t;
  await s.store.whenLoaded();
  const latest = s.store.get(uri)?.latest;
  const run = runUuid && runUuid !== latest?.eval_run_uuid ? await s.store.getRun(uri, runUuid) : latest;
  if (!run) {
    const why = runUuid ? t('The results of that run are no longer stored here, so there is nothing to export.') : t('{0} has no results to export yet.', label(uri));
    void notify(s.log, 'info', `${why} ${t('Score the file, then export its results.')}`, [{ title: t('Score File'), command: Command.scoreFile, args: [uri] }]);
  }
  return run;
}
