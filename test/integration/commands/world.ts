/**
 * Shared state and probes of the `commands` suite: the local server, the extension's state read
 * through the private test commands, the effects a user would notice, and the ledger of which
 * command was proven with which argument source (checked against package.json at the end).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { VERDICTS, type RunResult } from '../../../src/core/results';
import type { TreeNode } from '../../../src/editor/commandArgs';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { TestSnapshot, TreeRowSnapshot } from '../../../src/editor/testCommands';
import type { LocalServer } from '../../../src/server';
import { aymaraDiagnostics, EXTENSION_ID, testSnapshot, waitFor, workspaceFile } from '../util';

/** The shapes the private snapshot command returns, under the names this suite uses. */
export type Snapshot = TestSnapshot;
export type Row = TreeRowSnapshot;
export type FileRecord = Snapshot['records'][number];
export type Panel = Snapshot['explanations']['panels'][number];

export const files = {
  one: () => workspaceFile('one.responses.json'),
  two: () => workspaceFile('two.responses.json'),
  three: () => workspaceFile('three.responses.json'),
  bare: () => workspaceFile('bare.json'),
  notes: () => workspaceFile('notes.txt'),
  /** The first turns of the multi-turn eval's conversations (Continue Conversation, Score Next Turn). */
  chat: () => workspaceFile('chat.responses.json'),
};

/** The prompts of the responses that failed or errored in a run, sorted. */
export function failingPrompts(run: RunResult | undefined): string[] {
  return (run?.items ?? []).filter((i) => i.verdict === 'failed' || i.verdict === 'errored').map((i) => i.prompt_uuid).sort();
}

/** The prompts of the responses the server received for a run, sorted. */
export function sentPrompts(runUuid: string | undefined): string[] {
  return (world.server.runs.responses(runUuid ?? '') ?? []).map((r) => r.prompt_uuid).sort();
}

/**
 * Score Failed Only as a user sees it: one new run on the server holding exactly the responses
 * that failed before, shown as the merged view over the file's latest results.
 */
export async function expectFailedOnly(uri: vscode.Uri, act: () => Thenable<unknown>): Promise<void> {
  const latest = (await record(uri))?.latest;
  const failing = failingPrompts(latest);
  assert.ok(failing.length, 'the file has failures to score again');
  const runs = world.server.runs.count();
  await act();
  assert.equal(world.server.runs.count(), runs + 1, 'one new run');
  const now = (await record(uri))?.latest;
  assert.deepEqual(sentPrompts(now?.eval_run_uuid), failing, 'only the failures were sent');
  assert.equal(now?.items.length, latest?.items.length, 'every entry still has a verdict');
  assert.equal(now?.merged?.rescored, failing.length);
}

/** The server every test of the suite scores against (set by the root hook). */
export const world: { server: LocalServer } = { server: undefined as unknown as LocalServer };

export const exec = <T = unknown>(command: string, ...args: unknown[]): Thenable<T> => vscode.commands.executeCommand<T>(command, ...args);
export const snapshot = testSnapshot;
export const record = async (uri: vscode.Uri): Promise<FileRecord | undefined> => (await snapshot()).records.find((r) => r.uri === uri.toString());
export const latestRun = async (uri: vscode.Uri): Promise<string | undefined> => (await record(uri))?.latest?.eval_run_uuid;
export const panels = async (): Promise<Panel[]> => (await snapshot()).explanations.panels;
const base = (uri: vscode.Uri): string => uri.path.split('/').pop() ?? '';

/** Every tree row with the node object the tree gives the commands of that row. */
export async function treeNodes(): Promise<{ id?: string; contextValue?: string; node: TreeNode }[]> {
  return (await exec(TestCommand.treeNodes)) as { id?: string; contextValue?: string; node: TreeNode }[];
}

