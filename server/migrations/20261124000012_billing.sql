-- Billing (SPEC J): a charge for every billable event (a purchase, an increase, a renewal, a
-- refund), monthly statements per partner with KDV that credit control marks paid, and the
-- partners' retail markups for their customers.

create type charge_kind as enum ('purchase', 'increase', 'renewal', 'refund');
create type statement_status as enum ('unpaid', 'paid');

create table statement (
    statement_id     uuid primary key,
    statement_number bigint generated always as identity (start with 5001) unique,
    partner_id       uuid not null references partner (organisation_id),
    -- The month billed, as its first day.
    period           date not null check (extract(day from period) = 1),
    -- Net of VAT: the sum of the statement's charges; refunds can make it negative.
    subtotal         numeric(14, 2) not null,
    vat              numeric(14, 2) not null,
    total            numeric(14, 2) not null,
    currency         char(3) not null,
    status           statement_status not null default 'unpaid',
    issued_at        timestamptz not null,
    paid_at          timestamptz,
    payment_reference text,
    recorded_by      uuid references app_user (user_id),
    -- One statement per partner and month: a billing run repeated, or two at once, finds it.
    constraint statement_one_per_period unique (partner_id, period),
    constraint statement_total_is_subtotal_plus_vat check (total = subtotal + vat)
);
-- Unpaid statements count against the credit limit at every checkout.
create index statement_unpaid_idx on statement (partner_id) include (subtotal) where status = 'unpaid';

create table charge (
    charge_id       bigint generated always as identity primary key,
    partner_id      uuid not null references partner (organisation_id),
    customer_id     uuid not null references customer (organisation_id),
    subscription_id uuid not null references subscription (subscription_id),
    order_id        uuid references sales_order (order_id),
    kind            charge_kind not null,
    description     text not null,
    quantity        integer not null,
    -- The days the charge pays for (end exclusive).
    service_start   date not null,
    service_end     date not null,
    -- The distributor's price, net of VAT; a refund is negative.
    amount          numeric(14, 2) not null,
    currency        char(3) not null,
    occurred_at     timestamptz not null,
    -- Names the event ("purchase:<subscription>", "order:<order>", "renewal:<subscription>:<day>"):
    -- processing an event again never charges twice.
    source_key      text not null,
    statement_id    uuid references statement (statement_id),
    constraint charge_once_per_event unique (source_key)
);
-- Unbilled charges count against the credit limit, and the billing run takes them by month.
create index charge_unbilled_idx on charge (partner_id, occurred_at) include (amount) where statement_id is null;
create index charge_statement_idx on charge (statement_id);
create index charge_spend_idx on charge (partner_id, occurred_at);

-- A partner's markup on the distributor's price: what its customers see in the portal.
create table partner_price (
    partner_id     uuid not null references partner (organisation_id),
    product_id     uuid not null references product (product_id),
    markup_percent numeric(5, 2) not null check (markup_percent between 0 and 500),
    updated_at     timestamptz not null default now(),
    primary key (partner_id, product_id)
);

-- Credit in use: orders not yet provisioned at term value, charges not yet on a statement, and
-- unpaid statements (all net of VAT, like the limit). A completed order counts through its
-- charges from the moment it completes (same transaction), so nothing is counted twice or lost.
create or replace function partner_credit_used(p_partner uuid) returns numeric as $$
    select (
        coalesce((select sum(term_value) from sales_order
                  where partner_id = p_partner and status in ('submitted', 'provisioning', 'provisioning_failed')), 0)
      + coalesce((select sum(amount) from charge where partner_id = p_partner and statement_id is null), 0)
      + coalesce((select sum(subtotal) from statement where partner_id = p_partner and status = 'unpaid'), 0)
    )::numeric(14, 2);
$$ language sql stable;

-- Subscriptions active before billing existed are charged for their current term once.
insert into charge (partner_id, customer_id, subscription_id, order_id, kind, description, quantity,
                    service_start, service_end, amount, currency, occurred_at, source_key)
select so.partner_id, s.customer_id, s.subscription_id, so.order_id, 'purchase', p.name, s.quantity,
       (s.term_start at time zone 'UTC')::date, (s.term_end at time zone 'UTC')::date, l.line_total, so.currency,
       s.term_start, 'purchase:' || s.subscription_id
from subscription s
join sales_order so on so.order_id = s.order_id
join order_line l on l.order_id = s.order_id and l.product_id = s.product_id
join product p on p.product_id = s.product_id
where s.status = 'active' and s.term_start is not null;
