-- Timestamps are INTEGER microseconds since the Unix epoch (UTC): compact, fast to compare, exact.
create table profiles (
    uid               text primary key,
    space             text    not null,
    name              text    not null,
    version           text    not null,
    drift_type        text    not null,
    profile_json      text    not null,
    active            integer not null default 0,
    schedule          text    not null,
    time_zone         text,
    next_run          integer,
    last_checked_slot integer,
    lease_owner       text,
    lease_until       integer,
    created_at        integer not null,
    updated_at        integer not null,
    unique (space, name, version, drift_type)
);
create index profiles_due on profiles (next_run) where active = 1;

create table check_runs (
    id           integer primary key autoincrement,
    uid          text    not null references profiles (uid) on delete cascade,
    slot         integer not null,
    window_start integer,
    window_end   integer not null,
    ran_at       integer not null,
    runner       text    not null,
    trigger      text    not null,
    alert_count  integer not null,
    result_json  text    not null
);
create unique index check_runs_scheduled_slot on check_runs (uid, slot) where trigger = 'schedule';
create index check_runs_by_time on check_runs (uid, window_end);
