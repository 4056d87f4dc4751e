import * as api from '../api';
import { h, replace } from '../dom';
import { count, relative, time, zoneLabel } from '../format';
import { rangeFromUrl, rangePicker } from '../range';
import { basePath, setQuery, type Page, type Scope } from '../router';
import { writeDenied } from '../session';
import { alertList } from '../components/alertList';
import { tabList } from '../components/tabs';
import { badge, describeError, errorMessage, facts, isAbort, loading, pageTitle } from '../components/ui';
import type { ProfileInfo, StoredProfile } from '../types';
import { typeName } from './overview';
import { checksTab } from './profile/checks';
import type { ProfileContext, TabFactory, TabView } from './profile/context';
import { metricsTab } from './profile/metrics';
import { psiTab } from './profile/psi';
import { spcTab } from './profile/spc';

const tabs = [
  { key: 'drift', label: 'Drift' },
  { key: 'alerts', label: 'Alerts' },
  { key: 'checks', label: 'Check history' },
];

function tabOf(url: URL): string {
  const tab = url.searchParams.get('tab');
  return tabs.some((t) => t.key === tab) ? (tab as string) : 'drift';
}

/** The URL parts that choose the time window. */
function rangeParams(url: URL): string {
  return ['range', 'from', 'to'].map((k) => url.searchParams.get(k) ?? '').join('|');
}

const alertsTab: TabFactory = (root, ctx, url, scope) => {
  const page = Number(url.searchParams.get('apage') ?? '1') || 1;
  alertList(root, scope, {
    // Every alert of the profile whatever the time range: one that fired long ago may still be open.
    filter: { uid: ctx.uid },
    showProfile: false,
    page,
    onPage: (p) => setQuery({ apage: String(p) }),
  });
  // The page number is part of the URL: any change mounts the tab again.
  return { update: (next) => next.searchParams.get('apage') === url.searchParams.get('apage') };
};

function driftTab(stored: StoredProfile): TabFactory {
  switch (stored.drift_type) {
    case 'psi': return psiTab;
    case 'spc': return spcTab;
    case 'custom':
    case 'llm': return metricsTab;
  }
}

async function load(uid: string, signal: AbortSignal): Promise<{ stored: StoredProfile; info: ProfileInfo | null }> {
  const stored = await api.storedProfile(uid, signal);
  const { space, name, version } = stored.config;
  const list = await api.profiles({ space, name, version, drift_type: stored.drift_type }, signal);
  return { stored, info: list.find((p) => p.uid === uid) ?? null };
}

