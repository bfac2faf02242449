import * as vscode from 'vscode';
import { TestCommand } from './commandIds';
import { label } from './fileText';
import { LazyFeature } from './lazyFeature';
import type { SaveScorer } from './scoreOnSaveRun';
import { modeOf, type Deps } from './scoreOnSaveSettings';

export type { ScoreOnSaveMode } from './scoreOnSaveSettings';

/** Saves of one file closer together than this score once, after the last. */
export const SAVE_DEBOUNCE_MS = 1000;

/**
 * `aymara.scoreOnSave`: after a save of a responses file that was scored before, score it again
 * (`file`), or send only the entries whose content changed since its latest results
 * (`changedEntries`, a new run laid over the latest). Debounced; never in Restricted Mode, never
 * while a run of the file is in flight, never for a file with problems. When more entries than
 * `aymara.scoreOnSaveConfirmAbove` would be sent, it asks once per file (per window) first.
 */
export function register(s: Deps): vscode.Disposable {
  const onSave = new ScoreOnSave(s);
  return vscode.Disposable.from(
    onSave,
    vscode.workspace.onDidSaveTextDocument((d) => onSave.saved(d.uri)),
    ...(s.context.extensionMode === vscode.ExtensionMode.Test
      ? [vscode.commands.registerCommand(TestCommand.answerScoreOnSave, (uri: string, answer: string | undefined) => onSave.answer(uri, answer))]
      : []),
  );
}

class ScoreOnSave implements vscode.Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly scorer: LazyFeature<SaveScorer>;

  constructor(private readonly s: Deps) {
    this.scorer = new LazyFeature(async () => new (await import('./scoreOnSaveRun')).SaveScorer(s));
  }

  saved(uri: vscode.Uri): void {
    if (modeOf(uri) === 'off' || !vscode.workspace.isTrusted || !/\.jsonl?$/i.test(uri.path)) return;
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.scorer.get().then((scorer) => scorer.fire(uri)).catch((err: unknown) => this.s.log.warn(`Score on save of ${label(uri)} stopped: ${err instanceof Error ? err.message : String(err)}`));
      }, SAVE_DEBOUNCE_MS),
    );
  }

  /** Test hook: answer a cost-guard question on screen for the file; false when none was. */
  async answer(uri: string, title: string | undefined): Promise<boolean> {
    return (await this.scorer.get()).answer(uri, title);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.scorer.dispose();
  }
}
