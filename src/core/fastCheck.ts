/**
 * A zod object schema compiled to plain JavaScript, for input as JSON.parse makes it (or any plain
 * object, keys given as undefined included): for input the schema accepts, the very value its
 * parse returns (same keys in the same order, same defaults, unknown keys dropped or kept as the
 * object says) without zod's allocations; for anything else undefined, and zod decides and words
 * the errors. Several times faster than zod/mini on a valid response of a file or a scored
 * response of a reply.
 *
 * The code is generated from the schema's definition, as zod compiles object schemas itself, so
 * the schema stays the one definition of what is valid. Only what responses files and scored
 * responses need is understood: objects (unknown keys dropped, or kept as z.looseObject keeps
 * them; custom refinements), strings (min length), finite numbers (safe-integer format, bounds),
 * booleans, null, unknown, enums, literals, optional, nullable, default (a primitive, the same
 * each time) and unions of these. Anything else throws, naming what it could not compile.
 */
import type * as z from './zod';

/** A schema compiled by compileObjectCheck. */
export interface CompiledCheck<T> {
  /** The schema's output for valid input, or undefined. */
  readonly parse: (v: unknown) => T | undefined;
  /**
   * After a successful parse: how many of the schema's keys the input has with a value other than
   * undefined, which for JSON.parse's output is how many it has. (Asking `in` about each absent
   * key as well measured 30% slower on a responses file's entries, which leave most keys out.)
   */
  readonly known: number;
}

/**
 * Up to this many keys that may be absent, an object's output is one of 2^MAX_OPTIONAL object
 * literals, each built in one go (a responses file's EvalResponse has two). With more (a scored
 * response has twelve), it is one literal when every key is given, as the API gives them, and is
 * otherwise built key by key in the schema's order.
 */
export const MAX_OPTIONAL = 3;

type Schema = z.core.$ZodType;
/** The parts of zod's definitions read here. */
interface Def {
  type: string;
  check?: string;
  checks?: Schema[];
  coerce?: boolean;
  innerType?: Schema;
  options?: Schema[];
  discriminator?: string;
  inclusive?: boolean;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  minimum?: unknown;
  value?: unknown;
  format?: string;
  when?: unknown;
  fn?: (v: unknown) => unknown;
  defaultValue?: unknown;
}

const defOf = (s: Schema): Def => s._zod.def as unknown as Def;

class Unsupported extends Error {
  constructor(what: string) {
    super(`cannot compile ${what}`);
  }
}

/**
 * Compile `schema` (a zod object). Throws when it holds something not understood here or when
 * this runtime does not allow generated code; zod then has to check every value.
 */
export function compileObjectCheck<T>(schema: z.core.$ZodType<T>): CompiledCheck<T> {
  const c = new Compiler();
  if (defOf(schema).type !== 'object') throw new Unsupported(`a ${defOf(schema).type} at the top level`);
  const out = c.object(schema, 'v', 'return undefined;', 1, true);
  c.line(1, `return ${out};`);
  const check: { parse: CompiledCheck<T>['parse'] | undefined; known: number } = { parse: undefined, known: -1 };
  const names = c.refs.map((_, i) => `ref${i}`);
  const make = new Function(...names, 'self', `"use strict";\nreturn function compiledCheck(v) {\n${c.lines.join('\n')}\n};`) as (...args: unknown[]) => CompiledCheck<T>['parse'];
  check.parse = make(...c.refs, check);
  return check as CompiledCheck<T>;
}

const compiled = new WeakMap<Schema, CompiledCheck<unknown> | null>();

/**
 * `schema` compiled once (compileObjectCheck), or null when it cannot be, for code that checks
 * values against schemas it is handed: zod then checks every value. Whatever the compiled check
 * declines still has to go to zod, which decides and words the errors.
 */
export function compiledCheckOf<T>(schema: z.core.$ZodType<T>): CompiledCheck<T> | null {
  let c = compiled.get(schema);
  if (c === undefined) {
    try {
      c = compileObjectCheck(schema) as CompiledCheck<unknown>;
    } catch {
      c = null;
    }
    compiled.set(schema, c);
  }
  return c as CompiledCheck<T> | null;
}

/** Code points, as zod counts a string's length. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The checks on a schema: its own, and the schema itself when it is one (z.int(), string formats). */
function checksOf(s: Schema): Def[] {
  const d = defOf(s);
  const own = (d.checks ?? []).map(defOf);
  return d.check ? [d, ...own] : own;
}

