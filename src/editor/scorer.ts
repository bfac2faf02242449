/**
 * Scoring's work behind its commands (scoreCommand.ts registers them): Score, Score Failed Only,
 * Refresh, Select Eval, resuming the runs a reload left pending, and the API key commands. Loaded
 * on first use, so activation does not compile it.
 */
import * as vscode from 'vscode';
import { isApiError } from '../core/apiError';
import type { AymaraClient } from '../core/client';
import { countsLine } from '../core/present/labels';
import { inert, shortId } from '../core/present/text';
import type { ResponsesFile } from '../core/responsesFile';
import type { RunResult } from '../core/results';
import { formatPercent } from '../core/results';
import { overlayRun } from '../core/overlayRun';
import type { Progress } from '../core/scoring';
import { Command, WorkbenchCommand } from './commandIds';
import { notify, reportError, UserError } from './errors';
import { label, readFileText } from './fileText';
import { digestOf, diskStamp, type FileWatcher, type SentText } from './fileWatcher';
import type { PendingRun } from './runStore';
import { CONSENT_FILES_KEY, CONSENT_KEY, type ScoreOptions, type ScoringDeps as Deps } from './scoreTypes';
import type { Services } from './services';

export class Scorer implements vscode.Disposable {
  /** Files being scored or refreshed; claimed synchronously on entry, so two quick clicks send one request. */
  private readonly running = new Map<string, AbortController>();
  /** Set when the window closes or reloads: what is pending stays saved for the next window. */
  private disposed = false;

  constructor(
    private readonly s: Deps,
    private readonly watcher: Pick<FileWatcher, 'afterRun'>,
  ) {}

  /** Take a file for one command, before any await; throws (as an info message) when it is taken. */
  private claim(fileUri: vscode.Uri): AbortController {
    const key = fileUri.toString();
    if (this.running.has(key)) throw new UserError(vscode.l10n.t('{0} is already being scored.', label(fileUri)), [], 'info');
    const controller = new AbortController();
    this.running.set(key, controller);
    return controller;
  }

  isScoring(fileUri: vscode.Uri): boolean {
    return this.running.has(fileUri.toString());
  }

  private release(fileUri: vscode.Uri, claim: AbortController): void {
    const key = fileUri.toString();
    if (this.running.get(key) === claim) this.running.delete(key);
  }

  /**
   * Score Failed Only: send the entries that failed or errored in a run of the file (default its
   * latest) as a new run, laid over the latest results. Nothing is sent when none failed.
   */
  async scoreFailedOnly(uri: vscode.Uri, runUuid?: string): Promise<RunResult | undefined> {
    const t = vscode.l10n.t;
    await this.s.store.whenLoaded();
    const rec = this.s.store.get(uri);
    const run = runUuid && runUuid !== rec?.latest?.eval_run_uuid ? await this.s.store.getRun(uri, runUuid) : rec?.latest;
    if (!run) {
      const why = runUuid ? t('The results of that run are no longer stored here.') : t('{0} has no results yet.', label(uri));
      void notify(this.s.log, 'info', `${why} ${t('Score the whole file first.')}`, [{ title: t('Score File'), command: Command.scoreFile, args: [uri] }]);
      return undefined;
    }
    const { failingKeys } = await import('../core/compare/compare');
    const only = failingKeys(run);
    if (!only.size) {
      void notify(this.s.log, 'info', t('No response failed or errored in that run of {0}, so nothing was sent.', label(uri)));
      return undefined;
    }
    return this.score(uri, { only });
  }

