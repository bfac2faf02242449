import * as vscode from 'vscode';
import type { RunResult } from '../core/results';
import { recentMessages } from './errors';
import { lastPicker } from './evalPicker';
import type { ExplanationsPanels } from './explanations';
import type { Node, ResultsTree } from './resultsTree';
import type { Services } from './services';
import type { StatusBar } from './statusBar';

/**
 * Private commands for the integration suites, registered only when the extension runs under
 * test (ExtensionMode.Test). They read state the VS Code API does not expose (tree rows, status
 * bar text, open panels) and seed runs; they never exist in a user's installation.
 */
export function registerTestCommands(s: Services, parts: { tree: ResultsTree; status: StatusBar; explanations: ExplanationsPanels }): vscode.Disposable {
  if (s.context.extensionMode !== vscode.ExtensionMode.Test) return new vscode.Disposable(() => undefined);
  const render = (n: Node | undefined, depth: number): unknown[] =>
    parts.tree.getChildren(n).map((c) => {
      const ti = parts.tree.getTreeItem(c);
      const label = typeof ti.label === 'string' ? ti.label : (ti.label?.label ?? (ti.resourceUri ? ti.resourceUri.path.split('/').pop() : ''));
      return {
        id: ti.id,
        label,
        description: ti.description,
        contextValue: ti.contextValue,
        icon: ti.iconPath instanceof vscode.ThemeIcon ? ti.iconPath.id : undefined,
        tooltip: ti.tooltip instanceof vscode.MarkdownString ? ti.tooltip.value : ti.tooltip,
        command: ti.command ? { command: ti.command.command, arguments: ti.command.arguments } : undefined,
        parentId: (() => {
          const p = parts.tree.getParent(c);
          return p ? parts.tree.getTreeItem(p).id : undefined;
        })(),
        children: depth < 4 ? render(c, depth + 1) : [],
      };
    });
  return vscode.Disposable.from(
    vscode.commands.registerCommand('aymara._test.snapshot', () => ({
      tree: render(undefined, 0),
      treeMessage: parts.tree.view.message,
      status: parts.status.item.text,
      statusVisible: (parts.status.item as { visible?: boolean }).visible,
      records: s.store.all(),
      explanations: parts.explanations.snapshot(),
      messages: [...recentMessages],
      picker: { ...lastPicker },
      dirs: { globalStorage: s.context.globalStorageUri.fsPath, log: s.context.logUri.fsPath, workspaceStorage: s.context.storageUri?.fsPath },
    })),
    vscode.commands.registerCommand('aymara._test.explanationsMessage', (uri: string, msg: unknown) => parts.explanations.receiveMessage(uri, msg)),
    vscode.commands.registerCommand('aymara._test.clearMessages', () => void recentMessages.splice(0)),
    vscode.commands.registerCommand('aymara._test.setKey', (origin: string, key: string | undefined) => (key ? s.keys.set(origin, key) : s.keys.clear(origin))),
    vscode.commands.registerCommand('aymara._test.setEval', (uri: string, evalUuid: string | undefined) => s.store.setEval(vscode.Uri.parse(uri), evalUuid)),
    // Raw writes to workspace state (bypassing the store, as a crash or an old version might leave it), then a re-read as after a reload.
    vscode.commands.registerCommand('aymara._test.writeState', (key: string, value: unknown) => s.context.workspaceState.update(key, value)),
    vscode.commands.registerCommand('aymara._test.reloadState', () => s.store.reload()),
    vscode.commands.registerCommand('aymara._test.stateSizes', () => Object.fromEntries(s.context.workspaceState.keys().map((k) => [k, JSON.stringify(s.context.workspaceState.get(k) ?? null).length]))),
    vscode.commands.registerCommand('aymara._test.seedRun', (uri: string, result: RunResult) => s.store.setResult(vscode.Uri.parse(uri), result)),
    vscode.commands.registerCommand('aymara._test.revealInTree', (uri: string, key: string) => parts.tree.reveal(uri, key)),
    vscode.commands.registerCommand('aymara._test.selection', () => parts.tree.view.selection.map((n) => parts.tree.getTreeItem(n).id)),
  );
}
