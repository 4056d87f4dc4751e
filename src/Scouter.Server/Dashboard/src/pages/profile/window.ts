import { h } from '../../dom';
import { num, time } from '../../format';

/** The window the server actually read (aligned to whole hours), and its bucket width. */
export function windowNote(answer: { from: string; to: string }, buckets?: number): HTMLElement {
  const span = Date.parse(answer.to) - Date.parse(answer.from);
  const width = buckets && buckets > 0 && Number.isFinite(span) ? span / buckets / 3_600_000 : null;
  return h('p', { class: 'note window', 'data-testid': 'window', 'data-from': answer.from, 'data-to': answer.to },
    'Window ', h('time', { datetime: answer.from }, time(answer.from)), ' – ', h('time', { datetime: answer.to }, time(answer.to)),
    width === null ? '' : ` · ${buckets} bucket${buckets === 1 ? '' : 's'} of ${num(width)} h`);
}
