// SPC drift: per feature a control chart — center, ±1/2/3σ bands, sample means marked by zone
// (colour and shape), and the rule runs (kind, zone, start..end) shaded and labelled. A window
// with more samples than a chart shows comes bucketed: mean per bucket with its min–max band.

import * as api from '../../api';
import { axisIndex, categoryAxis, chartPanel, legend, valueAxis, type ChartOption, type Palette } from '../../charts';
import { h, replace } from '../../dom';
import { count, num, time, words } from '../../format';
import { setQuery, type Scope } from '../../router';
import { dataTable, markSelectedFeature, type Column } from '../../components/table';
import { badge, errorMessage, isAbort, loading, note, scroller } from '../../components/ui';
import type { SpcAlertView, SpcDriftResponse, SpcFeatureSeries, SpcLimits } from '../../types';
import { bucketLabel, type TabFactory } from './context';
import { windowNote } from './window';

/** Zone code of a value (spec/drift-math.md 2.2): ±1..±4 by sigmas from the center, 0 at it. */
function zoneCode(v: number, l: SpcLimits): number {
  if (l.sigma === 0) return v === l.center ? 0 : Math.sign(v - l.center) * 4;
  const z = (v - l.center) / l.sigma;
  const a = Math.abs(z);
  const k = z === 0 ? 0 : a < 1 ? 1 : a < 2 ? 2 : a <= 3 ? 3 : 4;
  return Math.sign(z) * k;
}

function zoneText(code: number): string {
  if (code === 0) return 'at center';
  const a = Math.abs(code);
  const side = code > 0 ? 'above' : 'below';
  return a === 4 ? `beyond 3σ ${side} (out of bounds)` : `zone ${a} ${side} (within ${a}σ)`;
}

function zoneStyle(code: number, p: Palette): { color: string; symbol: string } {
  const a = Math.abs(code);
  if (a >= 4) return { color: p.alert, symbol: 'diamond' };
  if (a === 3) return { color: '#e0701b', symbol: 'triangle' };
  if (a === 2) return { color: p.warn, symbol: 'rect' };
  return { color: p.ok, symbol: 'circle' };
}

function runLabel(a: SpcAlertView): string {
  return a.zone === null ? words(a.kind) : `${words(a.kind)} · zone ${a.zone}`;
}

/** The ±1/2/3σ bands, center and limit lines. */
function limitMarks(l: SpcLimits, p: Palette) {
  const band = (from: number, to: number, color: string) => [{ yAxis: from, itemStyle: { color }, label: { show: false } }, { yAxis: to }];
  const line = (y: number, name: string, solid = false) => ({
    yAxis: y, name, lineStyle: { color: solid ? p.text : p.axis, type: solid ? ('solid' as const) : ('dotted' as const), width: solid ? 1.5 : 1 },
    label: { formatter: name, color: p.muted, position: 'end' as const },
  });
  return {
    bands: [
      band(l.one_lcl, l.one_ucl, p.band1),
      band(l.two_lcl, l.one_lcl, p.band2), band(l.one_ucl, l.two_ucl, p.band2),
      band(l.three_lcl, l.two_lcl, p.band3), band(l.two_ucl, l.three_ucl, p.band3),
    ],
    lines: {
      symbol: 'none', silent: true,
      data: [
        line(l.center, 'center', true), line(l.one_ucl, '+1σ'), line(l.one_lcl, '−1σ'), line(l.two_ucl, '+2σ'), line(l.two_lcl, '−2σ'),
        line(l.three_ucl, '+3σ UCL'), line(l.three_lcl, '−3σ LCL'),
      ],
    },
  };
}

/** A y axis showing the ±3σ limits and every value, its end labels hidden (they are not round). */
function yAxis(p: Palette, l: SpcLimits, values: number[]) {
  const lo = Math.min(l.three_lcl, ...values);
  const hi = Math.max(l.three_ucl, ...values);
  const pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.1 || 1;
  return valueAxis(p, 'mean', {
    min: lo - pad, max: hi + pad, axisLabel: { color: p.muted, hideOverlap: true, formatter: (v: number) => num(v), showMinLabel: false, showMaxLabel: false },
  });
}

