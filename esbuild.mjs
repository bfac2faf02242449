// Builds every bundle the project ships or tests:
//   dist/extension.js  the extension (vscode external): what activation runs
//   dist/lazy.js       the modules the extension reaches only through `await import(...)`, loaded
//                      on the first such import (see splitLazy)
//   dist/undici.js     the HTTP stack, loaded on the first request (see undiciApart)
//   dist/cli.js        the `aymara-eval` command line
//   dist/server.js     the local Aymara-compatible server (never part of the extension bundle)
//   media/*.js         webview scripts (browser); media/dist/charts.css beside charts.js, the
//                      style sheet its chart library imports
//   out/test/**        unit, integration and e2e suites (node_modules stay external)
// and ThirdPartyNotices.txt: the licences of the npm packages in the bundles that ship (see writeNotices).
// Flags: --production (minify, no sourcemaps; without it every bundle has a .map beside it),
//   --watch (rebuild on change; see watchReport for what it prints), --no-tests,
//   --outdir=<dir> (write dist/, media/dist/, out/ and ThirdPartyNotices.txt under <dir> instead of here),
//   --metafile=<file> (write esbuild's metafile of every bundle built, for size reports).
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { thirdPartyNotices } from './scripts/thirdPartyNotices.mjs';

const { name: packageName, version } = JSON.parse(readFileSync('package.json', 'utf8'));

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

/**
 * The parts of undici that undici's own modules load but the extension never runs, left out of
 * dist/undici.js (about 130 of its 317 kB):
 *   - llhttp-wasm.js: the HTTP parser built without WebAssembly SIMD, undici's fallback when
 *     SIMD is unavailable or UNDICI_NO_WASM_SIMD=1. Electron's V8 has SIMD on every platform
 *     VS Code ships for; the SIMD build (llhttp_simd-wasm.js) stays.
 *   - client-h2.js: HTTP/2, used only for a connection whose ALPN chose h2, which undici offers
 *     only when a dispatcher has `allowH2`; ours never do (core/client.ts).
 *   - socks5-proxy-agent.js: SOCKS proxies; core/proxy.ts accepts only http:// and https:// ones.
 *   - web/fetch/body.js, and with it undici's fetch, FormData and WebIDL code: a FormData request
 *     body; core/files/upload.ts serialises its form to bytes before undici sees it.
 * Each becomes a module that fails loudly, naming the part left out, if it is ever used. The
 * command line (dist/cli.js, `parsers: 'both'`) keeps both parsers, as it runs on any Node, but
 * leaves out the other three as well: loading client-h2.js alone compiles Node's http2 modules,
 * about 15 ms of every run's start.
 * In the extension, the parser that stays (llhttp_simd-wasm.js, WebAssembly as base64 text) is read
 * from dist/llhttp_simd.wasm instead, the same bytes as a binary file: 54 kB instead of 72, read
 * once, on the first request (see writeParserWasm).
 * @param {{ parsers: 'simd-file' | 'both' }} o
 * @returns {import('esbuild').Plugin}
 */
