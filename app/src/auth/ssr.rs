//! Server side of authentication: password hashing, sessions, throttling and role checks.

use std::sync::LazyLock;

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use serde_json::json;
use sqlx::{PgExecutor, PgPool};
use tower_sessions::Session;
use uuid::Uuid;

use super::{ActingAs, EmailAddress, Me, NewPassword, Permission, Role, landing_for};
use crate::i18n::{Locale, Say};
use crate::{
    audit::{self, AuditEntry},
    error::{
        AppError,
        ssr::{internal, is_plain_form_post},
    },
    limits::Client,
    state::{AppState, app_state},
};

/// The session key holding the signed-in user's id.
pub const SESSION_USER_KEY: &str = "user_id";
/// The session key holding the customer whose portal a partner admin has opened.
const SESSION_ACTING_AS_KEY: &str = "acting_as";
/// The session key holding the user's session epoch at sign-in: a session from before the last
/// password change or reset is signed out (see [`user_from_session`]).
const SESSION_EPOCH_KEY: &str = "epoch";

/// How long a set-password link works.
pub const PASSWORD_LINK_HOURS: i32 = 72;

/// Stored for an account whose password is set through a link: no password verifies against
/// it (it is not a password hash), so nobody can sign in before the link is used.
pub const NO_PASSWORD_YET: &str = "!set-through-a-link";

/// The signed-in user as the server sees it.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub user_id: Uuid,
    pub organisation_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_name: String,
    pub must_change_password: bool,
    /// Moves on with every password change or reset; sessions remember it at sign-in.
    pub session_epoch: i32,
}

impl AuthUser {
    pub fn to_me(&self) -> Me {
        Me {
            user_id: self.user_id,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            organisation_name: self.organisation_name.clone(),
            must_change_password: self.must_change_password,
            acting_as: None,
        }
    }
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| internal("hashing a password", e))
}

fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Verified against when the address is unknown, so a wrong address costs as much time as a
/// wrong password and response times do not reveal which accounts exist.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(b"not-a-real-password", &salt).map(|hash| hash.to_string()).unwrap_or_default()
});

/// Argon2 takes tens of milliseconds of CPU and 19 MiB: off the async executor, and only as many
/// at once as the process's limits allow (`limits::Limits::hashing`).
async fn verify_password_blocking(hash: Option<String>, password: String) -> Result<bool, AppError> {
    app_state()?
        .limits
        .hashing(move || match hash {
            Some(hash) if PasswordHash::new(&hash).is_ok() => verify_password(&hash, &password),
            // Unknown, or no password yet (set through a link): as slow as a wrong password.
            _ => {
                verify_password(&DUMMY_HASH, &password);
                false
            }
        })
        .await
}

async fn hash_password_blocking(password: String) -> Result<String, AppError> {
    app_state()?.limits.hashing(move || hash_password(&password)).await?
}

#[tracing::instrument(name = "auth.load_user", skip(db))]
pub async fn load_user(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<Option<AuthUser>, sqlx::Error> {
    sqlx::query_as!(
        AuthUser,
        r#"select u.user_id, u.organisation_id, u.email, u.display_name, u.role as "role: Role",
                  o.name as organisation_name, u.must_change_password, u.session_epoch
           from app_user u join organisation o using (organisation_id)
           where u.user_id = $1"#,
        user_id
    )
    .fetch_optional(db)
    .await
}

struct LoginRow {
    user_id: Uuid,
    password_hash: String,
    role: Role,
    must_change_password: bool,
    session_epoch: i32,
}

async fn find_login(db: impl PgExecutor<'_>, email: &EmailAddress) -> Result<Option<LoginRow>, sqlx::Error> {
    sqlx::query_as!(
        LoginRow,
        r#"select user_id, password_hash, role as "role: Role", must_change_password, session_epoch
           from app_user where email = $1"#,
        email.as_ref()
    )
    .fetch_optional(db)
    .await
}

/// Wrong passwords (and attempts still being checked) for `email` from `client` inside the
/// window, since that client's last success there.
async fn recent_failures(
    db: impl PgExecutor<'_>,
    email: &EmailAddress,
    client: &str,
    window_minutes: i64,
) -> Result<i64, sqlx::Error> {
    let count = sqlx::query_scalar!(
        r#"select count(*) as "count!" from login_attempt
           where email = $1 and client = $2 and succeeded is not true
             and attempted_at > now() - make_interval(mins => $3::int)
             -- A success resets the count: only failures after the last success matter.
             and attempted_at > coalesce(
                 (select max(attempted_at) from login_attempt where email = $1 and client = $2 and succeeded),
                 '-infinity')"#,
        email.as_ref(),
        client,
        window_minutes as i32
    )
    .fetch_one(db)
    .await?;
    Ok(count)
}

/// Records an attempt about to be checked, if `client` has not used up its wrong passwords for
/// `email`: the count and the insert run under one advisory lock on the pair, so of any number
/// of parallel guesses at most `max_failures` get their password checked.
async fn reserve_attempt(
    pool: &PgPool,
    email: &EmailAddress,
    client: &str,
    max_failures: i64,
    window_minutes: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('login_attempt:' || $1 || ' ' || $2, 0))",
        email.as_ref(),
        client
    )
    .execute(&mut *tx)
    .await?;
    if recent_failures(&mut *tx, email, client, window_minutes).await? >= max_failures {
        return Ok(None);
    }
    let attempt_id = sqlx::query_scalar!(
        "insert into login_attempt (email, client, succeeded) values ($1, $2, null) returning attempt_id",
        email.as_ref(),
        client
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(attempt_id))
}