function noChecks(s: Schema, what: string): void {
  const c = checksOf(s)[0];
  if (c) throw new Unsupported(`a ${c.check} check on ${what}`);
}

/** A primitive as a JavaScript literal. */
function literal(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v))) return JSON.stringify(v);
  throw new Unsupported(`the value ${String(v)}`);
}

class Compiler {
  readonly lines: string[] = [];
  /** Values the code refers to (ref0, ref1, …): refinements and helpers. */
  readonly refs: unknown[] = [];
  private ids = 0;

  line(depth: number, code: string): void {
    this.lines.push(`${'  '.repeat(depth)}${code}`);
  }

  private id(prefix: string): string {
    return `${prefix}${this.ids++}`;
  }

  private ref(v: unknown): string {
    this.refs.push(v);
    return `ref${this.refs.length - 1}`;
  }

  /**
   * Code at `depth` that checks the variable `x` against `s` and runs the statement `fail` when it
   * does not pass. Returns the expression for the output (`x` itself unless a new value is made).
   */
  value(s: Schema, x: string, fail: string, depth: number): string {
    const d = defOf(s);
    if (d.coerce) throw new Unsupported(`a coerced ${d.type}`);
    switch (d.type) {
      case 'string':
        this.line(depth, `if (typeof ${x} !== "string") ${fail}`);
        for (const c of checksOf(s)) {
          if (c.check !== 'min_length' || typeof c.minimum !== 'number') throw new Unsupported(`a ${c.check} check on a string`);
          const m = c.minimum;
          // fewer UTF-16 units than m code points can never reach m, and 2m units always do
          if (m === 1) this.line(depth, `if (${x}.length < 1) ${fail}`);
          else if (m > 1) this.line(depth, `if (${x}.length < ${m} || (${x}.length < ${2 * m} && ${this.ref(codePoints)}(${x}) < ${m})) ${fail}`);
        }
        return x;
      case 'number':
        return this.number(s, x, fail, depth);
      case 'boolean':
        noChecks(s, 'a boolean');
        this.line(depth, `if (typeof ${x} !== "boolean") ${fail}`);
        return x;
      case 'null':
        this.line(depth, `if (${x} !== null) ${fail}`);
        return x;
      case 'enum':
      case 'literal': {
        noChecks(s, `an ${d.type}`);
        const values = [...((s._zod as { values?: Set<unknown> }).values ?? [])];
        if (!values.length) throw new Unsupported(`an empty ${d.type}`);
        this.line(depth, `if (${values.map((v) => `${x} !== ${literal(v)}`).join(' && ')}) ${fail}`);
        return x;
      }
      case 'optional':
      case 'nullable': {
        noChecks(s, `an ${d.type} value`);
        const inner = d.innerType as Schema;
        if (defOf(inner).type === 'default') throw new Unsupported(`a default inside ${d.type}`);
        const at = this.lines.length;
        this.line(depth, `if (${x} !== ${d.type === 'optional' ? 'undefined' : 'null'}) {`);
        const io = this.value(inner, x, fail, depth + 1);
        if (io === x) {
          this.line(depth, '}');
          return x;
        }
        const o = this.id('o');
        this.lines.splice(at, 0, `${'  '.repeat(depth)}let ${o} = ${x};`);
        this.line(depth + 1, `${o} = ${io};`);
        this.line(depth, '}');
        return o;
      }
      case 'default': {
        noChecks(s, 'a default');
        // zod reads the default afresh each time (it may come from a function): it must be the same primitive twice
        const first = d.defaultValue;
        if (!Object.is(first, d.defaultValue)) throw new Unsupported('a default that changes');
        const o = this.id('o');
        this.line(depth, `let ${o} = ${literal(first)};`);
        this.line(depth, `if (${x} !== undefined) {`);
        this.line(depth + 1, `${o} = ${this.value(d.innerType as Schema, x, fail, depth + 1)};`);
        this.line(depth, '}');
        return o;
      }
      case 'union': {
        noChecks(s, 'a union');
        if (d.discriminator !== undefined || d.inclusive === false) throw new Unsupported('a discriminated or exclusive union');
        // the first option that accepts the value gives the output, as in zod
        const o = this.id('o');
        const done = this.id('union');
        this.line(depth, `let ${o};`);
        this.line(depth, `${done}: {`);
        for (const option of d.options ?? []) {
          const next = this.id('option');
          this.line(depth + 1, `${next}: {`);
          this.line(depth + 2, `${o} = ${this.value(option, x, `break ${next};`, depth + 2)};`);
          this.line(depth + 2, `break ${done};`);
          this.line(depth + 1, '}');
        }
        this.line(depth + 1, fail);
        this.line(depth, '}');
        return o;
      }
      case 'unknown':
        noChecks(s, 'an unknown value');
        return x;
      case 'object':
        return this.object(s, x, fail, depth, false);
      default:
        throw new Unsupported(`a ${d.type}`);
    }
  }

