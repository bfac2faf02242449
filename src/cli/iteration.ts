/**
 * The iteration loop on "score": before sending, fetch the --only-failed-from run (and keep only
 * the file's entries that failed or errored in it) and the --baseline run (matched to the whole
 * file, so every entry the file holds has its line); after scoring, compare with the baseline.
 * Both runs are fetched before the score request, so a wrong run id costs no scoring.
 */
import type { AymaraClient } from '../core/client';
import { failingKeys } from '../core/compare/compare';
import { fetchRunResult } from '../core/compare/fetchRun';
import { line } from '../core/report/text';
import type { ResponsesFile } from '../core/responsesFile';
import type { RunResult } from '../core/results';
import type { Output } from './output';

export interface IterationFlags {
  baseline?: string;
  'only-failed-from'?: string;
}

export type Prepared =
  | { send: ResponsesFile; baseline: RunResult | undefined }
  /** Nothing to send: the --only-failed-from run has no failing entry in the file. */
  | { send: undefined; baseline: undefined };

export async function prepareIteration(o: {
  client: AymaraClient;
  file: ResponsesFile;
  label: string;
  evalUuid: string;
  flags: IterationFlags;
  out: Output;
  signal?: AbortSignal;
}): Promise<Prepared> {
  let send = o.file;
  const from = o.flags['only-failed-from'];
  if (from !== undefined) {
    const earlier = await fetchRunResult(o.client, from, { role: '--only-failed-from run', evalUuid: o.evalUuid, entries: o.file.entries, signal: o.signal });
    const keys = failingKeys(earlier);
    const entries = o.file.entries.filter((e) => keys.has(e.key));
    const elsewhere = keys.size - entries.length;
    const notInFile = elsewhere > 0 ? line` (${elsewhere} other${elsewhere === 1 ? '' : 's'} that failed there ${elsewhere === 1 ? 'is' : 'are'} not in ${o.label})` : '';
    if (!entries.length) {
      o.out.err(line`aymara-eval: no response of ${o.label} failed or errored in run ${from}` + notInFile + '; nothing was sent.\n');
      return { send: undefined, baseline: undefined };
    }
    o.out.err(line`sending ${entries.length} of ${o.file.entries.length} responses: those that failed or errored in run ${from}` + notInFile + '\n');
    send = { ...o.file, entries };
  }
  const baselineId = o.flags.baseline;
  const baseline = baselineId === undefined ? undefined : await fetchRunResult(o.client, baselineId, { role: '--baseline run', evalUuid: o.evalUuid, entries: o.file.entries, signal: o.signal });
  return { send, baseline };
}

