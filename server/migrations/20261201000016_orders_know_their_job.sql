-- The order page said "queued" by looking for the latest job whose JSON payload named the
-- order: a scan of every provisioning and change job, with no index, on each view of an order
-- page. An order now points at its current job (the run being provisioned or changed) by id.
--
-- `on delete set null`: retention deletes finished jobs; an order whose job is gone simply has
-- no job to show. The index serves those deletes (each checks for referencing orders) and the
-- lookups from a job to its order.
alter table sales_order add column current_job_id uuid references job (job_id) on delete set null;

-- Orders placed before this knew their job only through its payload: the latest one wins.
update sales_order so
set current_job_id = latest.job_id
from (
    select distinct on (payload ->> 'order_id') job_id, payload ->> 'order_id' as order_id
    from job
    where kind in ('provision_order', 'change_subscription')
    order by payload ->> 'order_id', created_at desc
) latest
where latest.order_id = so.order_id::text;

create index sales_order_current_job on sales_order (current_job_id) where current_job_id is not null;
