import * as vscode from 'vscode';

/**
 * The "Aymara" log channel. Every line passes through `redact`, which removes any secret
 * registered with `addSecret` (the API key in use), so a key can never reach the log.
 */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Aymara', { log: true });
  private readonly secrets = new Set<string>();

  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('«redacted»');
    return out;
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
