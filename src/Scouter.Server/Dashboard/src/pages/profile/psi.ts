// PSI drift: a feature × bucket heatmap coloured by each bucket's PSI relative to that bucket's
// own threshold, the features table, and for a selected feature its PSI/threshold/N series and
// its bins (baseline vs observed over the window and in one chosen bucket).

import * as api from '../../api';
import { binKeys, binLabel, missingKey, unseenKey } from '../../bins';
import { axisIndex, categoryAxis, chartPanel, legend, valueAxis, type ChartOption, type Palette } from '../../charts';
import { h, replace } from '../../dom';
import { count, num, percent, time } from '../../format';
import { setQuery, type Scope } from '../../router';
import { sparkline } from '../../components/sparkline';
import { dataTable, markSelectedFeature, type Column } from '../../components/table';
import { badge, driftBadge, errorMessage, isAbort, loading, note, numText, scroller } from '../../components/ui';
import type { PsiDriftResponse, PsiFeatureProfile, PsiFeatureSeries } from '../../types';
import { bucketLabel, type TabFactory } from './context';
import { windowNote } from './window';

/** One bucket of one feature, as the charts and tables show it. */
interface BucketCell {
  psi: number | null;
  threshold: number | null;
  n: number;
  status: string | null;
  /** psi / threshold; null when not evaluated. */
  ratio: number | null;
  alert: boolean;
}

function bucketCell(s: PsiFeatureSeries, i: number): BucketCell {
  const psi = s.bucket_psi[i] ?? null;
  // Older servers send no per-bucket thresholds: the window's threshold stands in.
  const threshold = s.bucket_thresholds ? (s.bucket_thresholds[i] ?? null) : s.threshold;
  const status = s.bucket_status?.[i] ?? (psi === null ? 'insufficient_data' : null);
  const evaluated = psi !== null && threshold !== null && threshold > 0 && status !== 'insufficient_data';
  const ratio = evaluated ? psi / threshold : null;
  // The server's own decision where it sends one (PSI > threshold with enough data).
  const alert = s.bucket_alerts?.[i] ?? (ratio !== null && ratio > 1);
  return { psi, threshold, n: s.bucket_counts[i] ?? 0, status, ratio, alert };
}

function cellBadge(c: BucketCell): HTMLElement {
  if (c.ratio === null) return badge('na', c.psi === null ? 'n/a (no data)' : 'n/a (insufficient data)', { 'data-status': 'insufficient_data' });
  return c.alert ? badge('alert', 'ALERT', { 'data-status': 'alert' }) : badge('ok', 'OK', { 'data-status': 'ok' });
}

const heatPieces = (p: Palette) => [
  { lt: 0, label: 'n/a (insufficient data)', color: p.na },
  { gte: 0, lt: 0.5, label: '< 50 % of threshold', color: p.ok },
  { gte: 0.5, lt: 0.8, label: '50–80 %', color: '#8fb94b' },
  { gte: 0.8, lte: 1, label: '80–100 %', color: p.warn },
  { gt: 1, lte: 2, label: '> threshold: ALERT', color: '#e0701b' },
  { gt: 2, label: '> 2 × threshold: ALERT', color: p.alert },
];

/** Below this chart width the colour key is a column under the chart instead of a row. */
const narrow = 640;

