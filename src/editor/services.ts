import * as vscode from 'vscode';
import type { AymaraClient } from '../core/client';
import { ApiError } from '../core/apiError';
import { checkBaseUrl, isLoopbackHost } from '../core/baseUrl';
import { proxyFromEditor, proxyLabel } from '../core/proxy';
import { Command, WorkbenchCommand } from './commandIds';
import { Config } from './config';
import { ResultDiagnostics } from './diagnostics';
import { UserError } from './errors';
import { Log } from './log';
import { PromptCache } from './promptCache';
import { RunStore } from './runStore';
import { ApiKeys } from './secrets';

/**
 * The long-lived objects every feature shares. Each owns its own disposables; this container
 * owns them in turn and is itself pushed to the extension's subscriptions.
 */
export class Services implements vscode.Disposable {
  readonly log = new Log();
  readonly config = new Config();
  readonly keys: ApiKeys;
  readonly store: RunStore;
  readonly diagnostics: ResultDiagnostics;
  readonly prompts: PromptCache;

  constructor(readonly context: vscode.ExtensionContext) {
    this.keys = new ApiKeys(context.secrets, this.log);
    this.store = new RunStore(context.workspaceState, { workspace: context.storageUri, global: context.globalStorageUri }, this.log);
    this.diagnostics = new ResultDiagnostics(this.store, this.config);
    this.prompts = new PromptCache(context.workspaceState, context.storageUri ?? context.globalStorageUri, this.log);
  }

  /** The configured API origin, vetted (https, or http to loopback). */
  apiOrigin(): URL {
    try {
      return checkBaseUrl(this.config.apiBaseUrl);
    } catch (err) {
      const msg = err instanceof ApiError ? err.message : String(err);
      throw new UserError(`${msg} ${vscode.l10n.t('Fix "aymara.apiBaseUrl" in your user settings.')}`, [
        { title: vscode.l10n.t('Open Settings'), command: WorkbenchCommand.openSettings, args: ['aymara.apiBaseUrl'] },
      ]);
    }
  }

  /**
   * A client for the configured origin with the key saved for exactly that origin, through the
   * proxy VS Code's `http.*` settings (or the environment) choose.
   * The HTTP stack is loaded on first use, never at activation.
   */
  async client(): Promise<AymaraClient> {
    const url = this.apiOrigin();
    const key = await this.keys.get(url.origin);
    if (!key) {
      throw new UserError(vscode.l10n.t('No Aymara API key is set for {0}. Set one to score files.', url.origin), [
        { title: vscode.l10n.t('Set API Key'), command: Command.setApiKey },
      ]);
    }
    let proxy: ReturnType<typeof proxyFromEditor>;
    try {
      proxy = proxyFromEditor(this.config.httpProxy, process.env, url);
    } catch (err) {
      throw new UserError(err instanceof Error ? err.message : String(err), [
        { title: vscode.l10n.t('Open Settings'), command: WorkbenchCommand.openSettings, args: ['http.proxy'] },
      ]);
    }
    const route = proxy ? proxyLabel(proxy) : 'direct';
    if (route !== this.lastRoute) this.log.info(`Requests to ${url.origin} go ${proxy ? `through the proxy ${route}` : 'directly (no proxy)'}.`);
    this.lastRoute = route;
    const { AymaraClient } = await import('../core/client');
    const version = String(this.context.extension.packageJSON.version ?? '0');
    return new AymaraClient({
      baseUrl: url.href,
      apiKey: key.key,
      workspaceUuid: this.config.workspaceUuid,
      requestTimeoutMs: this.config.requestTimeoutMs,
      maxReplyBytes: this.config.maxReplyBytes,
      limitNames: { timeout: '"aymara.requestTimeoutSeconds"', maxReply: '"aymara.maxReplySizeMB"' },
      proxy,
      userAgent: `aymara-eval-scoring-vscode/${version}`,
      onRetry: (r) => this.log.warn(`Retrying ${r.method} ${r.path} in ${r.delayMs} ms (attempt ${r.attempt}, ${r.reason}).`),
    });
  }

  /** How the last client reached the API (proxy label or "direct"), so a change is logged once. */
  private lastRoute: string | undefined;

  isLoopback(url: URL): boolean {
    return isLoopbackHost(url.hostname);
  }

  dispose(): void {
    vscode.Disposable.from(this.diagnostics, this.prompts, this.store, this.keys, this.config, this.log).dispose();
  }
}
