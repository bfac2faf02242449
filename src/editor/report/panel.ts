import * as vscode from 'vscode';
import { describeValue, oneLine } from '../../core/present/text';
import { buildReportModel, parseReportMessage, type LocalRunInfo, type ReportHostMessage, type ReportViewModel } from '../../core/report/reportModel';
import type { EvalSuiteReport } from '../../core/reviewSchemas';
import type { Services } from '../services';
import { webviewPage } from '../webviewPage';

type Deps = Pick<Services, 'context' | 'log'>;

export const REPORT_VIEW_TYPE = 'aymara.report';

/** One open report view. */
export interface ReportEntry {
  panel: vscode.WebviewPanel;
  /** The report as received, with the API key redacted wherever the server echoed it. */
  report: EvalSuiteReport;
  model: ReportViewModel;
  /** A responses file of the report's runs (where an export is suggested). */
  near?: vscode.Uri;
  ready: boolean;
  rejected: number;
  disposables: vscode.Disposable[];
}

export interface ReportPanelsSnapshot {
  panels: { reportUuid: string; title: string; visible: boolean; active: boolean; ready: boolean; rejected: number; posted?: string }[];
}

/**
 * The eval report view: one editor panel per report, a fixed HTML template under a strict CSP
 * (scripts by nonce only); the report travels as a message built by the core
 * (core/report/reportModel) and media/report.ts renders it with textContent. The page may only
 * say it is ready, ask for an export, or report a script error.
 */
export class ReportPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ReportEntry>();
  private readonly mediaRoot: vscode.Uri;
  /** The report view shown last (the target of Export Report as Markdown from the palette). */
  private lastShown: ReportEntry | undefined;
  private readonly posted = new Map<ReportEntry, string>();

  constructor(
    private readonly s: Deps,
    private readonly onExport: (entry: ReportEntry) => void,
  ) {
    this.mediaRoot = vscode.Uri.joinPath(s.context.extensionUri, 'media');
  }

  /** Shows a finished report (a new panel, or the one already showing it). */
  show(report: EvalSuiteReport, local: (runUuid: string) => LocalRunInfo | undefined, near: vscode.Uri | undefined): ReportEntry {
    const safe = this.s.log.redactDeep(report);
    const model = buildReportModel({ report: safe, local, t: (m, ...a) => vscode.l10n.t(m, ...a) });
    let entry = this.panels.get(safe.eval_suite_report_uuid);
    if (entry) {
      entry.report = safe;
      entry.model = model;
      entry.panel.reveal();
      if (entry.ready) void this.post(entry);
    } else {
      const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, oneLine(model.title, 120), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, this.options());
      entry = { panel, report: safe, model, near, ready: false, rejected: 0, disposables: [] };
      this.adopt(entry);
    }
    this.lastShown = entry;
    return entry;
  }

  /** The active report view, else the one shown last (still open). */
  current(): ReportEntry | undefined {
    for (const e of this.panels.values()) if (e.panel.active) return e;
    return this.lastShown && this.panels.get(this.lastShown.model.reportUuid) === this.lastShown ? this.lastShown : undefined;
  }

  byId(reportUuid: string): ReportEntry | undefined {
    return this.panels.get(reportUuid);
  }

  /** Handles a message as if the report's page had posted it (the integration suite cannot click inside the webview). */
  receiveMessage(reportUuid: string, raw: unknown): boolean {
    const entry = this.panels.get(reportUuid);
    return entry ? this.receive(entry, raw) : false;
  }

  snapshot(): ReportPanelsSnapshot {
    return {
      panels: [...this.panels.values()].map((e) => ({
        reportUuid: e.model.reportUuid,
        title: e.panel.title,
        visible: e.panel.visible,
        active: e.panel.active,
        ready: e.ready,
        rejected: e.rejected,
        ...(this.posted.has(e) ? { posted: this.posted.get(e) } : {}),
      })),
    };
  }

  dispose(): void {
    for (const e of [...this.panels.values()]) e.panel.dispose();
    this.panels.clear();
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, enableCommandUris: false, enableForms: false, localResourceRoots: [this.mediaRoot], retainContextWhenHidden: false, enableFindWidget: true };
  }

  private adopt(entry: ReportEntry): void {
    const { panel } = entry;
    this.panels.set(entry.model.reportUuid, entry);
    panel.iconPath = vscode.Uri.joinPath(this.mediaRoot, 'aymara.svg');
    panel.webview.html = this.html(panel.webview);
    entry.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(entry, m)),
      panel.onDidChangeViewState(() => {
        // Not retained when hidden: the page reloads when shown again and asks for the report anew.
        if (!panel.visible) entry.ready = false;
        if (panel.active) this.lastShown = entry;
      }),
      panel.onDidDispose(() => {
        vscode.Disposable.from(...entry.disposables).dispose();
        this.posted.delete(entry);
        if (this.panels.get(entry.model.reportUuid) === entry) this.panels.delete(entry.model.reportUuid);
        if (this.lastShown === entry) this.lastShown = undefined;
      }),
    );
  }

  private receive(entry: ReportEntry, raw: unknown): boolean {
    const msg = parseReportMessage(raw);
    if (!msg) {
      entry.rejected++;
      this.s.log.warn(`Report view: ignored a message from the page that is not allowed: ${describeValue(raw)}`);
      return false;
    }
    switch (msg.type) {
      case 'ready':
        entry.ready = true;
        void this.post(entry);
        return true;
      case 'export':
        this.onExport(entry);
        return true;
      case 'error':
        this.s.log.warn(`Report view page: ${msg.message}`);
        return true;
    }
  }

  private async post(entry: ReportEntry): Promise<void> {
    const msg: ReportHostMessage = { type: 'report', model: this.s.log.redactDeep(entry.model) };
    if (this.s.context.extensionMode === vscode.ExtensionMode.Test) this.posted.set(entry, JSON.stringify(msg));
    try {
      await entry.panel.webview.postMessage(msg);
    } catch (err) {
      this.s.log.warn(`Report view: could not post to the panel: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private html(webview: vscode.Webview): string {
    return webviewPage(webview, { mediaRoot: this.mediaRoot, script: 'report.js', style: 'report.css', title: 'Aymara report', rootId: 'aymara-report' });
  }
}


