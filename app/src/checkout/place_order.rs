//! Placing an order: what checkout submits once every step passed. Idempotent per (partner,
//! key) and serialised per partner, it checks the customer, tenant, add-ons and duplicates and
//! writes the order with its subscriptions, provisioning job, mails and audit entry in one
//! transaction (SPEC E, G).

use rust_decimal::Decimal;
use serde_json::json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

use super::mails;
use crate::i18n::{Locale, Say};
use crate::{
    audit::AuditEntry,
    billing::mails as credit_mails,
    domain::{
        BillingCycle, DomainPrefix, Money, MpnId, OrderNumber, OrderStatus, PaymentMethod, Quantity,
        SubscriptionStatus, Totals, line_total,
    },
    error::{AppError, Refusals, ssr::ResultExt},
    jobs::JobRow,
    notifications::{Mail, MailText, ssr::OutboxRow},
    orders::NewCustomerProfile,
    provisioning::ssr::ProvisionOrder,
    webhooks::ssr::{self as webhooks, Event, OrderEvent},
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CustomerRef {
    Existing(crate::domain::CustomerId),
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
    /// The user's cart and checkout wizard are done with once the order is placed (the Control
    /// Panel's checkout); an order placed through the partner API leaves them alone.
    pub clears_checkout: bool,
    /// The customer's acceptance of the Microsoft Customer Agreement, given with this order. A
    /// customer without one on record cannot be ordered for without it; one with an attestation
    /// keeps it, and this is not recorded again.
    pub attestation: Option<super::agreement::Attestation>,
}

/// Whether an order is placed or only checked (the partner API's `validate_only`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Place,
    Validate,
}

/// What [`place_order`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    Placed(Placed),
    /// Every check passed and nothing was written: what the order would be.
    Valid(Preview),
}

/// An order that passed every check, as it would be placed now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// `Submitted`, or `AwaitingCreditApproval` when it is over the available credit.
    pub status: OrderStatus,
    pub lines: Vec<PreviewLine>,
    pub totals: Totals,
    /// What it puts on the partner's credit.
    pub term_value: Decimal,
    pub available_credit: Decimal,
    pub currency: crate::domain::Currency,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewLine {
    pub sku: String,
    pub name: String,
    pub cycle: BillingCycle,
    pub quantity: i32,
    pub unit_price: Decimal,
    pub line_total: Decimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    pub order_number: crate::domain::OrderNumber,
    pub status: OrderStatus,
    /// False when the idempotency key had already made this order.
    pub created: bool,
}

struct PricedLine {
    sku: String,
    product_id: Uuid,
    base_product_id: Option<Uuid>,
    name: String,
    cycle: BillingCycle,
    quantity: i32,
    unit_price: Decimal,
}

/// What a line puts on the partner's credit: its whole commitment. Annual prices are per year,
/// so an annual line counts its 12 months; a monthly line counts the month it commits to; an
/// annual term billed monthly commits to its 12 monthly charges.
fn term_value(cycle: BillingCycle, unit_price: Decimal, quantity: i32) -> Decimal {
    line_total(unit_price, quantity) * Decimal::from(cycle.charges_per_term())
}

/// Places an order whose vendor checks passed (the benchmarks and tests place orders this way).
pub async fn place_order(pool: &PgPool, request: &OrderRequest) -> Result<Placed, AppError> {
    match place_or_check(pool, request, Refusals::default(), Mode::Place).await? {
        Placement::Placed(placed) => Ok(placed),
        Placement::Valid(_) => Err(crate::error::ssr::internal("placing an order", "it was only checked")),
    }
}

