-- Hourly roll-ups of the record tables (see docs/server-data.md "Roll-ups"). The record tables are
-- rebuilt with an AUTOINCREMENT key (seq): it only grows, also after deletes, and SQLite has one
-- writer at a time, so "seq <= watermark" is exactly the rows already folded into the hourly
-- tables. The roll-up pass advances each table's watermark in the same transaction as the roll-up
-- update; readers take roll-ups below the watermarks and raw rows above them, in one snapshot.
create table psi_counts_new (
    seq        integer primary key autoincrement,
    uid        text    not null,
    feature    text    not null,
    bin_id     integer not null,
    created_at integer not null,
    count      integer not null
);
insert into psi_counts_new (uid, feature, bin_id, created_at, count) select uid, feature, bin_id, created_at, count from psi_counts order by rowid;
drop table psi_counts;
alter table psi_counts_new rename to psi_counts;
create index psi_counts_window on psi_counts (uid, created_at);

create table spc_samples_new (
    seq        integer primary key autoincrement,
    uid        text    not null,
    feature    text    not null,
    created_at integer not null,
    mean       real    not null,
    count      integer not null
);
insert into spc_samples_new (uid, feature, created_at, mean, count) select uid, feature, created_at, mean, count from spc_samples order by rowid;
drop table spc_samples;
alter table spc_samples_new rename to spc_samples;
create index spc_samples_window on spc_samples (uid, created_at);

create table custom_values_new (
    seq        integer primary key autoincrement,
    uid        text    not null,
    metric     text    not null,
    created_at integer not null,
    sum        real    not null,
    count      integer not null
);
insert into custom_values_new (uid, metric, created_at, sum, count) select uid, metric, created_at, sum, count from custom_values order by rowid;
drop table custom_values;
alter table custom_values_new rename to custom_values;
create index custom_values_window on custom_values (uid, created_at);

create table llm_scores_new (
    seq          integer primary key autoincrement,
    uid          text    not null,
    metric       text    not null,
    record_id    text    not null,
    created_at   integer not null,
    score        real    not null,
    reason       text,
    evaluated_at integer
);
insert into llm_scores_new (uid, metric, record_id, created_at, score, reason, evaluated_at)
    select uid, metric, record_id, created_at, score, reason, evaluated_at from llm_scores order by rowid;
drop table llm_scores;
alter table llm_scores_new rename to llm_scores;
create index llm_scores_window on llm_scores (uid, created_at);
create unique index llm_scores_once on llm_scores (record_id, metric);
create index llm_scores_evaluated on llm_scores (uid, evaluated_at);

create table rollup_state (
    name      text    primary key,
    watermark integer not null
);
insert into rollup_state (name, watermark) values ('psi_counts', 0), ('spc_samples', 0), ('custom_values', 0), ('llm_scores', 0);

-- bucket = hour index: bucket k holds record times in (k hours, k+1 hours] after the epoch.
-- Sums are nullable: SQLite stores a NaN sum (e.g. +inf + -inf) as null, read back as NaN.
create table psi_hourly (
    uid     text    not null,
    bucket  integer not null,
    feature text    not null,
    bin_id  integer not null,
    count   real    not null,
    primary key (uid, bucket, feature, bin_id)
);

create table spc_hourly (
    uid         text    not null,
    bucket      integer not null,
    feature     text    not null,
    samples     real    not null,
    value_count real    not null,
    sum         real,
    sum_squares real,
    min_mean    real    not null,
    max_mean    real    not null,
    primary key (uid, bucket, feature)
);

create table custom_hourly (
    uid    text    not null,
    bucket integer not null,
    metric text    not null,
    sum    real,
    count  real    not null,
    primary key (uid, bucket, metric)
);

create table llm_score_hourly (
    uid    text    not null,
    bucket integer not null,
    metric text    not null,
    sum    real,
    count  real    not null,
    primary key (uid, bucket, metric)
);
