/**
 * What activation loads: the modules `src/extension.ts` reaches through static imports are in
 * dist/extension.js and run when VS Code loads it. Validation (zod), the HTTP stack (undici) and
 * the responses-file model must be reached only through `await import(...)`, on first use: one
 * static import of a constant from a module that imports zod put zod's 97 kB back into every
 * window's start (the activation bench's CPU figure tripled).
 */
import * as assert from 'node:assert/strict';
import { build, type Metafile } from 'esbuild';
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
    const lazy = [...seen.keys()].filter((f) => /node_modules\/(zod|undici)\/|^src\/core\/(responsesFile|schemas|client)\.ts$/.test(f));
    assert.deepEqual(lazy.map((f) => chain(seen, f)).slice(0, 3), [], 'loaded at activation through these imports');
  });
});
