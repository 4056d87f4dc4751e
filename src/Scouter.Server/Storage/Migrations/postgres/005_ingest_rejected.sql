-- Records a batch refused while storing the others, as a JSON array [{"index", "code", "field", "detail"}]
-- (null when every record was stored), so that a retried batch id gets the same answer.
alter table ingested_batches add column rejected text;
