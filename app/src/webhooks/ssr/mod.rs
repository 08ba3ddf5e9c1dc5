//! Webhooks on the server: emitting events in the business transaction, the partner's endpoints
//! and their secrets, and the delivery log. The delivery itself (the job and its HTTP client) is
//! in [`delivery`].
//!
//! [`emit`] is the one way an event leaves: the business action calls it once, inside its
//! transaction, after its own writes. It finds the partner's enabled endpoints that chose the
//! event (locking them against deletion until the action commits), reads the payload from what
//! the transaction wrote, and writes the message, one delivery per endpoint and each delivery's
//! job — all in that transaction. A rolled-back action leaves nothing to send; a committed one
//! cannot lose a delivery. A partner without endpoints costs the action one indexed query.

pub mod address;
pub mod delivery;
pub mod events;
pub mod signature;

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

pub use delivery::{DeliverWebhook, Deliverer, DeliverySettings};
pub use events::{Event, OrderEvent, SubscriptionChange};

use self::{
    address::EndpointUrl,
    events::Subject,
    signature::{Secret, message_header},
};
use super::{
    AttemptOutcome, AttemptView, DeliveryView, EndpointSummary, EventType, MAX_ENDPOINTS, ROTATION_OVERLAP_HOURS,
    WebhookDeliveryStatus,
};
use crate::{
    audit::{self, AuditEntry},
    auth::ssr::AuthUser,
    domain::{WebhookDeliveryId, WebhookEndpointId},
    error::AppError,
    i18n::Say,
    secrets::SecretKey,
};

/// Queues `events` for the partners' endpoints that want them, in the caller's transaction (see
/// the module's comment). Call it once per business transaction, after the action's writes.
pub async fn emit(conn: &mut PgConnection, events: &[Event]) -> Result<(), sqlx::Error> {
    for event in events {
        let endpoints = subscribed(&mut *conn, event).await?;
        let Some(partner_id) = endpoints.first().map(|e| e.partner_id) else { continue };
        let Some(body) = events::payload(&mut *conn, event, OffsetDateTime::now_utc()).await? else { continue };
        let endpoint_ids: Vec<Uuid> = endpoints.iter().map(|e| e.endpoint_id).collect();
        queue(&mut *conn, partner_id, event.kind(), &body, &endpoint_ids).await?;
    }
    Ok(())
}

struct Subscribed {
    endpoint_id: Uuid,
    partner_id: Uuid,
}

/// The enabled endpoints of the event's partner that chose its type (a test event: its one
/// endpoint), locked `for key share`: a deletion waits until the caller commits, so a delivery
/// never refers to an endpoint deleted meanwhile, and the business action never fails for it.
async fn subscribed(conn: &mut PgConnection, event: &Event) -> Result<Vec<Subscribed>, sqlx::Error> {
    let kind = event.kind();
    match event.subject {
        Subject::Order(order_id) => {
            sqlx::query_as!(
                Subscribed,
                r#"select endpoint_id, partner_id from webhook_endpoint
                   where partner_id = (select partner_id from sales_order where order_id = $1)
                     and enabled and $2 = any(events)
                   order by endpoint_id
                   for key share"#,
                order_id,
                kind as EventType
            )
            .fetch_all(conn)
            .await
        }
        Subject::Subscription(subscription_id, _) => {
            sqlx::query_as!(
                Subscribed,
                r#"select endpoint_id, partner_id from webhook_endpoint
                   where partner_id = (select co.parent_id from subscription s
                                       join organisation co on co.organisation_id = s.customer_id
                                       where s.subscription_id = $1)
                     and enabled and $2 = any(events)
                   order by endpoint_id
                   for key share"#,
                subscription_id,
                kind as EventType
            )
            .fetch_all(conn)
            .await
        }
        Subject::Statement(statement_id) => {
            sqlx::query_as!(
                Subscribed,
                r#"select endpoint_id, partner_id from webhook_endpoint
                   where partner_id = (select partner_id from statement where statement_id = $1)
                     and enabled and $2 = any(events)
                   order by endpoint_id
                   for key share"#,
                statement_id,
                kind as EventType
            )
            .fetch_all(conn)
            .await
        }
        Subject::Test(endpoint_id) => {
            sqlx::query_as!(
                Subscribed,
                "select endpoint_id, partner_id from webhook_endpoint where endpoint_id = $1 for key share",
                endpoint_id
            )
            .fetch_all(conn)
            .await
        }
    }
}

