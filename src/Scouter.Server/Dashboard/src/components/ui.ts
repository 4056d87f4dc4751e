// Small shared pieces: status badges (text and a symbol, never colour alone), messages, numbers
// with their raw value, and key/value lists.

import { ApiError } from '../api';
import { h, type Child } from '../dom';
import { num } from '../format';

export type Tone = 'ok' | 'alert' | 'warning' | 'na' | 'info';

const symbols: Record<Tone, string> = { ok: '✓', alert: '▲', warning: '◆', na: '–', info: '●' };

/** A status badge: symbol + text, coloured by tone. */
export function badge(tone: Tone, text: string, attrs: Record<string, string> = {}): HTMLElement {
  return h('span', { class: `badge badge-${tone}`, ...attrs }, h('span', { 'aria-hidden': 'true' }, symbols[tone]), ' ', text);
}

/** The badge of a drift finding: ALERT, OK or n/a (insufficient data). */
export function driftBadge(alert: boolean, status: string | null | undefined): HTMLElement {
  if (alert) return badge('alert', 'ALERT', { 'data-status': 'alert' });
  if (status && status !== 'ok') return badge('na', `n/a (${status.replaceAll('_', ' ')})`, { 'data-status': status });
  return badge('ok', 'OK', { 'data-status': 'ok' });
}

export function severityBadge(severity: string): HTMLElement {
  const tone: Tone = severity === 'critical' ? 'alert' : severity === 'warning' ? 'warning' : 'info';
  return badge(tone, severity.toUpperCase(), { 'data-severity': severity });
}

/** A number shown to 4 significant digits, with the API's raw value in data-value. */
export function numText(value: number | null | undefined, format: (v: number | null | undefined) => string = num): HTMLElement {
  return h('span', { class: 'num', 'data-value': value === null || value === undefined ? '' : String(value) }, format(value));
}

export function loading(text = 'Loading…'): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, text);
}

/** What went wrong, in the server's words. */
export function errorMessage(error: unknown, what = 'Could not load data'): HTMLElement {
  return h('div', { class: 'message message-error', role: 'alert', 'data-testid': 'error-message' },
    h('strong', null, `${what}: `), describeError(error));
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const code = error.code ? ` (${error.code})` : '';
    return `${error.message}${code}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** True for the abort of a page that went away: nothing to show. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export function note(...children: Child[]): HTMLElement {
  return h('p', { class: 'note' }, ...children);
}

/** Definition list of label → value pairs. */
export function facts(pairs: [string, Child][], attrs: Record<string, string> = {}): HTMLElement {
  return h('dl', { class: 'facts', ...attrs }, pairs.map(([label, value]) => h('div', null, h('dt', null, label), h('dd', null, value))));
}

/** A labelled form control (label above it). */
export function field(id: string, label: string, control: HTMLElement, className = 'field'): HTMLElement {
  return h('div', { class: className }, h('label', { for: id }, label), control);
}

/** A horizontally scrollable region for wide tables (focusable so keyboards can scroll it). */
export function scroller(label: string, content: HTMLElement): HTMLElement {
  return h('div', { class: 'scroller', role: 'region', 'aria-label': label, tabindex: 0 }, content);
}

/** Renders any JSON value as nested text (payloads, check inputs). */
export function jsonView(value: unknown): HTMLElement {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, 'null');
  if (typeof value === 'number') return numText(value);
  if (typeof value !== 'object') return h('span', null, String(value));
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) {
      return h('span', null, value.map((v, i) => [i > 0 ? ', ' : '', typeof v === 'number' ? numText(v) : String(v)]));
    }
    return h('ol', { class: 'json' }, value.map((v) => h('li', null, jsonView(v))));
  }
  return h('dl', { class: 'json' }, Object.entries(value as Record<string, unknown>).map(([k, v]) =>
    h('div', null, h('dt', null, k), h('dd', null, jsonView(v)))));
}

/** The page's h1 (focus target after navigation) and the document title. */
export function pageTitle(text: string, ...extra: Child[]): HTMLElement {
  document.title = `${text} · Scouter`;
  return h('h1', { tabindex: -1 }, text, ...extra);
}
