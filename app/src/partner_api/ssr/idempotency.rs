//! `Idempotency-Key` in the database (`api_idempotency`): a key is reserved by its first
//! request, remembers that request's answer once it succeeded, and gives way after 24 hours.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// What a key's reservation found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reservation {
    /// The key is new (or its last use expired): answer the request, then [`complete`] or
    /// [`release`] it.
    Fresh,
    /// The same request was answered before: its answer.
    Replay { status: u16, body: Vec<u8>, location: Option<String> },
    /// The key was used for another request.
    Mismatch,
    /// The key's first request is still being answered.
    InProgress,
}

/// Reserves `key` for the request hashed as `hash`, or finds what the key holds.
pub async fn reserve(pool: &PgPool, partner_id: Uuid, key: &str, hash: &[u8]) -> Result<Reservation, sqlx::Error> {
    let row = sqlx::query!(
        r#"with fresh as (
               insert into api_idempotency (partner_id, idempotency_key, request_hash) values ($1, $2, $3)
               on conflict (partner_id, idempotency_key) do update
                   set request_hash = excluded.request_hash, response_status = null, response_body = null,
                       response_location = null, created_at = now()
                   where api_idempotency.created_at < now() - interval '24 hours'
               returning 1 as fresh)
           select exists(select 1 from fresh) as "fresh!", e.request_hash as "request_hash?",
                  e.response_status as "response_status?", e.response_body, e.response_location
           from (select 1) one
           left join api_idempotency e on e.partner_id = $1 and e.idempotency_key = $2"#,
        partner_id,
        key,
        hash
    )
    .fetch_one(pool)
    .await?;
    Ok(match row {
        r if r.fresh => Reservation::Fresh,
        // Committed by a concurrent request after this statement's snapshot: still in its hands.
        r if r.request_hash.is_none() => Reservation::InProgress,
        r if r.request_hash.as_deref() != Some(hash) => Reservation::Mismatch,
        r => match r.response_status {
            Some(status) => Reservation::Replay {
                status: u16::try_from(status).unwrap_or(200),
                body: r.response_body.unwrap_or_default(),
                location: r.response_location,
            },
            None => Reservation::InProgress,
        },
    })
}

/// Remembers the answer of a key's first request.
pub async fn complete(
    db: impl PgExecutor<'_>,
    partner_id: Uuid,
    key: &str,
    status: u16,
    body: &[u8],
    location: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update api_idempotency set response_status = $3, response_body = $4, response_location = $5
         where partner_id = $1 and idempotency_key = $2",
        partner_id,
        key,
        i16::try_from(status).unwrap_or(500),
        body,
        location
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Frees a key whose request did not succeed: nothing was done, so it may be tried again.
pub async fn release(db: impl PgExecutor<'_>, partner_id: Uuid, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from api_idempotency where partner_id = $1 and idempotency_key = $2 and response_status is null",
        partner_id,
        key
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes keys past their 24 hours (the daily retention run).
pub async fn purge(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!("delete from api_idempotency where created_at < now() - interval '24 hours'")
        .execute(db)
        .await?
        .rows_affected())
}
