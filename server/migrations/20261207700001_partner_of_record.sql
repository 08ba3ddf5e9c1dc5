-- Microsoft's Partner-of-Record rule (2025): the Partner ID named on an indirect order must be an
-- active indirect reseller authorised for this distributor, as Partner Center's
-- `validateresellers` answers, for new orders and for every change (not for auto-renewal). Orders
-- and changes ask at the moment they are placed; a nightly job asks for every partner's own
-- Partner ID, so a partner hears of a lapse on its Control Panel before an order is refused.

-- Why Microsoft does not accept a Partner ID; a valid one has no reason.
create type partner_of_record_refusal as enum ('inactive', 'not_authorised', 'not_found');

-- The latest nightly answer for the partner's Partner ID. Columns on the partner rather than a
-- history table: only the latest answer warns anyone, and the job's own rows date the runs.
-- The ID that was checked is kept because the partner's Partner ID can change afterwards: an
-- answer about an old ID must not warn about the new one.
alter table partner
    add column partner_of_record_checked_at timestamptz,
    add column partner_of_record_checked_id text,
    add column partner_of_record_refusal    partner_of_record_refusal,
    add constraint partner_of_record_answer_is_whole check (
        (partner_of_record_checked_at is null) = (partner_of_record_checked_id is null)
        and (partner_of_record_refusal is null or partner_of_record_checked_at is not null));
