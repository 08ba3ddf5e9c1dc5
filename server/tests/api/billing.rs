//! Billing (SPEC J) through the real server, workers and sandbox, with the marketplace clock set
//! to fixed days of March 2030: a month of purchases, an increase, a decrease and a cancellation
//! inside their windows and one outside, billed to exactly the amounts worked out by hand; two
//! billing runs at once issue one statement; the renewal; payment; CSV; markups.

use reqwest::StatusCode;
use rust_decimal_macros::dec;
use time::macros::date;
use uuid::Uuid;

use app::{
    billing::ssr::{RenewSubscriptions, bill_period},
    catalog::BillingCycle,
    checkout::place_order::{CustomerRef, LineRequest, OrderRequest, TenantRef, place_order},
    domain::{DomainPrefix, MpnId, Quantity},
    orders::{OrderStatus, PaymentMethod},
};

use crate::{
    helpers::{TestApp, ok},
    provisioning::{order_for, wait_for, with_workers},
};

const CONTOSO: &str = "00000000-0000-4000-8000-000000000003";
const PARTNER: &str = "00000000-0000-4000-8000-000000000002";

/// Sets the marketplace's clock to `at` (UTC).
async fn clock_at(app: &TestApp, at: &str) {
    sqlx::query!("update sandbox.clock set offset_by = $1::text::timestamptz - now()", format!("{at}+00"))
        .execute(&app.pool)
        .await
        .unwrap();
}

