//! Subscriptions in the database: the portal's lists, and the change and cancellation orders
//! with the job that carries them out at the vendor.

use rust_decimal::Decimal;
use serde_json::json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    SubscriptionDetail, SubscriptionStatus, SubscriptionView, mails,
    rules::{self, Change, Refund, SeatLot},
};
use crate::domain::Money;
use crate::i18n::Say;
use crate::notifications::Mail;
use crate::{
    audit::{self, AuditEntry},
    auth::ssr::{AuthUser, CustomerActor},
    components::{BULK_MAX, ItemOutcome},
    domain::BillingCycle,
    domain::ProvisioningStep,
    domain::{OrderKind, OrderStatus},
    error::{AppError, ssr::ResultExt},
    notifications,
    provisioning::InFlight,
    provisioning::{self, ssr::ChangeSubscription},
    state::AppState,
    webhooks::ssr::{self as webhooks, Event, OrderEvent, SubscriptionChange},
};

/// A customer's subscriptions that are not cancelled or expired, oldest first, each with the
/// progress of the order provisioning or changing it while that order is under way.
#[tracing::instrument(name = "subscriptions.of_customer", skip(db))]
pub async fn of_customer(db: impl PgExecutor<'_>, customer_id: Uuid) -> Result<Vec<SubscriptionView>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select s.subscription_id, p.name as product_name, p.sku, p.base_product_id is not null as "is_addon!",
                  s.billing_cycle as "billing_cycle: BillingCycle", s.quantity,
                  s.status as "status: SubscriptionStatus", s.term_end, s.auto_renew, s.renewal_quantity,
                  w.order_number as "order_number?", w.status as "order_status?: OrderStatus",
                  lp.step as "step?: ProvisioningStep", lp.percent as "percent?"
           from subscription s
           join product p on p.product_id = s.product_id
           -- The order at work on it: its own while pending, else an open change.
           left join lateral (
               select so.order_id, so.order_number, so.status, so.provisioning_run from sales_order so
               where (s.status = 'pending' and so.order_id = s.order_id)
                  or (so.order_id in (select c.order_id from subscription_change c
                                      where c.subscription_id = s.subscription_id and c.settled_at is null)
                      and so.status in ('awaiting_credit_approval', 'submitted', 'provisioning'))
               limit 1) w on true
           left join lateral (
               select step, percent from order_progress op
               where op.order_id = w.order_id and op.run = w.provisioning_run
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
            in_flight: r.order_number.zip(r.order_status).map(|(order_number, status)| InFlight {
                order_number,
                status,
                step: r.step,
                percent: r.percent.unwrap_or(0),
            }),
            subscription_id: crate::domain::SubscriptionId(r.subscription_id),
            product_name: r.product_name,
            sku: r.sku,
            billing_cycle: r.billing_cycle,
            quantity: r.quantity,
            status: r.status,
            term_end: r.term_end,
            auto_renew: r.auto_renew,
            renewal_quantity: r.renewal_quantity,
            is_addon: r.is_addon,
        })
        .collect())
}

/// A subscription of `customer_id` with its price and term, locked when read in a transaction
/// that asks for it.
struct Held {
    subscription_id: Uuid,
    customer_id: Uuid,
    customer_name: String,
    partner_id: Uuid,
    product_id: Uuid,
    product_name: String,
    billing_cycle: BillingCycle,
    quantity: i32,
    status: SubscriptionStatus,
    term_start: Option<OffsetDateTime>,
    term_end: Option<OffsetDateTime>,
    /// The price of the current term, locked at purchase or renewal: per licence per charge.
    unit_price: Decimal,
    currency: crate::domain::Currency,
    mpn_id: String,
    tenant_prefix: String,
    vendor_tenant_id: Option<Uuid>,
    now: OffsetDateTime,
    open_order: Option<i64>,
    /// The catalog's seat limit for the product.
    max_seats: i32,
}

