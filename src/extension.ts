import type * as vscode from 'vscode';
import type { AymaraEvalApi } from '../api/aymara-eval';
import * as api from './editor/api';
import * as uriHandler from './editor/api/uriHandler';
import * as authoring from './editor/authoring';
import * as codeLens from './editor/codeLens';
import * as compare from './editor/compare';
import * as explanations from './editor/explanations';
import * as exportResults from './editor/export';
import { FileWatcher } from './editor/fileWatcher';
import * as navigation from './editor/navigation';
import * as reports from './editor/report';
import * as review from './editor/override';
import * as resultsTree from './editor/resultsTree';
import * as scoring from './editor/scoreCommand';
import * as scoreOnSave from './editor/scoreOnSave';
import { Services } from './editor/services';
import * as statusBar from './editor/statusBar';
import * as testCommands from './editor/testCommands';
import * as testExplorer from './editor/testExplorer';
import * as turns from './editor/turns';
import * as walkthrough from './editor/walkthrough';

/**
 * Wiring only: build the shared services, then each feature through its `register(deps)`, which
 * takes what the feature uses and returns one Disposable owning all it registered. No file or
 * network I/O here.
 */
export function activate(context: vscode.ExtensionContext): AymaraEvalApi {
  const services = new Services(context);
  const watcher = new FileWatcher(services);
  const score = scoring.register(services, watcher);
  const tree = resultsTree.register(services);
  const status = statusBar.register(services);
  // Each holds the other directly: a card's Go to Response selects its entry through Navigation
  // (only ever called after activation), and Navigation opens and scrolls the panels.
  const panels: explanations.ExplanationsPanels = explanations.register(services, (uri, key): Promise<boolean> => nav.revealEntry(uri, key));
  const nav: navigation.Navigation = navigation.register(services, tree, panels);
  const tests = testExplorer.register({ store: services.store, prompts: services.prompts, scoring: score });
  const forExtensions = api.register({ store: services.store, log: services.log, scoring: score });
  context.subscriptions.push(
    services,
    watcher,
    score,
    tree,
    status,
    panels,
    nav,
    codeLens.register(services),
    compare.register({ log: services.log, store: services.store, prompts: services.prompts, diagnostics: services.diagnostics, client: () => services.client(), tree, explanations: panels }),
    exportResults.register(services),
    reports.register(services),
    review.register({ context: services.context, log: services.log, prompts: services.prompts, store: services.store, client: () => services.client() }, panels),
    forExtensions,
    uriHandler.register({ context, log: services.log, store: services.store, panels, tree }),
    scoreOnSave.register({ config: services.config, context, log: services.log, store: services.store, scoring: score }),
    walkthrough.register(services),
    turns.register(services, score),
    tests,
    testCommands.register(services, { tree, status, explanations: panels, testExplorer: tests }),
    authoring.register({
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
    void score.resumePending();
  }, 0);
  return forExtensions.api;
}

export function deactivate(): void {}
