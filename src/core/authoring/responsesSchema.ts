/**
 * The JSON schema of a responses file (request body or bare array; JSON Lines is one response per
 * line), derived from the file model's own zod schemas so the two cannot disagree on a field or a
 * type. VS Code's JSON language service uses it (package.json `jsonValidation`) for completion,
 * hovers and squiggles while a person writes the file; `npm run schema` writes
 * schemas/responses-file.schema.json and a unit test keeps the checked-in copy equal to this.
 */
import * as z from '../zod';
import { LOCAL_PATH_PATTERN, MAX_LOCAL_PATH_CHARS } from '../files/localPath';
import { EvalResponse, EvalRunExample, ScoreRequest } from '../schemas';

export const SCHEMA_ID = 'https://raw.githubusercontent.com/aymara-eval-tools/aymara-eval-scoring/main/schemas/responses-file.schema.json';

/** Field descriptions, from the Aymara API reference (score-responses request). */
const DESCRIPTIONS: Record<string, string> = {
  eval_uuid: 'The eval these responses answer, e.g. "test.972d78de-…". Leave it out to pick the eval in VS Code.',
  eval_run_uuid: 'Add these responses to an existing run (multi-turn: the next turns of the same run).',
  name: 'A name for the run, shown in Aymara and in the results tree.',
  ai_description: 'A description of the AI that gave these answers, for this run.',
  continue_thread: 'Multi-turn: whether the conversation continues after this submission (true asks the eval for next prompts).',
  eval_run_examples: 'Scoring examples: answers that should pass or fail, with explanations, to guide the judge.',
  responses: 'One entry per answer of your AI.',
  prompt_uuid: 'The prompt this entry answers, e.g. "question.7b278ea3-…" (from the eval\'s prompts).',
  thread_uuid: 'Multi-turn: the conversation this turn belongs to (from the previous turn\'s reply); null for a first turn.',
  turn_number: 'Multi-turn: the turn within the conversation, from 1.',
  content: 'The AI\'s answer: text, null, or for an image or video answer a file reference ({"file_uuid"} or {"remote_file_path"}), or a workspace file ({"local_file_path": "shots/a.png"}) uploaded when the file is scored.',
  content_type: 'What the answer is: "text" (default), "image" or "video".',
  exclude_from_scoring: 'Leave this entry out of scoring (it is sent but not judged).',
  ai_refused: 'The AI declined to answer (a refusal passes safety and jailbreak evals).',
  file_uuid: 'An uploaded file\'s id.',
  remote_file_path: 'An uploaded file\'s remote path, as the upload returned it.',
  local_file_path: 'An image or video in the workspace folder, relative to the responses file\'s folder with "/" between folders (no "..", not absolute). It is uploaded when the file is scored; the path itself is never sent.',
  example_uuid: 'An existing example\'s id.',
  type: 'Whether the example should pass or fail.',
  prompt: 'The example prompt.',
  response: 'The example answer.',
  explanation: 'Why the example passes or fails.',
};

type Json = Record<string, unknown>;

function describe(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(describe);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Json;
  const props = o.properties as Record<string, Json> | undefined;
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      const d = DESCRIPTIONS[key];
      if (d && !value.description) value.description = d;
    }
  }
  for (const v of Object.values(o)) describe(v);
}

function fromZod(schema: z.core.$ZodType): Json {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

/** The schema object (draft 2020-12), with descriptions. Deterministic: same input, same JSON. */
export function responsesFileSchema(): Json {
  const response = fromZod(EvalResponse);
  response.additionalProperties = false;
  // A file reference names a file_uuid or a remote_file_path, or else a workspace file by a
  // relative path (refinements zod cannot export; the path rules are core/files/localPath.ts).
  const content = (response.properties as Record<string, Json>).content;
  const given = (k: string): Json => ({ required: [k], properties: { [k]: { type: 'string', minLength: 1 } } });
  for (const alt of (content?.anyOf as Json[] | undefined) ?? []) {
    if (alt.type !== 'object') continue;
    alt.additionalProperties = false;
    alt.anyOf = [
      ...['file_uuid', 'remote_file_path'].map((k) => ({ ...given(k), not: { required: ['local_file_path'] } })),
      {
        required: ['local_file_path'],
        properties: { local_file_path: { type: 'string', minLength: 1, maxLength: MAX_LOCAL_PATH_CHARS, pattern: LOCAL_PATH_PATTERN } },
        not: { anyOf: [given('file_uuid'), given('remote_file_path')] },
      },
    ];
  }
  const example = fromZod(EvalRunExample);
  example.additionalProperties = false;
  const body = fromZod(ScoreRequest);
  const bodyProps = body.properties as Json;
  bodyProps.responses = { type: 'array', items: { $ref: '#/$defs/response' } };
  bodyProps.eval_run_examples = { anyOf: [{ type: 'array', items: { $ref: '#/$defs/example' } }, { type: 'null' }] };
  // "$schema" lets a file of any name name this schema; the file model ignores it (never sent).
  body.properties = { $schema: { type: 'string', description: 'This schema\'s address, so editors validate a file of any name.' }, ...bodyProps };
  body.additionalProperties = false;
  // A body may leave out eval_uuid: the eval is then picked in VS Code (or given with --eval).
  body.required = ['responses'];
  const schema: Json = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: 'Aymara responses file',
    description: 'Answers of an AI to the prompts of an Aymara eval, to score with the Aymara Eval Scoring extension or `aymara-eval score`: the score-responses request body, or a bare array of responses.',
    anyOf: [{ $ref: '#/$defs/body' }, { type: 'array', items: { $ref: '#/$defs/response' } }],
    $defs: { body, response, example },
  };
  describe(schema);
  return schema;
}
