//! Orders after checkout placed them (`checkout::place_order`): lists, the order page, the
//! one-time admin password, credit decisions and resubmission, each in one transaction with
//! the jobs and mails it causes.

use serde_json::json;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::i18n::Say;
use crate::notifications::Mail;
use crate::{domain::ProvisioningStep, provisioning::ProgressView};

use super::{ChangeView, OrderDetail, OrderKind, OrderLineView, OrderStatus, OrderSummary, mails};
use crate::{
    audit::{self, AuditEntry},
    auth::ssr::AuthUser,
    domain::BillingCycle,
    domain::{DomainPrefix, MpnId},
    error::{AppError, ssr::ResultExt},
    notifications,
    provisioning::{
        self,
        ssr::{ChangeSubscription, ProvisionOrder},
    },
    webhooks::ssr::{self as webhooks, Event, OrderEvent},
};

#[tracing::instrument(name = "orders.list", skip(db))]
pub async fn list(db: impl PgExecutor<'_>, partner: Option<Uuid>) -> Result<Vec<OrderSummary>, sqlx::Error> {
    sqlx::query_as!(
        OrderSummary,
        r#"select so.order_number as "order_number: crate::domain::OrderNumber", so.kind as "kind: OrderKind", po.name as partner_name, co.name as customer_name,
                  so.status as "status: OrderStatus", so.total, so.term_value, so.currency as "currency!: crate::domain::Currency",
                  so.created_at
           from sales_order so
           join organisation po on po.organisation_id = so.partner_id
           join organisation co on co.organisation_id = so.customer_id
           where $1::uuid is null or so.partner_id = $1
           order by so.status in ('awaiting_credit_approval', 'new') desc, so.created_at desc
           limit 500"#,
        partner
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(name = "orders.detail", skip(pool))]
pub async fn detail(
    pool: &PgPool,
    order_number: crate::domain::OrderNumber,
    partner: Option<Uuid>,
) -> Result<Option<OrderDetail>, sqlx::Error> {
    let Some(row) = sqlx::query!(
        r#"select so.order_id, so.order_number as "order_number: crate::domain::OrderNumber", po.name as partner_name, co.name as customer_name,
                  so.status as "status: OrderStatus", so.kind as "kind: OrderKind", so.total, so.term_value,
                  so.currency as "currency!: crate::domain::Currency", so.created_at, so.mpn_id, so.tenant_prefix, so.new_tenant,
                  so.subtotal, so.vat, so.decision_reason, so.provisioning_run,
                  so.failure_code, so.failure_detail,
                  so.admin_password_sealed is not null as "password_pending!",
                  so.admin_password_viewed_at is not null as "password_viewed!",
                  (select j.state::text from job j where j.job_id = so.current_job_id) as job_state
           from sales_order so
           join organisation po on po.organisation_id = so.partner_id
           join organisation co on co.organisation_id = so.customer_id
           where so.order_number = $1 and ($2::uuid is null or so.partner_id = $2)"#,
        order_number.get(),
        partner
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let lines = sqlx::query_as!(
        OrderLineView,
        r#"select p.name as product_name, p.sku, l.billing_cycle as "billing_cycle: BillingCycle", l.quantity,
                  l.unit_price, l.line_total
           from order_line l join product p using (product_id)
           where l.order_id = $1 order by l.line_no"#,
        row.order_id
    )
    .fetch_all(pool)
    .await?;
    let progress = sqlx::query_as!(
        ProgressView,
        r#"select step as "step: ProvisioningStep", percent, recorded_at from order_progress
           where order_id = $1 and run = $2 order by recorded_at, progress_id"#,
        row.order_id,
        row.provisioning_run
    )
    .fetch_all(pool)
    .await?;
    let change = sqlx::query_as!(
        ChangeView,
        "select p.name as product_name, c.from_quantity, c.to_quantity, c.refund
         from subscription_change c join subscription s using (subscription_id) join product p using (product_id)
         where c.order_id = $1",
        row.order_id
    )
    .fetch_optional(pool)
    .await?;
    let failure = (row.status == OrderStatus::ProvisioningFailed).then(|| {
        let facts = change.as_ref().map(|c| crate::provisioning::ChangeFacts {
            product_name: &c.product_name,
            from_quantity: c.from_quantity,
        });
        crate::provisioning::failure(row.failure_code, row.failure_detail.as_deref().unwrap_or_default(), facts)
    });
    Ok(Some(OrderDetail {
        summary: OrderSummary {
            order_number: row.order_number,
            kind: row.kind,
            partner_name: row.partner_name,
            customer_name: row.customer_name,
            status: row.status,
            total: row.total,
            term_value: row.term_value,
            currency: row.currency,
            created_at: row.created_at,
        },
        kind: row.kind,
        mpn_id: row.mpn_id,
        tenant_domain: format!("{}{}", row.tenant_prefix, crate::domain::ONMICROSOFT),
        new_tenant: row.new_tenant,
        subtotal: row.subtotal,
        vat: row.vat,
        decision_reason: row.decision_reason,
        lines,
        job_state: row.job_state,
        progress,
        failure,
        password_pending: row.password_pending,
        password_viewed: row.password_viewed,
        o365_link: None,
        change,
    }))
}

/// Reads and wipes a new tenant's one-time admin password in one statement: two tabs pressing
/// "View Password" together still see it once between them. It rests sealed for its order.
pub async fn take_admin_password(
    pool: &PgPool,
    key: &crate::secrets::SecretKey,
    user: &AuthUser,
    order_number: crate::domain::OrderNumber,
) -> Result<super::AdminCredentials, AppError> {
    let mut tx = pool.begin().await?;
    let taken = sqlx::query!(
        r#"with old as (
               select order_id, admin_password_sealed, tenant_prefix from sales_order
               where order_number = $1 and partner_id = $2 and admin_password_sealed is not null
               for update)
           update sales_order so set admin_password_sealed = null, admin_password_viewed_at = now()
           from old where so.order_id = old.order_id
           returning so.order_id, old.admin_password_sealed as "sealed!", old.tenant_prefix"#,
        order_number.get(),
        user.organisation_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(taken) = taken else {
        let exists = sqlx::query_scalar!(
            "select new_tenant from sales_order where order_number = $1 and partner_id = $2",
            order_number.get(),
            user.organisation_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        return Err(match exists {
            None => AppError::not_found(Say::OrderNotFound),
            Some(false) => AppError::conflict(Say::NoNewTenantPassword),
            Some(true) => AppError::conflict(Say::PasswordAlreadyShown),
        });
    };
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "order.admin_password_viewed",
            target_type: "order",
            target_id: taken.order_id.to_string(),
            detail: json!({ "order_number": order_number }),
        },
    )
    .await?;
    let password = key.open(&taken.sealed, taken.order_id.as_bytes()).ok_or_else(|| {
        crate::error::ssr::internal("opening a one-time password", "it does not open with CLOUDMARKET_SECRET_KEY")
    })?;
    tx.commit().await?;
    Ok(super::AdminCredentials {
        user_name: format!("admin@{}{}", taken.tenant_prefix, crate::domain::ONMICROSOFT),
        password,
    })
}

/// Credit control's decision on an order awaiting credit approval.
#[tracing::instrument(name = "orders.decide_credit", skip(pool, user, reason))]
pub async fn decide_credit(
    pool: &PgPool,
    user: &AuthUser,
    order_number: crate::domain::OrderNumber,
    approve: bool,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let order = sqlx::query!(
        r#"select so.order_id, so.status as "status: OrderStatus", so.kind as "kind: OrderKind", so.partner_id,
                  u.email, u.organisation_id = so.partner_id as "by_partner!", co.name as customer_name
           from sales_order so
           join app_user u on u.user_id = so.created_by
           join organisation co on co.organisation_id = so.customer_id
           where so.order_number = $1 for update of so"#,
        order_number.get()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::OrderNotFound))?;
    if order.status != OrderStatus::AwaitingCreditApproval {
        return Err(AppError::conflict(Say::OrderAlreadyDecided { order: order_number.to_string() }));
    }
    let status = if approve { OrderStatus::Submitted } else { OrderStatus::Rejected };
    sqlx::query!(
        "update sales_order set status = $2, decided_by = $3, decided_at = now(), decision_reason = $4 where order_id = $1",
        order.order_id,
        status as OrderStatus,
        user.user_id,
        reason
    )
    .execute(&mut *tx)
    .await?;
    // A licence increase (a change order) waits for credit like a sale; approved, it goes to the
    // vendor as a change; rejected, the subscription keeps its count and can be changed again.
    let change = order.kind == OrderKind::Change;
    let mail = if approve {
        if change {
            let job = ChangeSubscription { order_id: order.order_id };
            provisioning::ssr::enqueue_for_order(&mut tx, order.order_id, &job).await?;
        } else {
            let job = ProvisionOrder { order_id: order.order_id, run: 1 };
            provisioning::ssr::enqueue_for_order(&mut tx, order.order_id, &job).await?;
        }
        Mail::written(|locale| mails::credit_approved(locale, order_number, &order.customer_name, reason))
    } else {
        if change {
            sqlx::query!(
                "update subscription_change set settled_at = market_now() where order_id = $1",
                order.order_id
            )
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query!("update subscription set status = 'cancelled' where order_id = $1", order.order_id)
                .execute(&mut *tx)
                .await?;
        }
        Mail::written(|locale| mails::credit_rejected(locale, order_number, &order.customer_name, reason))
    };
    notifications::ssr::send(&mut *tx, &order.email, &mail).await?;
    // A change a customer admin asked for concerns the partner, whose credit it uses, too.
    if !order.by_partner {
        notifications::ssr::send_to_partner(&mut *tx, order.partner_id, &mail).await?;
    }
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: if approve { "order.credit_approved" } else { "order.credit_rejected" },
            target_type: "order",
            target_id: order_number.to_string(),
            detail: json!({ "reason": reason }),
        },
    )
    .await?;
    webhooks::emit(&mut tx, &[Event::order(OrderEvent::CreditDecided, order.order_id)]).await?;
    tx.commit().await?;
    Ok(())
}

