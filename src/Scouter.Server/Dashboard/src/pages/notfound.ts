import { h } from '../dom';
import { basePath } from '../router';
import { pageTitle } from '../components/ui';

export function notFoundPage(root: HTMLElement): void {
  root.append(
    pageTitle('Page not found'),
    h('p', null, 'There is no dashboard page at this address. ', h('a', { href: `${basePath}/` }, 'Go to the overview'), '.'));
}