/** The real node of the first row with this context value (of this file, when given). */
export async function nodeOf(contextValue: string, uri?: vscode.Uri): Promise<TreeNode> {
  const rows = await treeNodes();
  const row = rows.find((r) => r.contextValue === contextValue && (!uri || r.node.uri === uri.toString()));
  assert.ok(row, `no ${contextValue} row${uri ? ` for ${base(uri)}` : ''} in the tree: ${rows.map((r) => r.contextValue).join(', ')}`);
  return row.node;
}

/** Close every editor (and the panel, where Show Log puts the output channel). */
export async function closeEditors(): Promise<void> {
  await exec('workbench.action.closeAllEditors');
  await exec('workbench.action.closePanel');
  await waitFor(() => !vscode.window.activeTextEditor && vscode.window.visibleTextEditors.length === 0, 'all editors to close');
}

export async function openEditor(uri: vscode.Uri, column = vscode.ViewColumn.One): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { viewColumn: column, preview: false });
}

/** The messages the extension showed while `act` ran. */
export async function messagesOf(act: () => Thenable<unknown> | Promise<unknown>): Promise<Snapshot['messages']> {
  await exec(TestCommand.clearMessages);
  await act();
  return (await snapshot()).messages;
}

/** Runs on the local server created for a file (their names start with the file's name). */
export function serverRuns(uri: vscode.Uri): number {
  return world.server.runs.list().filter((r) => r.name.startsWith(base(uri))).length;
}

/**
 * What a user sees after a file was scored: a new run for it on the server with every response of
 * the file, its results in the store (a run id that was not there before), its row in the tree
 * with the pass rate, and its failures in the Problems panel.
 */
export async function expectScored(uri: vscode.Uri, before: { run?: string; serverRuns: number }, responses: number): Promise<RunResult> {
  assert.equal(serverRuns(uri), before.serverRuns + 1, `one new run for ${base(uri)} on the server`);
  const latest = (await record(uri))?.latest;
  assert.ok(latest, `results for ${base(uri)} in the store`);
  assert.notEqual(latest.eval_run_uuid, before.run, `a new run for ${base(uri)}, not the old results`);
  const run = world.server.runs.get(latest.eval_run_uuid);
  assert.ok(run, 'the stored run is the one the server created');
  assert.equal(world.server.runs.responses(latest.eval_run_uuid)?.length, responses, `all ${responses} responses of ${base(uri)} were scored`);
  const row = (await snapshot()).tree.find((r) => r.id === `file|${uri.toString()}`);
  assert.match(String(row?.description), /\d+% · \d+ failed/, `the tree row of ${base(uri)}`);
  const failing = latest.counts.failed + latest.counts.errored;
  await waitFor(() => aymaraDiagnostics(uri).length === failing, `${failing} Aymara diagnostics on ${base(uri)}`);
  return latest;
}

/** The state `expectScored` compares with; take it right before the command. */
export async function before(uri: vscode.Uri): Promise<{ run?: string; serverRuns: number }> {
  return { run: await latestRun(uri), serverRuns: serverRuns(uri) };
}

/** Score the files that have no results yet (so a describe block also runs alone, with a grep). */
export async function ensureScored(...uris: vscode.Uri[]): Promise<void> {
  for (const uri of uris) if (!(await record(uri))?.latest) assert.ok(await exec(Command.scoreFile, uri), `scoring ${base(uri)} failed`);
}

/** A panel of this file (scrolled to `key`, when given), once it exists. */
export async function panelFor(uri: vscode.Uri, key?: string): Promise<Panel> {
  return waitFor(async () => (await panels()).find((p) => p.fileUri === uri.toString() && (key === undefined || p.focused === key)), `the explanations panel of ${base(uri)}${key ? ` scrolled to ${key}` : ''}`);
}

export function extensionManifest(): Manifest {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  return ext.packageJSON as Manifest;
}

// ---------------------------------------------------------------------------------- the ledger

export interface Manifest {
  contributes: {
    commands: { command: string }[];
    menus: Record<string, { command: string; when?: string; group?: string }[]>;
    keybindings: { command: string; when?: string }[];
  };
}

