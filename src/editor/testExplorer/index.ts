/**
 * Test Explorer: an "Aymara" test controller whose items are the scored responses files → their
 * entries. Every run, whether started from a menu, the palette or Test Explorer, is published as a
 * TestRun. The Run profile scores exactly the selected items as one new run per file (a file item:
 * the whole file; entries or threads: only those, laid over the file's latest results), so VS
 * Code's own Rerun Failed Tests rescores only the failures.
 *
 * Nothing is built until VS Code first asks for the controller's items (the Testing view is shown,
 * or a testing command runs): then every file's items are built and its latest run published
 * once, and from then on each change. Until then scoring a 10,000-entry file costs Test Explorer
 * nothing; building and publishing its items cost the window seconds of work that held every
 * other view back.
 */
import * as vscode from 'vscode';
import { oneLine } from '../../core/present/text';
import type { RunResult } from '../../core/results';
import type { PromptCache } from '../promptCache';
import type { RunStore } from '../runStore';
import type { Scoring } from '../scoreTypes';
import { publishResults, type PublishedState } from './publish';
import { entryItemId, syncFileItems, type ItemTarget } from './items';

/** How long store changes are coalesced before the items are rebuilt. */
const SYNC_DELAY_MS = 100;

export interface TestExplorerDeps {
  store: Pick<RunStore, 'onDidChange' | 'all' | 'get' | 'whenLoaded'>;
  prompts: Pick<PromptCache, 'prompt' | 'onDidChange'>;
  scoring: Pick<Scoring, 'score'>;
}

/** What the extension-host suite reads (the VS Code API has no reader for test results). */
export interface TestExplorerSnapshot {
  items: { id: string; label: string; line?: number; children: TestExplorerSnapshot['items'] }[];
  runs: { name: string; fromProfile: boolean; states: PublishedState[]; include?: string[] }[];
}

