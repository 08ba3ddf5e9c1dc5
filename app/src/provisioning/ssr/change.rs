//! The `change_subscription` job: a change order sets the licence count at the vendor, a
//! cancellation order cancels the subscription and its add-ons there; then the marketplace
//! follows (licences, seat lots, statuses) in one transaction with the completion mail.
//!
//! The vendor calls set a state ("10 licences", "cancelled") rather than add to it, so a retried
//! attempt repeats them harmlessly; the steps recorded for the run show how far it got.

use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Engine, OrderRef, Stop, fail_in, record};
use crate::provisioning::mails;
use crate::{
    domain::ProvisioningStep,
    domain::{OrderKind, OrderStatus},
    jobs::{Job, JobError},
    notifications::{self, Mail},
    partner_center::{VendorChange, codes},
    webhooks::ssr::{self as webhooks, Event, OrderEvent, SubscriptionChange},
};

/// Carries out a change or cancellation order at the vendor (see `provisioning::change`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChangeSubscription {
    pub order_id: Uuid,
}

impl Job for ChangeSubscription {
    const KIND: &'static str = "change_subscription";
    const MAX_ATTEMPTS: i32 = 30;

    fn dedup_key(&self) -> Option<String> {
        Some(self.order_id.to_string())
    }
}

struct ChangeOrder {
    order_id: Uuid,
    order_number: i64,
    status: OrderStatus,
    kind: OrderKind,
    run: i32,
    subscription_id: Uuid,
    product_id: Uuid,
    product_name: String,
    customer_id: Uuid,
    customer_name: String,
    vendor_tenant_id: Option<Uuid>,
    vendor_subscription_id: Option<String>,
    from_quantity: i32,
    to_quantity: i32,
    partner_email: String,
    contact_email: Option<String>,
}

impl ChangeOrder {
    fn as_ref(&self) -> OrderRef<'_> {
        OrderRef {
            order_id: self.order_id,
            order_number: self.order_number,
            run: self.run,
            customer_name: &self.customer_name,
            partner_email: &self.partner_email,
        }
    }
}

impl Engine {
    /// Runs (or resumes) a change or cancellation order. On the last attempt a vendor that is
    /// still unavailable fails the order with the reason, as for sales orders.
    #[tracing::instrument(name = "provisioning.change", skip(self, job), fields(order = %job.order_id, order_number = tracing::field::Empty))]
    pub async fn run_change(&self, job: ChangeSubscription, attempt: i32) -> Result<(), JobError> {
        let retry = |e: sqlx::Error| JobError::retryable(e.to_string());
        let Some(order) = self.load_change(job.order_id).await.map_err(retry)? else {
            return Err(JobError::Fatal(format!("change order {} does not exist", job.order_id)));
        };
        tracing::Span::current().record("order_number", order.order_number);
        if !matches!(order.status, OrderStatus::Submitted | OrderStatus::Provisioning) {
            return Ok(());
        }
        match self.change_steps(&order).await {
            Ok(()) => Ok(()),
            Err(Stop::Refused { code, description }) => {
                self.change_failed(&order, code, &description).await.map_err(retry)
            }
            Err(Stop::Retry(err)) if attempt >= ChangeSubscription::MAX_ATTEMPTS => {
                self.change_failed(&order, codes::UNAVAILABLE, &err.to_string()).await.map_err(retry)
            }
            Err(Stop::Retry(err)) => Err(err),
            Err(Stop::Halt(reason)) => {
                tracing::error!(%reason, "a change stopped until Partner Center takes our credentials");
                Err(JobError::Fatal(reason))
            }
        }
    }