function heatmapPanel(scope: Scope, data: PsiDriftResponse, names: string[]): HTMLElement {
  const labels = data.bucket_starts.map(bucketLabel);
  const cells = names.map((name) => data.bucket_starts.map((_, i) => bucketCell(data.features[name]!, i)));
  const approximate = names.some((n) => !data.features[n]?.bucket_thresholds);
  return chartPanel(scope, {
    name: 'psi-heatmap',
    title: 'PSI by feature and bucket',
    description: `Each cell is the bucket's PSI divided by that bucket's own alert threshold; grey: not enough data to judge.${approximate ? ' This server reports no per-bucket thresholds: the window threshold stands in.' : ''} Select a cell to see that bucket's distribution.`,
    // Rows shrink for long feature lists so 50 features stay one screen-ish (and a smaller canvas to paint).
    height: Math.max(160, names.length * (names.length > 12 ? 18 : 30) + 110) + (window.innerWidth < narrow ? 90 : 0),
    option: (p, width): ChartOption => ({
      grid: { left: 8, right: 16, top: 8, bottom: width < narrow ? 160 : 70, containLabel: true },
      xAxis: categoryAxis(p, labels, { splitArea: { show: false } }),
      yAxis: { ...categoryAxis(p, names), inverse: true, axisLabel: { color: p.text, width: 160, overflow: 'truncate' } },
      visualMap: {
        type: 'piecewise', dimension: 2, orient: width < narrow ? 'vertical' : 'horizontal', left: width < narrow ? 0 : 'center', bottom: 0, pieces: heatPieces(p),
        textStyle: { color: p.text }, itemWidth: 14, itemHeight: 10,
      },
      tooltip: {
        trigger: 'item',
        formatter: (params: unknown) => {
          const [x, y] = (params as { value: [number, number, number] }).value;
          const c = cells[y]?.[x];
          if (!c) return '';
          const state = c.ratio === null ? 'n/a (insufficient data)' : c.alert ? 'ALERT' : 'OK';
          return `${names[y]}\n${time(data.bucket_starts[x])}\nPSI ${num(c.psi)} / threshold ${num(c.threshold)}${c.ratio === null ? '' : ` (${percent(c.ratio)})`}\nN ${count(c.n)} · ${state}`;
        },
      },
      series: [{
        type: 'heatmap', name: 'PSI / threshold',
        // One frame for every cell: progressive chunks would leave the last features blank for a while.
        progressive: 0,
        data: cells.flatMap((row, y) => row.map((c, x) => [x, y, c.ratio ?? -1])),
        itemStyle: { borderColor: p.background, borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: p.text, borderWidth: 2 } },
      }],
    }),
    onClick: (event) => {
      const [x, y] = event.value as [number, number];
      const feature = names[y];
      const bucket = data.bucket_starts[x];
      if (feature && bucket) setQuery({ feature, bucket });
    },
    table: () => scroller('PSI by feature and bucket', dataTable({
      columns: [
        { key: 'feature', label: 'Feature', rowHeader: true, cell: (y: number) => names[y] ?? '' },
        ...data.bucket_starts.map((start, x): Column<number> => ({
          key: `b${x}`, label: time(start), numeric: true,
          value: (y) => cells[y]?.[x]?.psi,
          cell: (y) => {
            const c = cells[y]?.[x];
            if (!c) return '';
            return h('span', null, numText(c.psi), c.ratio === null ? ' n/a' : ` (${percent(c.ratio)}${c.alert ? ' ALERT' : ''})`);
          },
        })),
      ],
      rows: names.map((_, y) => y),
      testid: 'psi-heatmap-table',
    })),
  });
}

/** Observed share of a pseudo-bin next to its baseline share: "1.2 % (baseline 0.5 %)". */
function shareCell(s: PsiFeatureSeries, key: string): HTMLElement {
  if (!(key in s.baseline_proportions)) return h('span', { class: 'muted' }, 'n/a');
  return h('span', null, numText(s.observed_proportions[key] ?? 0, percent), h('span', { class: 'muted' }, ' vs '),
    numText(s.baseline_proportions[key], percent));
}