/// Puts a failed order back on the queue with the partner's corrections, as a new run.
#[tracing::instrument(name = "orders.resubmit", skip(state, user))]
pub async fn resubmit(
    state: &crate::state::AppState,
    user: &AuthUser,
    order_number: crate::domain::OrderNumber,
    mpn: &MpnId,
    tenant: &str,
) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    let order = sqlx::query!(
        r#"select order_id, status as "status: OrderStatus", kind as "kind: OrderKind", new_tenant, provisioning_run,
                  customer_id, tenant_prefix
           from sales_order where order_number = $1 and partner_id = $2 for update"#,
        order_number.get(),
        user.organisation_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::OrderNotFound))?;
    if order.status != OrderStatus::ProvisioningFailed {
        return Err(AppError::conflict(Say::OrderNotFailed { order: order_number.to_string() }));
    }
    if order.kind != OrderKind::Sales {
        return Err(AppError::conflict(Say::OrderWasAChange { order: order_number.to_string() }));
    }
    let prefix = if order.new_tenant {
        DomainPrefix::parse(tenant, state.settings.tenant_prefix_max).map_err(|m| AppError::invalid("tenant", m))?
    } else {
        DomainPrefix::parse_initial_domain(tenant).map_err(|m| AppError::invalid("tenant", m))?
    };
    // Microsoft's Partner-of-Record rule: the order goes to Microsoft again under this ID. Asked
    // with the order locked (a second resubmission waits) and nothing written yet.
    if let Some(refusal) = crate::partner_center::partner_of_record(&state.partner_center, mpn.as_ref()).await? {
        return Err(AppError::invalid("mpn_id", refusal.to_partner(mpn.as_ref())));
    }
    let run = order.provisioning_run + 1;
    sqlx::query!(
        "update sales_order set status = 'submitted', mpn_id = $2, tenant_prefix = $3, provisioning_run = $4,
                failure_code = null, failure_detail = null
         where order_id = $1",
        order.order_id,
        mpn.as_ref(),
        prefix.as_ref(),
        run
    )
    .execute(&mut *tx)
    .await?;
    // The customer's tenant follows the correction while no tenant was made with the old one.
    if prefix.as_ref() != order.tenant_prefix {
        sqlx::query!(
            "update customer set tenant_prefix = $2 where organisation_id = $1 and tenant_prefix = $3",
            order.customer_id,
            prefix.as_ref(),
            order.tenant_prefix
        )
        .execute(&mut *tx)
        .await
        .on_constraint("customer_tenant_prefix_key", || AppError::invalid("tenant", Say::TenantTaken))?;
    }
    provisioning::ssr::enqueue_for_order(&mut tx, order.order_id, &ProvisionOrder { order_id: order.order_id, run })
        .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "order.resubmitted",
            target_type: "order",
            target_id: order_number.to_string(),
            detail: json!({ "run": run, "mpn_id": mpn.as_ref(), "tenant": prefix.as_ref() }),
        },
    )
    .await?;
    webhooks::emit(&mut tx, &[Event::order(OrderEvent::Submitted, order.order_id)]).await?;
    tx.commit().await?;
    Ok(())
}
