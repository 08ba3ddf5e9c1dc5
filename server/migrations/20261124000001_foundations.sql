-- Foundations every journey builds on: the three-tier organisation tree, users and their roles,
-- the audit log, the e-mail outbox, sign-in throttling and the catalog.

-- Statuses and roles are enums in the database as well as in Rust, so a typo can never become a
-- new state.
create type org_kind as enum ('distributor', 'partner', 'customer');
create type user_role as enum ('credit_control', 'operations', 'partner_admin', 'customer_admin');
create type outbox_status as enum ('pending', 'sent', 'failed');
create type billing_cycle as enum ('monthly', 'annual');

-- Keeps updated_at honest without every query having to remember it.
create or replace function set_updated_at() returns trigger as $$
begin
    new.updated_at = now();
    return new;
end;
$$ language plpgsql;

-- Distributor -> partner -> customer. One table for all three because users, the audit log and
-- documents point at "an organisation" whatever its tier; tier-specific facts live in the
-- partner and customer tables below.
create table organisation (
    organisation_id uuid primary key,
    kind            org_kind not null,
    parent_id       uuid references organisation (organisation_id),
    name            text not null check (length(trim(name)) between 2 and 200),
    tax_number      text,
    phone           text,
    address         text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    -- Only the distributor sits at the top; everyone else hangs under a parent.
    constraint organisation_parent_matches_tier check ((kind = 'distributor') = (parent_id is null))
);
create index organisation_parent_idx on organisation (parent_id);
create trigger organisation_updated_at before update on organisation
    for each row execute function set_updated_at();

create table partner (
    organisation_id uuid primary key references organisation (organisation_id),
    -- Microsoft's location Partner ID: seven digits.
    mpn_id          text check (mpn_id ~ '^[0-9]{7}$'),
    -- The distributor's own customer account code, for dealers that already have one.
    dealer_code     text,
    -- The marketplace limit is separate from the dealer's normal limit (SPEC A). Exact decimal.
    credit_limit    numeric(14, 2) not null default 5000.00 check (credit_limit >= 0),
    currency        char(3) not null default 'USD',
    approved_at     timestamptz not null default now()
);

create table customer (
    organisation_id          uuid primary key references organisation (organisation_id),
    -- The initial domain prefix of the customer's Microsoft tenant (<prefix>.onmicrosoft.com);
    -- null until the customer has one. Permanent once set, hence unique across all partners.
    tenant_prefix            text unique check (tenant_prefix ~ '^[a-z0-9]{1,27}$'),
    -- When the customer's Global admin accepted the distributor as its CSP reseller.
    relationship_accepted_at timestamptz
);

create table app_user (
    user_id              uuid primary key,
    organisation_id      uuid not null references organisation (organisation_id),
    -- Stored lower-case so uniqueness is case-insensitive without an extension.
    email                text not null check (email = lower(email) and email like '%_@_%'),
    display_name         text not null,
    role                 user_role not null,
    password_hash        text not null,
    -- Set for temporary passwords: the first sign-in must choose a new one.
    must_change_password boolean not null default false,
    last_login_at        timestamptz,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    constraint app_user_email_key unique (email)
);
create index app_user_organisation_idx on app_user (organisation_id);
create trigger app_user_updated_at before update on app_user
    for each row execute function set_updated_at();

-- Who did what, as whom, to what, when. Append-only: nothing updates or deletes these rows.
create table audit_log (
    audit_id                  bigint generated always as identity primary key,
    occurred_at               timestamptz not null default now(),
    actor_user_id             uuid references app_user (user_id),
    -- Set when a partner acts inside a customer's portal (impersonation).
    acting_as_organisation_id uuid references organisation (organisation_id),
    action                    text not null,
    target_type               text not null,
    target_id                 text not null,
    detail                    jsonb not null default '{}'
);
create index audit_log_target_idx on audit_log (target_type, target_id);
create index audit_log_actor_idx on audit_log (actor_user_id, occurred_at desc);

-- Mail is written here in the same transaction as the change that causes it, so nothing is lost
-- when the mail server is down; a worker delivers it.
create table email_outbox (
    outbox_id    uuid primary key,
    recipient    text not null,
    subject      text not null,
    body_text    text not null,
    status       outbox_status not null default 'pending',
    attempts     integer not null default 0,
    last_error   text,
    created_at   timestamptz not null default now(),
    sent_at      timestamptz
);
create index email_outbox_pending_idx on email_outbox (created_at) where status = 'pending';

-- Failed sign-ins are counted per address over a window, shared by every server process.
create table login_attempt (
    attempt_id   bigint generated always as identity primary key,
    email        text not null,
    succeeded    boolean not null,
    attempted_at timestamptz not null default now()
);
create index login_attempt_email_idx on login_attempt (email, attempted_at desc);

-- The catalog: vendors, their product groups, products (an add-on points at its base product)
-- and a price per billing option.
create table vendor (
    vendor_id uuid primary key,
    name      text not null unique
);

create table product_group (
    product_group_id uuid primary key,
    vendor_id        uuid not null references vendor (vendor_id),
    name             text not null,
    unique (vendor_id, name)
);

create table product (
    product_id       uuid primary key,
    product_group_id uuid not null references product_group (product_group_id),
    -- The vendor's SKU / offer id, stable across catalog refreshes.
    sku              text not null unique,
    name             text not null,
    description      text not null default '',
    base_product_id  uuid references product (product_id),
    is_active        boolean not null default true,
    constraint product_addon_not_own_base check (base_product_id is distinct from product_id)
);
create index product_group_idx on product (product_group_id);

create table product_price (
    product_id    uuid not null references product (product_id),
    billing_cycle billing_cycle not null,
    -- Per licence: per month for monthly, per year for annual.
    unit_price    numeric(12, 2) not null check (unit_price > 0),
    currency      char(3) not null default 'USD',
    primary key (product_id, billing_cycle)
);
