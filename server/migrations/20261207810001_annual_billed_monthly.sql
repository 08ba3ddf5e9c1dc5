-- Microsoft sells an annual term billed monthly (5 % more than paying the year up front, since
-- 2025-04-01): a third billing option. A value added to an enum cannot be used in the transaction
-- that adds it, and sqlx runs each migration in one, so this file only adds it and the next one
-- (prices, seeds, term lengths) uses it.
alter type billing_cycle add value if not exists 'annual_monthly';
-- The charge of each month of such a term after its first (the first is its purchase or renewal).
alter type charge_kind add value if not exists 'month';
