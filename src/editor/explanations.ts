import * as vscode from 'vscode';
import type { RunResult } from '../core/results';
import type { CardsMessage, HostMessage, ModelInput, WebviewMessage } from '../core/report/webviewModel';
import { describeValue, oneLine } from '../core/present/text';
import { splitData } from '../core/report/webviewParts';
import { COMPARE_STRINGS, type CompareModel, type WithCompare } from '../core/report/compareModel';
import type { WithThumbnails } from '../core/files/thumbnails';
import { parseReviewRequest, REVIEW_STRINGS, reviewsOf, type HistoryMessage, type WithReviews } from '../core/override/reviewView';
import { notify, reportError, UserError } from './errors';
import { thumbnailRoots, thumbnailsFor } from './images/thumbnails';
import { entryOf, registerCommand, requireFile, type TreeNode } from './commandArgs';
import { Command } from './commandIds';
import type { Services } from './services';
import { webviewPage } from './webviewPage';

/** What this feature uses of the shared services. */
type Deps = Pick<Services, 'context' | 'log' | 'prompts' | 'store'>;

export const VIEW_TYPE = 'aymara.explanations';
/** Workspace state: the files and runs of the open panels (see rememberOpen). */
const OPEN_KEY = 'aymara.explanations.open';
/** How long updates from the store and prompt cache are coalesced before one post. */
const UPDATE_DELAY_MS = 150;

/** What the webview persists with setState; the serializer restores a panel from it. */
export interface PersistedState {
  fileUri: string;
  runUuid: string;
}

export interface ExplanationsSnapshot {
  panels: {
    fileUri: string;
    runUuid: string;
    title: string;
    visible: boolean;
    active: boolean;
    /** The webview script loaded (under the CSP) and asked for data since it was last shown. */
    ready: boolean;
    /** What the webview last reported rendering: card nodes in the DOM, and matching cards. */
    rendered?: { cards: number; matching: number };
    /** Messages from the webview that failed validation and were ignored. */
    rejected: number;
    /** The last message posted to the webview, as JSON (extension tests only). */
    posted?: string;
    /** The response the panel was last asked to scroll to. */
    focused?: string;
  }[];
}

interface Entry {
  panel: vscode.WebviewPanel;
  fileUri: vscode.Uri;
  runUuid: string;
  ready: boolean;
  /** A key to scroll to once the webview is ready. */
  pendingFocus?: string;
  keys: Set<string>;
  timer?: ReturnType<typeof setTimeout>;
  rendered?: { cards: number; matching: number };
  rejected: number;
  focused?: string;
  disposables: vscode.Disposable[];
  /** The last message posted (kept only when the extension runs under test). */
  lastPosted?: HostMessage | HistoryMessage;
  /** A card's verdict history to post once the page is ready (see showHistory). */
  pendingHistory?: HistoryMessage;
  /** The number of the latest data message: the parts of an older one are never posted. */
  seq: number;
  /** The parts of data message `seq` the page has not asked for yet. */
  parts?: { seq: number; rest: CardsMessage[] };
}

/** The feature's entry point: built with what it uses; disposing it removes all it registered. */
export function register(deps: Deps, revealEntry: (fileUri: vscode.Uri, key: string) => Promise<boolean>): ExplanationsPanels {
  return new ExplanationsPanels(deps, revealEntry);
}

/**
 * The explanations webview: one editor panel per scored run (beside the file), showing the run
 * summary and a card per response. The HTML is a fixed template with a strict CSP; all run data
 * travels as a message and is rendered by media/explanations.ts with textContent only. Messages
 * coming back are checked against an allow-list; the only action they can cause is revealing
 * an entry of this run through the fixed command `aymara.revealEntry`.
 */
export class ExplanationsPanels implements vscode.Disposable {
  /** Open panels by eval_run_uuid. */
  private readonly panels = new Map<string, Entry>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Set while the extension stops: its panels close, but they were open for the next window. */
  private stopping = false;
  private readonly mediaRoot: vscode.Uri;
  /** The compare mode's model of a panel's file (see setCompareSource). */
  private compareSource: ((fileUri: vscode.Uri, run: RunResult, input: ModelInput) => CompareModel | undefined) | undefined;

