/**
 * aymara-eval: score a responses file from a terminal or CI with the same core as the extension.
 *
 *   aymara-eval score <file> [--eval <uuid>] [--base-url <url>] [--workspace <uuid>] [--sandbox]
 *                            [--format text|json|sarif|junit|csv|markdown] [--output <path>] [--timeout <s>]
 *                            [--max-file-mb <n>] [--baseline <run>] [--only-failed-from <run>]
 *                            [--fail-on failures|regressions] [--min-pass-rate <p>]
 *   aymara-eval compare <baseline-run> <current-run> [--file <file>] [--format text|json]
 *                            [--fail-on failures|regressions]  (see ./cli/compareCommand)
 *   aymara-eval report <run>… [--format markdown|json] [--output <path>]  (see ./cli/reportCommand)
 *
 * Exit codes: 0 every scored response passed (or the chosen gates held); 1 some failed or were
 * not scored (or a gate tripped: see ./cli/gates); 2 invalid input or usage (nothing sent);
 * 3 API or network failure.
 *
 * Everything printed goes through ./cli/output (the API key is removed per channel) and terminal
 * lines are built with `line` (every value made inert).
 */
import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { compareCommand } from './cli/compareCommand';
import { openClient } from './cli/connect';
import { isDefault, parseGates, trippedGates } from './cli/gates';
import { prepareIteration } from './cli/iteration';
import { output, type Io, type Output } from './cli/output';
import { reportCommand } from './cli/reportCommand';
import { ApiError, isApiError } from './core/apiError';
import { DEFAULT_BASE_URL } from './core/baseUrl';
import { compareRuns, comparisonHeadline, comparisonReport, type Comparison } from './core/compare/compare';
import { RunChoiceError } from './core/compare/fetchRun';
import { FileReadError, decodeUtf8, readRegularFile } from './core/fileBytes';
import { writeComparisonText } from './core/report/comparisonText';
import { writeJson } from './core/report/json';
import { writeCsv } from './core/report/csv';
import { writeJunit } from './core/report/junit';
import { writeMarkdown } from './core/report/markdown';
import { artifactUri, writeSarif } from './core/report/sarif';
import { line, writeText } from './core/report/text';
import { MAX_FILE_BYTES, ResponsesFileError, parseResponsesFile, type ResponsesFile } from './core/responsesFile';
import { scoreFile } from './core/scoreFile';
import { LocalFileError } from './core/files/resolve';
import { UploadCache } from './core/files/uploadCache';
import type { RunResult } from './core/results';
import { RunPendingError } from './core/runPending';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

export const EXIT = { passed: 0, failed: 1, usage: 2, api: 3 } as const;

/** The file model reads at most MAX_FILE_BYTES; --max-file-mb can lower the cap, not raise it. */
const MAX_MB = MAX_FILE_BYTES / 1048576;

const USAGE = `Usage: aymara-eval score <file> [options]
       aymara-eval compare <baseline-run> <current-run> [--file <file>] [--format text|json]
       aymara-eval report <run>... [--format markdown|json] [--output <path>]

score: scores a responses file (the score-responses request body, a bare JSON
array of responses, or JSON Lines) against an Aymara eval.
compare: compares two finished runs of one eval without scoring (lines from
--file when given); it exits 0 unless --fail-on is given.
report: asks Aymara for a report on 1 to 100 finished runs, waits for it (up
to 10 minutes; progress on standard error, Ctrl+C stops waiting) and prints it:
markdown (default: overall summaries, then per run the passing summary, failing
summary and improvement advice, categories as tables) or json (the report as
the API returned it). Exits 0 when printed.

Options:
  --eval <uuid>          eval to score against (default: the file's "eval_uuid")
  --base-url <url>       API origin (default: $AYMARA_AI_BASE_URL, else ${DEFAULT_BASE_URL});
                         https only, or http to a loopback address
  --workspace <uuid>     Aymara workspace (workspace_uuid)
  --sandbox              score in sandbox mode (is_sandbox=true)
  --format <f>           text (default), json, sarif, junit, csv or markdown; for report:
                         markdown (default) or json
  --output <path>        write the report to a file instead of standard output
  --timeout <seconds>    longest time for one API request, retries included (default 120)
  --max-reply-mb <n>     largest API reply read, in MB (default 512)
  --max-file-mb <n>      largest responses file read, in MB (default and most ${MAX_MB}); only
                         a regular file is read
  --baseline <run>       compare with that earlier run of the eval: the report adds which
                         responses newly fail, which were fixed, which still fail, changed
                         (same verdict class, other explanation or confidence moved >= 0.1),
                         or are only in one run; matched by prompt, thread and turn
  --only-failed-from <run>  send only the responses of <file> that failed or errored in
                         that run (none: exit 0, nothing sent)
  --fail-on <when>       failures (default): exit 1 when a response failed or errored;
                         regressions: exit 1 only when a response newly fails against
                         --baseline (which it needs)
  --min-pass-rate <p>    exit 1 when the run's pass rate ((passed + refused) / judged, as
                         the report shows it) is below p, a fraction from 0 to 1. Alone it
                         replaces the default --fail-on failures; with --fail-on given,
                         exit 1 when either trips
  --file <file>          (compare) match both runs to this responses file for line numbers
  -h, --help             show this help
  -v, --version          show the version

The API key is read from AYMARA_AI_API_KEY. HTTPS_PROXY / HTTP_PROXY and NO_PROXY
choose an HTTP proxy (https goes through it with CONNECT).
Exit codes: 0 all scored responses passed, 1 some failed or were not scored,
2 invalid input or usage (nothing sent), 3 API or network failure. With
--fail-on regressions or --min-pass-rate, 1 means that gate tripped instead.
`;

