-- The sandbox's side of provisioning: tenants it creates, customer agreements, and orders with
-- the subscriptions they create. Every create is keyed by the caller's MS-RequestId, so a
-- retried call (after a timeout, a 429 or a 5xx) returns what the first call made instead of
-- making it twice, as Partner Center does.

create type sandbox.subscription_status as enum ('active', 'suspended', 'cancelled');

alter table sandbox.tenant
    add column created_by_request    uuid unique,
    add column agreement_accepted_at timestamptz;

create table sandbox.customer_order (
    order_id   uuid primary key,
    request_id uuid not null unique,
    tenant_id  uuid not null references sandbox.tenant (tenant_id),
    created_at timestamptz not null default now()
);

create table sandbox.subscription (
    subscription_id uuid primary key,
    order_id        uuid not null references sandbox.customer_order (order_id),
    tenant_id       uuid not null references sandbox.tenant (tenant_id),
    line_number     integer not null,
    offer_id        text not null,
    quantity        integer not null check (quantity > 0),
    status          sandbox.subscription_status not null default 'active',
    created_at      timestamptz not null default now(),
    unique (order_id, line_number)
);
create index sandbox_subscription_tenant_idx on sandbox.subscription (tenant_id);
