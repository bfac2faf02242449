import * as assert from 'node:assert/strict';
import { boundaryOf, MultipartError, parseMultipart } from '../../../src/server/multipart';

/** The bytes and Content-Type a real client (Node's fetch) sends for a form. */
async function encode(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const res = new Response(form);
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type')! };
}

const raw = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

describe('multipart/form-data parser (strict, bounded)', () => {
  it('parses what a real client sends: file part with name, filename, type and exact bytes, plus a text field', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'shots/ké "tle".png');
    form.append('workspace_uuid', 'ws-1');
    const { body, contentType } = await encode(form);
    const parts = parseMultipart(body, boundaryOf(contentType));
    assert.equal(parts.length, 2);
    assert.deepEqual([parts[0]!.name, parts[0]!.contentType], ['file', 'image/png']);
    assert.ok(parts[0]!.filename!.startsWith('shots/ké'), parts[0]!.filename!);
    assert.deepEqual(parts[0]!.data, bytes);
    assert.deepEqual([parts[1]!.name, parts[1]!.filename, parts[1]!.data.toString()], ['workspace_uuid', null, 'ws-1']);
  });

  it('reads the boundary only from multipart/form-data, quoted or not', () => {
    assert.equal(boundaryOf('multipart/form-data; boundary=abc123'), 'abc123');
    assert.equal(boundaryOf('Multipart/Form-Data; boundary="a b:c"'), 'a b:c');
    assert.throws(() => boundaryOf(undefined), /missing/);
    assert.throws(() => boundaryOf('application/json'), /multipart\/form-data/);
    assert.throws(() => boundaryOf('multipart/form-data'), /no boundary/);
    assert.throws(() => boundaryOf(`multipart/form-data; boundary=${'x'.repeat(71)}`), /1–70/);
    assert.throws(() => boundaryOf('multipart/form-data; boundary="abc'), /unterminated/);
    assert.throws(() => boundaryOf('multipart/form-data; boundary=a; boundary=b'), /twice/);
  });

  it('accepts filename* (RFC 5987) over filename, and a final CRLF after the closing boundary', () => {
    const body = raw('--b', `Content-Disposition: form-data; name="file"; filename="plain.png"; filename*=UTF-8''caf%C3%A9.png`, '', 'xyz', '--b--', '');
    const [p] = parseMultipart(body, 'b');
    assert.deepEqual([p!.filename, p!.data.toString()], ['café.png', 'xyz']);
    assert.equal(parseMultipart(raw('--b', 'Content-Disposition: form-data; name="a"', '', '', '--b--'), 'b')[0]!.data.length, 0, 'an empty part');
  });

  it('refuses malformed bodies with a message naming the problem', () => {
    const cd = 'Content-Disposition: form-data; name="file"; filename="a.png"';
    const cases: [Buffer, RegExp][] = [
      [raw('preamble', '--b', cd, '', 'x', '--b--'), /does not start with the boundary/],
      [raw('--b', cd, '', 'x'), /ends before the closing boundary/],
      [raw('--b', cd, '', 'x', '--b--', 'epilogue'), /after the closing boundary/],
      [raw('--b', cd, '', 'x', '--bX', cd, '', 'y', '--b--'), /closing boundary|must end with CRLF/],
      [raw('--b', '', 'x', '--b--'), /Content-Disposition header is missing/],
      [raw('--b', 'Content-Type: image/png', '', 'x', '--b--'), /Content-Disposition header is missing/],
      [raw('--b', 'Content-Disposition: attachment; name="file"', '', 'x', '--b--'), /must be form-data/],
      [raw('--b', 'Content-Disposition: form-data; filename="a"', '', 'x', '--b--'), /no field name/],
      [raw('--b', cd, cd, '', 'x', '--b--'), /appears twice/],
      [raw('--b', cd, ' folded', '', 'x', '--b--'), /folded/],
      [raw('--b', cd, 'no colon here', '', 'x', '--b--'), /malformed header/],
      [raw('--b', cd, 'Content-Transfer-Encoding: base64', '', 'eA==', '--b--'), /base64/],
      [raw('--b', `Content-Disposition: form-data; name="f"; filename*=latin1''a.png`, '', 'x', '--b--'), /UTF-8/],
      [raw('--b', `${cd}; x-big=${'y'.repeat(9000)}`, '', 'x', '--b--'), /larger than 8192 bytes/],
      [raw('--b', cd), /headers never end/],
    ];
    for (const [body, message] of cases) {
      assert.throws(() => parseMultipart(body, 'b'), (err: unknown) => err instanceof MultipartError && message.test(err.message), `${message}`);
    }
    const binary = parseMultipart(Buffer.concat([raw('--b', 'Content-Disposition: form-data; name="h"', '', ''), Buffer.from([0xc3, 0x28]), raw('', '--b--')]), 'b');
    assert.deepEqual(binary[0]!.data, Buffer.from([0xc3, 0x28]), 'any bytes in a part body are fine; only headers must be UTF-8');
    assert.throws(() => parseMultipart(Buffer.concat([raw('--b', 'Content-Disposition: form-data; name="'), Buffer.from([0xc3, 0x28]), raw('"', '', 'x', '--b--')]), 'b'), /not valid UTF-8/);
  });

  it('bounds the number of parts', () => {
    const part = (i: number) => `--b\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`;
    const body = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => part(i)).join('') + '--b--');
    assert.equal(parseMultipart(body(16), 'b').length, 16);
    assert.throws(() => parseMultipart(body(17), 'b'), /more than 16 parts/);
    assert.throws(() => parseMultipart(body(3), 'b', { maxParts: 2 }), /more than 2 parts/);
  });
});
