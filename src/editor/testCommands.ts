import * as vscode from 'vscode';
import type { RunResult } from '../core/results';
import { TestCommand } from './commandIds';
import { recentMessages } from './errors';
import { lastPicker } from './lastPicker';
import type { ExplanationsPanels, ExplanationsSnapshot } from './explanations';
import type { Node, ResultsTree } from './resultsTree';
import type { FileRecord } from './savedState';
import type { Services } from './services';
import type { StatusBar } from './statusBar';
import type { TestExplorerFeature } from './testExplorer';

/** One row of the results tree as `TestCommand.snapshot` renders it (children down to depth 4). */
export interface TreeRowSnapshot {
  id: string | undefined;
  /** The row's label, or the file name when the row shows a resource. */
  label: string;
  description: string | boolean | undefined;
  contextValue: string | undefined;
  /** The codicon id when the icon is a theme icon. */
  icon: string | undefined;
  /** The tooltip text (the markdown source for a markdown tooltip). */
  tooltip: string | undefined;
  /** What a click on the row runs. */
  command: { command: string; arguments: unknown[] | undefined } | undefined;
  parentId: string | undefined;
  children: TreeRowSnapshot[];
}

/** A message the extension showed the user (newest last, at most 50). */
export interface MessageSnapshot {
  severity: string;
  message: string;
  detail?: string;
  /** The titles of the message's buttons. */
  actions: string[];
}

/** The last eval quick pick the extension showed. */
export interface PickerSnapshot {
  placeholder?: string;
  items: { label: string; description?: string; detail?: string }[];
}

/** What `TestCommand.snapshot` returns: the state the integration suites read. */
export interface TestSnapshot {
  tree: TreeRowSnapshot[];
  treeMessage: string | undefined;
  status: string;
  statusVisible: boolean | undefined;
  records: FileRecord[];
  explanations: ExplanationsSnapshot;
  messages: MessageSnapshot[];
  picker: PickerSnapshot;
  dirs: { globalStorage: string; log: string; workspaceStorage: string | undefined };
}

/**
 * Private commands for the integration suites, registered only when the extension runs under
 * test (ExtensionMode.Test). They read state the VS Code API does not expose (tree rows, status
 * bar text, open panels) and seed runs; they never exist in a user's installation.
 */
export function register(s: Services, parts: { tree: ResultsTree; status: StatusBar; explanations: ExplanationsPanels; testExplorer: TestExplorerFeature }): vscode.Disposable {
  if (s.context.extensionMode !== vscode.ExtensionMode.Test) return new vscode.Disposable(() => undefined);
  const render = (n: Node | undefined, depth: number): TreeRowSnapshot[] =>
    parts.tree.getChildren(n).map((c) => {
      const ti = parts.tree.getTreeItem(c);
      const label = typeof ti.label === 'string' ? ti.label : (ti.label?.label ?? (ti.resourceUri ? (ti.resourceUri.path.split('/').pop() ?? '') : ''));
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
  /** Every row with the node object the tree gives a command of that row (depth first). */
  const nodes = (n: Node | undefined): { id: string | undefined; contextValue: string | undefined; node: Node }[] =>
    parts.tree.getChildren(n).flatMap((c) => {
      const ti = parts.tree.getTreeItem(c);
      return [{ id: ti.id, contextValue: ti.contextValue, node: c }, ...nodes(c)];
    });
  return vscode.Disposable.from(
    vscode.commands.registerCommand(TestCommand.snapshot, (): TestSnapshot => ({
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
    vscode.commands.registerCommand(TestCommand.testExplorer, () => parts.testExplorer.snapshot()),
    vscode.commands.registerCommand(TestCommand.treeNodes, () => nodes(undefined)),
    vscode.commands.registerCommand(TestCommand.hasKey, (origin: string) => s.keys.has(origin)),
    vscode.commands.registerCommand(TestCommand.explanationsMessage, (uri: string, msg: unknown) => parts.explanations.receiveMessage(uri, msg)),
    vscode.commands.registerCommand(TestCommand.clearMessages, () => void recentMessages.splice(0)),
    vscode.commands.registerCommand(TestCommand.setKey, (origin: string, key: string | undefined) => (key ? s.keys.set(origin, key) : s.keys.clear(origin))),
    vscode.commands.registerCommand(TestCommand.setEval, (uri: string, evalUuid: string | undefined) => s.store.setEval(vscode.Uri.parse(uri), evalUuid)),
    // Raw writes to workspace state (bypassing the store, as a crash or an old version might leave it), then a re-read as after a reload.
    vscode.commands.registerCommand(TestCommand.writeState, (key: string, value: unknown) => s.context.workspaceState.update(key, value)),
    vscode.commands.registerCommand(TestCommand.reloadState, () => s.store.reload()),
    vscode.commands.registerCommand(TestCommand.stateSizes, () => Object.fromEntries(s.context.workspaceState.keys().map((k) => [k, JSON.stringify(s.context.workspaceState.get(k) ?? null).length]))),
    vscode.commands.registerCommand(TestCommand.seedRun, (uri: string, result: RunResult) => s.store.setResult(vscode.Uri.parse(uri), result)),
    vscode.commands.registerCommand(TestCommand.revealInTree, (uri: string, key: string) => parts.tree.reveal(uri, key)),
    vscode.commands.registerCommand(TestCommand.selection, () => parts.tree.view.selection.map((n) => parts.tree.getTreeItem(n).id)),
  );
}
