import * as vscode from 'vscode';
import { countsLine, formatLocalWhen } from '../../core/present/labels';
import { inert, shortId } from '../../core/present/text';
import { headline } from '../../core/report/compareModel';
import { formatPercent, type RunResult } from '../../core/results';
import { fileOf, noTarget, type Target } from '../commandArgs';
import { WorkbenchCommand } from '../commandIds';
import { notify, reportError, UserError } from '../errors';
import { lastPicker } from '../lastPicker';
import type { RunSummary } from '../runStore';
import type { Services } from '../services';
import type { ExplanationsPanels } from '../explanations';
import type { ResultsTree } from '../resultsTree';
import type { ActiveComparison, ComparisonModel } from './model';
import type { PastRuns } from './pastRuns';

/** What this feature uses of the shared services, and the views it shows comparisons in. */
export type Deps = Pick<Services, 'log' | 'store' | 'prompts' | 'diagnostics' | 'client'> & {
  tree: Pick<ResultsTree, 'addRows' | 'view'>;
  explanations: Pick<ExplanationsPanels, 'setCompareSource'>;
};

/** What the compare commands return (for the integration suites): the two runs and the counts. */
export interface CompareOutcome {
  baseline: string;
  current: string;
  counts: ActiveComparison['comparison']['counts'];
}

/** The compare commands that pick and load runs (see index.ts, which registers them). */
export interface CompareCommands extends vscode.Disposable {
  compareWithPrevious(target: Target): Promise<CompareOutcome | undefined>;
  compareRuns(target: Target): Promise<CompareOutcome | undefined>;
}

/**
 * Compare with Previous Run and Compare Runs… of a file (see index.ts): its runs are loaded
 * (stored, or fetched from the API) and shown in the results tree, diagnostics and explanations.
 */
export function compareCommands(deps: Deps, model: ComparisonModel, past: PastRuns): CompareCommands {
  const { store, log } = deps;
  const t = vscode.l10n.t;

  const show = async (uri: vscode.Uri, baseline: RunResult, current: RunResult): Promise<CompareOutcome> => {
    const a = model.set(uri.toString(), baseline, current);
    try {
      await deps.tree.view.reveal({ kind: 'changes', uri: uri.toString() }, { select: false, focus: false, expand: true });
    } catch (err) {
      log.warn(`Could not reveal the comparison in the results view: ${err instanceof Error ? err.message : String(err)}`);
    }
    log.info(`Compared run ${baseline.eval_run_uuid} (baseline) with ${current.eval_run_uuid}: ${headline(a.comparison)}.`);
    return { baseline: baseline.eval_run_uuid, current: current.eval_run_uuid, counts: a.comparison.counts };
  };

  /** A run's results (stored, or fetched from the API when retention dropped them), or a message saying why there are none. */
  const load = async (uri: vscode.Uri, summary: RunSummary, role: string): Promise<RunResult> => {
    const run = summary.stored === false ? await past.result(uri.toString(), summary.eval_run_uuid) : await store.getRun(uri, summary.eval_run_uuid);
    if (!run) {
      throw new UserError(
        t('The results of the {0} ({1}) are no longer stored locally: only the latest runs of a file keep them. Pick stored runs with "Aymara: Compare Runs…", or raise "aymara.history.maxRuns" to keep more.', role, runLabel(summary)),
        [{ title: t('Open Settings'), command: WorkbenchCommand.openSettings, args: ['aymara.history.maxRuns'] }],
        'info',
      );
    }
    return run;
  };

  const sameEval = (baseline: RunResult, current: RunResult): void => {
    if (baseline.eval_uuid !== current.eval_uuid) {
      throw new UserError(t('These runs were scored against different evals ({0} and {1}), so their verdicts cannot be compared. Pick two runs of the same eval with "Aymara: Compare Runs…".', baseline.eval_uuid, current.eval_uuid), [], 'info');
    }
  };

  /** The file a compare command is for, with its runs; undefined after saying why not. */
  const fileRuns = (target: Target): { uri: vscode.Uri; runs: RunSummary[] } | undefined => {
    const uri = target.kind === 'files' ? undefined : fileOf(target);
    if (!uri) {
      void reportError(noTarget(target.kind === 'files' ? { kind: 'unknown', what: 'several files' } : target, 'compare', log), log);
      return undefined;
    }
    const runs = store.runs(uri);
    if (!store.get(uri)?.latest || !runs.length) {
      void notify(log, 'info', t('{0} has no results yet. Score it, change it, score it again, then compare the runs.', fileName(uri)));
      return undefined;
    }
    return { uri, runs };
  };

  const compareWithPrevious = async (target: Target): Promise<CompareOutcome | undefined> => {
    const found = fileRuns(target);
    if (!found) return undefined;
    const { uri, runs } = found;
    const latest = store.get(uri)?.latest;
    const currentId = target.kind === 'run' ? target.runUuid : latest?.eval_run_uuid;
    const at = runs.findIndex((r) => r.eval_run_uuid === currentId);
    if (at < 0) {
      void notify(log, 'info', t('That run is no longer in the history of {0}; pick a run in the Aymara results view.', fileName(uri)));
      return undefined;
    }
    const previous = runs[at + 1];
    if (!previous) {
      void notify(log, 'info', t('{0} has no run before this one to compare with. Change the file and score it again, then compare.', fileName(uri)));
      return undefined;
    }
    try {
      const current = currentId === latest?.eval_run_uuid && latest ? latest : await load(uri, runs[at]!, t('run'));
      const baseline = await load(uri, previous, t('previous run'));
      sameEval(baseline, current);
      return await show(uri, baseline, current);
    } catch (err) {
      void reportError(err, log);
      return undefined;
    }
  };

  const compareRuns = async (target: Target): Promise<CompareOutcome | undefined> => {
    const found = fileRuns(target);
    if (!found) return undefined;
    const { uri } = found;
    // Runs whose results are not stored locally are fetched from the API when picked.
    const stored = found.runs;
    if (stored.length < 2) {
      void notify(log, 'info', t('{0} has {1} run; comparing needs two. Change the file and score it again.', fileName(uri), stored.length));
      return undefined;
    }
    const latestId = store.get(uri)?.latest?.eval_run_uuid;
    const current = await pickRun(stored, latestId, t('Compare Runs (1/2): the run to look at'), t('Pick the current run'));
    if (!current) return undefined;
    const baseline = await pickRun(
      stored.filter((r) => r.eval_run_uuid !== current.eval_run_uuid),
      latestId,
      t('Compare Runs (2/2): the baseline to compare it with'),
      t('Pick the baseline run'),
    );
    if (!baseline) return undefined;
    try {
      const [b, c] = [await load(uri, baseline, t('baseline run')), await load(uri, current, t('current run'))];
      sameEval(b, c);
      return await show(uri, b, c);
    } catch (err) {
      void reportError(err, log);
      return undefined;
    }
  };

  return { compareWithPrevious, compareRuns, dispose: () => undefined };
}

