// Custom and LLM metrics: per metric its bucket means against the baseline, the region where the
// condition alerts (below / above / outside, with the delta) shaded, and the counts. LLM profiles
// add the evaluation state (records by status, the judge) and the judged records.

import * as api from '../../api';
import { axisIndex, categoryAxis, chartPanel, legend, valueAxis, type ChartOption } from '../../charts';
import { h, replace } from '../../dom';
import { count, num, time } from '../../format';
import type { Scope } from '../../router';
import { dataTable, type Column } from '../../components/table';
import { badge, driftBadge, errorMessage, facts, isAbort, loading, note, numText, scroller } from '../../components/ui';
import type { JudgeState, MetricDriftResponse, MetricSeries } from '../../types';
import { bucketLabel, type TabFactory } from './context';
import { llmRecords } from './llmRecords';
import { windowNote } from './window';

/** Whether a value breaks the metric's condition (spec/drift-math.md 3). */
export function breaks(m: Pick<MetricSeries, 'baseline' | 'condition' | 'delta'>, x: number): boolean {
  const d = m.delta ?? 0;
  switch (m.condition) {
    case 'above': return x > m.baseline + d;
    case 'below': return x < m.baseline - d;
    case 'outside': return m.delta === null ? x !== m.baseline : x < m.baseline - d || x > m.baseline + d;
  }
}

/** The condition in words: "alerts below 0.85 (baseline 0.9 − δ 0.05)". */
export function conditionText(m: Pick<MetricSeries, 'baseline' | 'condition' | 'delta'>): string {
  const d = m.delta;
  if (m.condition === 'outside') {
    return d === null ? `alerts on any value other than ${num(m.baseline)}` : `alerts outside ${num(m.baseline - d)} … ${num(m.baseline + d)} (baseline ${num(m.baseline)} ± δ ${num(d)})`;
  }
  const sign = m.condition === 'below' ? '−' : '+';
  const limit = m.condition === 'below' ? m.baseline - (d ?? 0) : m.baseline + (d ?? 0);
  return `alerts ${m.condition} ${num(limit)}${d === null ? '' : ` (baseline ${num(m.baseline)} ${sign} δ ${num(d)})`}`;
}

function metricStatus(m: MetricSeries): string {
  return m.mean === null ? 'no_data' : 'ok';
}

function metricPanel(scope: Scope, data: MetricDriftResponse, name: string, m: MetricSeries, index: number): HTMLElement {
  const labels = data.bucket_starts.map(bucketLabel);
  const d = m.delta ?? 0;
  const low = m.baseline - d;
  const high = m.baseline + d;
  const values = [...m.means.filter((v): v is number => v !== null), low, high];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo) * 0.15 || Math.abs(m.baseline) * 0.1 || 1;
  const yMin = lo - pad;
  const yMax = hi + pad;
  const panel = chartPanel(scope, {
    name: `metric-${index}`,
    title: name,
    description: `Mean per bucket against the baseline; the shaded region ${conditionText(m)}. Bars: values per bucket (right axis).`,
    height: 280,
    option: (p): ChartOption => {
      const region = (from: number, to: number) => [{ yAxis: from, itemStyle: { color: p.band3 }, label: { show: false } }, { yAxis: to }];
      const regions = m.condition === 'below' ? [region(yMin, low)] : m.condition === 'above' ? [region(high, yMax)] : [region(yMin, low), region(high, yMax)];
      const line = (y: number, name: string, color: string, type: 'solid' | 'dashed') =>
        ({ yAxis: y, name, lineStyle: { color, type }, label: { formatter: name, color: p.muted, position: 'insideStartTop' as const } });
      const lines = [line(m.baseline, 'baseline', p.text, 'solid')];
      if (m.delta !== null && m.delta > 0) {
        if (m.condition !== 'above') lines.push(line(low, 'baseline − δ', p.alert, 'dashed'));
        if (m.condition !== 'below') lines.push(line(high, 'baseline + δ', p.alert, 'dashed'));
      }
      return {
        grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
        legend: legend(p, ['Mean', 'Count']),
        tooltip: {
          trigger: 'axis',
          formatter: (params: unknown) => {
            const i = axisIndex(params);
            const v = m.means[i] ?? null;
            return `${time(data.bucket_starts[i])}\nmean ${num(v)} · count ${count(m.counts[i])}${v === null ? '' : breaks(m, v) ? '\nALERT (breaks the condition)' : '\nOK'}`;
          },
        },
        xAxis: categoryAxis(p, labels),
        yAxis: [valueAxis(p, 'mean', { min: yMin, max: yMax, axisLabel: { color: p.muted, formatter: (v: number) => num(v), showMinLabel: false, showMaxLabel: false } }), valueAxis(p, 'count', { splitLine: { show: false } })],
        series: [
          { type: 'bar', name: 'Count', yAxisIndex: 1, data: m.counts, itemStyle: { color: p.grid }, barMaxWidth: 18, z: 1 },
          {
            type: 'line', name: 'Mean', z: 3, connectNulls: false, symbolSize: 7, lineStyle: { color: p.series[0], width: 2 }, itemStyle: { color: p.series[0] },
            data: m.means.map((v) => (v !== null && breaks(m, v) ? { value: v, symbol: 'triangle', symbolSize: 12, itemStyle: { color: p.alert } } : v)),
            markArea: { silent: true, data: regions as never },
            markLine: { symbol: 'none', silent: true, data: lines as never },
          },
        ],
      };
    },
    table: () => scroller(`${name} per bucket`, dataTable({
      columns: [
        { key: 'start', label: 'Bucket start', rowHeader: true, value: (i: number) => data.bucket_starts[i], cell: (i) => time(data.bucket_starts[i]) },
        { key: 'mean', label: 'Mean', numeric: true, value: (i) => m.means[i], cell: (i) => num(m.means[i]) },
        { key: 'count', label: 'Count', numeric: true, value: (i) => m.counts[i], cell: (i) => count(m.counts[i]) },
        {
          key: 'status', label: 'Status',
          cell: (i) => {
            const v = m.means[i] ?? null;
            return v === null ? badge('na', 'n/a (no data)') : breaks(m, v) ? badge('alert', 'ALERT') : badge('ok', 'OK');
          },
        },
      ],
      rows: data.bucket_starts.map((_, i) => i),
      testid: `metric-${index}-data`,
    })),
  });
  panel.dataset['metric'] = name;
  return panel;
}

