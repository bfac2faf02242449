/** The API's type declarations are shipped in the package and the README points to them. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

describe('public API declarations', () => {
  it('api/aymara-eval.d.ts exists, is kept by .vscodeignore and is linked from the README', () => {
    const dts = fs.readFileSync(path.join(root, 'api/aymara-eval.d.ts'), 'utf8');
    assert.match(dts, /export interface AymaraEvalApi/);
    assert.match(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8'), /^!api\/aymara-eval\.d\.ts$/m);
    assert.match(fs.readFileSync(path.join(root, 'README.md'), 'utf8'), /\(api\/aymara-eval\.d\.ts\)/);
  });
});