    async fn change_steps(&self, order: &ChangeOrder) -> Result<(), Stop> {
        let reached = self.reached(&order.as_ref()).await?;
        if !reached.contains(&ProvisioningStep::Validating) {
            self.step(&order.as_ref(), ProvisioningStep::Validating).await?;
        }
        let (Some(tenant_id), Some(vendor_id)) = (order.vendor_tenant_id, order.vendor_subscription_id.as_deref())
        else {
            return Err(Stop::Refused {
                code: codes::SUBSCRIPTION_NOT_FOUND,
                description: "the subscription is not known at Partner Center".into(),
            });
        };
        let request_id = |what: &str| Uuid::new_v5(&order.order_id, format!("{}:{what}", order.run).as_bytes());
        let pc = &self.partner_center;
        let mut tx;
        let mut events = vec![Event::order(OrderEvent::Completed, order.order_id)];
        match order.kind {
            OrderKind::Cancellation => {
                self.step(&order.as_ref(), ProvisioningStep::CancellingSubscription).await?;
                let addons = sqlx::query!(
                    "select a.subscription_id, a.vendor_subscription_id from subscription a
                     join product p on p.product_id = a.product_id
                     where a.customer_id = $1 and p.base_product_id = $2 and a.status = 'pending_cancellation'",
                    order.customer_id,
                    order.product_id
                )
                .fetch_all(&self.pool)
                .await?;
                // Add-ons first: Microsoft refuses to leave an add-on without its base.
                for addon in &addons {
                    if let Some(vendor_addon) = addon.vendor_subscription_id.as_deref() {
                        pc.update_subscription(tenant_id, vendor_addon, VendorChange::Cancel, request_id(vendor_addon))
                            .await?;
                    }
                }
                pc.update_subscription(tenant_id, vendor_id, VendorChange::Cancel, request_id("cancel")).await?;
                tx = self.pool.begin().await?;
                let mut ids: Vec<Uuid> = addons.iter().map(|a| a.subscription_id).collect();
                ids.push(order.subscription_id);
                sqlx::query!(
                    "update subscription set status = 'cancelled', cancelled_at = market_now()
                     where subscription_id = any($1)",
                    &ids
                )
                .execute(&mut *tx)
                .await?;
                events.extend(ids.iter().map(|id| Event::subscription(*id, SubscriptionChange::Cancelled)));
            }
            OrderKind::Change | OrderKind::Sales => {
                self.step(&order.as_ref(), ProvisioningStep::UpdatingSubscription).await?;
                pc.update_subscription(
                    tenant_id,
                    vendor_id,
                    VendorChange::Quantity(order.to_quantity),
                    request_id("quantity"),
                )
                .await?;
                tx = self.pool.begin().await?;
                apply_quantity(&mut tx, order).await?;
                events.push(Event::subscription(order.subscription_id, SubscriptionChange::LicenceCount));
            }
        }
        sqlx::query!("update subscription_change set settled_at = market_now() where order_id = $1", order.order_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query!("update sales_order set status = 'completed' where order_id = $1", order.order_id)
            .execute(&mut *tx)
            .await?;
        crate::billing::ssr::charge_change(&mut tx, order.order_id).await?;
        record(&mut tx, &order.as_ref(), ProvisioningStep::Completed).await?;
        let mail = Mail::written(|locale| match order.kind {
            OrderKind::Cancellation => {
                mails::subscription_cancelled(locale, order.order_number, &order.product_name, &order.customer_name)
            }
            _ => mails::licences_changed(
                locale,
                order.order_number,
                &order.product_name,
                &order.customer_name,
                order.from_quantity,
                order.to_quantity,
            ),
        });
        notifications::ssr::send(&mut *tx, &order.partner_email, &mail).await?;
        if let Some(contact) = order.contact_email.as_deref().filter(|c| *c != order.partner_email) {
            notifications::ssr::send(&mut *tx, contact, &mail).await?;
        }
        webhooks::emit(&mut tx, &events).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Nothing changed at the vendor: the order fails with the reason, the change is settled so
    /// another may be asked for, and a subscription waiting for cancellation is active again.
    async fn change_failed(&self, order: &ChangeOrder, code: i64, description: &str) -> Result<(), sqlx::Error> {
        tracing::warn!(order_number = order.order_number, code, %description, "change order failed at the vendor");
        let facts =
            crate::provisioning::ChangeFacts { product_name: &order.product_name, from_quantity: order.from_quantity };
        let failure = crate::provisioning::failure(Some(code), description, Some(facts));
        let mut tx = self.pool.begin().await?;
        sqlx::query!("update subscription_change set settled_at = market_now() where order_id = $1", order.order_id)
            .execute(&mut *tx)
            .await?;
        let reactivated = if order.kind == OrderKind::Cancellation {
            sqlx::query_scalar!(
                "update subscription s set status = 'active' from product p
                 where p.product_id = s.product_id and s.status = 'pending_cancellation'
                   and (s.subscription_id = $1 or (s.customer_id = $2 and p.base_product_id = $3))
                 returning s.subscription_id",
                order.subscription_id,
                order.customer_id,
                order.product_id
            )
            .fetch_all(&mut *tx)
            .await?
        } else {
            Vec::new()
        };
        let reactivated: Vec<Event> =
            reactivated.into_iter().map(|id| Event::subscription(id, SubscriptionChange::Reactivated)).collect();
        fail_in(&mut tx, &order.as_ref(), code, description, &failure, &reactivated).await?;
        tx.commit().await
    }

    async fn load_change(&self, order_id: Uuid) -> Result<Option<ChangeOrder>, sqlx::Error> {
        sqlx::query_as!(
            ChangeOrder,
            r#"select so.order_id, so.order_number, so.status as "status: OrderStatus", so.kind as "kind: OrderKind",
                      so.provisioning_run as run, c.subscription_id, s.product_id, p.name as product_name,
                      so.customer_id, co.name as customer_name, so.vendor_tenant_id, s.vendor_subscription_id,
                      c.from_quantity, c.to_quantity, cu.contact_email,
                      coalesce((select email from app_user where organisation_id = so.partner_id and role = 'partner_admin'
                                order by created_at limit 1), '') as "partner_email!"
               from sales_order so
               join subscription_change c on c.order_id = so.order_id
               join subscription s on s.subscription_id = c.subscription_id
               join product p on p.product_id = s.product_id
               join organisation co on co.organisation_id = so.customer_id
               join customer cu on cu.organisation_id = so.customer_id
               where so.order_id = $1"#,
            order_id
        )
        .fetch_optional(&self.pool)
        .await
    }
}

/// The new licence count, with the seat lots following: an increase is a lot of its own, a
/// decrease takes the newest seats first (the only ones the window lets go).
async fn apply_quantity(tx: &mut PgConnection, order: &ChangeOrder) -> Result<(), sqlx::Error> {
    let delta = order.to_quantity - order.from_quantity;
    if delta > 0 {
        sqlx::query!(
            "insert into seat_lot (subscription_id, order_id, quantity, added_at) values ($1, $2, $3, market_now())",
            order.subscription_id,
            order.order_id,
            delta
        )
        .execute(&mut *tx)
        .await?;
    } else if delta < 0 {
        // Lots wholly inside the newest `removed` seats go; the one the cut runs through shrinks.
        sqlx::query!(
            "with ordered as (
                 select lot_id, quantity,
                        sum(quantity) over (order by added_at desc, lot_id desc) as through
                 from seat_lot where subscription_id = $1),
             gone as (
                 delete from seat_lot where lot_id in (select lot_id from ordered where through <= $2))
             update seat_lot l set quantity = o.through - $2
             from ordered o
             where l.lot_id = o.lot_id and o.through > $2 and o.through - o.quantity < $2",
            order.subscription_id,
            i64::from(-delta)
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "update subscription set quantity = $2 where subscription_id = $1",
        order.subscription_id,
        order.to_quantity
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
