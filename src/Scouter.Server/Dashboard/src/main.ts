import './styles.css';
import * as api from './api';
import { h, replace } from './dom';
import { alertsPage } from './pages/alerts';
import { loginPage } from './pages/login';
import { notFoundPage } from './pages/notfound';
import { overviewPage } from './pages/overview';
import { profilePage } from './pages/profile';
import { basePath, currentLocation, href, navigate, render, route, setAfterMount, setBeforeRoute, setNotFound, start } from './router';
import { setUser, user } from './session';
import { describeError, isAbort } from './components/ui';

const app = document.getElementById('app');
if (!app) throw new Error('index.html has no #app');

const nav = h('nav', { class: 'nav', 'aria-label': 'Main' });
const userArea = h('div', { class: 'user' });
const main = h('main', { id: 'main', tabindex: -1 });
replace(app,
  h('a', { class: 'skip', href: '#main' }, 'Skip to content'),
  h('header', { class: 'top' },
    h('a', { class: 'brand', href: `${basePath}/` }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '◢'), ' Scouter'),
    nav, userArea),
  main);

function isLogin(url: URL): boolean {
  return url.pathname === `${basePath}/login` || url.pathname === `${basePath}/login/`;
}

function renderHeader(url: URL): void {
  const me = user();
  if (!me || isLogin(url)) {
    replace(nav);
    replace(userArea);
    return;
  }
  const link = (path: string, label: string, active: boolean) =>
    h('a', { href: basePath + path, 'aria-current': active ? 'page' : undefined, 'data-testid': `nav-${label.toLowerCase()}` }, label);
  const path = url.pathname;
  replace(nav,
    link('/', 'Overview', path === `${basePath}/` || path === basePath || path.startsWith(`${basePath}/profiles/`)),
    link('/alerts', 'Alerts', path.startsWith(`${basePath}/alerts`)));
  replace(userArea,
    h('span', { class: 'user-name', 'data-testid': 'user-name' }, me.name, me.global_role === 'admin' ? ' (admin)' : ''),
    h('button', {
      type: 'button', class: 'link-button', 'data-testid': 'logout',
      onclick: async () => {
        try {
          await api.logout();
        } catch {
          // Signed out locally either way: the cookies expire on their own.
        }
        setUser(null);
        navigate(`${basePath}/login`);
      },
    }, 'Sign out'));
}

let loadingUser = false;

/** Loads who is signed in before the first page that needs it. */
async function loadUser(): Promise<void> {
  if (loadingUser) return;
  loadingUser = true;
  replace(main, h('p', { class: 'loading', role: 'status' }, 'Loading…'));
  try {
    setUser(await api.me());
    render();
  } catch (error) {
    // A 401 already went to the login page; anything else is shown.
    if (!isAbort(error) && !(error instanceof api.ApiError && error.status === 401)) {
      replace(main, h('div', { class: 'message message-error', role: 'alert', 'data-testid': 'error-message' },
        'Could not reach the Scouter server: ', describeError(error), ' ',
        h('button', { type: 'button', onclick: () => void loadUser() }, 'Try again')));
    }
  } finally {
    loadingUser = false;
  }
}

setBeforeRoute((url) => {
  renderHeader(url);
  if (!isLogin(url) && !user()) {
    void loadUser();
    return false;
  }
  return true;
});

// After in-app navigation to another page (not on the first load), focus moves to its heading.
let firstMount = true;
setAfterMount(() => {
  if (!firstMount) (main.querySelector('h1') ?? main).focus();
  firstMount = false;
});

api.setSignedOutHandler(() => {
  setUser(null);
  if (isLogin(new URL(location.href))) return;
  navigate(href('/login', { next: currentLocation() }), { replace: true });
});

route('/login', loginPage);
route('/', overviewPage);
route('/profiles/:uid', profilePage);
route('/alerts', alertsPage);
setNotFound(notFoundPage);
start(main);
