-- LLM evaluation status counts per hour, on two time axes: 'created' (record time, every status) and
-- 'evaluated' (when evaluation finished, done/failed). A record's status changes after it is stored
-- (pending -> done/failed, failed -> pending on retry), so unlike the append-only record tables these
-- roll-ups are kept by a trigger in the same transaction as every insert and status change: always
-- equal to the rows' current state, for any writer. Deletes (retention) do not subtract: the hours
-- stay answerable after their raw rows are gone.
create table llm_status_hourly (
    uid    uuid   not null,
    axis   text   not null,
    bucket bigint not null,
    status text   not null,
    count  bigint not null,
    primary key (uid, axis, bucket, status)
);

create function scouter_hour(t timestamptz) returns bigint language sql immutable as
$$ select floor((extract(epoch from t) * 1000000 - 1) / 3600000000)::bigint $$;

create function scouter_llm_status_rollup() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        if old.status is not distinct from new.status and old.evaluated_at is not distinct from new.evaluated_at then
            return null;
        end if;
        insert into llm_status_hourly values (old.uid, 'created', scouter_hour(old.created_at), old.status, -1)
            on conflict (uid, axis, bucket, status) do update set count = llm_status_hourly.count + excluded.count;
        if old.evaluated_at is not null then
            insert into llm_status_hourly values (old.uid, 'evaluated', scouter_hour(old.evaluated_at), old.status, -1)
                on conflict (uid, axis, bucket, status) do update set count = llm_status_hourly.count + excluded.count;
        end if;
    end if;
    insert into llm_status_hourly values (new.uid, 'created', scouter_hour(new.created_at), new.status, 1)
        on conflict (uid, axis, bucket, status) do update set count = llm_status_hourly.count + excluded.count;
    if new.evaluated_at is not null then
        insert into llm_status_hourly values (new.uid, 'evaluated', scouter_hour(new.evaluated_at), new.status, 1)
            on conflict (uid, axis, bucket, status) do update set count = llm_status_hourly.count + excluded.count;
    end if;
    return null;
end
$$;

insert into llm_status_hourly (uid, axis, bucket, status, count)
    select uid, 'created', scouter_hour(created_at), status, count(*) from llm_records group by 1, 2, 3, 4;
insert into llm_status_hourly (uid, axis, bucket, status, count)
    select uid, 'evaluated', scouter_hour(evaluated_at), status, count(*) from llm_records where evaluated_at is not null group by 1, 2, 3, 4;

create trigger llm_records_status_rollup after insert or update of status, evaluated_at on llm_records
    for each row execute function scouter_llm_status_rollup();
create index llm_records_evaluated on llm_records (uid, evaluated_at);
