-- Live progress and what a completed order hands over.
--
-- Every server process relays progress notifications to the browsers it serves, and must decide
-- per browser whether the order is theirs. Carrying the order's number, owners and status in the
-- payload lets it do that without a query per event per connection. `progress_id` doubles as the
-- stream's event id: a browser that reconnects asks for what came after the last one it saw.
create or replace function order_progress_notify() returns trigger as $$
begin
    perform pg_notify('order_progress', json_build_object(
        'id', new.progress_id,
        'order_number', so.order_number,
        'partner_id', so.partner_id,
        'customer_id', so.customer_id,
        'status', so.status,
        'step', new.step,
        'percent', new.percent)::text)
    from sales_order so where so.order_id = new.order_id;
    return new;
end;
$$ language plpgsql;

-- A new tenant's one-time admin password: kept only until the partner views it once ("View
-- Password"), then wiped. It is also in the completion e-mail, which is the customer's copy.
alter table sales_order add column admin_password text,
    add column admin_password_viewed_at timestamptz;

-- The sandbox answers a retried tenant creation with the credentials it made the first time,
-- as it answers with the same tenant.
alter table sandbox.tenant add column admin_password text;

-- Replays after a reconnect read progress newer than an id, for the orders a user may see.
create index order_progress_recent_idx on order_progress (recorded_at);
