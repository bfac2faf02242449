import * as vscode from 'vscode';
import { TestCommand } from '../commandIds';
import type { Deps } from './openLink';

/**
 * Links into the extension: `<scheme>://aymara-eval-tools.aymara-eval-scoring/open?file=<file>&run=<run id>`
 * opens a run's results. `file` is a path relative to the (first) workspace folder or a file URI
 * inside the workspace; `run` is optional (default the latest). The latest run opens in the
 * explanations panel and is selected in the Aymara view; an older run is selected in the view.
 * A link never scores anything, and opens nothing outside the workspace or for a run this
 * workspace does not hold: it says so instead. What a link does (openLink.ts) is loaded on the
 * first link.
 */
export function register(s: Deps): vscode.Disposable {
  const openLink = async (link: vscode.Uri) => (await import('./openLink')).openLink(s, link);
  const handler: vscode.UriHandler = { handleUri: (uri) => void openLink(uri) };
  return vscode.Disposable.from(
    vscode.window.registerUriHandler(handler),
    // Test hook: the suites cannot make the browser open a vscode:// link, so they hand it over here.
    ...(s.context.extensionMode === vscode.ExtensionMode.Test ? [vscode.commands.registerCommand(TestCommand.handleUri, (u: string) => openLink(vscode.Uri.parse(u, true)))] : []),
  );
}
