//! The partner API's keys in the database: made, listed, revoked, and recognised on each call;
//! the idempotency of its POST and PATCH requests (`idempotency`); the paged lists it reads
//! (`lists`).

pub mod idempotency;
pub mod lists;

use serde_json::json;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::{ApiKeyView, ApiScope, NewApiKey};
use crate::{
    audit::{self, AuditEntry},
    auth::{Role, ssr::AuthUser},
    domain::ApiKeyId,
    error::{AppError, Refusals},
    i18n::{Locale, Noun, Say},
    secrets::SecretKey,
};

/// A token's public start: `cmk_` and eight hexadecimal digits.
const PREFIX_LEN: usize = 12;
/// How long a token made by a browser without JavaScript waits, sealed, to be shown.
const REVEAL_MINUTES: i32 = 15;

/// A key about to be made, checked.
#[derive(Clone, Debug)]
pub struct NewKeyRequest {
    pub name: String,
    pub scopes: Vec<ApiScope>,
    pub language: Locale,
}

impl NewKeyRequest {
    pub fn parse(name: &str, scopes: Vec<ApiScope>, language: Option<&str>) -> Result<Self, AppError> {
        let mut refusals = Refusals::default();
        let name = refusals
            .check(crate::domain::required_text(name, Noun::KeyName, 100).map_err(|m| AppError::invalid("name", m)))?;
        if scopes.is_empty() {
            refusals.check::<()>(Err(AppError::invalid("scopes", Say::ChooseScope)))?;
        }
        refusals.finish()?;
        let language = language.map(Locale::from_code).unwrap_or_default();
        Ok(Self { name: name.unwrap_or_default(), scopes, language })
    }
}

/// Makes a key for the user's partner. The token is returned (this is the one time it exists in
/// full), or, for a browser without JavaScript (`seal`), kept sealed until the list shows it.
pub async fn create_key(
    pool: &PgPool,
    secrets: &SecretKey,
    user: &AuthUser,
    request: &NewKeyRequest,
    seal: bool,
) -> Result<NewApiKey, AppError> {
    let (random, _) = crate::secrets::new_token();
    let token = format!("cmk_{random}");
    let key_id = Uuid::new_v4();
    let sealed = seal.then(|| secrets.seal(&token, key_id.as_bytes()));
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "insert into api_key (api_key_id, partner_id, name, token_prefix, token_hash, scopes, language, created_by,
                              token_sealed)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        key_id,
        user.organisation_id,
        request.name,
        &token[..PREFIX_LEN],
        crate::secrets::token_hash(&token),
        &request.scopes as &[ApiScope],
        request.language as Locale,
        user.user_id,
        sealed,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "api_key.created",
            target_type: "api_key",
            target_id: key_id.to_string(),
            detail: json!({ "name": request.name, "scopes": request.scopes, "prefix": &token[..PREFIX_LEN] }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(NewApiKey { key_id: ApiKeyId(key_id), name: request.name.clone(), token: Some(token) })
}

pub async fn keys_of_partner(db: impl PgExecutor<'_>, partner_id: Uuid) -> Result<Vec<ApiKeyView>, sqlx::Error> {
    sqlx::query_as!(
        ApiKeyView,
        r#"select k.api_key_id as "key_id: ApiKeyId", k.name, k.token_prefix as prefix,
                  k.scopes as "scopes: Vec<ApiScope>", k.language as "language: Locale",
                  u.display_name as created_by, k.created_at, k.last_used_at, k.revoked_at
           from api_key k join app_user u on u.user_id = k.created_by
           where k.partner_id = $1
           order by k.revoked_at is not null, k.created_at desc, k.api_key_id"#,
        partner_id
    )
    .fetch_all(db)
    .await
}

