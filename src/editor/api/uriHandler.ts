import * as vscode from 'vscode';
import { shortId } from '../../core/present/text';
import { TestCommand, WorkbenchCommand } from '../commandIds';
import { notify, reportError } from '../errors';
import type { ExplanationsPanels } from '../explanations';
import { label } from '../fileText';
import type { ResultsTree } from '../resultsTree';
import type { Services } from '../services';

type Deps = Pick<Services, 'context' | 'log' | 'store'> & { panels: Pick<ExplanationsPanels, 'show'>; tree: Pick<ResultsTree, 'view'> };

/**
 * Links into the extension: `<scheme>://aymara-eval-tools.aymara-eval-scoring/open?file=<file>&run=<run id>`
 * opens a run's results. `file` is a path relative to the (first) workspace folder or a file URI
 * inside the workspace; `run` is optional (default the latest). The latest run opens in the
 * explanations panel and is selected in the Aymara view; an older run is selected in the view.
 * A link never scores anything, and opens nothing outside the workspace or for a run this
 * workspace does not hold: it says so instead.
 */
export function register(s: Deps): vscode.Disposable {
  const handler: vscode.UriHandler = { handleUri: (uri) => void openLink(s, uri) };
  return vscode.Disposable.from(
    vscode.window.registerUriHandler(handler),
    // Test hook: the suites cannot make the browser open a vscode:// link, so they hand it over here.
    ...(s.context.extensionMode === vscode.ExtensionMode.Test ? [vscode.commands.registerCommand(TestCommand.handleUri, (u: string) => openLink(s, vscode.Uri.parse(u, true)))] : []),
  );
}

/** Open what a link asks for; true when something was opened, false when it was refused (the user told why). */
async function openLink(s: Deps, link: vscode.Uri): Promise<boolean> {
  try {
    return await open(s, link);
  } catch (err) {
    void reportError(err, s.log);
    return false;
  }
}

async function open(s: Deps, link: vscode.Uri): Promise<boolean> {
  const t = vscode.l10n.t;
  const refuse = (why: string): false => {
    s.log.warn(`Refused a link: ${why}`);
    void notify(s.log, 'warning', `${why} ${t('Nothing was opened.')}`);
    return false;
  };
  if (link.path !== '/open') return refuse(t('Aymara does not know links to "{0}"; it opens links of the form …/open?file=<file>&run=<run id>.', link.path));
  const params = new URLSearchParams(link.query);
  const fileParam = params.get('file');
  const runParam = params.get('run') || undefined;
  if (!fileParam) return refuse(t('The link names no file (file=…).'));
  const file = resolveFile(fileParam);
  if (!file) return refuse(t('The link\'s file is not in this workspace. Aymara only opens results of files in the open workspace.'));
  await s.store.whenLoaded();
  const rec = s.store.get(file);
  const runs = s.store.runs(file);
  if (!rec?.latest && !runs.length) return refuse(t('{0} has no results in this workspace. Score it first.', label(file)));
  const runUuid = runParam ?? rec?.latest?.eval_run_uuid;
  const known = runs.find((r) => r.eval_run_uuid === runUuid);
  if (!runUuid || !known) return refuse(t('{0} has no run {1} in this workspace.', label(file), shortId(runParam ?? '', 40)));
  const latest = runUuid === rec?.latest?.eval_run_uuid;
  s.log.info(`Opening run ${runUuid} of ${label(file)} from a link.`);
  if (latest) await s.panels.show(file);
  await vscode.commands.executeCommand(WorkbenchCommand.focusResults);
  await s.tree.view.reveal({ kind: 'run', uri: file.toString(), runUuid, latest }, { select: true, focus: !latest, expand: true });
  return true;
}

/** The file a link names, when it is inside a workspace folder: a relative path (no "..") or a file URI. */
function resolveFile(param: string): vscode.Uri | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  let uri: vscode.Uri | undefined;
  if (/^[a-z][a-z0-9+.-]+:/i.test(param)) {
    try {
      uri = vscode.Uri.parse(param, true);
    } catch {
      return undefined;
    }
  } else if (folders[0] && !param.startsWith('/') && !param.startsWith('\\')) {
    uri = vscode.Uri.joinPath(folders[0].uri, param);
  }
  if (!uri || uri.path.split('/').includes('..') || param.split(/[\\/]/).includes('..')) return undefined;
  return vscode.workspace.getWorkspaceFolder(uri) ? uri : undefined;
}
