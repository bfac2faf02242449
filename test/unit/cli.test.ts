/**
 * The built CLI (`node dist/cli.js`, from `npm run build`) as a user or CI job runs it: spawned as a
 * child process against the local Aymara-compatible server running in this process.
 * Covers usage, key and base-URL handling, every report format on fixtures with known verdicts
 * (positions computed here from the fixture text), exit codes, --output, API faults and Ctrl+C.
 * No run may ever print the API key it was given.
 */
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as jsonc from 'jsonc-parser';
import { ACCURACY_EVAL_UUID, DEMO_EVAL_UUID, DEMO_PROMPTS, startServer, type Fault, type LocalServer } from '../../src/server';
import { CLI, KEY, ROOT, cli } from './cliRun';
import { sarifSchemaErrors } from './sarifSchema';

const SCORE = 'POST /v2/eval-runs/-/score-responses';
const GET_RUN = 'GET /v2/eval-runs/{id}';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

async function waitFor(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

// ------------------------------------------------------------------ fixtures and expected positions

type Verdict = 'passed' | 'failed' | 'refused' | 'excluded' | 'errored';

interface Fixture {
  /** Relative to the repository root, which is the CLI's working directory, so it is also the label. */
  file: string;
  form: 'body' | 'array' | 'jsonl';
  args: string[];
  verdicts: Verdict[];
}

const F = {
  body: { file: 'test/fixtures/responses/demo-body.json', form: 'body', args: [], verdicts: ['passed', 'failed', 'passed', 'failed', 'passed', 'refused', 'excluded', 'failed'] },
  array: { file: 'test/fixtures/responses/demo-array.json', form: 'array', args: ['--eval', DEMO_EVAL_UUID], verdicts: ['passed', 'passed', 'failed', 'passed', 'failed', 'passed', 'passed', 'failed'] },
  jsonl: { file: 'test/fixtures/responses/demo.jsonl', form: 'jsonl', args: ['--eval', DEMO_EVAL_UUID], verdicts: ['failed', 'passed', 'passed', 'refused', 'passed', 'failed', 'passed', 'excluded'] },
  accuracy: { file: 'test/fixtures/responses/accuracy.json', form: 'body', args: [], verdicts: ['passed', 'failed', 'passed', 'passed', 'failed', 'passed', 'failed', 'failed', 'refused', 'passed'] },
  allPass: { file: 'test/fixtures/responses/all-pass.json', form: 'body', args: [], verdicts: ['passed', 'passed', 'refused', 'passed', 'excluded'] },
  /** CRLF line ends, astral characters before entries, two entries on one line, a tab before one. */
  positions: { file: 'test/fixtures/responses/positions.json', form: 'body', args: [], verdicts: ['passed', 'failed', 'passed'] },
} satisfies Record<string, Fixture>;

interface Located {
  prompt_uuid: string;
  offset: number;
  length: number;
  line: number;
  column: number;
  pointer: string;
}

/** 1-based line and UTF-16 column of an offset, with CRLF, LF and lone CR line ends (as editors count them). */
function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Where each response object starts in the fixture, found with jsonc-parser (not the code under test). */
function locate(fx: Fixture): Located[] {
  const text = readFileSync(join(ROOT, fx.file), 'utf8');
  if (fx.form === 'jsonl') {
    const out: Located[] = [];
    let at = 0;
    text.split(/(?<=\r\n|\n|\r(?!\n))/).forEach((raw, li) => {
      const line = raw.replace(/[\r\n]+$/, '');
      const lead = line.length - line.trimStart().length;
      if (line.trim()) {
        const obj = JSON.parse(line) as { prompt_uuid: string };
        out.push({ prompt_uuid: obj.prompt_uuid, offset: at + lead, length: line.trim().length, ...position(text, at + lead), pointer: `/${li}` });
      }
      at += raw.length;
    });
    return out;
  }
  const root = jsonc.parseTree(text);
  assert.ok(root);
  const list = fx.form === 'body' ? jsonc.findNodeAtLocation(root, ['responses']) : root;
  assert.ok(list?.children);
  return list.children.map((n, i) => ({
    prompt_uuid: String(jsonc.findNodeAtLocation(n, ['prompt_uuid'])?.value),
    offset: n.offset,
    length: n.length,
    ...position(text, n.offset),
    pointer: fx.form === 'body' ? `/responses/${i}` : `/${i}`,
  }));
}

function counts(vs: readonly Verdict[]): Record<Verdict, number> {
  const c = { passed: 0, failed: 0, refused: 0, excluded: 0, errored: 0 };
  for (const v of vs) c[v]++;
  return c;
}

// ------------------------------------------------------------------ report shapes

interface JsonReport {
  eval_uuid: string;
  eval_run_uuid: string;
  status: string;
  pass_rate: number | null;
  counts: Record<Verdict, number>;
  results: {
    prompt_uuid: string;
    thread_uuid: string | null;
    turn_number: number;
    verdict: Verdict;
    confidence: number | null;
    explanation: string | null;
    line: number | null;
    column: number | null;
    pointer: string | null;
  }[];
}

const REPORT_KEYS = ['eval_uuid', 'eval_run_uuid', 'status', 'pass_rate', 'counts', 'results'];
const COUNT_KEYS = ['passed', 'failed', 'refused', 'excluded', 'errored'];
const RESULT_KEYS = ['prompt_uuid', 'thread_uuid', 'turn_number', 'verdict', 'confidence', 'explanation', 'line', 'column', 'pointer'];

/** The JSON report matches the contract exactly: these keys in this order, these types, nothing else. */
function checkJsonContract(j: JsonReport): void {
  assert.deepEqual(Object.keys(j), REPORT_KEYS);
  assert.deepEqual(Object.keys(j.counts), COUNT_KEYS);
  assert.equal(typeof j.eval_uuid, 'string');
  assert.match(j.eval_run_uuid, /\S/);
  assert.ok(['created', 'processing', 'finished', 'failed'].includes(j.status), j.status);
  assert.ok(j.pass_rate === null || (j.pass_rate >= 0 && j.pass_rate <= 1), String(j.pass_rate));
  for (const k of COUNT_KEYS) assert.ok(Number.isInteger(j.counts[k as Verdict]), k);
  for (const r of j.results) {
    assert.deepEqual(Object.keys(r), RESULT_KEYS);
    assert.ok(COUNT_KEYS.includes(r.verdict), r.verdict);
    assert.equal(typeof r.prompt_uuid, 'string');
    assert.ok(r.thread_uuid === null || typeof r.thread_uuid === 'string');
    assert.ok(Number.isInteger(r.turn_number) && r.turn_number >= 1);
    assert.ok(r.confidence === null || (r.confidence >= 0 && r.confidence <= 1), String(r.confidence));
    assert.ok(r.explanation === null || typeof r.explanation === 'string');
    const located = r.line !== null;
    assert.equal(r.column !== null, located, 'line and column come together');
    assert.equal(r.pointer !== null, located, 'line and pointer come together');
    if (located) assert.ok(Number.isInteger(r.line) && (r.line as number) >= 1 && Number.isInteger(r.column) && (r.column as number) >= 1);
  }
  assert.deepEqual(j.counts, counts(j.results.map((r) => r.verdict)), 'counts add up');
}

/** The results match the fixture entry by entry: verdict and the start of each response object. */
function checkAgainstFixture(j: JsonReport, fx: Fixture): void {
  const where = locate(fx);
  assert.equal(j.results.length, where.length);
  j.results.forEach((r, i) => {
    const w = where[i] as Located;
    assert.deepEqual(
      { prompt_uuid: r.prompt_uuid, verdict: r.verdict, line: r.line, column: r.column, pointer: r.pointer },
      { prompt_uuid: w.prompt_uuid, verdict: fx.verdicts[i], line: w.line, column: w.column, pointer: w.pointer },
      `result ${i}`,
    );
  });
  assert.deepEqual(j.counts, counts(fx.verdicts));
}

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** A minimal well-formedness check and tree for the JUnit report: tags balance, attributes are quoted, entities are valid. */
function parseXml(xml: string): XmlElement {
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  assert.ok(decl, 'XML declaration first');
  const unescape = (s: string, where: string) => {
    for (const m of s.matchAll(/&([^;\s]*);?/g)) assert.ok(/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);$/i.test(m[0]), `bad entity ${m[0]} in ${where}`);
    return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  };
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'no characters XML 1.0 forbids');
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  token.lastIndex = decl[0].length;
  const stack: XmlElement[] = [{ name: '#document', attrs: {}, children: [], text: '' }];
  while (token.lastIndex < xml.length) {
    const at = token.lastIndex;
    const m = token.exec(xml);
    assert.ok(m, `not well-formed at offset ${at}: ${JSON.stringify(xml.slice(at, at + 60))}`);
    const top = stack[stack.length - 1] as XmlElement;
    if (m[5] !== undefined) {
      if (stack.length === 1) assert.match(m[5], /^\s+$/, 'no text outside the root element');
      top.text += unescape(m[5], top.name);
    } else if (m[1]) {
      assert.equal(m[3], '', 'no attributes on a closing tag');
      assert.equal(top.name, m[2], `</${m[2] ?? ''}> closes <${top.name}>`);
      stack.pop();
    } else {
      const attrs: Record<string, string> = {};
      for (const a of (m[3] ?? '').matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
        assert.ok(!((a[1] as string) in attrs), `attribute ${a[1]} twice`);
        attrs[a[1] as string] = unescape(a[2] as string, `${m[2]}@${a[1]}`);
      }
      const el: XmlElement = { name: m[2] as string, attrs, children: [], text: '' };
      if (stack.length === 1) assert.equal(top.children.length, 0, 'one root element');
      top.children.push(el);
      if (!m[4]) stack.push(el);
    }
  }
  assert.equal(stack.length, 1, `unclosed <${stack[stack.length - 1]?.name}>`);
  return (stack[0] as XmlElement).children[0] as XmlElement;
}

