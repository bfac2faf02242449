/**
 * Which HTTP proxy, if any, carries requests to the API origin: from the environment
 * (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, either case; the CLI) or from VS Code's `http.proxy`,
 * `http.proxyStrictSSL`, `http.noProxy` and `http.proxySupport` (the extension, falling back to the
 * environment as VS Code does). The client then tunnels through it with undici's ProxyAgent
 * (CONNECT for https, so the proxy sees only the host and port, never the key).
 */
import { ApiError } from './apiError';
import { oneLine } from './present/text';

export interface ProxyRoute {
  /** The proxy URL (it may carry user:password for Basic proxy authentication). */
  uri: string;
  /** Verify TLS certificates (the proxy's and the API's) on this route. */
  strictSSL: boolean;
  /** Where the proxy came from, for messages: "http.proxy", "HTTPS_PROXY"… */
  source: string;
}

type Env = Record<string, string | undefined>;

/** The proxy for `target` from the environment; undefined when none is set or NO_PROXY excludes the target. */
export function proxyFromEnv(env: Env, target: URL, strictSSL = true, extraNoProxy: readonly string[] = []): ProxyRoute | undefined {
  const names = target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  const source = names.find((n) => env[n]?.trim());
  if (!source) return undefined;
  const noProxy = [...extraNoProxy, ...splitList(env.no_proxy?.trim() ? env.no_proxy : (env.NO_PROXY ?? ''))];
  if (bypassesProxy(target, noProxy)) return undefined;
  return { uri: checkProxyUrl(env[source]!, source), strictSSL, source };
}

/** VS Code's proxy settings, as read from the `http` configuration section. */
export interface EditorProxySettings {
  proxy?: unknown;
  strictSSL?: unknown;
  noProxy?: unknown;
  support?: unknown;
}

/**
 * The proxy for `target` under VS Code's settings: none when `http.proxySupport` is "off";
 * `http.proxy` when set, else the environment; never for a host listed in `http.noProxy`.
 */
export function proxyFromEditor(s: EditorProxySettings, env: Env, target: URL): ProxyRoute | undefined {
  if (s.support === 'off') return undefined;
  const strictSSL = s.strictSSL !== false;
  const noProxy = Array.isArray(s.noProxy) ? s.noProxy.filter((x): x is string => typeof x === 'string') : [];
  const configured = typeof s.proxy === 'string' ? s.proxy.trim() : '';
  if (!configured) return proxyFromEnv(env, target, strictSSL, noProxy);
  if (bypassesProxy(target, noProxy)) return undefined;
  return { uri: checkProxyUrl(configured, 'http.proxy'), strictSSL, source: 'http.proxy' };
}

/**
 * NO_PROXY rules as curl and undici read them: "*" matches every host; "host" or ".host" or
 * "*.host" matches the host and its subdomains; "host:port" only that port; IPv6 with or without brackets.
 */
export function bypassesProxy(target: URL, entries: readonly string[]): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let name = entry;
    let entryPort = 0;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      name = bracketed[1]!;
      entryPort = Number(bracketed[2] ?? 0);
    } else if (entry.split(':').length === 2) {
      const [h, p] = entry.split(':');
      if (/^\d+$/.test(p!)) {
        name = h!;
        entryPort = Number(p);
      }
    }
    if (entryPort && entryPort !== port) continue;
    name = name.replace(/^\*?\./, '');
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** How a proxy is named in messages and logs: its origin (never its credentials) and where it came from. */
export function proxyLabel(route: ProxyRoute): string {
  return `${new URL(route.uri).origin} (from ${route.source})`;
}

function splitList(s: string): string[] {
  return s.split(/[,\s]+/).filter(Boolean);
}

/** A proxy URL with its scheme (http:// when none is given, as curl reads "host:port"). */
function checkProxyUrl(raw: string, source: string): string {
  const value = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL | undefined;
  try {
    url = new URL(withScheme);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    const shown = oneLine(withScheme.replace(/\/\/[^@/]*@/, '//…@'), 100);
    throw new ApiError({ kind: 'config', message: `The proxy "${shown}" from ${source} is not an http:// or https:// proxy URL; fix or unset ${source}.` });
  }
  return url.href;
}
