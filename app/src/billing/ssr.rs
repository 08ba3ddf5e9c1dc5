use sqlx::PgExecutor;
use uuid::Uuid;

use super::CreditSummary;

#[tracing::instrument(name = "billing.credit_summary", skip(db))]
pub async fn credit_summary(db: impl PgExecutor<'_>, partner_id: Uuid) -> Result<Option<CreditSummary>, sqlx::Error> {
    sqlx::query_as!(
        CreditSummary,
        r#"select credit_limit, credit_limit - partner_credit_used(organisation_id) as "available!",
                  currency::text as "currency!"
           from partner where organisation_id = $1"#,
        partner_id
    )
    .fetch_optional(db)
    .await
}
