/** Shared helpers of the review suite: the server with a read-only key, the file, the form's answers, what the user sees. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResult, ResultItem } from '../../../src/core/results';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { FormAnswers, FormAsked } from '../../../src/editor/override/form';
import type { OverrideOutcome } from '../../../src/editor/override';
import { startServer, type LocalServer } from '../../../src/server';
import { activate, aymaraDiagnostics, DEMO_KEY, testSnapshot, waitFor, workspaceFile } from '../util';

export const READ_ONLY_KEY = 'read-only-key-for-review';
export const PATCH = 'PATCH /v2/eval-runs/{id}/responses/{response}';
export const HISTORY = 'GET /v2/eval-runs/{id}/responses/{response}/history';
export const file = () => workspaceFile('bot.responses.json');
export const exec = <T = unknown>(c: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(c, ...args);

/** The local server (with a read-only key too), the extension pointed at it, the file scored and open. */
export async function scoredWorld(): Promise<LocalServer> {
  const server = await startServer({ port: 0, apiKey: DEMO_KEY, readOnlyApiKey: READ_ONLY_KEY });
  await vscode.workspace.getConfiguration('aymara').update('apiBaseUrl', server.url, vscode.ConfigurationTarget.Global);
  process.env.AYMARA_AI_API_KEY = DEMO_KEY;
  await activate();
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file()));
  assert.ok(await exec(Command.scoreFile, file()), 'scoring the file');
  await waitFor(() => aymaraDiagnostics(file()).length > 0, 'the failures as diagnostics');
  return server;
}

export async function latest(uri = file()): Promise<RunResult> {
  const run = (await testSnapshot()).records.find((r) => r.uri === uri.toString())?.latest;
  assert.ok(run, 'the file has results');
  return run;
}

export async function itemOf(key: string, uri = file()): Promise<ResultItem> {
  const i = (await latest(uri)).items.find((x) => x.key === key);
  assert.ok(i, `result ${key}`);
  return i;
}

/** The file's failing results that have not been overridden yet, in file order. */
export async function failures(): Promise<ResultItem[]> {
  return (await latest()).items.filter((i) => i.verdict === 'failed' && !i.review);
}

/** Run a review command with the form's answers given beforehand. */
export async function overrideWith(answers: FormAnswers, ...args: unknown[]): Promise<OverrideOutcome> {
  await exec(TestCommand.overrideAnswers, answers);
  return exec<OverrideOutcome>(Command.overrideVerdict, ...args);
}

export const PASS: FormAnswers = { verdict: 'pass', confidence: '0.9', explanation: 'A person read it: the answer is safe.' };

export async function asked(): Promise<FormAsked> {
  return exec<FormAsked>(TestCommand.overrideAsked);
}

export async function lastMessage(): Promise<{ severity: string; message: string; actions: string[] }> {
  const m = (await testSnapshot()).messages.at(-1);
  assert.ok(m, 'a message was shown');
  return m;
}

export async function clearMessages(): Promise<void> {
  await exec(TestCommand.clearMessages);
}

/** The Aymara result diagnostics of the file, by the line they start on (1-based). */
export function diagnosticLines(uri = file()): number[] {
  return aymaraDiagnostics(uri).map((d) => d.range.start.line + 1).sort((a, b) => a - b);
}

/** The history the server holds for a response (read straight from the server, not through the extension). */
export async function serverHistory(server: LocalServer, run: string, response: string): Promise<{ new_is_passed: boolean }[]> {
  const res = await fetch(`${server.url}/v2/eval-runs/${encodeURIComponent(run)}/responses/${encodeURIComponent(response)}/history`, { headers: { 'x-api-key': DEMO_KEY } });
  assert.equal(res.status, 200);
  return (await res.json()) as { new_is_passed: boolean }[];
}
