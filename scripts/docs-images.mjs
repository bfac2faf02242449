#!/usr/bin/env node
// Refreshes the README's pictures (docs/images/*) by running the browser walk that takes them
// (test/e2e/pictures.test.ts) at a fixed window size and theme. Linux with the test host
// installed (npm run setup:host). Usage: npm run docs:images
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (args, env = {}) => {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run([join(root, 'esbuild.mjs')]);
run([join(root, 'test', 'harness', 'runE2E.mjs'), '--grep', 'README pictures'], { AYMARA_PICTURES_DIR: join(root, 'docs', 'images') });
console.log('docs/images/: hero.png, problems.png, tree.png, explanations.png, walkthrough.gif');
