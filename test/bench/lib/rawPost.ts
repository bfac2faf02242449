/**
 * The floor for `cli.e2e.10k`: a minimal Node client as a whole process. It POSTs the bytes of a
 * scoring request read from a file to the scoring endpoint and reads the reply's bytes, with no
 * parsing, validation or matching. Usage: node rawPost.js <body file> <base url> <api key>
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

const [bodyFile, base, key] = process.argv.slice(2);
const body = readFileSync(bodyFile!);
const url = new URL('/v2/eval-runs/-/score-responses', base);
const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-api-key': key } }, (res) => {
  let bytes = 0;
  res.on('data', (chunk: Buffer) => (bytes += chunk.length));
  res.on('end', () => {
    if (res.statusCode !== 200 || !bytes) {
      process.stderr.write(`HTTP ${res.statusCode}, ${bytes} bytes\n`);
      process.exitCode = 1;
    }
  });
});
req.on('error', (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
});
req.end(body);
