import * as vscode from 'vscode';
import { TestCommand } from './commandIds';
import { notify } from './errors';
import { label, readFileText } from './fileText';
import type { Scoring } from './scoreCommand';
import type { Services } from './services';

/** What score on save uses: settings, the log, the store (which files were scored) and scoring. */
type Deps = Pick<Services, 'config' | 'context' | 'log' | 'store'> & { scoring: Pick<Scoring, 'score' | 'isScoring'> };

export type ScoreOnSaveMode = 'off' | 'changedEntries' | 'file';

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

function modeOf(uri: vscode.Uri): ScoreOnSaveMode {
  const v = vscode.workspace.getConfiguration('aymara', uri).get<unknown>('scoreOnSave');
  return v === 'changedEntries' || v === 'file' ? v : 'off';
}

function confirmAbove(uri: vscode.Uri): number {
  const v = vscode.workspace.getConfiguration('aymara', uri).get<unknown>('scoreOnSaveConfirmAbove');
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 25;
}

class ScoreOnSave implements vscode.Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The cost guard's answer per file for this window: true = go ahead, false = not for this file. */
  private readonly decided = new Map<string, boolean>();
  /** Questions on screen, by file; a test answers through `answer`. */
  private readonly asking = new Map<string, (title: string | undefined) => void>();

  constructor(private readonly s: Deps) {}

  saved(uri: vscode.Uri): void {
    if (modeOf(uri) === 'off' || !vscode.workspace.isTrusted || !/\.jsonl?$/i.test(uri.path)) return;
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.fire(uri).catch((err: unknown) => this.s.log.warn(`Score on save of ${label(uri)} stopped: ${err instanceof Error ? err.message : String(err)}`));
      }, SAVE_DEBOUNCE_MS),
    );
  }

  private async fire(uri: vscode.Uri): Promise<void> {
    const mode = modeOf(uri);
    if (mode === 'off' || !vscode.workspace.isTrusted) return;
    await this.s.store.whenLoaded();
    const latest = this.s.store.get(uri)?.latest;
    if (!latest) return; // only files scored before
    const name = label(uri);
    if (this.s.scoring.isScoring(uri) || this.asking.has(uri.toString())) {
      this.s.log.info(`Score on save: ${name} is already being scored; this save sends nothing.`);
      return;
    }
    const { text } = await readFileText(uri, this.s.config.maxFileBytes);
    const [{ parseResponsesFile }, { changedEntryKeys }] = await Promise.all([import('../core/responsesFile'), import('../core/changedEntries')]);
    const file = parseResponsesFile(text, { fileName: uri.path });
    if (file.hasErrors) {
      this.s.log.info(`Score on save: ${name} has problems (see the Problems panel); nothing was sent.`);
      return;
    }
    const only = mode === 'changedEntries' ? changedEntryKeys(file.entries, latest) : undefined;
    if (only && !only.size) {
      this.s.log.info(`Score on save: no entry of ${name} changed since its latest results; nothing was sent.`);
      return;
    }
    const count = only?.size ?? file.entries.length;
    if (count > confirmAbove(uri) && !(await this.confirm(uri, count))) return;
    if (this.s.scoring.isScoring(uri) || modeOf(uri) === 'off' || !vscode.workspace.isTrusted) return;
    this.s.log.info(`Score on save: sending ${only ? `${count} changed entr${count === 1 ? 'y' : 'ies'}` : `all ${count} entries`} of ${name}.`);
    await this.s.scoring.score(uri, only ? { only } : {});
  }

  /** The cost guard: asked once per file and window; a dismissed question sends nothing and asks again next time. */
  private async confirm(uri: vscode.Uri, count: number): Promise<boolean> {
    const key = uri.toString();
    const known = this.decided.get(key);
    if (known !== undefined) return known;
    const t = vscode.l10n.t;
    const go = t('Score {0} Entries', count);
    const no = t('Not for This File');
    const answered = new Promise<string | undefined>((resolve) => this.asking.set(key, resolve));
    const shown = notify(
      this.s.log,
      'warning',
      t('Score on save would send {0} entries of {1} (more than "aymara.scoreOnSaveConfirmAbove", {2}). Send them now and after each save of this file?', count, label(uri), confirmAbove(uri)),
      [{ title: go }, { title: no }],
    ).then((a) => a?.title);
    let title: string | undefined;
    try {
      title = await Promise.race([shown, answered]);
    } finally {
      this.asking.delete(key);
    }
    if (title === go || title === no) this.decided.set(key, title === go);
    if (title === no) this.s.log.info(`Score on save is off for ${label(uri)} until the window reloads.`);
    return title === go;
  }

  /** Test hook: answer a cost-guard question on screen for the file; false when none was. */
  answer(uri: string, title: string | undefined): boolean {
    const resolve = this.asking.get(uri);
    resolve?.(title);
    return resolve !== undefined;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const resolve of this.asking.values()) resolve(undefined);
  }
}