export async function main(argv: string[], io: Io, signal?: AbortSignal): Promise<number> {
  const o = output(io, io.env.AYMARA_AI_API_KEY?.trim());
  try {
    return await run(argv, io, o, signal);
  } catch (err) {
    o.err(line`aymara-eval: unexpected error: ${(err as Error)?.stack ?? String(err)}` + '\n');
    return EXIT.api;
  }
}

async function run(argv: string[], io: Io, o: Output, signal: AbortSignal | undefined): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    o.err(line`aymara-eval: ${(err as Error).message}` + `\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = args;
  if (values.version) {
    o.out(`${VERSION}\n`);
    return EXIT.passed;
  }
  if (values.help || positionals.length === 0) {
    (values.help ? o.out : o.err)(USAGE);
    return values.help ? EXIT.passed : EXIT.usage;
  }
  const [command, file, ...rest] = positionals;
  if (command === 'report') {
    const timeout = values.timeout === undefined ? 120 : Number(values.timeout);
    const reply = values['max-reply-mb'] === undefined ? 512 : Number(values['max-reply-mb']);
    if (!Number.isFinite(timeout) || timeout <= 0 || !Number.isFinite(reply) || reply <= 0 || reply > 4096) {
      o.err('aymara-eval: --timeout must be a positive number of seconds and --max-reply-mb a number of megabytes between 0 and 4096. Nothing was sent.\n');
      return EXIT.usage;
    }
    const connect = () => openClient(io, o, { baseUrl: values['base-url'], workspace: values.workspace, timeoutSec: timeout, maxReplyMb: reply, version: VERSION });
    const runs = positionals.slice(1);
    return reportCommand({ runs, values, cwd: io.cwd, waitMs: 600_000, out: o, writable: isWritableTarget, connect, describeFailure, signal });
  }
  if (command === 'compare' ? !file || rest.length !== 1 : command !== 'score' || !file || rest.length) {
    o.err(`aymara-eval: expected "score <file>" or "compare <baseline-run> <current-run>" (or "report <run>...")\n\n${USAGE}`);
    return EXIT.usage;
  }
  const format = values.format ?? 'text';
  if (!['text', 'json', 'sarif', 'junit', 'csv', 'markdown'].includes(format)) {
    o.err(line`aymara-eval: --format must be text, json, sarif, junit, csv or markdown (got "${format}")` + '\n');
    return EXIT.usage;
  }
  const timeoutSec = values.timeout === undefined ? 120 : Number(values.timeout);
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) {
    o.err('aymara-eval: --timeout must be a positive number of seconds\n');
    return EXIT.usage;
  }
  const maxFileMb = values['max-file-mb'] === undefined ? MAX_MB : Number(values['max-file-mb']);
  if (!Number.isFinite(maxFileMb) || maxFileMb <= 0 || maxFileMb > MAX_MB) {
    o.err(`aymara-eval: --max-file-mb must be a number of MB above 0 and at most ${MAX_MB}\n`);
    return EXIT.usage;
  }
  const maxReplyMb = values['max-reply-mb'] === undefined ? 512 : Number(values['max-reply-mb']);
  if (!Number.isFinite(maxReplyMb) || maxReplyMb <= 0 || maxReplyMb > 4096) {
    o.err('aymara-eval: --max-reply-mb must be a number of megabytes between 0 and 4096\n');
    return EXIT.usage;
  }
  const gates = parseGates(values, command as 'score' | 'compare');
  if (typeof gates === 'string') {
    o.err(line`aymara-eval: ${gates}. Nothing was sent.` + '\n');
    return EXIT.usage;
  }
  const maxFileBytes = Math.max(1, Math.floor(maxFileMb * 1048576));
  const connect = () => openClient(io, o, { baseUrl: values['base-url'], workspace: values.workspace, timeoutSec, maxReplyMb, version: VERSION });
  if (command === 'compare') {
    const load = (f: string) => loadFile(f, io, o, maxFileBytes);
    return compareCommand({ baseline: file!, current: rest[0]!, values, gates, out: o, connect, load, describeFailure, signal });
  }
  if (values.file !== undefined) {
    o.err('aymara-eval: --file is for "compare"; "score" takes the file as its argument. Nothing was sent.\n');
    return EXIT.usage;
  }

  // ---- read and validate the file; nothing is sent unless it is clean
  const loaded = await loadFile(file!, io, o, maxFileBytes);
  if (loaded === undefined) return EXIT.usage;
  const { path, label, parsed } = loaded;
  const evalUuid = values.eval ?? parsed.evalUuid ?? undefined;
  if (!evalUuid) {
    o.err(line`${label}: no eval given. The file has no "eval_uuid"; pass --eval <uuid>. Nothing was sent.` + '\n');
    return EXIT.usage;
  }

  // ---- where the report goes: checked now, because a report that cannot be written after scoring is lost
  const outPath = values.output ? resolve(io.cwd, values.output) : undefined;
  if (outPath && !isWritableTarget(outPath)) {
    o.err(line`aymara-eval: cannot write --output ${values.output}: its folder does not exist or it is a folder. Nothing was sent.` + '\n');
    return EXIT.usage;
  }

  // ---- where and with what key
  const client = connect();
  if (!client) return EXIT.usage;
  let result: RunResult;
  let comparison: Comparison | undefined;
  try {
    // --baseline and --only-failed-from: their runs are fetched first (a wrong id costs no scoring).
    const prep = await prepareIteration({ client, file: parsed, label, evalUuid, flags: values, out: o, signal });
    if (!prep.send) return EXIT.passed;
    result = await scoreFile({
      file: prep.send,
      evalUuid,
      fileName: basename(path),
      client,
      sandbox: values.sandbox,
      signal,
      // Workspace files (image and video answers): relative to the responses file's folder, never outside it.
      localFiles: { root: dirname(resolve(io.cwd, path)), origin: client.origin, cache: new UploadCache() },
      onProgress: (p) => (p.stage === 'uploading' ? o.err(line`${p.message}` + '\n') : undefined),
      onRunKnown: (r) => o.err(line`run ${r.eval_run_uuid}` + (r.name ? line` "${r.name}"` : '') + '\n'),
    });
    comparison = prep.baseline && compareRuns(prep.baseline, result);
  } catch (err) {
    o.err(describeFailure(err) + '\n');
    return (isApiError(err) && err.kind === 'validation') || err instanceof RunChoiceError || err instanceof LocalFileError || err instanceof ResponsesFileError ? EXIT.usage : EXIT.api;
  } finally {
    await client.close();
  }

  // ---- report: from the result with the key already removed, so no writer can cut it in two
  const shown = o.redact(result);
  const cmp = comparison && o.redact(comparison);
  let report: string;
  switch (format) {
    case 'json':
      report = writeJson(shown, cmp && comparisonReport(cmp));
      break;
    case 'sarif':
      report = writeSarif(shown, artifactUri(path, outPath && dirname(outPath)), parsed.lines, VERSION, cmp);
      break;
    case 'junit':
      report = writeJunit(shown, label);
      break;
    case 'csv':
      report = writeCsv(shown, label);
      break;
    case 'markdown':
      report = writeMarkdown(shown, label);
      break;
    default:
      report = (cmp ? writeComparisonText(cmp, label) + '\n' : '') + writeText(shown, label);
  }
  if (outPath) {
    try {
      o.file(outPath, report);
    } catch (err) {
      o.err(line`aymara-eval: could not write ${values.output}: ${(err as Error).message}` + '\n');
      return EXIT.usage;
    }
    o.err((cmp ? `${comparisonHeadline(cmp)}\n` : '') + writeText({ ...shown, items: [] }, label));
  } else {
    o.out(report);
    if (format !== 'text') for (const n of shown.notes) o.err(line`note: ${n}` + '\n');
  }
  const tripped = trippedGates(gates, result, comparison);
  if (!isDefault(gates)) for (const why of tripped) o.err(line`aymara-eval: exit 1: ${why}` + '\n');
  return tripped.length ? EXIT.failed : EXIT.passed;
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
      'max-file-mb': { type: 'string' },
      baseline: { type: 'string' },
      'only-failed-from': { type: 'string' },
      'fail-on': { type: 'string' },
      'min-pass-rate': { type: 'string' },
      file: { type: 'string' },
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
  if (err instanceof RunPendingError || err instanceof RunChoiceError || err instanceof ResponsesFileError) return line`aymara-eval: ${err.message}`;
  if (err instanceof LocalFileError) return line`aymara-eval: ${err.message}${/nothing was sent/i.test(err.message) ? '' : ' Nothing was sent.'}`;
  if (err instanceof ApiError) {
    const next = err.kind === 'auth' || err.kind === 'permission' ? 'Check AYMARA_AI_API_KEY.' : err.kind === 'config' || err.kind === 'redirect' ? 'Check --base-url / AYMARA_AI_BASE_URL.' : err.nextStep;
    return line`aymara-eval: ${err.describe()} ${next}`;
  }
  return line`aymara-eval: unexpected error: ${(err as Error)?.message ?? String(err)}`;
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
    () => {
      // main reports its own failures (redacted); this is only reached if that reporting failed.
      process.stderr.write('aymara-eval: internal error\n');
      process.exitCode = EXIT.api;
    },
  );
}

/**
 * The responses file as the user named it: read, parsed, its problems printed; undefined (after
 * saying why on stderr) when it cannot be read or has errors. `label` is the name shown: relative
 * to the working folder when the file is inside it, else absolute.
 */
async function loadFile(file: string, io: Io, o: Output, maxBytes: number): Promise<{ path: string; label: string; parsed: ResponsesFile } | undefined> {
  const path = resolve(io.cwd, file);
  const rel = relative(io.cwd, path);
  const label = rel === '' ? basename(path) : isAbsolute(rel) || rel.split(sep)[0] === '..' ? path : rel;
  const parsed = await readResponsesFile(path, label, maxBytes, o);
  if (parsed === undefined) return undefined;
  for (const p of parsed.problems) o.err(line`${label}:${p.line}:${p.column}: ${p.severity}: ${p.message} [${p.code}]` + '\n');
  if (parsed.hasErrors) {
    const n = parsed.problems.filter((p) => p.severity === 'error').length;
    o.err(line`${label}: ${n} error${n === 1 ? '' : 's'}; nothing was sent.` + '\n');
    return undefined;
  }
  return { path, label, parsed };
}

/**
 * Read (only a regular file, at most `maxBytes`), decode and parse the file; undefined (after
 * saying why on stderr) when it cannot be read. The text lives only here: the model keeps its line
 * table, not the text, while the run waits.
 */
async function readResponsesFile(path: string, label: string, maxBytes: number, o: Output): Promise<ResponsesFile | undefined> {
  let text: string;
  try {
    text = decodeUtf8(await readRegularFile(path, maxBytes));
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    const raise = maxBytes < MAX_FILE_BYTES ? `, or raise the limit with --max-file-mb (at most ${MAX_MB})` : '';
    const next = err.problem === 'too-large' ? ` Split it into smaller files${raise}.` : ' Nothing was sent.';
    o.err(line`${label}: ${err.message}` + next + '\n');
    return undefined;
  }
  const parsed = parseResponsesFile(text, { fileName: path });
  parsed.lines.detach();
  return parsed;
}
