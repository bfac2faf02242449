// The text of ThirdPartyNotices.txt: the npm packages whose code a set of bundles holds, each with
// its version, its `license` field and the full text of its licence file(s). esbuild.mjs passes
// the input paths of the shipped bundles' metafiles (the bundles are minified with legalComments
// 'none', so ThirdPartyNotices.txt is where the packages' notices travel with them).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const RULE = '='.repeat(80);
const THIN = '-'.repeat(80);
const LICENCE_FILE = /^(licen[cs]e|copying)([.-][^/]*)?$/i;
/** Code or data named like a licence file (a license.js module), never read as one. */
const NOT_TEXT = /\.([cm]?[jt]sx?|json|map|wasm|node)$/i;

/**
 * The folder of the package that `input` (a metafile input path, relative to `cwd`) is in, and
 * the package's name as its path spells it; undefined for a file of no package (ours) or a
 * module of a plugin's namespace (`undici-trim:body.js`, `lazy-apart:host`: its code is ours).
 * Nested node_modules: the innermost package. `within`: the input's folder inside the package
 * ('' at its top, else e.g. 'lib/web/fetch').
 * @param {string} input @param {string} cwd
 * @returns {{ dir: string, name: string, within: string } | undefined}
 */
export function packageOf(input, cwd) {
  const path = input.split('\\').join('/');
  if (/^[a-z][\w-]+:/i.test(path)) return undefined;
  const found = [...path.matchAll(/(?<![^/])node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].pop();
  if (!found?.[1]) return undefined;
  const end = (found.index ?? 0) + found[0].length;
  const within = dirname(path.slice(end));
  return { dir: resolve(cwd, path.slice(0, end - 1)), name: found[1], within: within === '.' ? '' : within };
}

/** `text` as lines of at most 80 characters (a longer word stays whole). @param {string} text */
function wrap(text) {
  const lines = [''];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines.length - 1;
    if (!lines[last]) lines[last] = word;
    else if (lines[last].length + 1 + word.length <= 80) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** @param {string} text */
const tidy = (text) => text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').trim();

/**
 * A package's `license` field as text ('' when it has none): a string, an object's `type`, or
 * the types of the old `licenses` array joined with OR.
 * @param {Record<string, unknown>} pkg
 */
function licenseField(pkg) {
  /** @param {unknown} l */
  const one = (l) => (typeof l === 'string' ? l : l && typeof l === 'object' && 'type' in l && typeof l.type === 'string' ? l.type : '');
  if (pkg.license !== undefined) return one(pkg.license).trim();
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map(one).filter(Boolean).join(' OR ');
  return '';
}

/**
 * The package's licence files: LICENSE, LICENCE or COPYING in any case, with any extension
 * (LICENSE.md, LICENSE-MIT, COPYING.txt), at its top and in each folder between it and a bundled
 * file (code a package took from elsewhere, such as undici's lib/web/fetch/LICENSE), and the file
 * a `SEE LICENSE IN <file>` field names. Paths relative to the package's folder.
 * @param {string} dir @param {Set<string>} within folders of bundled files in it @param {string} license
 * @returns {{ file: string, text: string }[]}
 */
function licenceFiles(dir, within, license) {
  const folders = new Set(['']);
  for (let w of within) {
    for (; w && w !== '.'; w = dirname(w)) folders.add(w);
  }
  /** @param {string} f */
  const isFile = (f) => existsSync(join(dir, f)) && statSync(join(dir, f)).isFile();
  const names = new Set();
  for (const folder of folders) {
    let entries;
    try { entries = readdirSync(join(dir, folder)); } catch { continue; }
    for (const f of entries) if (LICENCE_FILE.test(f) && !NOT_TEXT.test(f) && isFile(join(folder, f))) names.add(folder ? `${folder}/${f}` : f);
  }
  const named = /^SEE LICEN[CS]E IN (.+)$/i.exec(license)?.[1]?.trim();
  if (named && isFile(named)) names.add(named.split('\\').join('/').replace(/^\.\//, ''));
  return [...names].map((file) => ({ file, text: tidy(readFileSync(join(dir, file), 'utf8')) }));
}

/** @param {string} a @param {string} b */
const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
/**
 * Licence files in order: the package's own first (at its top), then deeper ones, by path.
 * @param {{ file: string }} a @param {{ file: string }} b
 */
const byDepthThenPath = (a, b) => a.file.split('/').length - b.file.split('/').length || compare(a.file, b.file);

/**
 * ThirdPartyNotices.txt for the bundles whose metafile inputs are `inputs` (paths as esbuild's
 * metafile names them, relative to `cwd`): every package some input lies in, once per name and
 * version, sorted by name; no dates, so the same inputs give the same bytes. Throws, naming the
 * package, when one has neither a licence file nor a `license` field.
 * @param {Iterable<string>} inputs
 * @param {{ cwd?: string, covers?: string }} [options] `covers`: what the bundles are, for the header
 * @returns {string}
 */
export function thirdPartyNotices(inputs, { cwd = process.cwd(), covers = 'the extension package' } = {}) {
  /** @type {Map<string, { name: string, within: Set<string> }>} */
  const dirs = new Map();
  for (const input of inputs) {
    const p = packageOf(input, cwd);
    if (!p) continue;
    const seen = dirs.get(p.dir) ?? { name: p.name, within: new Set() };
    seen.within.add(p.within);
    dirs.set(p.dir, seen);
  }
  /** @type {Map<string, { name: string, version: string, license: string, files: { file: string, text: string }[] }>} */
  const packages = new Map();
  for (const [dir, { name: pathName, within }] of dirs) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) throw new Error(`Third-party notices: ${pathName} (${dir}) has no package.json`);
    const pkg = /** @type {Record<string, unknown>} */ (JSON.parse(readFileSync(manifest, 'utf8')));
    const name = typeof pkg.name === 'string' && pkg.name ? pkg.name : pathName;
    const version = typeof pkg.version === 'string' ? pkg.version : '(no version)';
    const license = licenseField(pkg);
    const files = licenceFiles(dir, within, license);
    if (!files.length && !license) throw new Error(`Third-party notices: the package ${name}@${version} (${dir}) has no licence file and no license field in its package.json; it cannot be shipped without knowing its licence.`);
    // The same package reached by two paths (a link and its target): one entry, with the licence files of both.
    const same = packages.get(`${name}@${version}`);
    if (same) files.push(...same.files.filter((f) => !files.some((g) => g.file === f.file)));
    packages.set(`${name}@${version}`, { name, version, license, files: files.sort(byDepthThenPath) });
  }
  const sorted = [...packages.values()].sort((a, b) => compare(a.name, b.name) || compare(a.version, b.version));

  const out = [
    'THIRD-PARTY SOFTWARE NOTICES',
    '',
    ...wrap(`This file covers ${covers}. That package includes code from the npm packages below, bundled and minified into its files. Each is listed with its version, the license its package.json declares and the full text of its licence file.`),
    '',
    ...wrap('This file is generated when the extension is built, from the inputs of the bundles that are shipped; do not edit it.'),
    '',
    `Packages (${sorted.length}):`,
    ...sorted.map((p) => `  ${p.name} ${p.version} (${p.license || 'no license field'})`),
  ];
  for (const p of sorted) {
    out.push('', RULE, `${p.name} ${p.version}`, `License: ${p.license || '(no license field in its package.json)'}`, RULE, '');
    if (!p.files.length) out.push(`This package has no licence file; its package.json declares the license "${p.license}".`);
    p.files.forEach(({ file, text }, i) => {
      if (i > 0) out.push('', THIN, '');
      if (p.files.length > 1) out.push(`${file}:`, '');
      out.push(text);
    });
  }
  return `${out.join('\n')}\n`;
}