  private number(s: Schema, x: string, fail: string, depth: number): string {
    let test = 'isFinite';
    let bounds = '';
    for (const c of checksOf(s)) {
      if (c.when) throw new Unsupported(`a conditional ${c.check} check`);
      if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'float64')) {
        if (c.format === 'safeint') test = 'isSafeInteger';
      } else if ((c.check === 'greater_than' || c.check === 'less_than') && typeof c.value === 'number' && Number.isFinite(c.value)) {
        const op = c.check === 'greater_than' ? (c.inclusive ? '<' : '<=') : c.inclusive ? '>' : '>=';
        bounds += ` || ${x} ${op} ${literal(c.value)}`;
      } else throw new Unsupported(`a ${c.check}${c.format ? ` ${c.format}` : ''} check on a number`);
    }
    this.line(depth, `if (typeof ${x} !== "number" || !Number.${test}(${x})${bounds}) ${fail}`);
    return x;
  }

  /**
   * An object: its known keys checked, the output built, unknown keys copied when the object keeps
   * them, then its refinements. `top`: also count the keys the input gives (CompiledCheck.known).
   *
   * A key is in zod's output as zod's handlePropertyResult decides: a required key (zod's `optin`
   * undefined) must be in the input (`key in input`, so also with the value undefined) and is
   * always in the output; a defaulted one is always in the output; an optional one (optin and
   * optout "optional") is in the output exactly when it is in the input, with its value even when
   * that is undefined, and is not checked when absent.
   */
  object(s: Schema, x: string, fail: string, depth: number, top: boolean): string {
    const d = defOf(s);
    const shape = d.shape ?? {};
    const loose = d.catchall !== undefined;
    if (loose && (defOf(d.catchall as Schema).type !== 'unknown' || checksOf(d.catchall as Schema).length)) throw new Unsupported('an object that rejects or checks unknown keys');
    if (Object.getOwnPropertySymbols(shape).length) throw new Unsupported('an object with symbol keys');
    this.line(depth, `if (typeof ${x} !== "object" || ${x} === null || Array.isArray(${x})) ${fail}`);
    const fields: Field[] = [];
    for (const key of Object.keys(shape)) {
      // also keeps out "__proto__", which zod leaves out of its output
      if (key in Object.prototype) throw new Unsupported(`the key "${key}"`);
      const schema = shape[key] as Schema;
      const k = JSON.stringify(key);
      const input = this.id('k');
      this.line(depth, `const ${input} = ${x}[${k}];`);
      const kind = presence(schema);
      if (kind === 'optional') {
        // a value other than undefined can only be read from a key the input has; `in` decides the rest
        const present = this.id('p');
        this.line(depth, `const ${present} = ${input} !== undefined || ${k} in ${x};`);
        // z.optional() itself lets undefined through unchecked, so only other optional schemas
        // (a union with an optional option) need the check left out for an absent key, as zod does
        const output = defOf(schema).type === 'optional' ? this.value(schema, input, fail, depth) : this.gated(present, schema, input, fail, depth);
        fields.push({ key, input, output, present, given: `(${input} === undefined ? 0 : 1)` });
      } else {
        const maybeUndefined = acceptsUndefined(schema);
        if (kind === 'required' && maybeUndefined) this.line(depth, `if (${input} === undefined && !(${k} in ${x})) ${fail}`);
        const given = kind === 'required' && !maybeUndefined ? '1' : `(${input} === undefined ? 0 : 1)`;
        fields.push({ key, input, output: this.value(schema, input, fail, depth), present: undefined, given });
      }
    }
    const o = this.id('o');
    const optional = fields.filter((f) => f.present !== undefined);
    if (optional.length <= MAX_OPTIONAL) {
      // one literal per set of keys present, so that each object is built in one go
      const build = (i: number, present: ReadonlySet<Field>): string => {
        const f = optional[i];
        if (!f) return literalOf(fields.filter((g) => g.present === undefined || present.has(g)));
        return `${f.present} ? ${build(i + 1, new Set([...present, f]))} : ${build(i + 1, present)}`;
      };
      this.line(depth, `const ${o} = ${build(0, new Set())};`);
    } else {
      // Too many literals: the usual case, every key given, is one literal, and any other is
      // built key by key in the schema's order (zod's order), the same order every time.
      this.line(depth, `let ${o};`);
      this.line(depth, `if (${optional.map((f) => f.present).join(' && ')}) ${o} = ${literalOf(fields)};`);
      this.line(depth, 'else {');
      const first = fields.findIndex((f) => f.present !== undefined);
      this.line(depth + 1, `${o} = ${literalOf(fields.slice(0, first))};`);
      for (const f of fields.slice(first)) this.line(depth + 1, `${f.present ? `if (${f.present}) ` : ''}${o}[${JSON.stringify(f.key)}] = ${f.output};`);
      this.line(depth, '}');
    }
    if (loose) {
      // zod's handleCatchall: after the shape's keys, every other key for…in yields, in that
      // order, with its value as it is (undefined too); "__proto__" is skipped, not assigned. A
      // switch over the known keys measured faster than a Set of them.
      const known = [...fields.map((f) => f.key), '__proto__'].map((k) => `case ${JSON.stringify(k)}:`).join(' ');
      this.line(depth, `for (const key in ${x}) switch (key) { ${known} break; default: ${o}[key] = ${x}[key]; }`);
    }
    for (const c of checksOf(s)) {
      if (c.check !== 'custom' || typeof c.fn !== 'function' || c.when) throw new Unsupported(`a ${c.check} check on an object`);
      this.line(depth, `{ const ok = ${this.ref(c.fn)}(${o}); if (!ok || ok instanceof Promise) ${fail} }`);
    }
    if (top) this.line(depth, `self.known = ${fields.map((f) => f.given).join(' + ') || '0'};`);
    return o;
  }

  /** Code checking `x` against `s` only when `present` holds; returns the output's expression (undefined when absent). */
  private gated(present: string, s: Schema, x: string, fail: string, depth: number): string {
    const at = this.lines.length;
    this.line(depth, `if (${present}) {`);
    const out = this.value(s, x, fail, depth + 1);
    if (out === x) {
      this.line(depth, '}');
      return x;
    }
    const o = this.id('o');
    this.lines.splice(at, 0, `${'  '.repeat(depth)}let ${o};`);
    this.line(depth + 1, `${o} = ${out};`);
    this.line(depth, '}');
    return o;
  }
}