impl Held {
    /// Only an active subscription can be changed or cancelled, and one thing at a time.
    fn changeable(&self) -> Result<(), AppError> {
        // A cancellation waiting for the partner says so, rather than naming its order as a change
        // under way: it is what the customer asked for a moment ago (or, retried, just now).
        if self.status == SubscriptionStatus::PendingCancellation {
            return Err(AppError::conflict(Say::SubscriptionAwaitsCancellation));
        }
        if let Some(number) = self.open_order {
            return Err(AppError::conflict(Say::SubscriptionChanging { order: number.to_string() }));
        }
        match self.status {
            SubscriptionStatus::Active => Ok(()),
            SubscriptionStatus::Pending => Err(AppError::conflict(Say::SubscriptionStillProvisioning)),
            SubscriptionStatus::PendingCancellation => Err(AppError::conflict(Say::SubscriptionAwaitsCancellation)),
            _ => Err(AppError::conflict(Say::SubscriptionNotActive)),
        }
    }

    /// What one charge covers: the term, or for an annual term billed monthly the month of it
    /// that is running (its seats' changes are prorated over the month its price is charged for).
    fn term(&self) -> Result<(time::Date, time::Date), AppError> {
        match (self.term_start, self.term_end) {
            (Some(start), Some(_)) if self.billing_cycle == BillingCycle::AnnualMonthly => {
                Ok(crate::billing::rules::billing_month(start.date(), self.now.date()))
            }
            (Some(start), Some(end)) => Ok((start.date(), end.date())),
            _ => Err(AppError::conflict(Say::SubscriptionNoTerm)),
        }
    }
}

async fn held(
    conn: &mut PgConnection,
    customer_id: Uuid,
    subscription_id: Uuid,
    lock: bool,
) -> Result<Option<Held>, sqlx::Error> {
    // Locked first when asked, so the state read below is the one the change builds on; the
    // portal's reads take no lock and never queue behind a change.
    if lock {
        let mine = sqlx::query_scalar!(
            "select subscription_id from subscription where subscription_id = $1 and customer_id = $2 for update",
            subscription_id,
            customer_id
        )
        .fetch_optional(&mut *conn)
        .await?;
        if mine.is_none() {
            return Ok(None);
        }
    }
    sqlx::query_as!(
        Held,
        r#"select s.subscription_id, s.customer_id, co.name as customer_name, co.parent_id as "partner_id!",
                  s.product_id, p.name as product_name, s.billing_cycle as "billing_cycle: BillingCycle", s.quantity,
                  s.status as "status: SubscriptionStatus", s.term_start, s.term_end,
                  s.unit_price, so.currency as "currency!: crate::domain::Currency", so.mpn_id, so.tenant_prefix, so.vendor_tenant_id,
                  market_now() as "now!", p.max_seats,
                  (select o.order_number from subscription_change c join sales_order o using (order_id)
                   where c.subscription_id = s.subscription_id and c.settled_at is null) as open_order
           from subscription s
           join organisation co on co.organisation_id = s.customer_id
           join product p on p.product_id = s.product_id
           join sales_order so on so.order_id = s.order_id
           where s.subscription_id = $1 and s.customer_id = $2"#,
        subscription_id,
        customer_id
    )
    .fetch_optional(&mut *conn)
    .await
}

async fn lots(db: impl PgExecutor<'_>, subscription_id: Uuid) -> Result<Vec<SeatLot>, sqlx::Error> {
    sqlx::query_as!(
        SeatLot,
        "select quantity, added_at from seat_lot where subscription_id = $1 order by added_at",
        subscription_id
    )
    .fetch_all(db)
    .await
}

/// The customer's add-ons of `product_id` in one of `statuses`.
async fn addons_of(
    db: impl PgExecutor<'_>,
    customer_id: Uuid,
    product_id: Uuid,
    statuses: &[SubscriptionStatus],
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "select a.subscription_id, p.name from subscription a join product p on p.product_id = a.product_id
         where a.customer_id = $1 and p.base_product_id = $2 and a.status = any($3) order by p.name",
        customer_id,
        product_id,
        statuses as &[SubscriptionStatus]
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.subscription_id, r.name)).collect())
}