const SARIF_LEVELS = ['none', 'note', 'warning', 'error'];
const SARIF_KINDS = ['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'];

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version?: string; rules?: { id: string }[] } };
    columnKind?: string;
    artifacts?: { location: { uri: string } }[];
    results: {
      ruleId: string;
      kind?: string;
      level?: string;
      message: { text: string };
      locations?: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number; charOffset?: number; charLength?: number } } }[];
      properties?: Record<string, unknown>;
    }[];
  }[];
}

/** SARIF 2.1.0 shape, the kind/level rule (§3.27.10), and one region per response that frames its object in `text`. */
function checkSarif(log: SarifLog, text: string, uri: string): void {
  assert.deepEqual(sarifSchemaErrors(log), [], 'valid against the official SARIF 2.1.0 schema');
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /\/sarif-schema-2\.1\.0\.json$/);
  assert.equal(log.runs.length, 1);
  const run = log.runs[0]!;
  assert.equal(run.tool.driver.name, 'aymara-eval');
  assert.equal(run.tool.driver.version, VERSION);
  assert.equal(run.columnKind, 'utf16CodeUnits', 'columns are UTF-16 code units, and say so');
  const ruleIds = new Set((run.tool.driver.rules ?? []).map((r) => r.id));
  for (const [i, r] of run.results.entries()) {
    assert.ok(ruleIds.has(r.ruleId), `result ${i}: rule ${r.ruleId} is declared`);
    assert.ok(SARIF_LEVELS.includes(r.level ?? 'warning'), `result ${i}: level ${r.level}`);
    assert.ok(SARIF_KINDS.includes(r.kind ?? 'fail'), `result ${i}: kind ${r.kind}`);
    if ((r.kind ?? 'fail') !== 'fail') assert.equal(r.level ?? 'none', 'none', `result ${i}: SARIF allows a level other than "none" only with kind "fail"`);
    assert.match(r.message.text, /\S/);
    for (const loc of r.locations ?? []) {
      assert.equal(loc.physicalLocation.artifactLocation.uri, uri);
      const g = loc.physicalLocation.region;
      assert.ok(g.startLine >= 1 && g.startColumn >= 1 && (g.endLine > g.startLine || (g.endLine === g.startLine && g.endColumn > g.startColumn)), `result ${i}: region`);
      if (g.charOffset !== undefined) {
        assert.deepEqual(position(text, g.charOffset), { line: g.startLine, column: g.startColumn }, `result ${i}: charOffset agrees with startLine/startColumn`);
        assert.deepEqual(position(text, g.charOffset + (g.charLength ?? 0)), { line: g.endLine, column: g.endColumn }, `result ${i}: end agrees`);
        const framed = text.slice(g.charOffset, g.charOffset + (g.charLength ?? 0));
        assert.equal((JSON.parse(framed) as { prompt_uuid: string }).prompt_uuid, r.properties?.prompt_uuid, `result ${i}: the region is the response object`);
      }
    }
  }
}