/// Places an order: idempotent per (partner, key), serialised per partner so concurrent
/// checkouts never spend the same credit twice, and written in one transaction with its
/// subscriptions, provisioning job, mails and audit entry. Checkout's throughput is bounded by
/// round trips, so the writes go in one statement.
///
/// Every check runs, and every refusal is answered at once together with `refusals` (what the
/// caller's own checks, the vendor's, found). With [`Mode::Validate`] nothing is written: the
/// answer is what the order would be.
#[tracing::instrument(name = "orders.place", skip(pool, request, refusals), fields(partner = %request.partner_id))]
pub async fn place_or_check(
    pool: &PgPool,
    request: &OrderRequest,
    mut refusals: Refusals,
    mode: Mode,
) -> Result<Placement, AppError> {
    // Prices are read before the partner is locked: nothing below depends on them being current
    // to the microsecond, and the lock is held for less. They are read on the transaction's
    // connection, so an order takes one connection from the pool, not two.
    let mut tx = pool.begin().await?;
    let lines = price_lines(&mut *tx, &request.lines, &mut refusals).await?;
    // Checkout's throughput is bounded by its round trips, so this one statement locks the
    // partner and reads, with the lock held, everything the checks below need from the database:
    // - The lock is `for no key update` (see `billing::ssr::lock_credit`): the credit ledger's
    //   inserts elsewhere take a key-share lock on this row, and must not wait for checkouts.
    // - The idempotency key. An order committed with it while we waited for the lock is caught by
    //   the key's unique constraint below instead.
    // - Whether a new customer's tenant is already someone's (the unique constraint stands behind
    //   this, for a race).
    // - The credit in use, its ledger folded (O(1), see the credit ledger migration; a check's or
    //   a refusal's fold is rolled back with it). `fold_partner_credit` runs in the projection,
    //   after `locked` has the row, and as a volatile function its statements take a snapshot of
    //   their own: it sees the orders committed by whoever held the lock before (the statement's
    //   own snapshot, taken before the wait, does not).
    // - The order's number, drawn only for an order that is placed: checking one, or answering a
    //   retry, leaves no gap.
    // - Whether the partner has a webhook endpoint, so an order with none skips the event query
    //   (an endpoint being added meanwhile gets the events of the partner's next order on).
    let partner = sqlx::query!(
        r#"with locked as materialized (
               select organisation_id, credit_limit, currency from partner where organisation_id = $1
               for no key update
           )
           select p.credit_limit as "credit_limit!", p.currency as "currency!: crate::domain::Currency",
                  u.email as "email!", u.language as "language!: Locale",
                  so.order_number as "order_number?: crate::domain::OrderNumber", so.status as "status?: OrderStatus",
                  $4::text is not null and exists(select 1 from customer where tenant_prefix = $4) as "tenant_taken!",
                  exists(select 1 from webhook_endpoint w where w.partner_id = p.organisation_id and w.enabled)
                      as "webhooks!",
                  fold_partner_credit(p.organisation_id) as "used!",
                  case when $5 and so.order_id is null then nextval(pg_get_serial_sequence('sales_order', 'order_number')) end
                      as "next_number: crate::domain::OrderNumber"
           from locked p
           join app_user u on u.organisation_id = p.organisation_id and u.user_id = $2
           left join sales_order so on so.partner_id = p.organisation_id and so.idempotency_key = $3"#,
        request.partner_id,
        request.user_id,
        request.idempotency_key,
        matches!(request.customer, CustomerRef::New(_)).then_some(request.tenant.prefix.as_ref()),
        mode == Mode::Place
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::YourPartnerAccountNotFound))?;
    if mode == Mode::Place
        && let (Some(order_number), Some(status)) = (partner.order_number, partner.status)
    {
        return Ok(Placement::Placed(Placed { order_number, status, created: false }));
    }
    // After the key: a retry that read the cart just after the first submission emptied it is
    // answered with that order above, not told its cart is empty.
    if request.lines.is_empty() {
        refusals.check::<()>(Err(AppError::invalid("cart", Say::CartEmpty)))?;
    }

    let customer = refusals.check(resolve_customer(&mut tx, request).await)?;
    if partner.tenant_taken {
        refusals.check::<()>(Err(tenant_taken(&request.tenant)))?;
    }
    // Microsoft takes no order for a customer without the agreement's attestation: refused here,
    // before anything is written or sent, with the signatory as the fix.
    let attest = match &customer {
        Some(customer) if customer.is_new || !super::agreement::is_attested(&mut *tx, customer.id).await? => {
            if request.attestation.is_none() {
                refusals.check::<()>(Err(AppError::invalid(
                    "agreement",
                    Say::AgreementNeeded { customer: customer.name.clone() },
                )))?;
            }
            request.attestation.as_ref()
        }
        _ => None,
    };
    if let Some(customer) = &customer {
        refusals.check(check_add_ons(&mut tx, customer.id, &lines).await)?;
        if !customer.is_new {
            refusals.check(check_duplicates(&mut tx, customer.id, &customer.name, &lines).await)?;
        }
    }
    let Some(customer) = customer.filter(|_| refusals.is_empty()) else {
        // Whatever resolving the customer changed goes with the transaction.
        tx.rollback().await?;
        refusals.finish()?;
        return Err(crate::error::ssr::internal("placing an order", "a customer neither resolved nor refused"));
    };

    let totals = Totals::of(lines.iter().map(|l| line_total(l.unit_price, l.quantity)));
    let term_value: Decimal = lines.iter().map(|l| term_value(l.cycle, l.unit_price, l.quantity)).sum();
    let available = partner.credit_limit - partner.used;
    let status = if term_value > available { OrderStatus::AwaitingCreditApproval } else { OrderStatus::Submitted };
    let order_number = match (mode, partner.next_number) {
        (Mode::Place, Some(number)) => number,
        (Mode::Place, None) => {
            return Err(crate::error::ssr::internal("placing an order", "no order number was drawn"));
        }
        (Mode::Validate, _) => {
            // Checked, not placed: what resolving the customer changed is rolled back.
            tx.rollback().await?;
            return Ok(Placement::Valid(Preview {
                status,
                lines: lines
                    .iter()
                    .map(|l| PreviewLine {
                        sku: l.sku.clone(),
                        name: l.name.clone(),
                        cycle: l.cycle,
                        quantity: l.quantity,
                        unit_price: l.unit_price,
                        line_total: line_total(l.unit_price, l.quantity),
                    })
                    .collect(),
                totals,
                term_value,
                available_credit: available,
                currency: partner.currency,
            }));
        }
    };

    let committed = Money::new(term_value, partner.currency);
    let available_left = Money::new(available.max(Decimal::ZERO), partner.currency);
    // The partner's mail, and for an order over its credit the one every credit controller gets,
    // each in the language of who reads it.
    let (partner_mail, staff_mail) = if status == OrderStatus::AwaitingCreditApproval {
        let written = |template: fn(Locale, OrderNumber, &str, &str, &str) -> MailText| {
            Mail::written(|locale| {
                template(
                    locale,
                    order_number,
                    &customer.name,
                    &committed.in_locale(locale),
                    &available_left.in_locale(locale),
                )
            })
        };
        (written(credit_mails::awaiting_credit_approval), Some(written(credit_mails::credit_approval_needed)))
    } else {
        let total = Money::new(totals.total, partner.currency);
        (
            Mail::written(|locale| {
                mails::order_received(locale, order_number, &customer.name, &total.in_locale(locale))
            }),
            None,
        )
    };
    let outbox = serde_json::to_value([OutboxRow::new(&partner.email, partner.language, &partner_mail)])
        .map_err(|e| crate::error::ssr::internal("writing an order's mail", e))?;

    let order_id = Uuid::new_v4();
    let product_ids: Vec<Uuid> = lines.iter().map(|l| l.product_id).collect();
    let cycles: Vec<BillingCycle> = lines.iter().map(|l| l.cycle).collect();
    let quantities: Vec<i32> = lines.iter().map(|l| l.quantity).collect();
    let prices: Vec<Decimal> = lines.iter().map(|l| l.unit_price).collect();
    let audit = AuditEntry {
        actor: Some(request.user_id),
        acting_as: None,
        action: "order.submitted",
        target_type: "order",
        target_id: order_number.to_string(),
        detail: json!({ "status": status, "term_value": term_value, "customer_id": customer.id }),
    };
    // A submitted order goes to provisioning at once; one awaiting credit gets its job when
    // credit control approves it.
    let job_id = (status == OrderStatus::Submitted).then(Uuid::new_v4);
    let job = job_id.map(|id| JobRow::of(&ProvisionOrder { order_id, run: 1 }).map(|row| row.json(id))).transpose()?;
    let new_customer = match &request.customer {
        CustomerRef::New(profile) => Some(profile),
        CustomerRef::Existing(_) => None,
    };
    let written = sqlx::query!(
        r#"with new_organisation as (
               insert into organisation (organisation_id, kind, parent_id, name, tax_number, phone, address)
               select $4, 'customer', $3, $25, $26, $27, $28 where $25::text is not null
           ),
           new_customer as (
               -- A new customer is related from the start: an existing tenant was found related at
               -- checkout, and a tenant the marketplace creates is created under this reseller
               -- (SPEC B: a new tenant needs no relationship link).
               insert into customer (organisation_id, tenant_prefix, contact_name, contact_email, mpn_id,
                                     relationship_accepted_at, contact_language)
               select $4, $9, $29, $30, $8, now(), $35 where $25::text is not null
           ),
           -- The job, mail and audit rows come as JSON from the types that own them (`JobRow`,
           -- `OutboxRow`, `AuditEntry`), column by column: the same rows `jobs::enqueue`,
           -- `notifications::ssr::enqueue` and `audit::record` write, in this one round trip.
           provisioning as (
               insert into job (job_id, kind, payload, max_attempts, dedup_key)
               select job_id, kind, payload, max_attempts, dedup_key
               from jsonb_populate_record(null::job, $31) where $31::jsonb is not null
               on conflict (kind, dedup_key) do nothing
           ),
           new_order as (
               insert into sales_order (order_id, order_number, partner_id, customer_id, kind, status, payment_method,
                                        idempotency_key, mpn_id, tenant_prefix, new_tenant,
                                        subtotal, vat, total, term_value, currency, created_by, current_job_id)
               overriding system value
               values ($1, $2, $3, $4, 'sales', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $32)
           ),
           lines as (
               insert into order_line (order_id, line_no, product_id, billing_cycle, quantity, unit_price, line_total)
               select $1, n, product_id, cycle, quantity, price, price * quantity
               from unnest($17::uuid[], $18::billing_cycle[], $19::int[], $20::numeric[])
                    with ordinality as l(product_id, cycle, quantity, price, n)
           ),
           subscriptions as (
               -- Each subscription keeps its order line's price for its first term.
               insert into subscription (subscription_id, customer_id, product_id, order_id, billing_cycle, quantity,
                                         unit_price)
               select gen_random_uuid(), $4, product_id, $1, cycle, quantity, price
               from unnest($17::uuid[], $18::billing_cycle[], $19::int[], $20::numeric[])
                    as l(product_id, cycle, quantity, price)
           ),
           mails as (
               insert into email_outbox (outbox_id, recipient, subject, body_text)
               select outbox_id, recipient, subject, body_text
               from jsonb_populate_recordset(null::email_outbox, $21)
               union all
               select gen_random_uuid(), email,
                      case when language = 'tr' then $33::text else $22::text end,
                      case when language = 'tr' then $34::text else $23::text end
               from app_user where role = 'credit_control' and $22::text is not null
           ),
           audit as (
               insert into audit_log (actor_user_id, actor_api_key_id, acting_as_organisation_id, action, target_type,
                                      target_id, detail)
               select actor_user_id, actor_api_key_id, acting_as_organisation_id, action, target_type, target_id, detail
               from jsonb_populate_record(null::audit_log, $24)
           ),
           agreement as (
               insert into customer_agreement (customer_id, agreement_version, signatory_first_name,
                                               signatory_last_name, signatory_email, signatory_company,
                                               signatory_country, signatory_language, client_ip, submitted_by)
               select customer_id, agreement_version, signatory_first_name, signatory_last_name, signatory_email,
                      signatory_company, signatory_country, signatory_language, client_ip, submitted_by
               from jsonb_populate_record(null::customer_agreement, $37) where $37::jsonb is not null
               on conflict (customer_id) do nothing
           ),
           cart as (
               delete from cart_line where user_id = $16 and $36
           )
           delete from checkout_draft where user_id = $16 and $36"#,
        order_id,
        order_number.get(),
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
        partner.currency.code(),
        request.user_id,
        &product_ids,
        &cycles as &[BillingCycle],
        &quantities,
        &prices,
        outbox,
        staff_mail.as_ref().map(|m| m.en.subject.as_str()),
        staff_mail.as_ref().map(|m| m.en.body.as_str()),
        audit.row_json(),
        new_customer.map(|c| c.company_name.as_str()),
        new_customer.map(|c| c.tax_number.as_ref()),
        new_customer.map(|c| c.phone.as_ref()),
        new_customer.map(|c| c.address.as_str()),
        new_customer.map(|c| c.contact_name.as_str()),
        new_customer.map(|c| c.contact_email.as_str()),
        job,
        job_id,
        staff_mail.as_ref().map(|m| m.tr.subject.as_str()),
        staff_mail.as_ref().map(|m| m.tr.body.as_str()),
        // A new customer's contact reads mail in the language of the partner who created it.
        partner.language as Locale,
        request.clears_checkout,
        // The customer's attestation, when this order gives it (after the customer's row, which
        // this statement may write: foreign keys are checked at its end).
        attest.map(|a| super::agreement::row_json(a, customer.id, request.user_id)),
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
            .map(Placement::Placed)
            .ok_or_else(|| crate::error::ssr::internal("idempotent order", "key taken but no order found"));
    }
    match written {
        Err(sqlx::Error::Database(db)) if db.constraint() == Some("customer_tenant_prefix_key") => {
            return Err(tenant_taken(&request.tenant));
        }
        other => {
            other.on_constraint("subscription_one_live_per_product", || {
                AppError::invalid("cart", Say::AlreadyHasOneOfThese { customer: customer.name.clone() })
            })?;
        }
    }
    if partner.webhooks {
        let event = if status == OrderStatus::Submitted { OrderEvent::Submitted } else { OrderEvent::AwaitingApproval };
        webhooks::emit(&mut tx, &[Event::order(event, order_id)]).await?;
    }
    tx.commit().await?;
    Ok(Placement::Placed(Placed { order_number, status, created: true }))
}