  /**
   * @param revealEntry selects a response's entry in its file (Navigation's); a card's Go to
   *   Response calls it with the panel's own file, the webview only chooses which entry.
   */
  constructor(
    private readonly s: Deps,
    private readonly revealEntry: (fileUri: vscode.Uri, key: string) => Promise<boolean>,
  ) {
    this.mediaRoot = vscode.Uri.joinPath(s.context.extensionUri, 'media');
    this.disposables.push(
      s.store.onDidChange((uri) => {
        for (const e of this.panels.values()) if (uri === undefined || uri === e.fileUri.toString()) this.schedule(e);
      }),
      s.prompts.onDidChange((evalUuid) => {
        for (const e of this.panels.values()) if (this.run(e)?.eval_uuid === evalUuid) this.schedule(e);
      }),
      this.registerSerializer(),
      this.registerCommands(),
    );
  }

  /** Open (or reveal) the panel for the file's latest run, optionally scrolled to one response. */
  async show(fileUri: vscode.Uri, focusKey?: string, opts: { preserveFocus?: boolean } = {}): Promise<void> {
    const rec = this.s.store.get(fileUri);
    const run = rec?.latest;
    if (!run) {
      void notify(this.s.log, 'info', vscode.l10n.t('No results for {0} yet. Score the file first.', fileName(fileUri)));
      return;
    }
    const preserveFocus = opts.preserveFocus ?? false;
    let entry = this.panels.get(run.eval_run_uuid) ?? this.byFile(fileUri);
    if (entry) {
      if (entry.runUuid !== run.eval_run_uuid || entry.fileUri.toString() !== fileUri.toString()) this.retarget(entry, fileUri, run);
      entry.panel.reveal(undefined, preserveFocus);
    } else {
      const panel = vscode.window.createWebviewPanel(VIEW_TYPE, title(fileUri), { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, this.options());
      entry = this.adopt(panel, fileUri, run.eval_run_uuid);
    }
    if (focusKey !== undefined) this.focusEntry(entry, focusKey);
  }

  /** Show a response's verdict history in its card, opening the panel (scrolled to the card) when needed. */
  async showHistory(fileUri: vscode.Uri, msg: HistoryMessage): Promise<void> {
    await this.show(fileUri, msg.key, { preserveFocus: true });
    const entry = this.byFile(fileUri);
    if (!entry) return;
    if (entry.ready) await this.post(entry, msg);
    else entry.pendingHistory = msg;
  }

  /** Show a file's comparison in its panel (compare mode) while `source` gives one; panels follow `onDidChange`. */
  setCompareSource(source: (fileUri: vscode.Uri, run: RunResult, input: ModelInput) => CompareModel | undefined, onDidChange: vscode.Event<string>): vscode.Disposable {
    this.compareSource = source;
    const sub = onDidChange((uri) => {
      for (const e of this.panels.values()) if (uri === e.fileUri.toString()) this.schedule(e);
    });
    return new vscode.Disposable(() => {
      sub.dispose();
      if (this.compareSource === source) this.compareSource = undefined;
    });
  }

  /** Scroll an open panel of the file to a response and highlight it. False when no panel is open or the key is unknown. */
  focus(fileUri: vscode.Uri | string, key: string): boolean {
    const entry = this.byFile(typeof fileUri === 'string' ? vscode.Uri.parse(fileUri) : fileUri);
    return entry ? this.focusEntry(entry, key) : false;
  }

  /** The serializer that brings panels back after a reload (activation event onWebviewPanel:aymara.explanations). */
  private registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        // The page's own state can be missing after a reload (the workbench did not write it in
        // time): then the first panel this window had open that is not restored yet.
        const saved = persistedState(state) ?? this.unclaimed();
        if (!saved) {
          this.s.log.warn('Closing a restored explanations panel whose saved state is not usable.');
          panel.dispose();
          return;
        }
        // Re-set the options: the saved ones may point at an old extension location.
        panel.webview.options = this.options();
        const fileUri = vscode.Uri.parse(saved.fileUri);
        const run = this.s.store.get(fileUri)?.latest;
        const existing = this.panels.get(run?.eval_run_uuid ?? saved.runUuid) ?? this.byFile(fileUri);
        if (existing) {
          // Two restored panels for one run: keep the first.
          panel.dispose();
          return;
        }
        panel.title = title(fileUri);
        this.adopt(panel, fileUri, run?.eval_run_uuid ?? saved.runUuid);
      },
    });
  }

  /**
   * `aymara.showExplanations` (a file, a tree row, or a file and a response's key; nothing = the
   * active editor's file) and `aymara.focusExplanation` (a file and a key).
   */
  private registerCommands(): vscode.Disposable {
    return vscode.Disposable.from(
      registerCommand(Command.showExplanations, (t) => {
        const uri = requireFile(t, 'explain', this.s.log);
        // Invoked with arguments = from the tree or a code lens: leave focus where it is.
        return uri ? this.show(uri, entryOf(t)?.key, { preserveFocus: t.kind !== 'none' }) : undefined;
      }),
      // The panel's title bar: the run on screen, exported as from its results-tree row.
      registerCommand(Command.exportShownResults, () => {
        const entry = [...this.panels.values()].find((e) => e.panel.active);
        if (!entry) {
          void reportError(new UserError(vscode.l10n.t('No explanations panel is active. Open one (Aymara: Show Explanations), then export from its title bar, or use Export Results… on a run in the results view.')), this.s.log);
          return undefined;
        }
        const node: TreeNode = { kind: 'run', uri: entry.fileUri.toString(), runUuid: entry.runUuid, latest: true };
        return vscode.commands.executeCommand(Command.exportResults, node);
      }),
      // A follow-up of navigation: with no panel open or no such response there is nothing to focus (false), quietly.
      registerCommand(Command.focusExplanation, (t) => {
        const entry = entryOf(t);
        return entry ? this.focus(entry.uri, entry.key) : false;
      }),
    );
  }

  /**
   * Handle a message as if the file's panel had posted it (same validation and effects).
   * For the integration suite, which cannot drive the webview's DOM.
   */
  async receiveMessage(fileUri: vscode.Uri | string, raw: unknown): Promise<boolean> {
    const entry = this.byFile(typeof fileUri === 'string' ? vscode.Uri.parse(fileUri) : fileUri);
    return entry ? this.receive(entry, raw) : false;
  }

  snapshot(): ExplanationsSnapshot {
    return {
      panels: [...this.panels.values()].map((e) => ({
        fileUri: e.fileUri.toString(),
        runUuid: e.runUuid,
        title: e.panel.title,
        visible: e.panel.visible,
        active: e.panel.active,
        ready: e.ready,
        ...(e.rendered ? { rendered: { ...e.rendered } } : {}),
        rejected: e.rejected,
        ...(e.lastPosted ? { posted: JSON.stringify(e.lastPosted) } : {}),
        ...(e.focused !== undefined ? { focused: e.focused } : {}),
      })),
    };
  }

  dispose(): void {
    this.stopping = true;
    for (const e of [...this.panels.values()]) e.panel.dispose();
    this.panels.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }

  // -------------------------------------------------------------------------------------------

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableForms: false,
      // Thumbnails of image answers load from the workspace folders only (editor/images/thumbnails).
      localResourceRoots: [this.mediaRoot, ...thumbnailRoots()],
      retainContextWhenHidden: false,
      enableFindWidget: true,
    };
  }

  private adopt(panel: vscode.WebviewPanel, fileUri: vscode.Uri, runUuid: string): Entry {
    const entry: Entry = { panel, fileUri, runUuid, ready: false, keys: new Set(), rejected: 0, disposables: [], seq: 0 };
    this.panels.set(runUuid, entry);
    panel.iconPath = vscode.Uri.joinPath(this.mediaRoot, 'aymara.svg');
    panel.webview.html = this.html(panel.webview);
    entry.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(entry, m)),
      panel.onDidChangeViewState(() => {
        // Not retained when hidden: the page reloads when shown again and asks for data anew.
        if (!panel.visible) entry.ready = false;
      }),
      panel.onDidDispose(() => this.forget(entry)),
    );
    this.refreshKeys(entry);
    this.rememberOpen();
    return entry;
  }

  private forget(entry: Entry): void {
    clearTimeout(entry.timer);
    vscode.Disposable.from(...entry.disposables).dispose();
    if (this.panels.get(entry.runUuid) === entry) this.panels.delete(entry.runUuid);
    if (!this.stopping) this.rememberOpen();
  }

  /** The open panels' files and runs, in workspace state: what a reload restores when a page's own state is lost. */
  private rememberOpen(): void {
    const open: PersistedState[] = [...this.panels.values()].map((e) => ({ fileUri: e.fileUri.toString(), runUuid: e.runUuid }));
    void this.s.context.workspaceState.update(OPEN_KEY, open);
  }

  private unclaimed(): PersistedState | undefined {
    const open = this.s.context.workspaceState.get<unknown>(OPEN_KEY);
    for (const o of Array.isArray(open) ? open : []) {
      const p = persistedState(o);
      if (p && !this.byFile(vscode.Uri.parse(p.fileUri))) return p;
    }
    return undefined;
  }

  private byFile(fileUri: vscode.Uri): Entry | undefined {
    const key = fileUri.toString();
    for (const e of this.panels.values()) if (e.fileUri.toString() === key) return e;
    return undefined;
  }

  private run(entry: Entry): RunResult | undefined {
    const run = this.s.store.get(entry.fileUri)?.latest;
    return run?.eval_run_uuid === entry.runUuid ? run : undefined;
  }

  /** Point a panel at another run (the file was scored again) or file (it was renamed). */
  private retarget(entry: Entry, fileUri: vscode.Uri, run: RunResult): void {
    if (entry.runUuid !== run.eval_run_uuid) {
      const other = this.panels.get(run.eval_run_uuid);
      if (other && other !== entry) {
        entry.panel.dispose();
        return;
      }
      this.panels.delete(entry.runUuid);
      entry.runUuid = run.eval_run_uuid;
      this.panels.set(entry.runUuid, entry);
    }
    entry.fileUri = fileUri;
    entry.panel.title = title(fileUri);
    this.refreshKeys(entry);
    this.rememberOpen();
  }

  private refreshKeys(entry: Entry): void {
    entry.keys = new Set(this.run(entry)?.items.map((i) => i.key) ?? []);
  }

  private schedule(entry: Entry): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.update(entry);
    }, UPDATE_DELAY_MS);
  }

  /** Follow the store: a newer run for the file, a rename, or results cleared. Then post. */
  private update(entry: Entry): void {
    if (!this.panels.has(entry.runUuid)) return;
    let latest = this.s.store.get(entry.fileUri)?.latest;
    if (!latest) {
      // Renamed? The record moved to the new URI with the same run.
      const moved = this.s.store.all().find((r) => r.latest?.eval_run_uuid === entry.runUuid);
      if (moved?.latest) {
        latest = moved.latest;
        this.retarget(entry, vscode.Uri.parse(moved.uri), latest);
      }
    } else if (latest.eval_run_uuid !== entry.runUuid) {
      this.retarget(entry, entry.fileUri, latest);
    }
    if (!this.panels.has(entry.runUuid)) return; // disposed as a duplicate
    this.refreshKeys(entry);
    if (entry.ready) void this.postData(entry);
  }

  private input(entry: Entry, run: RunResult): ModelInput {
    const rec = this.s.store.get(entry.fileUri);
    return {
      run,
      fileUri: entry.fileUri.toString(),
      fileName: fileName(entry.fileUri),
      stale: rec?.stale ?? false,
      prompt: (p) => this.s.prompts.prompt(run.eval_uuid, p),
      evalInfo: this.s.prompts.evalInfo(run.eval_uuid),
      runs: this.s.store.runs(entry.fileUri),
      t: (m, ...args) => vscode.l10n.t(m, ...args),
    };
  }

  private async postData(entry: Entry): Promise<void> {
    const wm = await webviewModel();
    const run = this.run(entry);
    let msg: HostMessage;
    if (!run) {
      msg = { type: 'empty', message: vscode.l10n.t('There are no results for {0} any more. Score the file to see explanations.', fileName(entry.fileUri)), strings: strings(wm.WEBVIEW_STRINGS) };
    } else {
      const started = Date.now();
      const input = this.input(entry, run);
      const model = wm.buildWebviewModel(input);
      const compare = this.compareSource?.(entry.fileUri, run, input);
      const thumbnails = await thumbnailsFor(entry.panel.webview, entry.fileUri, run);
      const data: HostMessage & WithCompare & WithThumbnails & WithReviews = { type: 'data', model, strings: strings(wm.WEBVIEW_STRINGS), ...(compare ? { compare } : {}), ...(thumbnails ? { thumbnails } : {}), ...reviewsOf(run.items, input.t) };
      msg = data;
      if (entry.pendingFocus !== undefined && entry.keys.has(entry.pendingFocus)) msg.focus = entry.pendingFocus;
      entry.pendingFocus = undefined;
      const ms = Date.now() - started;
      if (ms > 200) this.s.log.info(`Explanations: built the view of ${model.cards.length} responses in ${ms} ms.`);
    }
    if (msg.type === 'data') await this.postParts(entry, msg);
    else await this.post(entry, msg);
    const history = entry.pendingHistory;
    entry.pendingHistory = undefined;
    if (history && run && entry.keys.has(history.key)) await this.post(entry, history);
  }

  /**
   * A data message in parts (webviewParts.ts): the first cards now, the rest a part each time the
   * page asks for more (after it painted what it has), so no part delays the first cards.
   */
  private async postParts(entry: Entry, msg: Extract<HostMessage, { type: 'data' }>): Promise<void> {
    const seq = ++entry.seq;
    const [first, ...rest] = splitData(this.s.log.redactDeep(msg), seq);
    entry.parts = rest.length ? { seq, rest } : undefined;
    await this.post(entry, first, msg);
  }

  /** The page asked for the next part of data message `seq`: post it, unless a newer one replaced it. */
  private async postNextPart(entry: Entry, seq: number): Promise<void> {
    const parts = entry.parts;
    if (!parts || parts.seq !== seq || seq !== entry.seq) return;
    const part = parts.rest.shift();
    if (!parts.rest.length) entry.parts = undefined;
    if (part) await this.post(entry, part, undefined, true);
  }

  /**
   * Posts `msg` (redacted unless `redacted`); under test, records `whole` (default `msg`) as what
   * was posted. False when the panel is gone.
   */
  private async post(entry: Entry, msg: HostMessage | HistoryMessage, whole?: HostMessage, redacted = false): Promise<boolean> {
    try {
      // The one way data reaches the webview: never the API key, even where the server echoed it.
      const safe = redacted ? msg : this.s.log.redactDeep(msg);
      if (this.s.context.extensionMode === vscode.ExtensionMode.Test && (whole || safe.type !== 'cards')) entry.lastPosted = whole ? this.s.log.redactDeep(whole) : safe;
      return await entry.panel.webview.postMessage(safe);
    } catch (err) {
      // The panel was closed meanwhile.
      this.s.log.warn(`Explanations: could not post to the panel: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  private focusEntry(entry: Entry, key: string): boolean {
    if (!entry.keys.has(key)) return false;
    entry.focused = key;
    if (entry.ready) void this.post(entry, { type: 'focus', key });
    else entry.pendingFocus = key;
    return true;
  }

  private async receive(entry: Entry, raw: unknown): Promise<boolean> {
    // A card's review buttons run the review commands on the panel's own file and that response.
    const review = parseReviewRequest(raw, (k) => entry.keys.has(k));
    if (review) {
      await vscode.commands.executeCommand(review.type === 'override' ? Command.overrideVerdict : Command.showVerdictHistory, entry.fileUri.toString(), review.key);
      return true;
    }
    const { parseWebviewMessage, fullText } = await webviewModel();
    const msg: WebviewMessage | undefined = parseWebviewMessage(raw, (k) => entry.keys.has(k));
    if (!msg) {
      entry.rejected++;
      this.s.log.warn(`Explanations: ignored a message from the webview that is not allowed: ${describeValue(raw)}`);
      return false;
    }
    switch (msg.type) {
      case 'ready':
        entry.ready = true;
        await this.postData(entry);
        return true;
      case 'reveal':
        await this.activateFileColumn(entry, msg.key);
        await this.revealEntry(entry.fileUri, msg.key);
        return true;
      case 'expand': {
        const run = this.run(entry);
        const text = run ? fullText(this.input(entry, run), msg.key, msg.field) : undefined;
        if (text === undefined) return false;
        await this.post(entry, { type: 'full', key: msg.key, field: msg.field, text });
        return true;
      }
      case 'rendered':
        entry.rendered = { cards: msg.cards, matching: msg.matching };
        return true;
      case 'more':
        await this.postNextPart(entry, msg.seq);
        return true;
      case 'error':
        this.s.log.warn(`Explanations webview: ${msg.message}`);
        return true;
      case 'continue':
        await this.activateFileColumn(entry, msg.key);
        await vscode.commands.executeCommand(Command.continueConversation, entry.fileUri.toString(), msg.key);
        return true;
    }
  }

  /**
   * `aymara.revealEntry` opens the file in the active editor group, which is the panel's own
   * group after a click in the webview: the file would cover the panel. So first make the group
   * that already shows the file (or any other group, or a new one beside) the active one.
   */
  private async activateFileColumn(entry: Entry, key: string): Promise<void> {
    if (!this.run(entry)?.items.some((i) => i.key === key && i.location)) return;
    const panelColumn = entry.panel.viewColumn;
    const uri = entry.fileUri.toString();
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri && e.viewColumn !== undefined && e.viewColumn !== panelColumn);
    // Where the panel is not known yet (not laid out), leave the choice to the reveal command.
    if (!shown && panelColumn === undefined) return;
    const other = vscode.window.tabGroups.all.find((g) => g.viewColumn !== panelColumn);
    const viewColumn = shown?.viewColumn ?? other?.viewColumn ?? vscode.ViewColumn.Beside;
    try {
      const doc = await vscode.workspace.openTextDocument(entry.fileUri);
      await vscode.window.showTextDocument(doc, { viewColumn, preserveFocus: false, preview: false });
    } catch (err) {
      this.s.log.warn(`Explanations: could not open ${fileName(entry.fileUri)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private html(webview: vscode.Webview): string {
    return webviewPage(webview, { mediaRoot: this.mediaRoot, script: 'explanations.js', style: 'explanations.css', title: 'Aymara explanations', rootId: 'aymara-explanations', rootClass: 'aymara-root' });
  }
}

/** The model's builder and the page's message checks, loaded when a panel first needs them (not at activation). */
const webviewModel = () => import('../core/report/webviewModel');

let cachedStrings: Record<string, string> | undefined;
function strings(webviewStrings: readonly string[]): Record<string, string> {
  if (!cachedStrings) {
    cachedStrings = {};
    for (const s of [...webviewStrings, ...COMPARE_STRINGS, ...REVIEW_STRINGS]) cachedStrings[s] = vscode.l10n.t(s);
  }
  return cachedStrings;
}

function persistedState(state: unknown): PersistedState | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { fileUri, runUuid } = state as Record<string, unknown>;
  if (typeof fileUri !== 'string' || typeof runUuid !== 'string' || !fileUri || !runUuid) return undefined;
  try {
    vscode.Uri.parse(fileUri, true);
  } catch {
    return undefined;
  }
  return { fileUri, runUuid };
}

/** The file's name on one line, without bidi or other control characters, for titles and messages. */
export function fileName(uri: vscode.Uri): string {
  return oneLine(uri.path.split('/').pop() || uri.toString(), 200);
}

function title(uri: vscode.Uri): string {
  return vscode.l10n.t('Aymara: {0}', fileName(uri));
}


