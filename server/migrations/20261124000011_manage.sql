-- Managing subscriptions after the sale (SPEC H and I): terms and renewal dates, seat lots for
-- the 168-hour decrease window, change and cancellation orders, and a clock the sandbox can move.

-- The marketplace's clock. Rules with deadlines (the 168-hour window, the 7-day refund window,
-- renewal dates) read market_now(), never now(), so the sandbox can move time forward for a
-- demo or a test in every server and worker process at once, without touching the database
-- server's clock. In production the offset stays zero.
create table sandbox.clock (
    only_row  boolean primary key default true check (only_row),
    offset_by interval not null default interval '0'
);
insert into sandbox.clock default values;

create function market_now() returns timestamptz as $$
    select now() + coalesce((select offset_by from sandbox.clock), interval '0');
$$ language sql stable;

-- A cancellation order waits for the partner as "New" until it is opened and approved.
alter type order_status add value if not exists 'new';
alter type provisioning_step add value if not exists 'updating_subscription';
alter type provisioning_step add value if not exists 'cancelling_subscription';

-- The current term (from purchase or the last renewal to the renewal date), whether it renews,
-- and a licence count the customer asked to take effect at renewal.
alter table subscription
    add column term_start       timestamptz,
    add column term_end         timestamptz,
    add column auto_renew       boolean not null default true,
    add column renewal_quantity integer check (renewal_quantity between 1 and 10000),
    add column cancelled_at     timestamptz,
    add constraint subscription_term_order check (term_end > term_start);

-- Seats added together (the purchase, each increase) with when they were added: new commerce
-- lets only seats younger than 168 hours be removed. The lots of a subscription always add up
-- to its licence count.
create table seat_lot (
    lot_id          bigint generated always as identity primary key,
    subscription_id uuid not null references subscription (subscription_id),
    order_id        uuid not null references sales_order (order_id),
    quantity        integer not null check (quantity > 0),
    added_at        timestamptz not null
);
create index seat_lot_subscription_idx on seat_lot (subscription_id, added_at);

-- What a change or cancellation order does to its subscription. `settled_at` is set when the
-- order completes, fails or is rejected: until then no other change of that subscription may
-- start, so two changes can never race at the vendor.
create table subscription_change (
    order_id        uuid primary key references sales_order (order_id),
    subscription_id uuid not null references subscription (subscription_id),
    from_quantity   integer not null check (from_quantity > 0),
    -- 0 for a cancellation.
    to_quantity     integer not null check (to_quantity >= 0),
    -- What the customer gets back (seats removed inside the window, a cancellation inside 7 days).
    refund          numeric(14, 2) not null default 0 check (refund >= 0),
    requested_at    timestamptz not null,
    settled_at      timestamptz
);
create unique index subscription_change_one_open on subscription_change (subscription_id) where settled_at is null;

-- Subscriptions already active get their term and one lot from their activation.
update subscription set term_start = updated_at,
       term_end = updated_at + case when billing_cycle = 'annual' then interval '1 year' else interval '1 month' end
where status = 'active';
insert into seat_lot (subscription_id, order_id, quantity, added_at)
select subscription_id, order_id, quantity, updated_at from subscription where status = 'active';

-- The sandbox remembers when seats were last added: Partner Center refuses a decrease after
-- 168 hours (800090).
alter table sandbox.subscription add column seats_added_at timestamptz not null default market_now();
