/**
 * Chart drawing for the explanations webview (bundled to media/dist/charts.js, a browser IIFE, and
 * media/dist/charts.css, uPlot's style sheet). A separate bundle: the page script
 * (explanations/charts.ts) loads both only after the first cards are painted, the script with its
 * own nonce and the style sheet from the extension's files (the CSP's style source), so the chart
 * library costs nothing on the way to the first card.
 *
 * uPlot draws a line chart (trend) or bars (categories) on category positions 0…n-1 with a fixed
 * 0–100 % y axis. Colours and font come from VS Code's theme CSS variables, read when drawing and
 * again when the theme changes (the body's class), so light, dark and high-contrast themes stay
 * readable. No animation, no network, no inline styles in HTML: uPlot sizes and places its
 * elements through CSSOM, which the CSP allows.
 *
 * The page reaches it through `window.aymaraCharts` (see ChartsApi); the numbers are also in the
 * page's text alternative, which does not depend on this bundle.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One chart: `values` are percentages (0–100) or null (nothing judged), one per label. */
export interface ChartSpec {
  kind: 'line' | 'bar';
  labels: string[];
  values: (number | null)[];
  /** The series name shown in the hover readout ("Pass rate"). */
  series: string;
}

export interface ChartsApi {
  /**
   * Draw (or redraw) a chart in `frame` (a sized element), replacing the one drawn there before.
   * The frame's canvas carries the chart's text alternative (role, aria-label): uPlot's canvas
   * takes its place and its attributes, so the frame holds one canvas, labelled, drawn on.
   */
  draw(frame: HTMLElement, spec: ChartSpec): void;
}

declare global {
  interface Window {
    aymaraCharts?: ChartsApi;
  }
}

interface Theme {
  text: string;
  grid: string;
  line: string;
  bar: string;
  /** High contrast: the outline colour of bars and points (transparent otherwise). */
  border: string;
  highContrast: boolean;
  /** A canvas font ("12px <family>"); uPlot reads the size only as whole pixels. */
  font: string;
  size: number;
}

function theme(): Theme {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const text = v('--vscode-foreground', css.color || '#888');
  const cls = document.body.classList;
  const highContrast = cls.contains('vscode-high-contrast') || cls.contains('vscode-high-contrast-light');
  const size = Math.round((Number.parseFloat(v('--vscode-font-size', '13')) || 13) - 1);
  return {
    text,
    grid: v('--vscode-charts-lines', v('--vscode-widget-border', text)),
    line: v('--vscode-charts-blue', text),
    bar: v('--vscode-charts-blue', text),
    border: highContrast ? v('--vscode-contrastBorder', text) : 'transparent',
    highContrast,
    font: `${size}px ${v('--vscode-font-family', css.fontFamily || 'sans-serif')}`,
    size,
  };
}

/** For measuring label widths: uPlot caches the font it last set on its own context, so not that one. */
let measurer: CanvasRenderingContext2D | null | undefined;
function widest(labels: string[], font: string): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!measurer) return 60;
  measurer.font = font;
  return labels.reduce((w, l) => Math.max(w, measurer!.measureText(l).width), 0);
}

/** The hover readout: the label and "Pass rate: 50%" ("–" where nothing was judged), inside uPlot's cursor layer. */
function readout(spec: ChartSpec): uPlot.Plugin {
  const tip = document.createElement('div');
  tip.className = 'chart-tip';
  tip.hidden = true;
  // The numbers are in the page's table; a screen reader need not hear the hover.
  tip.setAttribute('aria-hidden', 'true');
  const label = document.createElement('div');
  label.className = 'chart-tip-label';
  label.dir = 'auto'; // category and run names are untrusted text: their own bidi paragraph
  const value = document.createElement('div');
  tip.append(label, value);
  return {
    hooks: {
      init: (u) => void u.over.append(tip),
      setCursor: (u) => {
        const i = u.cursor.idx;
        if (i === null || i === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
          tip.hidden = true;
          return;
        }
        const v = spec.values[i] ?? null;
        label.textContent = spec.labels[i] ?? '';
        value.textContent = `${spec.series}: ${v === null ? '–' : `${v}%`}`;
        tip.hidden = false;
        // Above the point (or the bar's top), kept within the chart's width.
        const x = u.valToPos(i, 'x');
        const y = u.valToPos(v ?? 50, 'y');
        const left = Math.min(Math.max(x - tip.offsetWidth / 2, -u.over.offsetLeft), u.width - u.over.offsetLeft - tip.offsetWidth);
        const top = y - tip.offsetHeight - 8;
        tip.style.left = `${left}px`;
        tip.style.top = `${top < -u.over.offsetTop ? y + 8 : top}px`;
      },
    },
  };
}

