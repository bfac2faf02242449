/**
 * What a failed e2e test leaves behind: a screenshot and every log under
 * test-results/e2e/<test title>/, and a digest of them for the test output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkbenchSession } from './workbench';

/** Saves a screenshot, the code-server and extension host logs, and browser errors. */
export async function saveFailureArtefacts(resultsDir: string, session: WorkbenchSession, title: string): Promise<string> {
  const dir = path.join(resultsDir, 'e2e', title.replace(/[^\w.-]+/g, '_').slice(0, 120));
  fs.rmSync(dir, { recursive: true, force: true }); // a previous run's files would mix with these
  fs.mkdirSync(dir, { recursive: true });
  await session.page.screenshot({ path: path.join(dir, 'screenshot.png'), timeout: 10_000 }).catch(() => undefined);
  fs.writeFileSync(path.join(dir, 'code-server.log'), session.server.log());
  fs.writeFileSync(path.join(dir, 'exthost.log'), session.server.extHostLog());
  fs.writeFileSync(path.join(dir, 'browser-console.log'), session.browser.consoleErrors().join('\n'));
  if (session.aymara) fs.writeFileSync(path.join(dir, 'aymara-server.log'), session.aymara.log());
  // Every log of the server side (extension host, output channels such as the extension's own).
  const logs = path.join(session.server.dirs.userData, 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(dir, 'logs'), { recursive: true });
  return dir;
}

/**
 * What the screen showed (input box, notifications) and the end of the extension's own log, for
 * the test output: enough to tell a stuck dialog from a silent extension.
 */
export async function failureDigest(session: WorkbenchSession, dir: string): Promise<string> {
  const text = async (selector: string): Promise<string> =>
    (await session.page.locator(selector).allInnerTexts().catch(() => [] as string[])).join(' | ').replace(/\s+/g, ' ').trim().slice(0, 600);
  const lines = [`      on screen, input box: ${(await text('.quick-input-widget:visible')) || '(none)'}`, `      on screen, notifications: ${(await text('.notifications-toasts')) || '(none)'}`];
  const logs: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (/Aymara/i.test(e.name) && e.name.endsWith('.log')) logs.push(path.join(d, e.name));
    }
  };
  walk(path.join(dir, 'logs'));
  for (const file of logs) {
    const tail = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-25);
    lines.push(`      end of ${path.basename(file)}:`, ...tail.map((l) => `        ${l}`));
  }
  return lines.join('\n');
}