  /** Score a responses file. Returns the run result (also for tests), or undefined when stopped. */
  async score(uri: vscode.Uri, options: ScoreOptions = {}): Promise<RunResult | undefined> {
    const t = vscode.l10n.t;
    let fileUri: vscode.Uri | undefined;
    let claim: AbortController | undefined;
    let cancelled: vscode.Disposable | undefined;
    let clientReady: Promise<AymaraClient> | undefined;
    try {
      fileUri = uri;
      if (!vscode.workspace.isTrusted) {
        throw new UserError(t('Scoring is disabled in Restricted Mode because it uploads file contents to the Aymara API. Trust this workspace to score files.'), [
          { title: t('Manage Workspace Trust'), command: WorkbenchCommand.manageTrust },
        ]);
      }
      claim = this.claim(fileUri);
      const stop = claim;
      cancelled = options.token?.onCancellationRequested(() => stop.abort());
      // The key and the HTTP stack are read while the file is (a round trip to the window and a
      // module load); a missing key is still reported only after the file's own problems.
      clientReady = this.s.client();
      clientReady.catch(() => undefined);
      const [, { file, sent }] = await Promise.all([this.s.store.whenLoaded(), this.readModel(fileUri)]);
      this.s.diagnostics.setProblems(fileUri, file.problems, (o) => file.lines.positionAt(o));
      if (file.hasErrors) {
        const errors = file.problems.filter((p) => p.severity === 'error');
        const first = errors[0];
        const where = first ? ` ${t('First: line {0}, column {1}: {2}', first.line, first.column, inert(first.message, 200))}` : '';
        throw new UserError(t('{0} has {1} problem(s), so nothing was sent. Fix them (see the Problems panel) and score again.', label(fileUri), errors.length) + where, [
          { title: t('Show Problems'), command: WorkbenchCommand.showProblems },
        ]);
      }

      const origin = this.s.apiOrigin();
      const client = await clientReady;
      const evalUuid = file.evalUuid ?? this.s.store.get(fileUri)?.evalUuid ?? (await this.chooseEval(fileUri, client));
      if (!evalUuid) return undefined;
      if (!(await this.consent(origin, file, fileUri))) return undefined;

      const target = fileUri;
      // Loaded on first use, not at activation: the scoring use case, the responses-file model and zod.
      const { scoreFile } = await import('../core/scoreFile');
      const local = (await import('./images/localFiles')).localFilesFor(this.s.context, target, origin);
      return await this.withProgress(target, claim, t('Scoring {0}', label(target)), async (signal, report) => {
        let pending: PendingRun | undefined;
        let recovering = false;
        let result: RunResult;
        try {
          result = await scoreFile({
            file,
            evalUuid,
            fileName: target.path.split('/').pop() ?? '',
            ...(options.only ? { only: options.only } : {}),
            client,
            sandbox: this.s.config.sandbox,
            signal,
            poll: { timeoutMs: this.s.config.runTimeoutMs },
            localFiles: local.options,
            beforeSubmit: async (sub) => {
              this.s.log.info(`Scoring ${label(target)} (${sub.responses} responses) against ${evalUuid} at ${origin.origin}; run name "${sub.name}".`);
              // On disk before the request leaves: a reload while it is in flight finds the run by this name.
              pending = { eval_uuid: evalUuid, name: sub.name, started_at: new Date().toISOString() };
              await this.s.store.setPending(target, pending);
            },
            onProgress: (p) => {
              if (p.stage === 'recovering') recovering = true;
              report(p);
            },
            onRunKnown: (run) => (pending ? this.s.store.setPending(target, { ...pending, eval_run_uuid: run.eval_run_uuid }) : undefined),
          });
        } catch (err) {
          // Keep the name while the run may exist (the reply was lost and the lookup failed, or the
          // window is closing with the request in flight): Refresh or the next window looks again.
          if (pending && !this.disposed && (!recovering || lookedUpAndAbsent(err))) await this.s.store.clearPending(target, { name: pending.name });
          throw err;
        } finally {
          await local.save();
        }
        if (options.only) {
          const base = this.s.store.get(target)?.latest;
          if (base && base.eval_uuid === result.eval_uuid) result = overlayRun(base, result);
        }
        await this.s.store.setResult(target, result);
        await this.watcher.afterRun(target, sent);
        void this.s.prompts.ensure(result.eval_uuid, () => this.s.client());
        this.announce(target, result);
        return result;
      });
    } catch (err) {
      if (!this.disposed) {
        const { userFacing } = await import('./images/localFiles');
        void reportError(userFacing(err, fileUri), this.s.log, fileUri ? { command: Command.scoreFile, args: [fileUri] } : undefined);
      }
      return undefined;
    } finally {
      cancelled?.dispose();
      void clientReady?.then((c) => c.close(), () => undefined);
      if (fileUri && claim) this.release(fileUri, claim);
    }
  }

  /**
   * Read and parse a responses file. The model keeps no reference to the text (its line table is
   * built now), so while a run waits for the server the file's text is not held twice. `sent`
   * identifies the text (see SentText) so a change during the run is noticed.
   */
  private async readModel(fileUri: vscode.Uri): Promise<{ file: ResponsesFile; sent: SentText }> {
    const disk = await diskStamp(fileUri);
    const { text, document } = await readFileText(fileUri, this.s.config.maxFileBytes);
    const { parseResponsesFile } = await import('../core/responsesFile');
    const file = parseResponsesFile(text, { fileName: fileUri.path });
    file.lines.detach();
    return { file, sent: { version: document?.version, length: text.length, digest: digestOf(text), disk: document ? undefined : disk } };
  }

