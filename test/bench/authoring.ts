/**
 * Test Explorer publishing of a 10,000-result run (vs JSON.parse of its reply, in the same
 * extension host) and the prompt completion list for a 10,000-prompt eval, both measured inside
 * the real extension host (see authoring/authoring.test.ts) against the local server in its own
 * process.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_API_KEY } from '../../src/server';
import type * as HostLib from '../harness/host.mjs';
import type { AuthoringResult } from './authoring/authoring.test';
import { runSuiteInHost } from './lib/hostSuite';
import { boundRow, failedRow, log, median, ratioRow, type Row } from './lib/measure';
import { startServerChild } from './lib/serverChild';

const COMPLETION_TARGET_MS = 50;

export async function benchAuthoring(repoRoot: string, extensionDir: string, file10k: string, details: Record<string, unknown>): Promise<Row[]> {
  const host = (await import(pathToFileURL(join(repoRoot, 'test', 'harness', 'host.mjs')).href)) as typeof HostLib;
  const tmp = mkdtempSync(join(tmpdir(), 'aymara-bench-authoring-'));
  const server = await startServerChild(repoRoot);
  try {
    const workspace = join(tmp, 'workspace');
    mkdirSync(workspace);
    const outFile = join(tmp, 'authoring.json');
    await runSuiteInHost(host, {
      label: 'bench Test Explorer and completion',
      extensionDir,
      testsModule: join(repoRoot, 'out', 'test', 'bench', 'authoring', 'index.js'),
      workspace,
      env: { AYMARA_BENCH_AUTHORING_OUT: outFile, AYMARA_BENCH_AUTHORING_SERVER: server.url, AYMARA_BENCH_AUTHORING_FILE: file10k, AYMARA_AI_API_KEY: DEFAULT_API_KEY },
      timeoutMs: 600_000,
    });
    if (!existsSync(outFile)) return [failedRow('testExplorer.publish.10k', 'Test Explorer: 10,000 results published', 'ms', 'ratio ≤ 1.0', 'the suite wrote no results')];
    const r = JSON.parse(readFileSync(outFile, 'utf8')) as AuthoringResult;
    details.authoring = r;
    const publish = median(r.publishMs);
    const parse = median(r.parseMs);
    const completion = median(r.completionMs);
    log(`  Test Explorer: ${r.results} results published in ${publish.toFixed(1)} ms (items built in ${median(r.buildMs).toFixed(1)} ms; JSON.parse of the ${(r.replyBytes / 1e6).toFixed(1)} MB reply: ${parse.toFixed(1)} ms); completion of ${r.completionItems} prompts in ${completion.toFixed(1)} ms`);
    return [
      ratioRow('testExplorer.publish.10k', 'Test Explorer: items built and 10,000 results published as a TestRun, real extension host (vs JSON.parse of the run\'s reply there)', publish, parse, 'ms', { max: 1.0 }),
      boundRow('completion.10kPrompts', 'prompt_uuid completion list, 10,000 cached prompts, real extension host (median of 7)', completion, 'ms', { max: COMPLETION_TARGET_MS }),
    ];
  } finally {
    await server.stop();
    await host.stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
}
