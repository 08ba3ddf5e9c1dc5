-- The renewal job takes due subscriptions one at a time (each in its own transaction, with
-- SKIP LOCKED so several workers share the work); without this index each take scans every
-- subscription.
create index subscription_renewal_due_idx on subscription (term_end) where status = 'active';
