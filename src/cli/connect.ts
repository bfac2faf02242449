/**
 * The API client the command line talks through: the key from AYMARA_AI_API_KEY, the origin from
 * --base-url / AYMARA_AI_BASE_URL (checked), the proxy from the environment, and the limits the
 * user set. Undefined (after saying why on stderr; nothing was sent) when it cannot be made.
 */
import { DEFAULT_BASE_URL, checkBaseUrl } from '../core/baseUrl';
import { AymaraClient } from '../core/client';
import { proxyFromEnv, type ProxyRoute } from '../core/proxy';
import { line } from '../core/report/text';
import type { Io, Output } from './output';

export interface ConnectOptions {
  baseUrl: string | undefined;
  workspace: string | undefined;
  timeoutSec: number;
  maxReplyMb: number;
  version: string;
}

export function openClient(io: Io, o: Output, c: ConnectOptions): AymaraClient | undefined {
  const apiKey = io.env.AYMARA_AI_API_KEY?.trim();
  if (!apiKey) {
    o.err('aymara-eval: set AYMARA_AI_API_KEY to your Aymara API key. Nothing was sent.\n');
    return undefined;
  }
  let baseUrl: URL;
  let proxy: ProxyRoute | undefined;
  try {
    baseUrl = checkBaseUrl(c.baseUrl ?? (io.env.AYMARA_AI_BASE_URL?.trim() || DEFAULT_BASE_URL));
    proxy = proxyFromEnv(io.env, baseUrl);
  } catch (err) {
    o.err(line`aymara-eval: ${(err as Error).message} Nothing was sent.` + '\n');
    return undefined;
  }
  return new AymaraClient({
    baseUrl: baseUrl.href,
    apiKey,
    workspaceUuid: c.workspace,
    requestTimeoutMs: c.timeoutSec * 1000,
    maxReplyBytes: Math.round(c.maxReplyMb * 1024 * 1024),
    limitNames: { timeout: '--timeout', maxReply: '--max-reply-mb' },
    proxy,
    userAgent: `aymara-eval-cli/${c.version}`,
    onRetry: (r) => o.err(line`retrying ${r.method} ${r.path} in ${r.delayMs} ms (${r.reason})` + '\n'),
  });
}
