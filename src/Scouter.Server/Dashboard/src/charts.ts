// ECharts, tree-shaken to what the dashboard draws, on the canvas renderer. Tooltips render as
// rich text inside the canvas (HTML tooltips would need inline styles, which the CSP forbids),
// and every chart has ARIA on and a "Show as table" twin with the same numbers.

import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, type BarSeriesOption, type HeatmapSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  AriaComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapPiecewiseComponent,
  type GridComponentOption, type LegendComponentOption, type MarkAreaComponentOption, type MarkLineComponentOption,
  type TooltipComponentOption, type VisualMapComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { h } from './dom';
import { num } from './format';
import type { Scope } from './router';

echarts.use([
  LineChart, BarChart, HeatmapChart, AriaComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent,
  VisualMapPiecewiseComponent, CanvasRenderer,
]);

export type ChartOption = echarts.ComposeOption<
  LineSeriesOption | BarSeriesOption | HeatmapSeriesOption | GridComponentOption | LegendComponentOption | MarkAreaComponentOption
  | MarkLineComponentOption | TooltipComponentOption | VisualMapComponentOption
>;

export type ChartClick = { seriesId?: string; seriesName?: string; dataIndex: number; data: unknown; value: unknown };

/** Colours of the current scheme, read from the stylesheet's custom properties. */
export interface Palette {
  text: string;
  muted: string;
  axis: string;
  grid: string;
  background: string;
  series: [string, string, string, string];
  ok: string;
  warn: string;
  alert: string;
  na: string;
  band1: string;
  band2: string;
  band3: string;
}

export function palette(): Palette {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--fg', '#1b1f24'),
    muted: v('--muted', '#59636e'),
    axis: v('--border-strong', '#8c959f'),
    grid: v('--border', '#d0d7de'),
    background: v('--bg-raised', '#ffffff'),
    series: [v('--series-1', '#1f5fa8'), v('--series-2', '#b35900'), v('--series-3', '#6b4fbb'), v('--series-4', '#2f7d4f')],
    ok: v('--ok', '#2f7d4f'),
    warn: v('--warn', '#b38600'),
    alert: v('--alert', '#c62828'),
    na: v('--na', '#9aa1a9'),
    band1: v('--band-1', 'rgba(47,125,79,0.10)'),
    band2: v('--band-2', 'rgba(179,134,0,0.12)'),
    band3: v('--band-3', 'rgba(198,40,40,0.10)'),
  };
}

/** Defaults every chart shares: colours, ARIA, rich-text tooltips, no animation. */
function baseOption(p: Palette): ChartOption {
  return {
    aria: { enabled: true },
    animation: false,
    color: p.series,
    // Opaque, the panel's colour: the canvas is the chart's whole picture (and a blank one is one colour).
    backgroundColor: p.background,
    textStyle: { color: p.text, fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    tooltip: {
      renderMode: 'richText', confine: true, backgroundColor: p.background, borderColor: p.axis, textStyle: { color: p.text },
    },
  };
}

/** A legend at the top (ECharts 6 puts it at the bottom by default, over the axis labels). */
export function legend(p: Palette, names: string[]) {
  return { data: names, top: 0, textStyle: { color: p.text } };
}

/** The data index under an axis tooltip's pointer (its formatter gets one entry per series). */
export function axisIndex(params: unknown): number {
  return (params as { dataIndex?: number }[])[0]?.dataIndex ?? 0;
}

/** A category axis of bucket labels. */
export function categoryAxis(p: Palette, labels: string[], extra: Record<string, unknown> = {}) {
  return {
    type: 'category' as const, data: labels,
    axisLine: { lineStyle: { color: p.axis } }, axisLabel: { color: p.muted, hideOverlap: true }, axisTick: { alignWithLabel: true },
    ...extra,
  };
}

/** A value axis with the scheme's colours. */
export function valueAxis(p: Palette, name: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'value' as const, name, nameTextStyle: { color: p.muted },
    axisLine: { show: true, lineStyle: { color: p.axis } }, axisLabel: { color: p.muted, hideOverlap: true, formatter: (v: number) => num(v) },
    splitLine: { lineStyle: { color: p.grid } },
    ...extra,
  };
}

export interface ChartSpec {
  /** Suffix of data-testid: chart-<name>, table-toggle-<name>, table-<name>. */
  name: string;
  title: string;
  description?: string;
  /** Canvas height in px (default 280). */
  height?: number;
  /** The option for the palette and the chart's width in px (narrow screens may lay out differently). */
  option: (p: Palette, width: number) => ChartOption;
  /** The same numbers as a table (built when first shown). */
  table: () => HTMLElement;
  onClick?: (event: ChartClick) => void;
  /** Extra controls in the panel header. */
  actions?: HTMLElement[];
}

interface Live {
  el: HTMLElement;
  spec: ChartSpec;
  chart: echarts.ECharts | null;
}

const live = new Set<Live>();

function init(entry: Live): void {
  const p = palette();
  const chart = echarts.init(entry.el, null, { renderer: 'canvas' });
  // Marks the element once the chart has painted (tests and timing wait for it).
  chart.on('finished', () => entry.el.setAttribute('data-drawn', 'true'));
  const option = entry.spec.option(p, entry.el.clientWidth);
  const base = baseOption(p);
  chart.setOption({ ...base, ...option, tooltip: { ...(base.tooltip as object), ...(option.tooltip as object | undefined) } });
  if (entry.spec.onClick) {
    const onClick = entry.spec.onClick;
    chart.on('click', (params) => onClick(params as unknown as ChartClick));
  }
  entry.chart = chart;
}

// Charts follow the colour scheme: when it flips, each live chart is drawn again.
window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener('change', () => {
  for (const entry of live) {
    if (!entry.chart) continue;
    entry.chart.dispose();
    init(entry);
  }
});

/** A titled chart with its "Show as table" toggle; disposed with `scope`. */
export function chartPanel(scope: Scope, spec: ChartSpec): HTMLElement {
  const chartEl = h('div', { class: 'chart', 'data-testid': `chart-${spec.name}` });
  chartEl.style.height = `${spec.height ?? 280}px`;
  const tableEl = h('div', { class: 'chart-table', 'data-testid': `table-${spec.name}`, hidden: true });
  const entry: Live = { el: chartEl, spec, chart: null };
  live.add(entry);

  const toggle = h('button', {
    type: 'button', class: 'toggle', 'aria-pressed': 'false', 'data-testid': `table-toggle-${spec.name}`,
    onclick: () => {
      const showTable = tableEl.hidden;
      if (showTable && !tableEl.firstChild) tableEl.append(spec.table());
      tableEl.hidden = !showTable;
      chartEl.hidden = showTable;
      toggle.setAttribute('aria-pressed', String(showTable));
      toggle.textContent = showTable ? 'Show as chart' : 'Show as table';
    },
  }, 'Show as table');

  // Drawn when it first has a width (it may be built before it is attached), resized with its box.
  const observer = new ResizeObserver(() => {
    if (chartEl.clientWidth === 0) return;
    if (entry.chart) entry.chart.resize();
    else init(entry);
  });
  observer.observe(chartEl);
  scope.onDispose(() => {
    observer.disconnect();
    entry.chart?.dispose();
    live.delete(entry);
  });

  return h('section', { class: 'panel chart-panel', 'data-testid': `panel-${spec.name}` },
    h('div', { class: 'panel-head' }, h('h3', null, spec.title), h('div', { class: 'panel-actions' }, ...(spec.actions ?? []), toggle)),
    spec.description ? h('p', { class: 'note' }, spec.description) : null,
    chartEl,
    tableEl);
}
