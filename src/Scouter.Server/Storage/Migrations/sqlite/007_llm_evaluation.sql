-- LLM evaluation leases: a claimed record stays 'pending' with an owner and a lease end, so a record
-- whose worker crashed is claimable again once the lease has passed (never stuck 'processing').
-- next_attempt_at holds a retry back; evaluated_at on a score is when it was judged (check windows
-- count scores by it). One score per (record, metric): a late completion by an expired owner adds none.
alter table llm_records add column lease_owner text;
alter table llm_records add column lease_until integer;
alter table llm_records add column next_attempt_at integer;
alter table llm_scores add column evaluated_at integer;
update llm_scores set evaluated_at = created_at where evaluated_at is null;
create unique index llm_scores_once on llm_scores (record_id, metric);
create index llm_scores_evaluated on llm_scores (uid, evaluated_at);
