use sqlx::PgExecutor;
use uuid::Uuid;

use super::{SubscriptionStatus, SubscriptionView};
use crate::{
    catalog::BillingCycle,
    orders::OrderStatus,
    provisioning::{InFlight, ProvisioningStep},
};

/// A customer's subscriptions that are not cancelled or expired, oldest first, each with the
/// progress of the order provisioning it while that order is still under way.
#[tracing::instrument(name = "subscriptions.of_customer", skip(db))]
pub async fn of_customer(db: impl PgExecutor<'_>, customer_id: Uuid) -> Result<Vec<SubscriptionView>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select p.name as product_name, p.sku, s.billing_cycle as "billing_cycle: BillingCycle", s.quantity,
                  s.status as "status: SubscriptionStatus", so.order_number, so.status as "order_status: OrderStatus",
                  lp.step as "step?: ProvisioningStep", lp.percent as "percent?"
           from subscription s
           join product p on p.product_id = s.product_id
           join sales_order so on so.order_id = s.order_id
           left join lateral (
               select step, percent from order_progress op
               where op.order_id = so.order_id and op.run = so.provisioning_run
               order by op.progress_id desc limit 1) lp on true
           where s.customer_id = $1 and s.status = any($2)
           order by s.created_at, p.name"#,
        customer_id,
        &SubscriptionStatus::LIVE as &[SubscriptionStatus]
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SubscriptionView {
            in_flight: (r.status == SubscriptionStatus::Pending).then(|| InFlight {
                order_number: r.order_number,
                status: r.order_status,
                step: r.step,
                percent: r.percent.unwrap_or(0),
            }),
            product_name: r.product_name,
            sku: r.sku,
            billing_cycle: r.billing_cycle,
            quantity: r.quantity,
            status: r.status,
        })
        .collect())
}
