/**
 * The step before a responses file with workspace files is submitted: every response whose
 * content is `{"local_file_path"}` gets `{"file_uuid", "remote_file_path"}` of the uploaded file
 * instead, so the path is never sent.
 *
 * 1. Every path is found first (inside the folder, no symlink out, a regular file under the size
 *    limit); one refusal stops everything before anything is sent.
 * 2. Each distinct file is read and hashed (sha256). A file this origin already has (the cache,
 *    confirmed by GET /v2/files/{id}) is not uploaded again; one the server answers 404 for is
 *    forgotten and uploaded again. Others are uploaded, multipart or (large ones) presigned.
 * 3. Progress counts files and bytes; the signal stops between and during uploads.
 */
import type * as NodeCrypto from 'node:crypto';
import { ApiError } from '../apiError';
import type { AymaraClient } from '../client';
import { formatBytes } from '../fileBytes';
import type { EvalResponse } from '../schemas';
import { uploadName } from './localPath';
import { findLocalFile, MAX_UPLOAD_BYTES, readLocalFile, type FoundFile } from './resolve';
import { fileStillThere, PRESIGN_ABOVE_BYTES, uploadMultipart, uploadPresigned, type UploadedFile } from './upload';
import type { UploadCache } from './uploadCache';

export interface UploadProgress {
  message: string;
  /** Bytes of the files handled so far (uploaded or found already uploaded) and in all. */
  done: number;
  total: number;
  files: { done: number; total: number; uploaded: number; reused: number };
}

export interface LocalFilesOptions {
  /** The folder every local file must be inside; null when the responses file is in none (then nothing is uploaded). */
  root: string | null;
  /** The folder local paths are relative to (the responses file's folder); default `root`. */
  base?: string;
  client: AymaraClient;
  /** The API origin the cache is kept for. */
  origin: string;
  cache: UploadCache;
  maxBytes?: number;
  presignAboveBytes?: number;
  signal?: AbortSignal;
  onProgress?: (p: UploadProgress) => void;
}

export interface PreparedFiles {
  responses: EvalResponse[];
  uploaded: number;
  reused: number;
}

/** The local path a response names, if any. */
export function localPathOf(r: EvalResponse): string | undefined {
  const c = r.content;
  return c && typeof c === 'object' && typeof c.local_file_path === 'string' ? c.local_file_path : undefined;
}

/** The distinct local paths among these responses, in order. */
export function localPaths(responses: readonly EvalResponse[]): string[] {
  const seen = new Set<string>();
  for (const r of responses) {
    const p = localPathOf(r);
    if (p !== undefined) seen.add(p);
  }
  return [...seen];
}

/** node:crypto, loaded when a file is first uploaded: loading it took ~4 ms of every start of the command line. */
let crypto: typeof NodeCrypto | undefined;

function sha256(bytes: Uint8Array): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not with the module
  crypto ??= require('node:crypto') as typeof NodeCrypto;
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** The responses with every workspace file replaced by its uploaded file (new objects only for those). */
export async function uploadLocalFiles(responses: readonly EvalResponse[], o: LocalFilesOptions): Promise<PreparedFiles> {
  const maxBytes = o.maxBytes ?? MAX_UPLOAD_BYTES;
  const kindOf = new Map<string, 'image' | 'video'>();
  for (const r of responses) {
    const p = localPathOf(r);
    if (p === undefined) continue;
    if (r.content_type === 'text') throw new ApiError({ kind: 'validation', message: `${JSON.stringify(p)} is a workspace file but "content_type" is "text"; set it to "image" or "video". Nothing was sent.` });
    kindOf.set(p, r.content_type);
  }
  const paths = [...kindOf.keys()];
  if (!paths.length) return { responses: [...responses], uploaded: 0, reused: 0 };

  // 1. Find them all before anything is sent.
  const found: FoundFile[] = [];
  for (const p of paths) found.push(await findLocalFile(o.root, p, maxBytes, o.base ?? o.root ?? ''));
  const total = found.reduce((n, f) => n + f.size, 0);
  const progress: UploadProgress = { message: '', done: 0, total, files: { done: 0, total: found.length, uploaded: 0, reused: 0 } };
  const report = (message: string) => o.onProgress?.({ ...progress, message, files: { ...progress.files } });

  // 2. Upload what the server does not have yet.
  const byPath = new Map<string, UploadedFile>();
  const thisRun = new Map<string, UploadedFile>();
  for (const f of found) {
    if (o.signal?.aborted) throw new ApiError({ kind: 'cancelled', message: 'Uploading was cancelled; the files already uploaded are remembered and are not uploaded again.' });
    const file = await readLocalFile(f, kindOf.get(f.path)!, maxBytes);
    const hash = sha256(file.bytes);
    const position = `file ${progress.files.done + 1} of ${found.length}, ${formatBytes(progress.done)} of ${formatBytes(total)} done`;
    let uploaded = thisRun.get(hash);
    const cached = uploaded ? undefined : o.cache.get(o.origin, hash);
    if (cached) {
      report(`Checking ${f.path} (${position}), uploaded before…`);
      if (await fileStillThere(o.client, cached.file_uuid, { signal: o.signal })) {
        uploaded = { file_uuid: cached.file_uuid, remote_file_path: cached.remote_file_path };
        progress.files.reused++;
      } else {
        o.cache.delete(o.origin, hash);
      }
    }
    if (!uploaded) {
      report(`Uploading ${f.path} (${formatBytes(file.bytes.length)}; ${position})…`);
      const src = { name: uploadName(f.path), mime: file.mime, bytes: file.bytes };
      uploaded = file.bytes.length > (o.presignAboveBytes ?? PRESIGN_ABOVE_BYTES) ? await uploadPresigned(o.client, src, { signal: o.signal }) : await uploadMultipart(o.client, src, { signal: o.signal });
      progress.files.uploaded++;
    } else if (!cached) {
      progress.files.reused++;
    }
    o.cache.set(o.origin, hash, { ...uploaded, size: file.bytes.length, used_at: new Date().toISOString() });
    thisRun.set(hash, uploaded);
    byPath.set(f.path, uploaded);
    progress.files.done++;
    progress.done += f.size;
  }
  report(`${progress.files.uploaded} file(s) uploaded, ${progress.files.reused} already uploaded.`);

  const out = responses.map((r) => {
    const p = localPathOf(r);
    if (p === undefined) return r;
    return { ...r, content: { file_uuid: byPath.get(p)!.file_uuid } };
  });
  return { responses: out, uploaded: progress.files.uploaded, reused: progress.files.reused };
}
