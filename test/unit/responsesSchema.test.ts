/**
 * The JSON schema that editors use while a person writes a responses file, against the file model
 * that decides what is sent: on the same corpus (the malformed-file cases and every valid fixture)
 * they must agree on whether a file is acceptable, except for the rules a JSON schema cannot
 * express, which are named here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parseResponsesFile, toScoreRequest, type ProblemCode } from '../../src/core/responsesFile';
import { schemaText } from './schemaText';

const root = path.resolve(__dirname, '..', '..', '..');
const checkedIn = path.join(root, 'schemas', 'responses-file.schema.json');

/** Problems that depend on more than one value's shape, or on the bytes rather than the JSON. */
const BEYOND_SCHEMA: ReadonlySet<ProblemCode> = new Set<ProblemCode>([
  'syntax', 'bom', 'binary', 'empty', 'too-large', 'too-deep', 'duplicate', 'duplicate-key', 'content-type-mismatch',
  'no-eval', 'no-responses', 'not-json-lines', 'too-many-problems',
]);

function corpus(): string[] {
  const bad = path.join(root, 'test', 'fixtures', 'bad');
  const good = path.join(root, 'test', 'fixtures', 'responses');
  const demo = path.join(root, 'test', 'fixtures', 'workspaces', 'demo');
  return [bad, good, demo].flatMap((dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'cases.json').map((f) => path.join(dir, f)));
}

describe('responses file JSON schema', () => {
  const schema = JSON.parse(fs.readFileSync(checkedIn, 'utf8')) as object;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

  it('is the checked-in file, generated from the file model (run `npm run schema` after changing the model)', () => {
    assert.equal(fs.readFileSync(checkedIn, 'utf8'), schemaText());
  });

  it('is contributed for *.responses.json and shipped in the package', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { jsonValidation: Array<{ fileMatch: string | string[]; url: string }> } };
    const entry = pkg.contributes.jsonValidation.find((j) => j.url === './schemas/responses-file.schema.json');
    assert.ok(entry, 'jsonValidation names the schema');
    assert.ok(([] as string[]).concat(entry.fileMatch).includes('*.responses.json'));
    assert.match(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8'), /^!schemas\/responses-file\.schema\.json$/m);
  });

  it('agrees with the file model on every file of the corpus', () => {
    const files = corpus();
    assert.ok(files.length > 40, `corpus of ${files.length} files`);
    let compared = 0;
    const disagreements: string[] = [];
    for (const file of files) {
      let value: unknown;
      const text = fs.readFileSync(file, 'utf8');
      try {
        value = JSON.parse(text);
      } catch {
        continue; // not JSON: only the file model can speak about it
      }
      const model = parseResponsesFile(text, { fileName: path.basename(file) });
      if (model.problems.some((p) => BEYOND_SCHEMA.has(p.code))) continue;
      compared++;
      const modelAccepts = !model.problems.some((p) => p.severity === 'error' || p.code === 'unknown-key');
      const schemaAccepts = validate(value) as boolean;
      if (modelAccepts !== schemaAccepts) {
        disagreements.push(`${path.relative(root, file)}: file model ${modelAccepts ? 'accepts' : `refuses (${model.problems.map((p) => p.code).join(', ')})`}, schema ${schemaAccepts ? 'accepts' : `refuses (${JSON.stringify(validate.errors?.slice(0, 2))})`}`);
      }
    }
    assert.deepEqual(disagreements, []);
    assert.ok(compared >= 25, `compared ${compared} files`);
  });

  it('accepts a body that names the schema with "$schema", and the file model does not send that key', () => {
    const text = JSON.stringify({ $schema: './schemas/responses-file.schema.json', eval_uuid: 'test.1', responses: [{ prompt_uuid: 'question.1', content: 'hi' }] });
    assert.equal(validate(JSON.parse(text)), true);
    const model = parseResponsesFile(text, { fileName: 'x.json' });
    assert.deepEqual(model.problems, []);
    assert.equal(JSON.stringify(toScoreRequest(model)).includes('$schema'), false, 'the key is not sent');
  });
});