/// The message, a delivery per endpoint and each delivery's job, in one statement. The job rows
/// come from [`DeliverWebhook`] itself (`JobRow`), so their payload and dedup key are the type's.
async fn queue(
    conn: &mut PgConnection,
    partner_id: Uuid,
    kind: EventType,
    body: &str,
    endpoint_ids: &[Uuid],
) -> Result<Uuid, sqlx::Error> {
    let message_id = Uuid::new_v4();
    let delivery_ids: Vec<Uuid> = endpoint_ids.iter().map(|_| Uuid::new_v4()).collect();
    let jobs = delivery::job_rows(&delivery_ids, 1)?;
    sqlx::query!(
        r#"with message as (
               insert into webhook_message (message_id, partner_id, event_type, body) values ($1, $2, $3, $4)
           ),
           deliveries as (
               insert into webhook_delivery (delivery_id, message_id, endpoint_id)
               select d, $1, e from unnest($5::uuid[], $6::uuid[]) as x(d, e)
           )
           insert into job (job_id, kind, payload, max_attempts, dedup_key)
           select job_id, kind, payload, max_attempts, dedup_key from jsonb_populate_recordset(null::job, $7)
           on conflict (kind, dedup_key) do nothing"#,
        message_id,
        partner_id,
        kind as EventType,
        body,
        &delivery_ids,
        endpoint_ids,
        jobs,
    )
    .execute(&mut *conn)
    .await?;
    Ok(message_id)
}

/// An endpoint as the partner typed it, parsed and checked.
#[derive(Clone, Debug)]
pub struct EndpointInput {
    pub url: EndpointUrl,
    pub description: String,
    pub events: Vec<EventType>,
}

/// The longest description kept (the column's limit).
pub const MAX_DESCRIPTION: usize = 200;

impl EndpointInput {
    /// Everything the form sent, checked field by field before anything is written; the DNS
    /// check of the URL's host comes last, only for an otherwise valid form.
    pub async fn parse(url: &str, description: &str, events: &[String], allow_private: bool) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let url = EndpointUrl::parse(url, allow_private).map_err(|say| errors.push(("url", say))).ok();
        let description = description.trim().to_owned();
        if description.chars().count() > MAX_DESCRIPTION {
            errors.push(("description", Say::WebhookDescriptionTooLong { max: MAX_DESCRIPTION }));
        }
        let mut chosen = Vec::new();
        for raw in events {
            match EventType::parse(raw).filter(|e| e.subscribable()) {
                Some(event) if !chosen.contains(&event) => chosen.push(event),
                Some(_) => {}
                None => errors.push(("events", Say::WebhookEventUnknown { event: raw.chars().take(60).collect() })),
            }
        }
        if chosen.is_empty() && !errors.iter().any(|(field, _)| *field == "events") {
            errors.push(("events", Say::WebhookChooseEvents));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(
                errors.into_iter().map(|(field, say)| crate::error::FieldError::new(field, say)).collect(),
            ));
        }
        let url = url.unwrap_or_else(|| unreachable!("no errors, so the URL parsed"));
        address::check_resolved(&url, allow_private).await.map_err(|say| AppError::invalid("url", say))?;
        chosen.sort_by_key(|e| EventType::SUBSCRIBABLE.iter().position(|s| s == e));
        Ok(Self { url, description, events: chosen })
    }
}

/// What a sealed secret is bound to: its endpoint (the current and the previous secret alike,
/// so a rotation moves the sealed value from one column to the other as it is).
fn sealed_for(endpoint_id: Uuid) -> Vec<u8> {
    [b"webhook-secret:".as_slice(), endpoint_id.as_bytes()].concat()
}

fn audit_entry(
    user: &AuthUser,
    action: &'static str,
    endpoint_id: Uuid,
    detail: serde_json::Value,
) -> AuditEntry<'static> {
    AuditEntry {
        actor: Some(user.user_id),
        acting_as: None,
        action,
        target_type: "webhook_endpoint",
        target_id: endpoint_id.to_string(),
        detail,
    }
}

