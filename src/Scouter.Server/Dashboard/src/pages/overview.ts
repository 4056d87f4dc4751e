import * as api from '../api';
import { h, replace, uniqueId } from '../dom';
import { count, relative, time } from '../format';
import { href, setQuery, type Page, type Scope } from '../router';
import { dataTable, type Column, type SortState } from '../components/table';
import { badge, errorMessage, field, isAbort, loading, note, pageTitle, scroller, severityBadge } from '../components/ui';
import type { Overview, OverviewProfile } from '../types';

const typeNames: Record<string, string> = { psi: 'PSI', spc: 'SPC', custom: 'Custom', llm: 'LLM' };

export function typeName(type: string): string {
  return typeNames[type] ?? type;
}

/** Sort weight of open alerts: criticals first, then the rest. */
function alertWeight(p: OverviewProfile): number | null {
  if (!p.open_alerts) return null;
  return p.open_alerts.critical * 1e6 + p.open_alerts.total;
}

function openAlertsCell(p: OverviewProfile) {
  const open = p.open_alerts;
  if (!open) return h('span', { class: 'muted' }, 'n/a');
  if (open.total === 0) return badge('ok', 'none', { 'data-open-alerts': '0' });
  const severity = (name: 'critical' | 'warning') => (open[name] > 0
    ? h('span', { 'data-severity-count': name, 'data-value': String(open[name]) }, severityBadge(name), ` ${count(open[name])}`)
    : null);
  return h('span', { class: 'badges', 'data-open-alerts': String(open.total) },
    severity('critical'), severity('warning'),
    open.acknowledged > 0 ? h('span', { class: 'muted', 'data-acknowledged': String(open.acknowledged) }, `${count(open.acknowledged)} acknowledged`) : null);
}

function lastCheckCell(p: OverviewProfile) {
  const check = p.last_check;
  if (check === undefined) return h('span', { class: 'muted' }, 'n/a');
  if (check === null) return h('span', { class: 'muted' }, 'never');
  return h('span', { 'data-check-id': String(check.id), 'data-alert-count': String(check.alert_count) },
    h('time', { datetime: check.ran_at }, time(check.ran_at)), ' ',
    check.alert_count > 0 ? badge('alert', `${count(check.alert_count)} ALERT${check.alert_count === 1 ? '' : 'S'}`) : badge('ok', 'no alerts'),
    h('span', { class: 'muted' }, ` (${check.trigger})`));
}

const columns: Column<OverviewProfile>[] = [
  {
    key: 'name', label: 'Profile', sortable: true, rowHeader: true, value: (p) => p.name,
    cell: (p) => h('a', { href: href(`/profiles/${encodeURIComponent(p.uid)}`), 'data-testid': 'profile-link' }, p.name),
  },
  { key: 'version', label: 'Version', sortable: true, value: (p) => p.version, cell: (p) => p.version },
  { key: 'type', label: 'Type', sortable: true, value: (p) => p.drift_type, cell: (p) => typeName(p.drift_type) },
  {
    key: 'active', label: 'Active', sortable: true, value: (p) => p.active,
    cell: (p) => (p.active ? badge('ok', 'active') : badge('na', 'inactive')),
  },
  {
    key: 'next_run', label: 'Schedule / next run', sortable: true, value: (p) => (p.next_run ? Date.parse(p.next_run) : null),
    cell: (p) => h('span', null, h('code', null, p.schedule), p.time_zone ? h('span', { class: 'muted' }, ` ${p.time_zone}`) : null, h('br'),
      p.next_run ? h('time', { datetime: p.next_run, title: time(p.next_run) }, relative(p.next_run)) : h('span', { class: 'muted' }, 'not scheduled')),
  },
  {
    key: 'last_check', label: 'Last check', sortable: true, value: (p) => (p.last_check ? Date.parse(p.last_check.ran_at) : null),
    cell: lastCheckCell,
  },
  { key: 'alerts', label: 'Open alerts', sortable: true, numeric: false, value: alertWeight, cell: openAlertsCell },
];

interface Filters {
  space: string;
  type: string;
  q: string;
  alerting: boolean;
  sort: SortState | null;
}

function filtersFromUrl(url: URL): Filters {
  const p = url.searchParams;
  const key = p.get('sort');
  return {
    space: p.get('space') ?? '',
    type: p.get('type') ?? '',
    q: p.get('q') ?? '',
    alerting: p.get('alerting') === '1',
    sort: key && columns.some((c) => c.key === key) ? { key, dir: p.get('dir') === 'desc' ? 'desc' : 'asc' } : { key: 'name', dir: 'asc' },
  };
}

function matches(p: OverviewProfile, f: Filters): boolean {
  if (f.space && p.space !== f.space) return false;
  if (f.type && p.drift_type !== f.type) return false;
  if (f.alerting && !((p.open_alerts?.total ?? 0) > 0 || (p.last_check?.alert_count ?? 0) > 0)) return false;
  const q = f.q.trim().toLowerCase();
  if (q && ![p.name, p.space, p.version, p.uid].some((s) => s.toLowerCase().includes(q))) return false;
  return true;
}

