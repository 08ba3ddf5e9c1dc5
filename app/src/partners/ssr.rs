use sqlx::PgExecutor;
use uuid::Uuid;

use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgPool;

use super::{PartnerOverview, PartnerSummary};
use crate::i18n::Say;
use crate::{
    audit::{self, AuditEntry},
    auth::ssr::AuthUser,
    error::AppError,
};

#[tracing::instrument(name = "partners.list", skip(db))]
pub async fn list_partners(db: impl PgExecutor<'_>) -> Result<Vec<PartnerSummary>, sqlx::Error> {
    sqlx::query_as!(
        PartnerSummary,
        r#"select o.organisation_id as "partner_id: crate::domain::PartnerId", o.name, p.mpn_id, p.credit_limit,
                  p.credit_limit - partner_credit_used(o.organisation_id) as "available!", p.currency as "currency!: crate::domain::Currency",
                  (select count(*) from organisation c where c.parent_id = o.organisation_id) as "customers!"
           from organisation o join partner p using (organisation_id)
           order by o.name"#
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(name = "partners.overview", skip(db))]
pub async fn overview(db: impl PgExecutor<'_>, partner_id: Uuid) -> Result<Option<PartnerOverview>, sqlx::Error> {
    sqlx::query_as!(
        PartnerOverview,
        r#"select o.name,
                  (select count(*) from product where is_active) as "products!",
                  (select count(*) from organisation c where c.parent_id = o.organisation_id) as "customers!",
                  p.credit_limit, p.currency as "currency!: crate::domain::Currency"
           from organisation o join partner p using (organisation_id)
           where o.organisation_id = $1"#,
        partner_id
    )
    .fetch_optional(db)
    .await
}

pub async fn set_credit_limit(
    pool: &PgPool,
    by: &AuthUser,
    partner_id: crate::domain::PartnerId,
    limit: Decimal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let old = sqlx::query_scalar!(
        "select credit_limit from partner where organisation_id = $1 for no key update",
        partner_id.get()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::PartnerNotFound))?;
    sqlx::query!("update partner set credit_limit = $2 where organisation_id = $1", partner_id.get(), limit)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(by.user_id),
            acting_as: None,
            action: "partner.credit_limit_changed",
            target_type: "organisation",
            target_id: partner_id.to_string(),
            detail: json!({ "from": old, "to": limit }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