/// What cancelling on `now` gives back for a subscription's current term.
fn cancellation_refund(held: &Held) -> Result<Refund, AppError> {
    let (start, end) = held.term()?;
    // The window opens at purchase or renewal only, not with each month of a term billed monthly.
    if held.term_start.is_some_and(|term_start| term_start.date() != start) {
        return Ok(Refund::None);
    }
    Ok(rules::refund(held.unit_price * Decimal::from(held.quantity), start, end, held.now.date()))
}

#[tracing::instrument(name = "subscriptions.detail", skip(pool))]
pub async fn detail(
    pool: &PgPool,
    customer_id: Uuid,
    subscription_id: Uuid,
) -> Result<Option<SubscriptionDetail>, AppError> {
    let mut conn = pool.acquire().await?;
    let Some(mut held) = held(&mut conn, customer_id, subscription_id, false).await? else { return Ok(None) };
    // The portal shows the partner's prices: the distributor's with the partner's markup.
    let markup = sqlx::query_scalar!(
        "select markup_percent from partner_price where partner_id = $1 and product_id = $2",
        held.partner_id,
        held.product_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .unwrap_or_default();
    held.unit_price = crate::billing::rules::retail_price(held.unit_price, markup);
    let lots = lots(&mut *conn, subscription_id).await?;
    let addons = addons_of(&mut *conn, customer_id, held.product_id, &SubscriptionStatus::LIVE).await?;
    let view = of_customer(&mut *conn, customer_id)
        .await?
        .into_iter()
        .find(|s| s.subscription_id.get() == subscription_id)
        .ok_or_else(|| AppError::not_found(Say::SubscriptionNotFound))?;
    let cancellation_refund =
        if held.status == SubscriptionStatus::Active { cancellation_refund(&held).ok() } else { None };
    Ok(Some(SubscriptionDetail {
        view,
        term_start: held.term_start,
        unit_price: held.unit_price,
        currency: held.currency,
        now: held.now,
        removable: rules::removable(&lots, held.now),
        cancellation_refund,
        addons: addons.into_iter().map(|(_, name)| name).collect(),
        open_order: held.open_order,
    }))
}

/// A change or cancellation order for a held subscription.
struct NewChangeOrder<'a> {
    kind: OrderKind,
    status: OrderStatus,
    /// Licences the order line names (added, removed, or cancelled).
    line_quantity: i32,
    /// What the partner is charged now (net of VAT).
    charge: Decimal,
    to_quantity: i32,
    refund: Decimal,
    created_by: &'a AuthUser,
}

/// Writes the order, its line and the change it makes; returns the order's id and number.
async fn insert_change_order(
    tx: &mut PgConnection,
    held: &Held,
    order: NewChangeOrder<'_>,
) -> Result<(Uuid, i64), AppError> {
    let order_id = Uuid::new_v4();
    let vat = crate::domain::vat_of(order.charge);
    let number = sqlx::query_scalar!(
        r#"with new_order as (
               insert into sales_order (order_id, partner_id, customer_id, kind, status, payment_method, idempotency_key,
                                        mpn_id, tenant_prefix, new_tenant, vendor_tenant_id,
                                        subtotal, vat, total, term_value, currency, created_by)
               values ($1, $2, $3, $4, $5, 'wire_transfer', gen_random_uuid(), $6, $7, false, $8,
                       $9, $10, $9::numeric + $10::numeric, $9, $11, $12)
               returning order_number),
           line as (
               insert into order_line (order_id, line_no, product_id, billing_cycle, quantity, unit_price, line_total)
               values ($1, 1, $13, $14, $15, $16, $9)),
           change as (
               insert into subscription_change (order_id, subscription_id, from_quantity, to_quantity, refund, requested_at)
               values ($1, $17, $18, $19, $20, market_now()))
           select order_number from new_order"#,
        order_id,
        held.partner_id,
        held.customer_id,
        order.kind as OrderKind,
        order.status as OrderStatus,
        held.mpn_id,
        held.tenant_prefix,
        held.vendor_tenant_id,
        order.charge,
        vat,
        held.currency.code(),
        order.created_by.user_id,
        held.product_id,
        held.billing_cycle as BillingCycle,
        order.line_quantity,
        held.unit_price,
        held.subscription_id,
        held.quantity,
        order.to_quantity,
        order.refund,
    )
    .fetch_one(&mut *tx)
    .await
    .on_constraint("subscription_change_one_open", || {
        AppError::conflict(Say::AnotherChangeUnderWay)
    })?;
    Ok((order_id, number))
}

