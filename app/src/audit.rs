//! The audit log: every state change records who did it, as whom, to what.
//!
//! A call of the partner API is made with a key: the key is an actor too. The API runs each call
//! inside [`with_api_key`], so every entry written while it is answered (by whichever business
//! function) names the key beside the partner admin it acts for, without each of them being told.

use std::future::Future;

use serde::Serialize;
use serde_json::Value;
use sqlx::PgExecutor;
use uuid::Uuid;

tokio::task_local! {
    static API_KEY: Uuid;
}

/// Runs `work` as a call made with the API key `key`: audit entries written meanwhile (in this
/// task) name the key as their actor.
pub async fn with_api_key<F: Future>(key: Uuid, work: F) -> F::Output {
    API_KEY.scope(key, work).await
}

/// The API key of the call being answered, if this is one.
pub fn current_api_key() -> Option<Uuid> {
    API_KEY.try_with(|key| *key).ok()
}

/// One audit entry. `acting_as` is the customer organisation when a partner acts in its portal.
pub struct AuditEntry<'a> {
    pub actor: Option<Uuid>,
    pub acting_as: Option<Uuid>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: String,
    pub detail: Value,
}

/// An entry as its `audit_log` row, column by column: what [`record`] inserts, and what a
/// statement that writes its audit entry among other rows (checkout's `place_order`) reads with
/// `jsonb_populate_record(null::audit_log, $n)`, so both write the same row.
#[derive(Serialize)]
pub struct AuditRow<'a> {
    actor_user_id: Option<Uuid>,
    actor_api_key_id: Option<Uuid>,
    acting_as_organisation_id: Option<Uuid>,
    action: &'a str,
    target_type: &'a str,
    target_id: &'a str,
    detail: &'a Value,
}

impl AuditEntry<'_> {
    pub fn row(&self) -> AuditRow<'_> {
        AuditRow {
            actor_user_id: self.actor,
            actor_api_key_id: current_api_key(),
            acting_as_organisation_id: self.acting_as,
            action: self.action,
            target_type: self.target_type,
            target_id: &self.target_id,
            detail: &self.detail,
        }
    }

    /// The row as JSON, for `jsonb_populate_record(null::audit_log, …)`.
    pub fn row_json(&self) -> Value {
        serde_json::to_value(self.row()).unwrap_or(Value::Null)
    }
}

#[tracing::instrument(name = "audit.record", skip(db, entry), fields(action = entry.action))]
pub async fn record(db: impl PgExecutor<'_>, entry: AuditEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into audit_log (actor_user_id, actor_api_key_id, acting_as_organisation_id, action, target_type,
                                target_id, detail)
         select actor_user_id, actor_api_key_id, acting_as_organisation_id, action, target_type, target_id, detail
         from jsonb_populate_record(null::audit_log, $1)",
        entry.row_json(),
    )
    .execute(db)
    .await?;
    Ok(())
}
