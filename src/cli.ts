/**
 * aymara-eval: score a responses file from a terminal or CI with the same core as the extension.
 *
 *   aymara-eval score <file> [--eval <uuid>] [--base-url <url>] [--workspace <uuid>] [--sandbox]
 *                            [--format text|json|sarif|junit] [--output <path>]
 *
 * Exit codes: 0 every scored response passed; 1 some failed or were not scored;
 * 2 invalid input or usage (nothing sent); 3 API or network failure.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ApiError, isApiError } from './core/apiError';
import { DEFAULT_BASE_URL, checkBaseUrl } from './core/baseUrl';
import { AymaraClient } from './core/client';
import { proxyFromEnv, type ProxyRoute } from './core/proxy';
import { writeJson } from './core/report/json';
import { writeJunit } from './core/report/junit';
import { writeSarif } from './core/report/sarif';
import { oneLine, writeText } from './core/report/text';
import { MAX_FILE_BYTES, parseResponsesFile, toScoreRequest, type ResponsesFile } from './core/responsesFile';
import type { RunResult } from './core/results';
import { RunPendingError, scoreRun, uniqueRunName } from './core/scoring';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

export const EXIT = { passed: 0, failed: 1, usage: 2, api: 3 } as const;

const USAGE = `Usage: aymara-eval score <file> [options]

Scores a responses file (the score-responses request body, a bare JSON array of
responses, or JSON Lines) against an Aymara eval.

Options:
  --eval <uuid>          eval to score against (default: the file's "eval_uuid")
  --base-url <url>       API origin (default: $AYMARA_AI_BASE_URL, else ${DEFAULT_BASE_URL});
                         https only, or http to a loopback address
  --workspace <uuid>     Aymara workspace (workspace_uuid)
  --sandbox              score in sandbox mode (is_sandbox=true)
  --format <f>           text (default), json, sarif or junit
  --output <path>        write the report to a file instead of standard output
  --timeout <seconds>    longest time for one API request, retries included (default 120)
  --max-reply-mb <n>     largest API reply read, in MB (default 512)
  -h, --help             show this help
  -v, --version          show the version

The API key is read from AYMARA_AI_API_KEY. HTTPS_PROXY / HTTP_PROXY and NO_PROXY
choose an HTTP proxy (https goes through it with CONNECT).
Exit codes: 0 all scored responses passed, 1 some failed or were not scored,
2 invalid input or usage (nothing sent), 3 API or network failure.
`;

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export async function main(argv: string[], io: Io, signal?: AbortSignal): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    io.stderr(`aymara-eval: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = args;
  if (values.version) {
    io.stdout(`${VERSION}\n`);
    return EXIT.passed;
  }
  if (values.help || positionals.length === 0) {
    (values.help ? io.stdout : io.stderr)(USAGE);
    return values.help ? EXIT.passed : EXIT.usage;
  }
  const [command, file, ...rest] = positionals;
  if (command !== 'score' || !file || rest.length) {
    io.stderr(`aymara-eval: expected "score <file>"\n\n${USAGE}`);
    return EXIT.usage;
  }
  const format = values.format ?? 'text';
  if (!['text', 'json', 'sarif', 'junit'].includes(format)) {
    io.stderr(`aymara-eval: --format must be text, json, sarif or junit (got "${oneLine(format)}")\n`);
    return EXIT.usage;
  }
  const timeoutSec = values.timeout === undefined ? 120 : Number(values.timeout);
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) {
    io.stderr('aymara-eval: --timeout must be a positive number of seconds\n');
    return EXIT.usage;
  }
  const maxReplyMb = values['max-reply-mb'] === undefined ? 512 : Number(values['max-reply-mb']);
  if (!Number.isFinite(maxReplyMb) || maxReplyMb <= 0 || maxReplyMb > 4096) {
    io.stderr('aymara-eval: --max-reply-mb must be a number of megabytes between 0 and 4096\n');
    return EXIT.usage;
  }

  // ---- read and validate the file; nothing is sent unless it is clean
  const path = resolve(io.cwd, file);
  const label = relative(io.cwd, path) || basename(path);
  const parsed = readResponsesFile(path, label, io);
  if (parsed === undefined) return EXIT.usage;
  for (const p of parsed.problems) io.stderr(`${label}:${p.line}:${p.column}: ${p.severity}: ${p.message} [${p.code}]\n`);
  if (parsed.hasErrors) {
    const n = parsed.problems.filter((p) => p.severity === 'error').length;
    io.stderr(`${label}: ${n} error${n === 1 ? '' : 's'}; nothing was sent.\n`);
    return EXIT.usage;
  }
  const evalUuid = values.eval ?? parsed.evalUuid ?? undefined;
  if (!evalUuid) {
    io.stderr(`${label}: no eval given. The file has no "eval_uuid"; pass --eval <uuid>. Nothing was sent.\n`);
    return EXIT.usage;
  }

  // ---- where the report goes: checked now, because a report that cannot be written after scoring is lost
  const outPath = values.output ? resolve(io.cwd, values.output) : undefined;
  if (outPath && !isWritableTarget(outPath)) {
    io.stderr(`aymara-eval: cannot write --output ${oneLine(values.output ?? '')}: its folder does not exist or it is a folder. Nothing was sent.\n`);
    return EXIT.usage;
  }

  // ---- where and with what key
  const apiKey = io.env.AYMARA_AI_API_KEY?.trim();
  if (!apiKey) {
    io.stderr('aymara-eval: set AYMARA_AI_API_KEY to your Aymara API key. Nothing was sent.\n');
    return EXIT.usage;
  }
  const redact = (s: string) => s.split(apiKey).join('«redacted»');
  let baseUrl: URL;
  let proxy: ProxyRoute | undefined;
  try {
    baseUrl = checkBaseUrl(values['base-url'] ?? (io.env.AYMARA_AI_BASE_URL?.trim() || DEFAULT_BASE_URL));
    proxy = proxyFromEnv(io.env, baseUrl);
  } catch (err) {
    io.stderr(`aymara-eval: ${(err as Error).message} Nothing was sent.\n`);
    return EXIT.usage;
  }

  const client = new AymaraClient({
    baseUrl: baseUrl.href,
    apiKey,
    workspaceUuid: values.workspace,
    requestTimeoutMs: timeoutSec * 1000,
    maxReplyBytes: Math.round(maxReplyMb * 1024 * 1024),
    limitNames: { timeout: '--timeout', maxReply: '--max-reply-mb' },
    proxy,
    userAgent: `aymara-eval-cli/${VERSION}`,
    onRetry: (r) => io.stderr(`retrying ${r.method} ${r.path} in ${r.delayMs} ms (${r.reason})\n`),
  });
  let result: RunResult;
  try {
    const request = toScoreRequest(parsed, evalUuid);
    // Always unique: a lost reply is recovered by looking the run up by this name, and a name the
    // file gives may already belong to an earlier run, which must never be adopted as this one.
    request.name = uniqueRunName(request.name || basename(path));
    result = await scoreRun({
      client,
      request,
      entries: parsed.entries,
      sandbox: values.sandbox,
      signal,
      onRunKnown: (run) => io.stderr(`run ${run.eval_run_uuid}${run.name ? ` "${oneLine(run.name)}"` : ''}\n`),
    });
  } catch (err) {
    io.stderr(redact(describeFailure(err)) + '\n');
    return isApiError(err) && err.kind === 'validation' ? EXIT.usage : EXIT.api;
  } finally {
    await client.close();
  }

  // ---- report
  let report: string;
  switch (format) {
    case 'json':
      report = writeJson(result);
      break;
    case 'sarif':
      report = writeSarif(result, values.output ? relative(resolve(io.cwd, values.output, '..'), path).split('\\').join('/') : pathToFileURL(path).href, parsed.lines, VERSION);
      break;
    case 'junit':
      report = writeJunit(result, label);
      break;
    default:
      report = writeText(result, label);
  }
  report = redact(report);
  if (outPath) {
    try {
      writeFileSync(outPath, report);
    } catch (err) {
      io.stderr(`aymara-eval: could not write ${values.output}: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    io.stderr(writeText({ ...result, items: [] }, label));
  } else {
    io.stdout(report);
    if (format !== 'text') for (const n of result.notes) io.stderr(redact(`note: ${oneLine(n)}\n`));
  }
  const c = result.counts;
  return c.failed > 0 || c.errored > 0 || result.status === 'failed' ? EXIT.failed : EXIT.passed;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      eval: { type: 'string' },
      'base-url': { type: 'string' },
      workspace: { type: 'string' },
      sandbox: { type: 'boolean', default: false },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      timeout: { type: 'string' },
      'max-reply-mb': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

/** The report can be written to `path`: its folder exists and it is not itself a folder. */
function isWritableTarget(path: string): boolean {
  try {
    if (!statSync(dirname(path)).isDirectory()) return false;
  } catch {
    return false;
  }
  try {
    return !statSync(path).isDirectory();
  } catch {
    return true;
  }
}