/// "Manage Subscription": checks the new count against the catalog's seat limit and the seat lots
/// at the marketplace's time, and writes the change order in one transaction. An increase is
/// checked against the partner's available credit under the partner's lock, as checkout checks a
/// sale: over it, the order waits in "Awaiting Credit Approval" (no job yet) and credit control
/// is asked, with the same mails; within it, the order goes to the vendor at once.
/// The Partner ID a subscription was sold under (its order's), which every change names to
/// Microsoft as the partner of record; `None` for another customer's or an unknown subscription.
async fn partner_id_on_record(
    db: impl PgExecutor<'_>,
    customer_id: Uuid,
    subscription_id: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select so.mpn_id from subscription s join sales_order so on so.order_id = s.order_id
         where s.subscription_id = $1 and s.customer_id = $2",
        subscription_id,
        customer_id
    )
    .fetch_optional(db)
    .await
}

/// Microsoft's Partner-of-Record rule for changes (since 2025-12-01): the subscription's partner
/// of record must be valid before a change is written or sent to the vendor. Asked before the
/// change's transaction, so no lock is held while Partner Center answers. Renewals are exempt,
/// and `billing::ssr::renew_due` does not ask.
async fn check_partner_of_record(
    state: &AppState,
    actor: &CustomerActor,
    subscription_id: Uuid,
) -> Result<(), AppError> {
    let Some(partner_id) = partner_id_on_record(&state.pool, actor.customer_id, subscription_id).await? else {
        return Err(AppError::not_found(Say::SubscriptionNotFound));
    };
    match crate::partner_center::partner_of_record(&state.partner_center, &partner_id).await? {
        None => Ok(()),
        Some(refusal) => Err(AppError::conflict(refusal.to_partner(&partner_id))),
    }
}