function featuresTable(data: PsiDriftResponse, names: string[], selected: string | null): HTMLElement {
  const columns: Column<string>[] = [
    {
      key: 'feature', label: 'Feature', sortable: true, rowHeader: true, value: (n) => n,
      cell: (n) => h('button', {
        type: 'button', class: 'link-button', 'aria-pressed': String(n === selected), 'data-testid': 'feature-select',
        onclick: () => setQuery({ feature: n, bucket: null }),
      }, n),
    },
    { key: 'psi', label: 'PSI', sortable: true, numeric: true, value: (n) => data.features[n]?.psi, cell: (n) => num(data.features[n]?.psi) },
    { key: 'threshold', label: 'Threshold', sortable: true, numeric: true, value: (n) => data.features[n]?.threshold, cell: (n) => num(data.features[n]?.threshold) },
    { key: 'n', label: 'N', sortable: true, numeric: true, value: (n) => data.features[n]?.n, cell: (n) => count(data.features[n]?.n) },
    {
      key: 'status', label: 'Status', sortable: true, value: (n) => (data.features[n]?.alert ? 2 : data.features[n]?.status === 'ok' ? 1 : 0),
      cell: (n) => driftBadge(data.features[n]?.alert ?? false, data.features[n]?.status),
    },
    {
      key: 'trend', label: 'PSI per bucket',
      cell: (n) => sparkline(data.features[n]?.bucket_psi ?? [], `PSI of ${n} per bucket`, data.features[n]?.threshold),
    },
    { key: 'missing', label: 'Missing: observed vs baseline', numeric: true, value: (n) => data.features[n]?.observed_proportions[missingKey] ?? 0, cell: (n) => shareCell(data.features[n]!, missingKey) },
    { key: 'unseen', label: 'Unseen: observed vs baseline', numeric: true, value: (n) => data.features[n]?.observed_proportions[unseenKey], cell: (n) => shareCell(data.features[n]!, unseenKey) },
  ];
  return scroller('PSI features', dataTable({
    columns, rows: names, testid: 'psi-features-table', sort: { key: 'status', dir: 'desc' },
    caption: 'Features over the whole window',
    rowAttrs: (n) => ({ 'data-testid': 'feature-row', 'data-feature': n, 'data-status': data.features[n]?.alert ? 'alert' : data.features[n]?.status, class: n === selected ? 'selected' : undefined }),
  }));
}

function binsPanel(scope: Scope, spec: { name: string; title: string; description?: string; keys: string[]; feature: PsiFeatureProfile | undefined; baseline: Record<string, number>; observed: Record<string, number> | null; observedName: string }): HTMLElement {
  const labels = spec.keys.map((k) => binLabel(k, spec.feature));
  const observed = (k: string) => (spec.observed ? (spec.observed[k] ?? 0) : null);
  return chartPanel(scope, {
    name: spec.name,
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    height: 300,
    option: (p): ChartOption => ({
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: legend(p, ['Baseline', spec.observedName]),
      tooltip: { trigger: 'axis', valueFormatter: (v) => percent(v as number) },
      xAxis: categoryAxis(p, labels, { axisLabel: { color: p.muted, interval: 0, rotate: labels.length > 6 ? 30 : 0, width: 110, overflow: 'truncate' } }),
      yAxis: valueAxis(p, 'share', { axisLabel: { color: p.muted, formatter: (v: number) => `${num(v * 100)} %` } }),
      series: [
        { type: 'bar', name: 'Baseline', data: spec.keys.map((k) => spec.baseline[k] ?? 0), itemStyle: { color: p.series[0] } },
        { type: 'bar', name: spec.observedName, data: spec.keys.map(observed), itemStyle: { color: p.series[1], decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: -0.785 } } },
      ],
    }),
    table: () => dataTable({
      columns: [
        { key: 'bin', label: 'Bin', rowHeader: true, value: (k) => k, cell: (k) => binLabel(k, spec.feature) },
        { key: 'baseline', label: 'Baseline', numeric: true, value: (k) => spec.baseline[k] ?? 0, cell: (k) => percent(spec.baseline[k] ?? 0) },
        { key: 'observed', label: spec.observedName, numeric: true, value: (k) => observed(k), cell: (k) => percent(observed(k)) },
      ],
      rows: spec.keys,
      testid: `${spec.name}-data`,
    }),
  });
}

