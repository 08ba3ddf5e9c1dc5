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

/// Asks Partner Center about this partner's tenants that have not accepted the relationship
/// yet, and records those that have. A vendor outage leaves the stored status as it was.
pub async fn refresh_relationships(state: &crate::state::AppState, partner_id: Uuid) -> Result<(), sqlx::Error> {
    let pending = sqlx::query!(
        "select c.organisation_id, c.tenant_prefix as \"tenant_prefix!\"
         from customer c join organisation o using (organisation_id)
         where o.parent_id = $1 and c.tenant_prefix is not null and c.relationship_accepted_at is null",
        partner_id
    )
    .fetch_all(&state.pool)
    .await?;
    for customer in pending {
        match state.partner_center.tenant_status(&customer.tenant_prefix).await {
            Ok(crate::partner_center::TenantStatus::Related { .. }) => {
                sqlx::query!(
                    "update customer set relationship_accepted_at = now()
                     where organisation_id = $1 and relationship_accepted_at is null",
                    customer.organisation_id
                )
                .execute(&state.pool)
                .await?;
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "could not refresh a reseller relationship"),
        }
    }
    Ok(())
}
