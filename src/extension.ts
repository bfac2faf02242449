import * as vscode from 'vscode';
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
  );
  // Restore saved results right after activation, off the activation path.
  setTimeout(() => void services.diagnostics.refresh(undefined), 0);
}

export function deactivate(): void {}
