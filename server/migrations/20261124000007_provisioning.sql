-- Provisioning: the named steps each order goes through, recorded as they happen, so every page
-- and every server process can show where an order stands and, if it failed, why and what fixes
-- it. `provisioning_run` counts resubmissions: each run has its own job and its own steps.

create type provisioning_step as enum (
    'validating',
    'creating_tenant',
    'verifying_relationship',
    'accepting_agreement',
    'creating_subscriptions',
    'assigning_licences',
    'completed',
    'failed'
);

alter table sales_order
    add column provisioning_run integer not null default 1,
    add column vendor_tenant_id uuid,
    -- Partner Center's code, the reason in words, and the one action that fixes it.
    add column failure_code     bigint,
    add column failure_reason   text,
    add column failure_fix      text;

create table order_progress (
    progress_id bigint generated always as identity primary key,
    order_id    uuid not null references sales_order (order_id),
    run         integer not null,
    step        provisioning_step not null,
    percent     integer not null check (percent between 0 and 100),
    recorded_at timestamptz not null default now(),
    -- A retried job records a step once.
    unique (order_id, run, step)
);

-- Every server process relays these to the browsers watching (live progress).
create function order_progress_notify() returns trigger as $$
begin
    perform pg_notify('order_progress', new.order_id::text);
    return new;
end;
$$ language plpgsql;

create trigger order_progress_notify after insert on order_progress
    for each row execute function order_progress_notify();