function samplesChart(scope: Scope, name: string, s: SpcFeatureSeries): HTMLElement {
  // Control charts plot samples in sequence: a time axis crowds bursts of samples and stretches gaps.
  const labels = s.times.map((t) => time(t, true));
  const firstAt = (t: string) => Math.max(0, s.times.findIndex((x) => x >= t));
  const lastAt = (t: string) => {
    let i = s.times.length - 1;
    while (i > 0 && (s.times[i] ?? '') > t) i--;
    return i;
  };
  const runsAt = (t: string) => s.alerts.filter((a) => a.start <= t && t <= a.end).map(runLabel);
  return chartPanel(scope, {
    name: 'spc-control',
    title: `Control chart of ${name}`,
    description: 'Sample means in order of time against the profile\'s center and ±1/2/3σ limits. Marker shape and colour give the zone (● within 1σ, ■ zone 2, ▲ zone 3, ◆ beyond 3σ); shaded spans are rule runs.',
    height: 340,
    option: (p): ChartOption => {
      const marks = limitMarks(s.limits, p);
      return {
        grid: { left: 8, right: 70, top: 30, bottom: 30, containLabel: true },
        tooltip: {
          trigger: 'item',
          formatter: (params: unknown) => {
            const i = (params as { dataIndex: number; componentType?: string }).dataIndex;
            const t = s.times[i];
            if ((params as { componentType?: string }).componentType !== 'series' || t === undefined) return (params as { name?: string }).name ?? '';
            const runs = runsAt(t);
            return `${time(t, true)}\nmean ${num(s.means[i])} · n ${count(s.counts[i])}\n${zoneText(s.codes[i] ?? 0)}${runs.length ? `\nrule run: ${runs.join(', ')}` : ''}`;
          },
        },
        xAxis: categoryAxis(p, labels, { name: 'sample', nameLocation: 'middle', nameGap: 28, nameTextStyle: { color: p.muted } }),
        yAxis: yAxis(p, s.limits, s.means),
        series: [{
          type: 'line', name: 'Sample mean', symbolSize: 7, lineStyle: { color: p.series[0], width: 1.5 }, itemStyle: { color: p.series[0] },
          data: s.times.map((_, i) => {
            const z = zoneStyle(s.codes[i] ?? 0, p);
            return { value: s.means[i] ?? null, symbol: z.symbol, itemStyle: { color: z.color } };
          }),
          markLine: marks.lines,
          markArea: {
            silent: true,
            data: [
              ...marks.bands,
              // Overlapping runs get their labels stacked rather than printed over each other.
              ...s.alerts.map((a, i) => [
                {
                  xAxis: firstAt(a.start), name: runLabel(a), itemStyle: { color: 'rgba(198, 40, 40, 0.16)', borderColor: p.alert, borderWidth: 1, borderType: 'dashed' },
                  label: { show: true, formatter: runLabel(a), color: p.alert, position: 'insideTop', fontSize: 11, offset: [0, (i % 4) * 14] },
                },
                { xAxis: lastAt(a.end) },
              ]),
            ] as never,
          },
        }],
      };
    },
    table: () => scroller('Samples', dataTable({
      columns: [
        { key: 'time', label: 'Time', rowHeader: true, value: (i: number) => s.times[i], cell: (i) => time(s.times[i], true) },
        { key: 'mean', label: 'Mean', numeric: true, value: (i) => s.means[i], cell: (i) => num(s.means[i]) },
        { key: 'count', label: 'Values', numeric: true, value: (i) => s.counts[i], cell: (i) => count(s.counts[i]) },
        { key: 'zone', label: 'Zone', value: (i) => s.codes[i], cell: (i) => zoneText(s.codes[i] ?? 0) },
        { key: 'runs', label: 'Rule runs', cell: (i) => runsAt(s.times[i] ?? '').join(', ') || '—' },
      ],
      rows: s.times.map((_, i) => i),
      testid: 'spc-control-data',
    })),
  });
}

