-- Invoices a Turkish distributor can issue (issue #21): each monthly statement (USD) becomes an
-- e-Fatura or e-Arşiv invoice in UBL-TR 1.2 with the TRY equivalents at the TCMB rate in force,
-- returns are documents of their own (IADE), a payment at another rate gives an exchange-difference
-- (kur farkı) invoice, and every document is archived as issued and sent through an integrator.

create type exchange_rate_source as enum ('tcmb', 'manual');
-- Which TCMB rate converts an invoice: the distributor's setting (a partner may have an agreed rate).
create type rate_basis as enum ('forex_buying', 'forex_selling');
create type invoice_rate_type as enum ('forex_buying', 'forex_selling', 'agreed');
-- How GİB delivers a partner's invoices: e-Arşiv for a buyer not registered for e-Fatura, else
-- e-Fatura as TEMELFATURA or TICARIFATURA (which the buyer accepts or rejects).
create type invoice_profile as enum ('e_archive', 'basic', 'commercial');
create type invoice_kind as enum ('sales', 'return', 'exchange_difference');
create type invoice_status as enum (
    'draft',     -- issued and archived, not yet taken by the integrator
    'sent',      -- the integrator took it and passed it on to GİB
    'delivered', -- GİB delivered it (e-Fatura) or it is reported (e-Arşiv)
    'accepted',  -- TICARIFATURA: the buyer accepted it
    'rejected',  -- TICARIFATURA: the buyer rejected it
    'failed'     -- the integrator or GİB refused it: a corrected document is a new one
);

-- A tax identity on invoices: the tax office (vergi dairesi) and where the party is, as GİB wants
-- them (il / ilçe). The tax number already lives in organisation.tax_number.
alter table organisation
    add column tax_office text check (length(trim(tax_office)) between 2 and 100),
    add column city       text check (length(trim(city)) between 2 and 100),
    add column district   text check (length(trim(district)) between 2 and 100);

-- The partner's e-Fatura registration, set at approval or by credit control, and a fixed USD/TRY
-- rate agreed with it (instead of the TCMB rate), if any.
alter table partner
    add column invoice_profile invoice_profile not null default 'e_archive',
    add column agreed_rate     numeric(12, 6) check (agreed_rate > 0 and agreed_rate < 1000000);

-- TCMB's indicative rates per day (one bulletin a business day, announced at 15:30), or rates
-- credit control entered by hand while the feed was down.
create table exchange_rate (
    currency      char(3) not null check (currency ~ '^[A-Z]{3}$' and currency <> 'TRY'),
    rate_date     date not null,
    forex_buying  numeric(12, 4) not null check (forex_buying > 0),
    forex_selling numeric(12, 4) not null check (forex_selling >= forex_buying),
    source        exchange_rate_source not null,
    -- TCMB's bulletin number ("2026/229"), for a rate from the feed.
    bulletin      text,
    entered_by    uuid references app_user (user_id),
    recorded_at   timestamptz not null default now(),
    primary key (currency, rate_date),
    constraint exchange_rate_manual_has_author check ((source = 'manual') = (entered_by is not null))
);

-- Weekdays on which TCMB published no bulletin (public holidays), as the feed found them: the rate
-- in force then is the previous business day's, never "missing".
create table rate_holiday (
    rate_date   date primary key,
    recorded_at timestamptz not null default now()
);

-- The distributor's invoicing settings: one row. GİB wants e-Arşiv and e-Fatura numbered in
-- series of their own.
create table invoicing_settings (
    singleton        boolean primary key default true check (singleton),
    e_invoice_series char(3) not null default 'CMK' check (e_invoice_series ~ '^[A-Z0-9]{3}$'),
    e_archive_series char(3) not null default 'CMA' check (e_archive_series ~ '^[A-Z0-9]{3}$'),
    rate_basis       rate_basis not null default 'forex_buying',
    updated_by       uuid references app_user (user_id),
    updated_at       timestamptz not null default now(),
    constraint invoicing_settings_series_differ check (e_invoice_series <> e_archive_series)
);
insert into invoicing_settings default values;

-- The last number given in each series and year. Taking a number updates this row inside the
-- issuing transaction, so concurrent issuers queue on it and a rolled-back issue gives its number
-- back: numbers are gapless, and dates never go backwards within a series.
create table invoice_series (
    series          char(3) not null,
    year            integer not null,
    last_number     bigint not null check (last_number between 0 and 999999999),
    last_issue_date date not null,
    primary key (series, year)
);

create table invoice (
    invoice_id       uuid primary key,
    -- GİB's form: the series, the year, nine digits (CMK2026000000001).
    invoice_number   text not null unique check (invoice_number ~ '^[A-Z0-9]{3}20[0-9]{2}[0-9]{9}$'),
    -- The ETTN GİB knows the document by.
    ettn             uuid not null unique,
    kind             invoice_kind not null,
    -- As sent: a return to a TICARIFATURA partner goes as TEMELFATURA (GİB allows IADE only there).
    profile          invoice_profile not null,
    partner_id       uuid not null references partner (organisation_id),
    -- The statement it invoices (sales and returns); none for an exchange difference.
    statement_id     uuid references statement (statement_id),
    issue_date       date not null,
    issued_at        timestamptz not null,
    issued_by        uuid references app_user (user_id),
    -- The document's currency: USD for statements, TRY for an exchange difference.
    currency         char(3) not null,
    -- The rate converting it to TRY, its kind and the day of the bulletin it came from (the
    -- agreement's rate has no bulletin). None for a TRY document.
    rate             numeric(12, 6),
    rate_type        invoice_rate_type,
    rate_date        date,
    subtotal         numeric(14, 2) not null check (subtotal >= 0),
    vat              numeric(14, 2) not null check (vat >= 0),
    total            numeric(14, 2) not null,
    -- The TRY equivalents: the sums of the lines' TRY amounts (each converted and rounded by line).
    subtotal_try     numeric(16, 2) not null check (subtotal_try >= 0),
    vat_try          numeric(16, 2) not null check (vat_try >= 0),
    total_try        numeric(16, 2) not null,
    -- The seller and the buyer as the document names them, kept as issued.
    seller_name       text not null,
    seller_tax_number text not null check (seller_tax_number ~ '^[0-9]{10,11}$'),
    seller_tax_office text not null,
    seller_address    text not null,
    seller_district   text not null,
    seller_city       text not null,
    buyer_name       text not null,
    buyer_tax_number text not null check (buyer_tax_number ~ '^[0-9]{10,11}$'),
    buyer_tax_office text not null,
    buyer_address    text not null,
    buyer_district   text not null,
    buyer_city       text not null,
    status           invoice_status not null default 'draft',
    -- The integrator's or GİB's code and message with the last status, and the integrator's reference.
    status_code      text,
    status_message   text,
    status_at        timestamptz,
    integrator_ref   text,
    constraint invoice_total_is_subtotal_plus_vat check (total = subtotal + vat and total_try = subtotal_try + vat_try),
    constraint invoice_rate_with_foreign_currency check (
        (currency = 'TRY') = (rate is null) and (rate is null) = (rate_type is null)
        and (rate_type is null or (rate_type = 'agreed') = (rate_date is null))),
    constraint invoice_statement_or_difference check ((kind = 'exchange_difference') = (statement_id is null))
);
-- One sales and one return invoice per statement; a failed one can be issued again (as a new
-- document with a new number).
create unique index invoice_one_per_statement on invoice (statement_id, kind) where status <> 'failed';
create index invoice_partner_idx on invoice (partner_id, issue_date desc);
-- The integrator's statuses are polled for these.
create index invoice_in_flight_idx on invoice (status) where status in ('draft', 'sent', 'delivered');

create table invoice_line (
    invoice_id    uuid not null references invoice (invoice_id),
    line_no       integer not null check (line_no > 0),
    -- The charge it bills (sales and returns).
    charge_id     bigint references charge (charge_id),
    -- The invoice a return or an exchange difference refers to.
    refers_to     uuid references invoice (invoice_id),
    customer_name text,
    description   text not null,
    quantity      integer not null check (quantity > 0),
    service_start date,
    service_end   date,
    -- In the document's currency, always positive (a return is a document of its own).
    amount        numeric(14, 2) not null check (amount > 0),
    vat           numeric(14, 2) not null check (vat >= 0),
    amount_try    numeric(16, 2) not null check (amount_try > 0),
    vat_try       numeric(16, 2) not null check (vat_try >= 0),
    primary key (invoice_id, line_no)
);
-- A charge is invoiced once (by a document that did not fail).
create index invoice_line_charge_idx on invoice_line (charge_id);
create index invoice_line_refers_idx on invoice_line (refers_to);

-- The UBL-TR document exactly as issued: what is downloaded and what the integrator gets.
create table invoice_document (
    invoice_id uuid primary key references invoice (invoice_id),
    xml        text not null,
    sha256     bytea not null check (length(sha256) = 32),
    created_at timestamptz not null default now()
);

-- Payments credit control records against a sales invoice: the day and amount (USD), the TCMB
-- rate in force that day, and the exchange difference in TRY (positive: the distributor invoices
-- it; negative: the partner owes the distributor a kur farkı invoice of its own).
create table invoice_payment (
    payment_id            uuid primary key,
    invoice_id            uuid not null references invoice (invoice_id),
    paid_on               date not null,
    amount                numeric(14, 2) not null check (amount > 0),
    currency              char(3) not null,
    reference             text not null check (length(trim(reference)) between 1 and 100),
    rate                  numeric(12, 6),
    rate_type             invoice_rate_type,
    rate_date             date,
    difference_try        numeric(16, 2) not null default 0,
    difference_invoice_id uuid references invoice (invoice_id),
    recorded_by           uuid references app_user (user_id),
    recorded_at           timestamptz not null default now()
);
create index invoice_payment_invoice_idx on invoice_payment (invoice_id, paid_on);

-- Archived means unchangeable: a document, its lines and its amounts are never updated or
-- deleted; only an invoice's delivery status moves. A correction is a new document.
create function invoice_archive_is_immutable() returns trigger as $$
begin
    raise exception '% rows are archived and cannot be changed: issue a new document instead', tg_table_name
        using errcode = 'integrity_constraint_violation';
end;
$$ language plpgsql;
create trigger invoice_document_immutable before update or delete on invoice_document
    for each row execute function invoice_archive_is_immutable();
create trigger invoice_line_immutable before update or delete on invoice_line
    for each row execute function invoice_archive_is_immutable();
create trigger invoice_payment_immutable before update or delete on invoice_payment
    for each row execute function invoice_archive_is_immutable();

create function invoice_only_status_changes() returns trigger as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'invoices are archived and cannot be deleted' using errcode = 'integrity_constraint_violation';
    end if;
    if (to_jsonb(new) - array['status', 'status_code', 'status_message', 'status_at', 'integrator_ref'])
       <> (to_jsonb(old) - array['status', 'status_code', 'status_message', 'status_at', 'integrator_ref']) then
        raise exception 'an issued invoice changes only its delivery status: issue a new document instead'
            using errcode = 'integrity_constraint_violation';
    end if;
    return new;
end;
$$ language plpgsql;
create trigger invoice_immutable before update or delete on invoice
    for each row execute function invoice_only_status_changes();

-- The bundled integrator sandbox (stands in for a GİB-licensed integrator's REST API, like the
-- Partner Center sandbox beside it): the documents it was given, by ETTN.
create table sandbox.integrator_document (
    ettn           uuid primary key,
    invoice_number text not null,
    profile        text not null,
    receiver_vkn   text not null,
    xml            text not null,
    received_at    timestamptz not null default now(),
    -- How often its status was asked for: a TICARIFATURA is answered by its buyer on the second look.
    polls          integer not null default 0
);

-- The sandbox TCMB feed can be switched off, to show manual entry by credit control.
create table sandbox.tcmb_feed (
    singleton boolean primary key default true check (singleton),
    down      boolean not null default false
);
insert into sandbox.tcmb_feed default values;
