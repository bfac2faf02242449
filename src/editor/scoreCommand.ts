import * as vscode from 'vscode';
import type { ResponsesFile } from '../core/responsesFile';
import type { RunResult } from '../core/results';
import { formatPercent } from '../core/results';
import { resumeRun, scoreRun, uniqueRunName, type Progress } from '../core/scoring';
import { fileOrAll, forEachResponsesFile, registerCommand, requireFile } from './commandArgs';
import { Command, WorkbenchCommand } from './commandIds';
import { pickEval } from './evalPicker';
import { reportError, UserError } from './errors';
import { label, readFileText } from './fileText';
import type { SentText } from './fileWatcher';
import type { Services } from './services';

const CONSENT_KEY = 'aymara.uploadConsent';

/** Registers Score, Select Eval, Refresh, and the API key commands. */
export function registerScoring(s: Services): vscode.Disposable {
  const scorer = new Scorer(s);
  // A run whose id was saved before a reload is picked up again, off the activation path.
  setTimeout(() => void scorer.resumePending(), 500);
  return vscode.Disposable.from(
    scorer,
    registerCommand(Command.scoreFile, (t) => forEachResponsesFile(t, 'score', s.log, (uri) => scorer.score(uri))),
    registerCommand(Command.selectEval, (t) => {
      const uri = requireFile(t, 'selectEval', s.log);
      return uri ? scorer.selectEval(uri) : undefined;
    }),
    registerCommand(Command.refresh, (t) => {
      const target = fileOrAll(t, 'refresh', s.log);
      return target ? scorer.refresh(target === 'all' ? undefined : target) : [];
    }),
    registerCommand(Command.setApiKey, () => setApiKey(s)),
    registerCommand(Command.clearApiKey, () => clearApiKey(s)),
    registerCommand(Command.showLog, () => s.log.show()),
  );
}