/** A key of an object being compiled. */
interface Field {
  key: string;
  /** The variable holding the input's value. */
  input: string;
  /** The expression for the output's value. */
  output: string;
  /** For a key that is in the output only when in the input: the variable saying whether it is. */
  present: string | undefined;
  /** 1 when the input gives the key a value other than undefined, else 0 (an expression). */
  given: string;
}

/** An object literal of these fields, in this order. */
function literalOf(fields: readonly Field[]): string {
  return fields.length ? `{ ${fields.map((f) => `${JSON.stringify(f.key)}: ${f.output}`).join(', ')} }` : '{}';
}

/**
 * How zod treats the key of a value of `s` (its `optin` and `optout`): required, defaulted (the
 * output always has it) or optional (the output has it when the input does). Other combinations
 * are not understood.
 */
function presence(s: Schema): 'required' | 'defaulted' | 'optional' {
  const { optin, optout } = s._zod;
  if (optin === undefined && optout === undefined) return 'required';
  if (optin === 'defaulted' && optout === undefined) return 'defaulted';
  if (optin === 'optional' && optout === 'optional') return 'optional';
  throw new Unsupported(`a key zod reads as ${String(optin)} and writes as ${String(optout)}`);
}

/** Whether the compiled check of `s` may accept undefined (a required key then also has to be present). */
function acceptsUndefined(s: Schema): boolean {
  const d = defOf(s);
  switch (d.type) {
    case 'unknown':
    case 'optional':
    case 'default':
      return true;
    case 'nullable':
      return acceptsUndefined(d.innerType as Schema);
    case 'union':
      return (d.options ?? []).some(acceptsUndefined);
    default:
      return false;
  }
}