fn tenant_taken(tenant: &TenantRef) -> AppError {
    AppError::invalid(tenant.field(), Say::TenantTaken)
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
                id.get(),
                request.partner_id
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::not_found(Say::CustomerNotFound))?;
            match row.tenant_prefix {
                Some(prefix) if prefix != tenant.prefix.as_ref() || tenant.new => {
                    return Err(AppError::invalid(
                        tenant.field(),
                        Say::CustomerHasTenant { customer: row.name, domain: crate::domain::initial_domain(&prefix) },
                    ));
                }
                Some(_) => {}
                None => {
                    sqlx::query!(
                        "update customer set tenant_prefix = $2 where organisation_id = $1",
                        id.get(),
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
                id.get(),
                request.mpn_id.as_ref()
            )
            .execute(&mut *tx)
            .await?;
            ResolvedCustomer { id: id.get(), name: row.name, is_new: false }
        }
        // Written with the order, in the same statement.
        CustomerRef::New(profile) => {
            ResolvedCustomer { id: Uuid::new_v4(), name: profile.company_name.clone(), is_new: true }
        }
    };
    Ok(customer)
}

/// The lines at the catalog's prices; each line refused is added to `refusals`, and the others
/// are checked on (an add-on still needs its base whatever else is refused).
async fn price_lines(
    db: impl PgExecutor<'_>,
    requested: &[LineRequest],
    refusals: &mut Refusals,
) -> Result<Vec<PricedLine>, AppError> {
    let skus: Vec<String> = requested.iter().map(|l| l.sku.clone()).collect();
    // The prices in effect today, as `product_price_now` has them, read per product through the
    // price table's key: joined with the view, the planner sorts every price of every product.
    let rows = sqlx::query!(
        r#"select p.product_id, p.sku, p.name, p.base_product_id, p.max_seats,
                  pp.billing_cycle as "cycle!: BillingCycle", pp.unit_price as "unit_price!"
           from product p
           cross join lateral (
               select distinct on (billing_cycle) billing_cycle, unit_price from product_price
               where product_id = p.product_id and effective_from <= (market_now() at time zone 'UTC')::date
               order by billing_cycle, effective_from desc
           ) pp
           where p.is_active and p.sku = any($1)"#,
        &skus
    )
    .fetch_all(db)
    .await?;
    requested
        .iter()
        .map(|line| {
            let row = rows
                .iter()
                .find(|r| r.sku == line.sku && r.cycle == line.cycle)
                .ok_or_else(|| AppError::invalid("cart", Say::NoLongerSold { sku: line.sku.clone() }))?;
            // The catalog's seat limit, checked again here: the cart may predate it.
            let quantity = line.quantity.within(&row.name, row.max_seats).map_err(|m| AppError::invalid("cart", m))?;
            Ok(PricedLine {
                sku: row.sku.clone(),
                product_id: row.product_id,
                base_product_id: row.base_product_id,
                name: row.name.clone(),
                cycle: line.cycle,
                quantity: quantity.get(),
                unit_price: row.unit_price,
            })
        })
        .filter_map(|line| refusals.check(line).transpose())
        .collect()
}

