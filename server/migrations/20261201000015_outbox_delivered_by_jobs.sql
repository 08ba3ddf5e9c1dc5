-- The e-mail outbox is delivered by the job engine instead of a claim/lease/backoff loop of its
-- own: one queue to operate, retry (Operations → Jobs) and reason about. The outbox row stays
-- what staff read (status, attempts, last error); a `deliver_mail` job per row does the sending.
--
-- Jobs exist only where mail can be delivered: a process with a mail server configured writes
-- the row below as it starts (with the job kind and attempts from the Rust job type) and gives
-- every pending mail its job then. Without one, mail stays pending in the outbox as before and
-- no jobs pile up in the queue that nothing would ever run.
create table mail_delivery (
    singleton    boolean primary key default true check (singleton),
    job_kind     text not null,
    max_attempts integer not null check (max_attempts > 0),
    enabled_at   timestamptz not null default now()
);

-- Every insert path (single mails, a mail to each partner admin, checkout's one statement) gets
-- its delivery jobs here, in the inserting transaction: the mail and its job commit or roll back
-- together. Per statement, with the inserted rows as a table, so a checkout's mails cost one
-- insert. The job's own trigger wakes the workers (`job_queued`).
create function email_outbox_deliver() returns trigger as $$
begin
    insert into job (job_id, kind, payload, max_attempts, dedup_key)
    select gen_random_uuid(), d.job_kind, jsonb_build_object('outbox_id', q.outbox_id), d.max_attempts,
           q.outbox_id::text
    from queued q cross join mail_delivery d
    where q.status = 'pending'
    on conflict (kind, dedup_key) do nothing;
    return null;
end;
$$ language plpgsql;

create trigger email_outbox_deliver after insert on email_outbox
    referencing new table as queued
    for each statement execute function email_outbox_deliver();

-- The outbox's own sender is gone: nobody listens on `mail_queued`, and when a mail is next
-- tried is its job's `run_at`.
drop trigger email_outbox_queued_notify on email_outbox;
drop function email_outbox_notify();
drop index email_outbox_due_idx;
alter table email_outbox drop column next_attempt_at;

-- Retention deletes sent mail by age.
create index email_outbox_sent_idx on email_outbox (sent_at) where status = 'sent';
-- Retention deletes finished jobs by age.
create index job_finished_idx on job (finished_at) where state in ('succeeded', 'dead');
-- Retention deletes old sign-in attempts by age (the existing index leads with the address).
create index login_attempt_attempted_at_idx on login_attempt (attempted_at);
