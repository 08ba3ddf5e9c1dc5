//! Demo data for trying the product: SPEC §6's accounts, organisations and catalog.

use anyhow::Context;
use sqlx::PgPool;
use uuid::Uuid;

use app::auth::{Role, ssr::hash_password};

pub const DEMO_PASSWORD: &str = "demo-password";

pub struct DemoUser {
    pub email: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub organisation_id: Uuid,
    pub who: &'static str,
}

const DISTRIBUTOR: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000001);
const PARTNER: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000002);
const CONTOSO: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000003);

pub const DEMO_USERS: [DemoUser; 4] = [
    DemoUser {
        email: "credit@distributor.example",
        display_name: "Deniz Kredi",
        role: Role::CreditControl,
        organisation_id: DISTRIBUTOR,
        who: "distributor credit control",
    },
    DemoUser {
        email: "ops@distributor.example",
        display_name: "Ozan Operasyon",
        role: Role::Operations,
        organisation_id: DISTRIBUTOR,
        who: "distributor operations",
    },
    DemoUser {
        email: "partner@reseller.example",
        display_name: "Pelin Partner",
        role: Role::PartnerAdmin,
        organisation_id: PARTNER,
        who: "partner admin (approved, 5,000 USD limit)",
    },
    DemoUser {
        email: "admin@contoso.example",
        display_name: "Cem Contoso",
        role: Role::CustomerAdmin,
        organisation_id: CONTOSO,
        who: "customer admin of Contoso Ltd (existing tenant)",
    },
];

/// Loads the demo data. Safe to run at every start and from several processes at once.
pub async fn load(pool: &PgPool) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::raw_sql(include_str!("../demo/demo.sql"))
        .execute(&mut *tx)
        .await
        .context("loading demo organisations and catalog")?;
    for user in &DEMO_USERS {
        let exists =
            sqlx::query_scalar!("select exists(select 1 from app_user where email = $1) as \"exists!\"", user.email)
                .fetch_one(&mut *tx)
                .await?;
        if exists {
            continue;
        }
        let hash = hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
        sqlx::query!(
            "insert into app_user (user_id, organisation_id, email, display_name, role, password_hash)
             values ($1, $2, $3, $4, $5, $6) on conflict (email) do nothing",
            Uuid::new_v4(),
            user.organisation_id,
            user.email,
            user.display_name,
            user.role as Role,
            hash
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    invoicing_history(pool).await.context("loading the demo's invoiced month")?;
    Ok(())
}

const NORTHWIND: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000004);
/// The demo's past order and statement (fixed, so they are made once).
const PAST_ORDER: Uuid = Uuid::from_u128(0x00000000_0000_4000_8500_000000000001);
const PAST_STATEMENT: Uuid = Uuid::from_u128(0x00000000_0000_4000_8500_000000000002);
/// How far back the demo loads TCMB's rates (the fixtures of the sandbox's feed).
const RATE_DAYS: i64 = 70;