#[tracing::instrument(name = "subscriptions.request_change", skip(state, actor), fields(customer = %actor.customer_id))]
pub async fn request_change(
    state: &AppState,
    actor: &CustomerActor,
    subscription_id: Uuid,
    target: i32,
) -> Result<i64, AppError> {
    check_partner_of_record(state, actor, subscription_id).await?;
    let pool = &state.pool;
    let mut tx = pool.begin().await?;
    // The partner first, then the subscription: the lock order checkout keeps (partner, then
    // customer), so a change and a checkout of the same partner queue instead of deadlocking.
    let partner_id = sqlx::query_scalar!(
        r#"select parent_id as "parent_id!" from organisation where organisation_id = $1 and parent_id is not null"#,
        actor.customer_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::SubscriptionNotFound))?;
    let credit = crate::billing::ssr::lock_credit(&mut tx, partner_id)
        .await?
        .ok_or_else(|| AppError::not_found(Say::SubscriptionNotFound))?;
    let held = held(&mut tx, actor.customer_id, subscription_id, true)
        .await?
        .ok_or_else(|| AppError::not_found(Say::SubscriptionNotFound))?;
    held.changeable()?;
    if target > held.max_seats {
        return Err(AppError::invalid(
            "quantity",
            crate::domain::seat_limit_message(&held.product_name, held.max_seats),
        ));
    }
    let (start, end) = held.term()?;
    let lots = lots(&mut *tx, subscription_id).await?;
    let change = rules::check_change(&lots, held.quantity, target, held.now)
        .map_err(|refusal| AppError::invalid("quantity", Say::from(refusal)))?;
    let (line_quantity, charge, refund) = match change {
        Change::Unchanged => {
            return Err(AppError::invalid("quantity", Say::AlreadyHasLicences { count: target }));
        }
        Change::Increase(added) => {
            let charge = rules::prorate(held.unit_price * Decimal::from(added), start, end, held.now.date());
            (added, charge, Decimal::ZERO)
        }
        Change::Decrease(removed) => {
            // The day of the change counts as used.
            let refund = rules::prorate(
                held.unit_price * Decimal::from(removed),
                start,
                end,
                held.now.date().next_day().unwrap_or(end),
            );
            (removed, Decimal::ZERO, refund)
        }
    };
    // The charge is what the order puts on the credit (its term value), as a sale's commitment.
    let over_credit = charge > Decimal::ZERO && charge > credit.available;
    let status = if over_credit { OrderStatus::AwaitingCreditApproval } else { OrderStatus::Submitted };
    let (order_id, number) = insert_change_order(
        &mut tx,
        &held,
        NewChangeOrder {
            kind: OrderKind::Change,
            status,
            line_quantity,
            charge,
            to_quantity: target,
            refund,
            created_by: &actor.user,
        },
    )
    .await?;
    if !over_credit {
        provisioning::ssr::enqueue_for_order(&mut tx, order_id, &ChangeSubscription { order_id }).await?;
    }
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(actor.user.user_id),
            acting_as: actor.acting_as(),
            action: "subscription.change_requested",
            target_type: "subscription",
            target_id: subscription_id.to_string(),
            detail: json!({ "order_number": number, "from": held.quantity, "to": target, "charge": charge, "refund": refund,
                            "status": status }),
        },
    )
    .await?;
    if over_credit {
        let committed = Money::new(charge, credit.currency);
        let available = Money::new(credit.available.max(Decimal::ZERO), credit.currency);
        let order_number = crate::domain::OrderNumber(number);
        let partner_mail = Mail::written(|locale| {
            crate::billing::mails::awaiting_credit_approval(
                locale,
                order_number,
                &held.customer_name,
                &committed.in_locale(locale),
                &available.in_locale(locale),
            )
        });
        let staff_mail = Mail::written(|locale| {
            crate::billing::mails::credit_approval_needed(
                locale,
                order_number,
                &held.customer_name,
                &committed.in_locale(locale),
                &available.in_locale(locale),
            )
        });
        notifications::ssr::send_to_partner(&mut *tx, held.partner_id, &partner_mail).await?;
        notifications::ssr::send_to_credit_control(&mut *tx, &staff_mail).await?;
    } else {
        let change = mails::LicenceChange {
            order_number: number,
            product_name: &held.product_name,
            customer_name: &held.customer_name,
            from_quantity: held.quantity,
            to_quantity: target,
            charge,
            refund,
            currency: held.currency,
        };
        let mail = Mail::written(|locale| mails::change_requested(locale, &change));
        notifications::ssr::send_to_partner(&mut *tx, held.partner_id, &mail).await?;
    }
    let event = if over_credit { OrderEvent::AwaitingApproval } else { OrderEvent::Submitted };
    webhooks::emit(&mut tx, &[Event::order(event, order_id)]).await?;
    tx.commit().await?;
    Ok(number)
}

/// What the customer decides for the renewal.
#[derive(Clone, Copy, Debug)]
pub enum RenewalChoice {
    AutoRenew(bool),
    /// A licence count to take effect at the renewal (none: the current one).
    Quantity(Option<i32>),
}

