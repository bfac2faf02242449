import * as vscode from 'vscode';
import type { Log } from './log';

export const ENV_KEY = 'AYMARA_AI_API_KEY';

export interface ApiKey {
  key: string;
  source: 'secret-storage' | 'environment';
}

/**
 * API keys live only in SecretStorage, each bound to the exact API origin it was saved for
 * ("aymara.apiKey:https://api.aymara.ai"). `AYMARA_AI_API_KEY` is a fallback from the
 * user's own environment. Keys are registered with the log for redaction and never stored
 * anywhere else.
 */
export class ApiKeys implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string>();
  readonly onDidChange = this.emitter.event;
  private readonly listener: vscode.Disposable;

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

  async get(origin: string): Promise<ApiKey | undefined> {
    const stored = await this.storage.get(this.slot(origin));
    if (stored) {
      this.log.addSecret(stored);
      return { key: stored, source: 'secret-storage' };
    }
    const env = process.env[ENV_KEY]?.trim();
    if (env) {
      this.log.addSecret(env);
      return { key: env, source: 'environment' };
    }
    return undefined;
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
