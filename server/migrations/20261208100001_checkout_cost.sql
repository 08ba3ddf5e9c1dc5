-- What a checkout costs the database (profiled with pg_stat_statements and perf under `make
-- bench`). SQL-language functions that are not inlined are parsed and planned again for every
-- query that calls them; PL/pgSQL keeps each statement's plan for the session. Both functions
-- below run in every checkout, and market_now() in most pages.

-- Folds the partner's deltas into its total and returns the credit in use. Called under the
-- partner's row lock (checkout, a licence change). Checkout calls it in the very statement that
-- takes the lock, in the projection after the lock is held. That is correct because the function
-- is volatile: each statement in it runs on a snapshot of its own, taken after the lock was
-- granted, so it sees every delta committed by whoever held the lock before (the calling
-- statement's snapshot, taken before it waited, does not).
--
-- With nothing to fold (or deltas summing to zero) the partner's row is only read: every update
-- leaves a dead version of the one row all of the partner's checkouts lock.
create or replace function fold_partner_credit(p_partner uuid) returns numeric as $$
declare
    folded_amount numeric;
    used numeric;
begin
    with folded as (
        delete from credit_delta where partner_id = p_partner returning amount
    )
    select sum(amount) into folded_amount from folded;
    if coalesce(folded_amount, 0) = 0 then
        select credit_folded into used from partner where organisation_id = p_partner;
    else
        update partner set credit_folded = credit_folded + folded_amount where organisation_id = p_partner
        returning credit_folded into used;
    end if;
    return used;
end;
$$ language plpgsql volatile;

-- The marketplace's clock, unchanged in meaning (see 20261201000020): PL/pgSQL only so that
-- its query is planned once per session instead of in every statement that reads the clock.
create or replace function market_now() returns timestamptz as $$
begin
    if current_setting('cloudmarket.sandbox_clock', true) = 'on' then
        return now() + coalesce((select offset_by from sandbox.clock), interval '0');
    end if;
    return now();
end;
$$ language plpgsql stable;
