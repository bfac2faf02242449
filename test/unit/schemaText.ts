/** The responses-file schema as it is checked in (schemas/responses-file.schema.json); see scripts/write-schema.mjs. */
import { responsesFileSchema } from '../../src/core/authoring/responsesSchema';

export function schemaText(): string {
  return `${JSON.stringify(responsesFileSchema(), null, 2)}\n`;
}
