/**
 * The charts under the run header (#aymara-charts): the file's pass rate across its runs (trend)
 * and this run's pass rate per prompt category. The section, its captions and the text
 * alternative (a visually hidden table per chart with every number, and a one-sentence label on
 * each canvas) are built with the rest of the page; the drawing bundle (media/charts.ts, uPlot)
 * and its style sheet are loaded only after the first cards are painted, then draw in each frame.
 *
 * DOM hooks: #aymara-charts[data-drawn=true|false|error]; figure.chart[data-chart=trend|categories]
 * holding div.chart-frame (its canvas.chart-canvas: the page's placeholder, then the chart's own)
 * and table.chart-data (visually hidden).
 */
import type { ChartSpec } from '../charts';
import type { WebviewModel } from '../../src/core/report/webviewModel';
import { el } from './dom';
import { t, type Session } from './session';

/** The page script's own element, for the drawing bundle's address and nonce (only set while the script first runs). */
const SELF = document.currentScript as HTMLScriptElement | null;

interface Figure {
  id: 'trend' | 'categories';
  title: string;
  summary: string;
  spec: ChartSpec;
  head: string[];
  rows: string[][];
}

function figures(s: Session, m: WebviewModel): Figure[] {
  const out: Figure[] = [];
  const series = t(s, 'Pass rate');
  if (m.trend && m.trend.length > 1) {
    const points = m.trend;
    out.push({
      id: 'trend',
      title: t(s, 'Pass rate across runs'),
      summary: t(s, 'Pass rate over the last {0} runs: from {1} to {2}.', points.length, points[0]!.rate, points[points.length - 1]!.rate),
      spec: { kind: 'line', series, labels: points.map((p) => p.when.slice(5, 16)), values: points.map((p) => p.percent) },
      head: [t(s, 'Run'), t(s, 'Scored'), series, t(s, 'Passing'), t(s, 'Failing')],
      rows: points.map((p) => [p.runName ?? p.runUuid, p.when, p.rate, String(p.passing), String(p.failing)]),
    });
  }
  if (m.categories?.length) {
    const cats = m.categories;
    const judged = cats.filter((c) => c.percent !== null);
    const low = judged.reduce<(typeof cats)[number] | undefined>((a, c) => (a === undefined || c.percent! < a.percent! ? c : a), undefined);
    const high = judged.reduce<(typeof cats)[number] | undefined>((a, c) => (a === undefined || c.percent! > a.percent! ? c : a), undefined);
    out.push({
      id: 'categories',
      title: t(s, 'Pass rate by category'),
      summary: t(s, 'Pass rate by category, {0} categories: lowest {1} ({2}), highest {3} ({4}).', cats.length, low?.label ?? '–', low?.rate ?? '–', high?.label ?? '–', high?.rate ?? '–'),
      spec: { kind: 'bar', series, labels: cats.map((c) => c.label), values: cats.map((c) => c.percent) },
      head: [t(s, 'Category'), series, t(s, 'Passing'), t(s, 'Failing'), t(s, 'Excluded')],
      rows: cats.map((c) => [c.label, c.rate, String(c.passing), String(c.failing), String(c.excluded)]),
    });
  }
  return out;
}

function table(f: Figure): HTMLTableElement {
  const tbl = el('table', 'chart-data visually-hidden');
  tbl.append(el('caption', undefined, f.title));
  const head = el('tr');
  for (const h of f.head) {
    const th = el('th', undefined, h);
    th.scope = 'col';
    head.append(th);
  }
  const body = el('tbody');
  for (const r of f.rows) {
    const tr = el('tr');
    r.forEach((cell, i) => {
      const c = el(i === 0 ? 'th' : 'td', undefined, cell);
      if (i === 0) (c as HTMLTableCellElement).scope = 'row';
      // Category names and run names are untrusted text: their own bidi paragraph.
      if (i === 0) c.dir = 'auto';
      tr.append(c);
    });
    body.append(tr);
  }
  tbl.append(el('thead'), body);
  tbl.tHead!.append(head);
  return tbl;
}

