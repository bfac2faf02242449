/**
 * Chart drawing for the explanations webview (bundled to media/dist/charts.js, a browser IIFE).
 * A separate bundle: the page script (explanations.ts) loads it with its own nonce only after the
 * first cards are painted, so chart.js costs nothing on the way to the first card.
 *
 * Only the chart.js parts drawn here are registered (tree-shaken): line and bar charts on a
 * category x axis and a linear y axis (0–100 %), with tooltips. Colours and font come from VS
 * Code's theme CSS variables, read when drawing and again when the theme changes (the body's
 * class), so light, dark and high-contrast themes stay readable. No animation, no network, no
 * inline styles in HTML (chart.js sizes its canvas through CSSOM, which the CSP allows).
 *
 * The page reaches it through `window.aymaraCharts` (see ChartsApi); the numbers are also in the
 * page's text alternative, which does not depend on this bundle.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

/** One chart: `values` are percentages (0–100) or null (nothing judged), one per label. */
export interface ChartSpec {
  kind: 'line' | 'bar';
  labels: string[];
  values: (number | null)[];
  /** The series name shown in tooltips ("Pass rate"). */
  series: string;
}

export interface ChartsApi {
  /** Draw (or redraw) a chart on the canvas, replacing the one drawn there before. */
  draw(canvas: HTMLCanvasElement, spec: ChartSpec): void;
}

declare global {
  interface Window {
    aymaraCharts?: ChartsApi;
  }
}

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Tooltip);

interface Theme {
  text: string;
  grid: string;
  line: string;
  bar: string;
  /** High contrast: the outline colour of bars and points (transparent otherwise). */
  border: string;
  highContrast: boolean;
  font: string;
  size: number;
}

function theme(): Theme {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const text = v('--vscode-foreground', css.color || '#888');
  const cls = document.body.classList;
  const highContrast = cls.contains('vscode-high-contrast') || cls.contains('vscode-high-contrast-light');
  return {
    text,
    grid: v('--vscode-charts-lines', v('--vscode-widget-border', text)),
    line: v('--vscode-charts-blue', text),
    bar: v('--vscode-charts-blue', text),
    border: highContrast ? v('--vscode-contrastBorder', text) : 'transparent',
    highContrast,
    font: v('--vscode-font-family', css.fontFamily || 'sans-serif'),
    size: Number.parseFloat(v('--vscode-font-size', '13')) || 13,
  };
}

function config(spec: ChartSpec, th: Theme): ChartConfiguration<'line' | 'bar', (number | null)[], string> {
  const dataset =
    spec.kind === 'line'
      ? { label: spec.series, data: spec.values, borderColor: th.line, backgroundColor: th.line, pointBorderColor: th.highContrast ? th.border : th.line, pointRadius: 3, borderWidth: 2, spanGaps: true }
      : { label: spec.series, data: spec.values, backgroundColor: th.bar, borderColor: th.border, borderWidth: th.highContrast ? 1 : 0, maxBarThickness: 28 };
  return {
    type: spec.kind,
    data: { labels: spec.labels, datasets: [dataset] },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: 'x',
      color: th.text,
      font: { family: th.font, size: th.size - 1 },
      scales: {
        x: { ticks: { color: th.text, autoSkip: true, maxRotation: 0 }, grid: { display: false }, border: { color: th.grid } },
        y: { min: 0, max: 100, ticks: { color: th.text, stepSize: 25, callback: (v) => `${v}%` }, grid: { color: th.grid }, border: { color: th.grid } },
      },
      plugins: {
        tooltip: { callbacks: { label: (c) => `${spec.series}: ${c.parsed.y === null ? '–' : `${c.parsed.y}%`}` } },
      },
    },
  };
}

const specs = new WeakMap<Chart, ChartSpec>();

function draw(canvas: HTMLCanvasElement, spec: ChartSpec): void {
  Chart.getChart(canvas)?.destroy();
  const chart = new Chart(canvas, config(spec, theme()));
  specs.set(chart, spec);
}

/** The theme changed (VS Code swaps the body's class): redraw every chart in the new colours. */
function recolour(): void {
  const th = theme();
  for (const chart of Object.values(Chart.instances)) {
    const spec = specs.get(chart);
    if (!spec || !chart.canvas.isConnected) continue;
    const next = config(spec, th);
    chart.data.datasets = next.data.datasets as typeof chart.data.datasets;
    chart.options = next.options as typeof chart.options;
    chart.update('none');
  }
}

new MutationObserver(recolour).observe(document.body, { attributes: true, attributeFilter: ['class'] });
window.aymaraCharts = { draw };
