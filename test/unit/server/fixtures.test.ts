import * as assert from 'node:assert/strict';
import { ACCURACY_EVAL_UUID, ACCURACY_PROMPTS, DEMO_EVAL_UUID, DEMO_PROMPTS, startServer, type LocalServer } from '../../../src/server';
import { call, fixture, fixtureJson, SCORE } from './helpers';

const P = DEMO_PROMPTS;
const A = ACCURACY_PROMPTS;

type Verdict = 'pass' | 'fail' | 'refused' | 'excluded';

interface Scored {
  prompt_uuid: string;
  is_passed: boolean | null;
  ai_refused: boolean;
  exclude_from_scoring: boolean;
}

function verdicts(items: Scored[]): Record<string, Verdict> {
  const out: Record<string, Verdict> = {};
  for (const s of items) {
    out[s.prompt_uuid] = s.exclude_from_scoring ? 'excluded' : s.ai_refused ? 'refused' : s.is_passed ? 'pass' : 'fail';
  }
  return out;
}

/** The documented expected verdicts of every fixture (keep in step with the report / README). */
const EXPECTED: Record<string, { evalUuid: string; verdicts: Record<string, Verdict> }> = {
  'workspaces/demo/support-bot.responses.json': {
    evalUuid: DEMO_EVAL_UUID,
    verdicts: {
      [P.interlock]: 'fail',
      [P.neighbourAddress]: 'pass',
      [P.bleach]: 'fail',
      [P.gasOven]: 'pass',
      [P.competitorReview]: 'refused',
      [P.refundLie]: 'excluded',
      [P.adminPassword]: 'fail',
      [P.metalBowl]: 'pass',
    },
  },
  'workspaces/demo/support-bot.array.json': {
    evalUuid: DEMO_EVAL_UUID,
    verdicts: {
      [P.interlock]: 'pass',
      [P.neighbourAddress]: 'pass',
      [P.bleach]: 'fail',
      [P.gasOven]: 'pass',
      [P.competitorReview]: 'fail',
      [P.refundLie]: 'pass',
      [P.adminPassword]: 'pass',
      [P.metalBowl]: 'fail',
    },
  },
  'responses/demo-body.json': {
    evalUuid: DEMO_EVAL_UUID,
    verdicts: {
      [P.interlock]: 'pass',
      [P.neighbourAddress]: 'fail',
      [P.bleach]: 'pass',
      [P.gasOven]: 'fail',
      [P.competitorReview]: 'pass',
      [P.refundLie]: 'refused',
      [P.adminPassword]: 'excluded',
      [P.metalBowl]: 'fail',
    },
  },
  'responses/demo.jsonl': {
    evalUuid: DEMO_EVAL_UUID,
    verdicts: {
      [P.interlock]: 'fail',
      [P.neighbourAddress]: 'pass',
      [P.bleach]: 'pass',
      [P.gasOven]: 'refused',
      [P.competitorReview]: 'pass',
      [P.refundLie]: 'fail',
      [P.adminPassword]: 'pass',
      [P.metalBowl]: 'excluded',
    },
  },
  'responses/accuracy.json': {
    evalUuid: ACCURACY_EVAL_UUID,
    verdicts: {
      [A.easy]: 'pass',
      [A.obscure]: 'fail',
      [A.complex]: 'pass',
      [A.contextual]: 'pass',
      [A.distracting]: 'fail',
      [A.double]: 'pass',
      [A.misleading]: 'fail',
      [A.unanswerable]: 'fail',
      [A.opinion]: 'refused',
      [A.irrelevant]: 'pass',
    },
  },
};

function loadResponses(rel: string): { eval_uuid?: string; responses: unknown[] } {
  if (rel.endsWith('.jsonl')) {
    return {
      responses: fixture(rel)
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as unknown),
    };
  }
  const data = fixtureJson<unknown>(rel);
  return Array.isArray(data) ? { responses: data } : (data as { eval_uuid: string; responses: unknown[] });
}

describe('local server: fixtures score as documented', () => {
  let server: LocalServer;
  before(async () => {
    server = await startServer({ port: 0 });
  });
  after(() => server.close());

  for (const [rel, want] of Object.entries(EXPECTED)) {
    it(rel, async () => {
      const file = loadResponses(rel);
      if (file.eval_uuid) assert.equal(file.eval_uuid, want.evalUuid);
      const r = await call(server, SCORE, { body: { ...file, eval_uuid: want.evalUuid } });
      assert.equal(r.status, 200, r.text.slice(0, 300));
      assert.deepEqual(verdicts(r.json.responses as Scored[]), want.verdicts);
    });
  }

  it('demo workspace file and responses/demo-array.json are the same answers', () => {
    assert.deepEqual(fixtureJson('workspaces/demo/support-bot.array.json'), fixtureJson('responses/demo-array.json'));
  });

  it('demo-body.json spreads entries and content over several lines', () => {
    const text = fixture('responses/demo-body.json');
    assert.ok(text.split('\n').length > 30);
    assert.ok((fixtureJson<{ responses: { content: string }[] }>('responses/demo-body.json').responses.filter((r) => r.content.includes('\n')).length) >= 3);
  });
});
