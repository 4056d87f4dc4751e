create table ingested_batches (
    batch_id    text primary key,
    received_at integer not null,
    records     integer not null
);
create index ingested_batches_received on ingested_batches (received_at);

create table psi_counts (
    uid        text    not null,
    feature    text    not null,
    bin_id     integer not null,
    created_at integer not null,
    count      integer not null
);
create index psi_counts_window on psi_counts (uid, created_at);

create table spc_samples (
    uid        text    not null,
    feature    text    not null,
    created_at integer not null,
    mean       real    not null,
    count      integer not null
);
create index spc_samples_window on spc_samples (uid, created_at);

create table custom_values (
    uid        text    not null,
    metric     text    not null,
    created_at integer not null,
    sum        real    not null,
    count      integer not null
);
create index custom_values_window on custom_values (uid, created_at);

create table llm_records (
    id           text primary key,
    uid          text    not null,
    created_at   integer not null,
    payload      text    not null,
    status       text    not null default 'pending',
    attempts     integer not null default 0,
    error        text,
    evaluated_at integer
);
create index llm_records_window on llm_records (uid, created_at);
create index llm_records_pending on llm_records (status, created_at) where status = 'pending';

create table llm_scores (
    uid        text    not null,
    metric     text    not null,
    record_id  text    not null,
    created_at integer not null,
    score      real    not null,
    reason     text
);
create index llm_scores_window on llm_scores (uid, created_at);
