/**
 * Every contributed command, invoked with every kind of argument its surfaces pass it (package.json
 * menus, palette, keybindings, and the extension's own tree rows, code lenses and cards), asserting
 * what a user would notice. The last test derives the command × surface list from package.json
 * and fails for any pair no test proved.
 */
import * as assert from 'node:assert/strict';
import { Command } from '../../../src/editor/commandIds';
import { useLocalServer } from '../util';
import { authoringCommands } from './authoring';
import { compareCommands } from './compare';
import { exportCommands } from './export';
import { reportCommands } from './report';
import { turnCommands } from './turns';
import { failedOnlyCommands } from './failedOnly';
import { keyCommands } from './keys';
import { reviewCommands } from './review';
import { scoringCommands } from './scoring';
import { clearCommands, viewCommands } from './views';
import { closeEditors, extensionManifest, ledger, settleProofs, Surface, surfacesFromManifest, world } from './world';

/** Surfaces outside package.json: the extension's own tree rows, lenses, cards and navigation. */
const INTERNAL: Record<string, string[]> = {
  [Command.showExplanations]: [Surface.rowClick, Surface.codeLens],
  [Command.openResult]: [Surface.rowClick],
  [Command.revealEntry]: [Surface.card],
  [Command.focusExplanation]: [Surface.navigation],
};

describe('every command with every argument its surfaces pass', () => {
  before(async () => {
    world.server = await useLocalServer();
    await closeEditors();
  });
  const failed: string[] = [];
  afterEach(function () {
    const passed = this.currentTest?.state === 'passed';
    if (!passed) failed.push(this.currentTest?.fullTitle() ?? '?');
    settleProofs(passed);
  });
  after(async () => {
    await closeEditors();
    await world.server?.close();
  });

  scoringCommands();
  viewCommands();
  keyCommands();
  clearCommands();
  authoringCommands();
  failedOnlyCommands();
  compareCommands();
  exportCommands();
  reportCommands();
  reviewCommands();
  turnCommands();

  describe('coverage', () => {
    it('proved every command of package.json with every surface its menus, palette and keybindings give it', function () {
      if (process.env.AYMARA_TEST_GREP) this.skip();
      // A test that timed out may still finish in the background and claim a proof: count none then.
      assert.deepEqual(failed, [], 'coverage is only counted when every test passed');
      const expected = surfacesFromManifest(extensionManifest());
      for (const [command, surfaces] of Object.entries(INTERNAL)) for (const s of surfaces) expected.set(command, (expected.get(command) ?? new Set()).add(s));
      const proven = ledger();
      const missing: string[] = [];
      for (const c of extensionManifest().contributes.commands) {
        const want = expected.get(c.command) ?? new Set<string>();
        if (!want.size) missing.push(`${c.command}: no surface at all`);
        for (const s of want) if (!proven.get(c.command)?.has(s)) missing.push(`${c.command} ← ${s}`);
      }
      for (const [command, surfaces] of proven) console.log(`      ${command}: ${[...surfaces].join('; ')}`);
      assert.deepEqual(missing, []);
    });
  });
});
