/**
 * The desktop VS Code set-up in .vscode/ against what it drives: the "watch" task's problem
 * matcher against the output of `node esbuild.mjs --watch` (a real watch on a copy of the
 * sources, with an error put in and taken out), the "local server" task's ready patterns against
 * what dist/server.js prints, and the launch configurations against the tasks and the source maps
 * of the dev build (`npm run build` first).
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as jsonc from 'jsonc-parser';

const ROOT = resolve(__dirname, '../../..');

interface Pattern {
  regexp: string;
  severity?: number;
  message?: number;
  file?: number;
  line?: number;
  column?: number;
}
interface Matcher {
  base?: string;
  pattern?: Pattern | Pattern[];
  background: { beginsPattern: string; endsPattern: string };
}
interface Task {
  label: string;
  command?: string;
  args?: string[];
  dependsOn?: string[];
  problemMatcher?: Matcher | string[];
}
interface LaunchConfig {
  name: string;
  args?: string[];
  program?: string;
  outFiles?: string[];
  preLaunchTask?: string;
}

function readJsonc<T>(rel: string): T {
  const errors: jsonc.ParseError[] = [];
  const value = jsonc.parse(readFileSync(join(ROOT, rel), 'utf8'), errors, { allowTrailingComma: false }) as T;
  assert.deepEqual(errors, [], `${rel} is valid JSON with comments`);
  return value;
}

const tasks = (): Task[] => readJsonc<{ tasks: Task[] }>('.vscode/tasks.json').tasks;
const configs = (): LaunchConfig[] => readJsonc<{ configurations: LaunchConfig[] }>('.vscode/launch.json').configurations;

function task(label: string): Task {
  const t = tasks().find((x) => x.label === label);
  assert.ok(t, `task "${label}" in .vscode/tasks.json`);
  return t;
}

function matcherOf(label: string): Matcher {
  const m = task(label).problemMatcher;
  assert.ok(m && !Array.isArray(m), `task "${label}" has its own problem matcher`);
  return m;
}

interface Problem {
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
}

/** What VS Code's multi-line matcher reads: consecutive lines matching the patterns in turn. */
function problems(lines: string[], patterns: Pattern[]): Problem[] {
  const res = patterns.map((p) => new RegExp(p.regexp));
  const found: Problem[] = [];
  for (let i = 0; i + patterns.length <= lines.length; i++) {
    const groups = res.map((re, k) => re.exec(lines[i + k]!));
    if (groups.some((g) => !g)) continue;
    const pick = (name: keyof Pattern): string | undefined => {
      const k = patterns.findIndex((p) => p[name] !== undefined);
      return k < 0 ? undefined : groups[k]![patterns[k]![name] as number];
    };
    found.push({ severity: pick('severity') ?? '', message: pick('message') ?? '', file: pick('file') ?? '', line: Number(pick('line')), column: Number(pick('column')) });
  }
  return found;
}

