import * as vscode from 'vscode';
import { oneLine } from '../core/present/text';
import type { ChangeGroup } from '../core/report/compareModel';
import { VERDICTS, type Verdict } from '../core/results';
import type { CommandId } from './commandIds';
import { reportError, UserError } from './errors';
import type { Log } from './log';

/**
 * A row of the results tree, as the tree hands it to a command of its row (view/item/context):
 * plain keys resolved against the run store, so ids stay stable across refreshes.
 */
export type TreeNode =
  | { kind: 'file'; uri: string }
  | { kind: 'run'; uri: string; runUuid: string; latest: boolean }
  | { kind: 'group'; uri: string; runUuid: string; verdict: Verdict }
  | { kind: 'item'; uri: string; runUuid: string; verdict: Verdict; key: string }
  /** A prompt category's row (the tree grouped by category); null = Uncategorized. */
  | { kind: 'category'; uri: string; runUuid: string; category: string | null }
  /** A conversation's row (a run with threads): its turns are under it. */
  | { kind: 'thread'; uri: string; runUuid: string; thread: string }
  // A comparison of two runs (compare/treeRows.ts): its node, its change groups and their entries.
  | { kind: 'changes'; uri: string }
  | { kind: 'changeGroup'; uri: string; group: ChangeGroup }
  | { kind: 'change'; uri: string; group: ChangeGroup; key: string }
  /** A past run whose results are being read, or are not stored locally. */
  | { kind: 'note'; uri: string; runUuid: string; note: 'loading' | 'notStored' | 'failed'; message?: string };

/**
 * What a command was invoked on, whoever invoked it. VS Code passes:
 * - Command Palette, keybinding, view title, welcome link: nothing → `none`;
 * - Explorer context menu: (clicked Uri, selected Uris[]) → `file`, or `files` for a multi-select;
 * - editor context menu: (Uri); editor title: (Uri, {groupId, editorIndex}) → `file`;
 * - a results-tree row (inline or context menu): the row's node → `file` | `run` | `group` | `entry`;
 * - a tree row's click, a code lens, an explanations card, navigation: (URI string, key) → `entry`,
 *   or (URI string) → `file`.
 * Anything else is `unknown` (never silently replaced by the active editor's file).
 */
export type Target =
  | { kind: 'none' }
  | { kind: 'file'; uri: vscode.Uri }
  | { kind: 'files'; uris: readonly vscode.Uri[] }
  | { kind: 'run'; uri: vscode.Uri; runUuid: string }
  | { kind: 'group'; uri: vscode.Uri; runUuid: string; verdict: Verdict }
  | { kind: 'entry'; uri: vscode.Uri; key: string }
  | { kind: 'unknown'; what: string };

/** What a command needs a target for; chooses the wording of the message when there is none. */
export type Purpose = 'score' | 'scoreFailed' | 'selectEval' | 'explain' | 'refresh' | 'clear' | 'goTo' | 'addEntries' | 'compare' | 'export';

/** Register a command whose arguments are parsed here, whatever surface invoked it. */
export function registerCommand(id: CommandId, run: (target: Target) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: unknown[]) => run(parseArgs(args)));
}

export function parseArgs(args: readonly unknown[]): Target {
  const [first, second] = args;
  if (first === undefined || first === null) {
    return args.every((a) => a === undefined || a === null) ? { kind: 'none' } : { kind: 'unknown', what: describe(args) };
  }
  const node = treeNode(first);
  if (node) return fromNode(node) ?? { kind: 'unknown', what: describe(first) };
  const uri = asUri(first);
  if (!uri) return { kind: 'unknown', what: describe(first) };
  if (typeof second === 'string') return second ? { kind: 'entry', uri, key: second } : { kind: 'unknown', what: describe(args) };
  if (Array.isArray(second)) {
    // The Explorer passes the whole selection when the clicked item is part of it.
    const selected = second.map(asUri).filter((u): u is vscode.Uri => u !== undefined);
    const clicked = uri.toString();
    if (selected.length > 1 && selected.some((u) => u.toString() === clicked)) {
      return { kind: 'files', uris: [uri, ...selected.filter((u) => u.toString() !== clicked)] };
    }
  }
  return { kind: 'file', uri };
}

/** The file a target names; nothing → the active editor's document. */
export function fileOf(t: Target): vscode.Uri | undefined {
  switch (t.kind) {
    case 'none':
      return activeDocument();
    case 'files':
      return t.uris[0];
    case 'unknown':
      return undefined;
    default:
      return t.uri;
  }
}

