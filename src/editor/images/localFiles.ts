/**
 * What scoring needs to upload the workspace files an answers file names: the folder they must be
 * inside (the responses file's workspace folder; none for a file outside every folder, or not on
 * disk), the folder paths are relative to, and the upload cache kept in the extension's global
 * storage (file ids by content hash per API origin; never a key or a path).
 */
import * as vscode from 'vscode';
import type { LocalFilesOptions } from '../../core/files/prepare';
import { LocalFileError } from '../../core/files/resolve';
import { UploadCache } from '../../core/files/uploadCache';
import { inert } from '../../core/present/text';
import { ResponsesFileError } from '../../core/responsesFile/request';
import { UserError } from '../errors';
import { label } from '../fileText';

const CACHE_KEY = 'aymara.uploadCache';

export interface LocalFilesForRun {
  options: Omit<LocalFilesOptions, 'client' | 'signal' | 'onProgress'>;
  /** Keep what was uploaded (also after a failure: what is uploaded is never uploaded again). */
  save(): Promise<void>;
}

export function localFilesFor(context: vscode.ExtensionContext, fileUri: vscode.Uri, origin: URL): LocalFilesForRun {
  const folder = fileUri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(fileUri) : undefined;
  const root = folder?.uri.scheme === 'file' ? folder.uri.fsPath : null;
  const cache = UploadCache.fromJSON(context.globalState.get<unknown>(CACHE_KEY));
  const before = JSON.stringify(cache.toJSON());
  return {
    options: { root, base: root ? vscode.Uri.joinPath(fileUri, '..').fsPath : undefined, origin: origin.origin, cache },
    save: async () => {
      // Nothing uploaded: nothing to save (an update is a round trip to the window, ~45 ms after every run).
      if (JSON.stringify(cache.toJSON()) === before) return;
      // Merged with what another window may have saved meanwhile.
      const merged = UploadCache.fromJSON(context.globalState.get<unknown>(CACHE_KEY));
      for (const [o, files] of Object.entries(cache.toJSON())) for (const [sha, e] of Object.entries(files)) merged.set(o, sha, e);
      await context.globalState.update(CACHE_KEY, merged.toJSON());
    },
  };
}

/** A refused workspace file (or a file that needs a folder) as a message for the user; other errors as they are. */
export function userFacing(err: unknown, fileUri: vscode.Uri | undefined): unknown {
  if (!(err instanceof LocalFileError) && !(err instanceof ResponsesFileError)) return err;
  const where = fileUri ? `${label(fileUri)}: ` : '';
  const sent = /nothing was sent/i.test(err.message) ? '' : ` ${vscode.l10n.t('Nothing was sent.')}`;
  return new UserError(inert(`${where}${err.message}${sent}`, 600));
}