export function profilePage(root: HTMLElement, url: URL, scope: Scope, params: Record<string, string>): Page {
  const uid = params['uid'] ?? '';
  const body = h('div', null, loading());
  root.append(h('p', { class: 'breadcrumb' }, h('a', { href: `${basePath}/` }, 'Overview'), ' › profile'), pageTitle('Profile'), body);

  let current = url;
  let ctx: ProfileContext | null = null;
  let tab = tabOf(url);
  let tabScope: Scope | null = null;
  let tabView: TabView | void = undefined;
  let panel: HTMLElement | null = null;
  let selectTab: ((key: string) => void) | null = null;
  const rangeSlot = h('div');
  const runStatus = h('div', { 'aria-live': 'polite' });

  const mountTab = () => {
    if (!ctx || !panel) return;
    tabScope?.dispose();
    tabScope = scope.child();
    replace(panel);
    const factory = tab === 'alerts' ? alertsTab : tab === 'checks' ? checksTab : driftTab(ctx.stored);
    tabView = factory(panel, ctx, current, tabScope);
  };

  const renderRange = () => {
    if (!ctx) return;
    replace(rangeSlot, rangePicker(ctx.range, (query) => setQuery({ ...query, bucket: null })),
      h('p', { class: 'note' }, `Times are in your time zone (${zoneLabel()}). `,
        h('button', {
          type: 'button', class: 'link-button', 'data-testid': 'refresh',
          onclick: () => {
            if (!ctx) return;
            ctx.range = rangeFromUrl(current);
            mountTab();
          },
        }, 'Refresh')));
  };

  const runButton = (space: string) => {
    const denied = writeDenied(space);
    const button = h('button', {
      type: 'button', 'data-testid': 'run-check', disabled: denied !== null, 'aria-describedby': denied ? 'run-check-reason' : undefined,
      onclick: async () => {
        button.disabled = true;
        replace(runStatus, h('p', { class: 'loading', role: 'status' }, 'Running the drift check…'));
        try {
          const result = await api.runCheck(uid);
          const alerts = Number(result['alert_count'] ?? 0);
          replace(runStatus, h('p', { class: 'message', role: 'status', 'data-testid': 'run-check-result' },
            alerts > 0 ? badge('alert', `${alerts} ALERT${alerts === 1 ? '' : 'S'}`) : badge('ok', 'no alerts'),
            ` Check ${String(result['check_run_id'] ?? '')} ran: ${count(Number(result['alerts_opened'] ?? 0))} alert(s) opened, ${count(Number(result['alerts_resolved'] ?? 0))} resolved.`));
          mountTab();
        } catch (error) {
          replace(runStatus, h('p', { class: 'message message-error', role: 'alert', 'data-testid': 'error-message' }, 'The check failed: ', describeError(error)));
        } finally {
          button.disabled = denied !== null;
        }
      },
    }, 'Run check now');
    return h('div', { class: 'run' }, button,
      denied ? h('span', { id: 'run-check-reason', class: 'muted reason', 'data-testid': 'run-check-disabled-reason' }, ` ${denied}`) : null);
  };

  load(uid, scope.signal).then(({ stored, info }) => {
    const space = stored.config.space;
    // The URL may have changed while loading.
    tab = tabOf(current);
    ctx = { uid, stored, info, space, range: rangeFromUrl(current) };
    const title = `${stored.config.name} ${stored.config.version}`;
    const h1 = root.querySelector('h1');
    if (h1) replace(h1, stored.config.name, h('span', { class: 'version' }, ` ${stored.config.version}`));
    document.title = `${title} · Scouter`;

    const tl = tabList(tabs, tab, (key) => setQuery({ tab: key === 'drift' ? null : key }), 'Profile views');
    panel = tl.panel;
    selectTab = tl.select;
    renderRange();
    replace(body,
      h('div', { class: 'profile-head' },
        facts([
          ['Space', space],
          ['Type', typeName(stored.drift_type)],
          ['State', info ? (info.active ? badge('ok', 'active') : badge('na', 'inactive')) : 'n/a'],
          ['Schedule', info ? h('code', null, info.schedule + (info.time_zone ? ` (${info.time_zone})` : ' (UTC)')) : 'n/a'],
          ['Next run', info?.next_run ? h('time', { datetime: info.next_run }, `${time(info.next_run)} (${relative(info.next_run)})`) : 'not scheduled'],
          ['Uid', h('code', { 'data-testid': 'profile-uid' }, uid)],
        ], { 'data-testid': 'profile-facts' }),
        runButton(space)),
      runStatus,
      rangeSlot,
      tl.list,
      panel);
    mountTab();
  }, (error: unknown) => {
    if (!isAbort(error)) replace(body, errorMessage(error, 'Could not load the profile'));
  });

  return {
    update(next) {
      const before = current;
      current = next;
      if (!ctx) return true;
      const nextTab = tabOf(next);
      if (rangeParams(next) !== rangeParams(before)) {
        ctx.range = rangeFromUrl(next);
        tab = nextTab;
        selectTab?.(tab);
        renderRange();
        mountTab();
      } else if (nextTab !== tab) {
        tab = nextTab;
        selectTab?.(tab);
        mountTab();
      } else if (!tabView?.update?.(next)) {
        mountTab();
      }
      return true;
    },
  };
}
