/**
 * Eval report view script (bundled to media/dist/report.js, a browser IIFE, its own bundle).
 *
 * The report arrives in a `report` message (core/report/reportModel) and is rendered with
 * createElement + textContent only (see report/render.ts): every summary is server text. The
 * page sends back only `ready`, `export` (the Export as Markdown button) and `error`.
 *
 * DOM hooks (stable, for end-to-end tests):
 *   #aymara-report                  root; data-state = loading | ready; data-report = report id
 *   #aymara-report-export           the Export as Markdown button
 *   nav.report-nav button.report-jump[data-part]   one per part (when there are several)
 *   section.report-part[data-part=overall|<run id>][data-kind=overall|run]
 *     dl.part-facts                 File, Eval, Run, Pass rate
 *     div.summary[data-summary=passing|failing|advice] p.summary-text | p.summary-none
 *     table.category-table tr[data-category] th.category-name, td[data-summary=…]
 */
import type { ReportHostMessage } from '../src/core/report/reportModel';
import { el, renderReport } from './report/render';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function start(): void {
  const api = acquireVsCodeApi();
  const root = document.getElementById('aymara-report') as HTMLElement;
  window.addEventListener('message', (ev: MessageEvent<unknown>) => {
    const msg = ev.data as ReportHostMessage | undefined;
    if (typeof msg !== 'object' || msg === null || msg.type !== 'report') return;
    renderReport(root, msg.model, () => api.postMessage({ type: 'export' }));
  });
  window.addEventListener('error', (e) => api.postMessage({ type: 'error', message: String(e.message ?? 'error') }));
  root.append(el('p', 'loading', '…'));
  api.postMessage({ type: 'ready' });
}

start();
