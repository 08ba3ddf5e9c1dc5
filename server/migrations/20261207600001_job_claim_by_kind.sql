-- Each lane of workers claims only its own kinds of job (provisioning and billing in one, webhook
-- deliveries in another, mail in a third), but the queued jobs were indexed by due time alone, and
-- the claim asked for "queued and due, or running with an expired lease" in one condition. So
-- every claim gathered every due job of every kind, then sorted them: in the soak, with 1,450
-- mails waiting, each provisioning claim read them all, and claims were most of PostgreSQL's
-- time. Indexed by kind first, a lane's claim walks its own jobs in due order and stops at the
-- first it can lock (the claim now asks for a queued job first, then for an expired lease).
create index job_ready_by_kind_idx on job (kind, run_at) where state = 'queued';
drop index job_ready_idx;
