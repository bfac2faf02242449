/**
 * ThirdPartyNotices.txt: the bundles are minified without their legal comments, so the licences of
 * the npm packages bundled into what ships travel in this file, which esbuild.mjs writes on every
 * build from the shipped bundles' inputs (scripts/thirdPartyNotices.mjs) and .vscodeignore ships.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Metafile } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as NoticesLib from '../../scripts/thirdPartyNotices.mjs';

const ROOT = resolve(__dirname, '../../..');
const versionOf = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
/** The packages the file lists, from its `Packages (n):` lines. */
const listed = (text: string) => [...text.matchAll(/^ {2}(\S+) (\S+) \(/gm)].map((m) => `${m[1]} ${m[2]}`);
const count = (text: string, part: string) => text.split(part).length - 1;

let N: typeof NoticesLib;
before(async () => {
  N = (await import(pathToFileURL(join(ROOT, 'scripts', 'thirdPartyNotices.mjs')).href)) as typeof NoticesLib;
});

describe('third-party notices', function () {
  this.timeout(60_000);

  it('names each package of the inputs once, sorted, with its version, license field and licence text; our own modules add nothing', () => {
    const ours = ['src/core/zod.ts', 'media/charts.ts', 'undici-trim:body.js', 'lazy-apart:src/core/client.ts', 'from-extension:src/core/apiError.ts', '<stdin>'];
    const inputs = ['node_modules/zod/v4/core/core.js', 'node_modules/jsonc-parser/lib/esm/main.js', 'node_modules/zod/mini/index.js', 'node_modules/jsonc-parser/lib/esm/impl/scanner.js'];
    const text = N.thirdPartyNotices([...ours, ...inputs], { cwd: ROOT });
    assert.deepEqual(listed(text), [`jsonc-parser ${versionOf('jsonc-parser')}`, `zod ${versionOf('zod')}`]);
    assert.equal(count(text, `\nzod ${versionOf('zod')}\nLicense: MIT\n`), 1, 'zod once, with its license field');
    assert.equal(count(text, `\njsonc-parser ${versionOf('jsonc-parser')}\nLicense: MIT\n`), 1, 'jsonc-parser once');
    assert.ok(text.indexOf('\njsonc-parser ') < text.indexOf('\nzod '), 'sorted by name');
    assert.equal(count(text, 'Permission is hereby granted, free of charge'), 2, 'the MIT text of each');
    assert.ok(text.includes('Copyright (c) Microsoft'), "jsonc-parser's LICENSE.md");
    assert.ok(text.includes('Colin McDonnell'), "zod's LICENSE");
    assert.match(text, /covers the extension package/);
    assert.ok(text.endsWith('SOFTWARE.\n'));

    assert.equal(N.thirdPartyNotices([...inputs].reverse(), { cwd: ROOT }), N.thirdPartyNotices(inputs, { cwd: ROOT }), 'the same bytes whatever the order of the inputs');
    const none = N.thirdPartyNotices(ours, { cwd: ROOT });
    assert.deepEqual(listed(none), []);
    assert.match(none, /^Packages \(0\):$/m);
    assert.ok(!none.includes('License:'), none);
  });

  it('takes the innermost package of nested node_modules (scoped or not), licence files of any case and extension, and fails on a package with no licence at all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aymara-notices-'));
    const put = (file: string, text: string) => {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    };
    const pkg = (at: string, fields: Record<string, unknown>) => put(`${at}/package.json`, JSON.stringify(fields));
    try {
      pkg('node_modules/outer', { name: 'outer', version: '1.0.0', license: 'MIT' });
      put('node_modules/outer/Licence.txt', 'outer licence text\r\nsecond line\r\n');
      pkg('node_modules/outer/node_modules/@scope/inner', { name: '@scope/inner', version: '2.0.0', license: 'ISC' });
      put('node_modules/outer/node_modules/@scope/inner/license.md', '\uFEFFinner licence text   \n');
      pkg('node_modules/plain', { name: 'plain', version: '3.0.0', license: { type: 'Apache-2.0' } });
      put('node_modules/plain/lib/vendor/COPYING', 'vendored code licence');
      put('node_modules/plain/lib/vendor/license.js', 'module.exports = "code, not a licence";');
      pkg('node_modules/bare', { name: 'bare', version: '0.1.0', license: 'BSD-2-Clause' });
      pkg('node_modules/unknown', { name: 'unknown', version: '9.9.9' });

      const text = N.thirdPartyNotices(
        ['node_modules/outer/node_modules/@scope/inner/dist/index.js', 'node_modules/plain/lib/vendor/x.js', 'node_modules/bare/index.js', 'src/extension.ts'],
        { cwd: dir, covers: 'the test package' },
      );
      assert.deepEqual(listed(text), ['@scope/inner 2.0.0', 'bare 0.1.0', 'plain 3.0.0'], 'the nested package, not the one around it');
      assert.match(text, /covers the test package/);
      assert.match(text, /\n@scope\/inner 2\.0\.0\nLicense: ISC\n={80}\n\ninner licence text\n/, 'its license.md, byte order mark and trailing blanks gone');
      assert.match(text, /\nplain 3\.0\.0\nLicense: Apache-2\.0\n={80}\n\nvendored code licence\n/, "a licence file in the bundled file's folder; the license object's type");
      assert.match(text, /\nbare 0\.1\.0\nLicense: BSD-2-Clause\n={80}\n\nThis package has no licence file; its package\.json declares the license "BSD-2-Clause"\.\n/);
      assert.ok(!text.includes('outer'), text);
      assert.ok(!text.includes('not a licence'), 'a license.js module is code');

      const both = N.thirdPartyNotices(['node_modules/outer/index.js', 'node_modules/outer/node_modules/@scope/inner/index.js'], { cwd: dir });
      assert.deepEqual(listed(both), ['@scope/inner 2.0.0', 'outer 1.0.0']);
      assert.match(both, /\nouter licence text\nsecond line\n/, 'Licence.txt, with its line ends made \\n');

      assert.throws(() => N.thirdPartyNotices(['node_modules/bare/index.js', 'node_modules/unknown/index.js'], { cwd: dir }), /unknown@9\.9\.9.*no licence file and no license field/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('esbuild.mjs writes it under --outdir for the shipped bundles only, the same bytes on every build, and .vscodeignore ships it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aymara-notices-build-'));
    try {
      const metaPath = join(dir, 'meta.json');
      execFileSync(process.execPath, ['esbuild.mjs', '--production', '--no-tests', `--outdir=${dir}`, `--metafile=${metaPath}`], { cwd: ROOT, stdio: 'pipe' });
      const text = readFileSync(join(dir, 'ThirdPartyNotices.txt'), 'utf8');
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Metafile;
      const packagesOf = (shipped: boolean) => {
        const names = new Set<string>();
        for (const [out, o] of Object.entries(meta.outputs)) {
          const f = out.split('\\').join('/');
          if (f.endsWith('.map') || /\/(dist\/(extension|lazy|undici)\.js|media\/dist\/[^/]+)$/.test(f) !== shipped) continue;
          for (const [input, i] of Object.entries(o.inputs)) {
            const m = [...input.split('\\').join('/').matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].pop();
            if (m?.[1] && i.bytesInOutput > 0) names.add(m[1]);
          }
        }
        return [...names].sort();
      };
      const names = listed(text).map((p) => p.split(' ')[0]!);
      assert.deepEqual(names, packagesOf(true), 'the packages of dist/extension.js, dist/lazy.js, dist/undici.js and media/dist/');
      for (const p of ['undici', 'uplot', 'zod', 'jsonc-parser']) assert.ok(names.includes(p), `${p} is named`);
      assert.match(text, /aymara-eval-scoring \S+ extension package/);
      for (const p of ['undici', 'uplot']) {
        const section = text.slice(text.indexOf(`\n${p} `)).split(/\n={80}\n/)[1] ?? '';
        assert.match(section, /Permission is hereby granted/, `${p}'s licence text`);
      }
      execFileSync(process.execPath, ['esbuild.mjs', '--no-tests', `--outdir=${dir}`], { cwd: ROOT, stdio: 'pipe' });
      assert.equal(readFileSync(join(dir, 'ThirdPartyNotices.txt'), 'utf8'), text, 'a development build writes the same file');
      assert.ok(packagesOf(false).length > 0, 'the command line and the server bundle packages too (listed only if they also ship)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.match(readFileSync(join(ROOT, '.vscodeignore'), 'utf8'), /^!ThirdPartyNotices\.txt$/m, 'in the package');
    assert.match(readFileSync(join(ROOT, '.gitignore'), 'utf8'), /^\/ThirdPartyNotices\.txt$/m, 'generated, like dist/');
  });
});
