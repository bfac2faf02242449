/**
 * Finding a response's workspace file on disk: only inside the folder paths are relative to (the
 * responses file's workspace folder, or its own folder on the command line). The path's text is
 * checked first (localPath.ts); then its real path, with every symlink followed, must still be
 * inside the folder's real path, so a link pointing out of the folder is refused. Only a regular
 * file of at most the size limit is read.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { FileReadError, formatBytes, readRegularFile } from '../fileBytes';
import { localPathProblem } from './localPath';
import { MEDIA_FORMATS, mediaByBytes, mediaByName, type MediaKind } from './media';

/** Default largest file uploaded (the API's own limit is not published; the local server's is 50 MiB). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export type LocalFileProblem = 'bad-path' | 'no-folder' | 'outside' | 'missing' | 'not-file' | 'too-large' | 'unreadable' | 'not-media' | 'wrong-kind';

/** Why a workspace file was not used. The message names the path and says what to do; nothing was sent. */
export class LocalFileError extends Error {
  override readonly name = 'LocalFileError';
  constructor(
    readonly problem: LocalFileProblem,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FoundFile {
  /** As written in the responses file. */
  path: string;
  /** The real path on disk (symlinks followed). */
  real: string;
  /** Its size when it was found. */
  size: number;
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' ? false : !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * Where `path` (relative to `base`, by default `root`) leads inside `root`; a LocalFileError when it
 * leads anywhere else, nowhere, or to a file over `maxBytes`.
 */
export async function findLocalFile(root: string | null, path: string, maxBytes = MAX_UPLOAD_BYTES, base: string = root ?? ''): Promise<FoundFile> {
  const q = JSON.stringify(path);
  if (root === null) throw new LocalFileError('no-folder', path, `${q} cannot be uploaded: the responses file is not inside a workspace folder, and workspace files are only read from one. Open the folder that holds it and score again.`);
  const problem = localPathProblem(path) ?? (path ? null : 'is empty.');
  if (problem) throw new LocalFileError('bad-path', path, `"local_file_path" ${problem}`);
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    throw new LocalFileError('no-folder', path, `${q} cannot be uploaded: its folder ${JSON.stringify(root)} could not be read. Check that it still exists.`);
  }
  const joined = resolve(base, ...path.split('/'));
  if (!inside(resolve(root), joined)) throw new LocalFileError('outside', path, `${q} is outside the folder; only files inside it are uploaded.`);
  let real: string;
  try {
    real = await realpath(joined);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new LocalFileError('missing', path, `${q} does not exist in the folder. Check the path (it is relative to the responses file's folder) or add the file.`);
    throw new LocalFileError('unreadable', path, `${q} could not be read (${code ?? 'unknown error'}). Check its permissions.`);
  }
  if (!inside(realRoot, real)) {
    throw new LocalFileError('outside', path, `${q} is a link to a file outside the workspace folder; only files inside the folder are uploaded. Copy the file into the folder instead of linking to it.`);
  }
  const info = await stat(real).catch(() => null);
  if (!info?.isFile()) throw new LocalFileError('not-file', path, `${q} is not a regular file; name an image or video file.`);
  if (info.size > maxBytes) throw tooLarge(path, info.size, maxBytes);
  return { path, real, size: info.size };
}

function tooLarge(path: string, size: number, maxBytes: number): LocalFileError {
  return new LocalFileError('too-large', path, `${JSON.stringify(path)} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} upload limit; nothing was sent. Use a smaller or shorter file.`);
}

export interface ReadFile extends FoundFile {
  bytes: Uint8Array;
  kind: MediaKind;
  mime: string;
}

/** The bytes of a found file, at most `maxBytes`, which must be an image or video of the `expected` kind. */
export async function readLocalFile(found: FoundFile, expected: MediaKind, maxBytes = MAX_UPLOAD_BYTES): Promise<ReadFile> {
  const q = JSON.stringify(found.path);
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(found.real, maxBytes);
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    if (err.problem === 'too-large') throw tooLarge(found.path, err.detail.size ?? maxBytes + 1, maxBytes);
    if (err.problem === 'missing') throw new LocalFileError('missing', found.path, `${q} does not exist in the folder. Check the path or add the file.`);
    if (err.problem === 'directory' || err.problem === 'not-regular') throw new LocalFileError('not-file', found.path, `${q} is not a regular file; name an image or video file.`);
    throw new LocalFileError('unreadable', found.path, `${q} ${err.message}`);
  }
  const media = mediaByName(found.path) ?? mediaByBytes(bytes);
  if (!media || !mediaByBytes(bytes)) throw new LocalFileError('not-media', found.path, `${q} is not a ${MEDIA_FORMATS} file (judged by its name and its first bytes). Export the answer in one of these formats.`);
  if (media.kind !== expected) throw new LocalFileError('wrong-kind', found.path, `${q} is ${media.kind === 'image' ? 'an image' : 'a video'} but "content_type" is "${expected}". Set "content_type" to "${media.kind}".`);
  return { ...found, bytes, ...media };
}
