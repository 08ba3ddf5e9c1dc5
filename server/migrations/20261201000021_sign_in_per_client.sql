-- Wrong passwords now slow down one address for one client (its IP address) instead of locking
-- the address for everyone: five guesses by anyone used to lock the real user out for 15 minutes.
-- An attempt is recorded before its password is checked (succeeded is null while it is being
-- checked, and counts as a failure until then), under an advisory lock on the address and
-- client, so parallel guesses cannot all pass the count before any of them is written.
alter table login_attempt add column client text not null default '';
alter table login_attempt alter column succeeded drop not null;
create index login_attempt_client_idx on login_attempt (email, client, attempted_at desc);
drop index login_attempt_email_idx;
