/**
 * Uploaded files (images and video as response content): records, the local object storage that
 * stands in for S3 behind presigned URLs, and the JSON shapes of FileUpload, FileDetail and
 * FileStatus (aymara-ai-sdk 1.2.1).
 *
 * A file is `pending` from `POST /v2/files` until its bytes are PUT to its presigned `file_url`,
 * then `completed`; a multipart upload is `completed` at once. Presigned URLs carry an expiry and
 * an HMAC-SHA256 signature (key made up per server start) and are valid for 30 minutes, like the
 * URLs the API hands out.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { ApiError, type FieldProblem } from './http';
import { LOCAL_ORGANIZATION_UUID, LOCAL_USER_UUID } from './identity';
import { STORAGE_PREFIX } from './router';
import type { ApiFileDetail, ApiFileStatus, ApiFileUpload, FileProcessingStatus } from './types';

export const URL_TTL_SECONDS = 1800;
export const MAX_FILES = 10_000;
const MAX_NAME_LENGTH = 1024;

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

const BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  pdf: 'application/pdf',
};

export type MediaKind = 'image' | 'video';

/** The format the bytes actually have (by their signature), or null when not an image or video we know. */
export function sniffMedia(bytes: Buffer): { kind: MediaKind; mime: string } | null {
  const ascii = (from: number, to: number) => bytes.subarray(from, to).toString('latin1');
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { kind: 'image', mime: 'image/png' };
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { kind: 'image', mime: 'image/jpeg' };
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(ascii(0, 6))) return { kind: 'image', mime: 'image/gif' };
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { kind: 'image', mime: 'image/webp' };
  if (bytes.length >= 12 && ascii(4, 8) === 'ftyp') return { kind: 'video', mime: ascii(8, 10) === 'qt' ? 'video/quicktime' : 'video/mp4' };
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x1a45dfa3) return { kind: 'video', mime: 'video/webm' };
  return null;
}

function extensionOf(name: string | null): string | null {
  const m = name ? /\.([a-z0-9]{1,8})$/i.exec(name) : null;
  return m ? m[1]!.toLowerCase() : null;
}

/** A declared content type if it is a well-formed MIME type (parameters dropped), else null. */
export function cleanMime(raw: string | null | undefined): string | null {
  const v = raw?.split(';')[0]?.trim().toLowerCase();
  return v && MIME.test(v) ? v : null;
}

/** Declared type (unless the generic octet-stream), else by file extension, else by the bytes, else octet-stream. */
export function contentTypeFor(declared: string | null, name: string | null, bytes: Buffer | null): string {
  if (declared && declared !== 'application/octet-stream') return declared;
  const byExt = BY_EXTENSION[extensionOf(name) ?? ''];
  if (byExt) return byExt;
  return (bytes && sniffMedia(bytes)?.mime) ?? 'application/octet-stream';
}

function fileType(contentType: string): ApiFileDetail['file_type'] {
  if (contentType.startsWith('image/')) return 'image';
  if (contentType.startsWith('video/')) return 'video';
  if (contentType.startsWith('text/')) return 'text';
  return 'document';
}

export interface FileRecord {
  readonly id: string;
  readonly remotePath: string;
  /** The name the client gave (multipart filename or local_file_path), as given. */
  readonly name: string | null;
  contentType: string;
  readonly workspaceUuid: string | null;
  readonly createdAt: string;
  updatedAt: string;
  bytes: Buffer | null;
  /** SHA-256 of the bytes, hex. */
  digest: string | null;
}

export interface FileLimits {
  maxUploadBytes: number;
  /** All files' bytes together. */
  maxStoredBytes: number;
}

const now = () => new Date().toISOString();

function tooLarge(what: string, limit: number): ApiError {
  return new ApiError(413, 'validation.invalid_request', `${what} is larger than the limit of ${limit} bytes.`, { limit_bytes: limit });
}

export class FileStore {
  private readonly files = new Map<string, FileRecord>();
  private readonly byRemotePath = new Map<string, FileRecord>();
  private storedBytes = 0;
  private readonly key = randomBytes(32);

