#!/usr/bin/env node
// Writes schemas/responses-file.schema.json from the file model's zod schemas (after a build:
// it loads out/src/core/authoring/responsesSchema.js). Usage: npm run schema
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { schemaText } = require(join(root, 'out', 'test', 'unit', 'schemaText.js'));
writeFileSync(join(root, 'schemas', 'responses-file.schema.json'), schemaText());
console.log('schemas/responses-file.schema.json written');