function options(spec: ChartSpec, th: Theme, width: number, height: number): uPlot.Options {
  const n = spec.labels.length;
  const axis = { stroke: th.text, font: th.font, ticks: { show: false }, border: { show: true, stroke: th.grid, width: 1 } };
  // As many run/category labels as fit side by side (every one, every second, …), never rotated.
  const labelSpace = widest(spec.labels, th.font) + 12;
  const series: uPlot.Series =
    spec.kind === 'line'
      ? { label: spec.series, stroke: th.line, width: 2, spanGaps: false, points: { show: true, size: 7, width: th.highContrast ? 1.5 : 0, stroke: th.highContrast ? th.border : th.line, fill: th.line } }
      : {
          label: spec.series,
          paths: uPlot.paths.bars!({ size: [0.6, 28], align: 0 }),
          fill: th.bar,
          stroke: th.highContrast ? th.border : th.bar,
          width: th.highContrast ? 1 : 0,
          points: { show: false },
        };
  return {
    width,
    height,
    // Categories sit at 0…n-1, half a step in from each edge.
    scales: { x: { time: false, range: [-0.5, n - 0.5] }, y: { range: [0, 100] } },
    axes: [
      { ...axis, size: th.size + 14, grid: { show: false }, space: labelSpace, incrs: [1, 2, 3, 4, 5, 10, 20, 50, 100], values: (_u, splits) => splits.map((i) => spec.labels[i] ?? '') },
      { ...axis, size: Math.ceil(widest(['100%'], th.font)) + 14, grid: { show: true, stroke: th.grid, width: 1 }, splits: () => [0, 25, 50, 75, 100], values: (_u, splits) => splits.map((v) => `${v}%`) },
    ],
    series: [{}, series],
    // Room above for the top "100%" label and a little on the right (uPlot's own guess leaves half a y axis there).
    padding: [Math.ceil(th.size / 2) + 4, 8, 0, 0],
    legend: { show: false },
    // A readout on hover, nothing else: no crosshair, no drag-to-zoom.
    cursor: { x: false, y: false, drag: { x: false, y: false, setScale: false }, points: { show: spec.kind === 'line' } },
    plugins: [readout(spec)],
  };
}

interface Drawn {
  plot: uPlot;
  spec: ChartSpec;
}
const drawn = new Map<HTMLElement, Drawn>();

/** uPlot takes explicit pixel sizes: each frame is watched and its chart resized to fill it. */
const resizes = new ResizeObserver((entries) => {
  for (const e of entries) {
    const frame = e.target as HTMLElement;
    const d = drawn.get(frame);
    if (!d) continue;
    if (!frame.isConnected) {
      forget(frame);
      continue;
    }
    const width = Math.floor(e.contentRect.width);
    const height = Math.floor(e.contentRect.height);
    if (width > 0 && height > 0 && (width !== d.plot.width || height !== d.plot.height)) d.plot.setSize({ width, height });
  }
});

function forget(frame: HTMLElement): void {
  drawn.get(frame)?.plot.destroy();
  drawn.delete(frame);
  resizes.unobserve(frame);
}

/** The attributes of the frame's text alternative, carried over to each new canvas. */
const CARRIED = ['class', 'role', 'aria-label'];

function draw(frame: HTMLElement, spec: ChartSpec): void {
  const old = frame.querySelector('canvas');
  const carried = CARRIED.map((a) => [a, old?.getAttribute(a) ?? null] as const);
  forget(frame);
  old?.remove(); // the page's placeholder (a chart's own canvas went with its destroy)
  // A frame not laid out yet (a hidden panel) gets a stand-in size; the observer corrects it.
  const width = Math.floor(frame.clientWidth) || 300;
  const height = Math.floor(frame.clientHeight) || 150;
  const xs = spec.labels.map((_, i) => i);
  const plot = new uPlot(options(spec, theme(), width, height), [xs, spec.values], frame);
  for (const [a, value] of carried) if (value !== null) plot.ctx.canvas.setAttribute(a, value);
  drawn.set(frame, { plot, spec });
  resizes.observe(frame);
}

/** The theme changed (VS Code swaps the body's class): draw every chart again in the new colours. */
function recolour(): void {
  for (const [frame, d] of [...drawn]) {
    if (frame.isConnected) draw(frame, d.spec);
    else forget(frame);
  }
}

new MutationObserver(recolour).observe(document.body, { attributes: true, attributeFilter: ['class'] });
window.aymaraCharts = { draw };
