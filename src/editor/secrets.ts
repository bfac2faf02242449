import * as vscode from 'vscode';
import { DEFAULT_BASE_URL, isLoopbackHost } from '../core/baseUrl';
import { Command } from './commandIds';
import { UserError } from './errors';
import type { Log } from './log';

export const ENV_KEY = 'AYMARA_AI_API_KEY';

export interface ApiKey {
  key: string;
  source: 'secret-storage' | 'environment';
}

/**
 * Whether `AYMARA_AI_API_KEY` may be sent to an origin: only to the default Aymara API and to
 * loopback addresses (the local server). The variable names no origin, so sending it to any
 * configured origin would hand the user's Aymara key to whatever server the setting points at.
 */
export function envKeyAllowedFor(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.origin === new URL(DEFAULT_BASE_URL).origin || isLoopbackHost(url.hostname);
}

/**
 * API keys live only in SecretStorage, each bound to the exact API origin it was saved for
 * ("aymara.apiKey:https://api.aymara.ai"). `AYMARA_AI_API_KEY` from the user's own environment
 * is a fallback for the default origin and loopback addresses only (see envKeyAllowedFor). Keys
 * are registered with the log for redaction and never stored anywhere else.
 */
export class ApiKeys implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string>();
  readonly onDidChange = this.emitter.event;
  private readonly listener: vscode.Disposable;
  /** Origins for which the log already says which key source is used. */
  private readonly announced = new Set<string>();

  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly log: Log,
  ) {
    this.listener = storage.onDidChange((e) => {
      if (e.key.startsWith('aymara.apiKey:')) this.emitter.fire(e.key.slice('aymara.apiKey:'.length));
    });
    this.log.addSecret(process.env[ENV_KEY]);
  }

  private slot(origin: string): string {
    return `aymara.apiKey:${origin}`;
  }

  /**
   * The key for an origin: the one saved for it, else the environment's where allowed. Throws a
   * UserError when the only key is the environment's and the origin may not have it.
   */
  async get(origin: string): Promise<ApiKey | undefined> {
    const stored = await this.storage.get(this.slot(origin));
    if (stored) {
      this.log.addSecret(stored);
      this.announce(origin, 'secret-storage');
      return { key: stored, source: 'secret-storage' };
    }
    const env = process.env[ENV_KEY]?.trim();
    if (!env) return undefined;
    this.log.addSecret(env);
    if (!envKeyAllowedFor(origin)) {
      const t = vscode.l10n.t;
      throw new UserError(
        t('No Aymara API key is set for {0}. {1} is only sent to {2} and to loopback addresses, so it was not used. Set a key for {0} to score files.', origin, ENV_KEY, DEFAULT_BASE_URL),
        [{ title: t('Set API Key'), command: Command.setApiKey }],
      );
    }
    this.announce(origin, 'environment');
    return { key: env, source: 'environment' };
  }

  private announce(origin: string, source: ApiKey['source']): void {
    const key = `${source} ${origin}`;
    if (this.announced.has(key)) return;
    this.announced.add(key);
    this.log.info(source === 'environment' ? `Using the API key from ${ENV_KEY} for ${origin}.` : `Using the API key saved for ${origin}.`);
  }

  async has(origin: string): Promise<boolean> {
    return (await this.storage.get(this.slot(origin))) !== undefined;
  }

  async set(origin: string, key: string): Promise<void> {
    this.log.addSecret(key);
    await this.storage.store(this.slot(origin), key);
  }

  async clear(origin: string): Promise<void> {
    await this.storage.delete(this.slot(origin));
  }

  dispose(): void {
    this.listener.dispose();
    this.emitter.dispose();
  }
}