function describeFailure(err: unknown): string {
  if (err instanceof RunPendingError) return `aymara-eval: ${err.message}`;
  if (err instanceof ApiError) {
    const next = err.kind === 'auth' || err.kind === 'permission' ? 'Check AYMARA_AI_API_KEY.' : err.kind === 'config' || err.kind === 'redirect' ? 'Check --base-url / AYMARA_AI_BASE_URL.' : err.nextStep;
    return `aymara-eval: ${oneLine(err.describe())} ${next}`;
  }
  return `aymara-eval: unexpected error: ${(err as Error)?.message ?? String(err)}`;
}

if (require.main === module) {
  const controller = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('cancelling… (Ctrl+C again to quit now)\n');
    controller.abort();
  });
  main(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), env: process.env, cwd: process.cwd() }, controller.signal).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`aymara-eval: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = EXIT.api;
    },
  );
}

/**
 * Read, decode and parse the file; undefined (after saying why on stderr) when it cannot be read.
 * The text lives only here: the model keeps its line table, not the text, while the run waits.
 */
function readResponsesFile(path: string, label: string, io: Io): ResponsesFile | undefined {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) {
      io.stderr(`${label}: the file is ${Math.round(size / 1048576)} MB, over the ${Math.round(MAX_FILE_BYTES / 1048576)} MB limit; it was not read and nothing was sent. Split it into smaller files.\n`);
      return undefined;
    }
    const bytes = readFileSync(path);
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') io.stderr(`${label}: no such file\n`);
    else if (code === 'EISDIR') io.stderr(`${label}: is a directory, not a responses file\n`);
    else if (err instanceof TypeError) io.stderr(`${label}: the file is not UTF-8 text; save it as UTF-8 JSON. Nothing was sent.\n`);
    else io.stderr(`${label}: could not be read (${code ?? (err as Error).message})\n`);
    return undefined;
  }
  const parsed = parseResponsesFile(text, { fileName: path });
  parsed.lines.detach();
  return parsed;
}
