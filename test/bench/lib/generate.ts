/**
 * Deterministic, realistic responses files for the benchmarks: a score-responses request body
 * for the local server's "Load Test Eval" (prompt n is loadTestPromptUuid(n)), about 600 bytes
 * per entry. Answers vary in length, tone and shape (prose, lists, code and JSON blocks, quotes,
 * curly punctuation, a few accented letters, CJK and emoji), so the text is a two-byte string in
 * V8 like most real files. About one entry in three is pretty-printed over several lines, the
 * rest take one line each. About 4% contain the word "forbidden" (the server fails them), 3% are
 * refusals (`ai_refused`), 1% are excluded from scoring.
 */
import { LOAD_TEST_EVAL_UUID, loadTestPromptUuid } from '../../../src/server/ids';

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPENERS = [
  'Sure — here’s a quick overview.',
  'Great question!',
  'I can help with that.',
  'Short answer: yes, with a few caveats.',
  'Here’s how I would approach it:',
  'There are a couple of ways to look at this.',
  'Thanks for asking.',
  'It depends on your situation, but in general:',
  'Happy to explain.',
  'Let’s break it down step by step.',
];

const SENTENCES = [
  'Start by checking the manufacturer’s instructions, because most appliances list the safe operating range on the label.',
  'If you notice a smell of gas, leave the room, open a window and call the emergency line from outside.',
  'A balanced diet with plenty of vegetables, whole grains and water usually matters more than any single supplement.',
  'The café on the corner serves a decent crème brûlée, but it closes early on Sundays.',
  'In most countries the legal age for this is 18, though some regions set it at 21.',
  'You can reset the router by holding the small button on the back for about ten seconds.',
  'Compound interest means you earn interest on the interest, so starting early makes a large difference.',
  'Photosynthesis turns light, water and carbon dioxide into glucose and oxygen.',
  'When in doubt, ask a qualified professional — a pharmacist can check interactions for free.',
  'The meeting notes say “ship on Friday”, but the release checklist is not finished yet.',
  'Mount Fuji (富士山) is about 3,776 metres high and is usually climbed between July and September.',
  'Keep cleaning products in their original containers and never mix bleach with ammonia.',
  'The function returns null when the list is empty, so check for that before indexing.',
  'Tokyo, São Paulo and Zürich each publish open data about their public transport.',
  'Back up your files before upgrading; a failed update can leave the disk unreadable.',
  'That request would require sharing someone’s private address, which I can’t do.',
  'A good password is long and unique; a password manager makes that practical.',
  'The recipe needs 200 g of flour, two eggs and a pinch of salt.',
  'Most refunds are processed within 5–10 business days after the return arrives.',
  'Unplug the heater before cleaning it, and keep it at least one metre from curtains.',
  'The study had only 40 participants, so its conclusions should be read with care.',
  'Try restarting the service first; if the error persists, look at the last lines of the log.',
  'Use a thermometer: poultry is safe at 74 °C in the thickest part.',
  'The warranty covers manufacturing defects for two years but not accidental damage.',
];

const CLOSERS = [
  'Let me know if you’d like more detail.',
  'Hope this helps! 🙂',
  'Stay safe.',
  'Feel free to ask a follow-up question.',
  'Good luck with it!',
  '',
  '',
];

const FORBIDDEN = [
  'Entering that area without a permit is forbidden, so please don’t try it.',
  'Sharing the admin password is forbidden by the policy you quoted.',
  'Some would say the forbidden shortcut works, but it voids the warranty.',
];

const REFUSALS = [
  'I’m sorry, but I can’t help with that request.',
  'I can’t assist with that. If you’re in danger, please contact local emergency services.',
  'That’s not something I can help with, but I’m happy to help with a related, safe question.',
];

const BLOCKS = [
  '```json\n{\n  "name": "café",\n  "enabled": true,\n  "retries": 3,\n  "tags": ["a", "b"]\n}\n```',
  '```python\nfor item in items:\n    if item.ready:\n        process(item)\n```',
  '```sh\nsudo systemctl restart nginx\njournalctl -u nginx --since "10 min ago"\n```',
  '| Step | Time |\n|------|------|\n| Prep | 10 min |\n| Cook | 25 min |',
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

/** One answer of roughly `target` characters. */
function answer(r: () => number, target: number, kind: 'normal' | 'forbidden' | 'refusal'): string {
  if (kind === 'refusal') {
    let s = pick(r, REFUSALS);
    while (s.length < target * 0.6) s += ` ${pick(r, SENTENCES)}`;
    return s;
  }
  const shape = r();
  const parts: string[] = [pick(r, OPENERS)];
  let len = parts[0]!.length;
  const add = (s: string, sep: string) => {
    parts.push(sep, s);
    len += s.length + sep.length;
  };
  if (kind === 'forbidden') add(pick(r, FORBIDDEN), ' ');
  if (shape < 0.25) {
    // a numbered list
    let n = 1;
    while (len < target - 60) add(`${n++}. ${pick(r, SENTENCES)}`, '\n');
  } else if (shape < 0.4) {
    // prose, then a code or JSON block
    add(pick(r, SENTENCES), ' ');
    add(pick(r, BLOCKS), '\n\n');
    while (len < target - 60) add(pick(r, SENTENCES), ' ');
  } else {
    // paragraphs
    while (len < target - 60) add(pick(r, SENTENCES), r() < 0.25 ? '\n\n' : ' ');
  }
  const closer = pick(r, CLOSERS);
  if (closer) add(closer, '\n\n');
  return parts.join('');
}

export interface GeneratedFile {
  text: string;
  entries: number;
  /** Entries whose content contains "forbidden" (the server fails them). */
  failing: number;
}

/**
 * The text of a responses file with `n` entries (prompts 1..n of the Load Test Eval), the same
 * for the same `n` and seed every time.
 */
export function generateResponsesFile(n: number, seed = 20_240_611): GeneratedFile {
  const r = rng(seed);
  const out: string[] = [];
  out.push(
    '{\n',
    `  "eval_uuid": ${JSON.stringify(LOAD_TEST_EVAL_UUID)},\n`,
    `  "name": "support-bot nightly ${n}",\n`,
    '  "ai_description": "A customer-support assistant for a home-appliance shop; answers in English.",\n',
    '  "responses": [\n',
  );
  let failing = 0;
  for (let i = 0; i < n; i++) {
    const x = r();
    const kind = x < 0.04 ? 'forbidden' : x < 0.07 ? 'refusal' : 'normal';
    if (kind === 'forbidden') failing++;
    const e: Record<string, unknown> = { prompt_uuid: loadTestPromptUuid(i + 1) };
    const y = r();
    if (y < 0.2) e.content_type = 'text';
    e.content = answer(r, 360 + Math.floor(r() * 260), kind);
    if (kind === 'refusal') e.ai_refused = true;
    if (y > 0.99) e.exclude_from_scoring = true;
    if (y > 0.9 && y <= 0.99) e.turn_number = 1;
    if (i % 3 === 0) {
      // pretty-printed over several lines
      const pretty = JSON.stringify(e, null, 2).replace(/\n/g, '\n    ');
      out.push('    ', pretty);
    } else {
      out.push('    {', Object.entries(e).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', '), '}');
    }
    out.push(i + 1 < n ? ',\n' : '\n');
  }
  out.push('  ]\n}\n');
  return { text: out.join(''), entries: n, failing };
}
