-- The Microsoft Customer Agreement's enhanced attestation (issue #19): Microsoft blocks new
-- orders for a customer until the distributor attests, through the API, that a named signatory
-- of the customer accepted the agreement. The marketplace must be able to show who accepted,
-- when, from where, which version and who in the partner's company said so: that evidence is
-- ours to keep, Microsoft only keeps the attestation. One row per customer, because the
-- attestation is made once per customer and every later order relies on it.
create table customer_agreement (
    customer_id          uuid primary key references customer (organisation_id),
    -- The version (template) of the agreement the signatory was shown.
    agreement_version    text not null,
    signatory_first_name text,
    signatory_last_name  text,
    signatory_email      text check (signatory_email = lower(signatory_email) and signatory_email like '%_@_%'),
    signatory_company    text,
    -- ISO 3166-1 alpha-2 and ISO 639-1, as Microsoft takes them.
    signatory_country    char(2) check (signatory_country ~ '^[A-Z]{2}$'),
    signatory_language   text check (signatory_language ~ '^[a-z]{2}$'),
    accepted_at          timestamptz not null default now(),
    -- The address the acceptance was submitted from (the Control Panel's or the API caller's).
    client_ip            inet,
    -- The partner user who submitted it (an API key acts as the partner admin who made it).
    submitted_by         uuid references app_user (user_id),
    -- When Partner Center took the attestation (or said it already had one, 600061), and for
    -- which tenant: set by provisioning, so a second order never attests again.
    vendor_attested_at   timestamptz,
    vendor_tenant_id     uuid,
    -- Either a signatory in full, or none: customers whose orders went through before enhanced
    -- attestation accepted the agreement the legacy way and have no signatory on record.
    constraint customer_agreement_signatory_whole check (
        num_nulls(signatory_first_name, signatory_last_name, signatory_email, signatory_company,
                  signatory_country, signatory_language) in (0, 6)
    ),
    constraint customer_agreement_legacy_attested check (
        signatory_first_name is not null or vendor_attested_at is not null
    )
);

-- Customers with a completed order accepted the agreement when it was ordered (the old step
-- called Partner Center's acceptance for every order): they count as attested, or their next
-- order would be blocked for an agreement Microsoft already holds.
insert into customer_agreement (customer_id, agreement_version, accepted_at, vendor_attested_at, vendor_tenant_id)
select distinct on (so.customer_id) so.customer_id, 'legacy', so.created_at, so.created_at, so.vendor_tenant_id
from sales_order so
where so.kind = 'sales' and so.status = 'completed'
order by so.customer_id, so.created_at;

-- The sandbox's side: the attestation Partner Center records, with the signatory it was given,
-- so a test can see exactly what was sent and that it was sent once.
create table sandbox.agreement_attestation (
    tenant_id         uuid primary key references sandbox.tenant (tenant_id),
    request_id        uuid not null,
    agreement_version text not null,
    first_name        text not null,
    last_name         text not null,
    email             text not null,
    company_name      text not null,
    country           text not null,
    language          text not null,
    date_agreed       timestamptz not null,
    -- Every attestation call for the tenant, the refused ones (600061) too: a test sees that a
    -- customer's second order did not try again.
    calls             integer not null default 1,
    created_at        timestamptz not null default now()
);