/// Auto-renew on or off, or the licence count the renewal starts with. A count for the renewal is
/// a change of seats, so its partner of record is checked first; turning auto-renew on or off
/// and clearing the count are not (auto-renewal is exempt from the rule).
#[tracing::instrument(name = "subscriptions.set_renewal", skip(state, actor))]
pub async fn set_renewal(
    state: &AppState,
    actor: &CustomerActor,
    subscription_id: Uuid,
    choice: RenewalChoice,
) -> Result<(), AppError> {
    if let RenewalChoice::Quantity(Some(_)) = choice {
        check_partner_of_record(state, actor, subscription_id).await?;
    }
    let mut tx = state.pool.begin().await?;
    let held = held(&mut tx, actor.customer_id, subscription_id, true)
        .await?
        .ok_or_else(|| AppError::not_found(Say::SubscriptionNotFound))?;
    if held.status != SubscriptionStatus::Active {
        return Err(AppError::conflict(Say::OnlyActiveRenews));
    }
    let change = match choice {
        RenewalChoice::AutoRenew(_) => SubscriptionChange::AutoRenew,
        RenewalChoice::Quantity(_) => SubscriptionChange::RenewalQuantity,
    };
    let (action, detail) = match choice {
        RenewalChoice::AutoRenew(on) => {
            sqlx::query!("update subscription set auto_renew = $2 where subscription_id = $1", subscription_id, on)
                .execute(&mut *tx)
                .await?;
            ("subscription.auto_renew", json!({ "auto_renew": on }))
        }
        RenewalChoice::Quantity(quantity) => {
            sqlx::query!(
                "update subscription set renewal_quantity = $2 where subscription_id = $1",
                subscription_id,
                quantity
            )
            .execute(&mut *tx)
            .await?;
            ("subscription.renewal_scheduled", json!({ "renewal_quantity": quantity }))
        }
    };
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(actor.user.user_id),
            acting_as: actor.acting_as(),
            action,
            target_type: "subscription",
            target_id: subscription_id.to_string(),
            detail,
        },
    )
    .await?;
    webhooks::emit(&mut tx, &[Event::subscription(subscription_id, change)]).await?;
    tx.commit().await?;
    Ok(())
}

/// "Cancel Subscription": pending cancellation (with its add-ons) and a Cancellation Order in
/// status New for the partner, who is e-mailed.
#[tracing::instrument(name = "subscriptions.request_cancellation", skip(pool, actor), fields(customer = %actor.customer_id))]
pub async fn request_cancellation(
    pool: &PgPool,
    actor: &CustomerActor,
    subscription_id: Uuid,
) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    let held = held(&mut tx, actor.customer_id, subscription_id, true)
        .await?
        .ok_or_else(|| AppError::not_found(Say::SubscriptionNotFound))?;
    held.changeable()?;
    let refund = cancellation_refund(&held)?;
    let refund_amount = match refund {
        Refund::Prorated { amount, .. } => amount,
        Refund::None => Decimal::ZERO,
    };
    let (order_id, number) = insert_change_order(
        &mut tx,
        &held,
        NewChangeOrder {
            kind: OrderKind::Cancellation,
            status: OrderStatus::New,
            line_quantity: held.quantity,
            charge: Decimal::ZERO,
            to_quantity: 0,
            refund: refund_amount,
            created_by: &actor.user,
        },
    )
    .await?;
    let addons = addons_of(&mut *tx, held.customer_id, held.product_id, &[SubscriptionStatus::Active]).await?;
    let mut ids: Vec<Uuid> = addons.iter().map(|(id, _)| *id).collect();
    ids.push(subscription_id);
    sqlx::query!("update subscription set status = 'pending_cancellation' where subscription_id = any($1)", &ids)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(actor.user.user_id),
            acting_as: actor.acting_as(),
            action: "subscription.cancellation_requested",
            target_type: "subscription",
            target_id: subscription_id.to_string(),
            detail: json!({ "order_number": number, "refund": refund_amount, "addons": ids.len() - 1 }),
        },
    )
    .await?;
    let addon_names: Vec<&str> = addons.iter().map(|(_, name)| name.as_str()).collect();
    let mail = Mail::written(|locale| {
        mails::cancellation_requested(
            locale,
            number,
            &held.product_name,
            &held.customer_name,
            held.quantity,
            &addon_names,
            refund,
            held.currency,
        )
    });
    notifications::ssr::send_to_partner(&mut *tx, held.partner_id, &mail).await?;
    let events: Vec<Event> = std::iter::once(Event::order(OrderEvent::CancellationRequested, order_id))
        .chain(ids.iter().map(|id| Event::subscription(*id, SubscriptionChange::PendingCancellation)))
        .collect();
    webhooks::emit(&mut tx, &events).await?;
    tx.commit().await?;
    Ok(number)
}