/** Every context value a results-tree row can have. */
export const ROW_CONTEXT_VALUES = ['aymara.file', 'aymara.run.latest', 'aymara.run', ...VERDICTS.map((v) => `aymara.group.${v}`), 'aymara.item', 'aymara.item.detached', 'aymara.changes', 'aymara.item.continue'];

/** The surfaces that invoke a command with no arguments. */
export const NOTHING_SURFACES = ['commandPalette', 'view/title', 'keybinding'];

export const Surface = {
  explorer: 'explorer/context (clicked, [clicked])',
  explorerMulti: 'explorer/context (clicked, selection)',
  editorContext: 'editor/context (uri)',
  editorTitle: 'editor/title (uri, {groupId, editorIndex})',
  row: (group: string | undefined, contextValue: string) => `view/item/context ${group?.startsWith('inline') ? 'inline' : 'menu'} on ${contextValue} row`,
  rowClick: 'tree row click',
  codeLens: 'code lens',
  card: 'explanations card',
  navigation: 'Next/Previous Failing Response',
};

/** Does a view/item/context `when` clause show the item on rows with this context value? */
export function rowMatches(when: string | undefined, contextValue: string): boolean {
  const eq = /viewItem\s*==\s*([^\s&|)]+)/.exec(when ?? '');
  if (eq) return eq[1] === contextValue;
  const re = /viewItem\s*=~\s*\/(.*?)\/(?:\s|$)/.exec(when ?? '');
  if (re) return new RegExp(re[1] ?? '').test(contextValue);
  return true;
}

/** Command → the argument sources package.json gives it (palette, menus, rows, keybindings). */
export function surfacesFromManifest(m: Manifest): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (command: string, surface: string) => out.set(command, (out.get(command) ?? new Set()).add(surface));
  const hidden = new Set((m.contributes.menus.commandPalette ?? []).filter((i) => i.when === 'false').map((i) => i.command));
  for (const c of m.contributes.commands) if (!hidden.has(c.command)) add(c.command, 'commandPalette');
  for (const [menu, items] of Object.entries(m.contributes.menus)) {
    for (const item of items) {
      if (menu === 'commandPalette') continue;
      else if (menu === 'explorer/context') [Surface.explorer, Surface.explorerMulti].forEach((s) => add(item.command, s));
      else if (menu === 'editor/context') add(item.command, Surface.editorContext);
      else if (menu === 'editor/title') add(item.command, Surface.editorTitle);
      else if (menu === 'view/title') add(item.command, 'view/title');
      else if (menu === 'view/item/context') ROW_CONTEXT_VALUES.filter((cv) => rowMatches(item.when, cv)).forEach((cv) => add(item.command, Surface.row(item.group, cv)));
      else add(item.command, `${menu} (a menu this suite does not know yet)`);
    }
  }
  for (const k of m.contributes.keybindings) add(k.command, 'keybinding');
  return out;
}

/** Which command was proven with which surface, by tests that passed. */
const proven = new Map<string, Set<string>>();
/** Claimed by the running test; kept only if it passes (see `settleProofs`). */
let claimed: [string, string][] = [];

export function ledger(): ReadonlyMap<string, ReadonlySet<string>> {
  return proven;
}

export function prove(command: string, ...surfaces: string[]): void {
  for (const s of surfaces) claimed.push([command, s]);
}

/** After each test: keep its claims when it passed, drop them otherwise. */
export function settleProofs(passed: boolean): void {
  if (passed) for (const [c, s] of claimed) proven.set(c, (proven.get(c) ?? new Set()).add(s));
  claimed = [];
}

/** Record a no-argument invocation for every no-argument surface the manifest gives the command. */
export function proveNothing(command: string): void {
  const given = surfacesFromManifest(extensionManifest()).get(command) ?? new Set();
  const nothing = NOTHING_SURFACES.filter((s) => given.has(s));
  assert.ok(nothing.length, `${command} has no surface that passes nothing`);
  prove(command, ...nothing);
}