function bucketedChart(scope: Scope, name: string, s: SpcFeatureSeries, starts: string[]): HTMLElement {
  const b = s.buckets!;
  const labels = starts.map(bucketLabel);
  const present = [...b.mins, ...b.maxes].filter((v): v is number => v !== null);
  return chartPanel(scope, {
    name: 'spc-control',
    title: `Control chart of ${name} (per bucket)`,
    description: 'The window holds more samples than a chart shows: the line is the mean of the sample means per bucket, the band their min–max. Checks still judge every sample.',
    height: 340,
    option: (p): ChartOption => {
      const marks = limitMarks(s.limits, p);
      return {
        grid: { left: 8, right: 70, top: 30, bottom: 8, containLabel: true },
        legend: legend(p, ['Mean', 'Min–max']),
        tooltip: {
          trigger: 'axis',
          formatter: (params: unknown) => {
            const i = axisIndex(params);
            const mean = b.means[i] ?? null;
            return `${time(starts[i])}\nmean ${num(mean)} (min ${num(b.mins[i])}, max ${num(b.maxes[i])})\n${count(b.counts[i])} samples, ${count(b.values[i])} values${mean === null ? '' : `\n${zoneText(zoneCode(mean, s.limits))}`}`;
          },
        },
        xAxis: categoryAxis(p, labels, { boundaryGap: false }),
        yAxis: yAxis(p, s.limits, present),
        series: [
          { type: 'line', name: 'min', stack: 'range', symbol: 'none', lineStyle: { opacity: 0 }, data: b.mins, silent: true, tooltip: { show: false } },
          {
            type: 'line', name: 'Min–max', stack: 'range', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: p.series[0], opacity: 0.2 }, itemStyle: { color: p.series[0] },
            data: b.maxes.map((max, i) => (max === null || b.mins[i] === null ? null : max - (b.mins[i] ?? 0))), silent: true,
          },
          {
            type: 'line', name: 'Mean', symbolSize: 7, lineStyle: { color: p.series[0], width: 1.5 }, itemStyle: { color: p.series[0] },
            data: b.means.map((m) => {
              if (m === null) return null;
              const z = zoneStyle(zoneCode(m, s.limits), p);
              return { value: m, symbol: z.symbol, itemStyle: { color: z.color } };
            }),
            markLine: marks.lines,
            markArea: { silent: true, data: marks.bands as never },
          },
        ],
      };
    },
    table: () => scroller('Buckets', dataTable({
      columns: [
        { key: 'start', label: 'Bucket start', rowHeader: true, value: (i: number) => starts[i], cell: (i) => time(starts[i]) },
        { key: 'mean', label: 'Mean', numeric: true, value: (i) => b.means[i], cell: (i) => num(b.means[i]) },
        { key: 'min', label: 'Min', numeric: true, value: (i) => b.mins[i], cell: (i) => num(b.mins[i]) },
        { key: 'max', label: 'Max', numeric: true, value: (i) => b.maxes[i], cell: (i) => num(b.maxes[i]) },
        { key: 'samples', label: 'Samples', numeric: true, value: (i) => b.counts[i], cell: (i) => count(b.counts[i]) },
        { key: 'values', label: 'Values', numeric: true, value: (i) => b.values[i], cell: (i) => count(b.values[i]) },
      ],
      rows: starts.map((_, i) => i),
      testid: 'spc-control-data',
    })),
  });
}

function runsTable(s: SpcFeatureSeries): HTMLElement {
  if (s.alerts.length === 0) return note(s.buckets ? 'Rule runs are listed for sample-level windows only; see the Check history for this window\'s decisions.' : 'No rule runs in this window.');
  return scroller('Rule runs', dataTable({
    caption: 'Rule runs',
    columns: [
      { key: 'kind', label: 'Kind', rowHeader: true, value: (a: SpcAlertView) => a.kind, cell: (a) => words(a.kind) },
      { key: 'zone', label: 'Zone', value: (a) => a.zone, cell: (a) => (a.zone === null ? '—' : String(a.zone)) },
      { key: 'start', label: 'Start', value: (a) => a.start, cell: (a) => time(a.start, true) },
      { key: 'end', label: 'End', value: (a) => a.end, cell: (a) => time(a.end, true) },
    ],
    rows: s.alerts,
    testid: 'spc-rule-runs',
    rowAttrs: (a) => ({ 'data-kind': a.kind, 'data-zone': a.zone === null ? '' : String(a.zone) }),
  }));
}

function samples(s: SpcFeatureSeries): number {
  return s.buckets ? s.buckets.counts.reduce((a, b) => a + b, 0) : s.times.length;
}

