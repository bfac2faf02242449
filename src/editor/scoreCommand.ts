import * as vscode from 'vscode';
import { fileOrAll, forEachResponsesFile, registerCommand, requireFile } from './commandArgs';
import { Command, TestCommand } from './commandIds';
import type { FileWatcher } from './fileWatcher';
import { LazyFeature } from './lazyFeature';
import type { Scorer } from './scorer';
import type { Scoring, ScoringDeps } from './scoreTypes';

/**
 * Registers Score, Select Eval, Refresh, and the API key commands. The work behind them (scorer.ts)
 * is loaded on the first command, or when a reload left a run pending.
 */
export function register(s: ScoringDeps, watcher: Pick<FileWatcher, 'afterRun'>): Scoring {
  let loaded: Scorer | undefined;
  const scorer = new LazyFeature(async () => (loaded = new (await import('./scorer')).Scorer(s, watcher)));
  const keys = () => import('./scorer');
  // Resuming loads the scorer only when a saved record is pending (Restricted Mode blocks resuming).
  const resumePending = async () => {
    if (!vscode.workspace.isTrusted) return;
    await s.store.whenLoaded();
    if (s.store.all().some((rec) => rec.pending)) await (await scorer.get()).resumePending();
  };
  const disposable = vscode.Disposable.from(
    scorer,
    // Once the user trusts the workspace, pending runs are picked up.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void resumePending()),
    registerCommand(Command.scoreFile, (t) => forEachResponsesFile(t, 'score', s.log, async (uri) => (await scorer.get()).score(uri))),
    registerCommand(Command.scoreFailedOnly, async (t) => {
      const uri = requireFile(t, 'scoreFailed', s.log);
      return uri ? (await scorer.get()).scoreFailedOnly(uri, t.kind === 'run' ? t.runUuid : undefined) : undefined;
    }),
    registerCommand(Command.selectEval, async (t) => {
      const uri = requireFile(t, 'selectEval', s.log);
      return uri ? (await scorer.get()).selectEval(uri) : undefined;
    }),
    registerCommand(Command.refresh, async (t) => {
      const target = fileOrAll(t, 'refresh', s.log);
      return target ? (await scorer.get()).refresh(target === 'all' ? undefined : target) : [];
    }),
    registerCommand(Command.setApiKey, async () => (await keys()).setApiKey(s)),
    registerCommand(Command.clearApiKey, async () => (await keys()).clearApiKey(s)),
    registerCommand(Command.showLog, () => s.log.show()),
    // Test hook: what a window reload does (read the saved records and pending file again, then
    // resume), on demand, so the suites can seed a pending run first.
    ...(s.context.extensionMode === vscode.ExtensionMode.Test
      ? [vscode.commands.registerCommand(TestCommand.resumePending, async () => {
          await s.store.reload();
          await resumePending();
        })]
      : []),
  );
  return {
    dispose: () => disposable.dispose(),
    resumePending,
    score: async (uri, options) => (await scorer.get()).score(uri, options),
    // Nothing is being scored before the scorer is loaded.
    isScoring: (uri) => loaded?.isScoring(uri) ?? false,
  };
}
