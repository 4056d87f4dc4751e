// The only module that talks to the server. The browser session lives in HttpOnly cookies that
// the server sets; nothing here stores a token. Every unsafe request carries the CSRF header the
// server requires of cookie-authenticated calls, and a 401 is retried once after a refresh.

import type {
  Alert, AlertPage, CheckRun, DriftType, LlmRecordDetail, LlmRecordPage, Me, MetricDriftResponse, Overview, Problem,
  ProfileInfo, ProfileList, PsiDriftResponse, SessionAnswer, SpcDriftResponse, StoredProfile,
} from './types';

const base = '/api/v1';
const csrfHeader = 'X-Scouter-Csrf';

/** A failed API call, carrying the server's problem details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    /** Seconds to wait (Retry-After header or retry_after in the body), when the server said. */
    readonly retryAfter: number | null,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }

  get code(): string | undefined {
    return this.problem.code;
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

interface RequestOptions {
  query?: Query | undefined;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** false: a 401 is the answer (login, refresh), not a reason to refresh. */
  session?: boolean;
}

let onSignedOut: () => void = () => {};

/** What to do when the session is gone for good (the app goes to the login page). */
export function setSignedOutHandler(handler: () => void): void {
  onSignedOut = handler;
}

function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue;
      params.set(key, String(value));
    }
  }
  const text = params.toString();
  return base + path + (text ? `?${text}` : '');
}

function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers[csrfHeader] = '1';
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  return fetch(url(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    ...(body === undefined ? {} : { body }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

let refreshing: Promise<boolean> | null = null;

/** Rotates the session cookies; concurrent 401s share one refresh. */
function refreshSession(): Promise<boolean> {
  refreshing ??= send('POST', '/auth/session/refresh', { session: false })
    .then((r) => r.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

async function problemOf(response: Response): Promise<ApiError> {
  let problem: Problem = { status: response.status, title: response.statusText || `HTTP ${response.status}` };
  const type = response.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      const parsed: unknown = await response.json();
      if (parsed && typeof parsed === 'object') problem = { ...problem, ...(parsed as Problem) };
    } catch {
      // Not JSON after all: keep the status line.
    }
  }
  const header = Number(response.headers.get('Retry-After'));
  const retryAfter = typeof problem.retry_after === 'number' ? problem.retry_after : Number.isFinite(header) && header > 0 ? header : null;
  return new ApiError(response.status, problem, retryAfter);
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(method, path, options);
  if (response.status === 401 && options.session !== false) {
    if (await refreshSession()) response = await send(method, path, options);
    if (response.status === 401) {
      onSignedOut();
      throw await problemOf(response);
    }
  }
  if (!response.ok) throw await problemOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

// ---- session ----

export function login(username: string, password: string): Promise<SessionAnswer> {
  return request('POST', '/auth/session', { body: { username, password }, session: false });
}

export function logout(): Promise<void> {
  return request('DELETE', '/auth/session', { session: false });
}

export function me(signal?: AbortSignal): Promise<Me> {
  return request('GET', '/me', { signal });
}

// ---- profiles ----

/** The overview; from the profile list (without checks and alerts) where the server has no overview route. */
export async function overview(signal?: AbortSignal): Promise<Overview> {
  try {
    return await request<Overview>('GET', '/overview', { signal });
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 405)) throw error;
  }
  const list = await profiles({}, signal);
  const spaces = [...new Set(list.map((p) => p.space))].sort();
  return { spaces, profiles: list, truncated: false, partial: true };
}

export async function profiles(
  filter: { space?: string; name?: string; version?: string; drift_type?: DriftType },
  signal?: AbortSignal,
): Promise<ProfileInfo[]> {
  const answer = await request<ProfileList>('GET', '/profiles/', { query: filter, signal });
  return answer.profiles;
}

export function storedProfile(uid: string, signal?: AbortSignal): Promise<StoredProfile> {
  return request('GET', `/profiles/${encodeURIComponent(uid)}`, { signal });
}

/** Runs the profile's drift check now; answers the check's result object. */
export function runCheck(uid: string): Promise<Record<string, unknown>> {
  return request('POST', `/profiles/${encodeURIComponent(uid)}/run`);
}

export function checks(uid: string, query: { from?: string; to?: string; page?: number; page_size?: number }, signal?: AbortSignal): Promise<CheckRun[]> {
  return request('GET', `/profiles/${encodeURIComponent(uid)}/checks`, { query, signal });
}

// ---- drift ----

export interface DriftWindow {
  from: string;
  to: string;
  buckets: number;
}

function driftQuery(uid: string, window: DriftWindow, feature?: string): Query {
  return { uid, from: window.from, to: window.to, buckets: window.buckets, align: true, feature };
}

export function psiDrift(uid: string, window: DriftWindow, feature?: string, signal?: AbortSignal): Promise<PsiDriftResponse> {
  return request('GET', '/drift/psi', { query: driftQuery(uid, window, feature), signal });
}

export function spcDrift(uid: string, window: DriftWindow, signal?: AbortSignal): Promise<SpcDriftResponse> {
  return request('GET', '/drift/spc', { query: driftQuery(uid, window), signal });
}

export function metricDrift(type: 'custom' | 'llm', uid: string, window: DriftWindow, signal?: AbortSignal): Promise<MetricDriftResponse> {
  return request('GET', `/drift/${type}`, { query: driftQuery(uid, window), signal });
}

// ---- alerts ----

export interface AlertFilter {
  space?: string | undefined;
  uid?: string | undefined;
  status?: string | undefined;
  open?: boolean | undefined;
  severity?: string | undefined;
  kind?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page?: number | undefined;
  page_size?: number | undefined;
}

export function alerts(filter: AlertFilter, signal?: AbortSignal): Promise<AlertPage> {
  return request('GET', '/alerts', { query: { ...filter }, signal });
}

export function acknowledge(id: number): Promise<Alert> {
  return request('POST', `/alerts/${id}/acknowledge`);
}

// ---- LLM records ----

export function llmRecords(uid: string, query: { status?: string; from?: string; to?: string; page?: number; page_size?: number }, signal?: AbortSignal): Promise<LlmRecordPage> {
  return request('GET', '/llm/records', { query: { uid, ...query }, signal });
}

export function llmRecord(id: string, signal?: AbortSignal): Promise<LlmRecordDetail> {
  return request('GET', `/llm/records/${encodeURIComponent(id)}`, { signal });
}
