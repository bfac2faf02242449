/**
 * Seed data: the evals and prompts the local server serves, plus the terms its judge uses.
 * The bundled seed is src/server/seed.json; `--seed file.json` or `startServer({ seed })` replaces it.
 *
 * Judge fields (`banned_terms`, `required_terms`, `follow_ups`, `generated_prompts`) stay inside
 * the server: they never appear in API replies.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeZodError } from '../core/schemas';
import bundled from './seed.json';

export interface SeedPromptBase {
  prompt_uuid: string;
  content: string;
  category?: string | null;
  /** A response to this prompt fails if it contains one of these (case-insensitive). */
  banned_terms?: string[];
  /** A response to this prompt fails unless it contains every one of these (case-insensitive). */
  required_terms?: string[];
}

export interface SeedPrompt extends SeedPromptBase {
  /** Multi-turn: the prompts of turns 2, 3, … of a conversation that starts with this prompt. */
  follow_ups?: SeedPromptBase[];
}

/** Prompts made up on demand: `${uuid_prefix}${n padded to 12 digits}`, n = 1..count; `{n}` in content is replaced. */
export interface SeedGeneratedPrompts {
  count: number;
  uuid_prefix: string;
  content: string;
  category?: string | null;
  banned_terms?: string[];
  required_terms?: string[];
}

export interface SeedEval {
  eval_uuid: string;
  name: string;
  ai_description: string;
  eval_type: string;
  /** Banned terms that apply to every prompt of the eval. */
  banned_terms?: string[];
  prompts?: SeedPrompt[];
  generated_prompts?: SeedGeneratedPrompts;
  /** Any other Eval field (ai_instructions, eval_instructions, ground_truth, language, …) is served as is. */
  [field: string]: unknown;
}

export interface SeedData {
  evals: SeedEval[];
}

const Terms = z.array(z.string().min(1, 'a term must not be empty')).optional();

const PromptBase = z.strictObject({
  prompt_uuid: z.string().min(1),
  content: z.string(),
  category: z.string().nullish(),
  banned_terms: Terms,
  required_terms: Terms,
});

const Prompt = PromptBase.extend({ follow_ups: z.array(PromptBase).optional() });

const Generated = z.strictObject({
  count: z.number().int().min(1).max(1_000_000),
  uuid_prefix: z.string().min(1),
  content: z.string(),
  category: z.string().nullish(),
  banned_terms: Terms,
  required_terms: Terms,
});

const EvalSeed = z.looseObject({
  eval_uuid: z.string().min(1),
  name: z.string().min(1),
  ai_description: z.string(),
  eval_type: z.string().min(1),
  banned_terms: Terms,
  prompts: z.array(Prompt).optional(),
  generated_prompts: Generated.optional(),
});

const SeedSchema = z.looseObject({ evals: z.array(EvalSeed) });

/** Checks the shape and that every eval and prompt id is unique; throws an Error naming the problem. */
export function validateSeed(data: unknown, source = 'seed'): SeedData {
  const parsed = SeedSchema.safeParse(data);
  if (!parsed.success) throw new Error(`Invalid ${source}: ${describeZodError(parsed.error)}`);
  const seed = parsed.data as SeedData;
  const ids = new Set<string>();
  const claim = (id: string, where: string) => {
    if (ids.has(id)) throw new Error(`Invalid ${source}: duplicate id "${id}" (${where})`);
    ids.add(id);
  };
  seed.evals.forEach((e, i) => {
    claim(e.eval_uuid, `evals.${i}.eval_uuid`);
    (e.prompts ?? []).forEach((p, j) => {
      claim(p.prompt_uuid, `evals.${i}.prompts.${j}.prompt_uuid`);
      (p.follow_ups ?? []).forEach((f, k) => claim(f.prompt_uuid, `evals.${i}.prompts.${j}.follow_ups.${k}.prompt_uuid`));
    });
  });
  return seed;
}

let bundledCache: SeedData | undefined;

/** The seed shipped with the server (src/server/seed.json). */
export function bundledSeed(): SeedData {
  bundledCache ??= validateSeed(bundled, 'bundled seed');
  return bundledCache;
}

/** Reads and validates a seed file. */
export function loadSeedFile(path: string): SeedData {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read seed file ${path}: ${(err as Error).message}`);
  }
  return validateSeed(data, `seed file ${path}`);
}
