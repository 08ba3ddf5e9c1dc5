-- A tenant the marketplace creates is created under this reseller, so it is related from the
-- start (SPEC B: a new tenant needs no relationship link). Orders placed before that rule left
-- such customers "not accepted yet" in Customers and its status filter; they are related now.
update customer c
set relationship_accepted_at = so.created_at
from (
    select customer_id, min(created_at) as created_at
    from sales_order
    where new_tenant
    group by customer_id
) so
where so.customer_id = c.organisation_id
  and c.relationship_accepted_at is null;
