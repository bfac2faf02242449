/**
 * Trusted workspace: a run left pending by a reload is picked up again. The counterpart of the
 * Restricted Mode suite's check that the same run is not resumed while the workspace is not
 * trusted (Workspace Trust cannot be granted from inside a test, so the two states are two suites).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LocalServer } from '../../../src/server';
import { GET_RUN, SCORE, seedPendingRun } from '../pendingRun';
import { testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';

describe('resuming pending runs (trusted workspace)', () => {
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => server?.close());

  it('is what this suite runs in', () => {
    assert.equal(vscode.workspace.isTrusted, true);
  });

  it('resumes a pending run left by a reload: fetches its results, never re-submits it', async () => {
    const file = workspaceFile('bot.responses.json');
    const seed = await seedPendingRun(server, file);
    const submitted = server.stats.count(SCORE);
    // What the extension runs after activation, on demand (the startup run came before the seed).
    await vscode.commands.executeCommand('aymara._test.resumePending');
    const rec = await waitFor(async () => (await testSnapshot()).records.find((r) => r.uri === file.toString() && r.latest?.eval_run_uuid === seed.runUuid), 'the resumed run\'s results in the store');
    assert.equal(rec.latest?.status, 'finished');
    assert.equal(rec.pending, undefined, 'no longer pending');
    assert.equal(rec.latest?.counts.failed, 2);
    assert.ok(server.stats.count(GET_RUN) >= 1, 'the run was polled');
    assert.equal(server.stats.count(SCORE), submitted, 'the responses were not sent again');
    assert.equal(server.runs.count(), 1, 'no second run');
  });
});
