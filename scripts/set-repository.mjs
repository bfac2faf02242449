#!/usr/bin/env node
// One place for a fork to say where it lives: writes package.json's repository, bugs and
// homepage from one GitHub-style URL. Usage: npm run set-repository -- https://github.com/OWNER/NAME
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = process.argv[2];
const m = arg && /^https:\/\/([^/\s]+)\/([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(arg);
if (!m) {
  console.error('Usage: npm run set-repository -- https://github.com/OWNER/NAME');
  process.exit(2);
}
const web = `https://${m[1]}/${m[2]}/${m[3]}`;
const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8'));
pkg.repository = { type: 'git', url: `${web}.git` };
pkg.bugs = { url: `${web}/issues` };
pkg.homepage = `${web}#readme`;
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
console.log(`package.json: repository, bugs and homepage now point at ${web}`);