function summaryTable(data: MetricDriftResponse): HTMLElement {
  const names = Object.keys(data.metrics);
  const m = (n: string) => data.metrics[n]!;
  const columns: Column<string>[] = [
    { key: 'metric', label: 'Metric', sortable: true, rowHeader: true, value: (n) => n, cell: (n) => n },
    { key: 'mean', label: 'Mean (window)', sortable: true, numeric: true, value: (n) => m(n).mean, cell: (n) => num(m(n).mean) },
    { key: 'count', label: 'Count', sortable: true, numeric: true, value: (n) => m(n).count, cell: (n) => count(m(n).count) },
    { key: 'baseline', label: 'Baseline', numeric: true, value: (n) => m(n).baseline, cell: (n) => num(m(n).baseline) },
    { key: 'condition', label: 'Condition', value: (n) => m(n).condition, cell: (n) => conditionText(m(n)) },
    { key: 'delta', label: 'δ', numeric: true, value: (n) => m(n).delta, cell: (n) => (m(n).delta === null ? 'none' : num(m(n).delta)) },
    {
      key: 'status', label: 'Status', sortable: true, value: (n) => (m(n).alert ? 2 : m(n).mean === null ? 0 : 1),
      cell: (n) => driftBadge(m(n).alert, metricStatus(m(n))),
    },
  ];
  return scroller('Metrics', dataTable({
    columns, rows: names, testid: 'metrics-table', caption: 'Metrics over the whole window',
    rowAttrs: (n) => ({ 'data-testid': 'metric-row', 'data-metric': n, 'data-status': m(n).alert ? 'alert' : metricStatus(m(n)) }),
  }));
}

export function judgeBadge(judge: JudgeState | null | undefined): HTMLElement {
  if (!judge) return badge('na', 'unknown', { 'data-judge': 'unknown' });
  if (judge.state === 'running') return badge('ok', 'RUNNING', { 'data-judge': judge.state });
  if (judge.state === 'paused') return badge('alert', 'PAUSED', { 'data-judge': judge.state });
  return badge('na', judge.state === 'not_configured' ? 'not configured' : judge.state, { 'data-judge': judge.state });
}

function evaluationSection(data: MetricDriftResponse): HTMLElement {
  const status = data.record_status ?? {};
  const judge = data.judge;
  return h('section', { class: 'panel', 'data-testid': 'llm-evaluation' },
    h('h2', null, 'Evaluation'),
    facts([
      ...(['pending', 'done', 'failed'] as const).map((k): [string, HTMLElement] => [
        `Records ${k}`,
        h('span', { 'data-testid': `llm-status-${k}` }, numText(status[k] ?? 0, count), k === 'failed' && (status[k] ?? 0) > 0 ? [' ', badge('alert', 'FAILED')] : null),
      ]),
      ['Judge', h('span', { 'data-testid': 'llm-judge' }, judgeBadge(judge))],
      ...(judge?.reason ? [['Why paused', judge.reason] as [string, string]] : []),
      ...(judge?.since ? [['Since', time(judge.since)] as [string, string]] : []),
      ...(judge?.next_probe ? [['Next probe', time(judge.next_probe)] as [string, string]] : []),
    ]),
    note('Records created in the window, by evaluation status. The judge state is that of the server that answered.'));
}

export const metricsTab: TabFactory = (root, ctx, _url, scope) => {
  const type = ctx.stored.drift_type === 'llm' ? 'llm' : 'custom';
  replace(root, loading());
  api.metricDrift(type, ctx.uid, ctx.range, scope.signal).then((data) => {
    const names = Object.keys(data.metrics);
    const records = h('section', { class: 'records', 'data-testid': 'llm-records' });
    replace(root,
      windowNote(data, data.bucket_starts.length),
      type === 'llm' ? evaluationSection(data) : null,
      names.length === 0 ? note('This profile has no metrics.') : [
        h('h2', null, 'Metrics'),
        summaryTable(data),
        h('div', { class: 'metric-grid' }, names.map((n, i) => metricPanel(scope, data, n, data.metrics[n]!, i))),
      ],
      type === 'llm' ? records : null);
    if (type === 'llm') llmRecords(records, ctx, scope, names);
  }, (error: unknown) => {
    if (!isAbort(error)) replace(root, errorMessage(error, `Could not load ${type === 'llm' ? 'LLM' : 'custom'} metrics`));
  });
};