  constructor(readonly limits: FileLimits) {}

  get(id: string): FileRecord | undefined {
    return this.files.get(id);
  }

  clear(): void {
    this.files.clear();
    this.byRemotePath.clear();
    this.storedBytes = 0;
  }

  /** 409 unless `n` more files fit. */
  ensureRoom(n: number): void {
    if (this.files.size + n > MAX_FILES) {
      throw new ApiError(409, 'resource.conflict', `The local server holds at most ${MAX_FILES} files; reset it (POST /_local/reset) or restart it.`, { limit: MAX_FILES });
    }
  }

  /** A new file record, pending until it has bytes. */
  add(name: string | null, contentType: string, workspaceUuid: string | null, bytes: Buffer | null = null): FileRecord {
    this.ensureRoom(1);
    if (name !== null && name.length > MAX_NAME_LENGTH) throw new ApiError(422, 'validation.invalid_request', `The file name is longer than ${MAX_NAME_LENGTH} characters.`);
    const uuid = randomUUID();
    const ext = extensionOf(name) ?? Object.entries(BY_EXTENSION).find(([, mime]) => mime === contentType)?.[0];
    const at = now();
    const rec: FileRecord = {
      id: `file.${uuid}`,
      remotePath: `${uuid}${ext ? `.${ext}` : ''}`,
      name,
      contentType,
      workspaceUuid,
      createdAt: at,
      updatedAt: at,
      bytes: null,
      digest: null,
    };
    if (bytes) this.store(rec, bytes);
    this.files.set(rec.id, rec);
    this.byRemotePath.set(rec.remotePath, rec);
    return rec;
  }

  /**
   * Stores the bytes of a presigned upload. The same bytes again are accepted (a repeated PUT);
   * different bytes for a file that already has some are a 409.
   */
  putBytes(rec: FileRecord, bytes: Buffer, declaredType: string | null): void {
    if (rec.bytes) {
      if (rec.bytes.equals(bytes)) return;
      throw new ApiError(409, 'resource.conflict', `File "${rec.id}" already has different content; request a new upload URL with POST /v2/files.`, { file_uuid: rec.id });
    }
    this.store(rec, bytes);
    const known = rec.contentType === 'application/octet-stream' ? null : rec.contentType;
    rec.contentType = contentTypeFor(declaredType ?? known, rec.name, bytes);
  }

  private store(rec: FileRecord, bytes: Buffer): void {
    if (!bytes.length) throw new ApiError(422, 'validation.invalid_request', 'The file is empty.', { fields: [{ field: 'file', message: 'is empty' }] });
    if (bytes.length > this.limits.maxUploadBytes) throw tooLarge('The file', this.limits.maxUploadBytes);
    if (this.storedBytes + bytes.length > this.limits.maxStoredBytes) {
      throw tooLarge(`Together with the files already held (${this.storedBytes} bytes), this file`, this.limits.maxStoredBytes);
    }
    // Own the bytes: the buffer may be a view into a larger request body.
    rec.bytes = Buffer.from(bytes);
    rec.digest = createHash('sha256').update(rec.bytes).digest('hex');
    rec.updatedAt = now();
    this.storedBytes += bytes.length;
  }

  /**
   * The uploaded file a FileReference names (`file_uuid` preferred, else `remote_file_path`), or
   * the problem with it, as a field problem relative to the reference.
   */
  resolve(ref: { file_uuid?: string | null; remote_file_path?: string | null }): FileRecord | FieldProblem {
    const byId = ref.file_uuid ? this.files.get(ref.file_uuid) : undefined;
    const byPath = ref.remote_file_path ? this.byRemotePath.get(ref.remote_file_path) : undefined;
    if (ref.file_uuid && !byId) return { field: 'file_uuid', message: `unknown file "${ref.file_uuid}"; upload it first (POST /v2/files/-/uploads or POST /v2/files)` };
    if (ref.remote_file_path && !byPath) {
      return { field: 'remote_file_path', message: `no uploaded file has remote_file_path "${ref.remote_file_path}"; use the remote_file_path or file_uuid an upload returned` };
    }
    if (byId && byPath && byId !== byPath) return { field: 'remote_file_path', message: `names a different file than file_uuid "${byId.id}"` };
    const rec = (byId ?? byPath)!;
    if (!rec.bytes) return { field: byId ? 'file_uuid' : 'remote_file_path', message: `file "${rec.id}" has no content yet; PUT its bytes to the file_url from POST /v2/files first` };
    return rec;
  }