/** One response of a file (a tree entry row, or a URI and a key). */
export function entryOf(t: Target): { uri: vscode.Uri; key: string } | undefined {
  return t.kind === 'entry' ? { uri: t.uri, key: t.key } : undefined;
}

/**
 * The target's file, or, when there is none, undefined after telling the user what to do.
 * Nothing passed → the active editor's document.
 */
export function requireFile(t: Target, purpose: Purpose, log: Log): vscode.Uri | undefined {
  const uri = fileOf(t);
  if (!uri) void reportError(noTarget(t, purpose, log), log);
  return uri;
}

/** The target's response, or, when there is none, undefined after telling the user what to do. */
export function requireEntry(t: Target, log: Log): { uri: vscode.Uri; key: string } | undefined {
  const entry = entryOf(t);
  if (!entry) void reportError(noTarget(t, 'goTo', log), log);
  return entry;
}

/** For commands that act on every file when given nothing (Refresh, Clear): 'all', the target's file, or undefined (reported). */
export function fileOrAll(t: Target, purpose: Purpose, log: Log): vscode.Uri | 'all' | undefined {
  return t.kind === 'none' ? 'all' : requireFile(t, purpose, log);
}

/**
 * Run `act` on the target's file, or on each responses file (.json, .jsonl) of an Explorer
 * multi-select one after another. One file → its result; several → their results in order.
 */
export async function forEachResponsesFile<R>(t: Target, purpose: Purpose, log: Log, act: (uri: vscode.Uri) => Promise<R>): Promise<R | R[] | undefined> {
  if (t.kind !== 'files') {
    const uri = requireFile(t, purpose, log);
    return uri ? act(uri) : undefined;
  }
  const files = t.uris.filter(isResponsesFile);
  const skipped = t.uris.filter((u) => !isResponsesFile(u));
  if (skipped.length) {
    const names = skipped.map((u) => oneLine(vscode.workspace.asRelativePath(u, false), 80)).join(', ');
    void reportError(new UserError(vscode.l10n.t('Skipped {0} selected item(s) that are not .json or .jsonl files: {1}.', skipped.length, names), [], 'info'), log);
  }
  const out: R[] = [];
  for (const uri of files) out.push(await act(uri));
  return out;
}

/** The message for a command that found nothing to act on: what happened and what to do next. */
export function noTarget(t: Target, purpose: Purpose, log: Log): UserError {
  const l = vscode.l10n.t;
  if (t.kind === 'unknown') {
    log.warn(`A command for "${purpose}" received arguments it does not understand: ${t.what}`);
    const next: Record<Purpose, string> = {
      score: l('Open the file and run "Aymara: Score Responses File" from the Command Palette.'),
      scoreFailed: l('Open the file and run "Aymara: Score Failed Only" from the Command Palette.'),
      selectEval: l('Open the file and run "Aymara: Select Eval for File" from the Command Palette.'),
      explain: l('Open the file and run "Aymara: Show Explanations" from the Command Palette.'),
      refresh: l('Run "Aymara: Refresh Results" from the Command Palette to refresh every scored file.'),
      clear: l('Run "Aymara: Clear Results" from the Command Palette, or use the Clear button on the file\'s row in the Aymara results view.'),
      goTo: l('Pick the response in the Aymara results view.'),
      addEntries: l('Open the file and run "Aymara: Add Entries for Unanswered Prompts" from the Command Palette.'),
      compare: l('Open the file and run "Aymara: Compare with Previous Run" or "Aymara: Compare Runs…" from the Command Palette.'),
      export: l('Open the file and run "Aymara: Export Results…" from the Command Palette, or use Export Results… on its row in the Aymara results view.'),
    };
    return new UserError(`${l('Aymara could not tell which file this command is for; nothing was done.')} ${next[purpose]}`, [], 'warning');
  }
  // Refresh and Clear act on every file when given nothing, so only these can lack a target.
  const none: Partial<Record<Purpose, string>> = {
    score: l('Open a responses file (or right-click one in the Explorer) to score it.'),
    scoreFailed: l('Open a scored responses file (or pick one in the Aymara results view) to score its failures again.'),
    selectEval: l('Open a responses file to choose the eval it is scored against.'),
    explain: l('Open a scored responses file (or pick one in the Aymara results view) to see its explanations.'),
    goTo: l('Pick a response in the Aymara results view or in the explanations to go to it.'),
    addEntries: l('Open a responses file (or right-click one in the Explorer) to add entries to it.'),
    compare: l('Open a scored responses file (or pick one in the Aymara results view) to compare its runs.'),
    export: l('Open a scored responses file (or pick one in the Aymara results view) to export its results.'),
  };
  return new UserError(none[purpose] ?? l('Open a responses file first.'), [], 'info');
}