/// The partner approves ("Open Order": the job cancels at the vendor) or rejects a cancellation
/// order in status New.
#[tracing::instrument(name = "subscriptions.decide_cancellation", skip(pool, user))]
pub async fn decide_cancellation(
    pool: &PgPool,
    user: &AuthUser,
    order_number: i64,
    approve: bool,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let order = sqlx::query!(
        r#"select so.order_id, so.status as "status: OrderStatus", so.customer_id, c.subscription_id,
                  s.product_id, p.name as product_name, cu.contact_email
           from sales_order so
           join subscription_change c on c.order_id = so.order_id
           join subscription s on s.subscription_id = c.subscription_id
           join product p on p.product_id = s.product_id
           join customer cu on cu.organisation_id = so.customer_id
           where so.order_number = $1 and so.partner_id = $2 and so.kind = 'cancellation'
           for update of so"#,
        order_number,
        user.organisation_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::CancellationOrderNotFound))?;
    if order.status != OrderStatus::New {
        return Err(AppError::conflict(Say::CancellationAlreadyDecided { order: order_number.to_string() }));
    }
    let status = if approve { OrderStatus::Submitted } else { OrderStatus::Rejected };
    sqlx::query!(
        "update sales_order set status = $2, decided_by = $3, decided_at = now() where order_id = $1",
        order.order_id,
        status as OrderStatus,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    let mut events = vec![Event::order(OrderEvent::CancellationDecided, order.order_id)];
    if approve {
        provisioning::ssr::enqueue_for_order(&mut tx, order.order_id, &ChangeSubscription { order_id: order.order_id })
            .await?;
    } else {
        let mut ids: Vec<Uuid> =
            addons_of(&mut *tx, order.customer_id, order.product_id, &[SubscriptionStatus::PendingCancellation])
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
        ids.push(order.subscription_id);
        sqlx::query!(
            "update subscription set status = 'active' where subscription_id = any($1) and status = 'pending_cancellation'",
            &ids
        )
        .execute(&mut *tx)
        .await?;
        events.extend(ids.iter().map(|id| Event::subscription(*id, SubscriptionChange::Reactivated)));
        sqlx::query!("update subscription_change set settled_at = market_now() where order_id = $1", order.order_id)
            .execute(&mut *tx)
            .await?;
        if let Some(contact) = order.contact_email.as_deref() {
            let mail = Mail::written(|locale| mails::cancellation_rejected(locale, order_number, &order.product_name));
            notifications::ssr::send(&mut *tx, contact, &mail).await?;
        }
    }
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: if approve { "cancellation.approved" } else { "cancellation.rejected" },
            target_type: "order",
            target_id: order_number.to_string(),
            detail: json!({ "subscription_id": order.subscription_id }),
        },
    )
    .await?;
    webhooks::emit(&mut tx, &events).await?;
    tx.commit().await?;
    Ok(())
}

