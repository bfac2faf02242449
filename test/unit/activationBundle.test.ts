/**
 * What activation loads: the modules `src/extension.ts` reaches through static imports are in
 * dist/extension.js and run when VS Code loads it. Validation (zod), the HTTP stack (undici) and
 * the responses-file model must be reached only through `await import(...)`, on first use: one
 * static import of a constant from a module that imports zod put zod's 97 kB back into every
 * window's start (the activation bench's CPU figure tripled). In dist/lazy.js zod is zod/mini
 * (src/core/zod.ts): classic zod cannot be tree-shaken and was those 97 kB there too.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { build, type Metafile } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');

/** Each module statically reachable from `entry`, with the module that first imported it. */
function staticClosure(meta: Metafile, entry: string): Map<string, string | undefined> {
  const seen = new Map<string, string | undefined>([[entry, undefined]]);
  const stack = [entry];
  while (stack.length) {
    const from = stack.pop()!;
    for (const imp of meta.inputs[from]?.imports ?? []) {
      if (imp.kind === 'dynamic-import' || imp.external || seen.has(imp.path)) continue;
      seen.set(imp.path, from);
      stack.push(imp.path);
    }
  }
  return seen;
}

function chain(seen: Map<string, string | undefined>, file: string): string {
  const out: string[] = [];
  for (let f: string | undefined = file; f; f = seen.get(f)) out.push(f);
  return out.join(' ← ');
}

describe('activation bundle: what loading the extension runs', function () {
  this.timeout(60_000);
  it('reaches zod, undici and the responses-file model only through dynamic imports', async () => {
    const result = await build({
      absWorkingDir: repoRoot,
      entryPoints: ['src/extension.ts'],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['vscode'],
      write: false,
      metafile: true,
      logLevel: 'silent',
      outdir: 'unused',
    });
    const seen = staticClosure(result.metafile, 'src/extension.ts');
    assert.ok(seen.size > 50, `the extension's static imports were followed (${seen.size} modules)`);
    const lazy = [...seen.keys()].filter((f) => /node_modules\/(zod|undici)\/|^src\/core\/(responsesFile|schemas|client|zod)\.ts$/.test(f));
    assert.deepEqual(lazy.map((f) => chain(seen, f)).slice(0, 3), [], 'loaded at activation through these imports');
  });

  it('dist/extension.js and dist/lazy.js share no module: the lazy part takes the eager modules it imports from the extension', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aymara-split-'));
    try {
      execFileSync(process.execPath, ['esbuild.mjs', '--production', '--no-tests', `--outdir=${dir}`, `--metafile=${join(dir, 'meta.json')}`], { cwd: repoRoot, stdio: 'pipe' });
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Metafile;
      const outputOf = (name: string) => {
        const o = Object.entries(meta.outputs).find(([f]) => f.split('\\').join('/').endsWith(`/dist/${name}`));
        assert.ok(o, `esbuild.mjs built dist/${name}`);
        return o[1];
      };
      const inputsOf = (name: string) => Object.keys(outputOf(name).inputs);
      const eager = inputsOf('extension.js');
      const lazy = inputsOf('lazy.js');
      // Shims name the module they stand for after a namespace prefix; real modules have none.
      const real = (files: string[]) => files.filter((f) => !/^[a-z-]+:/.test(f));
      const inEager = new Set(real(eager));
      assert.deepEqual(real(lazy).filter((f) => inEager.has(f)), [], 'modules compiled into both bundles (two instances, two classes)');
      const taken = lazy.filter((f) => f.startsWith('from-extension:src/')).map((f) => f.slice('from-extension:'.length));
      assert.ok(taken.includes('src/core/apiError.ts'), 'ApiError, thrown by the client and checked with instanceof by the editor, comes from the extension');
      assert.deepEqual(taken.filter((f) => !inEager.has(f)), [], 'taken from the extension but not in it');
      const redirected = eager.filter((f) => f.startsWith('lazy-apart:src/')).map((f) => f.slice('lazy-apart:'.length));
      assert.ok(redirected.includes('src/core/client.ts') && redirected.includes('src/core/responsesFile/index.ts'), 'the client and the file model are loaded from dist/lazy.js');
      assert.deepEqual(redirected.filter((f) => !lazy.includes(f)), [], 'loaded from dist/lazy.js but not in it');
      assert.deepEqual(real(eager).filter((f) => /node_modules\/(zod|undici|jsonc-parser|csv-stringify)\//.test(f)), [], 'packages in dist/extension.js');
      // zod/mini keeps only the parts the schemas use (about 35 kB); classic zod is all of it (97 kB).
      const zod = Object.entries(outputOf('lazy.js').inputs).filter(([f]) => /node_modules\/zod\//.test(f.split('\\').join('/')));
      assert.deepEqual(zod.map(([f]) => f.split('\\').join('/')).filter((f) => /\/zod\/v4\/classic\//.test(f)), [], 'classic zod in dist/lazy.js');
      const zodBytes = zod.reduce((n, [, i]) => n + i.bytesInOutput, 0);
      assert.ok(zodBytes > 10_000 && zodBytes < 50_000, `zod's share of dist/lazy.js: ${zodBytes} bytes (classic zod, or more of zod/mini than the schemas need?)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
