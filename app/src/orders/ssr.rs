//! Placing orders and deciding on credit, each in one transaction with the jobs and mails it
//! causes.

use rust_decimal::Decimal;
use serde_json::json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

use crate::{
    domain::ProvisioningStep,
    provisioning::{Failure, ProgressView},
};

use super::{
    ChangeView, NewCustomerProfile, OrderDetail, OrderKind, OrderLineView, OrderStatus, OrderSummary, PaymentMethod,
};
use crate::{
    audit::{self, AuditEntry},
    auth::ssr::AuthUser,
    components::format_money,
    domain::BillingCycle,
    domain::SubscriptionStatus,
    domain::{DomainPrefix, MpnId, Quantity},
    domain::{Totals, line_total},
    error::{AppError, ssr::ResultExt},
    jobs::{self, JobRow},
    notifications,
};

pub use crate::provisioning::ssr::ProvisionOrder;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CustomerRef {
    Existing(Uuid),
    New(NewCustomerProfile),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantRef {
    pub prefix: DomainPrefix,
    /// True when provisioning creates the tenant; false for a tenant that exists and has
    /// accepted the reseller relationship (checked with Partner Center before this is called).
    pub new: bool,
}

impl TenantRef {
    /// The form field a tenant problem is reported at.
    pub fn field(&self) -> &'static str {
        if self.new { "prefix" } else { "domain" }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineRequest {
    pub sku: String,
    pub cycle: BillingCycle,
    pub quantity: Quantity,
}

/// Everything checkout knows once every check has passed.
#[derive(Clone, Debug)]
pub struct OrderRequest {
    pub partner_id: Uuid,
    pub user_id: Uuid,
    pub idempotency_key: Uuid,
    pub customer: CustomerRef,
    pub tenant: TenantRef,
    pub mpn_id: MpnId,
    pub payment_method: PaymentMethod,
    pub lines: Vec<LineRequest>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    pub order_number: i64,
    pub status: OrderStatus,
    /// False when the idempotency key had already made this order.
    pub created: bool,
}

struct PricedLine {
    product_id: Uuid,
    base_product_id: Option<Uuid>,
    name: String,
    cycle: BillingCycle,
    quantity: i32,
    unit_price: Decimal,
}

/// What a line puts on the partner's credit: its whole commitment. Annual prices are per year,
/// so an annual line counts its 12 months; a monthly line counts the month it commits to.
fn term_value(cycle: BillingCycle, unit_price: Decimal, quantity: i32) -> Decimal {
    match cycle {
        BillingCycle::Annual | BillingCycle::Monthly => line_total(unit_price, quantity),
    }
}

/// The mails an order causes, written with it.
struct Mails {
    recipients: Vec<String>,
    subjects: Vec<String>,
    bodies: Vec<String>,
}

impl Mails {
    fn new() -> Self {
        Self { recipients: Vec::new(), subjects: Vec::new(), bodies: Vec::new() }
    }

    fn push(&mut self, to: &str, subject: String, body: String) {
        self.recipients.push(to.to_owned());
        self.subjects.push(subject);
        self.bodies.push(body);
    }
}

/// Places an order: idempotent per (partner, key), serialised per partner so concurrent
/// checkouts never spend the same credit twice, and written in one transaction with its
/// subscriptions, provisioning job, mails and audit entry. Checkout's throughput is bounded by
/// round trips, so the writes go in one statement.
#[tracing::instrument(name = "orders.place", skip(pool, request), fields(partner = %request.partner_id))]
pub async fn place_order(pool: &PgPool, request: &OrderRequest) -> Result<Placed, AppError> {
    // Prices are read before the partner is locked: nothing below depends on them being current
    // to the microsecond, and the lock is held for less.
    let lines = price_lines(pool, &request.lines).await?;
    let mut tx = pool.begin().await?;
    // Reading the key with the lock saves a round trip; an order committed with this key while
    // we waited for the lock is caught by the key's unique constraint below instead.
    let partner = sqlx::query!(
        r#"select p.credit_limit, p.currency::text as "currency!", u.email,
                  so.order_number as "order_number?", so.status as "status?: OrderStatus"
           from partner p
           join app_user u on u.organisation_id = p.organisation_id and u.user_id = $2
           left join sales_order so on so.partner_id = p.organisation_id and so.idempotency_key = $3
           where p.organisation_id = $1
           for update of p"#,
        request.partner_id,
        request.user_id,
        request.idempotency_key
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Your partner account".into()))?;
    if let (Some(order_number), Some(status)) = (partner.order_number, partner.status) {
        return Ok(Placed { order_number, status, created: false });
    }
    // After the key: a retry that read the cart just after the first submission emptied it is
    // answered with that order above, not told its cart is empty.
    if lines.is_empty() {
        return Err(AppError::invalid("cart", "Your cart is empty: add products from Cloud Services first."));
    }

    let customer = resolve_customer(&mut tx, request).await?;
    check_add_ons(&mut tx, customer.id, &lines).await?;
    if !customer.is_new {
        check_duplicates(&mut tx, customer.id, &customer.name, &lines).await?;
    }

    let totals = Totals::of(lines.iter().map(|l| line_total(l.unit_price, l.quantity)));
    let term_value: Decimal = lines.iter().map(|l| term_value(l.cycle, l.unit_price, l.quantity)).sum();
    let next = sqlx::query!(
        r#"select partner_credit_used($1) as "used!",
                  nextval(pg_get_serial_sequence('sales_order', 'order_number')) as "order_number!""#,
        request.partner_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let (order_number, available) = (next.order_number, partner.credit_limit - next.used);
    let status = if term_value > available { OrderStatus::AwaitingCreditApproval } else { OrderStatus::Submitted };

    let mut mails = Mails::new();
    let committed = format_money(term_value, &partner.currency);
    let available_text = format_money(available.max(Decimal::ZERO), &partner.currency);
    let (staff_subject, staff_body) = if status == OrderStatus::AwaitingCreditApproval {
        mails.push(
            &partner.email,
            format!("Order {order_number} awaits credit approval"),
            format!(
                "Order {order_number} for {} commits {committed}, more than your available marketplace credit \
                 ({available_text}). Our credit control team will approve or reject it; you will get an e-mail \
                 either way. Nothing is provisioned until then.",
                customer.name
            ),
        );
        (
            Some(format!("Credit approval needed: order {order_number}")),
            Some(format!(
                "Order {order_number} for {} commits {committed}; the partner has {available_text} available. \
                 Approve or reject it in the back office under Orders.",
                customer.name
            )),
        )
    } else {
        mails.push(
            &partner.email,
            format!("Order {order_number} received"),
            format!(
                "We received order {order_number} for {} ({} including KDV, payment by wire transfer). \
                 Provisioning at Microsoft starts shortly; the order page shows its progress.",
                customer.name,
                format_money(totals.total, &partner.currency)
            ),
        );
        (None, None)
    };

    let order_id = Uuid::new_v4();
    let product_ids: Vec<Uuid> = lines.iter().map(|l| l.product_id).collect();
    let cycles: Vec<BillingCycle> = lines.iter().map(|l| l.cycle).collect();
    let quantities: Vec<i32> = lines.iter().map(|l| l.quantity).collect();
    let prices: Vec<Decimal> = lines.iter().map(|l| l.unit_price).collect();
    let audit = json!({ "status": status, "term_value": term_value, "customer_id": customer.id });
    let job =
        (status == OrderStatus::Submitted).then(|| JobRow::of(&ProvisionOrder { order_id, run: 1 })).transpose()?;
    let new_customer = match &request.customer {
        CustomerRef::New(profile) => Some(profile),
        CustomerRef::Existing(_) => None,
    };
    let written = sqlx::query!(
        r#"with new_organisation as (
               insert into organisation (organisation_id, kind, parent_id, name, tax_number, phone, address)
               select $4, 'customer', $3, $27, $28, $29, $30 where $27::text is not null
           ),
           new_customer as (
               -- A new customer is related from the start: an existing tenant was found related at
               -- checkout, and a tenant the marketplace creates is created under this reseller
               -- (SPEC B: a new tenant needs no relationship link).
               insert into customer (organisation_id, tenant_prefix, contact_name, contact_email, mpn_id,
                                     relationship_accepted_at)
               select $4, $9, $31, $32, $8, now() where $27::text is not null
           ),
           new_order as (
               insert into sales_order (order_id, order_number, partner_id, customer_id, kind, status, payment_method,
                                        idempotency_key, mpn_id, tenant_prefix, new_tenant,
                                        subtotal, vat, total, term_value, currency, created_by)
               overriding system value
               values ($1, $2, $3, $4, 'sales', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
           ),
           lines as (
               insert into order_line (order_id, line_no, product_id, billing_cycle, quantity, unit_price, line_total)
               select $1, n, product_id, cycle, quantity, price, price * quantity
               from unnest($17::uuid[], $18::billing_cycle[], $19::int[], $20::numeric[])
                    with ordinality as l(product_id, cycle, quantity, price, n)
           ),
           subscriptions as (
               insert into subscription (subscription_id, customer_id, product_id, order_id, billing_cycle, quantity)
               select gen_random_uuid(), $4, product_id, $1, cycle, quantity
               from unnest($17::uuid[], $18::billing_cycle[], $19::int[]) as l(product_id, cycle, quantity)
           ),
           provisioning as (
               insert into job (job_id, kind, payload, max_attempts, dedup_key)
               select gen_random_uuid(), $33, $34, $35, $36 where $33::text is not null
               on conflict (kind, dedup_key) do nothing
           ),
           mails as (
               insert into email_outbox (outbox_id, recipient, subject, body_text)
               select gen_random_uuid(), recipient, subject, body
               from unnest($21::text[], $22::text[], $23::text[]) as m(recipient, subject, body)
               union all
               select gen_random_uuid(), email, $24::text, $25::text
               from app_user where role = 'credit_control' and $24::text is not null
           ),
           audit as (
               insert into audit_log (actor_user_id, action, target_type, target_id, detail)
               values ($16, 'order.submitted', 'order', $2::bigint::text, $26)
           ),
           cart as (
               delete from cart_line where user_id = $16
           )
           delete from checkout_draft where user_id = $16"#,
        order_id,
        order_number,
        request.partner_id,
        customer.id,
        status as OrderStatus,
        request.payment_method as PaymentMethod,
        request.idempotency_key,
        request.mpn_id.as_ref(),
        request.tenant.prefix.as_ref(),
        request.tenant.new,
        totals.subtotal,
        totals.vat,
        totals.total,
        term_value,
        partner.currency,
        request.user_id,
        &product_ids,
        &cycles as &[BillingCycle],
        &quantities,
        &prices,
        &mails.recipients,
        &mails.subjects,
        &mails.bodies,
        staff_subject,
        staff_body,
        audit,
        new_customer.map(|c| c.company_name.as_str()),
        new_customer.map(|c| c.tax_number.as_ref()),
        new_customer.map(|c| c.phone.as_ref()),
        new_customer.map(|c| c.address.as_str()),
        new_customer.map(|c| c.contact_name.as_str()),
        new_customer.map(|c| c.contact_email.as_str()),
        job.as_ref().map(|j| j.kind),
        job.as_ref().map(|j| j.payload.clone()),
        job.as_ref().map(|j| j.max_attempts),
        job.as_ref().and_then(|j| j.dedup_key.clone()),
    )
    .execute(&mut *tx)
    .await;
    if let Err(sqlx::Error::Database(db)) = &written
        && db.constraint() == Some("sales_order_idempotency_key")
    {
        // Another submission with this key committed while we waited for the lock: its order
        // is the answer.
        tx.rollback().await?;
        return order_by_key(pool, request.partner_id, request.idempotency_key)
            .await?
            .ok_or_else(|| crate::error::ssr::internal("idempotent order", "key taken but no order found"));
    }
    match written {
        Err(sqlx::Error::Database(db)) if db.constraint() == Some("customer_tenant_prefix_key") => {
            return Err(tenant_taken(&request.tenant));
        }
        other => {
            other.on_constraint("subscription_one_live_per_product", || {
                duplicate_error(&customer.name, "one of these products")
            })?;
        }
    }
    tx.commit().await?;
    Ok(Placed { order_number, status, created: true })
}

fn tenant_taken(tenant: &TenantRef) -> AppError {
    AppError::invalid(tenant.field(), "This tenant already belongs to another customer in the marketplace.")
}

struct ResolvedCustomer {
    id: Uuid,
    name: String,
    /// Created by this order: it cannot have subscriptions yet.
    is_new: bool,
}

async fn resolve_customer(tx: &mut PgConnection, request: &OrderRequest) -> Result<ResolvedCustomer, AppError> {
    let tenant = &request.tenant;
    let taken = || tenant_taken(tenant);
    let customer = match &request.customer {
        CustomerRef::Existing(id) => {
            let row = sqlx::query!(
                r#"select o.name, c.tenant_prefix from organisation o join customer c using (organisation_id)
                   where o.organisation_id = $1 and o.parent_id = $2 for update of c"#,
                id,
                request.partner_id
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::NotFound("That customer".into()))?;
            match row.tenant_prefix {
                Some(prefix) if prefix != tenant.prefix.as_ref() || tenant.new => {
                    return Err(AppError::invalid(
                        tenant.field(),
                        format!(
                            "{} already has the tenant {prefix}.onmicrosoft.com; its orders use that tenant.",
                            row.name
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    sqlx::query!(
                        "update customer set tenant_prefix = $2 where organisation_id = $1",
                        id,
                        tenant.prefix.as_ref()
                    )
                    .execute(&mut *tx)
                    .await
                    .on_constraint("customer_tenant_prefix_key", taken)?;
                }
            }
            // Checked related at checkout, or getting a tenant the marketplace creates: related.
            sqlx::query!(
                "update customer set mpn_id = $2, relationship_accepted_at = coalesce(relationship_accepted_at, now())
                 where organisation_id = $1",
                id,
                request.mpn_id.as_ref()
            )
            .execute(&mut *tx)
            .await?;
            ResolvedCustomer { id: *id, name: row.name, is_new: false }
        }
        // Written with the order, in the same statement.
        CustomerRef::New(profile) => {
            ResolvedCustomer { id: Uuid::new_v4(), name: profile.company_name.clone(), is_new: true }
        }
    };
    Ok(customer)
}

async fn price_lines(db: impl PgExecutor<'_>, requested: &[LineRequest]) -> Result<Vec<PricedLine>, AppError> {
    let skus: Vec<String> = requested.iter().map(|l| l.sku.clone()).collect();
    let rows = sqlx::query!(
        r#"select p.product_id, p.sku, p.name, p.base_product_id, pp.billing_cycle as "cycle: BillingCycle", pp.unit_price
           from product p join product_price pp using (product_id)
           where p.is_active and p.sku = any($1)"#,
        &skus
    )
    .fetch_all(db)
    .await?;
    requested
        .iter()
        .map(|line| {
            rows.iter()
                .find(|r| r.sku == line.sku && r.cycle == line.cycle)
                .map(|r| PricedLine {
                    product_id: r.product_id,
                    base_product_id: r.base_product_id,
                    name: r.name.clone(),
                    cycle: line.cycle,
                    quantity: line.quantity.get(),
                    unit_price: r.unit_price,
                })
                .ok_or_else(|| {
                    AppError::invalid(
                        "cart",
                        format!("{} is no longer sold at this billing option: remove it from the cart.", line.sku),
                    )
                })
        })
        .collect()
}

/// SPEC E.3: an add-on needs its base product in the same order or already active.
async fn check_add_ons(tx: &mut PgConnection, customer_id: Uuid, lines: &[PricedLine]) -> Result<(), AppError> {
    for line in lines {
        let Some(base_id) = line.base_product_id else { continue };
        if lines.iter().any(|l| l.product_id == base_id) {
            continue;
        }
        let base = sqlx::query!(
            r#"select p.name, exists(select 1 from subscription s
                                     where s.customer_id = $2 and s.product_id = p.product_id
                                       and s.status = 'active') as "active!"
               from product p where p.product_id = $1"#,
            base_id,
            customer_id
        )
        .fetch_one(&mut *tx)
        .await?;
        if !base.active {
            return Err(AppError::invalid(
                "cart",
                format!(
                    "“{}” is an add-on of “{}”: add “{}” to this order, or order the add-on once “{}” is active for this customer.",
                    line.name, base.name, base.name, base.name
                ),
            ));
        }
    }
    Ok(())
}

fn duplicate_error(customer: &str, products: &str) -> AppError {
    AppError::invalid(
        "cart",
        format!(
            "{customer} already has {products} (active or being provisioned). To add licences, use “Manage Subscription” \
             in the customer's portal instead of a new order."
        ),
    )
}

/// SPEC G case 4: the same product again for the same customer is refused before it reaches
/// Microsoft.
async fn check_duplicates(
    tx: &mut PgConnection,
    customer_id: Uuid,
    customer_name: &str,
    lines: &[PricedLine],
) -> Result<(), AppError> {
    let ids: Vec<Uuid> = lines.iter().map(|l| l.product_id).collect();
    let existing = sqlx::query_scalar!(
        r#"select p.name from subscription s join product p using (product_id)
           where s.customer_id = $1 and s.product_id = any($2) and s.status = any($3)
           order by p.name"#,
        customer_id,
        &ids,
        &SubscriptionStatus::LIVE as &[SubscriptionStatus]
    )
    .fetch_all(&mut *tx)
    .await?;
    if existing.is_empty() {
        return Ok(());
    }
    let names = existing.iter().map(|n| format!("“{n}”")).collect::<Vec<_>>().join(", ");
    Err(duplicate_error(customer_name, &names))
}

/// The order a checkout's idempotency key made, if any.
pub async fn order_by_key(db: impl PgExecutor<'_>, partner_id: Uuid, key: Uuid) -> Result<Option<Placed>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select order_number, status as "status: OrderStatus" from sales_order
           where partner_id = $1 and idempotency_key = $2"#,
        partner_id,
        key
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Placed { order_number: r.order_number, status: r.status, created: false }))
}

/// Products a customer already has live, for the checkout's early warning.
pub async fn live_products(db: impl PgExecutor<'_>, customer_id: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select p.sku from subscription s join product p using (product_id)
           where s.customer_id = $1 and s.status = any($2)"#,
        customer_id,
        &SubscriptionStatus::LIVE as &[SubscriptionStatus]
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(name = "orders.list", skip(db))]
pub async fn list(db: impl PgExecutor<'_>, partner: Option<Uuid>) -> Result<Vec<OrderSummary>, sqlx::Error> {
    sqlx::query_as!(
        OrderSummary,
        r#"select so.order_number, so.kind as "kind: OrderKind", po.name as partner_name, co.name as customer_name,
                  so.status as "status: OrderStatus", so.total, so.term_value, so.currency::text as "currency!",
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
    order_number: i64,
    partner: Option<Uuid>,
) -> Result<Option<OrderDetail>, sqlx::Error> {
    let Some(row) = sqlx::query!(
        r#"select so.order_id, so.order_number, po.name as partner_name, co.name as customer_name,
                  so.status as "status: OrderStatus", so.kind as "kind: OrderKind", so.total, so.term_value,
                  so.currency::text as "currency!", so.created_at, so.mpn_id, so.tenant_prefix, so.new_tenant,
                  so.subtotal, so.vat, so.decision_reason, so.provisioning_run,
                  so.failure_code, so.failure_reason, so.failure_fix,
                  so.admin_password is not null as "password_pending!",
                  so.admin_password_viewed_at is not null as "password_viewed!",
                  (select j.state::text from job j
                   where j.kind in ('provision_order', 'change_subscription')
                     and j.payload->>'order_id' = so.order_id::text
                   order by j.created_at desc limit 1) as job_state
           from sales_order so
           join organisation po on po.organisation_id = so.partner_id
           join organisation co on co.organisation_id = so.customer_id
           where so.order_number = $1 and ($2::uuid is null or so.partner_id = $2)"#,
        order_number,
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
    let failure = match (row.status, row.failure_reason, row.failure_fix) {
        (OrderStatus::ProvisioningFailed, Some(reason), Some(fix)) => {
            Some(Failure { code: row.failure_code, reason, fix })
        }
        _ => None,
    };
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
/// "View Password" together still see it once between them.
pub async fn take_admin_password(
    pool: &PgPool,
    user: &AuthUser,
    order_number: i64,
) -> Result<super::AdminCredentials, AppError> {
    let mut tx = pool.begin().await?;
    let taken = sqlx::query!(
        r#"with old as (
               select order_id, admin_password, tenant_prefix from sales_order
               where order_number = $1 and partner_id = $2 and admin_password is not null
               for update)
           update sales_order so set admin_password = null, admin_password_viewed_at = now()
           from old where so.order_id = old.order_id
           returning so.order_id, old.admin_password as "password!", old.tenant_prefix"#,
        order_number,
        user.organisation_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(taken) = taken else {
        let exists = sqlx::query_scalar!(
            "select new_tenant from sales_order where order_number = $1 and partner_id = $2",
            order_number,
            user.organisation_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        return Err(match exists {
            None => AppError::NotFound("That order".into()),
            Some(false) => AppError::Conflict(
                "This order used the customer's existing tenant: there is no new password to show.".into(),
            ),
            Some(true) => AppError::Conflict(
                "The one-time password was already shown once and is no longer kept. The customer's contact \
                 received it by e-mail; if it is lost, reset it in the Microsoft 365 admin center."
                    .into(),
            ),
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
    tx.commit().await?;
    Ok(super::AdminCredentials {
        user_name: format!("admin@{}{}", taken.tenant_prefix, crate::domain::ONMICROSOFT),
        password: taken.password,
    })
}

/// Credit control's decision on an order awaiting credit approval.
#[tracing::instrument(name = "orders.decide_credit", skip(pool, user, reason))]
pub async fn decide_credit(
    pool: &PgPool,
    user: &AuthUser,
    order_number: i64,
    approve: bool,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let order = sqlx::query!(
        r#"select so.order_id, so.status as "status: OrderStatus", u.email, co.name as customer_name
           from sales_order so
           join app_user u on u.user_id = so.created_by
           join organisation co on co.organisation_id = so.customer_id
           where so.order_number = $1 for update of so"#,
        order_number
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("That order".into()))?;
    if order.status != OrderStatus::AwaitingCreditApproval {
        return Err(AppError::Conflict(format!(
            "Order {order_number} is no longer awaiting credit approval: someone has already decided on it."
        )));
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
    let (subject, body) = if approve {
        jobs::enqueue(&mut tx, &ProvisionOrder { order_id: order.order_id, run: 1 }).await?;
        (
            format!("Order {order_number} approved by credit control"),
            format!(
                "Credit control approved order {order_number} for {}. Provisioning at Microsoft starts shortly.{}",
                order.customer_name,
                reason.map(|r| format!("\n\nNote: {r}")).unwrap_or_default()
            ),
        )
    } else {
        sqlx::query!("update subscription set status = 'cancelled' where order_id = $1", order.order_id)
            .execute(&mut *tx)
            .await?;
        (
            format!("Order {order_number} rejected by credit control"),
            format!(
                "Credit control rejected order {order_number} for {}.\n\nReason: {}\n\nNothing was provisioned or \
                 charged. Contact credit control to raise your limit, or order a smaller quantity.",
                order.customer_name,
                reason.unwrap_or_default()
            ),
        )
    };
    notifications::ssr::enqueue(&mut *tx, &order.email, &subject, &body).await?;
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
    tx.commit().await?;
    Ok(())
}

/// Puts a failed order back on the queue with the partner's corrections, as a new run.
#[tracing::instrument(name = "orders.resubmit", skip(state, user))]
pub async fn resubmit(
    state: &crate::state::AppState,
    user: &AuthUser,
    order_number: i64,
    mpn: &MpnId,
    tenant: &str,
) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    let order = sqlx::query!(
        r#"select order_id, status as "status: OrderStatus", kind as "kind: OrderKind", new_tenant, provisioning_run,
                  customer_id, tenant_prefix
           from sales_order where order_number = $1 and partner_id = $2 for update"#,
        order_number,
        user.organisation_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("That order".into()))?;
    if order.status != OrderStatus::ProvisioningFailed {
        return Err(AppError::Conflict(format!(
            "Order {order_number} is not waiting for a correction: only a failed order can be resubmitted."
        )));
    }
    if order.kind != OrderKind::Sales {
        return Err(AppError::Conflict(format!(
            "Order {order_number} changed a subscription: ask for the change again in the customer portal instead."
        )));
    }
    let prefix = if order.new_tenant {
        DomainPrefix::parse(tenant, state.settings.tenant_prefix_max).map_err(|m| AppError::invalid("tenant", m))?
    } else {
        DomainPrefix::parse_initial_domain(tenant).map_err(|m| AppError::invalid("tenant", m))?
    };
    let run = order.provisioning_run + 1;
    sqlx::query!(
        "update sales_order set status = 'submitted', mpn_id = $2, tenant_prefix = $3, provisioning_run = $4,
                failure_code = null, failure_reason = null, failure_fix = null
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
        .on_constraint("customer_tenant_prefix_key", || {
            AppError::invalid("tenant", "This tenant already belongs to another customer in the marketplace.")
        })?;
    }
    jobs::enqueue(&mut tx, &ProvisionOrder { order_id: order.order_id, run }).await?;
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
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn an_annual_line_commits_its_year_and_a_monthly_line_its_month() {
        // Annual prices are per licence per year: 10 × 72.00 is the 12 months' commitment.
        assert_eq!(term_value(BillingCycle::Annual, dec!(72.00), 10), dec!(720.00));
        assert_eq!(term_value(BillingCycle::Monthly, dec!(7.20), 10), dec!(72.00));
    }
}