function undiciTrim(o) {
  /** @type {Record<string, string>} */
  const stubs = {
    'llhttp-wasm.js': `throw new Error('The HTTP client needs WebAssembly SIMD, which this JavaScript engine has turned off (is UNDICI_NO_WASM_SIMD=1 set?). Unset UNDICI_NO_WASM_SIMD, or use the aymara-eval command line.');`,
    'client-h2.js': `module.exports = function connectH2() { throw new Error('HTTP/2 was negotiated, but this client speaks HTTP/1.1 only.'); };`,
    'socks5-proxy-agent.js': `module.exports = class Socks5ProxyAgent { constructor() { throw new Error('SOCKS proxies are not supported; use an http:// or https:// proxy.'); } };`,
    'body.js': `module.exports = { extractBody() { throw new Error('A FormData request body reached the HTTP client; serialise it to bytes first.'); } };`,
    [PARSER_JS]: `module.exports = require('node:fs').readFileSync(require('node:path').join(__dirname, ${JSON.stringify(PARSER_WASM)}));`,
  };
  const filter =
    o.parsers === 'both' ? /(^|\/)(client-h2\.js|socks5-proxy-agent(\.js)?|web\/fetch\/body\.js)$/ : /(^|\/)(llhttp\/llhttp(_simd)?-wasm\.js|client-h2\.js|socks5-proxy-agent(\.js)?|web\/fetch\/body\.js)$/;
  return {
    name: 'undici-trim',
    setup(b) {
      b.onResolve({ filter }, (args) => {
        if (!/[\\/]node_modules[\\/]undici[\\/]/.test(args.importer)) return undefined;
        const file = args.path.split('/').pop() ?? '';
        return { path: file.endsWith('.js') ? file : `${file}.js`, namespace: 'undici-trim' };
      });
      b.onLoad({ filter: /.*/, namespace: 'undici-trim' }, (args) => ({ contents: stubs[args.path], loader: 'js' }));
    },
  };
}
const PARSER_JS = 'llhttp_simd-wasm.js';
const PARSER_WASM = 'llhttp_simd.wasm';
/** Writes undici's HTTP parser beside dist/undici.js as the binary its module holds in base64 (see undiciTrim). */
function writeParserWasm() {
  const bytes = createRequire(import.meta.url)(`undici/lib/llhttp/${PARSER_JS}`);
  if (!(bytes instanceof Uint8Array) || !WebAssembly.validate(bytes)) throw new Error(`undici/lib/llhttp/${PARSER_JS} no longer exports the parser's WebAssembly bytes`);
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist', PARSER_WASM), bytes);
}
const undiciUsed = new Set();
/** @param {string} outfile @returns {import('esbuild').BuildOptions} */
const undiciBundle = (outfile) => ({
  ...common,
  stdin: { contents: `module.exports = {${[...undiciUsed].map((u) => `${JSON.stringify(u)}: require(${JSON.stringify(u)})`).join(',')}};`, resolveDir: '.', loader: 'js' },
  outfile,
  plugins: [undiciTrim({ parsers: 'simd-file' })],
  metafile: true,
});

/**
 * Each external module the bundle imports (vscode, Node's built-ins) is required once: its
 * importers import a module of the bundle that re-exports it. Otherwise every importing module
 * has its own require() and its own copy of the exports (esbuild's interop for a CommonJS
 * module), and in the extension host each require('vscode') goes through VS Code's module
 * interceptors (with a realpath of the caller): some 40 of them while dist/extension.js loads.
 * @returns {import('esbuild').Plugin}
 */
function requireOnce() {
  return {
    name: 'require-once',
    setup(b) {
      b.onResolve({ filter: /^(vscode|node:.+)$/ }, (args) => (args.namespace === 'require-once' ? { path: args.path, external: true } : { path: args.path, namespace: 'require-once' }));
      b.onLoad({ filter: /.*/, namespace: 'require-once' }, (args) => ({ contents: `export * from ${JSON.stringify(args.path)};`, loader: 'js' }));
    },
  };
}

/**
 * The extension in two bundles. esbuild inlines `await import(...)` targets in a cjs bundle: they
 * are initialised on first use but V8 still reads and compiles them when VS Code loads the file.
 * So the extension is first built whole (not written), and from that build's module graph:
 *   - `eager`: the modules src/extension.ts reaches through static imports: dist/extension.js;
 *   - the rest: dist/lazy.js, whose entry exports each `lazy` module (one the eager part imports
 *     dynamically) through a getter, so each is still initialised only on first use;
 *   - `shared`: the eager modules that lazy ones import. They are not copied into dist/lazy.js:
 *     the extension hands its own instances to dist/lazy.js when it loads it, so every module
 *     exists once (one cache, one class for `instanceof`).
 * In dist/extension.js a dynamic import of a lazy module becomes
 * `require('lazy-apart:host').lazyModule(<i>)`, which loads dist/lazy.js on first use. Modules
 * are named by their paths as esbuild's metafile names them (relative to this folder) in the
 * plan and the metafile, and by their index in `lazy` or `shared` in the bundles.
 * @param {import('esbuild').Metafile} meta @param {string} entry
 */
