import * as api from '../api';
import { h, uniqueId } from '../dom';
import { localInput } from '../format';
import { setQuery, type Page, type Scope } from '../router';
import { user } from '../session';
import { alertList } from '../components/alertList';
import { field, pageTitle } from '../components/ui';
import type { ProfileInfo } from '../types';

const statuses: [string, string][] = [
  ['open', 'Open (firing or acknowledged)'], ['firing', 'Firing'], ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved'], ['all', 'All'],
];
const severities: [string, string][] = [['', 'All'], ['critical', 'Critical'], ['warning', 'Warning']];
const kinds: [string, string][] = [
  ['', 'All'], ['psi', 'PSI'], ['consecutive', 'SPC consecutive'], ['alternating', 'SPC alternating'], ['out_of_bounds', 'SPC out of bounds'],
  ['trend', 'SPC trend'], ['custom', 'Custom metric'], ['llm', 'LLM metric'], ['evaluation_failures', 'LLM evaluation failures'],
];

interface Filters {
  space: string;
  uid: string;
  status: string;
  severity: string;
  kind: string;
  from: string;
  to: string;
  page: number;
}

function filtersFromUrl(url: URL): Filters {
  const p = url.searchParams;
  const status = p.get('status') ?? 'open';
  return {
    space: p.get('space') ?? '',
    uid: p.get('uid') ?? '',
    status: statuses.some(([v]) => v === status) ? status : 'open',
    severity: p.get('severity') ?? '',
    kind: p.get('kind') ?? '',
    from: p.get('from') ?? '',
    to: p.get('to') ?? '',
    page: Math.max(1, Number(p.get('page') ?? '1') || 1),
  };
}

function toFilter(f: Filters): api.AlertFilter {
  const iso = (v: string) => (v && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : undefined);
  return {
    space: f.space || undefined,
    uid: f.uid || undefined,
    status: f.status === 'open' || f.status === 'all' ? undefined : f.status,
    open: f.status === 'open' ? true : undefined,
    severity: f.severity || undefined,
    kind: f.kind || undefined,
    from: iso(f.from),
    to: iso(f.to),
  };
}

export function alertsPage(root: HTMLElement, url: URL, scope: Scope): Page {
  let filters = filtersFromUrl(url);
  let listScope: Scope | null = null;
  let profiles: ProfileInfo[] = [];
  const results = h('div', { 'aria-live': 'polite' });

  const ids = {
    space: uniqueId('a-space'), uid: uniqueId('a-uid'), status: uniqueId('a-status'), severity: uniqueId('a-sev'), kind: uniqueId('a-kind'),
    from: uniqueId('a-from'), to: uniqueId('a-to'),
  };
  const change = (key: string, value: string) => setQuery({ [key]: value, page: null }, { replace: true });
  const option = (value: string, label: string) => h('option', { value }, label);

  const space = h('select', { id: ids.space, 'data-testid': 'alerts-filter-space', onchange: () => change('space', space.value) }, option('', 'All readable spaces'));
  const profile = h('select', { id: ids.uid, 'data-testid': 'alerts-filter-profile', onchange: () => change('uid', profile.value) }, option('', 'All profiles'));
  const status = h('select', { id: ids.status, 'data-testid': 'alerts-filter-status', onchange: () => change('status', status.value === 'open' ? '' : status.value) },
    statuses.map(([v, l]) => option(v, l)));
  const severity = h('select', { id: ids.severity, 'data-testid': 'alerts-filter-severity', onchange: () => change('severity', severity.value) },
    severities.map(([v, l]) => option(v, l)));
  const kind = h('select', { id: ids.kind, 'data-testid': 'alerts-filter-kind', onchange: () => change('kind', kind.value) },
    kinds.map(([v, l]) => option(v, l)));
  const from = h('input', { id: ids.from, type: 'datetime-local', 'data-testid': 'alerts-filter-from', onchange: () => change('from', from.value ? new Date(from.value).toISOString() : '') });
  const to = h('input', { id: ids.to, type: 'datetime-local', 'data-testid': 'alerts-filter-to', onchange: () => change('to', to.value ? new Date(to.value).toISOString() : '') });

  const fillProfiles = () => {
    const keep = filters.uid;
    profile.replaceChildren(option('', 'All profiles'),
      ...profiles.filter((p) => !filters.space || p.space === filters.space)
        .sort((a, b) => `${a.space}/${a.name}/${a.version}`.localeCompare(`${b.space}/${b.name}/${b.version}`, undefined, { numeric: true }))
        .map((p) => option(p.uid, `${p.space} / ${p.name} ${p.version} (${p.drift_type})`)));
    if (keep && !profiles.some((p) => p.uid === keep)) profile.append(option(keep, keep));
  };

  const sync = () => {
    space.value = filters.space;
    fillProfiles();
    profile.value = filters.uid;
    status.value = filters.status;
    severity.value = filters.severity;
    kind.value = filters.kind;
    from.value = localInput(filters.from);
    to.value = localInput(filters.to);
  };

  const load = () => {
    listScope?.dispose();
    listScope = scope.child();
    alertList(results, listScope, {
      filter: toFilter(filters),
      showProfile: true,
      profileNames: new Map(profiles.map((p) => [p.uid, `${p.name} ${p.version} (${p.drift_type})`])),
      page: filters.page,
      onPage: (p) => setQuery({ page: String(p) }),
    });
  };

  root.append(
    pageTitle('Alerts'),
    h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter alerts', onsubmit: (e) => e.preventDefault() },
      field(ids.space, 'Space', space), field(ids.uid, 'Profile', profile), field(ids.status, 'Status', status),
      field(ids.severity, 'Severity', severity), field(ids.kind, 'Kind', kind), field(ids.from, 'Fired after', from), field(ids.to, 'Fired before', to)),
    results);

  const me = user();
  const spaces = new Set((me?.spaces ?? []).map((s) => s.space).filter((s) => s !== '*'));
  api.profiles({}, scope.signal).then((list) => {
    profiles = list;
    for (const p of list) spaces.add(p.space);
    space.append(...[...spaces].sort().map((s) => option(s, s)));
    sync();
    load();
  }, () => {
    // Names are a nicety: without them the list still loads, by uid.
    space.append(...[...spaces].sort().map((s) => option(s, s)));
    sync();
    load();
  });

  return {
    update(next) {
      filters = filtersFromUrl(next);
      sync();
      load();
      return true;
    },
  };
}
