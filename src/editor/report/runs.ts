import * as vscode from 'vscode';
import { countsLine, formatLocalWhen } from '../../core/present/labels';
import { inert, shortId } from '../../core/present/text';
import { formatPercent } from '../../core/results';
import { parseArgs, type Target } from '../commandArgs';
import { Command } from '../commandIds';
import { UserError } from '../errors';
import { label } from '../fileText';
import type { RunStore, RunSummary } from '../runStore';

/** A run a report is asked for, with how a person knows it. */
export interface ReportRun {
  uri: vscode.Uri;
  runUuid: string;
  /** The run's name (or short id), inert. */
  name: string;
  /** The responses file, relative to the workspace, inert. */
  file: string;
}

/**
 * The questions the report commands ask (a file, runs, a save target). In the integration
 * suites the answers can be given beforehand (see index.ts); what was offered is recorded.
 */
export interface Answers {
  /** The file picked when the palette command has no file: its URI string; null = dismissed. */
  file?: string | null;
  /** The run ids picked in Generate Report for Runs…; null = dismissed. */
  runs?: string[] | null;
  /** The save dialog's file (URI string); null = cancelled. */
  target?: string | null;
  /** The button picked on the message that ends a generation without a report (Keep Waiting, Generate Again). */
  button?: string;
}

export interface Asked {
  files: string[];
  runs: { label: string; description?: string; detail?: string; runUuid: string }[];
  defaultUri?: string;
}

export function runOf(uri: vscode.Uri, s: RunSummary): ReportRun {
  return { uri, runUuid: s.eval_run_uuid, name: runName(s), file: label(uri) };
}

function runName(s: Pick<RunSummary, 'run_name' | 'eval_run_uuid'>): string {
  return s.run_name ? inert(s.run_name, 120) : shortId(s.eval_run_uuid, 40);
}

const isResponsesFile = (u: vscode.Uri) => /\.jsonl?$/i.test(u.path);

/** Picks what is asked or shown, for a test to answer and read. */
export interface Ui {
  answers: Answers | undefined;
  asked: Asked;
}

/**
 * The runs Generate Report is for: a file's latest run (a Uri, a file row, an Explorer selection:
 * each file's), a run row's run, or with nothing the active editor's file, else a pick of the
 * scored files. Undefined when the person backed out; a UserError saying what to do when there
 * is nothing to report on.
 */
export async function runsOfTarget(store: RunStore, args: readonly unknown[], ui: Ui): Promise<ReportRun[] | undefined> {
  const t = vscode.l10n.t;
  await store.whenLoaded();
  const target: Target = parseArgs(args);
  const latestOf = (uri: vscode.Uri): ReportRun => {
    const s = store.runs(uri)[0];
    if (!s || !store.get(uri)?.latest) {
      throw new UserError(t('{0} has no results yet. Score it first, then generate a report on its run.', label(uri)), [{ title: t('Score File'), command: Command.scoreFile, args: [uri] }], 'info');
    }
    return runOf(uri, s);
  };
  switch (target.kind) {
    case 'unknown':
      throw new UserError(
        t('Aymara could not tell which file or run this report is for; nothing was sent. Right-click a scored file in the Aymara results view and pick "Generate Report", or run "Aymara: Generate Report for Runs…" from the Command Palette.'),
        [{ title: t('Generate Report for Runs…'), command: Command.generateReportForRuns }],
        'warning',
      );
    case 'run':
    case 'group': {
      const s = store.runs(target.uri).find((r) => r.eval_run_uuid === target.runUuid);
      if (!s) throw new UserError(t('That run is no longer in the history of {0}; pick a run in the Aymara results view.', label(target.uri)), [], 'info');
      return [runOf(target.uri, s)];
    }
    case 'file':
    case 'entry':
      return [latestOf(target.uri)];
    case 'files': {
      const files = target.uris.filter((u) => isResponsesFile(u) && store.get(u)?.latest);
      if (!files.length) throw new UserError(t('None of the selected files has results yet. Score them first, then generate a report.'), [], 'info');
      return files.map(latestOf);
    }
    case 'none': {
      const active = vscode.window.activeTextEditor?.document.uri;
      if (active && active.scheme !== 'output' && store.get(active)?.latest) return [latestOf(active)];
      const uri = await pickFile(store, ui);
      return uri ? [latestOf(uri)] : undefined;
    }
  }
}

/** A quick pick of the scored files; undefined when dismissed. */
async function pickFile(store: RunStore, ui: Ui): Promise<vscode.Uri | undefined> {
  const t = vscode.l10n.t;
  const scored = store.all().filter((r) => r.latest);
  if (!scored.length) throw new UserError(t('No file has results yet. Score a responses file, then generate a report on its run.'), [{ title: t('Score File'), command: Command.scoreFile }], 'info');
  const items = scored.map((r) => {
    const uri = vscode.Uri.parse(r.uri);
    return { label: label(uri), description: r.latest ? `${formatLocalWhen(r.latest.completed_at)} · ${formatPercent(r.latest.pass_rate)}` : undefined, uri };
  });
  ui.asked.files = items.map((i) => i.label);
  if (ui.answers) return ui.answers.file ? vscode.Uri.parse(ui.answers.file, true) : undefined;
  const picked = await vscode.window.showQuickPick(items, { title: t('Generate Report'), placeHolder: t('Pick the scored file whose latest run the report is on') });
  return picked?.uri;
}

/**
 * Generate Report for Runs…: a multi-select pick of every run in the history of every scored
 * file (newest first per file); undefined when dismissed or nothing was picked.
 */
export async function pickRuns(store: RunStore, ui: Ui, preselect?: vscode.Uri): Promise<ReportRun[] | undefined> {
  const t = vscode.l10n.t;
  await store.whenLoaded();
  type Item = vscode.QuickPickItem & { run?: ReportRun };
  const items: Item[] = [];
  for (const rec of store.all()) {
    const uri = vscode.Uri.parse(rec.uri);
    const runs = store.runs(uri);
    if (!runs.length) continue;
    items.push({ label: label(uri), kind: vscode.QuickPickItemKind.Separator });
    runs.forEach((s, i) => {
      const run = runOf(uri, s);
      items.push({
        label: run.name,
        description: [run.file, formatLocalWhen(s.completed_at), formatPercent(s.pass_rate), i === 0 ? t('latest') : undefined].filter(Boolean).join(' · '),
        detail: countsLine(s.counts, t),
        picked: i === 0 && preselect?.toString() === uri.toString(),
        run,
      });
    });
  }
  const choices = items.filter((i) => i.run);
  if (!choices.length) throw new UserError(t('No file has results yet. Score a responses file, then generate a report on its runs.'), [{ title: t('Score File'), command: Command.scoreFile }], 'info');
  ui.asked.runs = choices.map((i) => ({ label: i.label, description: i.description, detail: i.detail, runUuid: i.run!.runUuid }));
  let picked: Item[] | undefined;
  if (ui.answers) {
    const ids = ui.answers.runs;
    picked = ids === null || ids === undefined ? undefined : ids.map((id) => choices.find((c) => c.run!.runUuid === id)).filter((c): c is Item => c !== undefined);
  } else {
    picked = await vscode.window.showQuickPick(items, {
      title: t('Generate Report for Runs'),
      placeHolder: t('Pick the runs to report on (any files; at most 100)'),
      canPickMany: true,
      matchOnDescription: true,
      matchOnDetail: true,
    });
  }
  return picked?.length ? picked.map((p) => p.run!) : undefined;
}