/// The outcome of a reserved attempt.
async fn settle_attempt(db: impl PgExecutor<'_>, attempt_id: i64, succeeded: bool) -> Result<(), sqlx::Error> {
    sqlx::query!("update login_attempt set succeeded = $2 where attempt_id = $1", attempt_id, succeeded)
        .execute(db)
        .await?;
    Ok(())
}

/// The client of the current request for the per-IP limits: the TCP peer (see `limits`).
async fn client_of_request() -> Client {
    match leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>().await {
        Ok(axum::extract::ConnectInfo(peer)) => Client::of(peer.ip()),
        Err(_) => {
            // Only a router served without connect info gets here: its clients share one allowance.
            tracing::warn!("no peer address for a sign-in; counting it as 0.0.0.0");
            Client::of(std::net::Ipv4Addr::UNSPECIFIED.into())
        }
    }
}

/// Deletes sign-in attempts older than `older_than` (retention). The caller keeps `older_than`
/// longer than the sign-in window: within it the attempts are what refuses a guessed password.
pub async fn purge_login_attempts(
    db: impl PgExecutor<'_>,
    older_than: sqlx::postgres::types::PgInterval,
) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query!("delete from login_attempt where attempted_at < now() - $1::interval", older_than)
        .execute(db)
        .await?;
    Ok(deleted.rows_affected())
}

/// Audits something a user did to their own account (sign-in, sign-out, password change).
async fn audit_own_account(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let entry = AuditEntry {
        actor: Some(user_id),
        acting_as: None,
        action,
        target_type: "user",
        target_id: user_id.to_string(),
        detail,
    };
    audit::record(db, entry).await
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| internal("reading the session", e))
}

/// The language a user's mail is written in, as they last chose it with the language switch.
pub async fn remember_language(db: impl PgExecutor<'_>, user_id: Uuid, language: Locale) -> Result<(), sqlx::Error> {
    sqlx::query!("update app_user set language = $2 where user_id = $1", user_id, language as Locale)
        .execute(db)
        .await?;
    Ok(())
}

/// The user behind the current request's session, if any.
pub async fn current_user(pool: &PgPool) -> Result<Option<AuthUser>, AppError> {
    if let Some(user) = guarded_user() {
        return Ok(Some(user));
    }
    user_from_session(pool, &session().await?).await
}

/// The user the page guard (`server/src/guard.rs`) found for this request, kept in the request's
/// extensions: a page's render asks who is calling in every server function it calls (the
/// layout, the page, its cart…), and each would otherwise load the same row again. Only page
/// requests carry it, and a page's render changes no session (signing in or out is a post to a
/// server function of its own), so it cannot go stale within the request.
#[derive(Clone, Debug)]
pub struct GuardedUser(pub AuthUser);

fn guarded_user() -> Option<AuthUser> {
    leptos::prelude::use_context::<http::request::Parts>()?
        .extensions
        .get::<GuardedUser>()
        .map(|guarded| guarded.0.clone())
}

