-- Every amount is read with its currency into `domain::Currency`, which only holds an ISO 4217
-- code: three capital letters. A `char(3)` column alone would also take 'usd' or 'U  ' and the
-- page would then fail to load rather than the write that stored it. The same rule here makes
-- the bad write the one that fails, with the constraint's name saying why.
alter table partner add constraint partner_currency_code check (currency ~ '^[A-Z]{3}$');
alter table product_price add constraint product_price_currency_code check (currency ~ '^[A-Z]{3}$');
alter table sales_order add constraint sales_order_currency_code check (currency ~ '^[A-Z]{3}$');
alter table statement add constraint statement_currency_code check (currency ~ '^[A-Z]{3}$');
alter table charge add constraint charge_currency_code check (currency ~ '^[A-Z]{3}$');
