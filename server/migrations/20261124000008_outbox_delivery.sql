-- Outbox delivery over SMTP. Mail is queued in the transaction that causes it; a sender in every
-- server process takes due mail from here, so a mail server that is down only delays mail.
--
-- attempts, last_error and sent_at already exist since the foundations; `if not exists` keeps this
-- migration the single statement of what delivery needs. next_attempt_at is when a pending mail is
-- next tried: now() for new and existing rows, later after a failed attempt (backoff).
alter table email_outbox
    add column if not exists attempts integer not null default 0,
    add column if not exists next_attempt_at timestamptz not null default now(),
    add column if not exists last_error text,
    add column if not exists sent_at timestamptz;

-- Senders look for pending mail that is due, oldest due first; sent and failed mail is history.
drop index if exists email_outbox_pending_idx;
create index email_outbox_due_idx on email_outbox (next_attempt_at) where status = 'pending';

-- Wakes idle senders at once instead of at their next poll. Per statement: a checkout queues
-- several mails in one insert and one wake-up is enough.
create function email_outbox_notify() returns trigger as $$
begin
    perform pg_notify('mail_queued', '');
    return null;
end;
$$ language plpgsql;

create trigger email_outbox_queued_notify after insert on email_outbox
    for each statement execute function email_outbox_notify();
