/**
 * Production bundle sizes: everything esbuild.mjs --production builds, and the per-package share
 * of the extension bundle from esbuild's metafile. The whole packaged extension (the files
 * .vscodeignore keeps) must stay under 800 kB (1 kB = 1000 bytes here, the stricter reading).
 */
import { execFileSync } from 'node:child_process';
import type * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
 * Builds the production extension into `dir` (a throwaway folder) with esbuild.mjs itself
 * (--production, as `vscode:prepublish` runs it), so what is measured is what ships, and returns
 * the size rows. `manifest` may change the copied package.json (the activation benchmark drops the
 * startup activation event so that it decides when the extension activates).
 */
export function buildProduction(
  repoRoot: string,
  dir: string,
  details: Record<string, unknown>,
  manifest?: (pj: Record<string, unknown>) => void,
): ProductionBuild {
  const metaPath = join(dir, 'esbuild-meta.json');
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, ['esbuild.mjs', '--production', `--outdir=${dir}`, `--metafile=${metaPath}`], { cwd: repoRoot, stdio: 'inherit' });
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as esbuild.Metafile;
  rmSync(metaPath);
  const output = (name: string) => {
    const o = Object.entries(meta.outputs).find(([f]) => f.split('\\').join('/').endsWith(name));
    if (!o) throw new Error(`esbuild.mjs produced no ${name}`);
    return o[1];
  };

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

  const extOut = output('dist/extension.js');
  const extBytes = extOut.bytes;
  const byPackage: Record<string, number> = {};
  for (const [input, v] of Object.entries(extOut.inputs)) byPackage[packageOf(input)] = (byPackage[packageOf(input)] ?? 0) + v.bytesInOutput;
  byPackage['other'] = (byPackage['other'] ?? 0) + extBytes - Object.values(byPackage).reduce((a, b) => a + b, 0);
  const webBytes = output('media/dist/explanations.js').bytes;
  const cliBytes = output('dist/cli.js').bytes;
  const undiciBytes = output('dist/undici.js').bytes;
  details.bundle = { extensionBytes: extBytes, byPackage, undiciBytes, webviewBytes: webBytes, cliBytes, packaged: Object.fromEntries(packaged.map((f) => [f, size(f)])), totalBytes: total };
  const lazyOut = output('dist/lazy.js');
  const lazyZod = Object.entries(lazyOut.inputs).reduce((sum, [input, v]) => sum + (packageOf(input) === 'zod' ? v.bytesInOutput : 0), 0);
  const parserBytes = statSync(join(dir, 'dist', 'llhttp_simd.wasm')).size;
  for (const f of ['dist/extension.js', 'dist/lazy.js', 'dist/undici.js', 'dist/llhttp_simd.wasm', 'ThirdPartyNotices.txt']) if (!packaged.includes(f)) throw new Error(`.vscodeignore leaves ${f} out of the package`);

  const rows: Row[] = [
    boundRow('bundle.packaged', 'bundle: whole packaged extension (minified)', total / kB, 'kB', { below: 800 }),
    boundRow('bundle.extension', 'bundle: dist/extension.js (minified; loaded at activation)', extBytes / kB, 'kB', { max: 150 }),
  ];
  const part: Record<string, string> = { zod: 'zod', 'jsonc-parser': 'jsoncParser', ours: 'ours', other: 'other' };
  for (const p of ['zod', 'jsonc-parser', 'ours', 'other']) rows.push(row(`bundle.extension.${part[p]}`, `  of which ${p === 'other' ? 'esbuild runtime and other' : p}`, (byPackage[p] ?? 0) / kB, 'kB'));
  rows.push(row('bundle.lazy', 'bundle: dist/lazy.js (minified; loaded on first use: file model, validation, client, reports)', lazyOut.bytes / kB, 'kB'));
  rows.push(row('bundle.lazy.zod', '  of which zod', lazyZod / kB, 'kB'));
  rows.push(row('bundle.undici', 'bundle: dist/undici.js (minified; loaded on the first request)', undiciBytes / kB, 'kB'));
  rows.push(row('bundle.undici.parser', '  and dist/llhttp_simd.wasm (its HTTP parser, read with it)', parserBytes / kB, 'kB'));
  rows.push(row('bundle.webview', 'bundle: media/dist/explanations.js (webview, minified)', webBytes / kB, 'kB'));
  rows.push(row('bundle.webview.charts', 'bundle: media/dist/charts.js (webview charts, minified; loaded after the first cards)', output('media/dist/charts.js').bytes / kB, 'kB'));
  rows.push(row('bundle.webview.chartsCss', '  and media/dist/charts.css (the chart library\'s style sheet, loaded with it)', output('media/dist/charts.css').bytes / kB, 'kB'));
  rows.push(row('bundle.cli', 'bundle: dist/cli.js (minified; not part of the extension)', cliBytes / kB, 'kB'));
  return { dir, rows };
}
