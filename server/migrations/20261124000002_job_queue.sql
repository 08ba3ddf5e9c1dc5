-- The background job queue. Jobs live in Postgres so they are enqueued in the same transaction
-- as the change that needs them (a rolled-back checkout leaves no provisioning job behind), and
-- any number of server and worker processes can share them.

create type job_state as enum (
    'queued',     -- waiting for run_at
    'running',    -- leased by a worker until lease_expires_at
    'succeeded',
    'dead'        -- failed fatally or ran out of attempts; operations look at these
);

create table job (
    job_id           uuid primary key,
    -- The Rust job type's name; workers only take the kinds they know.
    kind             text not null,
    payload          jsonb not null,
    state            job_state not null default 'queued',
    -- Counts every time a worker took the job, including takes whose worker died.
    attempts         integer not null default 0,
    max_attempts     integer not null check (max_attempts > 0),
    run_at           timestamptz not null default now(),
    locked_by        text,
    -- A worker extends this while it runs (heartbeat); past it, the job is taken again.
    lease_expires_at timestamptz,
    last_error       text,
    -- Enqueueing a job whose (kind, dedup_key) exists does nothing: idempotent enqueue.
    dedup_key        text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    finished_at      timestamptz,
    constraint job_dedup_key unique (kind, dedup_key)
);
create index job_ready_idx on job (run_at) where state = 'queued';
create index job_expired_lease_idx on job (lease_expires_at) where state = 'running';
create trigger job_updated_at before update on job for each row execute function set_updated_at();

-- Wakes idle workers at once instead of at their next poll.
create function job_notify() returns trigger as $$
begin
    perform pg_notify('job_queued', new.kind);
    return new;
end;
$$ language plpgsql;

create trigger job_queued_notify after insert or update of state, run_at on job
    for each row when (new.state = 'queued') execute function job_notify();
