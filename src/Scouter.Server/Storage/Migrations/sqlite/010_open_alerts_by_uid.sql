-- Open alert counts per profile (GET /overview) read only open alerts, from the index alone, however
-- many resolved alerts a profile has collected.
create index alerts_open_by_uid on alerts (uid, severity, status) where status in ('firing', 'acknowledged');
