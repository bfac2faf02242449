import * as vscode from 'vscode';
import { redactor } from '../core/present/text';

/**
 * The "Aymara" log channel, and the registry of secrets for every other output channel.
 * Every line passes through `redact`, which removes any secret registered with `addSecret` (the
 * API key in use), so a key can never reach the log. Notifications, saved state, webview data
 * and quick picks use the same `redact` (and `redactDeep` for structured data).
 */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Aymara', { log: true });
  private readonly secrets = new Set<string>();
  private redactText: (text: string) => string = redactor([]);

  addSecret(secret: string | undefined): void {
    const s = secret?.trim();
    if (!s || this.secrets.has(s)) return;
    this.secrets.add(s);
    if (secret && secret !== s) this.secrets.add(secret);
    this.redactText = redactor(this.secrets);
  }

  redact = (text: string): string => this.redactText(text);

  /**
   * A copy of plain data (JSON-like: objects, arrays, strings) with every string redacted;
   * the value itself when no secret is registered or none occurs in it.
   */
  redactDeep<T>(value: T): T {
    if (!this.secrets.size) return value;
    return walk(value, this.redactText) as T;
  }

  info(message: string): void {
    this.channel.info(this.redact(message));
  }

  warn(message: string): void {
    this.channel.warn(this.redact(message));
  }

  error(message: string): void {
    this.channel.error(this.redact(message));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** Redact every string in plain data; unchanged branches are returned as they are (no copy). */
function walk(v: unknown, redact: (s: string) => string): unknown {
  if (typeof v === 'string') return redact(v);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const r = walk(v[i], redact);
      if (r !== v[i]) (out ??= v.slice())[i] = r;
    }
    return out ?? v;
  }
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    // for…in over a plain object (own keys only, its prototype is Object.prototype): no arrays
    // of entries are made, which made this walk the slowest step before results reach the views.
    const o = v as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const k in o) {
      const x = o[k];
      if (x === null || (typeof x !== 'string' && typeof x !== 'object')) continue;
      const r = walk(x, redact);
      if (r !== x) (out ??= { ...o })[k] = r;
    }
    return out ?? v;
  }
  return v;
}
