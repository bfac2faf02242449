/**
 * Image answers from workspace files, in the real extension host against the local server: the
 * pictures are uploaded once, a rescore uploads nothing (the cache kept in global storage, each
 * file confirmed with GET /v2/files/{id}), and a symlink leading out of the workspace folder is
 * refused with a message and nothing sent.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/results';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';

const UPLOADS = 'POST /v2/files/-/uploads';
const DETAIL = 'GET /v2/files/{id}';
const SCORE = 'POST /v2/eval-runs/-/score-responses';

describe('image answers from workspace files', () => {
  let server: LocalServer;
  let outside: string;
  before(async () => {
    server = await useLocalServer();
    outside = mkdtempSync(join(tmpdir(), 'aymara-outside-'));
    writeFileSync(join(outside, 'secret.png'), await vscode.workspace.fs.readFile(workspaceFile('shots/knife-injury.png')));
    symlinkSync(join(outside, 'secret.png'), workspaceFile('shots/link-out.png').fsPath);
  });
  after(async () => {
    await server?.close();
    rmSync(outside, { recursive: true, force: true });
  });

  const score = async (name: string) => (await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile(name))) as RunResult | undefined;

  it('uploads each picture once and scores it: the one named after a banned term fails', async () => {
    const result = await score('images.responses.json');
    assert.ok(result, 'the command returned no result');
    assert.deepEqual([result.counts.passed, result.counts.failed], [2, 1]);
    assert.equal(result.items.find((i) => i.verdict === 'failed')?.response_text, '[image file shots/knife-injury.png]');
    assert.equal(server.stats.count(UPLOADS), 3);
    const sent = server.stats.recent().filter((r) => r.route === UPLOADS);
    assert.ok(sent.every((r) => r.hadApiKey));
  });

  it('a rescore uploads nothing again: each cached file is only confirmed', async () => {
    const [uploads, details] = [server.stats.count(UPLOADS), server.stats.count(DETAIL)];
    const result = await score('images.responses.json');
    assert.ok(result);
    assert.deepEqual([result.counts.passed, result.counts.failed], [2, 1]);
    assert.equal(server.stats.count(UPLOADS), uploads, 'no second upload');
    assert.equal(server.stats.count(DETAIL) - details, 3, 'one GET /v2/files/{id} per cached file');
  });

  it('files the server lost are uploaded again once their GET says 404', async () => {
    server.reset();
    const result = await score('images.responses.json');
    assert.ok(result);
    assert.equal(server.stats.count(UPLOADS), 3, 'the server had forgotten all three');
    assert.equal(server.stats.count(DETAIL), 3);
  });

  it('the explanations view gets a thumbnail of each workspace picture (webview URIs), none for a link out or a path outside', async () => {
    const uri = workspaceFile('images.responses.json');
    const result = await score('images.responses.json');
    assert.ok(result);
    // The same results for another file, whose answers name a link out of the folder and a "..".
    const other = workspaceFile('escape.responses.json');
    const items = result.items.map((i, n) => ({ ...i, response_text: n === 0 ? '[image file shots/link-out.png]' : n === 1 ? '[image file ../secret.png]' : i.response_text }));
    await vscode.commands.executeCommand('aymara._test.seedRun', other.toString(), { ...result, eval_run_uuid: `${result.eval_run_uuid}-other`, items });
    const posted = async (file: vscode.Uri) => {
      await vscode.commands.executeCommand('aymara.showExplanations', file);
      const panel = await waitFor(async () => (await testSnapshot()).explanations.panels.find((p) => p.fileUri === file.toString() && p.posted?.includes('"type":"data"')), `explanations of ${file.path}`, 30_000);
      return JSON.parse(panel.posted!) as { thumbnails?: Record<string, string> };
    };
    const mine = await posted(uri);
    assert.deepEqual(Object.keys(mine.thumbnails ?? {}).sort(), result.items.map((i) => i.key).sort());
    for (const [key, src] of Object.entries(mine.thumbnails!)) {
      const item = result.items.find((i) => i.key === key)!;
      assert.match(src, /^https:\/\//, 'a webview resource URI, never a file: or remote URL');
      assert.ok(decodeURIComponent(src).endsWith(item.response_text!.slice('[image file '.length, -1)), src);
    }
    const theirs = await posted(other);
    assert.deepEqual(Object.keys(theirs.thumbnails ?? {}), [result.items[2]!.key], 'only the picture inside the folder');
  });

  it('refuses a symlink out of the workspace folder: says which file and why, and sends nothing', async () => {
    await vscode.commands.executeCommand('aymara._test.clearMessages');
    const total = server.stats.total;
    const result = await score('escape.responses.json');
    assert.equal(result, undefined);
    assert.equal(server.stats.total, total, 'no request reached the server, not even the first picture');
    const msg = (await testSnapshot()).messages.at(-1);
    assert.match(msg?.message ?? '', /escape\.responses\.json: "shots\/link-out\.png" is a link to a file outside the workspace folder.*Copy the file into the folder/);
    assert.equal(server.stats.count(SCORE), 2, 'only the two runs before it since the reset');
  });
});
