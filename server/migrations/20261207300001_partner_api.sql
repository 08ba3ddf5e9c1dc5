-- The partner API (/api/v1): keys a partner creates in the Control Panel, the idempotency of
-- every POST and PATCH, and the key as an actor in the audit log.

-- What a key may do. Reading covers the catalog, customers, orders and subscriptions; each other
-- scope is one kind of change, or (billing) the partner's money.
create type api_scope as enum ('read', 'orders', 'subscriptions', 'billing');

-- A partner's API key. Only the SHA-256 of the token is kept (the token carries 256 random bits,
-- so a slow hash adds nothing): the token is shown once, when the key is made. A browser without
-- JavaScript gets it on the page it is sent to next, so until then it rests sealed
-- (ChaCha20-Poly1305 under CLOUDMARKET_SECRET_KEY, bound to the key's id) and is wiped as it is
-- shown, or after 15 minutes unseen.
create table api_key (
    api_key_id    uuid primary key,
    partner_id    uuid not null references partner (organisation_id),
    name          text not null check (length(trim(name)) between 1 and 100),
    -- The token's first characters, shown in lists so a partner can tell its keys apart.
    token_prefix  text not null,
    token_hash    bytea not null check (length(token_hash) = 32),
    scopes        api_scope[] not null check (cardinality(scopes) > 0),
    -- The language the key's error messages are worded in when a call names none (Accept-Language).
    language      language not null default 'en',
    -- The partner admin who made the key: the orders it places are theirs, as the Control Panel's are.
    created_by    uuid not null references app_user (user_id),
    created_at    timestamptz not null default now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    revoked_by    uuid references app_user (user_id),
    token_sealed  bytea,
    constraint api_key_token_hash_key unique (token_hash)
);
create index api_key_partner_idx on api_key (partner_id, created_at desc);

-- Who did what: a call made with a key names the key, beside the partner admin it acts for.
alter table audit_log add column actor_api_key_id uuid references api_key (api_key_id);
create index audit_log_api_key_idx on audit_log (actor_api_key_id, occurred_at desc)
    where actor_api_key_id is not null;

-- `Idempotency-Key` on every POST and PATCH of the API: the first request with a key is
-- remembered with a hash of what it asked (method, path, body) and, once it succeeded, its
-- answer. The same key again with the same request gets that answer; with another request, a
-- refusal. A request that failed leaves nothing, so it can be retried with its key. Keys are
-- per partner and kept for 24 hours.
create table api_idempotency (
    partner_id      uuid not null references partner (organisation_id),
    idempotency_key text not null check (length(idempotency_key) between 1 and 255),
    request_hash    bytea not null check (length(request_hash) = 32),
    -- Null while the first request is still being answered.
    response_status smallint,
    response_body   bytea,
    response_location text,
    created_at      timestamptz not null default now(),
    primary key (partner_id, idempotency_key)
);
create index api_idempotency_created_idx on api_idempotency (created_at);
