-- Partner applications (SPEC journey A): a company asks to become a partner, either as an
-- existing dealer of the distributor or as a new partner with six documents; credit control
-- approves (creating the partner, its admin user and its marketplace credit limit) or rejects.

create type application_kind as enum ('dealer', 'new_partner');
create type application_status as enum ('submitted', 'approved', 'rejected');
create type document_kind as enum (
    'tax_certificate',        -- vergi levhası
    'signature_circular',     -- imza sirküleri / imza beyannamesi
    'trade_registry_gazette', -- ticaret sicil gazetesi / yoklama fişi
    'owner_id',               -- firma sahibinin kimlik fotokopisi
    'customer_introduction',  -- müşteri tanıtım formu
    'membership_agreement'    -- üyelik sözleşmesi
);

create sequence partner_application_number_seq;

create table partner_application (
    application_id      uuid primary key,
    -- What the applicant quotes: APP-000123.
    number              bigint not null unique default nextval('partner_application_number_seq'),
    -- The applicant's key to its status page and its own documents; never shown to others.
    access_token        text not null unique,
    kind                application_kind not null,
    status              application_status not null default 'submitted',
    company_name        text not null,
    tax_number          text,
    address             text,
    company_phone       text,
    dealer_code         text,
    dealer_credit_confirmed boolean not null default false,
    mpn_id              text check (mpn_id ~ '^[0-9]{7}$'),
    contact_name        text not null,
    contact_email       text not null check (contact_email = lower(contact_email)),
    contact_phone       text not null,
    submitted_at        timestamptz not null default now(),
    decided_at          timestamptz,
    decided_by          uuid references app_user (user_id),
    rejection_reason    text,
    partner_id          uuid references organisation (organisation_id),
    -- The kind decides what must be there; the UI checks too, this keeps bad rows out for good.
    constraint partner_application_dealer_fields check (
        kind <> 'dealer' or (dealer_code is not null and dealer_credit_confirmed)),
    constraint partner_application_new_partner_fields check (
        kind <> 'new_partner' or (tax_number is not null and mpn_id is not null and address is not null)),
    constraint partner_application_decision check (
        (status = 'submitted') = (decided_at is null)
        and (status <> 'rejected' or rejection_reason is not null)
        and (status <> 'approved' or partner_id is not null))
);
create index partner_application_status_idx on partner_application (status, submitted_at);
create index partner_application_tax_idx on partner_application (tax_number);
create index partner_application_dealer_idx on partner_application (dealer_code);

-- Documents are kept in the database: they commit or roll back with their application (never
-- half-saved), every server process sees them without a shared disk, and backups include them.
-- Ten megabytes each keeps that cheap.
create table application_document (
    document_id    uuid primary key,
    application_id uuid not null references partner_application (application_id),
    kind           document_kind not null,
    file_name      text not null,
    -- Detected from the file's first bytes, never taken from the browser.
    content_type   text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes     integer not null check (size_bytes > 0 and size_bytes <= 10485760),
    content        bytea not null,
    uploaded_at    timestamptz not null default now(),
    unique (application_id, kind)
);

-- Another application, or a partner other than the one this application created, with the same
-- tax number or dealer code: credit control should look twice before approving.
create function partner_application_possible_duplicate(a partner_application) returns boolean
language sql stable as $$
    select exists (select 1 from partner_application o
                   where o.application_id <> a.application_id
                     and (o.tax_number = a.tax_number or o.dealer_code = a.dealer_code))
        or exists (select 1 from partner p join organisation org using (organisation_id)
                   where p.organisation_id is distinct from a.partner_id
                     and (p.dealer_code = a.dealer_code or org.tax_number = a.tax_number))
$$;
