import { h } from '../dom';
import { count } from '../format';

/**
 * Previous/next page buttons with "page x of y". <paramref>total</paramref> null: unknown (the
 * route returns no total), so "next" is offered while the page came back full.
 */
export function pager(options: { page: number; pageSize: number; shown: number; total: number | null; onPage: (page: number) => void; testid: string }): HTMLElement {
  const { page, pageSize, shown, total, onPage } = options;
  const pages = total === null ? null : Math.max(1, Math.ceil(total / pageSize));
  const hasNext = pages === null ? shown >= pageSize : page < pages;
  return h('nav', { class: 'pager', 'aria-label': 'Pages', 'data-testid': options.testid },
    h('button', { type: 'button', disabled: page <= 1, 'data-testid': `${options.testid}-prev`, onclick: () => onPage(page - 1) }, '← Previous'),
    h('span', { 'data-page': String(page) },
      pages === null ? `Page ${page}` : `Page ${page} of ${pages}`,
      total === null ? '' : ` · ${count(total)} in all`),
    h('button', { type: 'button', disabled: !hasNext, 'data-testid': `${options.testid}-next`, onclick: () => onPage(page + 1) }, 'Next →'));
}