function lastMean(s: SpcFeatureSeries): number | null {
  if (s.buckets) return [...s.buckets.means].reverse().find((m) => m !== null) ?? null;
  return s.means[s.means.length - 1] ?? null;
}

function featuresTable(data: SpcDriftResponse, names: string[], selected: string | null): HTMLElement {
  const f = (n: string) => data.features[n]!;
  const columns: Column<string>[] = [
    {
      key: 'feature', label: 'Feature', sortable: true, rowHeader: true, value: (n) => n,
      cell: (n) => h('button', { type: 'button', class: 'link-button', 'aria-pressed': String(n === selected), 'data-testid': 'feature-select', onclick: () => setQuery({ feature: n }) }, n),
    },
    { key: 'samples', label: 'Samples', sortable: true, numeric: true, value: (n) => samples(f(n)), cell: (n) => count(samples(f(n))) },
    { key: 'last', label: 'Last mean', sortable: true, numeric: true, value: (n) => lastMean(f(n)), cell: (n) => num(lastMean(f(n))) },
    { key: 'center', label: 'Center', numeric: true, value: (n) => f(n).limits.center, cell: (n) => num(f(n).limits.center) },
    { key: 'sigma', label: 'σ', numeric: true, value: (n) => f(n).limits.sigma, cell: (n) => num(f(n).limits.sigma) },
    { key: 'runs', label: 'Rule runs', sortable: true, numeric: true, value: (n) => f(n).alerts.length, cell: (n) => count(f(n).alerts.length) },
    {
      key: 'status', label: 'Status', sortable: true, value: (n) => (f(n).alerts.length > 0 ? 2 : samples(f(n)) > 0 ? 1 : 0),
      cell: (n) => (f(n).alerts.length > 0 ? badge('alert', 'RULE RUNS', { 'data-status': 'alert' })
        : samples(f(n)) > 0 ? badge('ok', 'OK', { 'data-status': 'ok' }) : badge('na', 'n/a (no data)', { 'data-status': 'no_data' })),
    },
  ];
  return scroller('SPC features', dataTable({
    columns, rows: names, testid: 'spc-features-table', caption: 'Features over the window',
    rowAttrs: (n) => ({ 'data-testid': 'feature-row', 'data-feature': n, class: n === selected ? 'selected' : undefined }),
  }));
}

export const spcTab: TabFactory = (root, ctx, url, scope) => {
  let data: SpcDriftResponse | null = null;
  let selected: string | null = url.searchParams.get('feature');
  const detail = h('div', { class: 'detail', 'data-testid': 'spc-detail' });
  let detailScope: Scope | null = null;

  const renderDetail = () => {
    detailScope?.dispose();
    detailScope = scope.child();
    if (!data) return;
    const name = selected ?? Object.keys(data.features).find((n) => data!.features[n]!.alerts.length > 0) ?? Object.keys(data.features)[0];
    const s = name === undefined ? undefined : data.features[name];
    if (name === undefined || !s) {
      replace(detail, errorMessage(new Error(`This profile has no feature “${selected ?? ''}”.`), 'Cannot show the feature'));
      return;
    }
    markSelectedFeature(root, name);
    const chart = data.bucketed && s.buckets ? bucketedChart(detailScope, name, s, data.bucket_starts ?? []) : samplesChart(detailScope, name, s);
    replace(detail, h('h2', null, 'Feature ', h('span', { class: 'feature-name' }, name)), chart, runsTable(s));
  };

  replace(root, loading());
  api.spcDrift(ctx.uid, ctx.range, scope.signal).then((answer) => {
    data = answer;
    const names = Object.keys(answer.features);
    replace(root,
      windowNote(answer, answer.bucketed ? answer.bucket_starts?.length : undefined),
      answer.truncated ? note('More samples arrived while reading: the newest are shown.') : null,
      names.length === 0 ? note('This profile has no features.') : [featuresTable(answer, names, selected), detail]);
    renderDetail();
  }, (error: unknown) => {
    if (!isAbort(error)) replace(root, errorMessage(error, 'Could not load SPC drift'));
  });

  return {
    update(next) {
      const feature = next.searchParams.get('feature');
      if (feature === selected) return true;
      selected = feature;
      renderDetail();
      return true;
    },
  };
};