/** A child's stdout and stderr as lines, and a way to wait for a line. */
function lines(child: ChildProcess): { all: string[]; waitFor: (re: RegExp, from: number, what: string) => Promise<number> } {
  const all: string[] = [];
  let pending = '';
  const onData = (d: Buffer) => {
    pending += String(d);
    const parts = pending.split(/\r?\n/);
    pending = parts.pop() ?? '';
    all.push(...parts);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    all,
    waitFor: async (re, from, what) => {
      const deadline = Date.now() + 150_000;
      for (;;) {
        const i = all.findIndex((l, k) => k >= from && re.test(l));
        if (i >= 0) return i;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no line for ${what}; output:\n${all.join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

describe('.vscode: the watch task reads what esbuild.mjs --watch prints', function () {
  this.timeout(300_000);
  let dir: string;
  let child: ChildProcess | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'aymara-watch-'));
    for (const f of ['esbuild.mjs', 'scripts', 'package.json', 'tsconfig.json', 'src']) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
    cpSync(join(ROOT, 'media'), join(dir, 'media'), { recursive: true, filter: (p) => !p.includes(`${join('media', 'dist')}`) });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'junction');
  });
  after(() => {
    child?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports each round between the begin and end patterns, an error at its file and line, and builds dist/undici.js before "finished"', async () => {
    const m = matcherOf('watch');
    const patterns = m.pattern as Pattern[];
    const begins = new RegExp(m.background.beginsPattern);
    const ends = new RegExp(m.background.endsPattern);
    child = spawn(process.execPath, ['esbuild.mjs', '--watch', '--no-tests'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = lines(child);

    // First round: every bundle, no problems, and the undici bundle the extension loads on its first request.
    const start1 = await out.waitFor(begins, 0, 'the first "build started"');
    const end1 = await out.waitFor(ends, start1, 'the first "build finished"');
    assert.deepEqual(problems(out.all.slice(start1, end1), patterns), []);
    assert.equal(out.all.slice(0, end1).filter((l) => ends.test(l)).length, 0, 'one "finished" for the first round, after all bundles');
    // The modules the extension loads from it on its first request: those of the one-off build.
    const exported = (file: string) => {
      const probe = spawnSync(process.execPath, ['-e', 'const u = require(process.argv[1]); process.stdout.write(JSON.stringify(Object.entries(u).filter(([, v]) => v).map(([k]) => k).sort()))', file], { encoding: 'utf8' });
      assert.equal(probe.status, 0, probe.stderr);
      return JSON.parse(probe.stdout) as string[];
    };
    const wanted = exported(join(ROOT, 'dist', 'undici.js'));
    assert.ok(wanted.length > 0, 'npm run build first');
    assert.deepEqual(exported(join(dir, 'dist', 'undici.js')), wanted, 'dist/undici.js holds the undici modules the extension imports');
    for (const f of ['dist/extension.js', 'dist/lazy.js', 'dist/cli.js', 'dist/server.js', 'media/dist/explanations.js', 'ThirdPartyNotices.txt']) assert.ok(existsSync(join(dir, f)), f);

    // An error in a webview module: one problem at its line, in the file VS Code will open.
    const file = join('media', 'explanations', 'dom.ts');
    const original = readFileSync(join(dir, file), 'utf8');
    const badLine = original.split('\n').length + (original.endsWith('\n') ? 0 : 1);
    writeFileSync(join(dir, file), `${original}${original.endsWith('\n') ? '' : '\n'}export const broken = ;\n`);
    const start2 = await out.waitFor(begins, end1 + 1, 'a round after the error');
    const end2 = await out.waitFor(ends, start2, 'the end of that round');
    const found = problems(out.all.slice(start2, end2 + 1), patterns);
    assert.equal(found.length, 1, `one problem in:\n${out.all.slice(start2, end2 + 1).join('\n')}`);
    assert.equal(found[0]!.severity.toLowerCase(), 'error');
    assert.equal(found[0]!.file.replaceAll('\\', '/'), 'media/explanations/dom.ts');
    assert.equal(found[0]!.line, badLine);
    assert.equal(found[0]!.column, 'export const broken = '.length + 1, '1-based column of the unexpected ";"');
    assert.match(found[0]!.message, /Unexpected ";"/);

    // Fixed again: a clean round.
    writeFileSync(join(dir, file), original);
    const start3 = await out.waitFor(begins, end2 + 1, 'a round after the fix');
    const end3 = await out.waitFor(ends, start3, 'the end of that round');
    assert.deepEqual(problems(out.all.slice(start3, end3 + 1), patterns), []);
  });
});

describe('.vscode: the local server task and the launch configurations', function () {
  this.timeout(60_000);

  it('the server task is ready on the line dist/server.js prints when it listens, and not when it fails', async () => {
    const m = matcherOf('local server');
    const begins = new RegExp(m.background.beginsPattern);
    const ends = new RegExp(m.background.endsPattern);
    assert.deepEqual(task('local server').args?.slice(0, 1), ['${workspaceFolder}/dist/server.js']);
    const ok = spawn(process.execPath, [join(ROOT, 'dist', 'server.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const out = lines(ok);
      const i = await out.waitFor(/listening/, 0, 'the server to listen');
      assert.ok(begins.test(out.all[i]!) && ends.test(out.all[i]!), `begins and ends on ${JSON.stringify(out.all[i])}`);
    } finally {
      ok.kill();
    }
    const bad = spawn(process.execPath, [join(ROOT, 'dist', 'server.js'), '--port', '70000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = lines(bad);
    const i = await out.waitFor(/^server: /, 0, 'the server to refuse the port');
    assert.ok(begins.test(out.all[i]!), 'the failure is seen');
    assert.ok(!out.all.some((l) => ends.test(l)), 'and never taken for ready');
  });

  it('every pre-launch task exists, and the CLI configuration talks to the port the server task uses', () => {
    const labels = new Set(tasks().map((t) => t.label));
    for (const c of configs()) if (c.preLaunchTask) assert.ok(labels.has(c.preLaunchTask), `${c.name}: task "${c.preLaunchTask}"`);
    for (const d of task('develop').dependsOn ?? []) assert.ok(labels.has(d), `develop depends on "${d}"`);
    const serverArgs = task('local server').args ?? [];
    const port = serverArgs[serverArgs.indexOf('--port') + 1];
    const cli = configs().find((c) => c.program === '${workspaceFolder}/dist/cli.js');
    assert.ok(cli?.args?.includes(`http://127.0.0.1:${port}`), `the CLI configuration uses port ${port}`);
    const run = configs().find((c) => c.name === 'Run Extension');
    assert.ok(run?.args?.includes('--extensionDevelopmentPath=${workspaceFolder}'));
  });

  it('the dev build has a source map beside each bundle a configuration debugs, and outFiles cover them', () => {
    const glob = (g: string) => new RegExp(`^${g.replace('${workspaceFolder}/', '').replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '(?:.*/)?').replace(/\*/g, '[^/]*')}$`);
    const covered = (name: string, file: string) => (configs().find((c) => c.name === name)?.outFiles ?? []).some((g) => glob(g).test(file));
    const debugged: [string, string][] = [
      ['Run Extension', 'dist/extension.js'],
      ['Run Extension', 'media/dist/explanations.js'],
      ['CLI: score the demo file', 'dist/cli.js'],
    ];
    for (const [name, file] of debugged) {
      assert.ok(covered(name, file), `${name}: outFiles cover ${file}`);
      const js = readFileSync(join(ROOT, file), 'utf8');
      assert.match(js, new RegExp(`//# sourceMappingURL=${file.split('/').pop()!.replace('.', '\\.')}\\.map\\s*$`), `${file} names its map (run \`npm run build\`, not --production)`);
      const map = JSON.parse(readFileSync(join(ROOT, `${file}.map`), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
      // Leaves out node_modules and esbuild's virtual modules ("undici-apart:undici").
      const own = map.sources.filter((s) => !s.includes('node_modules') && !/^[\w-]+:/.test(s));
      assert.ok(own.length > 0, `${file}.map maps to the project's sources`);
      for (const s of own) assert.ok(existsSync(resolve(dirname(join(ROOT, file)), s)), `${file}.map: ${s} exists`);
      assert.equal(map.sourcesContent?.length, map.sources.length, `${file}.map carries the sources, so the debugger needs no file from the webview or the extension host`);
    }
    assert.ok(!covered('CLI: score the demo file', 'node_modules/x.js'));
  });
});
