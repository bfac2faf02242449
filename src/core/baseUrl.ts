/**
 * Where the API key may be sent. Only https origins, or http to a loopback address
 * (the bundled local server). The key is bound to the exact origin it was saved for.
 */
import { ApiError } from './apiError';

export const DEFAULT_BASE_URL = 'https://api.aymara.ai';

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Parse and vet a base URL; throws a `config` ApiError with a clear reason. */
export function checkBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ApiError({ kind: 'config', message: `"${raw}" is not a valid URL for the Aymara API.` });
  }
  if (url.username || url.password) {
    throw new ApiError({ kind: 'config', message: 'The API base URL must not contain a user name or password.' });
  }
  if (url.search || url.hash) {
    throw new ApiError({ kind: 'config', message: 'The API base URL must not contain a query or fragment.' });
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  if (url.protocol === 'http:') {
    throw new ApiError({
      kind: 'config',
      message: `Refusing to send the API key over plain http to ${url.host}. Use https, or http only to a loopback address.`,
    });
  }
  throw new ApiError({ kind: 'config', message: `Unsupported protocol "${url.protocol}" in the API base URL.` });
}

/** The origin a key is bound to ("https://api.aymara.ai"). */
export function originOf(raw: string): string {
  return checkBaseUrl(raw).origin;
}