function emptyState(): HTMLElement {
  return h('div', { class: 'empty-state', 'data-testid': 'overview-empty' },
    h('h2', null, 'No profiles yet'),
    h('p', null, 'A profile appears here once it is registered with the server. To get data:'),
    h('ul', null,
      h('li', null, 'Run the demo: ', h('code', null, 'scouter demo --keep-running'), ' (or ', h('code', null, 'scripts/demo.sh --keep-running'),
        ') registers PSI, SPC, custom and LLM profiles, streams inferences and runs drift checks.'),
      h('li', null, 'Or build a profile with ', h('code', null, 'scouter profile create …'), ' and register it with ',
        h('code', null, 'ScouterClient.RegisterProfileAsync'), ' (', h('code', null, 'POST /api/v1/profiles'), ').')));
}

export function overviewPage(root: HTMLElement, url: URL, scope: Scope): Page {
  let filters = filtersFromUrl(url);
  let data: Overview | null = null;
  const results = h('div', { class: 'results', 'aria-live': 'polite' }, loading());

  const spaceId = uniqueId('f-space');
  const typeId = uniqueId('f-type');
  const qId = uniqueId('f-q');
  const alertingId = uniqueId('f-alerting');
  const spaceSelect = h('select', { id: spaceId, 'data-testid': 'filter-space', onchange: () => setQuery({ space: spaceSelect.value }, { replace: true }) },
    h('option', { value: '' }, 'All spaces'));
  const typeSelect = h('select', { id: typeId, 'data-testid': 'filter-type', onchange: () => setQuery({ type: typeSelect.value }, { replace: true }) },
    h('option', { value: '' }, 'All types'), ...Object.entries(typeNames).map(([v, label]) => h('option', { value: v }, label)));
  const search = h('input', {
    id: qId, type: 'search', placeholder: 'name, space, version or uid', 'data-testid': 'filter-text',
    oninput: () => setQuery({ q: search.value }, { replace: true }),
  });
  const alerting = h('input', {
    id: alertingId, type: 'checkbox', 'data-testid': 'filter-alerting',
    onchange: () => setQuery({ alerting: alerting.checked ? '1' : null }, { replace: true }),
  });

  const syncControls = () => {
    spaceSelect.value = filters.space;
    typeSelect.value = filters.type;
    if (search.value !== filters.q) search.value = filters.q;
    alerting.checked = filters.alerting;
  };

  // A sort re-renders the tables: the pressed header button gets the focus back.
  let refocus: { space: string; key: string } | null = null;

  const renderResults = () => {
    if (!data) return;
    if (data.profiles.length === 0) {
      replace(results, emptyState());
      return;
    }
    const shown = data.profiles.filter((p) => matches(p, filters));
    const bySpace = new Map<string, OverviewProfile[]>();
    for (const p of shown) bySpace.set(p.space, [...(bySpace.get(p.space) ?? []), p]);
    replace(results,
      data.partial ? note('This server has no overview route yet: last checks and open alerts are not shown.') : null,
      data.truncated ? note('The server returned only part of the profiles; narrow the list with the space filter.') : null,
      h('p', { class: 'muted', 'data-testid': 'overview-count', 'data-value': String(shown.length) },
        `${shown.length} of ${data.profiles.length} profile${data.profiles.length === 1 ? '' : 's'}`),
      shown.length === 0 ? h('p', { class: 'empty' }, 'No profile matches these filters.') : null,
      [...bySpace.keys()].sort().map((space) => {
        const headingId = uniqueId('space');
        return h('section', { class: 'space-group', 'data-testid': 'space-group', 'data-space': space, 'aria-labelledby': headingId },
          h('h2', { id: headingId }, 'Space ', h('span', { class: 'space-name' }, space)),
          scroller(`Profiles of space ${space}`, dataTable({
            columns, rows: bySpace.get(space) ?? [], sort: filters.sort, testid: 'profiles-table',
            onSort: (sort) => {
              refocus = { space, key: sort.key };
              setQuery({ sort: sort.key, dir: sort.dir }, { replace: true });
            },
            rowAttrs: (p) => ({ 'data-testid': 'profile-row', 'data-uid': p.uid, 'data-type': p.drift_type }),
          })));
      }));
    if (refocus) {
      const { space, key } = refocus;
      refocus = null;
      results.querySelector<HTMLElement>(`[data-space="${CSS.escape(space)}"] button[data-sort-key="${key}"]`)?.focus();
    }
  };

  root.append(
    pageTitle('Overview'),
    h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter profiles', onsubmit: (e) => e.preventDefault() },
      field(spaceId, 'Space', spaceSelect),
      field(typeId, 'Type', typeSelect),
      field(qId, 'Search', search, 'field grow'),
      h('div', { class: 'field check' }, alerting, h('label', { for: alertingId }, 'Only alerting'))),
    results);
  syncControls();

  api.overview(scope.signal).then((answer) => {
    data = answer;
    const spaces = [...new Set([...answer.spaces, ...answer.profiles.map((p) => p.space)])].sort();
    spaceSelect.append(...spaces.map((s) => h('option', { value: s }, s)));
    syncControls();
    renderResults();
  }, (error: unknown) => {
    if (!isAbort(error)) replace(results, errorMessage(error, 'Could not load the profiles'));
  });

  return {
    update(next) {
      filters = filtersFromUrl(next);
      syncControls();
      renderResults();
      return true;
    },
  };
}
