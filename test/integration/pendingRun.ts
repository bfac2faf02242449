/**
 * A real run left pending, as a window reload in the middle of scoring leaves it: the run exists
 * on the server and is still being scored, and its id is in pending-runs.json in the extension's
 * workspace storage (RunStore writes that file before it waits on the server, so a reload finds
 * it). Shared by the Restricted Mode suite (must not resume it) and the resume suite (must).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AymaraClient } from '../../src/core/client';
import { parseResponsesFile, toScoreRequest } from '../../src/core/responsesFile';
import { uniqueRunName } from '../../src/core/scoring';
import type { LocalServer } from '../../src/server';
import { DEMO_KEY, testSnapshot } from './util';

export const SCORE = 'POST /v2/eval-runs/-/score-responses';
export const GET_RUN = 'GET /v2/eval-runs/{id}';

export interface PendingSeed {
  runUuid: string;
  /** The pending file, under the extension's workspace storage. */
  pendingFile: string;
  /** Requests the server had seen once the seed was in place. */
  requestsBefore: number;
}

export async function seedPendingRun(server: LocalServer, file: vscode.Uri): Promise<PendingSeed> {
  // The run, created on the server as the extension creates it, and left processing.
  server.faults.add({ route: SCORE, kind: 'processing', polls: 1 });
  const model = parseResponsesFile(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)), { fileName: file.path });
  const request = toScoreRequest(model);
  request.name = uniqueRunName(path.posix.basename(file.path));
  const client = new AymaraClient({ baseUrl: server.url, apiKey: DEMO_KEY });
  let run;
  try {
    run = await client.scoreResponses(request);
  } finally {
    await client.close();
  }
  assert.equal(server.runs.get(run.eval_run_uuid)?.status, 'processing', 'the seeded run is still being scored');

  // Its id in the pending file, as RunStore writes it.
  const storage = (await testSnapshot()).dirs.workspaceStorage;
  assert.ok(storage, 'the extension has no workspace storage (is a folder open?)');
  const pendingFile = path.join(storage, 'pending-runs.json');
  fs.mkdirSync(storage, { recursive: true });
  const pending = { eval_run_uuid: run.eval_run_uuid, eval_uuid: run.eval_uuid, name: run.name ?? null, started_at: new Date().toISOString() };
  fs.writeFileSync(pendingFile, JSON.stringify({ [file.toString()]: pending }));
  return { runUuid: run.eval_run_uuid, pendingFile, requestsBefore: server.stats.total };
}

