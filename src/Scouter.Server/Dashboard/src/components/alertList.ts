// The alert table of the Alerts page and of a profile's Alerts tab: status, notification state,
// the latest finding, and acknowledge for writers.

import * as api from '../api';
import { h, replace, uniqueId } from '../dom';
import { count, time, words } from '../format';
import { href, type Scope } from '../router';
import { writeDenied } from '../session';
import type { Alert, AlertPage } from '../types';
import { pager } from './pager';
import { dataTable, type Column } from './table';
import { badge, describeError, errorMessage, isAbort, jsonView, loading, scroller, severityBadge } from './ui';

export const pageSize = 25;

export function statusBadge(status: string): HTMLElement {
  const attrs = { 'data-status': status };
  if (status === 'firing') return badge('alert', 'FIRING', attrs);
  if (status === 'acknowledged') return badge('warning', 'ACKNOWLEDGED', attrs);
  if (status === 'resolved') return badge('ok', 'RESOLVED', attrs);
  return badge('info', status.toUpperCase(), attrs);
}

/** Where the alert's notice stands: delivered, queued (with attempts and the last error), or none. */
function notifyCell(a: Alert) {
  if (a.notify_pending) {
    return h('span', { 'data-notify': 'pending' },
      badge(a.notify_error ? 'alert' : 'info', `${a.notify_pending} notice pending`),
      a.notify_attempts > 0 ? h('span', null, ` · ${count(a.notify_attempts)} failed attempt${a.notify_attempts === 1 ? '' : 's'}`) : null,
      a.next_attempt_at ? h('span', null, ' · next ', h('time', { datetime: a.next_attempt_at }, time(a.next_attempt_at))) : null,
      a.notify_error ? h('div', { class: 'error-text' }, a.notify_error) : null);
  }
  if (a.last_notified_at) return h('span', { 'data-notify': 'sent' }, 'sent ', h('time', { datetime: a.last_notified_at }, time(a.last_notified_at)));
  return h('span', { class: 'muted', 'data-notify': 'none' }, 'not notified');
}

function profileName(a: Alert, names: Map<string, string> | undefined): string {
  if (a.name !== undefined) return `${a.name} ${a.version ?? ''}${a.drift_type ? ` (${a.drift_type})` : ''}`;
  return names?.get(a.uid) ?? a.uid;
}

function kindText(a: Alert): string {
  return a.zone === null ? words(a.kind) : `${words(a.kind)}, zone ${a.zone}`;
}

export interface AlertListOptions {
  filter: api.AlertFilter;
  /** Show the profile column (links by uid; names when known). */
  showProfile: boolean;
  profileNames?: Map<string, string>;
  page: number;
  onPage: (page: number) => void;
}

/** Loads and shows one page of alerts into <paramref>root</paramref>. */
export function alertList(root: HTMLElement, scope: Scope, options: AlertListOptions): void {
  const status = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  replace(root, loading());
  let page: AlertPage | null = null;

  const ackCell = (a: Alert) => {
    const denied = writeDenied(a.space);
    const done = a.status !== 'firing';
    const reason = denied ?? (a.status === 'resolved' ? 'Resolved alerts cannot be acknowledged.' : a.status === 'acknowledged' ? `Acknowledged by ${a.acknowledged_by ?? 'someone'}.` : null);
    const reasonId = uniqueId('ack-reason');
    const showReason = reason !== null && !a.acknowledged_at;
    const button = h('button', {
      type: 'button', class: 'small', 'data-testid': 'ack-button', 'data-alert-id': String(a.id), disabled: denied !== null || done,
      'aria-describedby': showReason ? reasonId : undefined,
      onclick: async () => {
        button.disabled = true;
        try {
          const updated = await api.acknowledge(a.id);
          if (page) page.items = page.items.map((x) => (x.id === updated.id ? updated : x));
          render();
          status.textContent = `Alert ${a.id} acknowledged.`;
          // The button is now disabled: focus goes to the row's id cell, where reading resumes.
          const cell = root.querySelector<HTMLElement>(`tr[data-alert-id="${a.id}"] th`);
          cell?.setAttribute('tabindex', '-1');
          cell?.focus();
        } catch (error) {
          button.disabled = false;
          button.after(h('div', { class: 'error-text', role: 'alert', 'data-testid': 'ack-error' }, describeError(error)));
        }
      },
    }, 'Acknowledge');
    return h('div', { class: 'ack' }, button,
      a.acknowledged_at ? h('div', { class: 'muted' }, `by ${a.acknowledged_by ?? '?'} at `, h('time', { datetime: a.acknowledged_at }, time(a.acknowledged_at))) : null,
      showReason ? h('div', { id: reasonId, class: 'muted reason', 'data-testid': 'ack-disabled-reason' }, reason) : null);
  };

  const columns: Column<Alert>[] = [
    { key: 'id', label: 'Id', numeric: true, value: (a) => a.id, cell: (a) => String(a.id), rowHeader: true },
    { key: 'created', label: 'Fired', value: (a) => a.created_at, cell: (a) => h('time', { datetime: a.created_at }, time(a.created_at)) },
    ...(options.showProfile ? [{
      key: 'profile', label: 'Profile', value: (a: Alert) => a.uid,
      cell: (a: Alert) => h('span', null, h('a', { href: href(`/profiles/${encodeURIComponent(a.uid)}`, { tab: 'alerts' }) }, profileName(a, options.profileNames)),
        h('div', { class: 'muted' }, a.space)),
    }] : []),
    { key: 'subject', label: 'Feature / metric', value: (a) => a.feature_or_metric, cell: (a) => a.feature_or_metric },
    { key: 'kind', label: 'Kind', value: (a) => a.kind, cell: kindText },
    { key: 'severity', label: 'Severity', value: (a) => a.severity, cell: (a) => severityBadge(a.severity) },
    {
      key: 'status', label: 'Status', value: (a) => a.status,
      cell: (a) => h('span', null, statusBadge(a.status),
        a.resolved_at ? h('div', { class: 'muted' }, 'resolved ', h('time', { datetime: a.resolved_at }, time(a.resolved_at))) : null,
        h('div', { class: 'muted' }, 'updated ', h('time', { datetime: a.updated_at }, time(a.updated_at)))),
    },
    { key: 'notify', label: 'Notification', cell: notifyCell },
    {
      key: 'payload', label: 'Finding',
      cell: (a) => h('details', { class: 'payload' }, h('summary', null, 'Inputs and decision'), jsonView(a.payload)),
    },
    { key: 'ack', label: 'Acknowledge', cell: ackCell },
  ];

  const render = () => {
    if (!page) return;
    const total = page.total;
    replace(root,
      status,
      h('p', { class: 'muted', 'data-testid': 'alert-total', 'data-value': String(total) }, `${count(total)} alert${total === 1 ? '' : 's'}`),
      scroller('Alerts', dataTable({
        columns, rows: page.items, testid: 'alerts-table', empty: 'No alerts match.',
        rowAttrs: (a) => ({ 'data-testid': 'alert-row', 'data-alert-id': String(a.id), 'data-status': a.status, 'data-severity': a.severity }),
      })),
      pager({ page: options.page, pageSize, shown: page.items.length, total, onPage: options.onPage, testid: 'alerts-pager' }));
  };

  api.alerts({ ...options.filter, page: options.page, page_size: pageSize }, scope.signal).then((answer) => {
    page = answer;
    render();
  }, (error: unknown) => {
    if (!isAbort(error)) replace(root, errorMessage(error, 'Could not load the alerts'));
  });
}