class Scorer implements vscode.Disposable {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly s: Services) {}

  /** Score a responses file. Returns the run result (also for tests), or undefined when stopped. */
  async score(uri: vscode.Uri): Promise<RunResult | undefined> {
    const t = vscode.l10n.t;
    let fileUri: vscode.Uri | undefined;
    try {
      fileUri = uri;
      if (!vscode.workspace.isTrusted) {
        throw new UserError(t('Scoring is disabled in Restricted Mode because it uploads file contents to the Aymara API. Trust this workspace to score files.'), [
          { title: t('Manage Workspace Trust'), command: WorkbenchCommand.manageTrust },
        ]);
      }
      const key = fileUri.toString();
      if (this.running.has(key)) throw new UserError(t('{0} is already being scored.', label(fileUri)), [], 'info');

      const { file, sent } = await this.readModel(fileUri);
      // Loaded on first use, not at activation: the responses-file model and zod.
      const { toScoreRequest } = await import('../core/responsesFile');
      this.s.diagnostics.setProblems(fileUri, file.problems, (o) => file.lines.positionAt(o));
      if (file.hasErrors) {
        const errors = file.problems.filter((p) => p.severity === 'error');
        const first = errors[0];
        const where = first ? ` ${t('First: line {0}, column {1}: {2}', first.line, first.column, first.message)}` : '';
        throw new UserError(t('{0} has {1} problem(s), so nothing was sent. Fix them (see the Problems panel) and score again.', label(fileUri), errors.length) + where, [
          { title: t('Show Problems'), command: WorkbenchCommand.showProblems },
        ]);
      }

      const origin = this.s.apiOrigin();
      const client = await this.s.client();
      try {
        const evalUuid = file.evalUuid ?? this.s.store.get(fileUri)?.evalUuid ?? (await this.chooseEval(fileUri, client));
        if (!evalUuid) return undefined;
        if (!(await this.consent(origin, file, fileUri))) return undefined;

        const request = toScoreRequest(file, evalUuid);
        // Always unique (the file's own name is kept as the prefix): after a lost reply the run is found by it.
        request.name = uniqueRunName(request.name ?? fileUri.path.split('/').pop() ?? 'responses');
        return await this.withProgress(fileUri, t('Scoring {0}', label(fileUri)), async (signal, report) => {
          this.s.log.info(`Scoring ${label(fileUri!)} (${request.responses.length} responses) against ${evalUuid} at ${origin.origin}; run name "${request.name}".`);
          const result = await scoreRun({
            client,
            request,
            entries: file.entries,
            sandbox: this.s.config.sandbox,
            signal,
            poll: { timeoutMs: this.s.config.runTimeoutMs },
            onProgress: report,
            onRunKnown: (run) =>
              this.s.store.setPending(fileUri!, { eval_run_uuid: run.eval_run_uuid, eval_uuid: run.eval_uuid, name: run.name, started_at: new Date().toISOString() }),
          });
          await this.s.store.setResult(fileUri!, result);
          await this.s.watcher.afterRun(fileUri!, sent);
          void this.s.prompts.ensure(result.eval_uuid, () => this.s.client());
          this.announce(fileUri!, result);
          return result;
        });
      } finally {
        void client.close();
      }
    } catch (err) {
      void reportError(err, this.s.log, fileUri ? { command: Command.scoreFile, args: [fileUri] } : undefined);
      return undefined;
    }
  }

  /**
   * Read and parse a responses file. The model keeps no reference to the text (its line table is
   * built now), so while a run waits for the server the file's text is not held twice.
   */
  private async readModel(fileUri: vscode.Uri): Promise<{ file: ResponsesFile; sent: SentText }> {
    const { text, document } = await readFileText(fileUri, this.s.config.maxFileBytes);
    const { parseResponsesFile } = await import('../core/responsesFile');
    const file = parseResponsesFile(text, { fileName: fileUri.path });
    file.lines.detach();
    return { file, sent: { version: document?.version, length: text.length } };
  }

  /** Fetch results for a file's pending run (after a reload or a timeout), or for all files with one. */
  async refresh(uri: vscode.Uri | undefined): Promise<RunResult[]> {
    const records = uri ? [this.s.store.get(uri)].filter((r) => r !== undefined) : this.s.store.all();
    const out: RunResult[] = [];
    for (const rec of records) {
      const runUuid = rec.pending?.eval_run_uuid ?? rec.latest?.eval_run_uuid;
      if (!runUuid) continue;
      const fileUri = vscode.Uri.parse(rec.uri);
      try {
        const { file } = await this.readModel(fileUri);
        const client = await this.s.client();
        try {
          const result = await this.withProgress(fileUri, vscode.l10n.t('Fetching results for {0}', label(fileUri)), (signal, report) =>
            resumeRun({ client, eval_run_uuid: runUuid, entries: file.entries, signal, poll: { timeoutMs: this.s.config.runTimeoutMs }, onProgress: report }),
          );
          await this.s.store.setResult(fileUri, result);
          out.push(result);
        } finally {
          void client.close();
        }
      } catch (err) {
        void reportError(err, this.s.log);
      }
    }
    return out;
  }

  /** Resume every run that was still pending when the window closed (trusted workspaces only). */
  async resumePending(): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    await this.s.store.loadPendingFile();
    for (const rec of this.s.store.all()) {
      if (!rec.pending || this.running.has(rec.uri)) continue;
      this.s.log.info(`Resuming run ${rec.pending.eval_run_uuid} for ${rec.uri} after a reload.`);
      await this.refresh(vscode.Uri.parse(rec.uri));
    }
  }

  async selectEval(uri: vscode.Uri): Promise<string | undefined> {
    try {
      const fileUri = uri;
      const client = await this.s.client();
      try {
        return await this.chooseEval(fileUri, client);
      } finally {
        void client.close();
      }
    } catch (err) {
      void reportError(err, this.s.log);
      return undefined;
    }
  }

  private async chooseEval(fileUri: vscode.Uri, client: Awaited<ReturnType<Services['client']>>): Promise<string | undefined> {
    const chosen = await pickEval(client, this.s.log, this.s.store.get(fileUri)?.evalUuid);
    if (chosen) await this.s.store.setEval(fileUri, chosen);
    return chosen;
  }

  /** The first upload to a non-loopback origin says what is sent where, once per origin. */
  private async consent(origin: URL, file: ResponsesFile, fileUri: vscode.Uri): Promise<boolean> {
    if (this.s.isLoopback(origin)) return true;
    const given = this.s.context.globalState.get<string[]>(CONSENT_KEY, []);
    if (given.includes(origin.origin)) return true;
    const t = vscode.l10n.t;
    const send = t('Send for Scoring');
    const answer = await vscode.window.showWarningMessage(
      t('Upload responses to {0}?', origin.origin),
      {
        modal: true,
        detail: t(
          'Scoring sends the {0} responses in {1} (their text, prompt ids and flags) to {2} with your API key. Nothing else from your workspace is sent. You will not be asked again for this address.',
          file.entries.length,
          label(fileUri),
          origin.origin,
        ),
      },
      send,
    );
    if (answer !== send) return false;
    await this.s.context.globalState.update(CONSENT_KEY, [...given, origin.origin]);
    return true;
  }

  private withProgress<T>(fileUri: vscode.Uri, title: string, work: (signal: AbortSignal, report: (p: Progress) => void) => Promise<T>): Promise<T> {
    const key = fileUri.toString();
    const controller = new AbortController();
    this.running.set(key, controller);
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        const sub = token.onCancellationRequested(() => controller.abort());
        let last = 0;
        try {
          return await work(controller.signal, (p) => {
            let increment: number | undefined;
            if (p.total && p.done !== undefined) {
              const pct = Math.min(100, (p.done / p.total) * 100);
              increment = Math.max(0, pct - last);
              last = pct;
            }
            progress.report({ message: p.message, increment });
          });
        } finally {
          sub.dispose();
        }
      }),
    ).finally(() => this.running.delete(key));
  }

  private announce(fileUri: vscode.Uri, r: RunResult): void {
    const t = vscode.l10n.t;
    const c = r.counts;
    const summary = t('{0}: {1} passed, {2} failed, {3} refused, {4} excluded, {5} errored (pass rate {6}).', label(fileUri), c.passed, c.failed, c.refused, c.excluded, c.errored, formatPercent(r.pass_rate));
    this.s.log.info(`Run ${r.eval_run_uuid} ${r.status}: ${summary}${r.notes.length ? ' ' + r.notes.join(' ') : ''}`);
    if (r.status === 'failed') void vscode.window.showWarningMessage(t('The server marked run {0} as failed. {1}', r.eval_run_uuid, summary));
    else void vscode.window.showInformationMessage(summary);
  }

  dispose(): void {
    for (const c of this.running.values()) c.abort();
    this.running.clear();
  }
}

async function setApiKey(s: Services): Promise<void> {
  const t = vscode.l10n.t;
  try {
    const origin = s.apiOrigin().origin;
    const key = await vscode.window.showInputBox({
      title: t('Aymara API key for {0}', origin),
      prompt: t('Stored in VS Code secret storage and only ever sent to {0}.', origin),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length >= 8 ? undefined : t('That does not look like an API key.')),
    });
    if (!key) return;
    await s.keys.set(origin, key.trim());
    s.log.info(`API key saved for ${origin}.`);
    void vscode.window.showInformationMessage(t('Aymara API key saved for {0}.', origin));
  } catch (err) {
    void reportError(err, s.log);
  }
}

async function clearApiKey(s: Services): Promise<void> {
  try {
    const origin = s.apiOrigin().origin;
    await s.keys.clear(origin);
    s.log.info(`API key cleared for ${origin}.`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Aymara API key cleared for {0}.', origin));
  } catch (err) {
    void reportError(err, s.log);
  }
}
