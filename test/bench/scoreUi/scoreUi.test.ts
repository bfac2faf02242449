/**
 * From the Score command to failures in the Problems panel's data, in the real extension host
 * against the local server (started by the bench in its own process): for each responses file
 * named in $AYMARA_BENCH_SCOREUI_FILES, the time from invoking `aymara.scoreFile` to the
 * diagnostics of the file being set (VS Code's onDidChangeDiagnostics), and to the command's
 * end. Writes the figures as JSON to $AYMARA_BENCH_SCOREUI_OUT.
 */
import * as assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as vscode from 'vscode';
import { renderedMarker, START_LINE } from './protocol';

const EXTENSION_ID = 'aymara-eval-tools.aymara-eval-scoring';

export interface ScoreUiResult {
  file: string;
  entries: number;
  /** Command invoked → the file's diagnostics set. */
  diagnosticsMs: number;
  /** Command invoked → the command's promise resolved (run stored, views told). */
  commandMs: number;
  diagnostics: number;
  /** Command invoked → the window's status bar showing the errors (measured by the bench in Chromium; absent when it saw none). */
  renderedMs?: number;
}

/** Waits (up to 60 s) for the bench to say the window showed the errors: it writes `<out>.rendered-<i>`. */
async function windowShowed(out: string, i: number): Promise<void> {
  const marker = renderedMarker(out, i);
  for (let waited = 0; waited < 60_000 && !existsSync(marker); waited += 50) await new Promise((r) => setTimeout(r, 50));
}

function diagnosticsSet(uri: vscode.Uri, t0: number): Promise<number> {
  return new Promise((resolve) => {
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      if (!vscode.languages.getDiagnostics(uri).some((d) => d.source === 'Aymara' && d.severity === vscode.DiagnosticSeverity.Error)) return;
      sub.dispose();
      resolve(performance.now() - t0);
    });
  });
}

/**
 * With $AYMARA_BENCH_SCOREUI_PROFILE set, a CPU profile of the extension host from the command to
 * the diagnostics, written next to that path (open it in Chrome DevTools or VS Code): where the
 * time goes, for the closing note of a performance change.
 */
async function startProfile(): Promise<(to: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  return async (to) => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(to, JSON.stringify(profile));
    session.disconnect();
  };
}

describe('score to diagnostics (bench)', () => {
  it('scores each file and times it', async () => {
    const out = process.env.AYMARA_BENCH_SCOREUI_OUT;
    const server = process.env.AYMARA_BENCH_SCOREUI_SERVER;
    const files = (process.env.AYMARA_BENCH_SCOREUI_FILES ?? '').split('\n').filter(Boolean);
    assert.ok(out && server && files.length, 'AYMARA_BENCH_SCOREUI_OUT, _SERVER and _FILES are set by the bench');
    await vscode.workspace.getConfiguration('aymara').update('apiBaseUrl', server, vscode.ConfigurationTarget.Global);
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const results: ScoreUiResult[] = [];
    for (const [i, path] of files.entries()) {
      const uri = vscode.Uri.file(path);
      const profile = process.env.AYMARA_BENCH_SCOREUI_PROFILE ? await startProfile() : undefined;
      const t0 = performance.now();
      console.log(`${START_LINE} ${i} ${Date.now()}`);
      const diagnostics = diagnosticsSet(uri, t0);
      const result = (await vscode.commands.executeCommand('aymara.scoreFile', uri)) as { items: unknown[] } | undefined;
      const commandMs = performance.now() - t0;
      console.log(`scored ${path} in ${Math.round(commandMs)} ms: ${result ? result.items.length : 'no'} results, ${vscode.languages.getDiagnostics(uri).length} diagnostics`);
      assert.ok(result, `${path} was not scored (see the Aymara log)`);
      const diagnosticsMs = await Promise.race([diagnostics, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`no error diagnostics for ${path} within 60 s of the run`)), 60_000))]);
      await windowShowed(out, i);
      if (profile) await profile(`${process.env.AYMARA_BENCH_SCOREUI_PROFILE}-${i}.cpuprofile`);
      results.push({ file: path, entries: result.items.length, diagnosticsMs, commandMs, diagnostics: vscode.languages.getDiagnostics(uri).length });
      if (i < files.length - 1) await vscode.commands.executeCommand('aymara.results.clear');
    }
    writeFileSync(out, JSON.stringify(results));
  });
});
