//! The audit log: every state change records who did it, as whom, to what.

use serde_json::Value;
use sqlx::PgExecutor;
use uuid::Uuid;

/// One audit entry. `acting_as` is the customer organisation when a partner acts in its portal.
pub struct AuditEntry<'a> {
    pub actor: Option<Uuid>,
    pub acting_as: Option<Uuid>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: String,
    pub detail: Value,
}

#[tracing::instrument(name = "audit.record", skip(db, entry), fields(action = entry.action))]
pub async fn record(db: impl PgExecutor<'_>, entry: AuditEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into audit_log (actor_user_id, acting_as_organisation_id, action, target_type, target_id, detail)
         values ($1, $2, $3, $4, $5, $6)",
        entry.actor,
        entry.acting_as,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.detail,
    )
    .execute(db)
    .await?;
    Ok(())
}