/// The items a bulk action was asked for, each once and in the order given: none is refused at
/// the field (nothing to do), more than [`BULK_MAX`] too (a page never offers more).
fn bulk_items<T: Copy + PartialEq>(items: &[T], field: &str) -> Result<Vec<T>, AppError> {
    let mut unique: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !unique.contains(item) {
            unique.push(*item);
        }
    }
    if unique.is_empty() {
        return Err(AppError::invalid(field, Say::SelectAtLeastOne));
    }
    if unique.len() > BULK_MAX {
        return Err(AppError::invalid(field, Say::SelectAtMost { max: BULK_MAX }));
    }
    Ok(unique)
}

/// The partner's bulk renewal settings on one customer's subscriptions: auto-renew on or off, or
/// the licence count at renewal, for each selected subscription in turn. Each goes through
/// [`set_renewal`] as if the partner had opened the customer's portal (audited as acting for
/// the customer), so it meets the single action's rules one by one; one refused never stops the
/// next. A customer of another partner is not found; so is a subscription of another customer,
/// item by item.
#[tracing::instrument(name = "subscriptions.bulk_renewal", skip(state, user, ids), fields(items = ids.len()))]
pub async fn bulk_renewal(
    state: &AppState,
    user: &AuthUser,
    customer_id: Uuid,
    ids: &[Uuid],
    choice: RenewalChoice,
) -> Result<Vec<ItemOutcome>, AppError> {
    let ids = bulk_items(ids, "subscription_ids")?;
    let customer = sqlx::query_scalar!(
        "select organisation_id from organisation where organisation_id = $1 and kind = 'customer' and parent_id = $2",
        customer_id,
        user.organisation_id
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or_else(|| AppError::not_found(Say::CustomerNotFound))?;
    let names = sqlx::query!(
        r#"select s.subscription_id, p.name from subscription s join product p using (product_id)
           where s.customer_id = $1 and s.subscription_id = any($2)"#,
        customer,
        &ids
    )
    .fetch_all(&state.pool)
    .await?;
    let actor = CustomerActor { user: user.clone(), customer_id: customer, impersonating: true };
    let mut outcomes = Vec::with_capacity(ids.len());
    for id in ids {
        let item = names.iter().find(|n| n.subscription_id == id).map_or_else(|| id.to_string(), |n| n.name.clone());
        let refused = set_renewal(state, &actor, id, choice).await.err();
        outcomes.push(ItemOutcome { item, refused });
    }
    Ok(outcomes)
}

/// "Open Order" or reject for several Cancellation Orders at once, each through
/// [`decide_cancellation`] in a transaction of its own: one already decided (or another
/// partner's) is reported and the rest go on.
#[tracing::instrument(name = "subscriptions.decide_cancellations", skip(pool, user, numbers), fields(items = numbers.len()))]
pub async fn decide_cancellations(
    pool: &PgPool,
    user: &AuthUser,
    numbers: &[i64],
    approve: bool,
) -> Result<Vec<ItemOutcome>, AppError> {
    let numbers = bulk_items(numbers, "order_numbers")?;
    let mut outcomes = Vec::with_capacity(numbers.len());
    for number in numbers {
        let refused = decide_cancellation(pool, user, number, approve).await.err();
        outcomes.push(ItemOutcome { item: number.to_string(), refused });
    }
    Ok(outcomes)
}

#[cfg(test)]
mod bulk_tests {
    use super::*;

    #[test]
    fn bulk_items_are_each_taken_once_and_bounded() {
        assert_eq!(bulk_items(&[3, 1, 3, 2, 1], "x").unwrap(), vec![3, 1, 2]);
        assert!(matches!(bulk_items::<i64>(&[], "x"), Err(AppError::Invalid(e)) if e[0].field == "x"));
        let many: Vec<i64> = (0..=BULK_MAX as i64).collect();
        assert!(bulk_items(&many, "x").is_err());
        assert_eq!(bulk_items(&many[..BULK_MAX], "x").unwrap().len(), BULK_MAX);
    }
}