  /** Fetch results for a file's pending run (after a reload or a timeout), or for all files with one. */
  async refresh(uri: vscode.Uri | undefined): Promise<RunResult[]> {
    await this.s.store.whenLoaded();
    const records = uri ? [this.s.store.get(uri)].filter((r) => r !== undefined) : this.s.store.all();
    const out: RunResult[] = [];
    for (const rec of records) {
      if (!rec.pending && !rec.latest) continue;
      const fileUri = vscode.Uri.parse(rec.uri);
      if (!uri && this.running.has(rec.uri)) continue;
      let claim: AbortController | undefined;
      try {
        claim = this.claim(fileUri);
        const client = await this.s.client();
        try {
          const result = await this.withProgress(fileUri, claim, vscode.l10n.t('Fetching results for {0}', label(fileUri)), async (signal, report) => {
            const current = this.s.store.get(fileUri);
            const runUuid = current?.pending ? await this.pendingRunId(fileUri, current.pending, client, signal, report) : current?.latest?.eval_run_uuid;
            if (!runUuid) return undefined;
            const [{ file }, { resumeRun }] = await Promise.all([this.readModel(fileUri), import('../core/scoring')]);
            return resumeRun({ client, eval_run_uuid: runUuid, entries: file.entries, signal, poll: { timeoutMs: this.s.config.runTimeoutMs }, onProgress: report });
          });
          if (result) {
            await this.s.store.setResult(fileUri, result);
            out.push(result);
          }
        } finally {
          void client.close();
        }
      } catch (err) {
        if (!this.disposed) void reportError(err, this.s.log);
      } finally {
        if (claim) this.release(fileUri, claim);
      }
    }
    return out;
  }

  /**
   * The id of a file's pending run. A run saved only by name (the window closed while its
   * submission was in flight) is looked up by that name, a few times and across pages of runs,
   * and adopted; when the server has no such run, nothing was scored and the user is told so.
   */
  private async pendingRunId(fileUri: vscode.Uri, pending: PendingRun, client: Awaited<ReturnType<Services['client']>>, signal: AbortSignal, report: (p: Progress) => void): Promise<string | undefined> {
    if (pending.eval_run_uuid) return pending.eval_run_uuid;
    const t = vscode.l10n.t;
    const name = pending.name ?? '';
    report({ stage: 'recovering', message: t('Looking for the run that was being sent when the window closed…') });
    const { lookUpRunByName } = await import('../core/runLookup');
    const started = Date.parse(pending.started_at);
    const found = name ? await lookUpRunByName(client, pending.eval_uuid, name, { signal, notBefore: Number.isNaN(started) ? undefined : started }) : undefined;
    if (!found) {
      await this.s.store.clearPending(fileUri, { name: pending.name });
      this.s.log.warn(`No run named "${name}" exists for ${label(fileUri)}; the submission that was in flight when the window closed created nothing.`);
      void notify(this.s.log, 'warning', t('{0} was being sent for scoring when the window closed, but the server has no run named "{1}", so nothing was scored. Score the file again.', label(fileUri), inert(name, 120)), [
        { title: t('Score File'), command: Command.scoreFile, args: [fileUri] },
      ]);
      return undefined;
    }
    this.s.log.info(`Found run ${found.eval_run_uuid} by its name "${name}" for ${label(fileUri)}; adopting it, nothing is sent again.`);
    await this.s.store.setPending(fileUri, { ...pending, eval_run_uuid: found.eval_run_uuid });
    return found.eval_run_uuid;
  }

  /** Resume every run that was still pending when the window closed (trusted workspaces only). */
  async resumePending(): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    await this.s.store.whenLoaded();
    for (const rec of this.s.store.all()) {
      if (!rec.pending || this.running.has(rec.uri)) continue;
      const which = rec.pending.eval_run_uuid ? `run ${rec.pending.eval_run_uuid}` : `the run named "${rec.pending.name ?? ''}"`;
      this.s.log.info(`Resuming ${which} for ${rec.uri} after a reload.`);
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
    await this.s.store.whenLoaded();
    const { pickEval } = await import('./evalPicker');
    const chosen = await pickEval(client, this.s.log, this.s.store.get(fileUri)?.evalUuid);
    if (chosen) await this.s.store.setEval(fileUri, chosen);
    return chosen;
  }

