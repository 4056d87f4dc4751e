// Check history: each drift check run with, per feature or metric, its inputs and decision, and a
// sentence saying why it did or did not fire.

import * as api from '../../api';
import { h, replace } from '../../dom';
import { count, num, time, words } from '../../format';
import { setQuery } from '../../router';
import { pager } from '../../components/pager';
import { dataTable } from '../../components/table';
import { badge, errorMessage, facts, isAbort, jsonView, loading, note, scroller } from '../../components/ui';
import type { AlertCondition, CheckRun } from '../../types';
import type { TabFactory } from './context';
import { conditionText } from './metrics';

const pageSize = 20;

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const n = (v: unknown) => (typeof v === 'number' ? v : null);

function ruleRuns(value: unknown): string {
  if (!Array.isArray(value)) return '';
  return value.filter(isNode).map((r) => {
    const zone = r['zone'] === null || r['zone'] === undefined ? '' : ` zone ${String(r['zone'])}`;
    const runs = n(r['runs']);
    return `${words(String(r['kind']))}${zone}${runs === null ? '' : ` (${count(runs)} run${runs === 1 ? '' : 's'})`}`;
  }).join(', ');
}

/** Why the check did or did not fire for one feature or metric, from its inputs. */
export function explain(node: Node): string {
  const status = String(node['status'] ?? '');
  const fired = node['decision'] === 'alert';
  const verdict = fired ? 'fired' : node['decision'] === 'no_alert' ? 'did not fire' : 'not evaluated';
  if (status === 'no_data') return 'No data in the check window: not evaluated.';
  if (status === 'invalid_data') return `Invalid data (${String(node['error'] ?? 'unknown')}): not evaluated.`;
  if (status === 'insufficient_data') {
    if ('min_sample' in node) return `N ${count(n(node['n']))} is below the minimum sample ${count(n(node['min_sample']))} (10 per bin): not evaluated.`;
    if ('min_count' in node) return `n ${count(n(node['n']))} is below min_count ${count(n(node['min_count']))}: not evaluated.`;
    return 'Insufficient data: not evaluated.';
  }
  if ('psi' in node) {
    return `PSI ${num(n(node['psi']))} ${fired ? '>' : '≤'} threshold ${num(n(node['threshold']))} (N ${count(n(node['n']))}): ${verdict}.`;
  }
  if ('observed' in node && 'baseline' in node) {
    const metric = { baseline: n(node['baseline']) ?? 0, condition: String(node['condition']) as AlertCondition, delta: n(node['delta']) };
    return `Observed ${num(n(node['observed']))} over ${count(n(node['n']))} values; ${conditionText(metric)}: ${verdict}.`;
  }
  if ('decision_alerts' in node) {
    const decided = ruleRuns(node['decision_alerts']);
    const configured = ruleRuns(node['rule_alerts']);
    if (fired) return `Calibrated rules fired: ${decided}.`;
    return configured ? `Configured rules matched (${configured}) but none past the calibrated decision rule: did not fire.` : 'No rule run in the window: did not fire.';
  }
  if ('failure_rate' in node) {
    return `Failure rate ${num(n(node['failure_rate']))} (max ${num(n(node['max_failure_rate']))}), ${count(n(node['stuck_pending']))} stuck pending: ${verdict}.`;
  }
  return `${words(String(node['decision'] ?? 'unknown'))}.`;
}

function decisionBadge(node: Node): HTMLElement {
  const decision = String(node['decision'] ?? 'unknown');
  if (decision === 'alert') return badge('alert', 'ALERT', { 'data-decision': decision });
  if (decision === 'no_alert') return badge('ok', 'OK', { 'data-decision': decision });
  return badge('na', `n/a (${words(String(node['status'] ?? decision))})`, { 'data-decision': decision });
}

const known = new Set(['uid', 'drift_type', 'window_start', 'window_end', 'features', 'metrics', 'alert_count', 'trigger', 'check_run_id', 'alerts_opened', 'alerts_resolved']);

function subjects(result: Node): [string, Node][] {
  const section = result['features'] ?? result['metrics'];
  const list: [string, Node][] = isNode(section) ? Object.entries(section).filter((e): e is [string, Node] => isNode(e[1])) : [];
  // Extra top-level parts (the LLM evaluation health) are judged like a subject.
  for (const [key, value] of Object.entries(result)) if (!known.has(key) && isNode(value)) list.push([key, value]);
  return list;
}

function runView(run: CheckRun, open: boolean): HTMLElement {
  const result = isNode(run.result) ? run.result : {};
  const rows = subjects(result);
  return h('details', { class: 'check-run', 'data-testid': 'check-run', 'data-id': String(run.id), 'data-alert-count': String(run.alert_count), open },
    h('summary', null,
      h('time', { datetime: run.ran_at }, time(run.ran_at, true)), ' · ', run.trigger, ' · ',
      run.alert_count > 0 ? badge('alert', `${run.alert_count} ALERT${run.alert_count === 1 ? '' : 'S'}`) : badge('ok', 'no alerts')),
    facts([
      ['Window', h('span', null, run.window_start ? time(run.window_start, true) : 'unbounded', ' – ', time(run.window_end, true))],
      ['Slot', time(run.slot, true)],
      ['Runner', run.runner],
      ['Check id', String(run.id)],
    ]),
    rows.length === 0 ? note('This check stored no per-feature results.') : scroller('Check inputs and decisions', dataTable({
      columns: [
        { key: 'name', label: 'Feature / metric', rowHeader: true, value: (r: [string, Node]) => r[0], cell: (r) => r[0] },
        { key: 'decision', label: 'Decision', value: (r) => String(r[1]['decision'] ?? ''), cell: (r) => decisionBadge(r[1]) },
        { key: 'why', label: 'Why', cell: (r) => explain(r[1]) },
        { key: 'inputs', label: 'Inputs', cell: (r) => h('details', null, h('summary', null, 'All inputs'), jsonView(r[1])) },
      ],
      rows,
      testid: 'check-subjects',
      rowAttrs: (r) => ({ 'data-testid': 'check-subject', 'data-subject': r[0], 'data-decision': String(r[1]['decision'] ?? '') }),
    })));
}

export const checksTab: TabFactory = (root, ctx, url, scope) => {
  const page = Number(url.searchParams.get('cpage') ?? '1') || 1;
  replace(root, loading());
  api.checks(ctx.uid, { from: ctx.range.from, to: ctx.range.to, page, page_size: pageSize }, scope.signal).then((runs) => {
    replace(root,
      note('Each check reads the records of its window and decides per feature or metric; open a run to see why it did or did not fire.'),
      runs.length === 0 ? h('p', { class: 'empty', 'data-testid': 'checks-empty' }, 'No checks ran in this time range.') : h('div', { class: 'check-runs' }, runs.map((r, i) => runView(r, i === 0 && page === 1))),
      pager({ page, pageSize, shown: runs.length, total: null, testid: 'checks-pager', onPage: (p) => setQuery({ cpage: String(p) }) }));
  }, (error: unknown) => {
    if (!isAbort(error)) replace(root, errorMessage(error, 'Could not load the check history'));
  });
  return { update: (next) => next.searchParams.get('cpage') === url.searchParams.get('cpage') };
};
