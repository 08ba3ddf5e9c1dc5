-- Credit in use, kept as it changes instead of summed at every checkout.
--
-- `partner_credit_used` summed a partner's open orders, unbilled charges and unpaid statements on
-- every call, and checkout calls it under the partner's lock: the lock was held for a scan that
-- grows with the partner's business (a third of the database time of a checkout in `make bench`,
-- more as orders pile up). Now every change to those rows leaves its effect on the sum as a row in
-- `credit_delta`, written by triggers in the changing transaction (so no code path can forget
-- it), and checkout folds a partner's deltas into `partner.credit_folded` under the lock it
-- already holds. The sum is then the folded total plus the few deltas since the last fold.
--
-- The triggers only insert: they never take the partner's row lock, so the transactions that
-- complete provisioning or bill a month (which lock subscriptions and charges first) cannot
-- deadlock with a checkout (which locks the partner first).

-- The tables are read as they are now and their triggers take over from the same moment: no
-- write may fall between the two.
lock table sales_order, charge, statement in share row exclusive mode;

-- What credit_delta rows have been folded into, by the transaction holding the partner's lock.
alter table partner add column credit_folded numeric(14, 2) not null default 0;

create table credit_delta (
    partner_id uuid not null references partner (organisation_id),
    delta_id   bigint generated always as identity,
    -- Net of VAT, like the limit; negative when something stops counting.
    amount     numeric(14, 2) not null,
    primary key (partner_id, delta_id)
);

-- The definition itself, summed from the rows: what the ledger must always equal. Tests and the
-- soak compare the two; nothing on a hot path calls it.
create function partner_credit_recount(p_partner uuid) returns numeric as $$
    select (
        coalesce((select sum(term_value) from sales_order
                  where partner_id = p_partner and status in ('submitted', 'provisioning', 'provisioning_failed')), 0)
      + coalesce((select sum(amount) from charge where partner_id = p_partner and statement_id is null), 0)
      + coalesce((select sum(subtotal) from statement where partner_id = p_partner and status = 'unpaid'), 0)
    )::numeric(14, 2);
$$ language sql stable;

update partner set credit_folded = partner_credit_recount(organisation_id);

-- Orders not yet provisioned count at term value.
create function sales_order_credit() returns trigger as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        insert into credit_delta (partner_id, amount)
        select partner_id, sum(term_value) from new_orders
        where status in ('submitted', 'provisioning', 'provisioning_failed')
        group by partner_id having sum(term_value) <> 0;
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        insert into credit_delta (partner_id, amount)
        select partner_id, -sum(term_value) from old_orders
        where status in ('submitted', 'provisioning', 'provisioning_failed')
        group by partner_id having sum(term_value) <> 0;
    end if;
    return null;
end;
$$ language plpgsql;

-- Charges count until a statement takes them.
create function charge_credit() returns trigger as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        insert into credit_delta (partner_id, amount)
        select partner_id, sum(amount) from new_charges where statement_id is null
        group by partner_id having sum(amount) <> 0;
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        insert into credit_delta (partner_id, amount)
        select partner_id, -sum(amount) from old_charges where statement_id is null
        group by partner_id having sum(amount) <> 0;
    end if;
    return null;
end;
$$ language plpgsql;

-- Statements count until they are paid.
create function statement_credit() returns trigger as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        insert into credit_delta (partner_id, amount)
        select partner_id, sum(subtotal) from new_statements where status = 'unpaid'
        group by partner_id having sum(subtotal) <> 0;
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        insert into credit_delta (partner_id, amount)
        select partner_id, -sum(subtotal) from old_statements where status = 'unpaid'
        group by partner_id having sum(subtotal) <> 0;
    end if;
    return null;
end;
$$ language plpgsql;

-- Per statement, with the rows it changed: a billing run that bills a month of charges leaves one
-- delta per partner, not one per charge. (A trigger with transition tables serves one event.)
create trigger sales_order_credit_insert after insert on sales_order
    referencing new table as new_orders for each statement execute function sales_order_credit();
create trigger sales_order_credit_update after update on sales_order
    referencing old table as old_orders new table as new_orders for each statement execute function sales_order_credit();
create trigger sales_order_credit_delete after delete on sales_order
    referencing old table as old_orders for each statement execute function sales_order_credit();
create trigger charge_credit_insert after insert on charge
    referencing new table as new_charges for each statement execute function charge_credit();
create trigger charge_credit_update after update on charge
    referencing old table as old_charges new table as new_charges for each statement execute function charge_credit();
create trigger charge_credit_delete after delete on charge
    referencing old table as old_charges for each statement execute function charge_credit();
create trigger statement_credit_insert after insert on statement
    referencing new table as new_statements for each statement execute function statement_credit();
create trigger statement_credit_update after update on statement
    referencing old table as old_statements new table as new_statements for each statement execute function statement_credit();
create trigger statement_credit_delete after delete on statement
    referencing old table as old_statements for each statement execute function statement_credit();

-- Credit in use (see the billing migration for what counts): the folded total and the deltas
-- since. Every reader keeps calling this.
create or replace function partner_credit_used(p_partner uuid) returns numeric as $$
    select (coalesce((select credit_folded from partner where organisation_id = p_partner), 0)
          + coalesce((select sum(amount) from credit_delta where partner_id = p_partner), 0))::numeric(14, 2);
$$ language sql stable;

-- Folds the partner's deltas into its total and returns the credit in use. Called under the
-- partner's row lock (checkout, a licence change), in a statement of its own after the lock was
-- taken, so that it sees every delta committed by whoever held the lock before.
create function fold_partner_credit(p_partner uuid) returns numeric as $$
    with folded as (
        delete from credit_delta where partner_id = p_partner returning amount
    )
    update partner set credit_folded = credit_folded + coalesce((select sum(amount) from folded), 0)
    where organisation_id = p_partner
    returning credit_folded;
$$ language sql volatile;