async fn subscription(app: &TestApp, sku: &str) -> String {
    sqlx::query_scalar!(
        "select s.subscription_id::text as \"id!\" from subscription s join product p using (product_id)
         where p.sku = $1 and s.customer_id = $2::text::uuid order by s.created_at desc limit 1",
        sku,
        CONTOSO
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The credit ledger (what checkout reads, folded from the deltas the triggers write) equals the
/// credit in use summed from the orders, charges and statements, for every partner.
async fn ledger_holds(app: &TestApp, when: &str) {
    let drift = sqlx::query!(
        r#"select organisation_id, partner_credit_used(organisation_id) as "ledger!",
                  partner_credit_recount(organisation_id) as "recount!"
           from partner where partner_credit_used(organisation_id) <> partner_credit_recount(organisation_id)"#
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let drift: Vec<_> = drift.iter().map(|d| (d.organisation_id, d.ledger, d.recount)).collect();
    assert!(drift.is_empty(), "{when}: ledger ≠ recount for {drift:?}");
}

/// Exchange Online (Plan 1), 5 monthly licences, for Contoso.
async fn order_exchange(app: &TestApp) -> i64 {
    let user = sqlx::query_scalar!("select user_id from app_user where email = 'partner@reseller.example'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let request = OrderRequest {
        partner_id: PARTNER.parse().unwrap(),
        user_id: user,
        idempotency_key: Uuid::new_v4(),
        customer: CustomerRef::Existing(CONTOSO.parse().unwrap()),
        tenant: TenantRef { prefix: DomainPrefix::parse("contoso", 27).unwrap(), new: false },
        mpn_id: MpnId::parse("1234567").unwrap(),
        payment_method: PaymentMethod::WireTransfer,
        clears_checkout: true,
        attestation: None,
        lines: vec![LineRequest {
            sku: "CFQ7TTC0LH16".into(),
            cycle: BillingCycle::Monthly,
            quantity: Quantity::new(5).unwrap(),
        }],
    };
    place_order(&app.pool, &request).await.unwrap().order_number.get()
}

async fn change(app: &TestApp, admin: &TestApp, id: &str, quantity: &str) {
    let number = ok(admin.call("change_licences", &[("subscription_id", id), ("quantity", quantity)]).await).await;
    wait_for(app, number.as_i64().unwrap(), OrderStatus::Completed).await;
}

async fn cancel(app: &TestApp, admin: &TestApp, partner: &TestApp, id: &str) {
    let number = ok(admin.call("cancel_subscription", &[("subscription_id", id)]).await).await.as_i64().unwrap();
    let n = number.to_string();
    ok(partner.call("decide_cancellation", &[("order_number", &n), ("decision", "approve")]).await).await;
    wait_for(app, number, OrderStatus::Completed).await;
}

#[tokio::test]
async fn a_month_is_billed_to_the_cent_once_however_many_runs_and_renews() {
    let app = with_workers().await;
    let admin = app.another_user();
    admin.login_ok("admin@contoso.example").await;
    let partner = app.another_user();
    partner.login_ok("partner@reseller.example").await;

    // 1 March: 10 Business Basic at 7.20 and 10 Defender at 2.40, monthly: 72.00 and 24.00.
    clock_at(&app, "2030-03-01 09:00").await;
    let number = order_for(&app, "contoso", "1234567").await;
    ledger_holds(&app, "an order submitted").await;
    wait_for(&app, number, OrderStatus::Completed).await;
    ledger_holds(&app, "an order provisioned and charged").await;
    let basic = subscription(&app, "CFQ7TTC0LH18").await;
    let defender = subscription(&app, "CFQ7TTC0LHXK").await;

    // 11 March: 3 more Basic for the 21 days left of 31: 21.60 × 21 / 31 = 14.632… → 14.63.
    clock_at(&app, "2030-03-11 09:00").await;
    change(&app, &admin, &basic, "13").await;
    ledger_holds(&app, "an increase").await;

    // 12 March: one of those removed (inside 168 h); refunded from the 13th, 19 days of 31:
    // 7.20 × 19 / 31 = 4.412… → 4.41. And 5 Exchange Online at 4.80: 24.00.
    clock_at(&app, "2030-03-12 09:00").await;
    change(&app, &admin, &basic, "12").await;
    let exchange_order = order_exchange(&app).await;
    wait_for(&app, exchange_order, OrderStatus::Completed).await;
    let exchange = subscription(&app, "CFQ7TTC0LH16").await;

    // 14 March, day 3 of Exchange's 31: cancelled inside 7 days, 28 unused days refunded:
    // 24.00 × 28 / 31 = 21.677… → 21.68.
    clock_at(&app, "2030-03-14 09:00").await;
    cancel(&app, &admin, &partner, &exchange).await;
    ledger_holds(&app, "a decrease, an order and a cancellation refunded").await;

    // 20 March: Defender cancelled after its 7 days: no refund, the month stays billed.
    clock_at(&app, "2030-03-20 09:00").await;
    cancel(&app, &admin, &partner, &defender).await;
    // Basic renews on 1 April with 10 licences, as scheduled.
    ok(admin.call("schedule_renewal", &[("subscription_id", &basic), ("renewal_quantity", "10")]).await).await;

    // 1 April: two billing runs for March at once.
    clock_at(&app, "2030-04-01 10:00").await;
    let (a, b) =
        tokio::join!(bill_period(&app.pool, date!(2030 - 03 - 01)), bill_period(&app.pool, date!(2030 - 03 - 01)));
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one statement between them");
    assert_eq!(bill_period(&app.pool, date!(2030 - 03 - 01)).await.unwrap(), 0, "and none on a third run");
    ledger_holds(&app, "a month billed").await;
    let statement = sqlx::query!(
        "select statement_id, statement_number, subtotal, vat, total from statement
         where partner_id = $1::text::uuid and period = '2030-03-01'",
        PARTNER
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(statement.len(), 1);
    let s = &statement[0];
    // 72.00 + 24.00 + 14.63 − 4.41 + 24.00 − 21.68 = 108.54; KDV 20 % = 21.708 → 21.71.
    assert_eq!((s.subtotal, s.vat, s.total), (dec!(108.54), dec!(21.71), dec!(130.25)));
    let mut amounts = sqlx::query_scalar!("select amount from charge where statement_id = $1", s.statement_id)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    amounts.sort();
    assert_eq!(amounts, [dec!(-21.68), dec!(-4.41), dec!(14.63), dec!(24.00), dec!(24.00), dec!(72.00)]);

    // The renewal: a new term from 1 April, the scheduled 10 licences, one lot, 72.00 charged.
    let mut conn = app.pool.acquire().await.unwrap();
    app::jobs::enqueue(&mut conn, &RenewSubscriptions { hour: "test".into() }).await.unwrap();
    let mut renewed = None;
    for _ in 0..100 {
        renewed = sqlx::query_scalar!(
            "select amount from charge where kind = 'renewal' and subscription_id = $1::text::uuid",
            basic
        )
        .fetch_optional(&app.pool)
        .await
        .unwrap();
        if renewed.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(renewed, Some(dec!(72.00)));
    ledger_holds(&app, "a renewal").await;
    let renewed = sqlx::query!(
        r#"select quantity, renewal_quantity, (term_start at time zone 'UTC')::date as "start!",
                  (term_end at time zone 'UTC')::date as "end!",
                  (select array_agg(quantity) from seat_lot l where l.subscription_id = s.subscription_id) as lots
           from subscription s where subscription_id = $1::text::uuid"#,
        basic
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((renewed.quantity, renewed.renewal_quantity), (10, None));
    assert_eq!((renewed.start, renewed.end), (date!(2030 - 04 - 01), date!(2030 - 05 - 01)));
    assert_eq!(renewed.lots, Some(vec![10]));

    // Credit usage: the unpaid statement and the unbilled renewal count; payment frees it.
    let billing = ok(partner.call("billing", &[]).await).await;
    assert_eq!(billing["usage"]["unpaid_statements"], "108.54");
    assert_eq!(billing["usage"]["unbilled_charges"], "72.00");
    assert_eq!(billing["usage"]["available"], "4819.46", "5000 − 108.54 − 72.00");
    let n = s.statement_number.to_string();
    let csv = partner.get(&format!("/cp/billing/statements/{n}/csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert_eq!(csv.lines().count(), 1 + 6 + 3);
    assert!(csv.lines().last().unwrap().ends_with(",total,,,,,130.25,USD"), "{csv}");
    assert_eq!(admin.get(&format!("/cp/billing/statements/{n}/csv")).await.status(), StatusCode::FORBIDDEN);

    let credit = app.another_user();
    credit.login_ok("credit@distributor.example").await;
    assert_eq!(
        partner.call("record_payment", &[("statement_number", &n), ("reference", "TR-1")]).await.status(),
        StatusCode::FORBIDDEN
    );
    ok(credit.call("record_payment", &[("statement_number", &n), ("reference", "EFT 2030-04-03")]).await).await;
    assert_eq!(
        credit.call("record_payment", &[("statement_number", &n), ("reference", "again")]).await.status(),
        StatusCode::CONFLICT
    );
    ledger_holds(&app, "a statement paid").await;
    let billing = ok(partner.call("billing", &[]).await).await;
    assert_eq!(billing["usage"]["unpaid_statements"], "0");
    assert_eq!(billing["statements"][0]["status"], "paid");
    let theirs = ok(credit.call("partner_billing", &[("partner_id", PARTNER)]).await).await;
    assert_eq!(theirs["usage"]["available"], "4928.00");
    assert_eq!(theirs["spend"].as_array().unwrap().len(), 12);
}

#[tokio::test]
async fn a_partner_marks_up_its_prices_for_its_customers_while_its_statements_stay_at_cost() {
    let app = with_workers().await;
    let number = order_for(&app, "contoso", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;
    let partner = app.another_user();
    partner.login_ok("partner@reseller.example").await;
    let prices = ok(partner.call("my_prices", &[]).await).await;
    let basic = prices.as_array().unwrap().iter().find(|p| p["sku"] == "CFQ7TTC0LH18").unwrap();
    let product = basic["product_id"].as_str().unwrap().to_owned();
    assert_eq!(basic["markup_percent"], "0");
    // Beside monthly and annual up front, an annual term billed monthly: 1.05 × 72.00 ÷ 12.
    assert_eq!((basic["monthly"].as_str(), basic["annual_monthly"].as_str()), (Some("7.20"), Some("6.30")));

    ok(partner.call("set_markup", &[("product_id", &product), ("markup", "25")]).await).await;
    for bad in ["-5", "501", "lots"] {
        let refused = partner.call("set_markup", &[("product_id", &product), ("markup", bad)]).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let missing = partner.call("set_markup", &[("product_id", &Uuid::new_v4().to_string()), ("markup", "5")]).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let admin = app.another_user();
    admin.login_ok("admin@contoso.example").await;
    let id = subscription(&app, "CFQ7TTC0LH18").await;
    let detail = ok(admin.call("subscription", &[("subscription_id", &id)]).await).await;
    assert_eq!(detail["unit_price"], "9.00", "7.20 with 25 %");
    assert_eq!(admin.call("my_prices", &[]).await.status(), StatusCode::FORBIDDEN);
    let charged = sqlx::query_scalar!("select amount from charge where subscription_id = $1::text::uuid", id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(charged, dec!(72.00), "the partner is billed the distributor's price");
}
