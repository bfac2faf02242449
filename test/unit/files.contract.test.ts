/**
 * Contract tests of the file uploads against the local server over real HTTP (and a stub in
 * front of it that tampers with replies): multipart and presigned uploads, the content-hash cache
 * with its 404 check, each error the server gives (413, 422, 403 bad signature, 404), replies that
 * do not answer the request, and that nothing that may have been processed is sent twice.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiError } from '../../src/core/apiError';
import { AymaraClient } from '../../src/core/client';
import { uploadLocalFiles, type LocalFilesOptions, type UploadProgress } from '../../src/core/files/prepare';
import { fileStillThere, uploadMultipart } from '../../src/core/files/upload';
import { UploadCache } from '../../src/core/files/uploadCache';
import { strictReviewSchemas } from '../../src/core/reviewSchemas';
import type { EvalResponse } from '../../src/core/schemas';
import { startServer, type LocalServer } from '../../src/server';
import { edited, startStub, type Stub } from './hostileServer';

const IMAGE_EVAL = 'test.a77dea89-8ff8-488a-a307-61e73952757c';
const KETTLE_PROMPT = 'question.50de972b-e46f-4e7f-acad-0c47761d0aac';
const PNG = readFileSync(resolve(__dirname, '../../../test/fixtures/images/kettle.png'));
const MULTIPART = 'POST /v2/files/-/uploads';
const CREATE = 'POST /v2/files';
const PUT = 'PUT /local-storage/files/{id}';
const DETAIL = 'GET /v2/files/{id}';

const answer = (path: string, prompt = KETTLE_PROMPT): EvalResponse => ({
  prompt_uuid: prompt,
  turn_number: 1,
  continue_thread: false,
  content_type: 'image',
  exclude_from_scoring: false,
  ai_refused: false,
  content: { local_file_path: path },
});

const isApi = (kind: ApiError['kind'], re: RegExp, status?: number) => (e: unknown) => {
  assert.ok(e instanceof ApiError, String(e));
  assert.equal(e.kind, kind, e.message);
  if (status !== undefined) assert.equal(e.status, status, e.message);
  assert.match(e.message, re);
  return true;
};

describe('file uploads (local server, real HTTP)', function () {
  this.timeout(20_000);
  let server: LocalServer;
  let dir: string;
  const clients: AymaraClient[] = [];
  const client = (url = server.url) => {
    const c = new AymaraClient({ baseUrl: url, apiKey: 'demo-key', retryBaseMs: 10, retryMaxMs: 20 });
    clients.push(c);
    return c;
  };
  const options = (o: Partial<LocalFilesOptions> = {}): LocalFilesOptions => ({ root: dir, client: client(), origin: server.url, cache: new UploadCache(), ...o });
  const count = (route: string) => server.stats.count(route);

  before(async () => {
    server = await startServer({ port: 0, apiKey: 'demo-key', maxUploadBytes: 4096 });
    dir = mkdtempSync(join(tmpdir(), 'aymara-upload-'));
    mkdirSync(join(dir, 'shots'));
    writeFileSync(join(dir, 'shots', 'kettle-on-counter.png'), PNG);
    writeFileSync(join(dir, 'shots', 'kettle-on-fire.png'), Buffer.concat([PNG, Buffer.from('other bytes')]));
    writeFileSync(join(dir, 'shots', 'big.png'), Buffer.concat([PNG, Buffer.alloc(5000)]));
  });
  beforeEach(() => server.reset());
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads each distinct file once (multipart), names it by file_uuid only, and the judge scores it', async () => {
    const progress: UploadProgress[] = [];
    const responses = [answer('shots/kettle-on-counter.png', 'question.51b15aeb-b90c-4572-8b23-c296ad43d80d'), answer('shots/kettle-on-fire.png'), answer('shots/kettle-on-counter.png', 'question.38cb5264-8d69-4a1c-8704-b4208a9240e8')];
    const out = await uploadLocalFiles(responses, options({ onProgress: (p) => progress.push(p) }));
    assert.equal(out.uploaded, 2);
    assert.equal(count(MULTIPART), 2);
    assert.equal(JSON.stringify(out.responses).includes('local_file_path'), false, 'the local path is never sent');
    assert.equal(JSON.stringify(out.responses).includes('shots/'), false);
    const ids = out.responses.map((r) => (r.content as { file_uuid: string }).file_uuid);
    assert.equal(ids[0], ids[2], 'the same file is referenced twice, uploaded once');
    const detail = strictReviewSchemas().FileDetail.parse(await (await fetch(`${server.url}/v2/files/${ids[0]}`, { headers: { 'x-api-key': 'demo-key' } })).json());
    assert.equal(detail.file_size_bytes, PNG.length);
    const last = progress.at(-1)!;
    assert.deepEqual([last.files.done, last.files.total, last.done, last.total], [2, 2, 2 * PNG.length + 11, 2 * PNG.length + 11]);
    const run = await client().scoreResponses({ eval_uuid: IMAGE_EVAL, responses: out.responses });
    assert.deepEqual(run.responses!.map((r) => r.is_passed), [true, false, true], 'a picture named after a banned term ("fire") fails');
  });

  it('uploads a file over the threshold through a presigned URL: POST /v2/files, one PUT without the key, then completed', async () => {
    const out = await uploadLocalFiles([answer('shots/kettle-on-counter.png')], options({ presignAboveBytes: 10 }));
    assert.deepEqual([count(CREATE), count(PUT), count(MULTIPART)], [1, 1, 0]);
    const put = server.stats.recent().find((r) => r.route === PUT)!;
    assert.equal(put.hadApiKey, false, 'the key never goes to storage');
    const id = (out.responses[0]!.content as { file_uuid: string }).file_uuid;
    const status = await (await fetch(`${server.url}/v2/files/${id}/status`, { headers: { 'x-api-key': 'demo-key' } })).json();
    assert.equal(strictReviewSchemas().FileStatus.parse(status).processing_status, 'completed');
  });

  it('a rescore uploads nothing: the cache (by content, per origin) is confirmed with GET /v2/files/{id}', async () => {
    const cache = new UploadCache();
    const first = await uploadLocalFiles([answer('shots/kettle-on-counter.png')], options({ cache }));
    const again = await uploadLocalFiles([answer('shots/kettle-on-counter.png')], options({ cache }));
    assert.equal(count(MULTIPART), 1);
    assert.equal(count(DETAIL), 1);
    assert.deepEqual([again.uploaded, again.reused], [0, 1]);
    assert.deepEqual(again.responses[0]!.content, first.responses[0]!.content);
    const otherOrigin = await uploadLocalFiles([answer('shots/kettle-on-counter.png')], options({ cache, origin: 'https://elsewhere.example' }));
    assert.equal(otherOrigin.uploaded, 1, 'another origin does not share the cache');
  });

  it('a cached file the server no longer has (404) is uploaded again; any other error uploads nothing', async () => {
    const cache = new UploadCache();
    await uploadLocalFiles([answer('shots/kettle-on-counter.png')], options({ cache }));
    server.reset(); // the server forgets its files
    server.faults.add({ route: DETAIL, kind: 'status', status: 500, times: 3 });
    await assert.rejects(uploadLocalFiles([answer('shots/kettle-on-counter.png')], options({ cache })), isApi('server', /fault/, 500));
    assert.equal(count(MULTIPART), 0, 'a server error is not taken for a missing file');
    server.faults.clear();
    const out = await uploadLocalFiles([answer('shots/kettle-on-counter.png')], options({ cache }));
    assert.deepEqual([out.uploaded, count(DETAIL), count(MULTIPART)], [1, 4, 1]);
    assert.equal(await fileStillThere(client(), 'file.unknown'), false);
  });

  it('cancelling stops before the next upload: nothing more is sent, and the error says cancelled', async () => {
    const stop = new AbortController();
    const responses = [answer('shots/kettle-on-counter.png'), answer('shots/kettle-on-fire.png', 'question.51b15aeb-b90c-4572-8b23-c296ad43d80d')];
    const cache = new UploadCache();
    const onProgress = (p: UploadProgress) => {
      if (p.files.done === 1) stop.abort();
    };
    await assert.rejects(uploadLocalFiles(responses, options({ cache, signal: stop.signal, onProgress })), isApi('cancelled', /cancelled/));
    assert.equal(count(MULTIPART), 1, 'the second file was not sent');
    assert.equal(cache.size(server.url), 1, 'the first upload is remembered');
  });

  it('413: a file over the server\'s limit is refused with the status, and not sent again', async () => {
    await assert.rejects(uploadLocalFiles([answer('shots/big.png')], options()), isApi('validation', /./, 413));
    assert.equal(count(MULTIPART), 1);
    await assert.rejects(uploadLocalFiles([answer('shots/big.png')], options({ presignAboveBytes: 10 })), isApi('validation', /./, 413));
    assert.equal(count(PUT), 1);
  });

  it('422: a refused form is reported with the server\'s message and never re-sent', async () => {
    server.faults.add({ route: MULTIPART, kind: 'status', status: 422, code: 'validation.invalid_format', message: 'Invalid multipart/form-data: file: send one file per request' });
    await assert.rejects(uploadLocalFiles([answer('shots/kettle-on-counter.png')], options()), isApi('validation', /send one file per request/, 422));
    assert.equal(count(MULTIPART), 1);
  });

  it('a reply that may follow processing (connection reset after the upload) is not re-sent', async () => {
    server.faults.add({ route: MULTIPART, kind: 'status-after-commit', reset: true });
    await assert.rejects(uploadLocalFiles([answer('shots/kettle-on-counter.png')], options()), (e: unknown) => e instanceof ApiError && e.ambiguous);
    assert.equal(count(MULTIPART), 1);
  });

  describe('through a stub that tampers with replies', () => {
    let stub: Stub;
    let tamper: 'signature' | 'name' | 'two-files' | 'none' = 'none';
    before(async () => {
      stub = await startStub(server.url, async (req) => {
        const up = await req.forward();
        if (up.status !== 200 || tamper === 'none') return up;
        if (req.path === '/v2/files' && tamper === 'signature')
          return edited(up, (j) => {
            const f = (j.files as Record<string, string>[])[0]!;
            const u = new URL(f.file_url!);
            u.searchParams.set('signature', '0'.repeat(64));
            f.file_url = stub.url + u.pathname + u.search;
          });
        if (req.path === '/v2/files' && tamper === 'two-files') return edited(up, (j) => (j.files as unknown[]).push((j.files as unknown[])[0]));
        if (req.path === '/v2/files/-/uploads' && tamper === 'name') return edited(up, (j) => (j.local_file_path = 'someone-else.png'));
        return up;
      });
    });
    after(() => new Promise<void>((r) => stub.server.close(() => r())));

    it('403: a presigned URL with a bad signature is refused by storage; the PUT is sent once', async () => {
      tamper = 'signature';
      await assert.rejects(uploadLocalFiles([answer('shots/kettle-on-counter.png')], options({ client: client(stub.url), origin: stub.url, presignAboveBytes: 10 })), isApi('permission', /./, 403));
      assert.equal(stub.requests.filter((r) => r.method === 'PUT').length, 1);
    });

    it('a reply about another file, or with two files for one asked, is refused and nothing is sent again', async () => {
      tamper = 'name';
      await assert.rejects(uploadMultipart(client(stub.url), { name: 'kettle.png', mime: 'image/png', bytes: PNG }), isApi('invalid-reply', /someone-else\.png.*not kettle\.png/));
      tamper = 'two-files';
      await assert.rejects(uploadLocalFiles([answer('shots/kettle-on-counter.png')], options({ client: client(stub.url), origin: stub.url, presignAboveBytes: 10 })), isApi('invalid-reply', /lists 2 files for the one asked for/));
      assert.equal(stub.requests.filter((r) => r.method === 'PUT').length, 1, 'only the earlier test\'s PUT');
      tamper = 'none';
    });

    it('a presigned URL on another http origin is refused before any byte is sent to it', async () => {
      tamper = 'none';
      // The local server hands out URLs on its own origin; through the stub that is another origin.
      const before = count(PUT);
      await assert.rejects(uploadLocalFiles([answer('shots/kettle-on-counter.png')], options({ client: client(stub.url), origin: stub.url, presignAboveBytes: 10 })), isApi('invalid-reply', /not https/));
      assert.equal(count(PUT), before);
    });
  });
});
