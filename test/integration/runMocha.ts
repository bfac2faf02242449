/**
 * Runs mocha inside the real VS Code extension host. A suite's index.ts is only:
 *
 *   import { runMochaIn } from '../runMocha';
 *   export function run(): Promise<void> { return runMochaIn(__dirname); }
 *
 * It loads every `*.test.js` under that folder (bdd: describe/it), prints the spec reporter's
 * output (the harness forwards it from the browser to its stdout), and resolves only when no
 * test failed. A `.only` left in a test fails the run (forbidOnly). AYMARA_TEST_GREP (set in the
 * environment of the harness) filters tests by title.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface RunMochaOptions {
  /** per-test timeout in ms (default 30 s, mocha's 2 s is too short for a real host) */
  timeout?: number;
  /** only tests whose full title matches */
  grep?: string | RegExp;
}

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(full));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(full);
  }
  return found.sort();
}

export function runMochaIn(dir: string, options: RunMochaOptions = {}): Promise<void> {
  const grep = options.grep ?? process.env.AYMARA_TEST_GREP;
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: options.timeout ?? 30_000,
    // A stray .only would quietly skip every other test of the suite: fail the run instead.
    forbidOnly: true,
    ...(grep ? { grep } : {}),
  });
  const files = findTests(dir);
  if (files.length === 0) return Promise.reject(new Error(`No *.test.js files under ${dir}: did the build run?`));
  for (const f of files) mocha.addFile(f);
  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else if (runner.total === 0) reject(new Error(`No tests ran in ${dir}${grep ? ` (grep: ${String(grep)})` : ''}`));
        else resolve();
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
