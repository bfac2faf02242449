/**
 * The official SARIF 2.1.0 JSON schema (test/fixtures/sarif, see its README for the source),
 * compiled with ajv, with strict checks for the three formats it uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';

const SCHEMA = join(__dirname, '../../../test/fixtures/sarif/sarif-schema-2.1.0.json');

/** RFC 3986 URI-reference: only URI characters, well-formed %XX escapes, at most one "#". */
export function isUriReference(s: string): boolean {
  if (!/^[A-Za-z0-9\-._~!$&'()*+,;=:@/?#%[\]]*$/.test(s)) return false;
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) return false;
  if (s.indexOf('#') !== s.lastIndexOf('#')) return false;
  // "[" and "]" only around an IP literal host
  return !/[[\]]/.test(s.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/\[[0-9A-Fa-f:.]+\]/, ''));
}

/** RFC 3986 URI: a URI-reference with a scheme. */
export function isUri(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) && isUriReference(s);
}

/** RFC 3339 date-time. */
export function isDateTime(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && Number.isFinite(Date.parse(s));
}

let compiled: ((doc: unknown) => string[]) | undefined;

/** Errors of a SARIF log against the official schema (empty when it is valid). */
export function sarifSchemaErrors(doc: unknown): string[] {
  if (!compiled) {
    // Draft-04 schema compiled as draft-07: see test/fixtures/sarif/README.md for why this is the same schema.
    const { $schema: _draft, id: _id, ...schema } = JSON.parse(readFileSync(SCHEMA, 'utf8')) as Record<string, unknown>;
    // strictRequired off: the schema's anyOf branches require properties declared beside them, which is valid JSON Schema.
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, formats: { uri: isUri, 'uri-reference': isUriReference, 'date-time': isDateTime } });
    const validate = ajv.compile(schema);
    compiled = (d) => (validate(d) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
  }
  return compiled(doc);
}