export function planSplit(meta, entry) {
  const eager = new Set([entry]);
  const stack = [entry];
  while (stack.length) {
    for (const imp of meta.inputs[/** @type {string} */ (stack.pop())]?.imports ?? []) {
      if (imp.kind === 'dynamic-import' || imp.external || eager.has(imp.path)) continue;
      eager.add(imp.path);
      stack.push(imp.path);
    }
  }
  const lazy = new Set();
  const shared = new Set();
  for (const [file, input] of Object.entries(meta.inputs)) {
    for (const imp of input.imports) {
      if (imp.external || !(imp.path in meta.inputs)) continue;
      if (eager.has(file) && !eager.has(imp.path)) lazy.add(imp.path);
      else if (!eager.has(file) && eager.has(imp.path)) shared.add(imp.path);
    }
  }
  return { eager, lazy: [...lazy].sort(), shared: [...shared].sort() };
}

/** A resolve done from inside an onResolve callback, which that callback lets through. */
const RESOLVING = Symbol('resolving');
/**
 * The key of what `args` resolves to, when it is a file (else undefined).
 * @param {import('esbuild').PluginBuild} b @param {import('esbuild').OnResolveArgs} args
 */
async function keyOf(b, args) {
  const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, namespace: args.namespace, resolveDir: args.resolveDir, pluginData: RESOLVING });
  if (r.errors.length || r.external || r.namespace !== 'file') return undefined;
  return relative(process.cwd(), r.path).split('\\').join('/');
}

/**
 * dist/extension.js: lazy modules come from dist/lazy.js, loaded by the `host` module on first use.
 * @param {ReturnType<typeof planSplit>} plan @returns {import('esbuild').Plugin}
 */
function lazyApart(plan) {
  const host = [
    ...plan.shared.map((f, i) => `import * as m${i} from ${JSON.stringify(resolve(f))};`),
    'let lazy;',
    `export function lazyModule(i) { lazy ??= require('./lazy.js')([${plan.shared.map((_, i) => `m${i}`).join(', ')}]); return lazy[i]; }`,
  ].join('\n');
  return {
    name: 'lazy-apart',
    setup(b) {
      b.onResolve({ filter: /^lazy-apart:host$/ }, () => ({ path: 'host', namespace: 'lazy-apart' }));
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === RESOLVING) return undefined;
        const key = await keyOf(b, args);
        return key && plan.lazy.includes(key) ? { path: key, namespace: 'lazy-apart' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-apart' }, (args) =>
        args.path === 'host'
          ? { contents: host, loader: 'js', resolveDir: process.cwd() }
          : { contents: `module.exports = require('lazy-apart:host').lazyModule(${plan.lazy.indexOf(args.path)});`, loader: 'js' },
      );
    },
  };
}

/**
 * dist/lazy.js: its entry takes the extension's instances of the shared modules and returns the
 * lazy modules, each behind a getter; every import of a shared (eager) module reads the instance
 * handed over. An eager module that is not in the plan's shared list stops the build.
 * @param {ReturnType<typeof planSplit>} plan @returns {import('esbuild').Plugin}
 */
