-- Alerts raised by drift checks, and their notification outbox (notify_* columns).
create table alerts (
    id                integer primary key autoincrement,
    uid               text    not null references profiles (uid) on delete cascade,
    space             text    not null,
    feature_or_metric text    not null,
    kind              text    not null,
    zone              integer,
    severity          text    not null,
    status            text    not null check (status in ('firing', 'acknowledged', 'resolved')),
    created_at        integer not null,
    updated_at        integer not null,
    resolved_at       integer,
    payload_json      text    not null,
    last_notified_at  integer,
    notify_pending    text check (notify_pending in ('fire', 'resolve')),
    notify_attempts   integer not null default 0,
    notify_error      text,
    next_attempt_at   integer,
    acknowledged_by   text,
    acknowledged_at   integer
);
-- At most one open alert per identity: a check updates it instead of inserting a duplicate.
create unique index alerts_open_identity on alerts (uid, feature_or_metric, kind, coalesce(zone, 0))
    where status in ('firing', 'acknowledged');
create index alerts_outbox on alerts (next_attempt_at) where notify_pending is not null;
create index alerts_by_time on alerts (created_at, id);
create index alerts_by_uid on alerts (uid, created_at);
