use sqlx::PgExecutor;
use uuid::Uuid;

use super::{PartnerOverview, PartnerSummary};

#[tracing::instrument(name = "partners.list", skip(db))]
pub async fn list_partners(db: impl PgExecutor<'_>) -> Result<Vec<PartnerSummary>, sqlx::Error> {
    sqlx::query_as!(
        PartnerSummary,
        r#"select o.name, p.mpn_id, p.credit_limit, p.currency::text as "currency!",
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
                  p.credit_limit, p.currency::text as "currency!"
           from organisation o join partner p using (organisation_id)
           where o.organisation_id = $1"#,
        partner_id
    )
    .fetch_optional(db)
    .await
}