function fromExtension(plan) {
  return {
    name: 'from-extension',
    setup(b) {
      b.onResolve({ filter: /^from-extension:modules$/ }, () => ({ path: 'modules', namespace: 'from-extension' }));
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === RESOLVING) return undefined;
        const key = await keyOf(b, args);
        if (!key || !plan.eager.has(key)) return undefined;
        if (!plan.shared.includes(key)) return { errors: [{ text: `${key} is in dist/extension.js but the split did not plan to share it` }] };
        return { path: key, namespace: 'from-extension' };
      });
      b.onLoad({ filter: /.*/, namespace: 'from-extension' }, (args) => ({
        contents: args.path === 'modules'
          // The extension's namespace object, marked as an ES module (its getters, so live bindings stay live).
          ? 'module.exports = { of: undefined, get(i) { return Object.defineProperties({}, { __esModule: { value: true }, ...Object.getOwnPropertyDescriptors(this.of[i]) }); } };'
          : `module.exports = require('from-extension:modules').get(${plan.shared.indexOf(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

/**
 * The whole-graph build's end: plans the split from its metafile, builds dist/extension.js and
 * dist/lazy.js, and reports their metafile (and any error) as the build's.
 * @returns {import('esbuild').Plugin}
 */
function splitLazy() {
  return {
    name: 'split-lazy',
    setup(b) {
      const { plugins: _plugins, write: _write, ...options } = b.initialOptions;
      b.onEnd(async (result) => {
        if (result.errors.length || !result.metafile) return;
        const plan = planSplit(result.metafile, 'src/extension.ts');
        const outdir = /** @type {string} */ (options.outdir);
        const entry = [
          "const modules = require('from-extension:modules');",
          `module.exports = (shared) => { modules.of = shared; return { ${plan.lazy.map((f, i) => `get ${i}() { return require(${JSON.stringify(resolve(f))}); }`).join(', ')} }; };`,
        ].join('\n');
        try {
          const built = await Promise.all([
            esbuild.build({ ...options, external: [...(options.external ?? []), './lazy.js'], plugins: [undiciApart(undiciUsed), requireOnce(), lazyApart(plan)] }),
            esbuild.build({ ...common, logLevel: options.logLevel, stdin: { contents: entry, resolveDir: '.', loader: 'js', sourcefile: 'lazy-entry.js' }, outfile: join(outdir, 'lazy.js'), external: ['vscode', './undici.js'], plugins: [undiciApart(undiciUsed), requireOnce(), fromExtension(plan)], metafile: true }),
          ]);
          result.metafile = { inputs: {}, outputs: {} };
          for (const r of built) {
            result.warnings.push(...r.warnings);
            Object.assign(result.metafile.inputs, r.metafile?.inputs);
            Object.assign(result.metafile.outputs, r.metafile?.outputs);
          }
        } catch (e) {
          result.errors.push(...(/** @type {{ errors?: import('esbuild').Message[] }} */ (e).errors ?? [{ id: '', pluginName: 'split-lazy', text: String(e), location: null, notes: [], detail: undefined }]));
        }
      });
    },
  };
}

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  // Written in two bundles by splitLazy (when this whole-graph build ends); not written itself.
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: join(root, 'dist'), external: ['vscode', './undici.js'], plugins: [undiciApart(undiciUsed), splitLazy()], metafile: true, write: false },
  { ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: join(root, 'dist'), banner: { js: '#!/usr/bin/env node' }, plugins: [undiciTrim({ parsers: 'both' })], metafile: true },
  { ...common, entryPoints: { server: 'src/server/main.ts' }, outdir: join(root, 'dist'), metafile: true },
];

// Each media/*.ts is a webview script; its modules live in subfolders (media/explanations/) and are bundled into it.
// Each media/*.css is a page's style sheet, minified beside the scripts in production like them.
const webviewEntries = readdirSync('media').filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.css')).map((f) => join('media', f));
/** @type {import('esbuild').BuildOptions | undefined} */
const webviewBuild = webviewEntries.length
  ? { ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: webviewEntries, outdir: join(root, 'media', 'dist'), metafile: true }
  : undefined;
if (webviewBuild) builds.push(webviewBuild);

/**
 * The builds of bundles .vscodeignore ships, by name: the extension (dist/extension.js and
 * dist/lazy.js, one build) and the webview scripts and styles; dist/undici.js, built on its own
 * (undiciBundle), is 'undici' in shippedInputs. The command line, the server and the tests ship nowhere.
 * @type {Map<import('esbuild').BuildOptions, string>}
 */
const shipped = new Map([[builds[0], 'extension']]);
if (webviewBuild) shipped.set(webviewBuild, 'webview');
/** @type {Map<string, string[]>} each shipped bundle's inputs from its latest build, by name (see shipped; 'undici') */
const shippedInputs = new Map();
/**
 * The inputs whose code is in some output of a build (its metafile's inputs include modules
 * tree-shaking dropped entirely).
 * @param {import('esbuild').Metafile | undefined} meta
 */
const bundledInputs = (meta) => [...new Set(Object.values(meta?.outputs ?? {}).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([f]) => f)))];
/**
 * Writes ThirdPartyNotices.txt (beside package.json, or under --outdir) from the inputs of every
 * shipped bundle once each has been built, and again when what it would say changes: the npm
 * packages they hold, each with its licence (scripts/thirdPartyNotices.mjs). Throws, naming the
 * package, when one has no licence file and no license field.
 * @param {number} expected how many shipped bundles there are
 */
function writeNotices(expected) {
  if (shippedInputs.size < expected) return;
  const text = thirdPartyNotices([...shippedInputs.values()].flat(), {
    covers: `the ${packageName} ${version} extension package (.vsix): dist/extension.js, dist/lazy.js, dist/undici.js with dist/${PARSER_WASM}, and media/dist/ (the command line, dist/cli.js, is not part of it)`,
  });
  const file = join(root, 'ThirdPartyNotices.txt');
  let old;
  try { old = readFileSync(file, 'utf8'); } catch { old = undefined; }
  if (text !== old) writeFileSync(file, text);
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
  /** @type {string | undefined} */
  let built;
  return {
    name: 'undici-follows',
    setup(b) {
      b.onEnd(async (result) => {
        const key = [...undiciUsed].sort().join('\n');
        if (result.errors.length || key === built) return;
        const r = await esbuild.build({ ...undiciBundle(outfile), logLevel: 'silent' }).catch((e) => ({ errors: e.errors ?? [{ text: String(e) }] }));
        if (r.errors.length) result.errors.push(...r.errors);
        else {
          built = key;
          if ('metafile' in r && r.metafile) shippedInputs.set('undici', bundledInputs(r.metafile));
        }
      });
    },
  };
}

/**
 * Watch mode: a shipped bundle's build records its inputs and rewrites ThirdPartyNotices.txt when
 * they change what it says (after undiciFollows, for the extension's build).
 * @param {string} bundle its name in shippedInputs @param {number} expected see writeNotices
 * @returns {import('esbuild').Plugin}
 */
function noticesFollow(bundle, expected) {
  return {
    name: 'notices-follow',
    setup(b) {
      b.onEnd((result) => {
        if (result.errors.length || !result.metafile) return;
        shippedInputs.set(bundle, bundledInputs(result.metafile));
        try {
          writeNotices(expected);
        } catch (e) {
          result.errors.push({ id: '', pluginName: 'notices-follow', text: e instanceof Error ? e.message : String(e), location: null, notes: [], detail: undefined });
        }
      });
    },
  };
}

writeParserWasm();
const shippedPresent = present.filter((b) => shipped.has(b));
// The shipped bundles that are present, and dist/undici.js when the extension is among them.
const expectedInputs = shippedPresent.length + (shippedPresent.includes(builds[0]) ? 1 : 0);
if (watch) {
  const report = watchReport(present.length);
  for (const b of present) {
    const extra = b === builds[0] ? [undiciFollows(join(root, 'dist', 'undici.js'))] : [];
    const bundle = shipped.get(b);
    if (bundle) extra.push(noticesFollow(bundle, expectedInputs));
    await (await esbuild.context({ ...b, logLevel: 'silent', plugins: [...(b.plugins ?? []), ...extra, report()] })).watch();
  }
  console.log('watching for changes…');
} else {
  const results = await Promise.all(present.map((b) => esbuild.build(b)));
  results.push(await esbuild.build(undiciBundle(join(root, 'dist', 'undici.js'))));
  present.forEach((b, i) => {
    const bundle = shipped.get(b);
    if (bundle) shippedInputs.set(bundle, bundledInputs(results[i]?.metafile));
  });
  if (shippedPresent.includes(builds[0])) shippedInputs.set('undici', bundledInputs(results[results.length - 1]?.metafile));
  writeNotices(expectedInputs);
  if (metafilePath) {
    const meta = { inputs: {}, outputs: {} };
    for (const r of results) {
      Object.assign(meta.inputs, r.metafile?.inputs);
      Object.assign(meta.outputs, r.metafile?.outputs);
    }
    writeFileSync(metafilePath, JSON.stringify(meta));
  }
}
