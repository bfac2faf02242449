import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strictReviewSchemas } from '../../../src/core/reviewSchemas';
import { DEMO_EVAL_UUID, DEMO_PROMPTS, IMAGE_EVAL_UUID, IMAGE_PROMPTS, bundledSeed, startServer, type LocalServer } from '../../../src/server';
import { FileStore } from '../../../src/server/files';
import { assertEnvelope, call, repoRoot, SCORE } from './helpers';

const S = strictReviewSchemas();

const PNG = readFileSync(join(repoRoot(), 'test', 'fixtures', 'images', 'kettle.png'));
const I = IMAGE_PROMPTS;
const UPLOAD = '/v2/files/-/uploads';

function form(bytes: Buffer, filename: string, type?: string, extra: Record<string, string> = {}): FormData {
  const f = new FormData();
  f.append('file', new Blob([new Uint8Array(bytes)], type ? { type } : {}), filename);
  for (const [k, v] of Object.entries(extra)) f.append(k, v);
  return f;
}

describe('local server: files (multipart and presigned uploads) and image answers', () => {
  let server: LocalServer;
  before(async () => {
    server = await startServer({ port: 0 });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  const upload = async (bytes: Buffer, filename: string, type?: string) => {
    const r = await call(server, `${UPLOAD}?workspace_uuid=ws.1`, { method: 'POST', rawBody: form(bytes, filename, type) });
    assert.equal(r.status, 200, r.text);
    return S.FileUpload.parse(r.json);
  };

  it('seeds an image eval with three prompts', async () => {
    const e = S.Eval.parse((await call(server, `/v2/evals/${IMAGE_EVAL_UUID}`)).json);
    assert.deepEqual([e.name, e.eval_type, e.modality, e.num_prompts], ['Demo Image Safety Eval', 'safety', 'image', 3]);
    const prompts = (await call(server, `/v2/evals/${IMAGE_EVAL_UUID}/prompts`)).json;
    assert.deepEqual(
      prompts.items.map((p: unknown) => S.EvalPrompt.parse(p).prompt_uuid),
      Object.values(I),
    );
    assert.deepEqual(bundledSeed().evals.find((x) => x.eval_uuid === IMAGE_EVAL_UUID)?.prompts?.map((p) => p.prompt_uuid), Object.values(I));
  });

  it('takes a multipart upload (field "file") and describes the file: FileUpload, FileDetail, FileStatus, download', async () => {
    const up = await upload(PNG, 'shots/kettle.png');
    assert.match(up.file_uuid!, /^file\.[0-9a-f-]{36}$/);
    assert.match(up.remote_file_path!, /^[0-9a-f-]{36}\.png$/);
    assert.deepEqual([up.content_type, up.processing_status, up.local_file_path, up.remote_uri], ['image/png', 'completed', 'shots/kettle.png', null]);

    const detail = S.FileDetail.parse((await call(server, `/v2/files/${up.file_uuid}`)).json);
    assert.deepEqual(
      [detail.file_uuid, detail.file_type, detail.content_type, detail.file_size_bytes, detail.remote_file_path, detail.workspace_uuid],
      [up.file_uuid, 'image', 'image/png', PNG.length, up.remote_file_path, 'ws.1'],
    );
    const status = S.FileStatus.parse((await call(server, `/v2/files/${up.file_uuid}/status`)).json);
    assert.deepEqual([status.processing_status, status.remote_file_path, status.error_message], ['completed', up.remote_file_path, null]);

    // the file_url is a presigned download: no API key, the same bytes
    const res = await fetch(detail.file_url!);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
    assert.equal((await fetch(detail.file_url!.replace(/signature=[0-9a-f]{4}/, 'signature=0000'))).status, 403);
    assert.equal((await fetch(detail.file_url!.split('?')[0]!)).status, 403);
  });

  it('infers the content type from the name, else from the bytes, when the part says octet-stream', async () => {
    assert.equal((await upload(PNG, 'a.jpeg')).content_type, 'image/jpeg', 'by extension');
    assert.equal((await upload(PNG, 'noextension')).content_type, 'image/png', 'by signature');
    assert.equal((await upload(Buffer.from('hello'), 'notes')).content_type, 'application/octet-stream');
    assert.equal((await upload(PNG, 'x.bin', 'image/webp')).content_type, 'image/webp', 'a declared type wins');
  });

  it('refuses bad multipart bodies with 422 and details.fields', async () => {
    const bad = async (init: { rawBody: BodyInit; headers?: Record<string, string> }, field: string, message: RegExp) => {
      const e = assertEnvelope(await call(server, UPLOAD, { method: 'POST', ...init }), 422, 'validation.invalid_format');
      assert.equal((e.details.fields as { field: string }[])[0]!.field, field);
      assert.match(e.message, message);
    };
    const noFile = new FormData();
    noFile.append('other', 'x');
    await bad({ rawBody: noFile }, 'file', /no "file" field/);
    const two = form(PNG, 'a.png');
    two.append('file', new Blob([new Uint8Array(PNG)]), 'b.png');
    await bad({ rawBody: two }, 'file', /one file/);
    const textField = new FormData();
    textField.append('file', 'just text');
    await bad({ rawBody: textField }, 'file', /file part/);
    await bad({ rawBody: form(PNG, 'a.png', undefined, { colour: 'red' }) }, 'colour', /not accepted/);
    await bad({ rawBody: '{"file": "x"}', headers: { 'content-type': 'application/json' } }, '(body)', /multipart\/form-data/);
    await bad({ rawBody: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc', headers: { 'content-type': 'multipart/form-data; boundary=xyz' } }, '(body)', /closing boundary/);
    assert.equal((await call(server, '/v2/files')).status, 405, 'listing files is not offered');
  });

  it('hands out presigned upload URLs (POST /v2/files), takes the bytes by PUT without an API key, then completes', async () => {
    const r = await call(server, '/v2/files', { body: { files: [{ local_file_path: 'shots/kettle.png' }, { local_file_path: 'clip.mp4', content_type: 'video/mp4' }], workspace_uuid: 'ws.2' } });
    assert.equal(r.status, 200, r.text);
    const created = S.FileCreateResponse.parse(r.json);
    assert.equal(created.workspace_uuid, 'ws.2');
    const [img, vid] = created.files;
    assert.deepEqual([img!.processing_status, img!.content_type, vid!.content_type], ['pending', 'image/png', 'video/mp4']);
    assert.ok(img!.file_url!.startsWith(`${server.url}/local-storage/files/`), img!.file_url!);
    assert.equal(S.FileStatus.parse((await call(server, `/v2/files/${img!.file_uuid}/status`)).json).processing_status, 'pending');
    assert.equal(S.FileDetail.parse((await call(server, `/v2/files/${img!.file_uuid}`)).json).file_url, null, 'nothing to download yet');

    // unsigned, or signed for another file, is refused
    assertEnvelope(await call('', img!.file_url!.split('?')[0]!, { method: 'PUT', key: null, rawBody: new Uint8Array(PNG) }), 403, 'auth.insufficient_permissions');
    const otherQuery = vid!.file_url!.split('?')[1];
    assertEnvelope(await call('', `${img!.file_url!.split('?')[0]}?${otherQuery}`, { method: 'PUT', key: null, rawBody: new Uint8Array(PNG) }), 403, 'auth.insufficient_permissions');

    const put = await call('', img!.file_url!, { method: 'PUT', key: null, rawBody: new Uint8Array(PNG), headers: { 'content-type': 'image/png' } });
    assert.equal(put.status, 200, put.text);
    const status = S.FileStatus.parse((await call(server, `/v2/files/${img!.file_uuid}/status`)).json);
    assert.deepEqual([status.processing_status, status.remote_file_path], ['completed', img!.remote_file_path]);
    assert.equal(S.FileDetail.parse((await call(server, `/v2/files/${img!.file_uuid}`)).json).file_size_bytes, PNG.length);

    // the same bytes again are fine (a repeated PUT); other bytes are a conflict
    assert.equal((await call('', img!.file_url!, { method: 'PUT', key: null, rawBody: new Uint8Array(PNG) })).status, 200);
    assertEnvelope(await call('', img!.file_url!, { method: 'PUT', key: null, rawBody: 'other bytes' }), 409, 'resource.conflict');
  });

  it('refuses bad presigned requests with 422 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ files: [] }, 'files'],
      [{}, 'files'],
      [{ files: [{ remote_uri: 'https://example.com/a.png' }] }, 'files.0.remote_uri'],
      [{ files: [{ content_type: 'image/png' }] }, 'files.0.local_file_path'],
      [{ files: [{ local_file_path: 'a.png', content_type: 'not a type' }] }, 'files.0.content_type'],
      [{ files: Array.from({ length: 101 }, (_, i) => ({ local_file_path: `${i}.png` })) }, 'files'],
    ];
    for (const [body, field] of cases) {
      const e = assertEnvelope(await call(server, '/v2/files', { body }), 422, 'validation.invalid_request');
      assert.deepEqual((e.details.fields as { field: string }[]).map((f) => f.field), [field], JSON.stringify(body).slice(0, 60));
    }
  });

  it('presigned URLs expire after 30 minutes and are bound to their method and file', () => {
    const files = new FileStore({ maxUploadBytes: 1024, maxStoredBytes: 4096 });
    const a = files.add('a.png', 'image/png', null);
    const b = files.add('b.png', 'image/png', null);
    const query = (url: string) => new URL(url).searchParams;
    const put = query(files.presignedUrl('http://127.0.0.1:1', 'PUT', a));
    files.verify('PUT', a.id, put);
    assert.throws(() => files.verify('GET', a.id, put), /not valid for GET/);
    assert.throws(() => files.verify('PUT', b.id, put), /does not match/);
    const realNow = Date.now;
    try {
      Date.now = () => realNow() + 1799_000;
      files.verify('PUT', a.id, put);
      Date.now = () => realNow() + 1801_000;
      assert.throws(() => files.verify('PUT', a.id, put), /expired/);
    } finally {
      Date.now = realNow;
    }
  });

  it('answers 404 for unknown files (and for a reset server\'s old files)', async () => {
    const up = await upload(PNG, 'a.png');
    assert.equal((await call(server, `/v2/files/${up.file_uuid}`)).status, 200);
    for (const path of ['/v2/files/file.missing', '/v2/files/file.missing/status']) {
      assert.equal(assertEnvelope(await call(server, path), 404, 'resource.not_found').message, 'File "file.missing" was not found.');
    }
    server.reset();
    assertEnvelope(await call(server, `/v2/files/${up.file_uuid}/status`), 404, 'resource.not_found');
    assertEnvelope(await call('', up.file_url!, { key: null }), 404, 'resource.not_found');
  });

  it('limits uploads (413): multipart and presigned PUT', async () => {
    const s = await startServer({ port: 0, maxUploadBytes: 1024 });
    try {
      const big = Buffer.concat([PNG, Buffer.alloc(2000)]);
      const e = assertEnvelope(await call(s, UPLOAD, { method: 'POST', rawBody: form(big, 'big.png') }), 413, 'validation.invalid_request');
      assert.match(e.message, /1024 bytes/);
      assert.equal((await call(s, UPLOAD, { method: 'POST', rawBody: form(PNG, 'small.png') })).status, 200, 'under the limit is fine');
      const url = (await call(s, '/v2/files', { body: { files: [{ local_file_path: 'big.png' }] } })).json.files[0].file_url;
      assertEnvelope(await call('', url, { method: 'PUT', key: null, rawBody: new Uint8Array(big) }), 413, 'validation.invalid_request');
      assert.equal((await call('', url, { method: 'PUT', key: null, rawBody: new Uint8Array(PNG) })).status, 200);
    } finally {
      await s.close();
    }
  });

  it('scores image answers that reference uploaded files, by file_uuid or remote_file_path, with the documented rule', async () => {
    const kettle = await upload(PNG, 'kettle.png');
    const fire = await upload(PNG, 'kettle-on-FIRE.png');
    const notImage = await upload(Buffer.from('GIF? no, just text'), 'poster.png');
    const r = await call(server, SCORE, {
      body: {
        eval_uuid: IMAGE_EVAL_UUID,
        responses: [
          { prompt_uuid: I.kettlePhoto, content_type: 'image', content: { file_uuid: kettle.file_uuid } },
          { prompt_uuid: I.knifeManual, content_type: 'image', content: { remote_file_path: fire.remote_file_path } },
          { prompt_uuid: I.salePoster, content_type: 'image', content: { file_uuid: notImage.file_uuid } },
        ],
      },
    });
    assert.equal(r.status, 200, r.text);
    const run = S.EvalRunResult.parse(r.json);
    const [a, b, c] = run.responses!;
    assert.equal(a!.is_passed, true);
    assert.match(a!.explanation!, /Local judge rule/);
    assert.ok(a!.confidence! >= 0.8 && a!.confidence! <= 0.99);
    assert.deepEqual(a!.content, { file_uuid: kettle.file_uuid });
    // "fire" is a banned term of the kettle prompt, not of the knife prompt: the knife answer passes
    assert.equal(b!.is_passed, true);
    assert.deepEqual([c!.is_passed, c!.confidence], [false, 0.99]);
    assert.match(c!.explanation!, /not a recognisable image/);
    assert.equal(run.pass_rate, 2 / 3);

    const again = (
      await call(server, SCORE, {
        body: { eval_uuid: IMAGE_EVAL_UUID, responses: [{ prompt_uuid: I.kettlePhoto, content_type: 'image', content: { file_uuid: fire.file_uuid } }] },
      })
    ).json.responses[0];
    assert.equal(again.is_passed, false);
    assert.match(again.explanation, /banned term "fire"/);
    assert.equal(again.confidence, a!.confidence, 'same bytes, same confidence');

    const video = (await call(server, SCORE, { body: { eval_uuid: IMAGE_EVAL_UUID, responses: [{ prompt_uuid: I.kettlePhoto, content_type: 'video', content: { file_uuid: kettle.file_uuid } }] } })).json
      .responses[0];
    assert.equal(video.is_passed, false);
    assert.match(video.explanation, /content_type is "video" but the uploaded file is an image/);
  });

  it('scores an image uploaded the presigned way', async () => {
    const file = (await call(server, '/v2/files', { body: { files: [{ local_file_path: 'kettle.png' }] } })).json.files[0];
    const ref = { prompt_uuid: I.kettlePhoto, content_type: 'image', content: { remote_file_path: file.remote_file_path } };
    const early = assertEnvelope(await call(server, SCORE, { body: { eval_uuid: IMAGE_EVAL_UUID, responses: [ref] } }), 422, 'validation.invalid_request');
    assert.match(early.message, /no content yet/);
    await call('', file.file_url, { method: 'PUT', key: null, rawBody: new Uint8Array(PNG) });
    const r = await call(server, SCORE, { body: { eval_uuid: IMAGE_EVAL_UUID, responses: [ref] } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.responses[0].is_passed, true);
  });

  it('refuses (422) references to unknown files or to two different files, and scores nothing', async () => {
    const one = await upload(PNG, 'one.png');
    const two = await upload(PNG, 'two.png');
    const r = await call(server, SCORE, {
      body: {
        eval_uuid: DEMO_EVAL_UUID,
        responses: [
          { prompt_uuid: DEMO_PROMPTS.interlock, content_type: 'image', content: { remote_file_path: 'shots/kettle.png' } },
          { prompt_uuid: DEMO_PROMPTS.bleach, content_type: 'image', content: { file_uuid: one.file_uuid, remote_file_path: two.remote_file_path } },
        ],
      },
    });
    const e = assertEnvelope(r, 422, 'validation.invalid_request');
    assert.deepEqual(
      (e.details.fields as { field: string }[]).map((f) => f.field),
      ['responses.0.content.remote_file_path', 'responses.1.content.remote_file_path'],
    );
    assert.equal(server.runs.count(), 0);
  });

  it('is subject to fault injection like other routes', async () => {
    server.faults.add({ route: `POST ${UPLOAD}`, kind: 'status', status: 429, retryAfter: 2 });
    const r = await call(server, UPLOAD, { method: 'POST', rawBody: form(PNG, 'a.png') });
    assertEnvelope(r, 429, 'quota.limit_exceeded');
    assert.equal(r.headers.get('retry-after'), '2');
    server.faults.add({ route: 'PUT /local-storage/files/{id}', kind: 'reset' });
    const url = (await call(server, '/v2/files', { body: { files: [{ local_file_path: 'a.png' }] } })).json.files[0].file_url;
    await assert.rejects(call('', url, { method: 'PUT', key: null, rawBody: new Uint8Array(PNG) }));
    server.faults.add({ route: 'GET /v2/files/{id}', kind: 'drift', omit: ['file_uuid'] });
    const up = await upload(PNG, 'b.png');
    const drifted = await call(server, `/v2/files/${up.file_uuid}`);
    assert.equal(S.FileDetail.safeParse(drifted.json).success, false, 'the strict schema catches the missing field');
    assert.equal(server.stats.count('POST /v2/files/-/uploads'), 2);
  });
});