/// The sealed token of a key just made, opened and wiped in one statement: a reload finds
/// nothing. Tokens left unseen are wiped after [`REVEAL_MINUTES`].
pub async fn reveal_token(
    pool: &PgPool,
    secrets: &SecretKey,
    user: &AuthUser,
    key_id: ApiKeyId,
) -> Result<Option<String>, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "update api_key set token_sealed = null
         where partner_id = $1 and token_sealed is not null and created_at < now() - make_interval(mins => $2)",
        user.organisation_id,
        REVEAL_MINUTES
    )
    .execute(&mut *tx)
    .await?;
    let sealed = sqlx::query_scalar!(
        r#"with old as (
               select api_key_id, token_sealed from api_key
               where api_key_id = $1 and partner_id = $2 and created_by = $3 and token_sealed is not null
               for update)
           update api_key k set token_sealed = null from old where k.api_key_id = old.api_key_id
           returning old.token_sealed as "token_sealed!""#,
        key_id.get(),
        user.organisation_id,
        user.user_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(sealed.and_then(|sealed| secrets.open(&sealed, key_id.get().as_bytes())))
}

/// Revokes one of the user's partner's keys, at once: the next call with it is refused. Revoking
/// a revoked key changes nothing.
pub async fn revoke_key(pool: &PgPool, user: &AuthUser, key_id: ApiKeyId) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let found = sqlx::query!(
        r#"update api_key set revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $3),
                  token_sealed = null
           where api_key_id = $1 and partner_id = $2
           returning name, (revoked_by = $3 and revoked_at = now()) as "now!""#,
        key_id.get(),
        user.organisation_id,
        user.user_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::ApiKeyNotFound))?;
    if found.now {
        audit::record(
            &mut *tx,
            AuditEntry {
                actor: Some(user.user_id),
                acting_as: None,
                action: "api_key.revoked",
                target_type: "api_key",
                target_id: key_id.to_string(),
                detail: json!({ "name": found.name }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A live key, recognised by its token: its partner, scopes and language, and the partner admin
/// who made it (the key acts for them, as the Control Panel's user would).
#[derive(Clone, Debug)]
pub struct KeyHolder {
    pub key_id: Uuid,
    pub scopes: Vec<ApiScope>,
    pub language: Locale,
    pub user: AuthUser,
}

/// The live key a token belongs to: not revoked, and made by a partner admin who still is one of
/// its partner. `None` for anything else, whatever the reason (the caller answers 401).
pub async fn key_holder(db: impl PgExecutor<'_>, token: &str) -> Result<Option<KeyHolder>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select k.api_key_id, k.scopes as "scopes: Vec<ApiScope>", k.language as "language: Locale",
                  u.user_id, u.organisation_id, u.email, u.display_name, u.role as "role: Role",
                  o.name as organisation_name, u.session_epoch
           from api_key k
           join app_user u on u.user_id = k.created_by and u.organisation_id = k.partner_id
           join organisation o on o.organisation_id = k.partner_id
           where k.token_hash = $1 and k.revoked_at is null"#,
        crate::secrets::token_hash(token)
    )
    .fetch_optional(db)
    .await?;
    Ok(row.filter(|r| r.role == Role::PartnerAdmin).map(|r| KeyHolder {
        key_id: r.api_key_id,
        scopes: r.scopes,
        language: r.language,
        user: AuthUser {
            user_id: r.user_id,
            organisation_id: r.organisation_id,
            email: r.email,
            display_name: r.display_name,
            role: r.role,
            organisation_name: r.organisation_name,
            must_change_password: false,
            session_epoch: r.session_epoch,
        },
    }))
}

/// Every call made with a key is audited with the key as its actor, and dates the key's last use.
pub async fn record_call(
    db: impl PgExecutor<'_>,
    key: &KeyHolder,
    method: &str,
    route: &str,
    status: u16,
) -> Result<(), sqlx::Error> {
    let entry = AuditEntry {
        actor: Some(key.user.user_id),
        acting_as: None,
        action: "api.call",
        target_type: "api_key",
        target_id: key.key_id.to_string(),
        detail: json!({ "method": method, "route": route, "status": status }),
    };
    sqlx::query!(
        "with used as (update api_key set last_used_at = now() where api_key_id = $1)
         insert into audit_log (actor_user_id, actor_api_key_id, acting_as_organisation_id, action, target_type,
                                target_id, detail)
         select actor_user_id, $1, acting_as_organisation_id, action, target_type, target_id, detail
         from jsonb_populate_record(null::audit_log, $2)",
        key.key_id,
        entry.row_json(),
    )
    .execute(db)
    .await?;
    Ok(())
}