/// A month already billed and invoiced (issue #21), so a new user finds an invoice at once: last
/// month Northwind Traders had ESET and Acronis monthly (expired since), the demo partner's
/// statement for it was issued on the 1st and invoiced that day (TICARIFATURA, accepted), and
/// paid a few days later at a higher rate, which gave an exchange-difference invoice. Made through
/// the product's own issuing and payment code, once; TCMB's rates of the last weeks come from the
/// sandbox's feed fixtures.
async fn invoicing_history(pool: &PgPool) -> anyhow::Result<()> {
    use app::invoicing::{rules, ssr as invoicing};
    use time::Duration;

    let now = sqlx::query_scalar!(r#"select market_now() as "now!""#).fetch_one(pool).await?;
    let today = rules::istanbul_date(now);
    let mut conn = pool.acquire().await?;
    for back in 1..=RATE_DAYS {
        let day = today - Duration::days(back);
        if crate::sandbox::tcmb::is_business_day(day) {
            let bulletin = app::gib::tcmb::parse_bulletin(&crate::sandbox::tcmb::bulletin_xml(day))
                .map_err(|e| anyhow::anyhow!("the sandbox's bulletin of {day}: {e}"))?;
            invoicing::store_bulletin(&mut conn, &bulletin).await?;
        }
    }
    drop(conn);
    let made =
        sqlx::query_scalar!(r#"select exists(select 1 from sales_order where order_id = $1) as "made!""#, PAST_ORDER)
            .fetch_one(pool)
            .await?;
    if made {
        return Ok(());
    }
    let this_month = today.replace_day(1)?;
    let period = app::billing::rules::previous_period(today);
    let users = sqlx::query!(
        "select user_id, email from app_user where email in ('partner@reseller.example', 'credit@distributor.example')"
    )
    .fetch_all(pool)
    .await?;
    let user = |email: &str| users.iter().find(|u| u.email == email).map(|u| u.user_id);
    let (Some(partner_user), Some(credit_user)) =
        (user("partner@reseller.example"), user("credit@distributor.example"))
    else {
        anyhow::bail!("the demo users are missing");
    };

    let mut tx = pool.begin().await?;
    let ordered = time::PrimitiveDateTime::new(period, time::macros::time!(09:00)).assume_utc();
    let term_end = time::PrimitiveDateTime::new(this_month, time::macros::time!(09:00)).assume_utc();
    sqlx::query!(
        "insert into sales_order (order_id, partner_id, customer_id, kind, status, payment_method, idempotency_key, mpn_id,
                                  tenant_prefix, new_tenant, subtotal, vat, total, term_value, created_by, created_at)
         values ($1, $2, $3, 'sales', 'completed', 'wire_transfer', $1, '1234567', 'northwind', false,
                 59.50, 11.90, 71.40, 59.50, $4, $5)",
        PAST_ORDER,
        PARTNER,
        NORTHWIND,
        partner_user,
        ordered
    )
    .execute(&mut *tx)
    .await?;
    // ESET PROTECT Entry, 10 devices at 3.20, and Acronis workstation backup, 5 at 5.50, monthly.
    for (line, product, quantity, price, subscription) in [
        (
            1,
            0x00000000_0000_4000_8300_000000000030_u128,
            10,
            rust_decimal::Decimal::new(320, 2),
            0x00000000_0000_4000_8500_000000000011_u128,
        ),
        (
            2,
            0x00000000_0000_4000_8300_000000000021_u128,
            5,
            rust_decimal::Decimal::new(550, 2),
            0x00000000_0000_4000_8500_000000000012_u128,
        ),
    ] {
        let product = Uuid::from_u128(product);
        let subscription = Uuid::from_u128(subscription);
        let total = price * rust_decimal::Decimal::from(quantity);
        sqlx::query!(
            "insert into order_line (order_id, line_no, product_id, billing_cycle, quantity, unit_price, line_total)
             values ($1, $2, $3, 'monthly', $4, $5, $6)",
            PAST_ORDER,
            line,
            product,
            quantity,
            price,
            total
        )
        .execute(&mut *tx)
        .await?;
        // Renewal was turned off: they ended with the month.
        sqlx::query!(
            "insert into subscription (subscription_id, customer_id, product_id, order_id, billing_cycle, quantity, status,
                                       term_start, term_end, auto_renew, created_at, unit_price)
             values ($1, $2, $3, $4, 'monthly', $5, 'expired', $6, $7, false, $6, $8)",
            subscription,
            NORTHWIND,
            product,
            PAST_ORDER,
            quantity,
            ordered,
            term_end,
            price
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "insert into charge (partner_id, customer_id, subscription_id, order_id, kind, description, quantity,
                                 service_start, service_end, amount, currency, occurred_at, source_key, statement_id)
             select $1, $2, $3::uuid, $4, 'purchase', p.name, $5, $6, $7, $8, 'USD', $9, 'purchase:' || $3::uuid::text, null
             from product p where p.product_id = $10",
            PARTNER,
            NORTHWIND,
            subscription,
            PAST_ORDER,
            quantity,
            period,
            this_month,
            total,
            ordered,
            product
        )
        .execute(&mut *tx)
        .await?;
    }
    let issued_at = time::PrimitiveDateTime::new(this_month, time::macros::time!(00:05)).assume_utc();
    sqlx::query!(
        "insert into statement (statement_id, partner_id, period, subtotal, vat, total, currency, issued_at)
         values ($1, $2, $3, 59.50, 11.90, 71.40, 'USD', $4)",
        PAST_STATEMENT,
        PARTNER,
        period,
        issued_at
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("update charge set statement_id = $1 where order_id = $2", PAST_STATEMENT, PAST_ORDER)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    // Invoiced on the 1st, paid up to four days later, as credit control would.
    invoicing::issue_statement(pool, None, PAST_STATEMENT, this_month, &mut None).await?;
    let number = invoicing::sales_invoice_of(pool, PAST_STATEMENT)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo statement's invoice was not issued"))?;
    let credit =
        app::auth::ssr::load_user(pool, credit_user).await?.ok_or_else(|| anyhow::anyhow!("no credit control user"))?;
    let paid_on = (this_month + Duration::days(4)).min(today);
    invoicing::record_payment(pool, &credit, &number, paid_on, rust_decimal::Decimal::new(7140, 2), "EFT 2026-DEMO-1")
        .await?;
    // Delivered (and the TICARIFATURA accepted) long ago: nothing is left to send.
    sqlx::query!(
        "with demo as (select invoice_id from invoice where partner_id = $1)
         , sent as (delete from job where kind = 'send_invoice'
                    and (payload ->> 'invoice_id')::uuid in (select invoice_id from demo))
         update invoice set status = case when profile = 'commercial' then 'accepted'::invoice_status
                                          else 'delivered'::invoice_status end,
                            status_at = now()
         where invoice_id in (select invoice_id from demo) and status = 'draft'",
        PARTNER
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The sign-in table printed at start, so a new user can try every role.
pub fn logins_table(site: &str) -> String {
    let mut out =
        format!("\ncloudmarket is running at http://{site}\n\nDemo logins (password for all: {DEMO_PASSWORD}):\n");
    for user in &DEMO_USERS {
        out.push_str(&format!("  {:<28} {}\n", user.email, user.who));
    }
    out
}
