use sqlx::PgExecutor;
use uuid::Uuid;

use super::CustomerSummary;

#[tracing::instrument(name = "customers.of_partner", skip(db))]
pub async fn customers_of_partner(
    db: impl PgExecutor<'_>,
    partner_id: Uuid,
) -> Result<Vec<CustomerSummary>, sqlx::Error> {
    sqlx::query_as!(
        CustomerSummary,
        r#"select o.name, c.tenant_prefix || '.onmicrosoft.com' as tenant_domain,
                  c.relationship_accepted_at is not null as "relationship_accepted!"
           from organisation o join customer c using (organisation_id)
           where o.kind = 'customer' and o.parent_id = $1
           order by o.name"#,
        partner_id
    )
    .fetch_all(db)
    .await
}
