import * as vscode from 'vscode';
import { register as registerAuthoring } from './editor/authoring';
import { ResultLenses } from './editor/codeLens';
import { ExplanationsPanels } from './editor/explanations';
import { FileWatcher } from './editor/fileWatcher';
import { Navigation } from './editor/navigation';
import { ResultsTree } from './editor/resultsTree';
import { registerScoring } from './editor/scoreCommand';
import { Services } from './editor/services';
import { StatusBar } from './editor/statusBar';
import { registerTestCommands } from './editor/testCommands';

/** Wiring only: build the shared services, register each feature. No file or network I/O here. */
export function activate(context: vscode.ExtensionContext): void {
  const services = new Services(context);
  const watcher = new FileWatcher(services);
  const scoring = registerScoring(services, watcher);
  const tree = new ResultsTree(services);
  const status = new StatusBar(services);
  // Each holds the other directly: a card's Go to Response selects its entry through Navigation
  // (only ever called after activation), and Navigation opens and scrolls the panels.
  const explanations: ExplanationsPanels = new ExplanationsPanels(services, (uri, key): Promise<boolean> => navigation.revealEntry(uri, key));
  const navigation: Navigation = new Navigation(services, tree, explanations);
  context.subscriptions.push(
    services,
    watcher,
    scoring,
    tree,
    status,
    explanations,
    explanations.register(),
    explanations.registerCommands(),
    navigation,
    new ResultLenses(services),
    registerTestCommands(services, { tree, status, explanations }),
    registerAuthoring({
      log: services.log,
      prompts: (evalUuid) => services.prompts.list(evalUuid)?.map((p) => ({ ...p, thread_uuid: null, turn_number: 1 })),
      fetchPrompts: (evalUuid) => void services.prompts.ensure(evalUuid, () => services.client()),
      waitForPrompts: (evalUuid) => services.prompts.ensure(evalUuid, () => services.client()),
      evalFor: (uri, fileEval) => fileEval ?? services.store.get(uri)?.evalUuid ?? services.store.get(uri)?.latest?.eval_uuid,
      latestItem: (uri, promptUuid) => services.store.get(uri)?.latest?.items.find((i) => i.prompt_uuid === promptUuid),
    }),
  );
  // The one post-activation step, off the activation path: show the saved results, then fetch
  // those of runs a reload left pending.
  setTimeout(() => {
    void services.diagnostics.refresh(undefined);
    void scoring.resumePending();
  }, 0);
}

export function deactivate(): void {}
