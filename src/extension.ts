import * as vscode from 'vscode';
import { register as registerAuthoring } from './editor/authoring';
import { ResultLenses } from './editor/codeLens';
import { ExplanationsPanels } from './editor/explanations';
import { Navigation } from './editor/navigation';
import { ResultsTree } from './editor/resultsTree';
import { registerScoring } from './editor/scoreCommand';
import { Services } from './editor/services';
import { StatusBar } from './editor/statusBar';
import { registerTestCommands } from './editor/testCommands';

/** Wiring only: build the shared services, register each feature. No file or network I/O here. */
export function activate(context: vscode.ExtensionContext): void {
  const services = new Services(context);
  const tree = new ResultsTree(services);
  const status = new StatusBar(services);
  const explanations = new ExplanationsPanels(services);
  context.subscriptions.push(
    services,
    registerScoring(services),
    tree,
    status,
    explanations,
    explanations.register(),
    explanations.registerCommands(),
    new Navigation(services, tree),
    new ResultLenses(services),
    registerTestCommands(services, { tree, status, explanations }),
    registerAuthoring({
      log: services.log,
      commandId: 'aymara.addUnansweredEntries',
      prompts: (evalUuid) => services.prompts.list(evalUuid)?.map((p) => ({ ...p, thread_uuid: null, turn_number: 1 })),
      fetchPrompts: (evalUuid) => void services.prompts.ensure(evalUuid, () => services.client()),
      waitForPrompts: (evalUuid) => services.prompts.ensure(evalUuid, () => services.client()),
      evalFor: (uri, fileEval) => fileEval ?? services.store.get(uri)?.evalUuid ?? services.store.get(uri)?.latest?.eval_uuid,
      latestItem: (uri, promptUuid) => services.store.get(uri)?.latest?.items.find((i) => i.prompt_uuid === promptUuid),
      resolveUri: (arg) => (arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri),
    }),
  );
  // Restore saved results right after activation, off the activation path.
  setTimeout(() => void services.diagnostics.refresh(undefined), 0);
}

export function deactivate(): void {}
