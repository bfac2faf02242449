import * as vscode from 'vscode';
import { inert } from '../../core/present/text';
import { buildCompareModel } from '../../core/report/compareModel';
import { itemIndex } from '../../core/results';
import { fileOrAll, registerCommand, type Target } from '../commandArgs';
import { Command, WorkbenchCommand } from '../commandIds';
import { notify } from '../errors';
import { LazyFeature } from '../lazyFeature';
import type { CompareCommands, Deps } from './commands';
import { ComparisonModel, type ActiveComparison } from './model';
import { PastRuns } from './pastRuns';
import { CompareTreeRows } from './treeRows';

export type { CompareOutcome } from './commands';

const HAS_COMPARISON = 'aymara.hasComparison';

/**
 * Compare runs of a file: Compare with Previous Run (a file, a run row or nothing), Compare
 * Runs… (two runs picked from the file's stored runs) and Clear Comparison. The comparison is
 * shown in the results tree (a Changes row), in diagnostics ("New failure") and in the
 * explanations (compare mode). Past runs' rows in the tree expand to their stored results.
 */
export function register(deps: Deps): vscode.Disposable {
  const { store, log } = deps;
  const t = vscode.l10n.t;
  const model = new ComparisonModel(store);
  const past = new PastRuns(store, async (uri, runUuid) => (await import('./commands')).fetchPastRun(deps, uri, runUuid));
  const rows = new CompareTreeRows(deps, model, past);
  // Compare with Previous Run and Compare Runs… (picks, loads, fetches): loaded on the first call.
  const commands = new LazyFeature<CompareCommands>(async () => (await import('./commands')).compareCommands(deps, model, past));

  /** The comparison of a file whose current side is the file's latest run (what diagnostics show). */
  const ofLatest = (uri: string): ActiveComparison | undefined => {
    const a = model.get(uri);
    return a && a.current.eval_run_uuid === store.get(uri)?.latest?.eval_run_uuid ? a : undefined;
  };

  const clearComparison = (target: Target): boolean => {
    const which = fileOrAll(target, 'compare', log);
    if (!which) return false;
    const uris = which === 'all' ? model.uris() : [which.toString()];
    const cleared = uris.filter((u) => model.clear(u)).length;
    if (!cleared) void notify(log, 'info', which === 'all' ? t('No comparison is shown.') : t('{0} shows no comparison.', fileName(which)));
    return cleared > 0;
  };

  const updateContext = () => void vscode.commands.executeCommand(WorkbenchCommand.setContext, HAS_COMPARISON, model.uris().length > 0);

  return vscode.Disposable.from(
    model,
    past,
    rows,
    deps.tree.addRows(rows),
    deps.diagnostics.setTagger((uri) => {
      const a = ofLatest(uri);
      const word = t('New failure');
      return a ? (key) => (a.index.get(key)?.kind === 'newly_failing' ? word : undefined) : undefined;
    }),
    deps.explanations.setCompareSource((fileUri, run, input) => {
      const a = model.get(fileUri.toString());
      if (!a) return undefined;
      const index = itemIndex(run);
      return buildCompareModel({
        comparison: a.comparison,
        baselineName: a.baseline.run_name,
        currentName: a.current.run_name,
        followed: a.followed,
        prompt: input.prompt,
        lineOf: (e) => index.get(e.key)?.location?.line,
        t: input.t,
      });
    }, model.onDidChange),
    model.onDidChange((uri) => {
      updateContext();
      void deps.diagnostics.refresh(uri);
    }),
    commands,
    registerCommand(Command.compareWithPrevious, commands.handler((c, target) => c.compareWithPrevious(target))),
    registerCommand(Command.compareRuns, commands.handler((c, target) => c.compareRuns(target))),
    registerCommand(Command.clearComparison, clearComparison),
  );
}

function fileName(uri: vscode.Uri): string {
  return inert(uri.path.split('/').pop() || uri.toString(), 200);
}
