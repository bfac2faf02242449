// Builds every bundle the project ships or tests:
//   dist/extension.js  the extension (vscode external)
//   dist/cli.js        the `aymara-eval` command line
//   dist/server.js     the local Aymara-compatible server (never part of the extension bundle)
//   media/*.js         webview scripts (browser)
//   out/test/**        unit, integration and e2e suites (node_modules stay external)
// Flags: --production (minify, no sourcemaps; without it every bundle has a .map beside it),
//   --watch (rebuild on change; see watchReport for what it prints), --no-tests,
//   --outdir=<dir> (write dist/, media/dist/ and out/ under <dir> instead of here),
//   --metafile=<file> (write esbuild's metafile of every bundle built, for size reports).
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const version = JSON.parse(readFileSync('package.json', 'utf8')).version;

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const withTests = !process.argv.includes('--no-tests') && !production;
/** @param {string} name */
const flag = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const root = flag('outdir') ?? '.';
const metafilePath = flag('metafile');

/** @param {string} dir @param {(f: string) => boolean} keep @returns {string[]} */
function walk(dir, keep) {
  let found = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return found; }
  for (const name of entries) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'fixtures') found = found.concat(walk(full, keep));
    } else if (keep(full)) found.push(full);
  }
  return found;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  // jsonc-parser's UMD build loads its parts with a require esbuild cannot follow; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  define: { __VERSION__: JSON.stringify(version) },
};

/**
 * The extension loads undici only when it first talks to the API: every import of undici (or of
 * one of its modules) becomes `require('./undici.js')[specifier]`, and dist/undici.js, built after
 * the extension, exports those modules by specifier. The client module is already initialised on
 * first use (services.ts imports it dynamically), so activation no longer compiles undici.
 * @param {Set<string>} used
 * @returns {import('esbuild').Plugin}
 */
function undiciApart(used) {
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
const undiciUsed = new Set();
/** @param {string} outfile @returns {import('esbuild').BuildOptions} */
const undiciBundle = (outfile) => ({
  ...common,
  stdin: { contents: `module.exports = {${[...undiciUsed].map((u) => `${JSON.stringify(u)}: require(${JSON.stringify(u)})`).join(',')}};`, resolveDir: '.', loader: 'js' },
  outfile,
  metafile: true,
});

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: join(root, 'dist'), external: ['vscode', './undici.js'], plugins: [undiciApart(undiciUsed)], metafile: true },
  { ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: join(root, 'dist'), banner: { js: '#!/usr/bin/env node' }, metafile: true },
  { ...common, entryPoints: { server: 'src/server/main.ts' }, outdir: join(root, 'dist'), metafile: true },
];

// Each media/*.ts is a webview script; its modules live in subfolders (media/explanations/) and are bundled into it.
const webviewEntries = readdirSync('media').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => join('media', f));
if (webviewEntries.length) {
  builds.push({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: webviewEntries, outdir: join(root, 'media', 'dist'), metafile: true });
}

if (withTests) {
  const tests = walk('test', (f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  if (tests.length) {
    builds.push({ ...common, entryPoints: tests, outdir: join(root, 'out', 'test'), outbase: 'test', packages: 'external', external: ['vscode'] });
  }
}

const present = builds.filter((b) => {
  const eps = Array.isArray(b.entryPoints) ? b.entryPoints : Object.values(b.entryPoints ?? {});
  return eps.every((e) => { try { return statSync(e).isFile(); } catch { return false; } });
});

/**
 * Watch mode: each round of rebuilds (of one or several bundles) is printed between two lines,
 * with its errors and warnings in between, in the shape the "watch" task's problem matcher in
 * .vscode/tasks.json reads (esbuild's own log is off then, so nothing is printed twice):
 *   [watch] build started
 *   [ERROR] <text>
 *       <file>:<line>:<column>:
 *   [watch] build finished
 * The first round counts every bundle, so "finished" comes once all of them are built.
 * @param {number} bundles
 * @returns {() => import('esbuild').Plugin} a plugin for each bundle
 */
function watchReport(bundles) {
  let active = bundles;
  console.log('[watch] build started');
  return () => {
    let first = true;
    return {
      name: 'watch-report',
      setup(b) {
        b.onStart(() => {
          if (first) first = false;
          else if (active++ === 0) console.log('[watch] build started');
        });
        b.onEnd((result) => {
          for (const [kind, messages] of /** @type {const} */ ([['ERROR', result.errors], ['WARNING', result.warnings]])) {
            for (const m of messages) {
              console.log(`[${kind}] ${m.text}`);
              if (m.location) console.log(`    ${m.location.file}:${m.location.line}:${m.location.column + 1}:`);
            }
          }
          if (--active === 0) console.log('[watch] build finished');
        });
      },
    };
  };
}

/**
 * Watch mode: dist/undici.js is rebuilt after an extension build that uses undici modules it
 * does not hold yet (the first build, or a new import), before the round is reported finished.
 * @param {string} outfile
 * @returns {import('esbuild').Plugin}
 */
function undiciFollows(outfile) {
  let built;
  return {
    name: 'undici-follows',
    setup(b) {
      b.onEnd(async (result) => {
        const key = [...undiciUsed].sort().join('\n');
        if (result.errors.length || key === built) return;
        const r = await esbuild.build({ ...undiciBundle(outfile), logLevel: 'silent' }).catch((e) => ({ errors: e.errors ?? [{ text: String(e) }] }));
        if (r.errors.length) result.errors.push(...r.errors);
        else built = key;
      });
    },
  };
}

if (watch) {
  const report = watchReport(present.length);
  for (const b of present) {
    const extra = b === builds[0] ? [undiciFollows(join(root, 'dist', 'undici.js'))] : [];
    await (await esbuild.context({ ...b, logLevel: 'silent', plugins: [...(b.plugins ?? []), ...extra, report()] })).watch();
  }
  console.log('watching for changes…');
} else {
  const results = await Promise.all(present.map((b) => esbuild.build(b)));
  results.push(await esbuild.build(undiciBundle(join(root, 'dist', 'undici.js'))));
  if (metafilePath) {
    const meta = { inputs: {}, outputs: {} };
    for (const r of results) {
      Object.assign(meta.inputs, r.metafile?.inputs);
      Object.assign(meta.outputs, r.metafile?.outputs);
    }
    writeFileSync(metafilePath, JSON.stringify(meta));
  }
}
