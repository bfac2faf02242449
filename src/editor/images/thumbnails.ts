/**
 * The explanations view's thumbnails of image answers: a webview URI for each result whose answer
 * is a picture in the responses file's workspace folder. The path is resolved as for uploading
 * (inside the folder, its real path too), and the panel may load local resources only from the
 * extension's media folder and the workspace folders (see `thumbnailRoots`); never a remote URL.
 */
import * as vscode from 'vscode';
import { describedLocalImage, MAX_THUMBNAILS } from '../../core/files/thumbnails';
import type { RunResult } from '../../core/results';

/** Thumbnails larger than this are not shown. */
const MAX_THUMBNAIL_BYTES = 20 * 1024 * 1024;

/** The workspace folders on disk: where a panel may load thumbnails from. */
export function thumbnailRoots(): vscode.Uri[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri);
}

/** Result key → webview URI of its image answer, for the results that have one on disk; undefined when none. */
export async function thumbnailsFor(webview: vscode.Webview, fileUri: vscode.Uri, run: RunResult): Promise<Record<string, string> | undefined> {
  const folder = fileUri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(fileUri) : undefined;
  if (folder?.uri.scheme !== 'file') return undefined;
  const wanted = run.items.map((i) => [i.key, describedLocalImage(i.response_text)] as const).filter((x): x is readonly [string, string] => x[1] !== undefined);
  if (!wanted.length) return undefined;
  const { findLocalFile } = await import('../../core/files/resolve');
  const base = vscode.Uri.joinPath(fileUri, '..');
  const out: Record<string, string> = {};
  for (const [key, path] of wanted.slice(0, MAX_THUMBNAILS)) {
    try {
      await findLocalFile(folder.uri.fsPath, path, MAX_THUMBNAIL_BYTES, base.fsPath);
      out[key] = webview.asWebviewUri(vscode.Uri.joinPath(base, ...path.split('/'))).toString();
    } catch {
      // Moved, deleted, too large or leading out of the folder: the card shows no picture.
    }
  }
  return Object.keys(out).length ? out : undefined;
}