/// Registers an endpoint with a new secret, returned to be shown once.
#[tracing::instrument(name = "webhooks.create", skip_all, fields(partner = %user.organisation_id))]
pub async fn create(
    pool: &PgPool,
    key: &SecretKey,
    user: &AuthUser,
    input: &EndpointInput,
) -> Result<(WebhookEndpointId, Secret), AppError> {
    let mut tx = pool.begin().await?;
    // One creation at a time per partner, so two tabs cannot pass the limit together.
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtext('webhook_endpoint'), hashtext($1::uuid::text))",
        user.organisation_id
    )
    .execute(&mut *tx)
    .await?;
    let count = sqlx::query_scalar!(
        r#"select count(*) as "count!" from webhook_endpoint where partner_id = $1"#,
        user.organisation_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if count >= MAX_ENDPOINTS {
        return Err(AppError::conflict(Say::WebhookEndpointLimit { max: MAX_ENDPOINTS }));
    }
    let endpoint_id = Uuid::new_v4();
    let secret = Secret::generate();
    sqlx::query!(
        "insert into webhook_endpoint (endpoint_id, partner_id, url, description, events, secret)
         values ($1, $2, $3, $4, $5, $6)",
        endpoint_id,
        user.organisation_id,
        input.url.as_str(),
        input.description,
        &input.events as &[EventType],
        key.seal(secret.expose(), &sealed_for(endpoint_id)),
    )
    .execute(&mut *tx)
    .await?;
    let events: Vec<&str> = input.events.iter().map(|e| e.name()).collect();
    audit::record(
        &mut *tx,
        audit_entry(
            user,
            "webhook.endpoint_created",
            endpoint_id,
            json!({ "url": input.url.as_str(), "events": events }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok((WebhookEndpointId(endpoint_id), secret))
}

/// Changes an endpoint's URL, description, events and whether it is enabled.
#[tracing::instrument(name = "webhooks.update", skip_all, fields(endpoint = %endpoint_id))]
pub async fn update(
    pool: &PgPool,
    user: &AuthUser,
    endpoint_id: WebhookEndpointId,
    input: &EndpointInput,
    enabled: bool,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "update webhook_endpoint set url = $3, description = $4, events = $5, enabled = $6
         where endpoint_id = $1 and partner_id = $2",
        endpoint_id.get(),
        user.organisation_id,
        input.url.as_str(),
        input.description,
        &input.events as &[EventType],
        enabled
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::not_found(Say::WebhookEndpointNotFound));
    }
    let events: Vec<&str> = input.events.iter().map(|e| e.name()).collect();
    audit::record(
        &mut *tx,
        audit_entry(
            user,
            "webhook.endpoint_updated",
            endpoint_id.get(),
            json!({ "url": input.url.as_str(), "events": events, "enabled": enabled }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes an endpoint with its delivery log; deliveries still queued for it stop.
#[tracing::instrument(name = "webhooks.delete", skip_all, fields(endpoint = %endpoint_id))]
pub async fn delete(pool: &PgPool, user: &AuthUser, endpoint_id: WebhookEndpointId) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let url = sqlx::query_scalar!(
        "delete from webhook_endpoint where endpoint_id = $1 and partner_id = $2 returning url",
        endpoint_id.get(),
        user.organisation_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::WebhookEndpointNotFound))?;
    audit::record(&mut *tx, audit_entry(user, "webhook.endpoint_deleted", endpoint_id.get(), json!({ "url": url })))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A new signing secret, returned to be shown once. The one it replaces keeps signing beside it
/// for [`ROTATION_OVERLAP_HOURS`]; a secret older than that (a rotation during a rotation) stops.
#[tracing::instrument(name = "webhooks.rotate", skip_all, fields(endpoint = %endpoint_id))]
pub async fn rotate(
    pool: &PgPool,
    key: &SecretKey,
    user: &AuthUser,
    endpoint_id: WebhookEndpointId,
) -> Result<Secret, AppError> {
    let mut tx = pool.begin().await?;
    let secret = Secret::generate();
    let expires_at = sqlx::query_scalar!(
        "update webhook_endpoint
         set previous_secret = secret, previous_secret_expires_at = now() + make_interval(hours => $4),
             secret = $3
         where endpoint_id = $1 and partner_id = $2
         returning previous_secret_expires_at",
        endpoint_id.get(),
        user.organisation_id,
        key.seal(secret.expose(), &sealed_for(endpoint_id.get())),
        ROTATION_OVERLAP_HOURS
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::WebhookEndpointNotFound))?;
    audit::record(
        &mut *tx,
        audit_entry(
            user,
            "webhook.secret_rotated",
            endpoint_id.get(),
            json!({ "previous_secret_expires_at": expires_at.map(events::rfc3339) }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// Whether the partner's endpoint is enabled; not found for another partner's.
async fn enabled(db: impl PgExecutor<'_>, user: &AuthUser, endpoint_id: Uuid) -> Result<bool, AppError> {
    sqlx::query_scalar!(
        "select enabled from webhook_endpoint where endpoint_id = $1 and partner_id = $2 for key share",
        endpoint_id,
        user.organisation_id
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::not_found(Say::WebhookEndpointNotFound))
}

/// "Send test event": a `webhook.test` message to this endpoint only, delivered like any other.
#[tracing::instrument(name = "webhooks.send_test", skip_all, fields(endpoint = %endpoint_id))]
pub async fn send_test(pool: &PgPool, user: &AuthUser, endpoint_id: WebhookEndpointId) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    if !enabled(&mut *tx, user, endpoint_id.get()).await? {
        return Err(AppError::conflict(Say::WebhookEndpointDisabled));
    }
    emit(&mut tx, &[Event::test(endpoint_id.get())]).await?;
    tx.commit().await?;
    Ok(())
}

/// "Redeliver": the same message (same `webhook-id`, freshly signed) goes to the endpoint again,
/// now, with a fresh set of attempts. A job of the earlier round still waiting stops when it sees
/// the round has moved on.
#[tracing::instrument(name = "webhooks.redeliver", skip_all, fields(delivery = %delivery_id))]
pub async fn redeliver(pool: &PgPool, user: &AuthUser, delivery_id: WebhookDeliveryId) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        "select d.round, e.enabled from webhook_delivery d join webhook_endpoint e using (endpoint_id)
         where d.delivery_id = $1 and e.partner_id = $2
         for update of d",
        delivery_id.get(),
        user.organisation_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::WebhookDeliveryNotFound))?;
    if !row.enabled {
        return Err(AppError::conflict(Say::WebhookEndpointDisabled));
    }
    let round = row.round + 1;
    let jobs = delivery::job_rows(&[delivery_id.get()], round)?;
    sqlx::query!(
        "with redelivered as (
             update webhook_delivery set round = $2, status = 'pending' where delivery_id = $1
         )
         insert into job (job_id, kind, payload, max_attempts, dedup_key)
         select job_id, kind, payload, max_attempts, dedup_key from jsonb_populate_recordset(null::job, $3)
         on conflict (kind, dedup_key) do nothing",
        delivery_id.get(),
        round,
        jobs
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The partner's endpoints, oldest first.
pub async fn endpoints(db: impl PgExecutor<'_>, partner_id: Uuid) -> Result<Vec<EndpointSummary>, sqlx::Error> {
    sqlx::query_as!(
        EndpointSummary,
        r#"select endpoint_id as "id: WebhookEndpointId", url, description, events as "events: Vec<EventType>", enabled,
                  created_at,
                  case when previous_secret_expires_at > now() then previous_secret_expires_at end as previous_secret_expires_at
           from webhook_endpoint where partner_id = $1 order by created_at, endpoint_id"#,
        partner_id
    )
    .fetch_all(db)
    .await
}

/// Deliveries shown in an endpoint's log: the latest ones.
pub const LOG_LENGTH: i64 = 50;

/// One endpoint of the partner; `None` for another partner's.
pub async fn endpoint(
    db: impl PgExecutor<'_>,
    partner_id: Uuid,
    endpoint_id: WebhookEndpointId,
) -> Result<Option<EndpointSummary>, sqlx::Error> {
    sqlx::query_as!(
        EndpointSummary,
        r#"select endpoint_id as "id: WebhookEndpointId", url, description, events as "events: Vec<EventType>", enabled,
                  created_at,
                  case when previous_secret_expires_at > now() then previous_secret_expires_at end as previous_secret_expires_at
           from webhook_endpoint where endpoint_id = $1 and partner_id = $2"#,
        endpoint_id.get(),
        partner_id
    )
    .fetch_optional(db)
    .await
}

/// The delivery log of one endpoint of the partner: the latest deliveries, newest first, each
/// with its attempts, newest first; `None` for another partner's endpoint.
pub async fn deliveries(
    pool: &PgPool,
    partner_id: Uuid,
    endpoint_id: WebhookEndpointId,
) -> Result<Option<Vec<DeliveryView>>, sqlx::Error> {
    let deliveries = sqlx::query!(
        r#"select d.delivery_id, d.message_id, m.event_type as "event_type: EventType",
                  d.status as "status: WebhookDeliveryStatus", d.attempts, d.created_at, d.delivered_at
           from webhook_delivery d
           join webhook_message m using (message_id)
           join webhook_endpoint e using (endpoint_id)
           where d.endpoint_id = $1 and e.partner_id = $3
           order by d.created_at desc, d.delivery_id
           limit $2"#,
        endpoint_id.get(),
        LOG_LENGTH,
        partner_id
    )
    .fetch_all(pool)
    .await?;
    let ids: Vec<Uuid> = deliveries.iter().map(|d| d.delivery_id).collect();
    let attempts = sqlx::query!(
        r#"select delivery_id, attempted_at, outcome as "outcome: AttemptOutcome", response_status, duration_ms,
                  response_excerpt, detail
           from webhook_attempt where delivery_id = any($1)
           order by attempted_at desc, attempt_id desc"#,
        &ids
    )
    .fetch_all(pool)
    .await?;
    let deliveries = deliveries
        .into_iter()
        .map(|d| DeliveryView {
            id: WebhookDeliveryId(d.delivery_id),
            message_id: message_header(d.message_id),
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
            attempt_log: attempts
                .iter()
                .filter(|a| a.delivery_id == d.delivery_id)
                .map(|a| AttemptView {
                    at: a.attempted_at,
                    outcome: a.outcome,
                    response_status: a.response_status,
                    duration_ms: a.duration_ms,
                    response_excerpt: a.response_excerpt.clone(),
                    detail: a.detail.clone(),
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    if deliveries.is_empty() && endpoint(pool, partner_id, endpoint_id).await?.is_none() {
        return Ok(None);
    }
    Ok(Some(deliveries))
}

/// A secret just made, waiting in the session for the page that shows it once: a form posted
/// without JavaScript is answered with a redirect, so the page after it is where the partner
/// reads it. It rests sealed (the session store is the database), for this user and endpoint.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FreshSecret {
    endpoint_id: Uuid,
    sealed: Vec<u8>,
}

/// The session key the fresh secret waits under.
pub const FRESH_SECRET_KEY: &str = "webhook_fresh_secret";

fn flash_binding(user: &AuthUser, endpoint_id: Uuid) -> Vec<u8> {
    [b"webhook-flash:".as_slice(), user.user_id.as_bytes(), endpoint_id.as_bytes()].concat()
}

impl FreshSecret {
    pub fn seal(key: &SecretKey, user: &AuthUser, endpoint_id: WebhookEndpointId, secret: &Secret) -> Self {
        let endpoint_id = endpoint_id.get();
        Self { endpoint_id, sealed: key.seal(secret.expose(), &flash_binding(user, endpoint_id)) }
    }

    /// The secret, when this is the one made for `endpoint_id` by `user`.
    pub fn open(&self, key: &SecretKey, user: &AuthUser, endpoint_id: WebhookEndpointId) -> Option<String> {
        (self.endpoint_id == endpoint_id.get())
            .then(|| key.open(&self.sealed, &flash_binding(user, self.endpoint_id)))
            .flatten()
    }

    pub fn endpoint_id(&self) -> WebhookEndpointId {
        WebhookEndpointId(self.endpoint_id)
    }
}
