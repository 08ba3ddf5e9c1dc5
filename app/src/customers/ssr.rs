use serde_json::json;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::{CustomerDetail, CustomerSummary};
use crate::{
    audit::{self, AuditEntry},
    auth::ssr::AuthUser,
    domain::{CustomerId, DomainPrefix, MpnId, OrderStatus, ProvisioningStep, SubscriptionStatus},
    error::{AppError, ssr::ResultExt},
    i18n::Say,
    orders::NewCustomerProfile,
    provisioning::InFlight,
};

/// A customer's existing Microsoft tenant, as Partner Center knows it.
#[derive(Clone, Debug)]
pub struct ExistingTenant {
    pub prefix: DomainPrefix,
    /// Whether its Global admin accepted the distributor as reseller (SPEC B); until then its
    /// orders cannot be provisioned, and the partner's relationship link is what to send.
    pub related: bool,
}

/// A customer of the user's partner, made before any order (the partner API's customers): its
/// profile checked as checkout checks a new customer's, and its existing tenant if it has one (a
/// new tenant is named by the customer's first order, which creates it). The contact reads mail
/// in the language of the partner admin, as for a customer made at checkout.
pub async fn create_customer(
    pool: &PgPool,
    user: &AuthUser,
    profile: &NewCustomerProfile,
    mpn_id: &MpnId,
    tenant: Option<&ExistingTenant>,
) -> Result<CustomerId, AppError> {
    let customer_id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "with new_organisation as (
             insert into organisation (organisation_id, kind, parent_id, name, tax_number, phone, address)
             values ($1, 'customer', $2, $3, $4, $5, $6)
         )
         insert into customer (organisation_id, tenant_prefix, contact_name, contact_email, mpn_id,
                               relationship_accepted_at, contact_language)
         values ($1, $7, $8, $9, $10, case when $11 then now() end,
                 coalesce((select language from app_user where user_id = $12), 'en'))",
        customer_id,
        user.organisation_id,
        profile.company_name,
        profile.tax_number.as_ref(),
        profile.phone.as_ref(),
        profile.address,
        tenant.map(|t| t.prefix.as_ref()),
        profile.contact_name,
        profile.contact_email,
        mpn_id.as_ref(),
        tenant.is_some_and(|t| t.related),
        user.user_id,
    )
    .execute(&mut *tx)
    .await
    .on_constraint("customer_tenant_prefix_key", || AppError::invalid("domain", Say::TenantTaken))?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "customer.created",
            target_type: "customer",
            target_id: customer_id.to_string(),
            detail: json!({ "name": profile.company_name, "tenant": tenant.map(|t| t.prefix.as_ref().to_owned()),
                            "relationship_accepted": tenant.map(|t| t.related) }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CustomerId(customer_id))
}

#[tracing::instrument(name = "customers.of_partner", skip(db))]
pub async fn customers_of_partner(db: &PgPool, partner_id: Uuid) -> Result<Vec<CustomerSummary>, sqlx::Error> {
    let customers = sqlx::query!(
        r#"select o.organisation_id, o.name, c.tenant_prefix,
                  c.relationship_accepted_at is not null as "relationship_accepted!",
                  (select count(*) from subscription s where s.customer_id = o.organisation_id and s.status = any($2))
                      as "live_subscriptions!"
           from organisation o join customer c using (organisation_id)
           where o.kind = 'customer' and o.parent_id = $1
           order by o.name, o.organisation_id"#,
        partner_id,
        &SubscriptionStatus::LIVE as &[SubscriptionStatus]
    )
    .fetch_all(db)
    .await?;
    let mut in_flight = sqlx::query!(
        r#"select so.customer_id, so.order_number, so.status as "status: OrderStatus",
                  lp.step as "step?: ProvisioningStep", lp.percent as "percent?"
           from sales_order so
           left join lateral (
               select step, percent from order_progress op
               where op.order_id = so.order_id and op.run = so.provisioning_run
               order by op.progress_id desc limit 1) lp on true
           where so.partner_id = $1
             and so.status in ('submitted', 'awaiting_credit_approval', 'provisioning', 'provisioning_failed')
           order by so.order_number"#,
        partner_id
    )
    .fetch_all(db)
    .await?;
    Ok(customers
        .into_iter()
        .map(|c| CustomerSummary {
            in_flight: in_flight
                .extract_if(.., |o| o.customer_id == c.organisation_id)
                .map(|o| InFlight {
                    order_number: o.order_number,
                    status: o.status,
                    step: o.step,
                    percent: o.percent.unwrap_or(0),
                })
                .collect(),
            customer_id: crate::domain::CustomerId(c.organisation_id),
            name: c.name,
            tenant_domain: c.tenant_prefix.as_deref().map(crate::domain::initial_domain),
            relationship_accepted: c.relationship_accepted,
            live_subscriptions: c.live_subscriptions,
        })
        .collect())
}

/// Whether `customer_id` is one of `partner_id`'s customers.
pub async fn is_customer_of(
    db: impl PgExecutor<'_>,
    partner_id: Uuid,
    customer_id: crate::domain::CustomerId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from organisation where organisation_id = $1 and kind = 'customer' and parent_id = $2) as "mine!""#,
        customer_id.get(),
        partner_id
    )
    .fetch_one(db)
    .await
}

/// One of `partner_id`'s customers with its profile and subscriptions; `None` for anyone else's.
pub async fn customer_of_partner(
    db: &PgPool,
    partner_id: Uuid,
    customer_id: crate::domain::CustomerId,
) -> Result<Option<CustomerDetail>, sqlx::Error> {
    let Some(summary) = customers_of_partner(db, partner_id).await?.into_iter().find(|c| c.customer_id == customer_id)
    else {
        return Ok(None);
    };
    let profile = sqlx::query!(
        "select contact_name, contact_email, mpn_id from customer where organisation_id = $1",
        customer_id.get()
    )
    .fetch_one(db)
    .await?;
    Ok(Some(CustomerDetail {
        summary,
        contact_name: profile.contact_name,
        contact_email: profile.contact_email,
        mpn_id: profile.mpn_id,
        subscriptions: crate::subscriptions::ssr::of_customer(db, customer_id.get()).await?,
    }))
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
