/** What every endpoint handler gets: the request, its parameters and the server's stores. */
import type { IncomingMessage } from 'node:http';
import type { FileStore } from './files';
import type { Reply } from './http';
import type { Overrides } from './overrides';
import type { Reports } from './reports';
import type { Store } from './store';
import type { Fault } from './types';

export interface ApiContext {
  req: IncomingMessage;
  query: URLSearchParams;
  params: Record<string, string>;
  store: Store;
  overrides: Overrides;
  reports: Reports;
  files: FileStore;
  /** The server's own origin, for the presigned URLs it hands out. */
  baseUrl: string;
  maxBodyBytes: number;
  asyncPolls: number;
  /** A fault for the handler to act on (processing, never-finish, run-fails, drop, extra). */
  fault: Fault | undefined;
}

/** Bodies of the small JSON requests (PATCH a verdict, create a report, request upload URLs). */
export const SMALL_BODY_BYTES = 1024 * 1024;

export const ok = (json: unknown): Reply => ({ status: 200, json });
