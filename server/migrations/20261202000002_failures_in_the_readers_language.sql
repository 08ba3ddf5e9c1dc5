-- A failed provisioning kept its reason and fix as English sentences, so a Turkish partner read
-- English, and rewording a message never reached an old order. The order now keeps only what
-- Partner Center said: its code (failure_code, already here) and its description
-- (failure_detail). The reason and the fix are worded from them when the order is read, in the
-- reader's language.
alter table sales_order add column failure_detail text;

-- Orders that failed before this keep their old sentence as the vendor's description: the code
-- still picks the reason and the fix; only a code without a message of its own shows it.
update sales_order set failure_detail = failure_reason where failure_reason is not null;

alter table sales_order drop column failure_reason, drop column failure_fix;
