//! The audit log: every state change records who did it, as whom, to what.

use serde::Serialize;
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

/// An entry as its `audit_log` row, column by column: what [`record`] inserts, and what a
/// statement that writes its audit entry among other rows (checkout's `place_order`) reads with
/// `jsonb_populate_record(null::audit_log, $n)`, so both write the same row.
#[derive(Serialize)]
pub struct AuditRow<'a> {
    actor_user_id: Option<Uuid>,
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
        "insert into audit_log (actor_user_id, acting_as_organisation_id, action, target_type, target_id, detail)
         select actor_user_id, acting_as_organisation_id, action, target_type, target_id, detail
         from jsonb_populate_record(null::audit_log, $1)",
        entry.row_json(),
    )
    .execute(db)
    .await?;
    Ok(())
}