  /** The first upload to a non-loopback origin says what is sent where, once per origin. */
  private async consent(origin: URL, file: ResponsesFile, fileUri: vscode.Uri): Promise<boolean> {
    if (this.s.isLoopback(origin)) return true;
    // Workspace files (image and video answers) are asked about once per origin on their own.
    const { localPaths } = await import('../core/files/prepare');
    const files = localPaths(file.entries.map((e) => e.response)).length;
    const key = files ? CONSENT_FILES_KEY : CONSENT_KEY;
    const saved = this.s.context.globalState.get<unknown>(key);
    const given = Array.isArray(saved) ? saved.filter((o): o is string => typeof o === 'string') : [];
    if (given.includes(origin.origin)) return true;
    const t = vscode.l10n.t;
    const send = { title: t('Send for Scoring') };
    const detail = files
      ? t(
          'Scoring sends the {0} responses in {1} (their text, prompt ids and flags) and uploads the {2} image or video file(s) they name from your workspace folder to {3} with your API key. Nothing else from your workspace is sent. You will not be asked again for this address.',
          file.entries.length,
          label(fileUri),
          files,
          origin.origin,
        )
      : t(
          'Scoring sends the {0} responses in {1} (their text, prompt ids and flags) to {2} with your API key. Nothing else from your workspace is sent. You will not be asked again for this address.',
          file.entries.length,
          label(fileUri),
          origin.origin,
        );
    const answer = await notify(this.s.log, 'warning', t('Upload responses to {0}?', origin.origin), [send], { modal: true, detail });
    if (answer !== send) return false;
    await this.s.context.globalState.update(key, [...given, origin.origin]);
    return true;
  }

  private withProgress<T>(fileUri: vscode.Uri, claim: AbortController, title: string, work: (signal: AbortSignal, report: (p: Progress) => void) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: inert(this.s.log.redact(title), 200), cancellable: true }, async (progress, token) => {
        const sub = token.onCancellationRequested(() => claim.abort());
        let last = 0;
        try {
          return await work(claim.signal, (p) => {
            let increment: number | undefined;
            if (p.total && p.done !== undefined) {
              const pct = Math.min(100, (p.done / p.total) * 100);
              increment = Math.max(0, pct - last);
              last = pct;
            }
            progress.report({ message: inert(this.s.log.redact(p.message), 200), increment });
          });
        } finally {
          sub.dispose();
        }
      }),
    );
  }

  private announce(fileUri: vscode.Uri, r: RunResult): void {
    const t = vscode.l10n.t;
    const c = r.counts;
    const summary = t('{0}: {1} (pass rate {2}).', label(fileUri), countsLine(c, t), formatPercent(r.pass_rate));
    this.s.log.info(`Run ${r.eval_run_uuid} ${r.status}: ${summary}${r.notes.length ? ' ' + r.notes.join(' ') : ''}`);
    if (r.status === 'failed') void notify(this.s.log, 'warning', t('The server marked run {0} as failed. {1}', shortId(r.eval_run_uuid, 40), summary));
    else void notify(this.s.log, 'info', summary);
  }

  dispose(): void {
    this.disposed = true;
    for (const c of this.running.values()) c.abort();
    this.running.clear();
  }
}

/** The submission's reply was lost and the lookup by name completed without finding the run: nothing was created. */
function lookedUpAndAbsent(err: unknown): boolean {
  return isApiError(err) && !err.ambiguous && isApiError(err.cause) && err.cause.ambiguous;
}

export async function setApiKey(s: Pick<Services, 'apiOrigin' | 'keys' | 'log'>): Promise<void> {
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
    void notify(s.log, 'info', t('Aymara API key saved for {0}.', origin));
  } catch (err) {
    void reportError(err, s.log);
  }
}

export async function clearApiKey(s: Pick<Services, 'apiOrigin' | 'keys' | 'log'>): Promise<void> {
  try {
    const origin = s.apiOrigin().origin;
    await s.keys.clear(origin);
    s.log.info(`API key cleared for ${origin}.`);
    void notify(s.log, 'info', vscode.l10n.t('Aymara API key cleared for {0}.', origin));
  } catch (err) {
    void reportError(err, s.log);
  }
}