/**
 * A past run whose results are no longer stored locally, fetched from the API (the run, then
 * every page of its responses, bounded and checked as any reply), with progress and cancel.
 * Only in a trusted workspace: fetching sends the key, as scoring does.
 */
export async function fetchPastRun(deps: Pick<Services, 'client' | 'log' | 'store'>, uri: string, runUuid: string): Promise<RunResult> {
  const t = vscode.l10n.t;
  if (!vscode.workspace.isTrusted) throw new UserError(t('The results of this run are not stored locally, and fetching them from Aymara needs a trusted workspace. Trust the workspace, then try again.'), [], 'info');
  const client = await deps.client();
  try {
    const { fetchRunResult } = await import('../../core/compare/fetchRun');
    const evalUuid = deps.store.get(uri)?.latest?.eval_uuid;
    deps.log.info(`Fetching the results of run ${runUuid} for ${uri}: they are no longer stored locally.`);
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Fetching the results of run {0} from Aymara…', shortId(runUuid, 40)), cancellable: true },
      async (_progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          return await fetchRunResult(client, runUuid, { role: t('run'), ...(evalUuid ? { evalUuid } : {}), signal: abort.signal });
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (err) {
    deps.log.warn(`Could not fetch the results of run ${runUuid}: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  } finally {
    void client.close();
  }
}

type RunItem = vscode.QuickPickItem & { run: RunSummary };

/** A quick pick of runs (newest first, the first one active); undefined when the user backs out. */
async function pickRun(runs: readonly RunSummary[], latestId: string | undefined, title: string, placeholder: string): Promise<RunSummary | undefined> {
  const t = vscode.l10n.t;
  const qp = vscode.window.createQuickPick<RunItem>();
  qp.title = title;
  qp.placeholder = placeholder;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.items = runs.map((run) => ({
    label: runLabel(run),
    description: [
      formatLocalWhen(run.completed_at),
      formatPercent(run.pass_rate),
      run.eval_run_uuid === latestId ? t('latest') : undefined,
      run.stored === false ? t('not stored locally: fetched from Aymara') : undefined,
    ]
      .filter(Boolean)
      .join(' · '),
    detail: countsLine(run.counts, t),
    run,
  }));
  // What the integration suites read (the picker shown last).
  lastPicker.placeholder = qp.placeholder;
  lastPicker.items = qp.items.map((i) => ({ label: i.label, description: i.description, detail: i.detail }));
  qp.show();
  const picked = await new Promise<RunItem | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
  });
  qp.dispose();
  return picked?.run;
}

function runLabel(r: Pick<RunSummary, 'run_name' | 'eval_run_uuid'>): string {
  return r.run_name ? inert(r.run_name, 120) : shortId(r.eval_run_uuid, 40);
}

function fileName(uri: vscode.Uri): string {
  return inert(uri.path.split('/').pop() || uri.toString(), 200);
}
