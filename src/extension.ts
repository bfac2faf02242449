import * as vscode from 'vscode';
import { registerScoring } from './editor/scoreCommand';
import { Services } from './editor/services';

/** Wiring only: build the shared services, register each feature. No file or network I/O here. */
export function activate(context: vscode.ExtensionContext): void {
  const services = new Services(context);
  context.subscriptions.push(services, registerScoring(services));
  // Restore saved results right after activation, off the activation path.
  setTimeout(() => void services.diagnostics.refresh(undefined), 0);
}

export function deactivate(): void {}
