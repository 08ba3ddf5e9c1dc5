-- Signed webhooks (issue #17): a partner's HTTPS endpoints, the events each one is told about, and
-- every delivery with its attempts, so the Control Panel can show a delivery log per endpoint.
--
-- An event is written as a message (its body exactly as signed and sent) in the transaction of the
-- business action that causes it, with one delivery per subscribed endpoint and the job that sends
-- it: a rolled-back change leaves no message, a committed one cannot lose its delivery.

-- What a partner can be told about. `webhook.test` is what "Send test event" sends; nobody
-- subscribes to it. The names are the `type` of the payload, so they are part of the public API.
create type webhook_event_type as enum (
    'order.submitted',
    'order.awaiting_approval',
    'order.completed',
    'order.failed',
    'subscription.changed',
    'cancellation.requested',
    'cancellation.decided',
    'statement.issued',
    'credit.decided',
    'webhook.test'
);

-- A delivery is pending while its job still tries; succeeded once the endpoint answered 2xx;
-- failed when its attempts ran out or it could not be tried (the endpoint was disabled).
-- "Redeliver" makes it pending again.
create type webhook_delivery_status as enum ('pending', 'succeeded', 'failed');

-- How one attempt ended. Words are chosen when the log is read, in the reader's language; the
-- detail column keeps what the HTTP client or the address check said, for the partner's engineers.
create type webhook_attempt_outcome as enum (
    -- The endpoint answered 2xx.
    'delivered',
    -- It answered, with another status (the status is kept).
    'http_error',
    -- No answer: the host did not resolve, the connection or TLS failed, or it timed out.
    'unreachable',
    -- Its address is private, loopback or link-local while such addresses are not allowed (an
    -- attempt at the internal network; checked after DNS resolution, so rebinding cannot pass).
    'address_refused',
    -- The endpoint was disabled after the event: nothing was sent.
    'endpoint_disabled',
    -- The signing secret does not open with this server's CLOUDMARKET_SECRET_KEY: nothing was sent.
    'secret_unavailable'
);

create table webhook_endpoint (
    endpoint_id  uuid primary key,
    partner_id   uuid not null references partner (organisation_id) on delete cascade,
    url          text not null check (length(url) between 1 and 2048),
    description  text not null default '' check (length(description) <= 200),
    events       webhook_event_type[] not null check (cardinality(events) > 0),
    enabled      boolean not null default true,
    -- The signing secret (`whsec_…`), sealed under CLOUDMARKET_SECRET_KEY for this endpoint: it is
    -- shown once when made and never rests readable.
    secret       bytea not null,
    -- The secret before the last rotation, sealed the same way, still signing until it expires
    -- (Standard Webhooks: both signatures are sent meanwhile, so receivers can switch at leisure).
    previous_secret            bytea,
    previous_secret_expires_at timestamptz,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    check ((previous_secret is null) = (previous_secret_expires_at is null))
);

create index webhook_endpoint_partner on webhook_endpoint (partner_id, created_at);

create trigger webhook_endpoint_updated_at before update on webhook_endpoint
    for each row execute function set_updated_at();

create table webhook_message (
    -- Sent as `webhook-id: msg_<hex>`: the same on every attempt and to every endpoint, so a
    -- receiver recognises a delivery it already processed.
    message_id  uuid primary key,
    partner_id  uuid not null references partner (organisation_id) on delete cascade,
    event_type  webhook_event_type not null,
    -- The JSON payload exactly as signed and sent (text, not jsonb: a signature covers bytes).
    body        text not null,
    created_at  timestamptz not null default now()
);

create index webhook_message_created on webhook_message (created_at);

create table webhook_delivery (
    delivery_id   uuid primary key,
    message_id    uuid not null references webhook_message (message_id) on delete cascade,
    endpoint_id   uuid not null references webhook_endpoint (endpoint_id) on delete cascade,
    status        webhook_delivery_status not null default 'pending',
    -- Bumped by "Redeliver": the job of an earlier round finds it stale and stops.
    round         integer not null default 1 check (round >= 1),
    attempts      integer not null default 0 check (attempts >= 0),
    last_attempt_at timestamptz,
    delivered_at  timestamptz,
    created_at    timestamptz not null default now(),
    unique (message_id, endpoint_id)
);

-- The delivery log: an endpoint's deliveries, newest first.
create index webhook_delivery_log on webhook_delivery (endpoint_id, created_at desc);

create table webhook_attempt (
    attempt_id      bigint generated always as identity primary key,
    delivery_id     uuid not null references webhook_delivery (delivery_id) on delete cascade,
    attempted_at    timestamptz not null default now(),
    outcome         webhook_attempt_outcome not null,
    -- The HTTP status the endpoint answered, if it answered.
    response_status integer,
    duration_ms     integer not null check (duration_ms >= 0),
    -- The start of the endpoint's answer, for the partner to see what it said.
    response_excerpt text check (length(response_excerpt) <= 1000),
    -- What the HTTP client or the address check said (technical, untranslated).
    detail          text check (length(detail) <= 1000)
);

create index webhook_attempt_delivery on webhook_attempt (delivery_id, attempted_at);
