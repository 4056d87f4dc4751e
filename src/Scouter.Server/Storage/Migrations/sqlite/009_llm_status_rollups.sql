-- LLM evaluation status counts per hour, on two time axes: 'created' (record time, every status) and
-- 'evaluated' (when evaluation finished, done/failed). A record's status changes after it is stored
-- (pending -> done/failed, failed -> pending on retry), so unlike the append-only record tables these
-- roll-ups are kept by triggers in the same transaction as every insert and status change: always
-- equal to the rows' current state, for any writer. Deletes (retention) do not subtract: the hours
-- stay answerable after their raw rows are gone. Hour = (micros - 1) / 1 h (record times are after 1970).
create table llm_status_hourly (
    uid    text    not null,
    axis   text    not null,
    bucket integer not null,
    status text    not null,
    count  integer not null,
    primary key (uid, axis, bucket, status)
);

insert into llm_status_hourly (uid, axis, bucket, status, count)
    select uid, 'created', (created_at - 1) / 3600000000, status, count(*) from llm_records group by 1, 2, 3, 4;
insert into llm_status_hourly (uid, axis, bucket, status, count)
    select uid, 'evaluated', (evaluated_at - 1) / 3600000000, status, count(*) from llm_records where evaluated_at is not null group by 1, 2, 3, 4;

create trigger llm_records_status_insert after insert on llm_records begin
    insert into llm_status_hourly (uid, axis, bucket, status, count) values (new.uid, 'created', (new.created_at - 1) / 3600000000, new.status, 1)
        on conflict (uid, axis, bucket, status) do update set count = count + excluded.count;
    insert into llm_status_hourly (uid, axis, bucket, status, count) select new.uid, 'evaluated', (new.evaluated_at - 1) / 3600000000, new.status, 1
        where new.evaluated_at is not null on conflict (uid, axis, bucket, status) do update set count = count + excluded.count;
end;

create trigger llm_records_status_update after update of status, evaluated_at on llm_records
    when old.status is not new.status or old.evaluated_at is not new.evaluated_at begin
    insert into llm_status_hourly (uid, axis, bucket, status, count) values (old.uid, 'created', (old.created_at - 1) / 3600000000, old.status, -1)
        on conflict (uid, axis, bucket, status) do update set count = count + excluded.count;
    insert into llm_status_hourly (uid, axis, bucket, status, count) select old.uid, 'evaluated', (old.evaluated_at - 1) / 3600000000, old.status, -1
        where old.evaluated_at is not null on conflict (uid, axis, bucket, status) do update set count = count + excluded.count;
    insert into llm_status_hourly (uid, axis, bucket, status, count) values (new.uid, 'created', (new.created_at - 1) / 3600000000, new.status, 1)
        on conflict (uid, axis, bucket, status) do update set count = count + excluded.count;
    insert into llm_status_hourly (uid, axis, bucket, status, count) select new.uid, 'evaluated', (new.evaluated_at - 1) / 3600000000, new.status, 1
        where new.evaluated_at is not null on conflict (uid, axis, bucket, status) do update set count = count + excluded.count;
end;

create index llm_records_evaluated on llm_records (uid, evaluated_at);