/// SPEC E.3: an add-on needs its base product in the same order or already active.
async fn check_add_ons(tx: &mut PgConnection, customer_id: Uuid, lines: &[PricedLine]) -> Result<(), AppError> {
    let mut refusals = Refusals::default();
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
            refusals.check::<()>(Err(AppError::invalid(
                "cart",
                Say::AddOnNeedsBase { add_on: line.name.clone(), base: base.name },
            )))?;
        }
    }
    refusals.finish()
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
    Err(AppError::invalid("cart", Say::AlreadyHasProduct { customer: customer_name.to_owned(), product: names }))
}

/// The order a checkout's idempotency key made, if any.
pub async fn order_by_key(db: impl PgExecutor<'_>, partner_id: Uuid, key: Uuid) -> Result<Option<Placed>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select order_number as "order_number: crate::domain::OrderNumber", status as "status: OrderStatus" from sales_order
           where partner_id = $1 and idempotency_key = $2"#,
        partner_id,
        key
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Placed { order_number: r.order_number, status: r.status, created: false }))
}

/// Products a customer already has live, for the checkout's early warning.
pub async fn live_products(
    db: impl PgExecutor<'_>,
    customer_id: crate::domain::CustomerId,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select p.sku from subscription s join product p using (product_id)
           where s.customer_id = $1 and s.status = any($2)"#,
        customer_id.get(),
        &SubscriptionStatus::LIVE as &[SubscriptionStatus]
    )
    .fetch_all(db)
    .await
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
        // Twelve months at 1.05 × 72.00 ÷ 12 = 6.30.
        assert_eq!(term_value(BillingCycle::AnnualMonthly, dec!(6.30), 10), dec!(756.00));
    }
}