export class TestExplorer implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('aymara', 'Aymara');
  private readonly targets = new Map<string, ItemTarget>();
  /** Per file: the entry items by result key, for publishing. */
  private readonly itemsByFile = new Map<string, Map<string, vscode.TestItem>>();
  /** Per file: the run whose verdicts are on screen, so each run is published once. */
  private readonly published = new Map<string, string>();
  /** Files being scored from the Run profile: their run is published into the profile's TestRun. */
  private readonly fromProfile = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly deferred = new Map<string, ReturnType<typeof setTimeout>>();
  private loaded = false;
  /** VS Code has asked for the items: they are built and kept up to date from now on. */
  private watching = false;
  /** Published runs, kept for the extension-host suite only. */
  readonly history: TestExplorerSnapshot['runs'] = [];

  constructor(private readonly deps: TestExplorerDeps) {
    this.controller.createRunProfile(vscode.l10n.t('Score'), vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    this.controller.refreshHandler = () => this.watch();
    this.controller.resolveHandler = (item) => {
      if (!item) this.watch();
    };
    this.disposables.push(
      this.controller,
      deps.store.onDidChange((uri) => this.onStoreChange(uri)),
      deps.prompts.onDidChange(() => this.watching && this.syncAll()),
    );
    void deps.store.whenLoaded().then(() => {
      // Results restored after a reload are shown, not published again (Test Results keeps its own history).
      for (const rec of deps.store.all()) if (rec.latest) this.published.set(rec.uri, rec.latest.eval_run_uuid);
      this.loaded = true;
      if (this.watching) this.catchUp();
    });
  }

  /** VS Code wants the items: build them, and keep them current from now on. */
  private watch(): void {
    if (!this.watching) {
      this.watching = true;
      if (this.loaded) this.catchUp();
    } else if (this.loaded) {
      this.syncAll();
    }
  }

  /** Build every file's items and publish the latest runs made while nobody was looking. */
  private catchUp(): void {
    this.syncAll();
    for (const rec of this.deps.store.all()) if (rec.latest) this.publishElsewhere(rec.uri);
  }

  private syncAll(): void {
    const uris = new Set(this.deps.store.all().map((r) => r.uri));
    for (const [id] of this.controller.items) if (!uris.has(id)) this.sync(vscode.Uri.parse(id));
    for (const uri of uris) this.sync(vscode.Uri.parse(uri));
  }

  private sync(uri: vscode.Uri): RunResult | undefined {
    const latest = this.deps.store.get(uri)?.latest;
    const byKey = syncFileItems(this.controller, this.targets, uri, latest, (e, p) => this.deps.prompts.prompt(e, p)?.content);
    if (byKey.size) this.itemsByFile.set(uri.toString(), byKey);
    else this.itemsByFile.delete(uri.toString());
    return latest;
  }

  /**
   * Deferred and coalesced per file: the views that show failures (diagnostics, tree, status bar)
   * update first, and a burst of changes (pending, result, re-map after an edit) rebuilds the
   * file's items once. Building items synchronously here delayed a 10,000-entry file's diagnostics
   * by seconds.
   */
  private onStoreChange(uri: string | undefined): void {
    if (!this.loaded || !this.watching) return;
    const key = uri ?? '';
    clearTimeout(this.deferred.get(key));
    this.deferred.set(
      key,
      setTimeout(() => {
        this.deferred.delete(key);
        this.apply(uri);
      }, SYNC_DELAY_MS),
    );
  }

  /** Apply the deferred rebuilds now: a run or a snapshot must see every file's current items. */
  private flush(): void {
    const due = [...this.deferred];
    this.deferred.clear();
    for (const [key, timer] of due) {
      clearTimeout(timer);
      this.apply(key === '' ? undefined : key);
    }
  }

  private apply(uri: string | undefined): void {
    if (uri === undefined) return this.syncAll();
    this.sync(vscode.Uri.parse(uri));
    this.publishElsewhere(uri);
  }

  /** A run started elsewhere (menu, palette, tree, CLI results fetched by Refresh): published on its own, once. */
  private publishElsewhere(uri: string): void {
    const latest = this.deps.store.get(uri)?.latest;
    if (!latest || this.fromProfile.has(uri) || this.published.get(uri) === latest.eval_run_uuid) return;
    this.published.set(uri, latest.eval_run_uuid);
    const fileUri = vscode.Uri.parse(uri);
    const run = this.controller.createTestRun(new vscode.TestRunRequest(), runName(fileUri, latest), true);
    this.record(run, fileUri, latest, false);
    run.end();
  }

  private record(run: vscode.TestRun, uri: vscode.Uri, result: RunResult, fromProfile: boolean): void {
    const states = publishResults(run, uri, result, this.itemsByFile.get(uri.toString()) ?? new Map());
    this.history.push({ name: runName(uri, result), fromProfile, states });
    if (this.history.length > 50) this.history.shift();
  }

  /** The Run profile: score the selected items, one new run per file. */
  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    this.watch();
    this.flush();
    const work = this.selection(request);
    const run = this.controller.createTestRun(request, vscode.l10n.t('Aymara: score {0} file(s)', work.size), true);
    try {
      for (const [uri, { fileUri, keys }] of work) {
        if (token.isCancellationRequested) break;
        // States go on entries only: a file or thread shows the state its entries compute, so
        // Rerun Failed Tests picks entries, never a whole file.
        const entries = [...(this.itemsByFile.get(uri) ?? new Map<string, vscode.TestItem>()).entries()].filter(([k]) => !keys || keys.has(k)).map(([, item]) => item);
        for (const item of entries) run.started(item);
        this.fromProfile.add(uri);
        let result: RunResult | undefined;
        try {
          result = await this.deps.scoring.score(fileUri, keys ? { only: keys, token } : { token });
        } finally {
          this.fromProfile.delete(uri);
        }
        if (!result) {
          // Stopped, or failed: the user was told why by the scoring command.
          for (const item of entries) run.skipped(item);
          continue;
        }
        this.published.set(uri, result.eval_run_uuid);
        this.sync(fileUri);
        const rescored = keys ? { ...result, items: result.items.filter((i) => keys.has(i.key)) } : result;
        this.record(run, fileUri, rescored, true);
        const last = this.history.at(-1);
        if (last) last.include = request.include?.map((i) => i.id);
      }
    } finally {
      run.end();
    }
  }

  /** The selected items grouped by file: every entry of a file item, or the chosen entries' keys. */
  private selection(request: vscode.TestRunRequest): Map<string, { fileUri: vscode.Uri; keys?: Set<string> }> {
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    const chosen = request.include ?? [...this.controller.items].map(([, item]) => item);
    const out = new Map<string, { fileUri: vscode.Uri; keys?: Set<string> }>();
    for (const item of chosen) {
      const target = this.targets.get(item.id);
      if (!target || excluded.has(item.id)) continue;
      const uri = target.uri.toString();
      const entry = out.get(uri) ?? { fileUri: target.uri, keys: new Set<string>() };
      if (!target.keys) entry.keys = undefined;
      else if (entry.keys) for (const k of target.keys) if (!excluded.has(entryItemId(target.uri, k))) entry.keys.add(k);
      out.set(uri, entry);
    }
    return out;
  }

  snapshot(): TestExplorerSnapshot {
    this.flush();
    const items = (c: vscode.TestItemCollection): TestExplorerSnapshot['items'] =>
      [...c].map(([, i]) => ({ id: i.id, label: i.label, ...(i.range ? { line: i.range.start.line } : {}), children: items(i.children) }));
    return { items: items(this.controller.items), runs: this.history.map((r) => ({ ...r, states: [...r.states] })) };
  }

  dispose(): void {
    for (const t of this.deferred.values()) clearTimeout(t);
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

function runName(uri: vscode.Uri, r: RunResult): string {
  return oneLine(`${uri.path.split('/').pop() ?? ''} · ${r.run_name ?? r.eval_run_uuid}`, 200);
}

/** What the rest of the extension holds of Test Explorer: its state for the suites, and its end. */
export interface TestExplorerFeature extends vscode.Disposable {
  snapshot(): TestExplorerSnapshot;
}

/**
 * The feature's entry point: built with what it uses; disposing it removes all it registered.
 * The controller is created just after activation, not during it: VS Code's testing API costs the
 * host about 3 ms on its first use, about a quarter of activate()'s own work. No run can finish in
 * between (scoring waits on the network), and the controller's items are built only when VS Code
 * asks for them anyway. A suite reading the snapshot before then creates it at once.
 */
export function register(deps: TestExplorerDeps): TestExplorerFeature {
  let explorer: TestExplorer | undefined;
  const ensure = (): TestExplorer => (explorer ??= new TestExplorer(deps));
  const timer = setTimeout(ensure, 0);
  return {
    snapshot: () => ensure().snapshot(),
    dispose: () => {
      clearTimeout(timer);
      explorer?.dispose();
    },
  };
}
