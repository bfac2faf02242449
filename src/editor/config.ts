import * as vscode from 'vscode';
import { DEFAULT_BASE_URL } from '../core/baseUrl';
import type { EditorProxySettings } from '../core/proxy';

export type SeverityName = 'error' | 'warning' | 'information' | 'hint';

/**
 * Typed access to the `aymara.*` settings. The API base URL is read from user (global)
 * settings only, even though its `application` scope already stops workspaces from setting
 * it: a workspace must never choose where the key is sent.
 */
export class Config implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly listener = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('aymara')) this.emitter.fire();
  });

  private get section() {
    return vscode.workspace.getConfiguration('aymara');
  }

  /** User-level value only; workspace and folder values are ignored on purpose. */
  get apiBaseUrl(): string {
    const v = this.section.inspect<string>('apiBaseUrl');
    const value = v?.globalValue ?? v?.defaultValue ?? DEFAULT_BASE_URL;
    return typeof value === 'string' && value.trim() ? value.trim() : DEFAULT_BASE_URL;
  }

  get workspaceUuid(): string | undefined {
    const v = this.section.get<string>('workspaceUuid', '').trim();
    return v || undefined;
  }

  get sandbox(): boolean {
    return this.section.get<boolean>('sandbox', false) === true;
  }

  get severity(): SeverityName {
    const v = this.section.get<string>('diagnostics.severity', 'error');
    return (['error', 'warning', 'information', 'hint'] as const).find((s) => s === v) ?? 'error';
  }

  /** Verdicts (besides failed and errored) shown as hint diagnostics. */
  get hintVerdicts(): { passed: boolean; refused: boolean; excluded: boolean } {
    return {
      passed: this.section.get<boolean>('diagnostics.showPassed', false) === true,
      refused: this.section.get<boolean>('diagnostics.showRefused', false) === true,
      excluded: this.section.get<boolean>('diagnostics.showExcluded', false) === true,
    };
  }

  get requestTimeoutMs(): number {
    return clamp(this.section.get<number>('requestTimeoutSeconds', 120), 5, 3600) * 1000;
  }

  get maxReplyBytes(): number {
    return clamp(this.section.get<number>('maxReplySizeMB', 512), 1, 4096) * 1024 * 1024;
  }

  /** VS Code's own proxy settings (`http.*`), which requests to the API honour. */
  get httpProxy(): EditorProxySettings {
    const http = vscode.workspace.getConfiguration('http');
    return { proxy: http.get('proxy'), strictSSL: http.get('proxyStrictSSL'), noProxy: http.get('noProxy'), support: http.get('proxySupport') };
  }

  get runTimeoutMs(): number {
    return clamp(this.section.get<number>('runTimeoutMinutes', 10), 0.1, 240) * 60_000;
  }

  get maxFileBytes(): number {
    return clamp(this.section.get<number>('maxFileSizeMB', 100), 1, 1024) * 1024 * 1024;
  }

  dispose(): void {
    this.listener.dispose();
    this.emitter.dispose();
  }
}

function clamp(n: unknown, lo: number, hi: number): number {
  const x = typeof n === 'number' && Number.isFinite(n) ? n : lo;
  return Math.min(hi, Math.max(lo, x));
}
