-- GDAP (granular delegated admin privileges) replaced DAP at Microsoft: a partner's admin access to
-- a customer's tenant is a relationship of its own per customer, with chosen Entra roles, 1 to 730
-- days, approved by the customer's Global admin through a link, optionally auto-extended by 180
-- days (never when Global Administrator is among the roles), and gone for good once expired. A
-- partner needs it to support the tenant (its admin centre); ordering needs only the reseller
-- relationship, as at Microsoft.

create type gdap_status as enum ('requested', 'active', 'expiring', 'expired', 'terminated');

create table gdap_relationship (
    gdap_id                uuid primary key,
    customer_id            uuid not null references customer (organisation_id),
    partner_id             uuid not null references partner (organisation_id),
    -- Microsoft's id of the relationship: how the nightly refresh asks for its status.
    vendor_relationship_id text not null unique,
    display_name           text not null,
    -- Entra role template ids.
    roles                  text[] not null check (cardinality(roles) between 1 and 20),
    duration_days          integer not null check (duration_days between 1 and 730),
    auto_extend            boolean not null,
    status                 gdap_status not null default 'requested',
    requested_by           uuid references app_user (user_id),
    requested_at           timestamptz not null default market_now(),
    -- Microsoft drops a request nobody approved within 90 days.
    request_expires_at     timestamptz not null default market_now() + interval '90 days',
    activated_at           timestamptz,
    ends_at                timestamptz,
    -- The smallest of the 30/7/1-day notices already sent for this `ends_at` (reset when the
    -- end moves, e.g. auto-extended), so each notice goes out once, not once per run.
    noticed_days           integer check (noticed_days in (30, 7, 1)),
    checked_at             timestamptz,
    updated_at             timestamptz not null default now(),
    constraint gdap_global_admin_never_auto_extends
        check (not (auto_extend and '62e90394-69f5-4237-9190-012177145e10' = any (roles)))
);
-- One relationship in play per customer; after it expired or was terminated a new one may be asked.
create unique index gdap_one_open_per_customer on gdap_relationship (customer_id)
    where status in ('requested', 'active', 'expiring');
create index gdap_partner_idx on gdap_relationship (partner_id);
create trigger gdap_relationship_updated_at before update on gdap_relationship
    for each row execute function set_updated_at();

-- The sandbox's side: Microsoft's relationship records, approved on the sandbox's approval page.
create table sandbox.gdap_relationship (
    relationship_id uuid primary key,
    tenant_id       uuid not null references sandbox.tenant (tenant_id),
    display_name    text not null,
    roles           text[] not null,
    duration_days   integer not null,
    auto_extend     boolean not null,
    status          text not null default 'approvalPending'
        check (status in ('approvalPending', 'active', 'expired', 'terminated')),
    created_at      timestamptz not null default market_now(),
    activated_at    timestamptz,
    end_at          timestamptz
);
