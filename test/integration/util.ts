/** Shared helpers for integration suites running inside the real extension host. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { TestCommand } from '../../src/editor/commandIds';
import type { TestSnapshot } from '../../src/editor/testCommands';
import { startServer, type LocalServer } from '../../src/server';

export const EXTENSION_ID = 'aymara-eval-tools.aymara-eval-scoring';
export const DEMO_KEY = 'demo-key';

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Start the local Aymara server and point the extension at it (user settings + env key). */
export async function useLocalServer(apiKey = DEMO_KEY): Promise<LocalServer> {
  const server = await startServer({ port: 0, apiKey });
  await vscode.workspace.getConfiguration('aymara').update('apiBaseUrl', server.url, vscode.ConfigurationTarget.Global);
  process.env.AYMARA_AI_API_KEY = apiKey;
  await activate();
  return server;
}

export async function activate(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  await ext.activate();
}

export async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Line (0-based) of the first occurrence of `needle` in a document. */
export function lineOf(doc: vscode.TextDocument, needle: string, from = 0): number {
  const at = doc.getText().indexOf(needle, from);
  assert.ok(at >= 0, `"${needle}" not found in ${doc.uri.path}`);
  return doc.positionAt(at).line;
}

export function aymaraDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Aymara');
}

/**
 * The extension's state as its private test command returns it (tree rows, status bar, records,
 * explanations panels, recent messages, picker, dirs). The one place that types the command's result.
 */
export async function testSnapshot(): Promise<TestSnapshot> {
  const snap = await vscode.commands.executeCommand<TestSnapshot | undefined>(TestCommand.snapshot);
  assert.ok(snap && typeof snap === 'object', `${TestCommand.snapshot} returned no snapshot (is the extension running in test mode?)`);
  return snap;
}
