// Wire shapes of the server's JSON API (snake_case; see src/Scouter.Core/Api/*.cs). Times are
// RFC 3339 strings. Fields marked "newer servers" are read defensively.

export type DriftType = 'psi' | 'spc' | 'custom' | 'llm';
export type SpaceRole = 'read' | 'write' | 'admin';
/** DriftStatus on the wire. */
export type DriftStatus = 'ok' | 'insufficient_data';
export type AlertCondition = 'below' | 'above' | 'outside';
export type SpcAlertKind = 'consecutive' | 'alternating' | 'out_of_bounds' | 'trend';
export type AlertStatus = 'firing' | 'acknowledged' | 'resolved';
export type LlmRecordStatus = 'pending' | 'done' | 'failed';

/** RFC 7807 problem details with the server's stable code. */
export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  field?: string;
  retry_after?: number;
}

export interface SessionAnswer {
  user: string;
  expires_in: number;
}

export interface Me {
  name: string;
  global_role: 'admin' | null;
  spaces: { space: string; role: SpaceRole }[];
}

export interface ProfileInfo {
  uid: string;
  space: string;
  name: string;
  version: string;
  drift_type: DriftType;
  active: boolean;
  schedule: string;
  time_zone: string | null;
  next_run: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProfileList {
  profiles: ProfileInfo[];
}

/** A check run in brief (the overview's latest check). */
export interface CheckSummary {
  id: number;
  ran_at: string;
  trigger: string;
  window_start: string | null;
  window_end: string;
  alert_count: number;
  /** alert or no_alert. */
  status: string;
}

/** Open (firing or acknowledged) alerts: critical + warning = firing + acknowledged = total. */
export interface OpenAlertCounts {
  total: number;
  critical: number;
  warning: number;
  firing: number;
  acknowledged: number;
}

export interface OverviewProfile extends Pick<ProfileInfo, 'uid' | 'space' | 'name' | 'version' | 'drift_type' | 'active' | 'schedule' | 'time_zone' | 'next_run'> {
  /** null before the first check; undefined when the server has no overview route (the list was read instead). */
  last_check?: CheckSummary | null;
  /** undefined when unknown (no overview route). */
  open_alerts?: OpenAlertCounts;
}

export interface Overview {
  spaces: string[];
  profiles: OverviewProfile[];
  truncated: boolean;
  /** Set by the client when the overview came from /profiles (older servers). */
  partial?: boolean;
}

// ---- stored profile JSON (GET /profiles/{uid}) ----

export interface PsiFeatureProfile {
  kind: 'numeric' | 'categorical';
  edges?: number[];
  categories?: string[];
  proportions: number[];
  missing_proportion: number;
  count: number;
  missing_count: number;
}

export interface StoredProfile {
  drift_type: DriftType;
  config: { space: string; name: string; version: string; uid: string; alert_config?: Record<string, unknown> };
  /** PSI: feature → bins; SPC: feature → limits. */
  features?: Record<string, unknown>;
  metrics?: { name: string; baseline: number; condition?: AlertCondition; delta?: number | null }[];
}

// ---- drift series ----

export interface PsiFeatureSeries {
  bucket_psi: (number | null)[];
  bucket_counts: number[];
  psi: number | null;
  n: number;
  threshold: number | null;
  alert: boolean;
  status: DriftStatus;
  observed_proportions: Record<string, number>;
  baseline_proportions: Record<string, number>;
  /** Newer servers: effective threshold per bucket. */
  bucket_thresholds?: (number | null)[];
  /** Newer servers: ok or insufficient_data per bucket. */
  bucket_status?: DriftStatus[];
  /** Newer servers: whether each bucket's PSI alerts on its own. */
  bucket_alerts?: boolean[];
  /** Newer servers, with feature=: per bucket, bin key → proportion (null for an empty bucket). */
  bucket_observed?: (Record<string, number> | null)[];
}

export interface PsiDriftResponse {
  uid: string;
  from: string;
  to: string;
  bucket_starts: string[];
  features: Record<string, PsiFeatureSeries>;
}

export interface SpcLimits {
  center: number;
  sigma: number;
  one_lcl: number;
  one_ucl: number;
  two_lcl: number;
  two_ucl: number;
  three_lcl: number;
  three_ucl: number;
}

export interface SpcAlertView {
  zone: number | null;
  kind: SpcAlertKind;
  start: string;
  end: string;
}

export interface SpcBucketSeries {
  means: (number | null)[];
  mins: (number | null)[];
  maxes: (number | null)[];
  counts: number[];
  values: number[];
}

export interface SpcFeatureSeries {
  times: string[];
  means: number[];
  counts: number[];
  codes: number[];
  limits: SpcLimits;
  alerts: SpcAlertView[];
  buckets?: SpcBucketSeries;
}

export interface SpcDriftResponse {
  uid: string;
  from: string;
  to: string;
  truncated: boolean;
  features: Record<string, SpcFeatureSeries>;
  bucketed?: boolean;
  bucket_starts?: string[];
}

export interface MetricSeries {
  means: (number | null)[];
  counts: number[];
  mean: number | null;
  count: number;
  baseline: number;
  condition: AlertCondition;
  delta: number | null;
  alert: boolean;
}

export interface JudgeState {
  state: 'running' | 'paused' | 'not_configured' | string;
  reason: string | null;
  since: string | null;
  next_probe: string | null;
}

export interface MetricDriftResponse {
  uid: string;
  from: string;
  to: string;
  bucket_starts: string[];
  metrics: Record<string, MetricSeries>;
  record_status?: Record<string, number>;
  judge?: JudgeState;
}

// ---- alerts, checks, LLM records ----

export interface Alert {
  id: number;
  uid: string;
  space: string;
  feature_or_metric: string;
  kind: string;
  zone: number | null;
  severity: string;
  status: AlertStatus;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  payload: unknown;
  last_notified_at: string | null;
  notify_pending: string | null;
  notify_attempts: number;
  notify_error: string | null;
  next_attempt_at: string | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  /** Newer servers: the profile's name, version and drift type. */
  name?: string;
  version?: string;
  drift_type?: DriftType;
}

export interface AlertPage {
  items: Alert[];
  page: number;
  page_size: number;
  total: number;
}

export interface CheckRun {
  id: number;
  uid: string;
  slot: string;
  window_start: string | null;
  window_end: string;
  ran_at: string;
  runner: string;
  trigger: string;
  alert_count: number;
  result: unknown;
}

export interface LlmRecordSummary {
  id: string;
  uid: string;
  created_at: string;
  status: LlmRecordStatus;
  attempts: number;
  error: string | null;
  evaluated_at: string | null;
}

export interface LlmRecordPage {
  items: LlmRecordSummary[];
  page: number;
  page_size: number;
  total: number;
  judge?: JudgeState | null;
}

export interface LlmMetricScore {
  metric: string;
  score: number;
  reason: string | null;
  evaluated_at: string | null;
}

export interface LlmRecordDetail {
  record: LlmRecordSummary;
  payload: unknown;
  scores: LlmMetricScore[];
}