/** Build (or rebuild) the charts section for the model; the drawing follows once the first cards are painted. */
export function renderCharts(s: Session, m: WebviewModel): void {
  if (!s.ui) return;
  const figs = figures(s, m);
  let box = s.charts?.box;
  if (!figs.length) {
    box?.remove();
    return;
  }
  // Live updates (an edit re-maps positions, prompt texts arrive) mostly leave the numbers alone: keep what is drawn.
  const signature = JSON.stringify(figs);
  if (box?.isConnected && s.charts?.signature === signature) return;
  if (!box || !box.isConnected) {
    box = el('section', 'charts');
    box.id = 'aymara-charts';
    box.setAttribute('aria-label', t(s, 'Pass rate'));
    s.ui.summary.after(box);
  }
  box.dataset.drawn = 'false';
  const frames: { frame: HTMLElement; spec: ChartSpec }[] = [];
  box.replaceChildren(
    ...figs.map((f) => {
      const fig = el('figure', `chart chart-${f.id}`);
      fig.dataset.chart = f.id;
      const caption = el('figcaption', 'chart-title', f.title);
      const frame = el('div', 'chart-frame');
      const canvas = el('canvas', 'chart-canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', f.summary);
      frame.append(canvas);
      frames.push({ frame, spec: f.spec });
      fig.append(caption, frame, table(f));
      return fig;
    }),
  );
  s.charts = { box, pending: frames, loading: s.charts?.loading, signature };
  // Two animation frames: the first cards are painted before the chart library is even loaded.
  requestAnimationFrame(() => requestAnimationFrame(() => void drawPending(s, box)));
}

async function drawPending(s: Session, box: HTMLElement): Promise<void> {
  if (s.charts?.box !== box || !box.isConnected) return;
  try {
    await loadDrawing(s);
    const api = window.aymaraCharts;
    // A newer model may have replaced the figures meanwhile: draw what is there now.
    const pending = s.charts?.box === box ? s.charts.pending : [];
    if (!api || !pending.length) return;
    for (const { frame, spec } of pending) api.draw(frame, spec);
    box.dataset.drawn = 'true';
  } catch {
    box.dataset.drawn = 'error';
    if (!box.querySelector('.chart-error')) box.append(el('p', 'chart-error', t(s, 'Charts could not be drawn.')));
  }
}

/** Set once both the drawing bundle and its style sheet have loaded. */
let drawingLoaded = false;

/**
 * Load media/dist/charts.js (with the page script's nonce) and its style sheet charts.css (an
 * extension file, which the CSP's style source allows) once, both beside the page script. Drawing
 * waits for both: uPlot's canvas takes its displayed size from that style sheet.
 */
function loadDrawing(s: Session): Promise<void> {
  if (drawingLoaded) return Promise.resolve();
  const charts = s.charts;
  if (!charts) return Promise.reject(new Error('no charts'));
  charts.loading ??= new Promise<void>((resolve, reject) => {
    if (!SELF?.src) {
      reject(new Error('no script address'));
      return;
    }
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('charts.css', SELF.src).href;
    // After a failed try the bundle may be in already (only its style sheet failed): not run twice.
    const script = window.aymaraCharts ? undefined : document.createElement('script');
    if (script) {
      script.nonce = SELF.nonce ?? '';
      script.src = new URL('charts.js', SELF.src).href;
    }
    const loaded = (e: HTMLElement, name: string) =>
      new Promise<void>((ok, fail) => {
        e.addEventListener('load', () => ok());
        e.addEventListener('error', () => fail(new Error(`${name} did not load`)));
      });
    Promise.all([loaded(style, 'charts.css'), script && loaded(script, 'charts.js')]).then(
      () => {
        drawingLoaded = true;
        resolve();
      },
      (e: unknown) => {
        // A later model tries again, with fresh elements.
        style.remove();
        script?.remove();
        if (s.charts) s.charts.loading = undefined;
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
    document.head.append(style, ...(script ? [script] : []));
  });
  return charts.loading;
}
