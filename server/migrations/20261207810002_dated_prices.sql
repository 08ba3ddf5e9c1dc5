-- Dated price lists (issue #19). Microsoft announces list price changes ahead of their date, and
-- a new-commerce subscription keeps the price it was bought (or renewed) at for its whole term. So
-- a price row is the price from a day on; the price in effect at a date is the latest row on or
-- before it; and a subscription remembers the price of its term.

-- Every price so far has been the price "since always": dated well in the past, so orders, tests
-- and reports at any market date keep finding it.
alter table product_price add column effective_from date not null default '2020-01-01';
alter table product_price alter column effective_from drop default;
alter table product_price drop constraint product_price_pkey;
alter table product_price add primary key (product_id, billing_cycle, effective_from);

-- "Annual, billed monthly" is per licence per month: 1.05 × the annual price ÷ 12, rounded half
-- up to the cent (numeric round() rounds halves away from zero, which for prices is half up).
-- Derived for every annual price already listed; a price list import may set it otherwise.
insert into product_price (product_id, billing_cycle, unit_price, currency, effective_from)
select product_id, 'annual_monthly', round(unit_price * 1.05 / 12, 2), currency, effective_from
from product_price where billing_cycle = 'annual'
on conflict do nothing;

-- The prices in effect now (the market's date: the sandbox's clock in the demo), one per product
-- and billing option: what the catalog shows, the cart lists and checkout charges.
create view product_price_now as
select distinct on (product_id, billing_cycle) product_id, billing_cycle, unit_price, currency, effective_from
from product_price
where effective_from <= (market_now() at time zone 'UTC')::date
order by product_id, billing_cycle, effective_from desc;

-- The price in effect on a given day for one product and option (a renewal's day, an import's
-- date); none before the product's first price.
create function price_in_effect(p_product uuid, p_cycle billing_cycle, p_on date)
returns table (unit_price numeric, currency char(3)) as $$
    select unit_price, currency from product_price
    where product_id = p_product and billing_cycle = p_cycle and effective_from <= p_on
    order by effective_from desc limit 1
$$ language sql stable;

-- How long a term of each option runs, and how much of it one charge covers: an annual term
-- billed monthly runs a year and is charged a month at a time.
create function term_length(cycle billing_cycle) returns interval as $$
    select case when cycle = 'monthly' then interval '1 month' else interval '1 year' end
$$ language sql immutable;
create function charge_length(cycle billing_cycle) returns interval as $$
    select case when cycle = 'annual' then interval '1 year' else interval '1 month' end
$$ language sql immutable;

-- The price of the subscription's current term, per licence per charge (a month for monthly and
-- annual billed monthly, a year for annual): set at purchase from the order line and at each
-- renewal from the price in effect that day, so price changes reach a subscription at renewal
-- only and mid-term seat increases cost what the term's seats cost. Existing subscriptions take
-- their order line's price.
alter table subscription add column unit_price numeric(12, 2);
update subscription s set unit_price = l.unit_price
from order_line l where l.order_id = s.order_id and l.product_id = s.product_id;
update subscription s set unit_price = p.unit_price
from product_price p
where s.unit_price is null and p.product_id = s.product_id and p.billing_cycle = s.billing_cycle;
update subscription set unit_price = 0 where unit_price is null;
alter table subscription alter column unit_price set not null;

-- The monthly charges of annual terms billed monthly are found by this index: active ones only.
create index subscription_billed_monthly_idx on subscription (term_start)
    where billing_cycle = 'annual_monthly' and status in ('active', 'pending_cancellation');

-- A renewal price notice is sent once per renewal (a subscription's term end), however often
-- the hourly job looks: this row is written with the mails, in their transaction.
create table renewal_price_notice (
    subscription_id uuid not null references subscription (subscription_id),
    renews_at       timestamptz not null,
    old_unit_price  numeric(12, 2) not null,
    new_unit_price  numeric(12, 2) not null,
    sent_at         timestamptz not null default now(),
    primary key (subscription_id, renews_at)
);
