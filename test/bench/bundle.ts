/**
 * Production bundle sizes: the extension bundle built with esbuild.mjs's options for it plus
 * minify (no source maps), the webview script likewise, and the per-package share of the
 * extension bundle from esbuild's metafile. The whole packaged extension (the files
 * .vscodeignore keeps) must stay under 800 kB (1 kB = 1000 bytes here, the stricter reading).
 */
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { boundRow, row, type Row } from './lib/measure';

const kB = 1000;

export interface ProductionBuild {
  /** A folder laid out like the packaged extension: package.json, package.nls.json, dist/extension.js, media/. */
  dir: string;
  rows: Row[];
}

/** The files under `dir` that .vscodeignore lets into the package (its rules in order, the last match wins). */
function packagedFiles(repoRoot: string, dir: string): string[] {
  const rules = readFileSync(join(repoRoot, '.vscodeignore'), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const glob = (negated ? l.slice(1) : l).replace(/^\//, '');
      const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\uE000').replace(/\*/g, '[^/]*').replace(/\uE000/g, '.*');
      return { keep: negated, re: new RegExp(`^${re}(/.*)?$`) };
    });
  const all: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else all.push(relative(dir, join(d, e.name)).split('\\').join('/'));
    }
  };
  walk(dir);
  return all.filter((f) => {
    let keep = true;
    for (const r of rules) if (r.re.test(f)) keep = r.keep;
    return keep;
  });
}

function packageOf(input: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m?.[1]) return m[1];
  if (input.startsWith('src/') || input.startsWith('media/')) return 'ours';
  return 'other';
}

/**
 * Builds the production extension into `dir` (a throwaway folder) and returns the size rows.
 * `manifest` may change the copied package.json (the activation benchmark drops the startup
 * activation event so that it decides when the extension activates).
 */
/**
 * As esbuild.mjs builds it: undici in dist/undici.js, required at run time by the client
 * module, which the extension initialises only on first use (services.ts imports it
 * dynamically). Every import of undici or of one of its modules becomes
 * `require('./undici.js')[<that specifier>]`, and dist/undici.js exports those modules by specifier.
 */
function undiciApart(used: Set<string>): esbuild.Plugin {
  return {
    name: 'undici-apart',
    setup(b) {
      b.onResolve({ filter: /^undici(\/.*)?$/ }, (args) => {
        used.add(args.path);
        return { path: args.path, namespace: 'undici-apart' };
      });
      b.onLoad({ filter: /.*/, namespace: 'undici-apart' }, (args) => ({
        contents: `module.exports = require('./undici.js')[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
    },
  };
}

export async function buildProduction(
  repoRoot: string,
  dir: string,
  details: Record<string, unknown>,
  manifest?: (pj: Record<string, unknown>) => void,
): Promise<ProductionBuild> {
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  // The options of esbuild.mjs's `common` with --production, and of its extension build.
  const common: esbuild.BuildOptions = {
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: false,
    minify: true,
    logLevel: 'warning',
    legalComments: 'none',
    mainFields: ['module', 'main'],
    define: { __VERSION__: JSON.stringify(version) },
  };
  const used = new Set<string>();
  const ext = await esbuild.build({
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: join(dir, 'dist'),
    external: ['vscode', './undici.js'],
    metafile: true,
    plugins: [undiciApart(used)],
  });
  const undici = await esbuild.build({
    ...common,
    stdin: { contents: `module.exports = {${[...used].map((u) => `${JSON.stringify(u)}: require(${JSON.stringify(u)})`).join(',')}};`, resolveDir: repoRoot, loader: 'js' },
    outfile: join(dir, 'dist', 'undici.js'),
    metafile: true,
  });
  const web = await esbuild.build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['media/explanations.ts'], outdir: join(dir, 'media', 'dist'), metafile: true });
  const cli = await esbuild.build({ ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: join(dir, 'cli'), metafile: true });

  // The rest of what the package may hold, then the files .vscodeignore keeps.
  mkdirSync(join(dir, 'media'), { recursive: true });
  for (const f of ['package.json', 'package.nls.json', 'README.md', 'LICENSE', 'LICENSE.md', 'LICENSE.txt', 'CHANGELOG.md', ...readdirSync(join(repoRoot, 'media')).map((m) => `media/${m}`)]) {
    const from = join(repoRoot, f);
    if (existsSync(from) && statSync(from).isFile() && !f.endsWith('.ts')) copyFileSync(from, join(dir, f));
  }
  const packaged = packagedFiles(repoRoot, dir);
  const size = (f: string) => (existsSync(join(dir, f)) ? statSync(join(dir, f)).size : 0);
  const total = packaged.reduce((a, f) => a + size(f), 0);
  if (manifest) {
    const pj = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
    manifest(pj);
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pj, null, 2) + '\n');
  }

  const extOut = Object.entries(ext.metafile.outputs).find(([f]) => f.endsWith('extension.js'));
  if (!extOut) throw new Error('esbuild produced no extension.js');
  const extBytes = extOut[1].bytes;
  const byPackage: Record<string, number> = {};
  for (const [input, v] of Object.entries(extOut[1].inputs)) byPackage[packageOf(input)] = (byPackage[packageOf(input)] ?? 0) + v.bytesInOutput;
  byPackage['other'] = (byPackage['other'] ?? 0) + extBytes - Object.values(byPackage).reduce((a, b) => a + b, 0);
  const webBytes = Object.values(web.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
  const cliBytes = Object.values(cli.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
  const undiciBytes = Object.values(undici.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
  details.bundle = { extensionBytes: extBytes, byPackage, undiciBytes, webviewBytes: webBytes, cliBytes, packaged: Object.fromEntries(packaged.map((f) => [f, size(f)])), totalBytes: total };
  for (const f of ['dist/extension.js', 'dist/undici.js']) if (!packaged.includes(f)) throw new Error(`.vscodeignore leaves ${f} out of the package`);

  const rows: Row[] = [
    boundRow('bundle: whole packaged extension (minified)', total / kB, 'kB', { below: 800 }),
    row('bundle: dist/extension.js (minified; loaded at activation)', extBytes / kB, 'kB'),
  ];
  for (const p of ['zod', 'jsonc-parser', 'ours', 'other']) rows.push(row(`  of which ${p === 'other' ? 'esbuild runtime and other' : p}`, (byPackage[p] ?? 0) / kB, 'kB'));
  rows.push(row('bundle: dist/undici.js (minified; loaded on the first request)', undiciBytes / kB, 'kB'));
  rows.push(row('bundle: media/dist/explanations.js (webview, minified)', webBytes / kB, 'kB'));
  rows.push(row('bundle: dist/cli.js (minified; not part of the extension)', cliBytes / kB, 'kB'));
  return { dir, rows };
}
