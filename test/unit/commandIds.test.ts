/**
 * The command ids of src/editor/commandIds.ts against package.json: the same contributed ids on
 * both sides, private test commands never contributed, menus, keybindings and welcome links naming
 * only contributed commands, and no command id retyped as a string literal elsewhere in src/editor.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, TestCommand, WorkbenchCommand } from '../../src/editor/commandIds';

const ROOT = resolve(__dirname, '../../..');

interface Manifest {
  contributes: {
    commands: { command: string }[];
    menus: Record<string, { command: string }[]>;
    keybindings: { command: string }[];
  };
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const contributed = pkg.contributes.commands.map((c) => c.command);
const ours: string[] = Object.values(Command);

describe('command ids (src/editor/commandIds.ts) and package.json', () => {
  it('lists exactly the commands package.json contributes, each once', () => {
    assert.equal(new Set(contributed).size, contributed.length, 'a command is contributed twice');
    assert.equal(new Set(ours).size, ours.length, 'two constants share an id');
    assert.deepEqual([...ours].sort(), [...contributed].sort());
  });

  it('never contributes a private test command', () => {
    for (const id of Object.values(TestCommand)) {
      assert.match(id, /^aymara\._test\./);
      assert.ok(!contributed.includes(id), `${id} is contributed`);
    }
    for (const id of Object.values(WorkbenchCommand)) assert.ok(!contributed.includes(id), `${id} is VS Code's, not ours`);
  });

  it('names only contributed commands in menus, keybindings and welcome links', () => {
    const used = [
      ...Object.values(pkg.contributes.menus).flatMap((items) => items.map((i) => i.command)),
      ...pkg.contributes.keybindings.map((k) => k.command),
      ...Object.values(nls).flatMap((text) => [...text.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1] ?? '')),
    ];
    assert.ok(used.length > 10, `found only ${used.length} references: is the manifest read?`);
    for (const id of used) assert.ok(ours.includes(id), `${id} is used in package.json but is not a contributed command`);
  });

  it('has no command id typed as a string literal in src/editor outside commandIds.ts', () => {
    const dir = join(ROOT, 'src', 'editor');
    const ids = [...ours, ...Object.values(TestCommand), ...Object.values(WorkbenchCommand)];
    const found: string[] = [];
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && n !== 'commandIds.ts')) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const id of ids) if (text.includes(`'${id}'`) || text.includes(`"${id}"`)) found.push(`${f}: ${id}`);
    }
    assert.deepEqual(found, []);
  });
});