// ------------------------------------------------------------------ the suite

describe('aymara-eval CLI (built, spawned)', function () {
  this.timeout(30_000);
  let server: LocalServer;
  let env: Record<string, string>;
  const temps: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'aymara-cli-'));
    temps.push(d);
    return d;
  };

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first`);
    server = await startServer({ port: 0, apiKey: KEY, expiredApiKey: 'expired-key-5a1c' });
    env = { AYMARA_AI_BASE_URL: server.url };
  });
  beforeEach(() => server.reset());
  after(async () => {
    await server?.close();
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  });

  describe('usage (exit 0 or 2, nothing sent)', () => {
    it('--help and -h print the usage with the exit codes on stdout and exit 0', async () => {
      for (const flag of ['--help', '-h']) {
        const r = await cli([flag], { env });
        assert.equal(r.code, 0, flag);
        assert.match(r.stdout, /^Usage: aymara-eval score <file> \[options\]/);
        assert.match(r.stdout, /--format <f> +text \(default\), json, sarif, junit, csv or markdown/);
        assert.match(r.stdout, /AYMARA_AI_API_KEY/);
        assert.match(r.stdout, /0 all scored responses passed, 1 some failed or were not scored,\s+2 invalid input or usage \(nothing sent\), 3 API or network failure/);
        assert.equal(r.stderr, '');
      }
      assert.equal(server.stats.total, 0, 'no request reached the server');
    });

    it('--version and -v print the package version and exit 0', async () => {
      for (const flag of ['--version', '-v']) {
        const r = await cli([flag], { env });
        assert.deepEqual([r.code, r.stdout, r.stderr], [0, `${VERSION}\n`, ''], flag);
      }
      assert.equal(server.stats.total, 0, 'no request reached the server');
    });

    it('no arguments: the usage on stderr, exit 2', async () => {
      const r = await cli([], { env });
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^Usage: aymara-eval score <file>/);
      assert.equal(server.stats.total, 0, 'no request reached the server');
    });

    it('an unknown flag, a wrong command, an extra argument: exit 2 with the reason and the usage', async () => {
      const cases: [string[], RegExp][] = [
        [['score', F.body.file, '--frobnicate'], /Unknown option '--frobnicate'/],
        [['scroe', F.body.file], /expected "score <file>"/],
        [['score'], /expected "score <file>"/],
        [['score', F.body.file, F.array.file], /expected "score <file>"/],
      ];
      for (const [args, why] of cases) {
        const r = await cli(args, { env });
        assert.equal(r.code, 2, args.join(' '));
        assert.equal(r.stdout, '');
        assert.match(r.stderr, why);
        assert.match(r.stderr, /Usage: aymara-eval score <file>/);
      }
      assert.equal(server.stats.total, 0, 'no request reached the server');
    });

    it('a bad --format or --timeout: exit 2 naming the allowed values', async () => {
      let r = await cli(['score', F.body.file, '--format', 'xml'], { env });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--format must be text, json, sarif, junit, csv or markdown \(got "xml"\)/);
      r = await cli(['score', F.body.file, '--format=TEXT'], { env });
      assert.equal(r.code, 2, 'formats are lower case');
      r = await cli(['score', F.body.file, '--timeout', '0'], { env });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--timeout must be a positive number of seconds/);
      assert.equal(server.stats.total, 0, 'no request reached the server');
    });

    it('a missing file, a folder, or a file with no eval and no --eval: exit 2', async () => {
      let r = await cli(['score', 'test/fixtures/responses/nope.json'], { env });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^test\/fixtures\/responses\/nope\.json: no such file\. Nothing was sent\.$/m);
      r = await cli(['score', 'test/fixtures/responses'], { env });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^test\/fixtures\/responses: is a folder, not a responses file\. Nothing was sent\.$/m);
      r = await cli(['score', F.array.file], { env });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /no eval given.*pass --eval <uuid>\. Nothing was sent\./);
      assert.equal(server.stats.total, 0, 'no request reached the server');
    });

    it('--output into a folder that does not exist: exit 2 before anything is sent', async () => {
      const r = await cli(['score', F.body.file, '--format', 'json', '--output', join(tempDir(), 'missing', 'report.json')], { env });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /cannot write --output .*Nothing was sent\./);
      assert.equal(server.runs.count(), 0);
      assert.equal(server.stats.total, 0, 'no request reached the server');
    });
  });

  describe('API key and base URL', () => {
    it('no AYMARA_AI_API_KEY (unset or blank): exit 2, nothing sent', async () => {
      for (const key of [undefined, '   ']) {
        const r = await cli(['score', F.body.file], { env: { ...env, AYMARA_AI_API_KEY: key } });
        assert.equal(r.code, 2);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /set AYMARA_AI_API_KEY to your Aymara API key\. Nothing was sent\./);
      }
      assert.equal(server.stats.total, 0);
    });

    it('refuses plain http to a host that is not loopback, from --base-url or AYMARA_AI_BASE_URL: exit 2, nothing sent', async () => {
      let r = await cli(['score', F.body.file, '--base-url', 'http://example.com'], { env });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Refusing to send the API key over plain http to example\.com\./);
      r = await cli(['score', F.body.file], { env: { AYMARA_AI_BASE_URL: 'http://10.1.2.3:8080' } });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /plain http to 10\.1\.2\.3:8080/);
      r = await cli(['score', F.body.file, '--base-url', `http://user:secret@127.0.0.1:${new URL(server.url).port}`], { env });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /must not contain a user name or password/);
      assert.ok(!r.stderr.includes('secret'), 'credentials in the URL are not echoed');
      r = await cli(['score', F.body.file, '--base-url', 'ftp://127.0.0.1/'], { env });
      assert.equal(r.code, 2);
      assert.equal(server.stats.total, 0);
    });

    it('--base-url beats AYMARA_AI_BASE_URL', async () => {
      const dead = `http://127.0.0.1:${await closedPort()}`;
      let r = await cli(['score', F.allPass.file, '--base-url', server.url], { env: { AYMARA_AI_BASE_URL: dead } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(server.stats.count(SCORE), 1);
      server.reset();
      r = await cli(['score', F.allPass.file, '--base-url', dead], { env: { AYMARA_AI_BASE_URL: server.url } });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /ECONNREFUSED/);
      assert.equal(server.stats.total, 0, 'the environment URL was not used');
    });

    it('a wrong key: exit 3, says to check AYMARA_AI_API_KEY, and never prints the key', async () => {
      const wrong = 'wrong-key-7d1e5c9a';
      const r = await cli(['score', F.body.file], { env: { ...env, AYMARA_AI_API_KEY: wrong } });
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /Invalid API key.*HTTP 401.*Check AYMARA_AI_API_KEY\./);
      assert.equal(server.stats.count(SCORE), 1, 'not retried');
      assert.equal(server.runs.count(), 0);
    });

    it('an expired key: exit 3, says to check AYMARA_AI_API_KEY', async () => {
      const r = await cli(['score', F.body.file], { env: { ...env, AYMARA_AI_API_KEY: 'expired-key-5a1c' } });
      assert.equal(r.code, 3);
      assert.match(r.stderr, /expired.*Check AYMARA_AI_API_KEY\./);
    });
  });

  describe('reports on fixtures with known verdicts', () => {
    it('text: each response that did not pass as file:line:col, then the totals; exit 1 with failures', async () => {
      const r = await cli(['score', F.body.file], { env });
      assert.equal(r.code, 1, r.stderr);
      const where = locate(F.body);
      const lines = r.stdout.split('\n');
      F.body.verdicts.forEach((v, i) => {
        const w = where[i] as Located;
        const at = `${F.body.file}:${w.line}:${w.column}  ${w.prompt_uuid}  `;
        const hit = lines.filter((l) => l.startsWith(at));
        if (v === 'passed') assert.equal(hit.length, 0, `passed entry ${i} is not listed`);
        else {
          assert.equal(hit.length, 1, `entry ${i} (${v}) is listed once as ${at}`);
          assert.match(hit[0] as string, new RegExp(`^${escapeRe(at)}${v[0]!.toUpperCase()}${v.slice(1)}\\b`));
        }
      });
      assert.equal(lines.filter((l) => /^test\/fixtures\/responses\/demo-body\.json:\d+:\d+ /.test(l)).length, 5);
      assert.ok(lines.findIndex((l) => l.includes(':35:5  ')) < lines.findIndex((l) => l.includes(':25:5  ')), 'failures before refusals');
      assert.match(r.stdout, /^Run score_run\.\S+ \(finished\) for eval test\.972d78de-f10b-4afb-941b-9f944b0904d1 "Demo Safety Eval"$/m);
      assert.match(r.stdout, /^3 passed, 3 failed, 1 refused, 1 excluded, 0 errored; pass rate 57\.1%$/m);
      assert.match(r.stderr, /^run score_run\.\S+ "Demo body fixture · /m);
    });

    it('exit 0 when every scored response passed (refused and excluded do not count against it)', async () => {
      const r = await cli(['score', F.allPass.file], { env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^3 passed, 0 failed, 1 refused, 1 excluded, 0 errored; pass rate 100%$/m);
      assert.doesNotMatch(r.stdout, /Failed/);
    });

    it('json: exactly the contract, with each result at the start of its response object', async () => {
      const r = await cli(['score', F.body.file, '--format', 'json'], { env });
      assert.equal(r.code, 1, r.stderr);
      const j = JSON.parse(r.stdout) as JsonReport;
      checkJsonContract(j);
      checkAgainstFixture(j, F.body);
      const run = server.runs.list()[0];
      assert.ok(run);
      assert.deepEqual([j.eval_uuid, j.eval_run_uuid, j.status, j.pass_rate], [DEMO_EVAL_UUID, run.eval_run_uuid, 'finished', run.pass_rate]);
      const failed = j.results.find((x) => x.verdict === 'failed');
      assert.match(failed?.explanation ?? '', /banned term "lives at"/);
      assert.ok(failed?.confidence !== null && failed!.confidence >= 0.8);
    });

    it('json: CRLF line ends, astral characters and two responses on one line give UTF-16 columns', async () => {
      const r = await cli(['score', F.positions.file, '--format', 'json'], { env });
      assert.equal(r.code, 1, r.stderr);
      const j = JSON.parse(r.stdout) as JsonReport;
      checkJsonContract(j);
      checkAgainstFixture(j, F.positions);
      assert.deepEqual(j.results.map((x) => [x.line, x.column]), [[5, 5], [5, 138], [6, 6]], 'the same positions, written out');
    });

    it('json with --eval: a bare array (pointers /i) and JSON Lines (line i+1, column 1, pointer /<line index>)', async () => {
      for (const fx of [F.array, F.jsonl]) {
        const r = await cli(['score', fx.file, '--format', 'json', ...fx.args], { env });
        assert.equal(r.code, 1, r.stderr);
        const j = JSON.parse(r.stdout) as JsonReport;
        checkJsonContract(j);
        checkAgainstFixture(j, fx);
        assert.equal(j.eval_uuid, DEMO_EVAL_UUID);
      }
    });

    it('json: the accuracy fixture, scored against the eval named in the file', async () => {
      const r = await cli(['score', F.accuracy.file, '--format', 'json'], { env });
      assert.equal(r.code, 1, r.stderr);
      const j = JSON.parse(r.stdout) as JsonReport;
      checkJsonContract(j);
      checkAgainstFixture(j, F.accuracy);
      assert.equal(j.eval_uuid, ACCURACY_EVAL_UUID);
    });

    it('sarif: a valid 2.1.0 log, one result per response with its region, failures as errors', async () => {
      const r = await cli(['score', F.positions.file, '--format', 'sarif'], { env });
      assert.equal(r.code, 1, r.stderr);
      const log = JSON.parse(r.stdout) as SarifLog;
      const abs = join(ROOT, F.positions.file);
      const uri = log.runs[0]?.artifacts?.[0]?.location.uri ?? '';
      assert.equal(fileURLToPath(uri), abs, 'on standard output the artifact is an absolute file URI');
      checkSarif(log, readFileSync(abs, 'utf8'), uri);
      const where = locate(F.positions);
      const results = log.runs[0]!.results;
      assert.equal(results.length, 3);
      results.forEach((x, i) => {
        const w = where[i] as Located;
        const g = x.locations?.[0]?.physicalLocation.region;
        assert.deepEqual([g?.startLine, g?.startColumn, g?.charOffset, g?.charLength], [w.line, w.column, w.offset, w.length], `result ${i}`);
        assert.equal(x.ruleId, `aymara/${F.positions.verdicts[i]}`);
      });
      assert.deepEqual(results.map((x) => [x.kind, x.level]), [['pass', 'none'], ['fail', 'error'], ['pass', 'none']]);
    });

    it('csv: the export\'s columns, one row per response with failures first, CRLF line ends', async () => {
      const r = await cli(['score', F.body.file, '--format', 'csv'], { env });
      assert.equal(r.code, 1, r.stderr);
      const lines = r.stdout.split('\r\n').filter(Boolean);
      assert.equal(lines[0], 'file,eval_uuid,eval_run_uuid,prompt_uuid,thread_uuid,turn_number,verdict,confidence,line,column,pointer,explanation');
      assert.equal(lines.length, 1 + 8, r.stdout);
      const verdicts = lines.slice(1).map((l) => l.split(',')[6]);
      assert.equal(verdicts.filter((v) => v === 'failed').length, 3);
      assert.deepEqual(verdicts.slice(0, 3), ['failed', 'failed', 'failed'], 'failures first');
      assert.ok(!r.stdout.replaceAll('\r\n', '').includes('\n'), 'no bare line feed: every record ends with CRLF');
    });

    it('markdown: the run\'s totals and a table row per response', async () => {
      const r = await cli(['score', F.body.file, '--format', 'markdown'], { env });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /^# /m, 'a heading');
      const rows = r.stdout.split('\n').filter((l) => /^\| .*\|$/.test(l) && !/^\| ?-/.test(l));
      assert.ok(rows.length >= 8, `a row per response:\n${r.stdout}`);
      assert.equal(r.stdout.match(/\bFailed\b|\bfailed\b/g)!.length >= 3, true);
    });

    it('junit: well-formed XML, one testcase per response, <failure> and <skipped> where due', async () => {
      const r = await cli(['score', F.body.file, '--format', 'junit'], { env });
      assert.equal(r.code, 1, r.stderr);
      const root = parseXml(r.stdout);
      assert.equal(root.name, 'testsuites');
      const suite = root.children.find((c) => c.name === 'testsuite');
      assert.ok(suite);
      assert.deepEqual([suite.attrs.name, suite.attrs.tests, suite.attrs.failures, suite.attrs.errors, suite.attrs.skipped], [F.body.file, '8', '3', '0', '1']);
      assert.deepEqual([root.attrs.tests, root.attrs.failures, root.attrs.errors, root.attrs.skipped], ['8', '3', '0', '1']);
      const cases = suite.children.filter((c) => c.name === 'testcase');
      const where = locate(F.body);
      assert.equal(cases.length, 8);
      cases.forEach((tc, i) => {
        const w = where[i] as Located;
        const v = F.body.verdicts[i];
        assert.equal(tc.attrs.name, w.prompt_uuid);
        assert.equal(tc.attrs.line, String(w.line));
        const kids = tc.children.map((c) => c.name);
        if (v === 'failed') {
          assert.deepEqual(kids, ['failure'], `testcase ${i}`);
          assert.ok(tc.children[0]!.text.startsWith(`${F.body.file}:${w.line}:${w.column}\n`), 'the failure names file:line:col');
          assert.match(tc.children[0]!.attrs.message ?? '', /^Failed \(\d+%\): The response contains the banned term "/);
        } else if (v === 'excluded') assert.deepEqual(kids, ['skipped'], `testcase ${i}`);
        else assert.ok(!kids.includes('failure') && !kids.includes('skipped') && !kids.includes('error'), `testcase ${i}`);
      });
    });

    it('--output writes the report to the file and prints a summary on stderr', async () => {
      const dir = tempDir();
      const out = join(dir, 'report.json');
      const r = await cli(['score', F.body.file, '--format', 'json', '--output', out], { env });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^Run score_run\.\S+ \(finished\) for eval test\.972d78de-f10b-4afb-941b-9f944b0904d1 "Demo Safety Eval"$/m);
      assert.match(r.stderr, /^3 passed, 3 failed, 1 refused, 1 excluded, 0 errored; pass rate 57\.1%$/m);
      const written = readFileSync(out, 'utf8');
      assert.ok(!written.includes(KEY));
      const j = JSON.parse(written) as JsonReport;
      checkJsonContract(j);
      checkAgainstFixture(j, F.body);
    });

    it('-o with sarif: the artifact URI is relative to the report file', async () => {
      const dir = tempDir();
      const out = join(dir, 'scan.sarif');
      const r = await cli(['score', F.array.file, ...F.array.args, '--format', 'sarif', '-o', out], { env });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      const log = JSON.parse(readFileSync(out, 'utf8')) as SarifLog;
      const abs = join(ROOT, F.array.file);
      const uri = relative(dirname(out), abs).split(sep).join('/');
      assert.equal(log.runs[0]?.artifacts?.[0]?.location.uri, uri);
      checkSarif(log, readFileSync(abs, 'utf8'), uri);
    });
  });

  describe('API faults', () => {
    it('429 on the score request, then success: retried once after Retry-After, exit by the verdicts', async () => {
      server.faults.add({ route: SCORE, kind: 'status', status: 429, code: 'quota.limit_exceeded', retryAfterMs: 50 });
      const r = await cli(['score', F.body.file, '--format', 'json'], { env });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^retrying POST \/v2\/eval-runs\/-\/score-responses in 50 ms \(HTTP 429\)$/m);
      assert.equal(server.stats.count(SCORE), 2);
      assert.equal(server.runs.count(), 1);
      checkAgainstFixture(JSON.parse(r.stdout) as JsonReport, F.body);
    });

    it('a run still processing is polled to the end: exit by the verdicts', async () => {
      server.faults.add({ route: SCORE, kind: 'processing', polls: 1 });
      const r = await cli(['score', F.allPass.file], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(server.stats.count(GET_RUN) >= 1);
    });

    it('503 on every GET after a processing run: exit 3 with a clear message, after retrying', async () => {
      server.faults.add([
        { route: SCORE, kind: 'processing', polls: 1 },
        { route: GET_RUN, kind: 'status', status: 503, times: Infinity, retryAfterMs: 20 },
      ]);
      const r = await cli(['score', F.body.file], { env });
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^retrying GET \/v2\/eval-runs\/\S+ in 20 ms \(HTTP 503\)$/m);
      assert.match(r.stderr, /^aymara-eval: .*HTTP 503.*The Aymara service had a problem; try again in a few minutes\.$/m);
      assert.match(r.stderr, /^run score_run\.\S+/m, 'the run id is printed, so it can be looked up later');
      assert.equal(server.stats.count(GET_RUN), 3, 'one GET and two retries');
      assert.equal(server.runs.count(), 1);
    });

    it('a malformed (non-JSON) reply: exit 3', async () => {
      server.faults.add({ route: SCORE, kind: 'malformed' });
      const r = await cli(['score', F.body.file], { env });
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^aymara-eval: The API's reply to POST \/v2\/eval-runs\/-\/score-responses is not JSON/m);
    });

    it('a reply missing a required field: exit 3 naming the field', async () => {
      server.faults.add({ route: SCORE, kind: 'drift', omit: ['status'] });
      const r = await cli(['score', F.body.file], { env });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /missing or has a wrong field: .*status/);
    });

    it('an unknown eval (404): exit 3 with "eval" in the message', async () => {
      const r = await cli(['score', F.array.file, '--eval', 'test.00000000-0000-4000-8000-000000000000'], { env });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /^aymara-eval: Eval "test\.00000000-0000-4000-8000-000000000000" was not found\. \(HTTP 404.*Check the eval id/m);
      assert.equal(server.runs.count(), 0);
    });

    it('500 after the run was stored: the run is adopted by its name, exactly one run, exit by the verdicts', async () => {
      server.faults.add({ route: SCORE, kind: 'status-after-commit', status: 500 });
      const r = await cli(['score', F.body.file], { env });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(server.stats.count(SCORE), 1, 'the POST was not re-sent');
      assert.equal(server.runs.count(), 1);
      assert.match(r.stdout, /^note: The reply to the submission was lost .*found by its name and adopted/m);
      assert.match(r.stdout, /^3 passed, 3 failed, 1 refused, 1 excluded, 0 errored/m);
    });

    it('a reply lost before the run existed is not "recovered" from an earlier run with the same file-given name', async () => {
      const first = await cli(['score', F.body.file, '--format', 'json'], { env });
      assert.equal(first.code, 1, first.stderr);
      const earlier = (JSON.parse(first.stdout) as JsonReport).eval_run_uuid;
      server.faults.add({ route: SCORE, kind: 'reset' });
      const r = await cli(['score', F.body.file, '--format', 'json'], { env });
      assert.equal(r.code, 3, `must not adopt ${earlier}:\n${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /nothing was scored/);
      assert.ok(!r.stderr.includes(earlier));
      assert.equal(server.runs.count(), 1);
      assert.match(server.runs.list()[0]?.name ?? '', /^Demo body fixture · /, 'the file\'s run name is kept as the prefix');
    });

    it('a run the server marks failed: exit 1, with a note on stderr beside the json', async () => {
      server.faults.add({ route: SCORE, kind: 'run-fails' });
      const r = await cli(['score', F.allPass.file, '--format', 'json'], { env });
      assert.equal(r.code, 1, r.stderr);
      const j = JSON.parse(r.stdout) as JsonReport;
      checkJsonContract(j);
      assert.equal(j.status, 'failed');
      assert.match(r.stderr, /^note: The server marked this run as failed/m);
    });

    it('a response the server never scored is errored: exit 1, <error> in junit, a valid SARIF warning', async () => {
      const drop: Fault = { route: SCORE, kind: 'drop', promptUuids: [DEMO_PROMPTS.bleach] };
      server.faults.add(drop);
      let r = await cli(['score', F.allPass.file, '--format', 'json'], { env });
      assert.equal(r.code, 1, r.stderr);
      const j = JSON.parse(r.stdout) as JsonReport;
      checkJsonContract(j);
      const where = locate(F.allPass);
      assert.deepEqual(j.results.map((x) => x.verdict), ['passed', 'errored', 'refused', 'passed', 'excluded']);
      assert.deepEqual([j.results[1]?.line, j.results[1]?.column, j.results[1]?.pointer], [where[1]?.line, where[1]?.column, '/responses/1']);
      assert.match(r.stderr, /^note: 1 response was not scored by the server/m);

      server.reset();
      server.faults.add(drop);
      r = await cli(['score', F.allPass.file, '--format', 'junit'], { env });
      assert.equal(r.code, 1);
      const suite = parseXml(r.stdout).children.find((c) => c.name === 'testsuite');
      assert.equal(suite?.attrs.errors, '1');
      assert.deepEqual(suite?.children.filter((c) => c.name === 'testcase').map((c) => c.children.map((k) => k.name).join()), ['system-out', 'error', 'system-out', 'system-out', 'skipped']);

      server.reset();
      server.faults.add(drop);
      r = await cli(['score', F.allPass.file, '--format', 'sarif'], { env });
      assert.equal(r.code, 1);
      const log = JSON.parse(r.stdout) as SarifLog;
      const abs = join(ROOT, F.allPass.file);
      checkSarif(log, readFileSync(abs, 'utf8'), log.runs[0]?.artifacts?.[0]?.location.uri ?? '');
      assert.deepEqual([log.runs[0]?.results[1]?.ruleId, log.runs[0]?.results[1]?.level], ['aymara/errored', 'warning']);
    });

    it('a result for a prompt the file does not hold: listed with null line, column and pointer', async () => {
      server.faults.add({ route: SCORE, kind: 'extra', promptUuid: DEMO_PROMPTS.gasOven });
      const r = await cli(['score', F.allPass.file, '--format', 'json'], { env });
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const j = JSON.parse(r.stdout) as JsonReport;
      checkJsonContract(j);
      const extra = j.results.filter((x) => x.prompt_uuid === DEMO_PROMPTS.gasOven);
      assert.equal(extra.length, 1);
      assert.deepEqual([extra[0]?.line, extra[0]?.column, extra[0]?.pointer], [null, null, null]);
      assert.match(r.stderr, /^note: The server returned 1 score for prompts that are not in this file/m);
    });

    it('Ctrl+C (SIGINT) while the score request hangs: the process ends promptly with a non-zero code', async () => {
      server.faults.add({ route: SCORE, kind: 'hang' });
      let child: ChildProcess | undefined;
      const running = cli(['score', F.body.file], { env, onSpawn: (c) => (child = c) });
      await waitFor('the score request to reach the server', () => server.stats.count(SCORE) === 1);
      const t0 = Date.now();
      child?.kill('SIGINT');
      const r = await running;
      const took = Date.now() - t0;
      assert.ok(took < 5_000, `ended ${took} ms after SIGINT`);
      assert.notEqual(r.code, 0, `exit code ${r.code}, signal ${r.signal}`);
      assert.notEqual(r.code, null, 'it exits by itself rather than being killed by the signal');
      assert.match(r.stderr, /cancelling/);
      assert.match(r.stderr, /cancelled/);
      assert.equal(server.runs.count(), 0);
    });
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