/// A session opened before the user's password last changed (or was reset) is signed out here:
/// that is how a password change ends every other session of its user.
pub async fn user_from_session(pool: &PgPool, session: &Session) -> Result<Option<AuthUser>, AppError> {
    let user_id: Option<Uuid> =
        with_session(pool, "reading the session", || session.get::<Uuid>(SESSION_USER_KEY)).await?;
    let Some(id) = user_id else { return Ok(None) };
    let Some(user) = load_user(pool, id).await? else { return Ok(None) };
    // Sessions from before epochs existed count as epoch 0, the epoch every user started at.
    let epoch: i32 =
        with_session(pool, "reading the session", || session.get::<i32>(SESSION_EPOCH_KEY)).await?.unwrap_or(0);
    if epoch != user.session_epoch {
        with_session(pool, "ending an outdated session", || session.flush()).await?;
        return Ok(None);
    }
    Ok(Some(user))
}

/// How long a session operation waits for a database that went away to answer again.
const SESSION_PATIENCE: std::time::Duration = std::time::Duration::from_secs(3);

/// Reads or writes the session (kept in the database) through a database restart. The store
/// says only "backend error", so after a failure the database itself is asked: once it answers
/// again (a restart takes a second or two, and the pool's connections were cut by it) the
/// operation is tried once more. A database still silent after [`SESSION_PATIENCE`] is 503
/// (try again), a failure while it answers a fault of ours.
pub async fn with_session<T, F, Fut>(pool: &PgPool, doing: &str, operation: F) -> Result<T, AppError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, tower_sessions::session::Error>>,
{
    let first = match operation().await {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    let give_up = tokio::time::Instant::now() + SESSION_PATIENCE;
    loop {
        let probe =
            tokio::time::timeout(std::time::Duration::from_secs(1), sqlx::query("select 1").execute(pool)).await;
        if matches!(probe, Ok(Ok(_))) {
            return operation().await.map_err(|again| internal(doing, format!("{first}; again: {again}")));
        }
        if tokio::time::Instant::now() >= give_up {
            tracing::warn!(error = %first, "{doing}: the database is unreachable");
            return Err(AppError::Unavailable);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Why an axum handler got no [`SignedIn`] user.
#[derive(Debug)]
pub enum SignInRejection {
    /// No session, or a temporary password not yet replaced (it opens nothing but that form).
    SignedOut,
    /// Already logged with its context.
    Failed,
    /// The database did not answer (see [`with_session`]).
    Unavailable,
}

impl axum::response::IntoResponse for SignInRejection {
    fn into_response(self) -> axum::response::Response {
        use axum::http::StatusCode;
        match self {
            Self::SignedOut => (StatusCode::UNAUTHORIZED, "Sign in first.").into_response(),
            Self::Failed => (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.").into_response(),
            Self::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                [(axum::http::header::RETRY_AFTER, "1")],
                "The marketplace is briefly unavailable. Try again in a moment.",
            )
                .into_response(),
        }
    }
}

/// The caller of an axum handler (downloads, the event stream): the signed-in user from the
/// session, the same way server functions get theirs from [`caller`]. Handlers that must answer
/// a signed-out visitor differently take `Result<SignedIn, SignInRejection>`.
#[derive(Clone, Debug)]
pub struct SignedIn(pub AuthUser);

impl SignedIn {
    /// The user, if it holds `permission` (see `auth::policy`).
    pub fn holding(self, permission: Permission) -> Option<AuthUser> {
        permission.allows(self.0.role).then_some(self.0)
    }
}

impl<S> axum::extract::FromRequestParts<S> for SignedIn
where
    AppState: axum::extract::FromRef<S>,
    S: Send + Sync,
{
    type Rejection = SignInRejection;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = <AppState as axum::extract::FromRef<S>>::from_ref(state);
        let session = Session::from_request_parts(parts, &state).await.map_err(|(_, message)| {
            tracing::error!(message, "no session layer in front of a handler that needs one");
            SignInRejection::Failed
        })?;
        match user_from_session(&state.pool, &session).await {
            Ok(Some(user)) if !user.must_change_password => Ok(Self(user)),
            Ok(_) => Err(SignInRejection::SignedOut),
            Err(AppError::Unavailable) => Err(SignInRejection::Unavailable),
            Err(_) => Err(SignInRejection::Failed),
        }
    }
}

/// The caller of a server function, if it holds `permission`, with the state: every server
/// function that reads or changes data starts here (hiding a link is not a permission check).
/// The roles come from the policy table (`auth::policy`).
pub async fn caller(permission: Permission) -> Result<(AuthUser, AppState), AppError> {
    let state = app_state()?;
    let user = current_user(&state.pool).await?.ok_or(AppError::Unauthenticated)?;
    // A temporary password may be used for nothing but choosing a new one.
    if user.must_change_password || !permission.allows(user.role) {
        return Err(AppError::Forbidden);
    }
    Ok((user, state))
}

/// Who acts for a customer in its portal: its own admin, or a partner admin of its partner who
/// opened the portal from Control Panel → Customers (then audit entries carry `acting_as`).
#[derive(Clone, Debug)]
pub struct CustomerActor {
    pub user: AuthUser,
    pub customer_id: Uuid,
    pub impersonating: bool,
}

impl CustomerActor {
    /// For [`crate::audit::AuditEntry::acting_as`].
    pub fn acting_as(&self) -> Option<Uuid> {
        self.impersonating.then_some(self.customer_id)
    }
}

/// The customer a partner admin is acting as. Checked against the partner's customers on every
/// request, so a customer moved to another partner is out of reach at once.
pub async fn acting_as(pool: &PgPool, session: &Session, user: &AuthUser) -> Result<Option<ActingAs>, AppError> {
    if user.role != Role::PartnerAdmin {
        return Ok(None);
    }
    let customer: Option<Uuid> =
        with_session(pool, "reading the session", || session.get::<Uuid>(SESSION_ACTING_AS_KEY)).await?;
    let Some(customer) = customer else { return Ok(None) };
    Ok(sqlx::query_as!(
        ActingAs,
        "select organisation_id as customer_id, name as customer_name from organisation
         where organisation_id = $1 and kind = 'customer' and parent_id = $2",
        customer,
        user.organisation_id
    )
    .fetch_optional(pool)
    .await?)
}

/// The customer-portal caller: a customer admin for its own company, or a partner admin acting
/// as one of its customers. Every portal server function starts here; the customer comes from
/// the session, never from the request.
pub async fn customer_caller() -> Result<(CustomerActor, AppState), AppError> {
    let state = app_state()?;
    let session = session().await?;
    let user = match guarded_user() {
        Some(user) => user,
        None => user_from_session(&state.pool, &session).await?.ok_or(AppError::Unauthenticated)?,
    };
    if user.must_change_password {
        return Err(AppError::Forbidden);
    }
    if !Permission::ActForCustomer.allows(user.role) {
        return Err(AppError::Forbidden);
    }
    match user.role {
        Role::CustomerAdmin => {
            Ok((CustomerActor { customer_id: user.organisation_id, impersonating: false, user }, state))
        }
        Role::PartnerAdmin => {
            let acting = acting_as(&state.pool, &session, &user).await?.ok_or(AppError::Forbidden)?;
            Ok((CustomerActor { customer_id: acting.customer_id, impersonating: true, user }, state))
        }
        _ => Err(AppError::Forbidden),
    }
}

/// Opens a customer's portal for a partner admin (the caller checked the customer is theirs).
pub async fn start_acting_as(customer_id: Uuid) -> Result<(), AppError> {
    let session = session().await?;
    with_session(&app_state()?.pool, "writing the session", || session.insert(SESSION_ACTING_AS_KEY, customer_id)).await
}

/// Back to the partner's own Control Panel; the customer it was acting as, if any.
pub async fn stop_acting_as() -> Result<Option<Uuid>, AppError> {
    let session = session().await?;
    with_session(&app_state()?.pool, "writing the session", || session.remove::<Uuid>(SESSION_ACTING_AS_KEY)).await
}

pub fn redirect_plain_form(path: &str) {
    if is_plain_form_post() {
        leptos_axum::redirect(path);
    }
}

pub async fn login(email: String, password: String, next: Option<String>) -> Result<String, AppError> {
    let state = app_state()?;
    let client = client_of_request().await;
    if !state.limits.sign_in_from(client) {
        crate::metering::sign_in_throttled("client");
        return Err(AppError::too_many(Say::SignInTooManyFromClient));
    }
    let email = EmailAddress::parse(&email).map_err(|msg| AppError::invalid("email", msg))?;
    if password.is_empty() {
        return Err(AppError::invalid("password", Say::EnterPassword));
    }
    let settings = &state.settings;
    let client = client.to_string();
    let Some(attempt) =
        reserve_attempt(&state.pool, &email, &client, settings.login_max_failures, settings.login_window_minutes)
            .await?
    else {
        crate::metering::sign_in_throttled("address");
        return Err(AppError::too_many(Say::SignInSlowedDown { minutes: settings.login_window_minutes }));
    };

    let row = find_login(&state.pool, &email).await?;
    let verified = verify_password_blocking(row.as_ref().map(|r| r.password_hash.clone()), password).await;
    let row = match (row, verified) {
        (Some(row), Ok(true)) => row,
        (_, verified) => {
            settle_attempt(&state.pool, attempt, false).await?;
            verified?;
            crate::metering::sign_in_failed();
            return Err(AppError::invalid("password", Say::WrongCredentials));
        }
    };

    let mut tx = state.pool.begin().await?;
    settle_attempt(&mut *tx, attempt, true).await?;
    sqlx::query!("update app_user set last_login_at = now() where user_id = $1", row.user_id).execute(&mut *tx).await?;
    audit_own_account(&mut *tx, row.user_id, "auth.login", json!({})).await?;
    tx.commit().await?;

    let session = session().await?;
    // A new id at sign-in, so a session id planted before sign-in is worthless (fixation).
    session.cycle_id().await.map_err(|e| internal("rotating the session id", e))?;
    session.insert(SESSION_USER_KEY, row.user_id).await.map_err(|e| internal("writing the session", e))?;
    session.insert(SESSION_EPOCH_KEY, row.session_epoch).await.map_err(|e| internal("writing the session", e))?;

    let destination =
        if row.must_change_password { "/account/password".to_owned() } else { landing_for(row.role, next.as_deref()) };
    redirect_plain_form(&destination);
    Ok(destination)
}

pub async fn logout() -> Result<String, AppError> {
    let state = app_state()?;
    let session = session().await?;
    if let Some(user) = user_from_session(&state.pool, &session).await? {
        audit_own_account(&state.pool, user.user_id, "auth.logout", json!({})).await?;
    }
    session.flush().await.map_err(|e| internal("ending the session", e))?;
    redirect_plain_form("/login");
    Ok("/login".to_owned())
}

pub async fn change_password(current: String, new: String, confirm: String) -> Result<String, AppError> {
    let state = app_state()?;
    let session = session().await?;
    let user = user_from_session(&state.pool, &session).await?.ok_or(AppError::Unauthenticated)?;
    if current.is_empty() {
        return Err(AppError::invalid("current_password", Say::EnterCurrentPassword));
    }
    let new = NewPassword::parse(&new, &confirm, &current)?;

    let email = EmailAddress::parse(&user.email).map_err(|e| internal("stored e-mail is invalid", e))?;
    let stored = find_login(&state.pool, &email).await?.map(|row| row.password_hash);
    if !verify_password_blocking(stored, current).await? {
        return Err(AppError::invalid("current_password", Say::WrongCurrentPassword));
    }
    let hash = hash_password_blocking(new.as_ref().to_owned()).await?;

    let mut tx = state.pool.begin().await?;
    let epoch = store_password(&mut tx, user.user_id, &hash).await?;
    audit_own_account(
        &mut *tx,
        user.user_id,
        "auth.password_changed",
        json!({ "was_temporary": user.must_change_password }),
    )
    .await?;
    tx.commit().await?;
    session.cycle_id().await.map_err(|e| internal("rotating the session id", e))?;
    // This session stays signed in; every other one of this user is now outdated.
    session.insert(SESSION_EPOCH_KEY, epoch).await.map_err(|e| internal("writing the session", e))?;

    let destination = user.role.area().home().to_owned();
    redirect_plain_form(&destination);
    Ok(destination)
}

/// Stores a new password hash and moves the user's session epoch on (ending every session opened
/// before); returns the new epoch. Earlier set-password links of the user stop working too.
async fn store_password(tx: &mut sqlx::PgConnection, user_id: Uuid, hash: &str) -> Result<i32, sqlx::Error> {
    let epoch = sqlx::query_scalar!(
        "update app_user set password_hash = $2, must_change_password = false, session_epoch = session_epoch + 1
         where user_id = $1 returning session_epoch",
        user_id,
        hash
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!("update password_link set used_at = now() where user_id = $1 and used_at is null", user_id)
        .execute(&mut *tx)
        .await?;
    Ok(epoch)
}

/// A new single-use set-password link for `user_id`, valid for [`PASSWORD_LINK_HOURS`], in the
/// caller's transaction; earlier unused links of the user stop working. Returns the link: its
/// token is stored only as a hash, so this is the one time it exists in full.
pub async fn issue_password_link(
    tx: &mut sqlx::PgConnection,
    public_url: &str,
    user_id: Uuid,
) -> Result<String, sqlx::Error> {
    let (token, hash) = crate::secrets::new_token();
    sqlx::query!("update password_link set used_at = now() where user_id = $1 and used_at is null", user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into password_link (token_hash, user_id, expires_at)
         values ($1, $2, now() + make_interval(hours => $3))",
        hash,
        user_id,
        PASSWORD_LINK_HOURS
    )
    .execute(&mut *tx)
    .await?;
    Ok(format!("{public_url}/set-password/{token}"))
}

/// Sets a password through a set-password link: the link is used up in the same transaction,
/// every session of the user ends, and the user signs in with the new password.
pub async fn set_password_with_link(token: String, new: String, confirm: String) -> Result<String, AppError> {
    let state = app_state()?;
    let new = NewPassword::parse(&new, &confirm, "")?;
    let hash = hash_password_blocking(new.as_ref().to_owned()).await?;
    let mut tx = state.pool.begin().await?;
    // Used and checked in one statement: two tabs with the same link set one password.
    let user_id = sqlx::query_scalar!(
        "update password_link set used_at = now()
         where token_hash = $1 and used_at is null and expires_at > now()
         returning user_id",
        crate::secrets::token_hash(token.trim())
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::invalid("new_password", Say::PasswordLinkExpired))?;
    store_password(&mut tx, user_id, &hash).await?;
    audit_own_account(&mut *tx, user_id, "auth.password_set_by_link", json!({})).await?;
    tx.commit().await?;
    redirect_plain_form("/login?password_set=1");
    Ok("/login?password_set=1".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: &str = "198.51.100.7";

    async fn add_attempts(pool: &PgPool, email: &EmailAddress, client: &str, outcomes: &[bool]) {
        for &succeeded in outcomes {
            let attempt = reserve_attempt(pool, email, client, 100, 15).await.unwrap().unwrap();
            settle_attempt(pool, attempt, succeeded).await.unwrap();
        }
    }

    #[sqlx::test(migrations = "../server/migrations")]
    async fn failures_count_per_address_and_reset_after_a_success(pool: PgPool) {
        let alice = EmailAddress::parse("alice@example.com").unwrap();
        let bob = EmailAddress::parse("bob@example.com").unwrap();
        add_attempts(&pool, &alice, CLIENT, &[false, false, true, false]).await;
        add_attempts(&pool, &bob, CLIENT, &[false, false, false]).await;

        assert_eq!(recent_failures(&pool, &alice, CLIENT, 15).await.unwrap(), 1);
        assert_eq!(recent_failures(&pool, &bob, CLIENT, 15).await.unwrap(), 3);
    }

    #[sqlx::test(migrations = "../server/migrations")]
    async fn failures_count_per_client_and_one_being_checked_counts(pool: PgPool) {
        let alice = EmailAddress::parse("alice@example.com").unwrap();
        add_attempts(&pool, &alice, CLIENT, &[false, false]).await;
        assert_eq!(recent_failures(&pool, &alice, "203.0.113.9", 15).await.unwrap(), 0);
        // Reserved and not settled yet: counted, so a parallel guess cannot slip past.
        reserve_attempt(&pool, &alice, CLIENT, 100, 15).await.unwrap().unwrap();
        assert_eq!(recent_failures(&pool, &alice, CLIENT, 15).await.unwrap(), 3);
        assert!(reserve_attempt(&pool, &alice, CLIENT, 3, 15).await.unwrap().is_none());
        assert!(reserve_attempt(&pool, &alice, "203.0.113.9", 3, 15).await.unwrap().is_some());
    }

    #[sqlx::test(migrations = "../server/migrations")]
    async fn failures_outside_the_window_do_not_count(pool: PgPool) {
        let carol = EmailAddress::parse("carol@example.com").unwrap();
        add_attempts(&pool, &carol, CLIENT, &[false, false]).await;
        sqlx::query("update login_attempt set attempted_at = now() - interval '16 minutes'")
            .execute(&pool)
            .await
            .unwrap();
        add_attempts(&pool, &carol, CLIENT, &[false]).await;

        assert_eq!(recent_failures(&pool, &carol, CLIENT, 15).await.unwrap(), 1);
    }

    #[test]
    fn a_hash_verifies_only_its_own_password() {
        let hash = hash_password("demo-password").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "demo-password"));
        assert!(!verify_password(&hash, "demo-passwore"));
        assert!(!verify_password("not a hash", "demo-password"));
    }
}
