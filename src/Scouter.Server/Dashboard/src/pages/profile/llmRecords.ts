// The LLM records of the window, a page at a time, with each metric's score and the judge's reason.

import * as api from '../../api';
import { h, replace, uniqueId } from '../../dom';
import { count, time } from '../../format';
import type { Scope } from '../../router';
import { pager } from '../../components/pager';
import { dataTable, type Column } from '../../components/table';
import { badge, errorMessage, field, isAbort, loading, numText, scroller } from '../../components/ui';
import type { LlmRecordDetail, LlmRecordSummary } from '../../types';
import type { ProfileContext } from './context';

const pageSize = 10;

function statusBadge(status: string): HTMLElement {
  if (status === 'done') return badge('ok', 'DONE', { 'data-status': status });
  if (status === 'failed') return badge('alert', 'FAILED', { 'data-status': status });
  return badge('info', status.toUpperCase(), { 'data-status': status });
}

interface Row {
  record: LlmRecordSummary;
  /** null: the detail could not be read. */
  detail: LlmRecordDetail | null;
}

export function llmRecords(root: HTMLElement, ctx: ProfileContext, parent: Scope, metrics: string[]): void {
  let page = 1;
  let status = '';
  let scope: Scope | null = null;
  const statusId = uniqueId('records-status');
  const select = h('select', {
    id: statusId, 'data-testid': 'llm-records-status',
    onchange: () => {
      status = select.value;
      page = 1;
      load();
    },
  }, h('option', { value: '' }, 'All'), ...['pending', 'done', 'failed'].map((s) => h('option', { value: s }, s)));
  const body = h('div');

  const columns: Column<Row>[] = [
    { key: 'created', label: 'Created', rowHeader: true, value: (r) => r.record.created_at, cell: (r) => h('time', { datetime: r.record.created_at }, time(r.record.created_at, true)) },
    { key: 'status', label: 'Status', value: (r) => r.record.status, cell: (r) => statusBadge(r.record.status) },
    { key: 'attempts', label: 'Attempts', numeric: true, value: (r) => r.record.attempts, cell: (r) => count(r.record.attempts) },
    ...metrics.map((metric): Column<Row> => ({
      key: `m:${metric}`, label: metric,
      value: (r) => r.detail?.scores.find((s) => s.metric === metric)?.score,
      cell: (r) => {
        if (!r.detail) return h('span', { class: 'muted' }, 'n/a');
        const score = r.detail.scores.find((s) => s.metric === metric);
        if (!score) return h('span', { class: 'muted' }, 'not scored');
        return h('div', { class: 'score', 'data-metric': metric }, numText(score.score), score.reason ? h('div', { class: 'reason' }, score.reason) : null);
      },
    })),
    { key: 'error', label: 'Error', cell: (r) => (r.record.error ? h('span', { class: 'error-text' }, r.record.error) : '—') },
  ];

  const load = () => {
    scope?.dispose();
    scope = parent.child();
    const signal = scope.signal;
    replace(body, loading());
    api.llmRecords(ctx.uid, { status, from: ctx.range.from, to: ctx.range.to, page, page_size: pageSize }, signal)
      .then(async (answer) => {
        const rows: Row[] = await Promise.all(answer.items.map(async (record) => ({
          record,
          detail: await api.llmRecord(record.id, signal).catch((error: unknown) => {
            if (isAbort(error)) throw error;
            return null;
          }),
        })));
        replace(body,
          scroller('LLM records', dataTable({
            columns, rows, testid: 'llm-records-table', empty: 'No records in this window.',
            rowAttrs: (r) => ({ 'data-testid': 'llm-record-row', 'data-id': r.record.id, 'data-status': r.record.status }),
          })),
          pager({
            page, pageSize, shown: answer.items.length, total: answer.total, testid: 'llm-records-pager',
            onPage: (p) => {
              page = p;
              load();
            },
          }));
      })
      .catch((error: unknown) => {
        if (!isAbort(error)) replace(body, errorMessage(error, 'Could not load the LLM records'));
      });
  };

  replace(root,
    h('h2', null, 'Records'),
    h('div', { class: 'filters' }, field(statusId, 'Status', select)),
    body);
  load();
}