function featureSeriesPanel(scope: Scope, data: PsiDriftResponse, name: string, s: PsiFeatureSeries, onBucket: (i: number) => void): HTMLElement {
  const labels = data.bucket_starts.map(bucketLabel);
  const cells = data.bucket_starts.map((_, i) => bucketCell(s, i));
  return chartPanel(scope, {
    name: 'psi-feature',
    title: `PSI of ${name} per bucket`,
    description: 'PSI (line; ▲ marks alerting buckets), each bucket\'s threshold (dashed) and N (bars, right axis). Select a point or bar to see that bucket\'s distribution.',
    height: 300,
    option: (p): ChartOption => ({
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: legend(p, ['PSI', 'Threshold', 'N']),
      tooltip: {
        trigger: 'axis',
        formatter: (params: unknown) => {
          const i = axisIndex(params);
          const c = cells[i];
          if (!c) return '';
          const state = c.ratio === null ? 'n/a (insufficient data)' : c.alert ? 'ALERT' : 'OK';
          return `${time(data.bucket_starts[i])}\nPSI ${num(c.psi)}\nThreshold ${num(c.threshold)}\nN ${count(c.n)}\n${state}`;
        },
      },
      xAxis: categoryAxis(p, labels),
      yAxis: [valueAxis(p, 'PSI'), valueAxis(p, 'N', { splitLine: { show: false } })],
      series: [
        {
          type: 'bar', name: 'N', yAxisIndex: 1, data: cells.map((c) => c.n), itemStyle: { color: p.grid }, barMaxWidth: 18, z: 1,
        },
        {
          type: 'line', name: 'PSI', z: 3, connectNulls: false, symbolSize: 7, lineStyle: { color: p.series[0], width: 2 }, itemStyle: { color: p.series[0] },
          data: cells.map((c) => (c.alert ? { value: c.psi, symbol: 'triangle', symbolSize: 12, itemStyle: { color: p.alert } } : c.psi)),
        },
        {
          type: 'line', name: 'Threshold', z: 2, step: 'middle', symbol: 'none', connectNulls: false, lineStyle: { type: 'dashed', color: p.alert, width: 1.5 }, itemStyle: { color: p.alert },
          data: cells.map((c) => c.threshold),
        },
      ],
    }),
    onClick: (event) => onBucket(event.dataIndex),
    table: () => scroller('PSI per bucket', dataTable({
      columns: [
        { key: 'start', label: 'Bucket start', rowHeader: true, value: (i: number) => data.bucket_starts[i], cell: (i) => time(data.bucket_starts[i]) },
        { key: 'psi', label: 'PSI', numeric: true, value: (i) => cells[i]?.psi, cell: (i) => num(cells[i]?.psi) },
        { key: 'threshold', label: 'Threshold', numeric: true, value: (i) => cells[i]?.threshold, cell: (i) => num(cells[i]?.threshold) },
        { key: 'n', label: 'N', numeric: true, value: (i) => cells[i]?.n, cell: (i) => count(cells[i]?.n) },
        { key: 'status', label: 'Status', cell: (i) => cellBadge(cells[i]!) },
        {
          key: 'show', label: 'Distribution',
          cell: (i) => h('button', { type: 'button', class: 'small', 'data-testid': 'bucket-select', onclick: () => onBucket(i) }, 'Show'),
        },
      ],
      rows: data.bucket_starts.map((_, i) => i),
      testid: 'psi-feature-data',
    })),
  });
}

function bucketSection(scope: Scope, fa: PsiDriftResponse, name: string, s: PsiFeatureSeries, feature: PsiFeatureProfile | undefined, index: number): HTMLElement {
  const c = bucketCell(s, index);
  const observed = s.bucket_observed?.[index];
  return h('section', { class: 'bucket-detail', 'data-testid': 'psi-bucket', 'data-bucket': fa.bucket_starts[index] ?? '' },
    h('h3', { tabindex: -1 }, `Bucket ${time(fa.bucket_starts[index])}`),
    h('dl', { class: 'facts' },
      h('div', null, h('dt', null, 'PSI'), h('dd', null, numText(c.psi))),
      h('div', null, h('dt', null, 'Threshold'), h('dd', null, numText(c.threshold))),
      h('div', null, h('dt', null, 'N'), h('dd', null, numText(c.n, count))),
      h('div', null, h('dt', null, 'Status'), h('dd', null, cellBadge(c)))),
    s.bucket_observed === undefined
      ? note('This server does not report per-bucket distributions yet.')
      : observed === null || observed === undefined
        ? note('No values in this bucket.')
        : binsPanel(scope, {
          name: 'psi-bucket-bins', title: `Bins of ${name} in this bucket`, keys: binKeys(s.baseline_proportions, observed), feature,
          baseline: s.baseline_proportions, observed, observedName: 'Observed (bucket)',
        }),
    h('button', { type: 'button', class: 'link-button', onclick: () => setQuery({ bucket: null }, { replace: true }) }, 'Close bucket'));
}

