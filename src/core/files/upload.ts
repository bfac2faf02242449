/**
 * The file endpoints of the Aymara API on top of `AymaraClient`: a direct multipart upload
 * (POST /v2/files/-/uploads, field `file`), a presigned upload (POST /v2/files, then PUT the bytes
 * to the `file_url` it returns), and whether the server still has a file (GET /v2/files/{id}).
 *
 * - The form is built with the platform's FormData and Blob (undici's, in Node) and serialised by
 *   `Response`, so the boundary and escaping of the file name are undici's, not hand-made.
 * - Every reply is validated with the review schemas and must answer this request (the name sent,
 *   one file for one asked, a file id, not failed). POSTs and the PUT are never re-sent once they
 *   may have been processed. Only the file's name (its last path segment) is sent, never its folders.
 */
import { ApiError } from '../apiError';
import type { AymaraClient, CallOptions } from '../client';
import { inert } from '../present/text';
import { reviewSchemas, type FileUpload } from '../reviewSchemas';

export interface UploadSource {
  /** The file's name as uploaded (no folders). */
  name: string;
  mime: string;
  bytes: Uint8Array;
}

/** What a score request needs to name an uploaded file. */
export interface UploadedFile {
  file_uuid: string;
  remote_file_path: string | null;
}

/** Files above this size go through a presigned URL rather than one multipart request. */
export const PRESIGN_ABOVE_BYTES = 8 * 1024 * 1024;
const STATUS_POLLS = 10;
const STATUS_DELAY_MS = 300;

function wrongReply(what: string, detail: string): ApiError {
  return new ApiError({ kind: 'invalid-reply', message: `The API's reply to ${what} ${detail}; it was not used.` });
}

/** The uploaded file a FileUpload reply describes, checked against what was sent. */
function uploadedOf(reply: FileUpload, src: UploadSource, what: string, completed: boolean): UploadedFile & { file_url: string | null } {
  if (!reply.file_uuid) throw wrongReply(what, 'has no file_uuid');
  if (reply.local_file_path != null && reply.local_file_path !== src.name)
    throw wrongReply(what, `is about the file ${inert(reply.local_file_path, 80)}, not ${inert(src.name, 80)} that was sent`);
  if (reply.processing_status === 'failed') throw new ApiError({ kind: 'server', message: `The API could not store ${inert(src.name, 80)} (${what}: processing failed). Check the file, then score again.` });
  if (completed && reply.processing_status != null && reply.processing_status !== 'completed' && reply.processing_status !== 'pending' && reply.processing_status !== 'processing')
    throw wrongReply(what, `has the unknown processing status ${inert(reply.processing_status, 40)}`);
  return { file_uuid: reply.file_uuid, remote_file_path: reply.remote_file_path ?? null, file_url: reply.file_url ?? null };
}

/** One multipart POST /v2/files/-/uploads with the file in the field `file`. Sent once. */
export async function uploadMultipart(client: AymaraClient, src: UploadSource, opts: CallOptions = {}): Promise<UploadedFile> {
  const form = new FormData();
  form.append('file', new Blob([src.bytes as Uint8Array<ArrayBuffer>], { type: src.mime }), src.name);
  const encoded = new Response(form);
  const contentType = encoded.headers.get('content-type') ?? '';
  const bytes = new Uint8Array(await encoded.arrayBuffer());
  const what = 'POST /v2/files/-/uploads';
  const reply = await client.request('POST', '/v2/files/-/uploads', { ...opts, rawBody: { bytes, contentType }, schema: reviewSchemas().FileUpload, retry: 'post' });
  const { file_uuid, remote_file_path } = uploadedOf(reply, src, what, true);
  return { file_uuid, remote_file_path };
}

/** POST /v2/files for one file, PUT its bytes to the presigned URL, then wait for it to be stored. Nothing is re-sent. */
export async function uploadPresigned(client: AymaraClient, src: UploadSource, opts: CallOptions = {}): Promise<UploadedFile> {
  const what = 'POST /v2/files';
  const created = await client.request('POST', '/v2/files', {
    ...opts,
    body: { files: [{ local_file_path: src.name, content_type: src.mime }] },
    schema: reviewSchemas().FileCreateResponse,
    retry: 'post',
  });
  if (created.files.length !== 1) throw wrongReply(what, `lists ${created.files.length} files for the one asked for`);
  const file = uploadedOf(created.files[0]!, src, what, false);
  if (!file.file_url) throw wrongReply(what, 'has no file_url to upload the bytes to');
  await client.putToStorage(file.file_url, src.bytes, src.mime, opts);
  await waitStored(client, file.file_uuid, src.name, opts);
  return { file_uuid: file.file_uuid, remote_file_path: file.remote_file_path };
}

/** Polls GET /v2/files/{id}/status (a few times, briefly) until the file is `completed`. */
async function waitStored(client: AymaraClient, fileUuid: string, name: string, opts: CallOptions): Promise<void> {
  const url = `/v2/files/${encodeURIComponent(fileUuid)}/status`;
  for (let poll = 1; ; poll++) {
    const s = await client.request('GET', url, { ...opts, schema: reviewSchemas().FileStatus, retry: 'idempotent' });
    if (s.file_uuid !== fileUuid) throw wrongReply(`GET ${url}`, `is about file ${inert(s.file_uuid, 80)}`);
    if (s.processing_status === 'completed') return;
    if (s.processing_status === 'failed')
      throw new ApiError({ kind: 'server', message: `The API could not store ${inert(name, 80)}${s.error_message ? `: ${inert(s.error_message, 200)}` : ''}. Check the file, then score again.` });
    if (poll >= STATUS_POLLS)
      throw new ApiError({ kind: 'timeout', message: `${inert(name, 80)} was uploaded but is still ${inert(s.processing_status, 40)} after ${poll} checks. Score again in a moment; it will not be uploaded twice.` });
    await new Promise((r) => setTimeout(r, STATUS_DELAY_MS));
    if (opts.signal?.aborted) throw new ApiError({ kind: 'cancelled', message: 'Uploading was cancelled.' });
  }
}

/** Whether the server still has an uploaded file: false only when GET /v2/files/{id} says 404. */
export async function fileStillThere(client: AymaraClient, fileUuid: string, opts: CallOptions = {}): Promise<boolean> {
  const url = `/v2/files/${encodeURIComponent(fileUuid)}`;
  try {
    const detail = await client.request('GET', url, { ...opts, schema: reviewSchemas().FileDetail, retry: 'idempotent' });
    if (detail.file_uuid !== fileUuid) throw wrongReply(`GET ${url}`, `is about file ${inert(detail.file_uuid, 80)}`);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return false;
    throw err;
  }
}
