import * as vscode from 'vscode';
import { notify } from './errors';
import { label, readFileText } from './fileText';
import { confirmAbove, modeOf, type Deps } from './scoreOnSaveSettings';

/**
 * Score on save's sending part (see scoreOnSave.ts, which debounces the saves): loaded on the
 * first debounced save of a responses file.
 */
export class SaveScorer implements vscode.Disposable {
  /** The cost guard's answer per file for this window: true = go ahead, false = not for this file. */
  private readonly decided = new Map<string, boolean>();
  /** Questions on screen, by file; a test answers through `answer`. */
  private readonly asking = new Map<string, (title: string | undefined) => void>();

  constructor(private readonly s: Deps) {}

  async fire(uri: vscode.Uri): Promise<void> {
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
    for (const resolve of this.asking.values()) resolve(undefined);
  }
}