  // -------------------------------------------------------------- presigned URLs

  private signature(method: 'PUT' | 'GET', id: string, expires: number): Buffer {
    return createHmac('sha256', this.key).update(`${method}\n${id}\n${expires}`).digest();
  }

  /** A presigned URL of the local object storage for one method on one file. */
  presignedUrl(baseUrl: string, method: 'PUT' | 'GET', rec: FileRecord): string {
    const expires = Math.floor(Date.now() / 1000) + URL_TTL_SECONDS;
    const sig = this.signature(method, rec.id, expires).toString('hex');
    return `${baseUrl}${STORAGE_PREFIX}/${encodeURIComponent(rec.id)}?expires=${expires}&signature=${sig}`;
  }

  /** Throws 403 unless the query carries a valid, unexpired signature for this method and file. */
  verify(method: 'PUT' | 'GET', id: string, query: URLSearchParams): void {
    const denied = (why: string) =>
      new ApiError(403, 'auth.insufficient_permissions', `${why} Request a new URL: POST /v2/files (upload) or GET /v2/files/{file_uuid} (download).`, {
        presigned: true,
      });
    const expires = Number(query.get('expires'));
    const sig = query.get('signature') ?? '';
    if (!Number.isInteger(expires) || !/^[0-9a-f]{64}$/.test(sig)) throw denied('This storage URL is not signed.');
    if (!timingSafeEqual(Buffer.from(sig, 'hex'), this.signature(method, id, expires))) throw denied(`This storage URL's signature does not match (it is not valid for ${method}).`);
    if (expires * 1000 < Date.now()) throw denied('This storage URL has expired.');
  }

  // -------------------------------------------------------------- JSON shapes

  private status(rec: FileRecord): FileProcessingStatus {
    return rec.bytes ? 'completed' : 'pending';
  }

  /** FileUpload: `file_url` is where to PUT the bytes while pending, and a download URL once completed. */
  uploadJson(rec: FileRecord, baseUrl: string): ApiFileUpload {
    return {
      file_uuid: rec.id,
      file_url: this.presignedUrl(baseUrl, rec.bytes ? 'GET' : 'PUT', rec),
      remote_file_path: rec.remotePath,
      local_file_path: rec.name,
      content_type: rec.contentType,
      processing_status: this.status(rec),
      remote_uri: null,
    };
  }

  detailJson(rec: FileRecord, baseUrl: string): ApiFileDetail {
    return {
      file_uuid: rec.id,
      content_type: rec.contentType,
      file_type: fileType(rec.contentType),
      remote_file_path: rec.remotePath,
      organization_uuid: LOCAL_ORGANIZATION_UUID,
      created_at: rec.createdAt,
      updated_at: rec.updatedAt,
      file_size_bytes: rec.bytes ? rec.bytes.length : null,
      file_url: rec.bytes ? this.presignedUrl(baseUrl, 'GET', rec) : null,
      original_file_url: rec.name,
      uploaded_by_uuid: LOCAL_USER_UUID,
      video_metadata: null,
      workspace_uuid: rec.workspaceUuid,
    };
  }

  statusJson(rec: FileRecord): ApiFileStatus {
    return {
      file_uuid: rec.id,
      processing_status: this.status(rec),
      created_at: rec.createdAt,
      updated_at: rec.updatedAt,
      error_message: null,
      remote_file_path: rec.bytes ? rec.remotePath : null,
    };
  }
}
