-- The bundled Partner Center sandbox keeps its state in a schema of its own, apart from the
-- product's tables: it stands in for Microsoft, and the product only ever reaches it over HTTP.
create schema sandbox;

-- Microsoft tenants the sandbox knows, by the prefix of their initial domain
-- (<prefix>.onmicrosoft.com). A tenant has accepted the distributor as its CSP reseller once
-- relationship_accepted_at is set.
create table sandbox.tenant (
    domain_prefix            text primary key check (domain_prefix ~ '^[a-z0-9]{1,27}$'),
    tenant_id                uuid not null unique,
    company_name             text not null,
    relationship_accepted_at timestamptz,
    created_at               timestamptz not null default now()
);

-- The fixtures of SPEC §6, documented in the README.
insert into sandbox.tenant (domain_prefix, tenant_id, company_name, relationship_accepted_at) values
    ('contoso', '11111111-1111-4111-8111-111111111111', 'Contoso Ltd', now()),
    ('fabrikam', '22222222-2222-4222-8222-222222222222', 'Fabrikam Inc', null);
