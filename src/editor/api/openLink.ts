import * as vscode from 'vscode';
import { shortId } from '../../core/present/text';
import { WorkbenchCommand } from '../commandIds';
import { notify, reportError } from '../errors';
import type { ExplanationsPanels } from '../explanations';
import { label } from '../fileText';
import type { ResultsTree } from '../resultsTree';
import type { Services } from '../services';

export type Deps = Pick<Services, 'context' | 'log' | 'store'> & { panels: Pick<ExplanationsPanels, 'show'>; tree: Pick<ResultsTree, 'view'> };

/** Open what a link asks for; true when something was opened, false when it was refused (the user told why). */
export async function openLink(s: Deps, link: vscode.Uri): Promise<boolean> {
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
