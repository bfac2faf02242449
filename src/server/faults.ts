/**
 * Fault injection: a queue of faults, each aimed at a route pattern and used up by matching
 * requests (`times`, default 1). Driven by `server.faults` or over HTTP at /_local/faults.
 *
 * For one request the server takes every matching `latency` fault (their delays add up) plus the
 * first matching fault of any other kind. Kinds that only make sense for some routes are only
 * matched there: processing / never-finish / run-fails on the two run-creating POSTs and on
 * report creation, drop / extra on score-responses and list-responses.
 */
import { z } from 'zod';
import { ERROR_CODES, describeZodError } from '../core/schemas';
import type { RouteName } from './router';
import { ROUTE_PATTERN, routeMatches } from './router';
import type { ActiveFault, Fault, FaultController, FaultKind } from './types';

const Times = z.union([
  z.literal('always').transform(() => Infinity),
  z.custom<number>((v) => v === Infinity || (typeof v === 'number' && Number.isInteger(v) && v >= 1), {
    message: 'times must be a whole number of at least 1, Infinity or "always"',
  }),
]);

const base = {
  route: z.string().regex(ROUTE_PATTERN, 'route must be "*" or "<METHOD> <path pattern>", e.g. "GET /v2/eval-runs/{id}"'),
  times: Times.optional(),
};

const HttpStatus = z.number().int().min(100).max(599);
const Delay = z.number().min(0).max(600_000);

const FaultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('latency'), ms: Delay }),
  z.strictObject({
    ...base,
    kind: z.literal('status'),
    status: HttpStatus,
    code: z.enum(ERROR_CODES).optional(),
    message: z.string().optional(),
    retryAfter: z.number().min(0).optional(),
    retryAfterMs: z.number().min(0).optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
  z.strictObject({ ...base, kind: z.literal('status-after-commit'), status: HttpStatus.optional(), reset: z.boolean().optional(), hang: z.boolean().optional() }),
  z.strictObject({ ...base, kind: z.literal('reset') }),
  z.strictObject({ ...base, kind: z.literal('hang') }),
  z.strictObject({ ...base, kind: z.literal('malformed'), body: z.string().optional() }),
  z.strictObject({
    ...base,
    kind: z.literal('drift'),
    omit: z.array(z.string()).optional(),
    extra: z.record(z.string(), z.unknown()).optional(),
    where: z.enum(['body', 'items', 'responses']).optional(),
  }),
  z.strictObject({ ...base, kind: z.literal('html'), status: HttpStatus.optional(), body: z.string().optional() }),
  z.strictObject({ ...base, kind: z.literal('processing'), polls: z.number().int().min(1).optional() }),
  z.strictObject({ ...base, kind: z.literal('never-finish') }),
  z.strictObject({ ...base, kind: z.literal('run-fails'), polls: z.number().int().min(0).optional() }),
  z.strictObject({ ...base, kind: z.literal('drop'), count: z.number().int().min(1).optional(), promptUuids: z.array(z.string()).optional() }),
  z.strictObject({ ...base, kind: z.literal('extra'), promptUuid: z.string().optional() }),
  z.strictObject({
    ...base,
    kind: z.literal('redirect'),
    location: z.url({ protocol: /^https?$/ }),
    status: z.union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)]).optional(),
  }),
]);

export function parseFaults(input: unknown): Fault[] {
  const list = Array.isArray(input) ? input : [input];
  return list.map((f, i) => {
    const r = FaultSchema.safeParse(f);
    if (!r.success) throw new TypeError(`Invalid fault${list.length > 1 ? ` #${i}` : ''}: ${describeZodError(r.error)}`);
    return r.data as Fault;
  });
}

/** Routes that create something finished only after polling (or shaped to look so by a fault). */
const RUN_CREATING: readonly RouteName[] = ['scoreResponses', 'createRun', 'createReport'];
const RESULT_LISTING: readonly RouteName[] = ['scoreResponses', 'listResponses'];

function appliesTo(kind: FaultKind, route: RouteName | null): boolean {
  switch (kind) {
    case 'processing':
    case 'never-finish':
    case 'run-fails':
      return route !== null && RUN_CREATING.includes(route);
    case 'drop':
    case 'extra':
      return route !== null && RESULT_LISTING.includes(route);
    default:
      return true;
  }
}

export interface TakenFaults {
  latencyMs: number;
  fault: Fault | undefined;
}

export class Faults implements FaultController {
  private active: ActiveFault[] = [];
  private nextId = 1;

  add(fault: Fault | readonly Fault[]): void {
    for (const f of parseFaults(fault)) {
      this.active.push({ ...f, id: this.nextId++, remaining: f.times ?? 1 } as ActiveFault);
    }
  }

  clear(): void {
    this.active = [];
  }

  list(): ActiveFault[] {
    return this.active.filter((f) => f.remaining > 0).map((f) => ({ ...f }));
  }

  get pending(): number {
    return this.active.filter((f) => f.remaining > 0).length;
  }

  /** Uses up the faults that apply to one request. */
  take(method: string, path: string, routeKey: string, route: RouteName | null): TakenFaults {
    let latencyMs = 0;
    let fault: Fault | undefined;
    for (const f of this.active) {
      if (f.remaining <= 0 || !routeMatches(f.route, method, path, routeKey) || !appliesTo(f.kind, route)) continue;
      if (f.kind === 'latency') {
        latencyMs += f.ms;
        f.remaining--;
      } else if (!fault) {
        fault = f;
        f.remaining--;
      }
    }
    this.active = this.active.filter((f) => f.remaining > 0);
    return { latencyMs, fault };
  }
}
