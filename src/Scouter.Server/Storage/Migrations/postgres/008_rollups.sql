-- Hourly roll-ups of the record tables (see docs/server-data.md "Roll-ups"). Every raw row carries
-- the id of the transaction that wrote it (xid, also for rows written outside the server). The
-- roll-up pass folds the rows of every transaction older than all running ones into the hourly
-- tables and advances rollup_state.watermark in the same transaction; readers take roll-ups for
-- the rows below the watermark and raw rows (xid >= watermark) for the rest, in one snapshot.
-- Existing rows get the migration's xid, so the first pass folds them in.
alter table psi_counts add column xid bigint not null default (pg_current_xact_id()::text::bigint);
alter table spc_samples add column xid bigint not null default (pg_current_xact_id()::text::bigint);
alter table custom_values add column xid bigint not null default (pg_current_xact_id()::text::bigint);
alter table llm_scores add column xid bigint not null default (pg_current_xact_id()::text::bigint);
-- Reads take a profile's rows above the watermark (uid = @uid and xid >= @watermark): a few rows, found
-- through this index whatever the table's statistics say about the profile.
create index psi_counts_xid on psi_counts (uid, xid);
create index spc_samples_xid on spc_samples (uid, xid);
create index custom_values_xid on custom_values (uid, xid);
create index llm_scores_xid on llm_scores (uid, xid);

create table rollup_state (
    name      text   primary key,
    watermark bigint not null
);
insert into rollup_state (name, watermark) values ('records', 0);

-- bucket = hour index: bucket k holds record times in (k hours, k+1 hours] after the epoch.
create table psi_hourly (
    uid     uuid    not null,
    bucket  bigint  not null,
    feature text    not null,
    bin_ids integer[] not null,
    counts  double precision[] not null,
    primary key (uid, bucket, feature)
);

create table spc_hourly (
    uid         uuid             not null,
    bucket      bigint           not null,
    feature     text             not null,
    samples     double precision not null,
    value_count double precision not null,
    sum         double precision not null,
    sum_squares double precision not null,
    min_mean    double precision not null,
    max_mean    double precision not null,
    primary key (uid, bucket, feature)
);

create table custom_hourly (
    uid    uuid             not null,
    bucket bigint           not null,
    metric text             not null,
    sum    double precision not null,
    count  double precision not null,
    primary key (uid, bucket, metric)
);

-- LLM scores by the hour they were judged in (evaluated_at), as the checks count them.
create table llm_score_hourly (
    uid    uuid             not null,
    bucket bigint           not null,
    metric text             not null,
    sum    double precision not null,
    count  double precision not null,
    primary key (uid, bucket, metric)
);
