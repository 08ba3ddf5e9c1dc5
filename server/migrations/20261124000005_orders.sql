-- Ordering: the partner's cart, the checkout wizard's saved state, orders with their lines, and
-- the subscriptions they create. Credit use is one SQL function so checkout, billing and the
-- back office can never disagree on what is available.

create type order_status as enum (
    'submitted',                -- accepted, its provisioning job is queued
    'awaiting_credit_approval', -- over the available credit; credit control decides
    'provisioning',
    'completed',
    'provisioning_failed',
    'rejected',
    'cancelled'
);
create type order_kind as enum ('sales', 'change', 'cancellation');
create type payment_method as enum ('wire_transfer');
create type subscription_status as enum (
    'pending', 'active', 'pending_cancellation', 'cancelled', 'suspended', 'expired'
);

-- Microsoft allows 27 characters; the limit is configurable (CLOUDMARKET_TENANT_PREFIX_MAX), so
-- the database only guards the alphabet and a hard ceiling.
alter table customer drop constraint customer_tenant_prefix_check;
alter table customer add constraint customer_tenant_prefix_check check (tenant_prefix ~ '^[a-z0-9]{1,63}$');
alter table sandbox.tenant drop constraint tenant_domain_prefix_check;
alter table sandbox.tenant add constraint tenant_domain_prefix_check check (domain_prefix ~ '^[a-z0-9]{1,63}$');

-- Customer contact details for order mails; filled by checkout for new customers.
alter table customer
    add column contact_name  text,
    add column contact_email text check (contact_email = lower(contact_email)),
    -- The MPN ID last used to transact for this customer, offered again on the next order.
    add column mpn_id        text check (mpn_id ~ '^[0-9]{7}$');

-- The cart lives on the server per partner user, so it survives reloads and other devices.
-- One line per product: adding it again changes the quantity and billing option.
create table cart_line (
    user_id       uuid not null references app_user (user_id) on delete cascade,
    product_id    uuid not null references product (product_id),
    billing_cycle billing_cycle not null,
    quantity      integer not null check (quantity between 1 and 10000),
    added_at      timestamptz not null default now(),
    primary key (user_id, product_id)
);

-- What the checkout wizard has been told so far, so reload and back/forward keep it.
-- idempotency_key is minted with the draft and travels with the final "Submit": however often
-- that request arrives, one order carries the key.
create table checkout_draft (
    user_id         uuid primary key references app_user (user_id) on delete cascade,
    idempotency_key uuid not null,
    customer        jsonb,
    tenant          jsonb,
    updated_at      timestamptz not null default now()
);

create table sales_order (
    order_id         uuid primary key,
    -- What people quote on the phone: short, increasing, never reused.
    order_number     bigint generated always as identity (start with 100001) unique,
    partner_id       uuid not null references partner (organisation_id),
    customer_id      uuid not null references customer (organisation_id),
    kind             order_kind not null default 'sales',
    status           order_status not null,
    payment_method   payment_method not null,
    idempotency_key  uuid not null,
    mpn_id           text not null check (mpn_id ~ '^[0-9]{7}$'),
    tenant_prefix    text not null check (tenant_prefix ~ '^[a-z0-9]{1,63}$'),
    new_tenant       boolean not null,
    -- Totals of the first billing period: what the partner is invoiced on submit.
    subtotal         numeric(14, 2) not null check (subtotal >= 0),
    vat              numeric(14, 2) not null check (vat >= 0),
    total            numeric(14, 2) not null check (total >= 0),
    -- Credit exposure: an annual line counts its 12 months, a monthly line one month (net of VAT,
    -- like the credit limit).
    term_value       numeric(14, 2) not null check (term_value >= 0),
    currency         char(3) not null default 'USD',
    created_by       uuid not null references app_user (user_id),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    decided_by       uuid references app_user (user_id),
    decided_at       timestamptz,
    decision_reason  text,
    -- A double click, a retry or a second tab all carry the same key: one order.
    constraint sales_order_idempotency_key unique (partner_id, idempotency_key)
);
create index sales_order_partner_idx on sales_order (partner_id, created_at desc);
create index sales_order_status_idx on sales_order (status, created_at);
create trigger sales_order_updated_at before update on sales_order
    for each row execute function set_updated_at();

create table order_line (
    order_id      uuid not null references sales_order (order_id),
    line_no       integer not null,
    product_id    uuid not null references product (product_id),
    billing_cycle billing_cycle not null,
    quantity      integer not null check (quantity between 1 and 10000),
    -- Copied from the catalog at submit: later price changes never rewrite an order.
    unit_price    numeric(12, 2) not null,
    line_total    numeric(14, 2) not null,
    primary key (order_id, line_no)
);

create table subscription (
    subscription_id        uuid primary key,
    customer_id            uuid not null references customer (organisation_id),
    product_id             uuid not null references product (product_id),
    order_id               uuid not null references sales_order (order_id),
    billing_cycle          billing_cycle not null,
    quantity               integer not null check (quantity between 1 and 10000),
    status                 subscription_status not null default 'pending',
    vendor_subscription_id text,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now()
);
-- SPEC G case 4: one live subscription per product and customer. Concurrent checkouts that both
-- pass the friendly check still meet here.
create unique index subscription_one_live_per_product on subscription (customer_id, product_id)
    where status in ('pending', 'active', 'pending_cancellation', 'suspended');
create index subscription_order_idx on subscription (order_id);
create trigger subscription_updated_at before update on subscription
    for each row execute function set_updated_at();

-- Credit in use is summed at every checkout under the partner's lock: this index holds exactly
-- the orders that count, so the sum never reads the orders awaiting approval or rejected.
create index sales_order_credit_idx on sales_order (partner_id) include (term_value)
    where status in ('submitted', 'provisioning', 'completed', 'provisioning_failed');

-- Marketplace credit in use: open orders at term value. Billing adds unpaid statements and
-- unbilled charges here when statements exist; until a completed order is billed, its term value
-- is an unbilled charge, so it keeps counting.
create function partner_credit_used(p_partner uuid) returns numeric as $$
    select coalesce(sum(term_value), 0)::numeric(14, 2)
    from sales_order
    where partner_id = p_partner
      and status in ('submitted', 'provisioning', 'completed', 'provisioning_failed');
$$ language sql stable;