// ---------------------------------------------------------------------------------------------

/**
 * The file the user is looking at. First the active tab when it is a text file: its tab is active
 * as soon as it opens, while `activeTextEditor` changes only once the file is read (on a slow
 * remote, a command run right after opening a file acted on the file before it, or on none), and
 * it stays the file when the focus is in a panel. Then the active text editor unless it is an
 * output channel (the log is no responses file). Then, when the focus is on an editor that is not
 * text (the Get Started walkthrough, an explanations panel beside the file) and exactly one text
 * editor is visible, that one: the walkthrough's "Score Active File" scores the file beside it.
 */
function activeDocument(): vscode.Uri | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (tab instanceof vscode.TabInputText) return tab.uri;
  const visible = vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme !== 'output');
  const uri = vscode.window.activeTextEditor?.document.uri ?? (visible.length === 1 ? visible[0]!.document.uri : undefined);
  return uri && uri.scheme !== 'output' ? uri : undefined;
}

function isResponsesFile(uri: vscode.Uri): boolean {
  return /\.jsonl?$/i.test(uri.path);
}

/** A Uri, a URI string (strictly parsed: it must have a scheme), or a TreeItem-like {resourceUri}. */
function asUri(x: unknown): vscode.Uri | undefined {
  if (x instanceof vscode.Uri) return x;
  if (typeof x === 'string') return parseUri(x);
  if (typeof x === 'object' && x !== null && 'resourceUri' in x) {
    const r = (x as { resourceUri: unknown }).resourceUri;
    return r instanceof vscode.Uri ? r : undefined;
  }
  return undefined;
}

function parseUri(s: string): vscode.Uri | undefined {
  if (!s) return undefined;
  try {
    return vscode.Uri.parse(s, true);
  } catch {
    return undefined;
  }
}

function treeNode(x: unknown): TreeNode | undefined {
  if (typeof x !== 'object' || x === null || x instanceof vscode.Uri) return undefined;
  const o = x as Record<string, unknown>;
  const { uri, runUuid, verdict, key } = o;
  if (typeof uri !== 'string') return undefined;
  const isVerdict = (v: unknown): v is Verdict => (VERDICTS as readonly unknown[]).includes(v);
  switch (o.kind) {
    case 'file':
      return { kind: 'file', uri };
    case 'run':
      return typeof runUuid === 'string' ? { kind: 'run', uri, runUuid, latest: o.latest === true } : undefined;
    case 'group':
      return typeof runUuid === 'string' && isVerdict(verdict) ? { kind: 'group', uri, runUuid, verdict } : undefined;
    case 'item':
      return typeof runUuid === 'string' && isVerdict(verdict) && typeof key === 'string' ? { kind: 'item', uri, runUuid, verdict, key } : undefined;
    case 'changes':
      return { kind: 'changes', uri };
    default:
      return undefined;
  }
}

function fromNode(n: TreeNode): Target | undefined {
  const uri = parseUri(n.uri);
  if (!uri) return undefined;
  switch (n.kind) {
    case 'file':
      return { kind: 'file', uri };
    case 'run':
      return { kind: 'run', uri, runUuid: n.runUuid };
    case 'group':
      return { kind: 'group', uri, runUuid: n.runUuid, verdict: n.verdict };
    case 'item':
    case 'change':
      return { kind: 'entry', uri, key: n.key };
    case 'changes':
    case 'changeGroup':
      return { kind: 'file', uri };
    case 'note':
    case 'thread':
      return { kind: 'run', uri, runUuid: n.runUuid };
  }
}

/** A short description of an argument for the log: its type and keys, never its content. */
function describe(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(describe).join(', ')}]`;
  if (x === null) return 'null';
  if (typeof x === 'object') return `object {${Object.keys(x).slice(0, 8).join(', ')}}`;
  if (typeof x === 'string') return `string (${x.length} characters)`;
  return typeof x;
}
