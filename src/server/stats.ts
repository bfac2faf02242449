/**
 * Request counters for tests: per route key, total, the last request's headers (credentials
 * redacted: the API key's value is never stored) and a bounded list of recent requests.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestRecord, ServerStats, StatsSnapshot } from './types';

const REDACTED = new Set(['x-api-key', 'authorization', 'proxy-authorization', 'cookie']);
const RECENT_MAX = 500;

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = REDACTED.has(name) ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export class Stats implements ServerStats {
  private totalCount = 0;
  private readonly counts = new Map<string, number>();
  private last: Record<string, string> | null = null;
  private log: RequestRecord[] = [];

  get total(): number {
    return this.totalCount;
  }

  get lastHeaders(): Readonly<Record<string, string>> | null {
    return this.last ? { ...this.last } : null;
  }

  /** Records a request as it arrives; the returned record gets its status when the reply is sent. */
  record(method: string, path: string, route: string, headers: IncomingHttpHeaders): RequestRecord {
    this.totalCount++;
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
    this.last = redactHeaders(headers);
    const rec: RequestRecord = { method, path, route, status: null, hadApiKey: headers['x-api-key'] !== undefined, at: new Date().toISOString() };
    this.log.push(rec);
    if (this.log.length > RECENT_MAX) this.log = this.log.slice(-RECENT_MAX);
    return rec;
  }

  count(route: string): number {
    return this.counts.get(route) ?? 0;
  }

  byRoute(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  recent(): RequestRecord[] {
    return this.log.map((r) => ({ ...r }));
  }

  snapshot(): StatsSnapshot {
    return { total: this.totalCount, byRoute: this.byRoute(), lastHeaders: this.lastHeaders, recent: this.recent() };
  }

  reset(): void {
    this.totalCount = 0;
    this.counts.clear();
    this.last = null;
    this.log = [];
  }
}
