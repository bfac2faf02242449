/**
 * Where the command line's text goes: standard output, standard error and the --output report
 * file. Each channel removes the API key in one place, so nothing a server echoes back (run ids
 * and names, messages, error codes, request ids, explanations) can print it, in any format.
 * Terminal lines are built with `line` (core/report/text), which makes every value inert.
 */
import { writeFileSync } from 'node:fs';
import { redactor } from '../core/present/text';
import { xml } from '../core/report/junit';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Output {
  /** Standard output. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
  /** The --output report file (throws what writeFileSync throws). */
  file(path: string, text: string): void;
  /** The secret removed from a value's strings, before a writer cuts any of them short. */
  redact<T>(value: T): T;
}

/** Output channels that never carry `apiKey`, nor its JSON-, XML- or URL-escaped forms. */
export function output(io: Io, apiKey: string | undefined): Output {
  const forms = apiKey ? [apiKey, JSON.stringify(apiKey).slice(1, -1), xml(apiKey), encodeURIComponent(apiKey)] : [];
  const redact = redactor(forms);
  return {
    out: (text) => io.stdout(redact(text)),
    err: (text) => io.stderr(redact(text)),
    file: (path, text) => writeFileSync(path, redact(text)),
    redact: (value) => redactStrings(value, redact),
  };
}

/**
 * Every string in plain data (objects, arrays) passed through `redact`; parts with nothing to
 * redact are returned as they are (no copy). The writers shorten some texts (a headline keeps
 * 160 characters), and a key cut in two would pass the channel's check; redacting the data first
 * leaves nothing of the key to cut.
 */
function redactStrings<T>(value: T, redact: (s: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((v: unknown, i) => {
      const r = redactStrings(v, redact);
      if (r !== v) (copy ??= value.slice())[i] = r;
    });
    return (copy ?? value) as T;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const obj = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const k in obj) {
      const v = obj[k];
      const r = redactStrings(v, redact);
      if (r !== v) (copy ??= { ...obj })[k] = r;
    }
    return (copy ?? value) as T;
  }
  return value;
}
