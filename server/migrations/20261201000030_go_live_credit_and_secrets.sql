-- Going live (SPEC §7): credit checked on every order, seat limits per product, and no secret
-- stored readable.

-- Microsoft sells some plans only up to a number of seats per tenant (Microsoft 365 Business
-- Basic, Standard and Premium: 300). The catalog says so per product, so checkout, the cart and
-- "Manage Subscription" refuse more before Partner Center would. Products without a vendor limit
-- keep the marketplace's own (a quantity is at most 10,000 everywhere).
alter table product add column max_seats integer not null default 10000
    constraint product_max_seats_range check (max_seats between 1 and 10000);

-- A mail may carry one secret: a new partner's set-password link, or a new tenant's one-time
-- admin password. The body keeps a slot where it goes; the secret itself rests only sealed
-- (ChaCha20-Poly1305 under CLOUDMARKET_SECRET_KEY, bound to the row), and is wiped once the mail
-- is delivered. The kind stays, so staff can see what a mail carried without reading it.
create type mail_secret_kind as enum ('set_password_link', 'admin_password');
alter table email_outbox
    add column secret_kind mail_secret_kind,
    add column secret bytea,
    add constraint email_outbox_secret_has_kind check (secret is null or secret_kind is not null);

-- Mail queued before this carried its secrets in clear (partners' temporary passwords, tenants'
-- one-time passwords): they are struck out. Only demo databases hold such mail (nothing went live
-- before this); a tenant's admin resets a lost password at Microsoft.
update email_outbox
set body_text = regexp_replace(body_text, '(Temporary password: |one-time password )\S+',
                               '\1(removed: no secret is kept in the outbox)', 'g')
where body_text ~ '(Temporary password: |one-time password )\S+';

-- A new partner admin sets its own password through a single-use link that expires; only the
-- token's SHA-256 is stored. Using it, or a later link, ends the others (`used_at`).
create table password_link (
    token_hash bytea primary key check (length(token_hash) = 32),
    user_id    uuid not null references app_user (user_id) on delete cascade,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at    timestamptz
);
create index password_link_user_idx on password_link (user_id);

-- Sessions live in the session store, which cannot be searched by user. Each session remembers
-- the user's epoch at sign-in; a password change or reset moves the epoch on, and every other
-- session of that user is signed out at its next request.
alter table app_user add column session_epoch integer not null default 0;

-- A new tenant's one-time admin password waits for "View Password" sealed like the outbox's
-- secrets, no longer in clear. Passwords kept in clear until now are dropped with the column: the
-- tenant's admin resets one at Microsoft if it was never viewed.
alter table sales_order add column admin_password_sealed bytea;
alter table sales_order drop column admin_password;