export const psiTab: TabFactory = (root, ctx, url, scope) => {
  const profiles = (ctx.stored.features ?? {}) as Record<string, PsiFeatureProfile>;
  let data: PsiDriftResponse | null = null;
  let selected = url.searchParams.get('feature');
  let bucket = url.searchParams.get('bucket');
  const tableSlot = h('div');
  const detail = h('div', { class: 'detail', 'data-testid': 'psi-detail' });
  const bucketSlot = h('div');
  let detailScope: Scope | null = null;
  let bucketScope: Scope | null = null;
  // The selected feature's answer (with bucket_observed), once loaded.
  let featureAnswer: { name: string; answer: PsiDriftResponse } | null = null;

  const names = () => (data ? Object.keys(data.features) : []);

  const renderBucket = (focus: boolean) => {
    bucketScope?.dispose();
    bucketScope = (detailScope ?? scope).child();
    if (!featureAnswer || !bucket) {
      replace(bucketSlot);
      return;
    }
    const { name, answer } = featureAnswer;
    const index = answer.bucket_starts.indexOf(bucket);
    const s = answer.features[name];
    if (index < 0 || !s) {
      replace(bucketSlot, note('The chosen bucket is not in this window; pick one in the chart.'));
      return;
    }
    replace(bucketSlot, bucketSection(bucketScope, answer, name, s, profiles[name], index));
    if (focus) bucketSlot.querySelector<HTMLElement>('h3')?.focus();
  };

  const renderDetail = () => {
    detailScope?.dispose();
    detailScope = scope.child();
    const dScope = detailScope;
    featureAnswer = null;
    if (!data || !selected || !data.features[selected]) {
      replace(detail, selected && data ? errorMessage(new Error(`This profile has no feature “${selected}”.`), 'Cannot show the feature') : note('Select a feature (in the table or the heatmap) to see its PSI over time and its bins.'));
      return;
    }
    const name = selected;
    const window = data.features[name]!;
    const heading = h('h2', null, 'Feature ', h('span', { class: 'feature-name' }, name), ' ', driftBadge(window.alert, window.status));
    replace(detail, heading, loading());
    api.psiDrift(ctx.uid, ctx.range, name, dScope.signal).then((answer) => {
      if (dScope.disposed) return;
      featureAnswer = { name, answer };
      const s = answer.features[name] ?? window;
      const onBucket = (i: number) => {
        const start = answer.bucket_starts[i];
        if (start) setQuery({ bucket: start }, { replace: true });
      };
      replace(detail, heading,
        featureSeriesPanel(dScope, answer, name, s, onBucket),
        bucketSlot,
        binsPanel(dScope, {
          name: 'psi-bins', title: `Bins of ${name}: baseline vs observed over the window`, keys: binKeys(s.baseline_proportions, s.observed_proportions),
          feature: profiles[name], baseline: s.baseline_proportions, observed: s.observed_proportions, observedName: 'Observed (window)',
        }));
      renderBucket(false);
    }, (error: unknown) => {
      if (!isAbort(error) && !dScope.disposed) replace(detail, heading, errorMessage(error, `Could not load ${name}`));
    });
  };


  replace(root, loading());
  api.psiDrift(ctx.uid, ctx.range, undefined, scope.signal).then((answer) => {
    data = answer;
    const list = names();
    if (list.length === 0) {
      replace(root, windowNote(answer), note('This profile has no features.'));
      return;
    }
    replace(root, windowNote(answer, answer.bucket_starts.length), h('h2', null, 'Drift by bucket'), heatmapPanel(scope, answer, list),
      h('h2', null, 'Features'), tableSlot, detail);
    replace(tableSlot, featuresTable(data, list, selected));
    renderDetail();
  }, (error: unknown) => {
    if (!isAbort(error)) replace(root, errorMessage(error, 'Could not load PSI drift'));
  });

  return {
    update(next) {
      const nextFeature = next.searchParams.get('feature');
      const nextBucket = next.searchParams.get('bucket');
      if (nextFeature !== selected) {
        selected = nextFeature;
        bucket = nextBucket;
        markSelectedFeature(tableSlot, selected);
        renderDetail();
      } else if (nextBucket !== bucket) {
        bucket = nextBucket;
        renderBucket(bucket !== null);
      }
      return true;
    },
  };
};
