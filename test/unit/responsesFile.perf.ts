/**
 * Micro-benchmark: parseResponsesFile vs JSON.parse on the same text. Prints only; not a test.
 *   npm run build && node --expose-gc out/test/unit/responsesFile.perf.js [entries...]
 * Target: ratio ≤ 2.0 at 10,000 entries (~6 MB).
 */
import { parseResponsesFile } from '../../src/core/responsesFile';

const WORDS = (
  'I can’t help with dangerous stunts, but here is some general safety advice: always wear a helmet, check your equipment, ' +
  'and never practise alone. If you are unsure, ask a qualified instructor — they can assess the risks. "Safety first" is a good rule.\n' +
  'Also consider the weather, the terrain and how tired you are.'
).split(' ');

function hex(n: number, len: number): string {
  return (n >>> 0).toString(16).padStart(len, '0').slice(-len);
}

function uuid(i: number): string {
  return `${hex(i * 2654435761, 8)}-${hex(i * 40503, 4)}-4${hex(i * 7, 3)}-9${hex(i * 13, 3)}-${hex(i * 977, 12)}`;
}

function content(i: number, len: number): string {
  let s = '';
  let k = i;
  while (s.length < len) {
    s += `${WORDS[k % WORDS.length]} `;
    k = (k * 7 + 3) % 1_000_003;
  }
  return s.trim();
}

/**
 * A pretty-printed request body with `n` responses of about 600 bytes each. By default the
 * optional fields come and go (about eight different key sets, the harder case for the
 * engine); `uniform` gives every response the same keys.
 */
export function makeBody(n: number, ascii = false, uniform = false): string {
  const responses = [];
  for (let i = 0; i < n; i++) {
    const r: Record<string, unknown> = { prompt_uuid: `question.${uuid(i)}`, content: content(i, 440) };
    if (uniform) {
      r.thread_uuid = `conversation.${uuid(i + 7)}`;
      r.turn_number = 1 + (i % 4);
      r.ai_refused = i % 17 === 0;
    } else {
      if (i % 3 === 0) r.thread_uuid = `conversation.${uuid(i + 7)}`;
      if (i % 3 === 0) r.turn_number = 1 + (i % 4);
      if (i % 5 === 0) r.content_type = 'text';
      if (i % 17 === 0) r.ai_refused = true;
    }
    responses.push(r);
  }
  const text = JSON.stringify({ eval_uuid: `test.${uuid(1)}`, name: 'bench', responses }, null, 2);
  return ascii ? text.replace(/[^\n -~]/g, '-') : text;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Times JSON.parse and parseResponsesFile alternately. Reports the median and the minimum of
 * wall-clock time, and the median of process CPU time (which, on a busy machine, leaves out
 * the time spent waiting for a core).
 */
function bench(label: string, text: string, rounds: number): void {
  const jp: number[] = [];
  const rf: number[] = [];
  const jc: number[] = [];
  const rc: number[] = [];
  let entries = 0;
  // With --expose-gc each run starts from a collected heap, so neither pays for the other's garbage.
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  for (let r = 0; r < rounds; r++) {
    gc();
    let c = cpuMs();
    let t = performance.now();
    JSON.parse(text);
    jp.push(performance.now() - t);
    jc.push(cpuMs() - c);
    gc();
    c = cpuMs();
    t = performance.now();
    const f = parseResponsesFile(text);
    rf.push(performance.now() - t);
    rc.push(cpuMs() - c);
    entries = f.entries.length;
    if (f.hasErrors) throw new Error('benchmark file has errors');
  }
  const fmt = (a: number, b: number) => `${a.toFixed(1)} / ${b.toFixed(1)} ms = ${(b / a).toFixed(2)}`;
  console.log(
    `${label.padEnd(28)} ${(text.length / 1e6).toFixed(1).padStart(5)} MB ${String(entries).padStart(6)} entries | JSON.parse / parseResponsesFile: ` +
      `median ${fmt(median(jp), median(rf))} | min ${fmt(Math.min(...jp), Math.min(...rf))} | cpu median ${fmt(median(jc), median(rc))}`,
  );
}

function main(): void {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  for (const n of sizes.length ? sizes : [10_000, 100_000]) {
    const rounds = n > 50_000 ? 9 : 31;
    bench(`${n} mixed keys, unicode`, makeBody(n), rounds);
    bench(`${n} mixed keys, ascii`, makeBody(n, true), rounds);
    bench(`${n} uniform keys`, makeBody(n, false, true), rounds);
  }
}

if (require.main === module && !process.env.PERF_NO_MAIN) main();
