/**
 * The Get Started walkthrough: every step completes on a real event, either a contributed command
 * being run or a context key the extension sets from what happened (a key saved, results arriving,
 * a second run), and the extension sets those keys exactly then.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import { WalkthroughContext } from '../../../src/editor/walkthrough';
import type { LocalServer } from '../../../src/server';
import { EXTENSION_ID, useLocalServer, waitFor, workspaceFile } from '../util';

interface Step { id: string; title: string; description: string; media: { markdown?: string }; completionEvents: string[] }
const exec = <T = unknown>(c: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(c, ...args);
const contextKeys = () => exec<Record<string, boolean>>(TestCommand.walkthroughContext);

describe('Get Started walkthrough', () => {
  let server: LocalServer;
  const ext = () => vscode.extensions.getExtension(EXTENSION_ID)!;
  before(async () => {
    server = await useLocalServer();
  });
  after(async () => {
    await exec(TestCommand.setKey, new URL(server.url).origin, undefined);
    await server?.close();
  });

  it('has the four steps, each completing on a contributed command or a context key the extension sets', () => {
    const pkg = ext().packageJSON as { contributes: { walkthroughs: { id: string; steps: Step[] }[]; commands: { command: string }[] } };
    const [w] = pkg.contributes.walkthroughs;
    assert.ok(w);
    assert.deepEqual(w.steps.map((s) => s.id), ['aymara.setKey', 'aymara.score', 'aymara.read', 'aymara.compare']);
    const commands = new Set(pkg.contributes.commands.map((c) => c.command));
    const keys = new Set<string>(Object.values(WalkthroughContext));
    for (const step of w.steps) {
      assert.ok(step.completionEvents.length, `${step.id} completes on something`);
      for (const e of step.completionEvents) {
        const [kind, what] = e.split(':') as [string, string];
        assert.ok(kind === 'onCommand' ? commands.has(what) : kind === 'onContext' && keys.has(what), `${step.id}: ${e}`);
      }
      assert.ok(step.media.markdown && fs.existsSync(path.join(ext().extensionPath, step.media.markdown)), `${step.id}: ${step.media.markdown}`);
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(command!), `${step.id} links ${command}`);
    }
  });

  it('"Set your API key" completes when a key is saved for the configured origin, and undoes when it is cleared', async () => {
    const origin = new URL(server.url).origin;
    await waitFor(async () => (await contextKeys())[WalkthroughContext.hasKey] === false, 'no saved key at first (the environment\'s does not count)');
    await exec(TestCommand.setKey, origin, 'a-walkthrough-key');
    await waitFor(async () => (await contextKeys())[WalkthroughContext.hasKey] === true, 'the key step done');
    await exec(TestCommand.setKey, origin, undefined);
    await waitFor(async () => (await contextKeys())[WalkthroughContext.hasKey] === false, 'the key step undone');
  });

  it('"Score the demo file" completes when results arrive; "Compare runs" when a file has a second run', async () => {
    const keys = await contextKeys();
    assert.notEqual(keys[WalkthroughContext.hasResults], true, 'not done before scoring');
    assert.notEqual(keys[WalkthroughContext.hasRuns], true);
    assert.ok(await exec(Command.scoreFile, workspaceFile('bot.responses.json')));
    await waitFor(async () => (await contextKeys())[WalkthroughContext.hasResults] === true, 'the score step done');
    assert.notEqual((await contextKeys())[WalkthroughContext.hasRuns], true, 'one run is nothing to compare');
    assert.ok(await exec(Command.scoreFailedOnly, workspaceFile('bot.responses.json')));
    await waitFor(async () => (await contextKeys())[WalkthroughContext.hasRuns] === true, 'the compare step done');
  });
});
