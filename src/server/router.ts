/**
 * The route table and path-pattern matching (shared by routing, stats and faults).
 * Route keys are '<METHOD> <template>', e.g. 'GET /v2/eval-runs/{id}'.
 */

export type RouteName =
  | 'health'
  | 'listEvals'
  | 'getEval'
  | 'listPrompts'
  | 'scoreResponses'
  | 'createRun'
  | 'listRuns'
  | 'getRun'
  | 'deleteRun'
  | 'listResponses'
  | 'overrideResponse'
  | 'responseHistory'
  | 'createReport'
  | 'listReports'
  | 'getReport'
  | 'deleteReport'
  | 'uploadFile'
  | 'createFiles'
  | 'getFile'
  | 'getFileStatus'
  | 'putFileBytes'
  | 'getFileBytes';

interface RouteDef {
  method: string;
  template: string;
  name: RouteName;
  /** Authorised by a signature in the URL (a presigned storage URL) instead of x-api-key. */
  presigned?: true;
}

/** Path of the local object storage behind presigned file URLs (stands in for S3). */
export const STORAGE_PREFIX = '/local-storage/files';

const ROUTES: readonly RouteDef[] = [
  { method: 'GET', template: '/health/', name: 'health' },
  { method: 'GET', template: '/v2/evals', name: 'listEvals' },
  { method: 'GET', template: '/v2/evals/{id}', name: 'getEval' },
  { method: 'GET', template: '/v2/evals/{id}/prompts', name: 'listPrompts' },
  { method: 'POST', template: '/v2/eval-runs/-/score-responses', name: 'scoreResponses' },
  { method: 'POST', template: '/v2/eval-runs', name: 'createRun' },
  { method: 'GET', template: '/v2/eval-runs', name: 'listRuns' },
  { method: 'GET', template: '/v2/eval-runs/{id}', name: 'getRun' },
  { method: 'DELETE', template: '/v2/eval-runs/{id}', name: 'deleteRun' },
  { method: 'GET', template: '/v2/eval-runs/{id}/responses', name: 'listResponses' },
  { method: 'PATCH', template: '/v2/eval-runs/{id}/responses/{response}', name: 'overrideResponse' },
  { method: 'GET', template: '/v2/eval-runs/{id}/responses/{response}/history', name: 'responseHistory' },
  { method: 'POST', template: '/v2/eval-reports', name: 'createReport' },
  { method: 'GET', template: '/v2/eval-reports', name: 'listReports' },
  { method: 'GET', template: '/v2/eval-reports/{id}', name: 'getReport' },
  { method: 'DELETE', template: '/v2/eval-reports/{id}', name: 'deleteReport' },
  { method: 'POST', template: '/v2/files/-/uploads', name: 'uploadFile' },
  { method: 'POST', template: '/v2/files', name: 'createFiles' },
  { method: 'GET', template: '/v2/files/{id}', name: 'getFile' },
  { method: 'GET', template: '/v2/files/{id}/status', name: 'getFileStatus' },
  { method: 'PUT', template: `${STORAGE_PREFIX}/{id}`, name: 'putFileBytes', presigned: true },
  { method: 'GET', template: `${STORAGE_PREFIX}/{id}`, name: 'getFileBytes', presigned: true },
];

export const ROUTE_KEYS: readonly string[] = ROUTES.map((r) => `${r.method} ${r.template}`);

export interface RouteMatch {
  name: RouteName;
  key: string;
  params: Record<string, string>;
  presigned: boolean;
}

export type RouteLookup =
  | { found: true; route: RouteMatch }
  /** `allowed` lists methods that exist for this path (empty when the path is unknown). */
  | { found: false; key: string; allowed: string[] };

function segments(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/').slice(1);
}

const isParam = (seg: string) => seg === '*' || (seg.startsWith('{') && seg.endsWith('}'));

/** Matches a concrete path against a template/pattern; returns the `{name}` captures, or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const pat = segments(pattern);
  const got = segments(path);
  const params: Record<string, string> = {};
  for (let i = 0; i < pat.length; i++) {
    const p = pat[i]!;
    if (p === '**' && i === pat.length - 1) return params;
    const g = got[i];
    if (g === undefined) return null;
    if (isParam(p)) {
      if (!g) return null;
      if (p !== '*') {
        try {
          params[p.slice(1, -1)] = decodeURIComponent(g);
        } catch {
          return null;
        }
      }
    } else if (p !== g) return null;
  }
  return got.length === pat.length ? params : null;
}

export function lookupRoute(method: string, path: string): RouteLookup {
  const allowed: string[] = [];
  for (const r of ROUTES) {
    const params = matchPath(r.template, path);
    if (!params) continue;
    if (r.method === method) return { found: true, route: { name: r.name, key: `${r.method} ${r.template}`, params, presigned: r.presigned === true } };
    allowed.push(r.method);
  }
  // A literal route (…/-/score-responses) also matches {id} patterns of other methods; keep the list exact.
  return { found: false, key: `${method} (no route)`, allowed: [...new Set(allowed)] };
}

/** True when a fault route pattern ('*' or '<METHOD> <pattern>') covers this request. */
export function routeMatches(pattern: string, method: string, path: string, routeKey: string): boolean {
  if (pattern === '*') return true;
  if (pattern === routeKey) return true;
  const space = pattern.indexOf(' ');
  if (space < 0) return false;
  const m = pattern.slice(0, space).toUpperCase();
  const p = pattern.slice(space + 1).trim();
  if (m !== '*' && m !== method) return false;
  return matchPath(p, path) !== null;
}

export const ROUTE_PATTERN = /^(\*|(\*|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S*)$/i;
