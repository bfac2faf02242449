/** Shared by the hardening tests: texts of the test-command snapshot and a stub API server for replies the local server cannot give. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { MessageSnapshot, TreeRowSnapshot } from '../../../src/editor/testCommands';
import { testSnapshot } from '../util';

export const LINK = '[Open](command:workbench.action.openSettings)';
export const KEY = 'sk-hardening-7c1e-SECRET-do-not-leak';

export const clearMessages = () => vscode.commands.executeCommand('aymara._test.clearMessages');

/**
 * Everything the results tree shows that the extension writes: at every depth, except the labels
 * of file rows, which VS Code renders from the file's URI as plain text.
 */
export function treeTexts(rows: TreeRowSnapshot[], depth = 0): string[] {
  return rows.flatMap((r) => [...(depth ? [r.label] : []), typeof r.description === 'string' ? r.description : '', r.tooltip ?? '', ...treeTexts(r.children, depth + 1)]);
}

/** Every text a message handed to VS Code: the message, its detail and its buttons. */
export function messageTexts(messages: MessageSnapshot[]): string[] {
  return messages.flatMap((m) => [m.message, m.detail ?? '', ...m.actions]);
}

export interface StubReply {
  status: number;
  json: unknown;
}
export interface Stub {
  url: string;
  requests: string[];
  /** Answers each request; the default answers 404 in the API's error shape. */
  handler: (method: string, path: string, body: unknown) => StubReply | undefined;
  close(): Promise<void>;
}

/** A small API stand-in on loopback that answers whatever a test wants (hostile text included). */
export async function startStub(): Promise<Stub> {
  const stub: Stub = {
    url: '',
    requests: [],
    handler: () => undefined,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      stub.requests.push(`${req.method} ${path}`);
      let body: unknown;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      } catch {
        body = undefined;
      }
      const reply = stub.handler(req.method ?? 'GET', path, body) ?? { status: 404, json: { error: { code: 'resource.not_found', message: `No ${path} here.` }, request_id: 'req-404' } };
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}

/** Point the extension at a server and use `key` from the environment (allowed for loopback origins). */
export async function useOrigin(url: string, key: string): Promise<void> {
  await vscode.workspace.getConfiguration('aymara').update('apiBaseUrl', url, vscode.ConfigurationTarget.Global);
  process.env.AYMARA_AI_API_KEY = key;
}

/** The text of the extension's "Aymara" log, as written to disk so far. */
export async function logText(): Promise<string> {
  const { dirs } = await testSnapshot();
  const fs = await import('node:fs');
  return fs
    .readdirSync(dirs.log, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /Aymara\.log$/.test(e.name))
    .map((e) => fs.readFileSync(`${e.parentPath}/${e.name}`, 'utf8'))
    .join('\n');
}
