/**
 * Handlers of the file endpoints: direct multipart upload, presigned upload (request URLs, then
 * PUT the bytes to the local object storage), file detail and status, and download through a
 * presigned GET URL. The storage routes are authorised by their URL's signature, not x-api-key.
 */
import { z } from 'zod';
import { ok, SMALL_BODY_BYTES, type ApiContext } from './apiContext';
import { cleanMime, contentTypeFor, type FileRecord } from './files';
import { ApiError, invalidBody, invalidRequest, notFound, readBody, readJson, type FieldProblem, type Reply } from './http';
import { boundaryOf, MultipartError, parseMultipart, type MultipartPart } from './multipart';

export type FileRoute = 'uploadFile' | 'createFiles' | 'getFile' | 'getFileStatus' | 'putFileBytes' | 'getFileBytes';

/** Room for the multipart framing around the file's bytes. */
const MULTIPART_OVERHEAD = 64 * 1024;
export const MAX_FILES_PER_REQUEST = 100;

const FileRequest = z.object({
  local_file_path: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters').nullish(),
  remote_uri: z.string().nullish(),
  content_type: z.string().nullish(),
});

const CreateFilesBody = z.object({
  files: z.array(FileRequest).min(1, 'list at least one file').max(MAX_FILES_PER_REQUEST, `list at most ${MAX_FILES_PER_REQUEST} files`),
  workspace_uuid: z.string().nullish(),
});

function badForm(message: string, field = '(body)'): ApiError {
  return new ApiError(422, 'validation.invalid_format', `Invalid multipart/form-data: ${field === '(body)' ? '' : `${field}: `}${message}`, {
    fields: [{ field, message }],
  });
}

function fileOf(ctx: ApiContext): FileRecord {
  const rec = ctx.files.get(ctx.params.id!);
  if (!rec) throw notFound('File', ctx.params.id!);
  return rec;
}

/** The one `file` part (and an optional `workspace_uuid` field) of an upload form. */
function formFields(parts: readonly MultipartPart[]): { file: MultipartPart; workspace: string | null } {
  const files = parts.filter((p) => p.name === 'file');
  if (files.length !== 1) throw badForm(files.length ? 'send one file per request' : 'the form has no "file" field', 'file');
  const file = files[0]!;
  if (file.filename === null) throw badForm('must be a file part (with a filename)', 'file');
  let workspace: string | null = null;
  for (const p of parts) {
    if (p.name === 'file') continue;
    if (p.name !== 'workspace_uuid' || p.filename !== null || p.data.length > 200) {
      throw badForm(`is not accepted; the form takes "file" and optionally "workspace_uuid"`, p.name.slice(0, 60));
    }
    workspace = p.data.toString('utf8') || null;
  }
  return { file, workspace };
}

async function upload(ctx: ApiContext): Promise<Reply> {
  const limit = ctx.files.limits.maxUploadBytes;
  let parts: MultipartPart[];
  try {
    const boundary = boundaryOf(ctx.req.headers['content-type']);
    parts = parseMultipart(await readBody(ctx.req, limit + MULTIPART_OVERHEAD), boundary);
  } catch (err) {
    if (err instanceof MultipartError) throw badForm(err.message);
    throw err;
  }
  const { file, workspace } = formFields(parts);
  const declared = cleanMime(file.contentType);
  if (file.contentType !== null && !declared) throw badForm(`Content-Type "${file.contentType.slice(0, 60)}" is not a MIME type`, 'file');
  const rec = ctx.files.add(file.filename, contentTypeFor(declared, file.filename, file.data), ctx.query.get('workspace_uuid') || workspace, file.data);
  return ok(ctx.files.uploadJson(rec, ctx.baseUrl));
}

async function createUploads(ctx: ApiContext): Promise<Reply> {
  const parsed = CreateFilesBody.safeParse(await readJson(ctx.req, SMALL_BODY_BYTES));
  if (!parsed.success) {
    throw invalidBody(parsed.error.issues);
  }
  const problems: FieldProblem[] = [];
  parsed.data.files.forEach((f, i) => {
    if (f.remote_uri) problems.push({ field: `files.${i}.remote_uri`, message: 'the local server does not fetch remote files; give local_file_path and PUT the bytes to the file_url returned' });
    else if (!f.local_file_path) problems.push({ field: `files.${i}.local_file_path`, message: 'is required: the name of the file you will PUT to the returned file_url' });
    if (f.content_type && !cleanMime(f.content_type)) problems.push({ field: `files.${i}.content_type`, message: `"${f.content_type.slice(0, 60)}" is not a MIME type` });
  });
  if (problems.length) throw invalidRequest(problems);
  ctx.files.ensureRoom(parsed.data.files.length);
  const workspace = parsed.data.workspace_uuid ?? (ctx.query.get('workspace_uuid') || null);
  const recs = parsed.data.files.map((f) => ctx.files.add(f.local_file_path!, contentTypeFor(cleanMime(f.content_type), f.local_file_path!, null), workspace));
  return ok({ files: recs.map((r) => ctx.files.uploadJson(r, ctx.baseUrl)), workspace_uuid: workspace });
}

export async function handleFiles(name: FileRoute, ctx: ApiContext): Promise<Reply> {
  switch (name) {
    case 'uploadFile':
      return upload(ctx);
    case 'createFiles':
      return createUploads(ctx);
    case 'getFile':
      return ok(ctx.files.detailJson(fileOf(ctx), ctx.baseUrl));
    case 'getFileStatus':
      return ok(ctx.files.statusJson(fileOf(ctx)));
    case 'putFileBytes': {
      ctx.files.verify('PUT', ctx.params.id!, ctx.query);
      const rec = fileOf(ctx);
      const bytes = await readBody(ctx.req, ctx.files.limits.maxUploadBytes);
      ctx.files.putBytes(rec, bytes, cleanMime(ctx.req.headers['content-type']));
      return { status: 200, headers: { etag: `"${rec.digest!.slice(0, 32)}"` } };
    }
    case 'getFileBytes': {
      ctx.files.verify('GET', ctx.params.id!, ctx.query);
      const rec = fileOf(ctx);
      if (!rec.bytes) throw new ApiError(404, 'resource.not_found', `File "${rec.id}" has no content yet.`, { value: rec.id });
      return {
        status: 200,
        headers: { 'content-type': rec.contentType, 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; sandbox" },
        bytes: rec.bytes,
      };
    }
  }
}
