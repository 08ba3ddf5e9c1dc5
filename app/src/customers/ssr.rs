use serde_json::json;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::mails;
use super::{CustomerDetail, CustomerSummary, GdapView, gdap};
use crate::{
    audit::{self, AuditEntry},
    auth::ssr::AuthUser,
    components::date_in,
    domain::{CustomerId, DomainPrefix, GdapStatus, MpnId, OrderStatus, ProvisioningStep, SubscriptionStatus},
    error::{AppError, ssr::ResultExt},
    i18n::Say,
    notifications::Mail,
    orders::NewCustomerProfile,
    partner_center::PartnerCenterError,
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
                      as "live_subscriptions!",
                  (select ceil(extract(epoch from g.ends_at - market_now()) / 86400)::bigint
                   from gdap_relationship g where g.customer_id = o.organisation_id and g.status = 'expiring')
                      as "gdap_ends_in?"
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
            gdap_ends_in: c.gdap_ends_in,
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
    settings: &crate::state::Settings,
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
    let gdap = gdap_of(db, settings, customer_id.get()).await?;
    let admin_centre = gdap
        .as_ref()
        .filter(|g| g.status.grants_access())
        .and(summary.tenant_domain.as_deref())
        .map(|domain| settings.o365_link(domain));
    Ok(Some(CustomerDetail {
        summary,
        contact_name: profile.contact_name,
        contact_email: profile.contact_email,
        mpn_id: profile.mpn_id,
        subscriptions: crate::subscriptions::ssr::of_customer(db, customer_id.get()).await?,
        gdap,
        admin_centre,
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

// GDAP (issue #19): a customer's delegated admin relationship, asked for by its partner, approved
// by the customer's Global admin at Microsoft, refreshed nightly and on demand.

/// The customer's latest GDAP relationship, in play or over.
pub async fn gdap_of(
    db: impl PgExecutor<'_>,
    settings: &crate::state::Settings,
    customer_id: Uuid,
) -> Result<Option<GdapView>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select status as "status: GdapStatus", roles, duration_days, auto_extend, requested_at,
                  request_expires_at, ends_at, vendor_relationship_id, market_now() as "now!"
           from gdap_relationship where customer_id = $1
           order by requested_at desc, gdap_id limit 1"#,
        customer_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| GdapView {
        status: r.status,
        roles: r.roles.iter().map(|id| gdap::role_name(id).to_owned()).collect(),
        duration_days: r.duration_days,
        auto_extend: r.auto_extend,
        requested_at: r.requested_at,
        request_expires_at: r.request_expires_at,
        days_left: r.ends_at.filter(|_| r.status.grants_access()).map(|end| gdap::days_left(end, r.now)),
        ends_at: r.ends_at,
        approval_link: settings.gdap_approval_link(&r.vendor_relationship_id),
    }))
}

/// Asks Microsoft for the relationship and records it as requested, with the approval link to
/// send. Checked first, in this order: the customer is the partner's, none is in play, and its
/// tenant is related to us (Microsoft needs the tenant).
pub async fn request_gdap(
    state: &crate::state::AppState,
    user: &AuthUser,
    customer_id: CustomerId,
    request: gdap::GdapRequest,
) -> Result<(), AppError> {
    let customer = sqlx::query!(
        r#"select o.name, c.tenant_prefix,
                  exists(select 1 from gdap_relationship g
                         where g.customer_id = o.organisation_id and g.status in ('requested', 'active', 'expiring'))
                      as "open!"
           from organisation o join customer c using (organisation_id)
           where o.organisation_id = $1 and o.kind = 'customer' and o.parent_id = $2"#,
        customer_id.get(),
        user.organisation_id
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or_else(|| AppError::not_found(Say::CustomerNotFound))?;
    if customer.open {
        return Err(AppError::conflict(Say::GdapAlreadyOpen));
    }
    let Some(prefix) = customer.tenant_prefix else { return Err(AppError::conflict(Say::GdapNeedsTenant)) };
    let unreachable = |err: PartnerCenterError| {
        tracing::warn!(error = %err, "Partner Center unavailable for a GDAP request");
        AppError::conflict(Say::PartnerCenterUnreachable { what: crate::i18n::Msg::GdapHeading })
    };
    let tenant_id = match state.partner_center.tenant_status(&prefix).await {
        Ok(crate::partner_center::TenantStatus::Related { tenant_id }) => tenant_id,
        Ok(_) => return Err(AppError::conflict(Say::GdapNeedsTenant)),
        Err(err) => return Err(unreachable(err)),
    };
    let gdap_id = Uuid::new_v4();
    // Microsoft wants a display name of at most 50 characters, unique for the partner.
    let short: String = customer.name.chars().take(40).collect();
    let display_name = format!("{} {}", short.trim(), &gdap_id.simple().to_string()[..8]);
    let new = crate::partner_center::NewGdap {
        display_name: &display_name,
        roles: &request.roles,
        duration_days: request.duration_days,
        auto_extend: request.auto_extend,
    };
    let answer = match state.partner_center.request_gdap(tenant_id, &new, gdap_id).await {
        Ok(answer) => answer,
        Err(PartnerCenterError::Refused { code, .. }) => return Err(AppError::conflict(Say::GdapRefused { code })),
        Err(err) => return Err(unreachable(err)),
    };
    let mut tx = state.pool.begin().await?;
    sqlx::query!(
        "insert into gdap_relationship (gdap_id, customer_id, partner_id, vendor_relationship_id, display_name, roles,
                                        duration_days, auto_extend, requested_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        gdap_id,
        customer_id.get(),
        user.organisation_id,
        answer.id.to_string(),
        display_name,
        &request.roles,
        request.duration_days,
        request.auto_extend,
        user.user_id
    )
    .execute(&mut *tx)
    .await
    .on_constraint("gdap_one_open_per_customer", || AppError::conflict(Say::GdapAlreadyOpen))?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "gdap.requested",
            target_type: "customer",
            target_id: customer_id.to_string(),
            detail: json!({ "relationship": answer.id, "roles": request.roles, "duration_days": request.duration_days,
                            "auto_extend": request.auto_extend }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Microsoft's word for a relationship's status, as ours.
fn status_from_vendor(status: &str, fallback: GdapStatus) -> GdapStatus {
    match status {
        "approvalPending" | "created" => GdapStatus::Requested,
        "active" => GdapStatus::Active,
        "expired" => GdapStatus::Expired,
        "terminated" | "terminationRequested" => GdapStatus::Terminated,
        _ => fallback,
    }
}

/// Asks Microsoft where every relationship in play stands (or one customer's), records it, and
/// sends the partner the notice of an end that is due (30, 7 and 1 days before, once each for an
/// end, only without auto-extend: an auto-extending one moves its end instead). A relationship
/// Microsoft cannot answer for now stays as it was; the next run asks again. Returns how many
/// notices were sent.
pub async fn refresh_gdap(
    pool: &PgPool,
    partner_center: &crate::partner_center::PartnerCenter,
    customer: Option<Uuid>,
) -> Result<usize, sqlx::Error> {
    let open = sqlx::query!(
        r#"select g.gdap_id, g.vendor_relationship_id, g.status as "status: GdapStatus", g.ends_at, g.auto_extend,
                  g.noticed_days, g.partner_id, o.name as customer_name
           from gdap_relationship g join organisation o on o.organisation_id = g.customer_id
           where g.status in ('requested', 'active', 'expiring') and ($1::uuid is null or g.customer_id = $1)
           order by g.requested_at"#,
        customer
    )
    .fetch_all(pool)
    .await?;
    let mut notices = 0;
    for g in open {
        let Ok(vendor_id) = g.vendor_relationship_id.parse::<Uuid>() else { continue };
        let answer = match partner_center.gdap_relationship(vendor_id).await {
            Ok(answer) => answer,
            Err(err) => {
                tracing::warn!(error = %err, gdap = %g.gdap_id, "could not refresh a GDAP relationship");
                continue;
            }
        };
        let mut tx = pool.begin().await?;
        let now: time::OffsetDateTime =
            sqlx::query_scalar!(r#"select market_now() as "now!""#).fetch_one(&mut *tx).await?;
        let mut status = status_from_vendor(&answer.status, g.status);
        let ends_at = answer.end_date_time.or(g.ends_at);
        // A moved end (auto-extended) starts its notices afresh.
        let mut noticed = if ends_at == g.ends_at { g.noticed_days } else { None };
        let days = ends_at.map(|end| gdap::days_left(end, now));
        if status == GdapStatus::Active && !g.auto_extend && days.is_some_and(|d| d <= 30) {
            status = GdapStatus::Expiring;
        }
        if status == GdapStatus::Expiring
            && let (Some(days), Some(end)) = (days, ends_at)
            && let Some(due) = gdap::notice_due(days, noticed)
        {
            let mail = Mail::written(|locale| {
                mails::gdap_ending(locale, &g.customer_name, due.min(days as i32), &date_in(end.date(), locale))
            });
            crate::notifications::ssr::send_to_partner(&mut *tx, g.partner_id, &mail).await?;
            noticed = Some(due);
            notices += 1;
        }
        sqlx::query!(
            "update gdap_relationship
             set status = $2, ends_at = $3, noticed_days = $4, checked_at = market_now(),
                 activated_at = case when $2 in ('active'::gdap_status, 'expiring'::gdap_status)
                                     then coalesce(activated_at, market_now()) else activated_at end
             where gdap_id = $1",
            g.gdap_id,
            status as GdapStatus,
            ends_at,
            noticed
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(notices)
}

/// The nightly refresh of every GDAP relationship in play.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct RefreshGdap {
    /// The UTC day it is for, `YYYY-MM-DD`: one run per day, whichever process queued it.
    pub day: String,
}

impl crate::jobs::Job for RefreshGdap {
    const KIND: &'static str = "refresh_gdap";
    const MAX_ATTEMPTS: i32 = 5;

    fn dedup_key(&self) -> Option<String> {
        Some(self.day.clone())
    }
}

/// Queues today's refresh (nothing if it is already queued or done).
pub async fn schedule_gdap_refresh(pool: &PgPool) -> Result<(), sqlx::Error> {
    let day = time::OffsetDateTime::now_utc().date().to_string();
    let mut conn = pool.acquire().await?;
    crate::jobs::enqueue(&mut conn, &RefreshGdap { day }).await?;
    Ok(())
}
