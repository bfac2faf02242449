/**
 * Run a bench-only mocha suite inside the real extension host: starts code-server (the
 * harness's host) with `extensionDir` as the extension under development and `testsModule` as
 * the tests module, opens `workspace` in Chromium, and waits for the suite to exit.
 */
import { format } from 'node:util';
import type { Page } from 'playwright-core';
import type * as HostLib from '../../harness/host.mjs';

export interface HostSuite {
  label: string;
  extensionDir: string;
  /** The built tests module (its index.js). */
  testsModule: string;
  workspace: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Each line the suite logs, with the workbench page (to measure what the window shows). */
  onLog?: (line: string, page: Page) => void;
}

/** Resolves when the suite passed; rejects with its last failing lines otherwise. */
export async function runSuiteInHost(host: typeof HostLib, s: HostSuite): Promise<void> {
  const lines: string[] = [];
  let server: HostLib.CodeServer | undefined;
  let browser: HostLib.LaunchedBrowser | undefined;
  try {
    server = await host.startCodeServer({ label: s.label, smokeTestDriver: true, env: s.env });
    browser = await host.launchBrowser();
    const { page } = browser;
    let onExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (onExit = resolve));
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown) => {
      const line = Array.isArray(args) ? format(...(args as unknown[])) : String(args);
      lines.push(`[${level}] ${line}`);
      s.onLog?.(line, page);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => onExit(Number(code)));
    const payload: [string, string][] = [
      ['extensionDevelopmentPath', server.remoteUri(s.extensionDir)],
      ['extensionTestsPath', server.remoteUri(s.testsModule)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    await page.goto(server.workbenchUrl(s.workspace, payload), { waitUntil: 'domcontentloaded' });
    const code = await host.withTimeout(exited, s.timeoutMs, `the ${s.label} suite to finish`).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}; its last lines: ${lines.slice(-8).join(' / ')}`);
    });
    if (code !== 0) throw new Error(`the ${s.label} suite failed (exit ${code}): ${lines.filter((l) => /fail|error|assert/i.test(l)).slice(-5).join(' / ')}`);
  } finally {
    await browser?.close();
    await server?.stop();
  }
}
