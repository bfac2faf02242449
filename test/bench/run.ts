/**
 * `npm run bench`: performance figures against their targets (see the issue's list).
 *
 * Prints a table (name | value | unit | baseline | ratio | target | met) and writes the same rows
 * to .bench/results.json as an array of {id, name, value, unit, baseline, ratio, target, met}
 * (id: a stable key such as parse.10k or memory.peak; names carry run-specific details);
 * .bench/details.json holds every sample and breakdown, .bench/environment.json the machine.
 * ratio is always value ÷ baseline, with the baseline measured in the same run, interleaved with
 * the measured code, because these machines are shared and noisy. Exits 0 even when a target is
 * missed; missed targets are listed at the end.
 *
 * Usage: npm run bench [-- section ...]   sections: parse views compare fetch memory store bundle webview activation scoreui
 * Env: AYMARA_BENCH_ACTIVATION_RUNS (default 5); AYMARA_BENCH_SCOREUI_100K=1 adds the 100,000-entry
 * file to the scoreui section (it takes over 10 minutes today); AYMARA_BENCH_SCOREUI_PROFILE=PATH writes
 * a CPU profile of the extension host per file (PATH-0.cpuprofile, ...).
 */
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AymaraClient } from '../../src/core/client';
import { parseResponsesFile, toScoreRequest } from '../../src/core/responsesFile';
import type { PromptText } from '../../src/core/report/webviewModel';
import { matchResults } from '../../src/core/scoring';
import { EvalRunResult } from '../../src/core/schemas';
import { bundledSeed, DEFAULT_API_KEY, LOAD_TEST_EVAL_UUID, loadTestPromptUuid, startServer } from '../../src/server';
import { benchActivation } from './activation';
import { benchAuthoring } from './authoring';
import { benchCompare } from './compare';
import { buildProduction, type ProductionBuild } from './bundle';
import { benchFetch, benchFetchInProcess } from './fetch';
import { generateResponsesFile } from './lib/generate';
import { failedRow, formatTable, hasGc, log, writeJson, type Row } from './lib/measure';
import { startServerChild } from './lib/serverChild';
import { benchMemory } from './memory';
import { benchParse } from './parse';
import { benchScoreUi } from './scoreUi';
import { benchStore } from './store';
import { benchViews, webviewModel, type ViewsInput } from './views';
import { benchWebview } from './webview';

const SECTIONS = ['parse', 'views', 'compare', 'fetch', 'memory', 'store', 'bundle', 'webview', 'activation', 'scoreui', 'authoring'] as const;
type Section = (typeof SECTIONS)[number];

function findRepoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'aymara-eval-scoring') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the repository root above ${__dirname}`);
    dir = up;
  }
}

const LATENCY_MS = 20;
const PAGE_SIZE = 100;
const PAGE_CONCURRENCY = 6;

async function main(): Promise<void> {
  const started = performance.now();
  const repoRoot = findRepoRoot();
  const benchDir = join(repoRoot, '.bench');
  mkdirSync(benchDir, { recursive: true });
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !(SECTIONS as readonly string[]).includes(w));
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  const on = (s: Section) => !wanted.length || wanted.includes(s);

  const environment = {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 1e9),
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    exposeGc: hasGc,
    date: new Date().toISOString(),
  };
  log(`Node ${environment.node} (V8 ${environment.v8}), ${environment.platform}, ${environment.cores} × ${environment.cpu}, load ${environment.loadAverageAtStart.join(' ')}`);
  if (!hasGc) log('warning: run with --expose-gc (npm run bench does) for collected heaps between samples and for the memory figures');

  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  /** Runs one section; if it throws, its main figure (`id`) is reported as not measured. */
  const section = async (name: string, id: string, fn: () => Promise<Row[]> | Row[], target = '–'): Promise<void> => {
    const t = performance.now();
    log(`${name}…`);
    try {
      rows.push(...(await fn()));
    } catch (e) {
      rows.push(failedRow(id, name, '–', target, e instanceof Error ? e.message : String(e)));
      log(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    log(`${name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };

  // ---- inputs: deterministic, realistic files
  const tGen = performance.now();
  const small = generateResponsesFile(10_000);
  const path10k = join(benchDir, 'responses-10k.json');
  writeFileSync(path10k, small.text);
  let large: string | undefined;
  const path100k = join(benchDir, 'responses-100k.json');
  if (on('parse') || on('memory') || (on('scoreui') && !!process.env.AYMARA_BENCH_SCOREUI_100K)) {
    large = generateResponsesFile(100_000).text;
    writeFileSync(path100k, large);
  }
  log(`generated 10,000 entries (${(Buffer.byteLength(small.text) / 1e6).toFixed(1)} MB)${large ? ` and 100,000 (${(Buffer.byteLength(large) / 1e6).toFixed(1)} MB)` : ''} in ${((performance.now() - tGen) / 1000).toFixed(1)} s`);

  // ---- read, locate and validate
  if (on('parse')) {
    await section('parse', 'parse.10k', () =>
      benchParse(
        [
          { id: 'parse.10k', label: '10,000 entries', text: small.text, entries: 10_000, warmup: 3, reps: 9, maxRatio: 1.4 },
          { id: 'parse.100k', label: '100,000 entries', text: large!, entries: 100_000, warmup: 1, reps: 3 },
        ],
        details,
      ), 'ratio ≤ 1.4');
  }
  large = undefined;

  // ---- views and paging. The local server runs in a child process with +20 ms on every
  // request, like a remote server: in this process its CPU time would be the client's, and it
  // would only start a request's 20 ms after the client's work in progress (one event loop),
  // which no real deployment does. The in-process figure is reported beside it.
  let viewsInput: ViewsInput | undefined;
  if (on('views') || on('compare') || on('fetch') || on('webview')) {
    let child: Awaited<ReturnType<typeof startServerChild>> | undefined;
    try {
      child = await startServerChild(repoRoot, ['--latency', String(LATENCY_MS)]);
      const file = parseResponsesFile(small.text, { fileName: path10k });
      const request = toScoreRequest(file);
      const res = await fetch(`${child.url}/v2/eval-runs/-/score-responses`, {
        method: 'POST',
        headers: { 'x-api-key': DEFAULT_API_KEY, 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      const replyText = await res.text();
      if (!res.ok) throw new Error(`scoring the 10,000-entry file failed: HTTP ${res.status} ${replyText.slice(0, 300)}`);
      const run = EvalRunResult.parse(JSON.parse(replyText));
      const result = matchResults(run, run.responses ?? [], file.entries);
      // The prompt cache holds every prompt of the eval, as the extension's does after scoring.
      const g = bundledSeed().evals.find((e) => e.eval_uuid === LOAD_TEST_EVAL_UUID)?.generated_prompts;
      if (!g) throw new Error('the seed has no Load Test Eval');
      const prompts: Record<string, PromptText> = {};
      for (let n = 1; n <= g.count; n++) prompts[loadTestPromptUuid(n)] = { content: g.content.replaceAll('{n}', String(n)), category: g.category ?? null };
      viewsInput = { replyText, run, entries: file.entries, result, prompts, fileUri: `file://${path10k}`, fileName: 'responses-10k.json' };
      log(`scored 10,000 responses: ${JSON.stringify(result.counts)}; reply ${(Buffer.byteLength(replyText) / 1e6).toFixed(1)} MB`);
      if (on('views')) await section('views', 'views.10k', () => benchViews(viewsInput!, details), 'ratio ≤ 1.0');
      if (on('compare')) await section('compare', 'compare.10k', () => benchCompare(viewsInput!, details), 'ratio ≤ 1.0');
      if (on('fetch')) {
        const fetchInput = { apiKey: DEFAULT_API_KEY, expected: 10_000, latencyMs: LATENCY_MS, pageSize: PAGE_SIZE, concurrency: PAGE_CONCURRENCY };
        await section('fetch', 'paging.floor', () => benchFetch({ ...fetchInput, baseUrl: child!.url, runUuid: run.eval_run_uuid }, details), 'ratio ≤ 0.25 and ≤ 1.3 × floor');
        await section('fetch (server in this process)', 'paging.floor.inProcess', async () => {
          const server = await startServer({ port: 0, latencyMs: LATENCY_MS });
          try {
            const r = await new AymaraClient({ baseUrl: server.url, apiKey: DEFAULT_API_KEY }).scoreResponses(request);
            return await benchFetchInProcess({ ...fetchInput, baseUrl: server.url, runUuid: r.eval_run_uuid }, details);
          } finally {
            await server.close();
          }
        });
      }
    } catch (e) {
      rows.push(failedRow('views.10k', 'views and fetch', '–', '–', e instanceof Error ? e.message : String(e)));
      log(`views/fetch setup failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } finally {
      await child?.stop();
    }
  }

  // ---- memory: the server in a child process so that its heap is not counted
  if (on('memory')) {
    await section('memory', 'memory.peak', async () => {
      const child = await startServerChild(repoRoot);
      try {
        return await benchMemory(path100k, child.url, DEFAULT_API_KEY, 100_000, details);
      } finally {
        await child.stop();
      }
    }, 'ratio ≤ 3');
  }

  // ---- reopening the run store (its logic in this process, a real storage folder)
  if (on('store')) await section('store', 'store.reopen.20x10k', () => benchStore(details), '≤ 5 ms');

  // ---- production build: sizes; then the webview and activation run on it
  const tmp = mkdtempSync(join(tmpdir(), 'aymara-bench-'));
  let prod: ProductionBuild | undefined;
  try {
    // The copies' manifests drop onStartupFinished so that the activation suite decides when the
    // extension activates (after its I/O probes are in place); the code is the same.
    const noStartup = (pj: Record<string, unknown>) => {
      pj.activationEvents = (pj.activationEvents as string[]).filter((e) => e !== 'onStartupFinished');
    };
    if (on('bundle') || on('webview') || on('activation') || on('scoreui') || on('authoring')) {
      await section('bundle', 'bundle.packaged', async () => {
        prod = buildProduction(repoRoot, join(tmp, 'extension'), details, noStartup);
        return on('bundle') ? prod.rows : [];
      }, '< 800 kB');
    }
    if (on('webview') && viewsInput && prod) {
      const model = webviewModel(viewsInput);
      await section('webview', 'webview.firstCard.10k', () => benchWebview(repoRoot, join(prod!.dir, 'media', 'dist', 'explanations.js'), join(prod!.dir, 'media', 'dist', 'explanations.css'), model, details));
    }
    if (on('activation') && prod) {
      const runs = Math.max(1, Number(process.env.AYMARA_BENCH_ACTIVATION_RUNS || 5));
      await section('activation', 'activation.wall', () => benchActivation(repoRoot, prod!.dir, runs, details), '≤ 30 ms');
    }
    if (on('scoreui') && prod) {
      await section('scoreui', 'ui.scoreToDiagnostics.10k', () => benchScoreUi(repoRoot, prod!.dir, process.env.AYMARA_BENCH_SCOREUI_100K ? [path10k, path100k] : [path10k], details), '≤ 1500 ms');
    }
    if (on('authoring') && prod) {
      await section('authoring', 'testExplorer.publish.10k', () => benchAuthoring(repoRoot, prod!.dir, path10k, details), 'ratio ≤ 1.0');
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  // ---- report
  const seconds = (performance.now() - started) / 1000;
  const ids = rows.map((r) => r.id);
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length) throw new Error(`rows share an id (ids must name one figure each): ${[...new Set(twice)].join(', ')}`);
  console.log('');
  console.log(formatTable(rows));
  console.log('');
  const resultsPath = writeJson(benchDir, 'results.json', rows);
  writeJson(benchDir, 'details.json', details);
  writeJson(benchDir, 'environment.json', { ...environment, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100), seconds: Math.round(seconds) });
  const missed = rows.filter((r) => r.met === false);
  const checked = rows.filter((r) => r.met !== null).length;
  if (missed.length) {
    console.log(`MISSED ${missed.length} of ${checked} targets:`);
    for (const r of missed) console.log(`  - ${r.id} (${r.name.trim()}): ${r.value} ${r.unit}${r.ratio !== null ? ` (ratio ${r.ratio})` : ''}, target ${r.target}`);
  } else {
    console.log(`All ${checked} targets met.`);
  }
  const end = loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`ratio = value ÷ baseline, both measured in this run. Load average at the start ${environment.loadAverageAtStart.join(' ')}, at the end ${end} (${environment.cores} cores).`);
  console.log(`Results: ${resultsPath.slice(repoRoot.length + 1)} (${rows.length} rows); ${seconds.toFixed(0)} s; Node ${process.version}.`);
}

main()
  .then(() => process.exit(0))
  .catch((e: unknown) => {
    console.error(`[bench] ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    // A broken benchmark is a bug, not a missed target.
    process.exit(1);
  });
