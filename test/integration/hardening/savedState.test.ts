/**
 * Saved state is untrusted: records read back from workspace state and the pending-runs file are
 * checked; a bad one is dropped with one log line, good ones are kept, and nothing throws.
 * (Raw values are written to workspace state as an old version or a crash might leave them, then
 * read back the way the extension does after activation.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LocalServer } from '../../../src/server';
import { testSnapshot, useLocalServer, waitFor, workspaceFile } from '../util';
import { logText } from './helpers';

const EVAL = 'test.972d78de-f10b-4afb-941b-9f944b0904d1';
const write = (key: string, value: unknown) => vscode.commands.executeCommand('aymara._test.writeState', key, value);
const reload = () => vscode.commands.executeCommand('aymara._test.reloadState');
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('saved state is untrusted', function () {
  this.timeout(60_000);
  let server: LocalServer;
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => {
    await server?.close();
  });

  it('drops bad records with one log line each, keeps the good ones, and every view still renders', async () => {
    const good = workspaceFile('bot.responses.json');
    assert.ok(await vscode.commands.executeCommand('aymara.scoreFile', good));
    const goodRec = (await testSnapshot()).records.find((r) => r.uri === good.toString())!;
    assert.ok(goodRec.latest);

    const noCounts = 'file:///saved/no-counts.responses.json';
    const notObject = 'file:///saved/not-an-object.responses.json';
    const otherUri = 'file:///saved/names-another-file.responses.json';
    const badItem = 'file:///saved/bad-item.responses.json';
    const { counts: _dropped, ...latestWithoutCounts } = goodRec.latest!;
    await write(`aymara.file:${noCounts}`, { ...goodRec, uri: noCounts, latest: latestWithoutCounts });
    await write(`aymara.file:${notObject}`, 'garbage');
    await write(`aymara.file:${otherUri}`, goodRec);
    await write(`aymara.file:${badItem}`, { ...goodRec, uri: badItem, latest: { ...goodRec.latest, items: [{ ...goodRec.latest!.items[0], verdict: 'maybe' }, ...goodRec.latest!.items.slice(1)] } });
    await write('aymara.files', [good.toString(), noCounts, notObject, otherUri, badItem]);

    const pendingFile = path.join((await testSnapshot()).dirs.workspaceStorage!, 'pending-runs.json');
    const pendingGood = 'file:///saved/pending-good.responses.json';
    const pendingBad = 'file:///saved/pending-bad.responses.json';
    fs.mkdirSync(path.dirname(pendingFile), { recursive: true });
    fs.writeFileSync(pendingFile, JSON.stringify({
      [pendingGood]: { eval_run_uuid: 'score_run.saved-1', eval_uuid: EVAL, name: null, started_at: new Date().toISOString() },
      [pendingBad]: { eval_uuid: 42 },
    }));

    await reload();
    const snap = await testSnapshot();
    const uris = snap.records.map((r) => r.uri).sort();
    assert.deepEqual(uris, [good.toString(), pendingGood].sort(), 'good records kept, bad ones dropped');
    assert.deepEqual(snap.records.find((r) => r.uri === good.toString())?.latest?.counts, goodRec.latest!.counts);
    assert.ok(snap.tree.some((r) => r.label === 'bot.responses.json' && r.children.length > 0), 'the tree renders the good record');
    assert.ok(snap.tree.some((r) => /run pending/.test(String(r.description))), 'and the pending run');

    const log = await waitFor(async () => {
      const t = await logText();
      return t.includes(pendingBad) ? t : undefined;
    }, 'the log lines');
    for (const uri of [noCounts, notObject, otherUri, badItem]) assert.equal(count(log, `Dropped the saved results of ${uri}`), 1, uri);
    assert.equal(count(log, `Dropped a saved pending run for ${pendingBad}`), 1);

    // The results still work: navigation and scoring again.
    assert.ok(await vscode.commands.executeCommand('aymara.nextFailure'));
    assert.ok(await vscode.commands.executeCommand('aymara.scoreFile', good));
  });

  it('a saved index that is not a list of files is ignored with one log line', async () => {
    await write('aymara.files', { not: 'a list' });
    await reload();
    const snap = await testSnapshot();
    assert.ok(!snap.records.some((r) => r.uri === workspaceFile('bot.responses.json').toString()), 'nothing is read through a bad index');
    assert.ok(Array.isArray(snap.tree));
    const log = await waitFor(async () => {
      const t = await logText();
      return t.includes('Ignored the saved list of scored files') ? t : undefined;
    }, 'the log line');
    assert.equal(count(log, 'Ignored the saved list of scored files'), 1);
    // Scoring writes a good index again.
    assert.ok(await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile('bot.responses.json')));
    await reload();
    assert.ok((await testSnapshot()).records.some((r) => r.uri === workspaceFile('bot.responses.json').toString()));
  });
});
