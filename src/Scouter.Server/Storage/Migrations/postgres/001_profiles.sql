-- Profiles and the drift-check schedule state (one row per registered profile version).
create table profiles (
    uid               uuid primary key,
    space             text        not null,
    name              text        not null,
    version           text        not null,
    drift_type        text        not null,
    profile_json      text        not null,
    active            boolean     not null default false,
    schedule          text        not null,
    time_zone         text,
    next_run          timestamptz,
    last_checked_slot timestamptz,
    lease_owner       text,
    lease_until       timestamptz,
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    constraint profiles_identity unique (space, name, version, drift_type)
);
create index profiles_due on profiles (next_run) where active;

-- One row per executed check: the unique (uid, slot) makes "each slot exactly once" a database fact.
create table check_runs (
    id           bigint generated always as identity primary key,
    uid          uuid        not null references profiles (uid) on delete cascade,
    slot         timestamptz not null,
    window_start timestamptz,
    window_end   timestamptz not null,
    ran_at       timestamptz not null,
    runner       text        not null,
    trigger      text        not null,
    alert_count  integer     not null,
    result_json  text        not null
);
create unique index check_runs_scheduled_slot on check_runs (uid, slot) where trigger = 'schedule';
create index check_runs_by_time on check_runs (uid, window_end);
