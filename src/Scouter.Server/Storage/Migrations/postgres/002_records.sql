-- Idempotency keys of stored record batches (pruned by the retention job).
create table ingested_batches (
    batch_id    uuid primary key,
    received_at timestamptz not null,
    records     integer     not null
);
create index ingested_batches_received on ingested_batches (received_at);

-- Record tables are range-partitioned by day on created_at. Daily partitions are created on demand
-- before inserts (see the record store); the default partition catches anything else so an insert
-- never fails for want of a partition. Retention drops whole daily partitions.
-- One row per PSI record: the record's bin ids and counts as parallel arrays. A record with B bins
-- is one row instead of B, which is what makes ingestion at tens of thousands of records/s cheap;
-- readers expand it with unnest (see RecordSql.PsiRows).
create table psi_counts (
    uid        uuid        not null,
    feature    text        not null,
    created_at timestamptz not null,
    bin_ids    integer[]   not null,
    counts     bigint[]    not null
) partition by range (created_at);
create table psi_counts_default partition of psi_counts default;
create index psi_counts_window on psi_counts (uid, created_at);

create table spc_samples (
    uid        uuid             not null,
    feature    text             not null,
    created_at timestamptz      not null,
    mean       double precision not null,
    count      bigint           not null
) partition by range (created_at);
create table spc_samples_default partition of spc_samples default;
create index spc_samples_window on spc_samples (uid, created_at);

create table custom_values (
    uid        uuid             not null,
    metric     text             not null,
    created_at timestamptz      not null,
    sum        double precision not null,
    count      bigint           not null
) partition by range (created_at);
create table custom_values_default partition of custom_values default;
create index custom_values_window on custom_values (uid, created_at);

create table llm_records (
    id           uuid        not null,
    uid          uuid        not null,
    created_at   timestamptz not null,
    payload      text        not null,
    status       text        not null default 'pending',
    attempts     integer     not null default 0,
    error        text,
    evaluated_at timestamptz,
    primary key (id, created_at)
) partition by range (created_at);
create table llm_records_default partition of llm_records default;
create index llm_records_window on llm_records (uid, created_at);
create index llm_records_pending on llm_records (status, created_at) where status = 'pending';

create table llm_scores (
    uid        uuid             not null,
    metric     text             not null,
    record_id  uuid             not null,
    created_at timestamptz      not null,
    score      double precision not null,
    reason     text
) partition by range (created_at);
create table llm_scores_default partition of llm_scores default;
create index llm_scores_window on llm_scores (uid, created_at);
