// Data tables with optional sortable columns (buttons in the headers, aria-sort on the column).

import { h, replace, type Attrs, type Child } from '../dom';

export type SortValue = number | string | boolean | null | undefined;

export interface Column<T> {
  key: string;
  label: string;
  cell: (row: T) => Child;
  /** The raw value: put in the cell's data-value, and used to sort when the column is sortable. */
  value?: (row: T) => SortValue;
  sortable?: boolean;
  numeric?: boolean;
  /** Header cell scope row: the cell names the row (first column). */
  rowHeader?: boolean;
}

export interface SortState {
  key: string;
  dir: 'asc' | 'desc';
}

export interface TableOptions<T> {
  columns: Column<T>[];
  rows: readonly T[];
  caption?: Child;
  testid?: string;
  rowAttrs?: (row: T) => Attrs;
  /** Controlled sort: the caller keeps the state and re-renders on change. */
  sort?: SortState | null;
  onSort?: (sort: SortState) => void;
  empty?: Child;
  className?: string;
}

function compare(a: SortValue, b: SortValue): number {
  // Empty values sort last whichever the direction.
  const ae = a === null || a === undefined || a === '';
  const be = b === null || b === undefined || b === '';
  if (ae || be) return ae === be ? 0 : ae ? 1 : -1;
  if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
  return Number(a) - Number(b);
}

/** Rows sorted by <paramref>sort</paramref> (stable; empty values last). */
export function sortRows<T>(rows: readonly T[], columns: Column<T>[], sort: SortState | null | undefined): T[] {
  const column = sort && columns.find((c) => c.key === sort.key);
  if (!sort || !column?.value) return [...rows];
  const value = column.value;
  const sign = sort.dir === 'asc' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, v: value(row) }))
    .sort((x, y) => {
      const empty = (v: SortValue) => v === null || v === undefined || v === '';
      if (empty(x.v) || empty(y.v)) return compare(x.v, y.v) || x.index - y.index;
      return sign * compare(x.v, y.v) || x.index - y.index;
    })
    .map((x) => x.row);
}

export function dataTable<T>(options: TableOptions<T>): HTMLTableElement {
  let sort = options.sort ?? null;
  const table = h('table', { class: options.className ?? 'data', 'data-testid': options.testid });
  const tbody = h('tbody');

  const headerRow = h('tr');
  const renderHead = () => {
    replace(headerRow, options.columns.map((c) => {
      const active = sort?.key === c.key;
      const ariaSort = active ? (sort?.dir === 'asc' ? 'ascending' : 'descending') : c.sortable ? 'none' : undefined;
      const label = c.sortable
        ? h('button', {
          type: 'button', class: 'sort', 'data-sort-key': c.key,
          onclick: () => {
            const next: SortState = { key: c.key, dir: active && sort?.dir === 'asc' ? 'desc' : 'asc' };
            if (options.onSort) {
              options.onSort(next);
            } else {
              sort = next;
              renderHead();
              renderBody();
            }
          },
        }, c.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (sort?.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'))
        : c.label;
      return h('th', { scope: 'col', class: c.numeric ? 'num' : undefined, 'aria-sort': ariaSort }, label);
    }));
  };

  const renderBody = () => {
    const rows = sortRows(options.rows, options.columns, sort);
    if (rows.length === 0) {
      replace(tbody, h('tr', null, h('td', { colspan: options.columns.length, class: 'empty' }, options.empty ?? 'Nothing to show.')));
      return;
    }
    replace(tbody, rows.map((row) => h('tr', options.rowAttrs?.(row) ?? null, options.columns.map((c) => {
      const raw = c.value?.(row);
      const attrs: Attrs = {
        class: c.numeric ? 'num' : undefined,
        'data-col': c.key,
        'data-value': raw === undefined || raw === null ? undefined : String(raw),
      };
      return c.rowHeader ? h('th', { ...attrs, scope: 'row' }, c.cell(row)) : h('td', attrs, c.cell(row));
    }))));
  };

  renderHead();
  renderBody();
  if (options.caption) table.append(h('caption', null, options.caption));
  table.append(h('thead', null, headerRow), tbody);
  return table;
}

/**
 * Marks the feature row named <paramref>feature</paramref> as selected (row class and the
 * aria-pressed of its select button) without rebuilding the table, so its sort and focus stay.
 */
export function markSelectedFeature(container: ParentNode, feature: string | null): void {
  for (const row of container.querySelectorAll<HTMLElement>('tr[data-feature]')) {
    const on = row.dataset['feature'] === feature;
    row.classList.toggle('selected', on);
    row.querySelector('[data-testid="feature-select"]')?.setAttribute('aria-pressed', String(on));
  }
}
