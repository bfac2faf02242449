/**
 * Paging: fetch a run's 10,000 scored responses from the local server with 20 ms added to every
 * request, with the client's page concurrency against one page after another (target ≥ 4 ×
 * faster) and against the round-trip floor, pages ÷ concurrency × latency (target ≤ 1.3 ×).
 * Beside them, the same pages fetched by a bare HTTP client (Node's http, the same concurrency,
 * bodies read and dropped): what the local server and the loopback take with no client work at
 * all, so the gap to the floor that is the client's own shows.
 */
import * as http from 'node:http';
import { AymaraClient } from '../../src/core/client';
import { interleaveAsync, median, ratioRow, row, type Row } from './lib/measure';

export interface FetchInput {
  baseUrl: string;
  apiKey: string;
  runUuid: string;
  expected: number;
  latencyMs: number;
  pageSize: number;
  concurrency: number;
}

export async function benchFetch(input: FetchInput, details: Record<string, unknown>): Promise<Row[]> {
  const make = (pageConcurrency: number) => new AymaraClient({ baseUrl: input.baseUrl, apiKey: input.apiKey, pageSize: input.pageSize, pageConcurrency });
  const parallel = make(input.concurrency);
  const serial = make(1);
  const check = (r: { items: unknown[]; complete: boolean }) => {
    if (r.items.length !== input.expected || !r.complete) throw new Error(`fetched ${r.items.length} of ${input.expected} scored responses`);
    return r.items.length;
  };
  try {
    const times = await interleaveAsync(
      [
        { name: 'one page after another', fn: async () => check(await serial.listRunResponses(input.runUuid)) },
        { name: `${input.concurrency} at a time`, fn: async () => check(await parallel.listRunResponses(input.runUuid, { expectedCount: input.expected })) },
        { name: 'bare HTTP', fn: () => bare(input) },
      ],
      { warmup: 1, reps: 7 },
    );
    const pages = Math.ceil(input.expected / input.pageSize);
    const floor = (pages / input.concurrency) * input.latencyMs;
    const value = median(times[`${input.concurrency} at a time`]!);
    const raw = median(times['bare HTTP']!);
    const seq = median(times['one page after another']!);
    details.fetch = { pages, floorMs: floor, ...input, ...times };
    const what = `fetch ${input.expected.toLocaleString('en-US')} scored responses (${pages} pages, ${input.concurrency} at a time, +${input.latencyMs} ms each)`;
    return [
      ratioRow('paging.sequential', `${what} vs one page after another`, value, seq, 'ms', { max: 0.25 }, 'ratio ≤ 0.25 (≥ 4× faster)'),
      ratioRow('paging.floor', `${what} vs round-trip floor (${pages} ÷ ${input.concurrency} × ${input.latencyMs} ms)`, value, floor, 'ms', { max: 1.3 }),
      row('paging.bare', `  the same pages by a bare HTTP client (no parsing or checks) vs the floor`, raw, 'ms', { baseline: floor }),
      row('paging.client', `  the client vs the bare HTTP client: its own share`, value, 'ms', { baseline: raw }),
    ];
  } finally {
    await Promise.all([parallel.close(), serial.close()]);
  }
}

/** The same paging against the server running in this process: concurrent only, against the floor (reported). */
export async function benchFetchInProcess(input: FetchInput, details: Record<string, unknown>): Promise<Row[]> {
  const client = new AymaraClient({ baseUrl: input.baseUrl, apiKey: input.apiKey, pageSize: input.pageSize, pageConcurrency: input.concurrency });
  try {
    const times = await interleaveAsync([{ name: 'in process', fn: () => client.listRunResponses(input.runUuid) }], { warmup: 1, reps: 5 });
    const pages = Math.ceil(input.expected / input.pageSize);
    const floor = (pages / input.concurrency) * input.latencyMs;
    details.fetchInProcess = times;
    return [row('paging.floor.inProcess', `  same with the server in this process (its CPU and event loop shared) vs the floor`, median(times['in process']!), 'ms', { baseline: floor })];
  } finally {
    await client.close();
  }
}

/**
 * The same pages as the client asks for, by Node's http with keep-alive and `concurrency`
 * sockets, each body read and dropped. Resolves with the bytes read (checked non-empty).
 */
async function bare(input: FetchInput): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: input.concurrency });
  const pages = Math.ceil(input.expected / input.pageSize);
  let next = 0;
  let bytes = 0;
  const one = (offset: number) =>
    new Promise<void>((resolve, reject) => {
      const url = `${input.baseUrl}/v2/eval-runs/${encodeURIComponent(input.runUuid)}/responses?limit=${input.pageSize}&offset=${offset}`;
      http
        .get(url, { agent, headers: { 'x-api-key': input.apiKey } }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`bare HTTP: status ${res.statusCode} for offset ${offset}`));
          res.on('data', (d: Buffer) => (bytes += d.length));
          res.on('end', resolve);
          res.on('error', reject);
        })
        .on('error', reject);
    });
  try {
    const worker = async () => {
      while (next < pages) await one(next++ * input.pageSize);
    };
    await Promise.all(Array.from({ length: input.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  if (bytes < input.expected * 10) throw new Error(`bare HTTP: only ${bytes} bytes for ${input.expected} scored responses`);
  return bytes;
}
