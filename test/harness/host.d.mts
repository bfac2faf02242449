// Types of host.mjs for TypeScript callers (test/e2e/*.ts). Keep in step with host.mjs.
import type { Browser, BrowserContext, Page } from 'playwright-core';

export declare const repoRoot: string;
export declare function extensionId(): string;
export declare function freePort(): Promise<number>;
export declare function chromiumPath(): string;
export declare function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  opts: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<T>;
export declare function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T>;

export declare const quietSettings: Record<string, unknown>;
export declare const chromiumFlags: string[];

export interface CodeServerOptions {
  /** default: a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** user settings, written to <user-data-dir>/User/settings.json (merged over quietSettings) */
  settings?: Record<string, unknown>;
  /** merge quietSettings under `settings` (default true) */
  quiet?: boolean;
  /** extra environment for the server and its extension hosts (undefined removes a variable) */
  env?: Record<string, string | undefined>;
  /** leave Workspace Trust on (default false: --disable-workspace-trust) */
  trust?: boolean;
  /** honour the `payload` URL parameter (extension tests in the extension host); default false */
  smokeTestDriver?: boolean;
  /** install our extension into the fresh extensions dir (default false) */
  withExtension?: boolean;
  /** 'link' (default): symlink to the repo; 'copy': copy package.json, dist/, media/ */
  extensionMode?: 'link' | 'copy';
  /** extension folder to install (default: the repo root) */
  extensionPath?: string;
  /** HOME points into the temp dir too (default true) */
  isolateHome?: boolean;
  /** name used in messages */
  label?: string;
  /** print the server's output as it comes (default false) */
  echo?: boolean;
  /** default 60 s */
  startTimeoutMs?: number;
  /** internal (the installer's own check): do not call ensureHost() first */
  skipHostCheck?: boolean;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT */
  url: string;
  host: string;
  port: number;
  /** process group id */
  pid: number;
  /** host:port, the authority of vscode-remote URIs */
  authority: string;
  dirs: { root: string; userData: string; extensions: string; home: string };
  /** vscode-remote://HOST:PORT/abs/path */
  remoteUri(absPath: string): string;
  /** http://HOST:PORT/?folder=...&payload=... */
  workbenchUrl(folder?: string, payload?: Array<[string, string]>): string;
  /** everything the server printed so far */
  log(): string;
  /** the extension host log files (exthost.log) so far */
  extHostLog(): string;
  running(): boolean;
  /** ends the process group and removes the temp dirs */
  stop(): Promise<void>;
}

export declare function startCodeServer(opts?: CodeServerOptions): Promise<CodeServer>;
export declare function placeExtension(
  extensionsDir: string,
  opts?: { extensionPath?: string; mode?: 'link' | 'copy' },
): string;

export interface AymaraServerOptions {
  /** default: a free port */
  port?: number;
  /** the key the server accepts (default $AYMARA_LOCAL_API_KEY, else "demo-key"); passed in its environment */
  apiKey?: string;
  /** more arguments for dist/server.js */
  args?: string[];
  env?: Record<string, string | undefined>;
  echo?: boolean;
  /** default 30 s */
  startTimeoutMs?: number;
}

export interface AymaraServer {
  /** the URL the server printed, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  apiKey: string;
  pid: number;
  log(): string;
  running(): boolean;
  stop(): Promise<void>;
}

export declare function startAymaraServer(opts?: AymaraServerOptions): Promise<AymaraServer>;

export interface BrowserOptions {
  /** default 1400x900 */
  viewport?: { width: number; height: number };
  /** default true (AYMARA_HEADED=1 shows it, needs a display) */
  headless?: boolean;
  /** default action timeout (default 20 s) */
  timeoutMs?: number;
  /** print the page's console errors as they come */
  consoleToStdout?: boolean;
}

export interface LaunchedBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** console errors and page errors seen so far */
  consoleErrors(): string[];
  close(): Promise<void>;
}

export declare function launchBrowser(opts?: BrowserOptions): Promise<LaunchedBrowser>;

/** Whether a signal handler is stopping everything (the process is about to exit). */
export declare function shuttingDown(): boolean;

/** Exit code after SIGINT/SIGTERM/SIGHUP once everything is stopped (default 130/143/129). */
export declare function setSignalExitCode(code: number | undefined): void;

/** Removes `dir` on stopAll(), exit or Ctrl+C at the latest; the returned function removes it now. */
export declare function trackTempDir(dir: string): () => Promise<void>;

/** Stops every code-server, Aymara server and browser this process started and still runs. */
export declare function stopAll(): Promise<void>;

export declare function manifest(): { name: string; publisher: string; version: string; displayName?: string };
