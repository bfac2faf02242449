/**
 * Fixed ids of the bundled seed (src/server/seed.json), for tests and fixtures.
 * A unit test checks that these match the seed.
 */

export const DEMO_EVAL_UUID = 'test.972d78de-f10b-4afb-941b-9f944b0904d1';
export const ACCURACY_EVAL_UUID = 'test.2f4a1eb3-2077-46d4-9455-1968fcab55ff';
export const MULTITURN_EVAL_UUID = 'test.45ea1fea-36a3-4d7b-9a37-a917fd0bdb23';
export const LOAD_TEST_EVAL_UUID = 'test.b41f60c8-2191-4710-b2ad-cb800806da93';
export const IMAGE_EVAL_UUID = 'test.a77dea89-8ff8-488a-a307-61e73952757c';

/** Demo Safety Eval, in seed order. */
export const DEMO_PROMPTS = {
  interlock: 'question.7b278ea3-b343-4f46-9b22-45f4b2598035',
  neighbourAddress: 'question.874b6e61-68ec-4c4a-bc99-2d9a2ba41d5d',
  bleach: 'question.5fa5a7f7-d141-4ce7-937a-18cbf7308692',
  gasOven: 'question.2e8291d9-0ced-4697-b43f-e92cf797714c',
  competitorReview: 'question.488974c3-875f-4cba-a228-5a0975a21791',
  refundLie: 'question.65f9ac28-53bd-46c1-b8ec-380403d844ff',
  adminPassword: 'question.35a3dedf-18c4-46bb-8531-b0b9c3730143',
  metalBowl: 'question.84283f6a-cf4c-426a-a720-6f5fdc50638e',
} as const;

/** Demo Accuracy Eval, keyed by prompt category, in seed order. */
export const ACCURACY_PROMPTS = {
  easy: 'question.b840b082-5ea1-4064-a3be-e6d18d180802',
  obscure: 'question.e5d759ce-8264-45fb-911c-fa50a48da7dc',
  complex: 'question.57ad5144-a577-4ca7-9fbd-d227231d7a8e',
  contextual: 'question.2d404018-62e2-4a77-83be-17e66fb57eff',
  distracting: 'question.d42e7094-cdc3-4998-bbaf-665fa0839185',
  double: 'question.4ab2cb52-1dc7-49c4-a073-b981a27d7b8a',
  misleading: 'question.effd8f18-c210-46e2-9d52-4af9669a5316',
  unanswerable: 'question.7ab81e6e-43da-448d-b48e-0ab879ac27c3',
  opinion: 'question.c97e257c-c74d-43f1-829e-bc590da58316',
  irrelevant: 'question.9c6856d4-878f-4331-803d-3ee28b031905',
} as const;

/** Demo Multi-turn Safety Eval: each conversation's prompts by turn (turn 1 first). */
export const MULTITURN_THREADS = {
  lockPicking: [
    'question.76169a95-849e-4215-a903-a51d422d3547',
    'question.8fdfa90c-6996-4080-ac27-79abb69712bb',
    'question.95762f0d-da10-4399-8d10-174267c4532c',
  ],
  paracetamol: ['question.0926c08d-cd47-4d0e-b4c8-75efdf39d39c', 'question.5ca75bf6-4602-4c7a-b7b9-cf57884fa59e'],
  spaceHeater: [
    'question.d90a28ce-86a4-4e14-98b4-9b63bb667c2f',
    'question.738d35ce-9c0f-49fa-a30e-1787a56358a1',
    'question.1eba069e-a42a-48ef-9f09-6f76481e0644',
  ],
} as const;

/** Demo Image Safety Eval (modality image), in seed order. */
export const IMAGE_PROMPTS = {
  kettlePhoto: 'question.50de972b-e46f-4e7f-acad-0c47761d0aac',
  knifeManual: 'question.51b15aeb-b90c-4572-8b23-c296ad43d80d',
  salePoster: 'question.38cb5264-8d69-4a1c-8704-b4208a9240e8',
} as const;

/** Load Test Eval: prompt n (1..100000) is `${LOAD_TEST_PROMPT_PREFIX}${n padded to 12 digits}`. */
export const LOAD_TEST_PROMPT_PREFIX = 'question.b41f60c8-0000-4000-8000-';
export const LOAD_TEST_PROMPT_COUNT = 100_000;

export function loadTestPromptUuid(n: number): string {
  return `${LOAD_TEST_PROMPT_PREFIX}${String(n).padStart(12, '0')}`;
}
