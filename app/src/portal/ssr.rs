use sqlx::PgExecutor;
use uuid::Uuid;

use super::CompanyInfo;

#[tracing::instrument(name = "portal.company", skip(db))]
pub async fn company(db: impl PgExecutor<'_>, customer_id: Uuid) -> Result<Option<CompanyInfo>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select o.name, c.tenant_prefix, p.name as partner_name
           from organisation o
           join customer c using (organisation_id)
           join organisation p on p.organisation_id = o.parent_id
           where o.organisation_id = $1"#,
        customer_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| CompanyInfo {
        name: r.name,
        tenant_domain: r.tenant_prefix.as_deref().map(crate::domain::initial_domain),
        partner_name: r.partner_name,
    }))
}
