// History-API routing under /ui/. The server answers index.html for every /ui/* path, so each
// view is a real, shareable URL; view state (range, tab, filters) lives in the query string.

export const basePath = '/ui';

/** What a mounted page owns: fetches to cancel and charts to dispose when it goes. */
export class Scope {
  private readonly controller = new AbortController();
  private readonly disposers: (() => void)[] = [];

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get disposed(): boolean {
    return this.controller.signal.aborted;
  }

  onDispose(dispose: () => void): void {
    this.disposers.push(dispose);
  }

  /** A child scope disposed with this one (or earlier, by its owner). */
  child(): Scope {
    const child = new Scope();
    this.onDispose(() => child.dispose());
    return child;
  }

  dispose(): void {
    if (this.disposed) return;
    this.controller.abort();
    for (const dispose of this.disposers.splice(0).reverse()) dispose();
  }
}

export interface Page {
  /** Called when only the query string changed; false means "mount me again". */
  update?(url: URL): boolean;
}

export type PageFactory = (root: HTMLElement, url: URL, scope: Scope, params: Record<string, string>) => Page | void;

interface Route {
  pattern: RegExp;
  keys: string[];
  page: PageFactory;
}

const routes: Route[] = [];
let notFound: PageFactory = () => {};
let beforeRoute: (url: URL) => boolean = () => true;
let afterMount: () => void = () => {};

/** Registers a route: "/profiles/:uid" (relative to /ui). */
export function route(path: string, page: PageFactory): void {
  const keys: string[] = [];
  const source = path.replace(/:([a-z]+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  routes.push({ pattern: new RegExp(`^${source}/?$`), keys, page });
}

export function setNotFound(page: PageFactory): void {
  notFound = page;
}

/** A hook run after a page was mounted (not when it only updated for a new query). */
export function setAfterMount(hook: () => void): void {
  afterMount = hook;
}

/** A hook run before each route; false stops the routing (it navigated elsewhere). */
export function setBeforeRoute(hook: (url: URL) => boolean): void {
  beforeRoute = hook;
}

let outlet: HTMLElement | null = null;
let current: { path: string; page: Page | void; scope: Scope } | null = null;

/** Path and query of the current location, for ?next=. */
export function currentLocation(): string {
  return location.pathname + location.search;
}

/** An href under /ui with a query (empty values left out). */
export function href(path: string, query: Record<string, string | number | boolean | null | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return basePath + path + (text ? `?${text}` : '');
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentLocation()) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  render();
}

/** Sets query parameters of the current URL (null removes one) and lets the page update. */
export function setQuery(changes: Record<string, string | null | undefined>, options: { replace?: boolean } = {}): void {
  const next = new URL(location.href);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '') next.searchParams.delete(key);
    else next.searchParams.set(key, value);
  }
  navigate(next.pathname + next.search, options);
}

/** Mounts the page of the current URL (or updates it in place when only the query changed). */
export function render(): void {
  if (!outlet) return;
  const url = new URL(location.href);
  if (!beforeRoute(url)) return;
  const path = url.pathname;
  if (current && current.path === path && current.page?.update?.(url)) return;
  current?.scope.dispose();
  const scope = new Scope();
  outlet.replaceChildren();
  const relative = path.startsWith(basePath) ? path.slice(basePath.length) || '/' : path;
  let page: Page | void = undefined;
  let matched = false;
  for (const r of routes) {
    const match = r.pattern.exec(relative);
    if (!match) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((key, i) => {
      params[key] = decodeURIComponent(match[i + 1] ?? '');
    });
    page = r.page(outlet, url, scope, params);
    matched = true;
    break;
  }
  if (!matched) page = notFound(outlet, url, scope, {});
  current = { path, page, scope };
  afterMount();
}

function onClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
  const target = new URL(anchor.href, location.href);
  if (target.origin !== location.origin || !(target.pathname === basePath || target.pathname.startsWith(`${basePath}/`))) return;
  event.preventDefault();
  navigate(target.pathname + target.search);
}

/** Starts routing into <paramref>root</paramref>. */
export function start(root: HTMLElement): void {
  outlet = root;
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', render);
  render();
}
