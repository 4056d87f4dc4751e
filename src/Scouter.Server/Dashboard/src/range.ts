// The time range of a view, kept in the URL (range=24h|7d|30d|custom, from, to) so a link shows
// the same window. Buckets are whole hours: hourly for 24 h, 4-hourly for 7 days, daily for 30 days
// (42 and 30 columns: 50 features stay a heatmap that draws at once), and at most 180 for a custom range.

import type { DriftWindow } from './api';
import { h, uniqueId } from './dom';
import { localInput } from './format';

export type RangeKey = '24h' | '7d' | '30d' | 'custom';

export interface TimeRange extends DriftWindow {
  key: RangeKey;
  /** Why a custom range from the URL was not used, for people. */
  problem?: string;
}

const hour = 3_600_000;
const presets: Record<Exclude<RangeKey, 'custom'>, { hours: number; width: number; label: string }> = {
  '24h': { hours: 24, width: 1, label: '24 h' },
  '7d': { hours: 168, width: 4, label: '7 d' },
  '30d': { hours: 720, width: 24, label: '30 d' },
};

/** Most buckets a custom range is split into (hourly below that). */
const maxCustomBuckets = 180;

/**
 * Buckets of `width` hours over the window the server reads with align=true
 * (the start floored and the end ceiled to whole hours): asking for exactly that many keeps the
 * server from widening the buckets to the next whole hour.
 */
function bucketCount(from: number, to: number, width?: number): number {
  const hours = Math.max(1, Math.ceil(to / hour) - Math.floor(from / hour));
  const w = width ?? Math.max(1, Math.ceil(hours / maxCustomBuckets));
  return Math.min(1000, Math.ceil(hours / w));
}

function preset(key: Exclude<RangeKey, 'custom'>, now: number): TimeRange {
  const p = presets[key];
  const from = now - p.hours * hour;
  return { key, from: new Date(from).toISOString(), to: new Date(now).toISOString(), buckets: bucketCount(from, now, p.width) };
}

/** The range the URL asks for; a bad custom range falls back to 24 h and says why. */
export function rangeFromUrl(url: URL, now = Date.now()): TimeRange {
  const key = url.searchParams.get('range') ?? '24h';
  if (key === '24h' || key === '7d' || key === '30d') return preset(key, now);
  if (key !== 'custom') return { ...preset('24h', now), problem: `Unknown range “${key}”; showing the last 24 h.` };
  const from = Date.parse(url.searchParams.get('from') ?? '');
  const to = Date.parse(url.searchParams.get('to') ?? '');
  if (!Number.isFinite(from) || !Number.isFinite(to)) return { ...preset('24h', now), problem: 'A custom range needs valid from and to times; showing the last 24 h.' };
  if (from >= to) return { ...preset('24h', now), problem: 'The custom range must start before it ends; showing the last 24 h.' };
  return { key: 'custom', from: new Date(from).toISOString(), to: new Date(to).toISOString(), buckets: bucketCount(from, to) };
}

/** Preset buttons and a custom from/to form; `onChange` gets the query to set. */
export function rangePicker(range: TimeRange, onChange: (query: Record<string, string | null>) => void): HTMLElement {
  const fromId = uniqueId('range-from');
  const toId = uniqueId('range-to');
  const from = h('input', { id: fromId, type: 'datetime-local', value: localInput(range.from), required: true, 'data-testid': 'range-from' });
  const to = h('input', { id: toId, type: 'datetime-local', value: localInput(range.to), required: true, 'data-testid': 'range-to' });
  const form = h('form', {
    class: 'range-custom', hidden: range.key !== 'custom', 'data-testid': 'range-custom',
    onsubmit: (event) => {
      event.preventDefault();
      const f = new Date(from.value);
      const t = new Date(to.value);
      if (Number.isNaN(f.getTime()) || Number.isNaN(t.getTime())) return;
      onChange({ range: 'custom', from: f.toISOString(), to: t.toISOString() });
    },
  },
  h('label', { for: fromId }, 'From'), from,
  h('label', { for: toId }, 'To'), to,
  h('button', { type: 'submit' }, 'Apply'));

  const button = (key: RangeKey, label: string) => h('button', {
    type: 'button', 'aria-pressed': String(range.key === key), 'data-testid': `range-${key}`,
    onclick: () => {
      if (key === 'custom') {
        form.hidden = false;
        from.focus();
      } else {
        onChange({ range: key, from: null, to: null });
      }
    },
  }, label);

  return h('div', { class: 'range', role: 'group', 'aria-label': 'Time range' },
    h('div', { class: 'segmented' },
      ...Object.entries(presets).map(([key, p]) => button(key as RangeKey, p.label)),
      button('custom', 'Custom')),
    form,
    range.problem ? h('p', { class: 'message message-warning', role: 'status' }, range.problem) : null);
}
