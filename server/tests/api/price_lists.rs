//! Dated price lists and "Annual, billed monthly" (issue #19) through the real server, workers and
//! sandbox, with the marketplace clock on fixed days of 2030: an annual term billed monthly is
//! charged 1.05 × annual ÷ 12 a month at a time; an order pays the price of its day; a renewal
//! pays the price of the renewal's day while a mid-term increase keeps the term's; the renewal
//! price notice goes out once; credit control imports a price list through a preview.

use reqwest::StatusCode;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::Value;
use time::macros::date;
use uuid::Uuid;

use app::{
    billing::ssr::{BillMonths, NoticeRenewalPrices, RenewSubscriptions, bill_months, notice_renewal_prices},
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
const BASIC: &str = "CFQ7TTC0LH18";

/// Sets the marketplace's clock to `at` (UTC).
async fn clock_at(app: &TestApp, at: &str) {
    sqlx::query!("update sandbox.clock set offset_by = $1::text::timestamptz - now()", format!("{at}+00"))
        .execute(&app.pool)
        .await
        .unwrap();
}

/// Contoso's order of `quantity` Business Basic at `cycle`, placed as checkout places it.
async fn order_basic(app: &TestApp, cycle: BillingCycle, quantity: i64) -> i64 {
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
        lines: vec![LineRequest { sku: BASIC.into(), cycle, quantity: Quantity::new(quantity).unwrap() }],
    };
    place_order(&app.pool, &request).await.unwrap().order_number.get()
}

/// The newest Business Basic subscription of the customer with tenant `prefix`.
async fn basic_of(app: &TestApp, prefix: &str) -> Uuid {
    sqlx::query_scalar!(
        "select s.subscription_id from subscription s join product p using (product_id)
         join customer c on c.organisation_id = s.customer_id
         where p.sku = $1 and c.tenant_prefix = $2 order by s.created_at desc limit 1",
        BASIC,
        prefix
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// A subscription's charges of `kind`, oldest first: (amount, service start, service end).
async fn charges(app: &TestApp, subscription: Uuid, kind: &str) -> Vec<(Decimal, time::Date, time::Date)> {
    sqlx::query!(
        "select amount, service_start, service_end from charge
         where subscription_id = $1 and kind::text = $2 order by service_start",
        subscription,
        kind
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .map(|c| (c.amount, c.service_start, c.service_end))
    .collect()
}

/// Lists a Business Basic price from `from` on, as a price list would.
async fn dated_price(app: &TestApp, cycle: &str, price: Decimal, from: time::Date) {
    sqlx::query!(
        "insert into product_price (product_id, billing_cycle, unit_price, currency, effective_from)
         select product_id, $2::text::billing_cycle, $3, 'USD', $4 from product where sku = $1",
        BASIC,
        cycle,
        price,
        from
    )
    .execute(&app.pool)
    .await
    .unwrap();
}

/// Waits for `done` to hold, for jobs the workers run.
async fn eventually<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if done().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what} never happened");
}

#[tokio::test]
async fn an_annual_term_billed_monthly_is_charged_a_month_at_a_time_at_five_percent_over_annual() {
    let app = with_workers().await;
    let partner = app.another_user();
    partner.login_ok("partner@reseller.example").await;
    clock_at(&app, "2030-03-01 09:00").await;

    // The catalog and the cart offer it: 1.05 × 72.00 ÷ 12 = 6.30 per licence per month.
    let catalog = ok(partner.call("catalog", &[]).await).await;
    let basic = catalog.as_array().unwrap().iter().find(|p| p["sku"] == BASIC).unwrap();
    assert_eq!(basic["annual_monthly_price"], "6.30");
    // 1.05 × 150.00 ÷ 12 = 13.125, rounded half up.
    let standard = catalog.as_array().unwrap().iter().find(|p| p["sku"] == "CFQ7TTC0LDPB").unwrap();
    assert_eq!(standard["annual_monthly_price"], "13.13");
    ok(partner.call("add_to_cart", &[("sku", BASIC), ("billing_cycle", "annual_monthly"), ("quantity", "3")]).await)
        .await;
    let cart = ok(partner.call("cart", &[]).await).await;
    assert_eq!(cart["lines"][0]["billing_cycle"], "AnnualMonthly");
    assert_eq!(cart["lines"][0]["unit_price"], "6.30");

    // The order commits the year (12 × 63.00) and is invoiced its first month.
    let number = order_basic(&app, BillingCycle::AnnualMonthly, 10).await;
    let order = sqlx::query!("select subtotal, term_value from sales_order where order_number = $1", number)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((order.subtotal, order.term_value), (dec!(63.00), dec!(756.00)));
    wait_for(&app, number, OrderStatus::Completed).await;
    let basic = basic_of(&app, "contoso").await;
    let term = sqlx::query!(
        r#"select (term_end at time zone 'UTC')::date as "end!", unit_price from subscription where subscription_id = $1"#,
        basic
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((term.end, term.unit_price), (date!(2031 - 03 - 01), dec!(6.30)), "a year at the month's price");
    // The first month at activation.
    assert_eq!(charges(&app, basic, "purchase").await, [(dec!(63.00), date!(2030 - 03 - 01), date!(2030 - 04 - 01))]);
    assert!(charges(&app, basic, "month").await.is_empty());

    // A month later the job charges the second month; run again, it charges nothing more.
    clock_at(&app, "2030-04-01 10:00").await;
    let mut conn = app.pool.acquire().await.unwrap();
    app::jobs::enqueue(&mut conn, &BillMonths { hour: "test a".into() }).await.unwrap();
    eventually("the second month's charge", || async { !charges(&app, basic, "month").await.is_empty() }).await;
    app::jobs::enqueue(&mut conn, &BillMonths { hour: "test b".into() }).await.unwrap();
    bill_months(&app.pool).await.unwrap();
    assert_eq!(charges(&app, basic, "month").await, [(dec!(63.00), date!(2030 - 04 - 01), date!(2030 - 05 - 01))]);

    // Two months later, both missed months; never the term's 13th.
    clock_at(&app, "2030-06-15 10:00").await;
    bill_months(&app.pool).await.unwrap();
    bill_months(&app.pool).await.unwrap();
    let months: Vec<time::Date> = charges(&app, basic, "month").await.into_iter().map(|c| c.1).collect();
    assert_eq!(months, [date!(2030 - 04 - 01), date!(2030 - 05 - 01), date!(2030 - 06 - 01)]);
    clock_at(&app, "2031-02-20 10:00").await;
    bill_months(&app.pool).await.unwrap();
    let months = charges(&app, basic, "month").await;
    assert_eq!(months.len(), 11, "months 2 to 12");
    assert!(months.iter().all(|c| c.0 == dec!(63.00)));
    assert_eq!(months.last().unwrap().1, date!(2031 - 02 - 01));
}

#[tokio::test]
async fn an_order_pays_its_days_price_a_renewal_the_renewals_and_an_increase_the_terms() {
    let app = with_workers().await;
    let admin = app.another_user();
    admin.login_ok("admin@contoso.example").await;
    // Announced: Business Basic dearer from 1 April 2030.
    dated_price(&app, "monthly", dec!(7.92), date!(2030 - 04 - 01)).await;
    dated_price(&app, "annual", dec!(79.20), date!(2030 - 04 - 01)).await;

    // Ordered on 1 March: the March price, locked on the subscriptions.
    clock_at(&app, "2030-03-01 09:00").await;
    let annual = order_basic(&app, BillingCycle::Annual, 10).await;
    let monthly = order_for(&app, "monthlyco", "1234567").await;
    wait_for(&app, annual, OrderStatus::Completed).await;
    wait_for(&app, monthly, OrderStatus::Completed).await;
    let contoso = basic_of(&app, "contoso").await;
    let monthlyco = basic_of(&app, "monthlyco").await;
    assert_eq!(charges(&app, contoso, "purchase").await[0].0, dec!(720.00));
    assert_eq!(charges(&app, monthlyco, "purchase").await[0].0, dec!(72.00));

    // 1 April: the monthly term renews at the price in effect that day, and keeps it.
    clock_at(&app, "2030-04-01 10:00").await;
    let mut conn = app.pool.acquire().await.unwrap();
    app::jobs::enqueue(&mut conn, &RenewSubscriptions { hour: "test".into() }).await.unwrap();
    eventually("the renewal", || async { !charges(&app, monthlyco, "renewal").await.is_empty() }).await;
    assert_eq!(
        charges(&app, monthlyco, "renewal").await,
        [(dec!(79.20), date!(2030 - 04 - 01), date!(2030 - 05 - 01))],
        "10 × 7.92"
    );
    let locked = sqlx::query_scalar!("select unit_price from subscription where subscription_id = $1", monthlyco)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(locked, dec!(7.92));

    // 2 April: an order placed after the date pays the new price.
    clock_at(&app, "2030-04-02 09:00").await;
    let after = order_for(&app, "afterco", "1234567").await;
    let line = sqlx::query_scalar!(
        "select l.unit_price from order_line l join sales_order o using (order_id) join product p using (product_id)
         where o.order_number = $1 and p.sku = $2",
        after,
        BASIC
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(line, dec!(7.92));
    wait_for(&app, after, OrderStatus::Completed).await;
    assert_eq!(charges(&app, basic_of(&app, "afterco").await, "purchase").await[0].0, dec!(79.20));

    // 10 April: 2 more licences on Contoso's annual term keep its 72.00 a year, for the 325 days
    // left of 365: 144.00 × 325 / 365 = 128.219… → 128.22 (at 79.20 it would be 141.04).
    clock_at(&app, "2030-04-10 09:00").await;
    let number =
        ok(admin.call("change_licences", &[("subscription_id", &contoso.to_string()), ("quantity", "12")]).await).await;
    wait_for(&app, number.as_i64().unwrap(), OrderStatus::Completed).await;
    assert_eq!(charges(&app, contoso, "increase").await[0].0, dec!(128.22));
}

#[tokio::test]
async fn a_renewal_at_a_new_price_is_announced_30_days_ahead_once() {
    let app = with_workers().await;
    clock_at(&app, "2030-03-01 09:00").await;
    let number = order_basic(&app, BillingCycle::Annual, 10).await;
    wait_for(&app, number, OrderStatus::Completed).await;
    // Announced: dearer from 1 January 2031, two months before the term renews on 1 March.
    dated_price(&app, "annual", dec!(79.20), date!(2031 - 01 - 01)).await;
    let notices = || async {
        sqlx::query!(
            "select recipient, subject, body_text from email_outbox
             where subject like '%renews on%' or subject like '%yenilenecek%' order by recipient"
        )
        .fetch_all(&app.pool)
        .await
        .unwrap()
    };

    // 45 days before: not yet.
    clock_at(&app, "2031-01-15 09:00").await;
    notice_renewal_prices(&app.pool).await.unwrap();
    assert!(notices().await.is_empty());

    // 28 days before: the partner's admin and Contoso's contact, once however often it runs.
    clock_at(&app, "2031-02-01 09:00").await;
    let mut conn = app.pool.acquire().await.unwrap();
    app::jobs::enqueue(&mut conn, &NoticeRenewalPrices { hour: "test".into() }).await.unwrap();
    eventually("the notice", || async { !notices().await.is_empty() }).await;
    notice_renewal_prices(&app.pool).await.unwrap();
    notice_renewal_prices(&app.pool).await.unwrap();
    let sent = notices().await;
    let recipients: Vec<&str> = sent.iter().map(|m| m.recipient.as_str()).collect();
    assert_eq!(recipients, ["admin@contoso.example", "partner@reseller.example"]);
    for mail in &sent {
        assert_eq!(mail.subject, "Microsoft 365 Business Basic renews on 1 Mar 2031 at a new price");
        assert!(mail.body_text.contains("79.20 USD per licence instead of 72.00 USD"), "{}", mail.body_text);
        assert!(mail.body_text.contains("792.00 USD instead of 720.00 USD"), "{}", mail.body_text);
    }

    // Renewed on 1 March at the new price; the next renewal's price is unchanged: no notice.
    clock_at(&app, "2031-03-01 10:00").await;
    app::jobs::enqueue(&mut conn, &RenewSubscriptions { hour: "test".into() }).await.unwrap();
    let basic = basic_of(&app, "contoso").await;
    eventually("the renewal", || async { !charges(&app, basic, "renewal").await.is_empty() }).await;
    assert_eq!(charges(&app, basic, "renewal").await[0].0, dec!(792.00));
    clock_at(&app, "2032-02-10 09:00").await;
    notice_renewal_prices(&app.pool).await.unwrap();
    assert_eq!(notices().await.len(), 2);
}

/// The lines of a preview, as (line, error key or the change's cycle, current, new).
fn preview_lines(preview: &Value) -> Vec<(i64, String, Value, Value)> {
    preview
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let what = match &l["error"] {
                Value::Null => l["change"]["cycle"].as_str().unwrap().to_owned(),
                error => error["key"].as_str().unwrap().to_owned(),
            };
            (l["line"].as_i64().unwrap(), what, l["change"]["current"].clone(), l["change"]["new_price"].clone())
        })
        .collect()
}

#[tokio::test]
async fn credit_control_previews_a_price_list_and_applies_it_whole_or_not_at_all() {
    let app = TestApp::spawn().await;
    clock_at(&app, "2030-03-01 09:00").await;
    let credit = app.another_user();
    credit.login_ok("credit@distributor.example").await;
    let partner = app.another_user();
    partner.login_ok("partner@reseller.example").await;
    let prices = || async {
        sqlx::query_scalar!(r#"select count(*) as "n!" from product_price"#).fetch_one(&app.pool).await.unwrap()
    };
    let audited = || async {
        sqlx::query_scalar!(r#"select count(*) as "n!" from audit_log where action = 'price_list.imported'"#)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let before = prices().await;

    let bad = "sku,billing_cycle,unit_price,currency,effective_from\n\
               CFQ7TTC0LH18,annual,79.20,USD,2030-06-01\n\
               NO-SUCH-SKU,annual,10.00,USD,2030-06-01\n\
               CFQ7TTC0LH18,monthly,seven,USD,2030-06-01\n\
               CFQ7TTC0LH18,monthly,7.92,USD,2030-02-01\n\
               CFQ7TTC0LH18,monthly,7.92,EUR,2030-06-01";
    let preview = ok(credit.call("preview_price_list", &[("csv", bad)]).await).await;
    let lines = preview_lines(&preview);
    assert_eq!(lines[0], (2, "Annual".into(), "72.00".into(), "79.20".into()));
    // Its "Annual, billed monthly" follows by the rule: 1.05 × 79.20 ÷ 12 = 6.93.
    assert_eq!(lines[1], (2, "AnnualMonthly".into(), "6.30".into(), "6.93".into()));
    let errors: Vec<(i64, &str)> = lines[2..].iter().map(|l| (l.0, l.1.as_str())).collect();
    assert_eq!(
        errors,
        [(3, "PriceLineUnknownSku"), (4, "PriceLineAmount"), (5, "PriceLinePastDate"), (6, "PriceLineCurrency")]
    );
    assert_eq!(preview[2]["error"]["message"], "No product has the SKU NO-SUCH-SKU.");
    let refused = credit.call("import_price_list", &[("csv", bad)]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!((prices().await, audited().await), (before, 0), "nothing saved");

    // A partner may neither preview nor import.
    let good = "CFQ7TTC0LH18,annual,79.20,USD,2030-06-01\nCFQ7TTC0LH18,monthly,7.92,USD,2030-06-01";
    assert_eq!(partner.call("preview_price_list", &[("csv", good)]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(partner.call("import_price_list", &[("csv", good)]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(prices().await, before);

    assert_eq!(ok(credit.call("import_price_list", &[("csv", good)]).await).await, 3);
    assert_eq!((prices().await, audited().await), (before + 3, 1));
    let audit = sqlx::query!(
        "select u.email, a.target_id, a.detail from audit_log a join app_user u on u.user_id = a.actor_user_id
         where a.action = 'price_list.imported'"
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((audit.email.as_str(), audit.target_id.as_str()), ("credit@distributor.example", "2030-06-01"));
    assert_eq!(audit.detail["prices"].as_array().unwrap().len(), 3);

    // Before the date the cart prices the old list, from it the new.
    ok(partner.call("add_to_cart", &[("sku", BASIC), ("billing_cycle", "annual"), ("quantity", "1")]).await).await;
    assert_eq!(ok(partner.call("cart", &[]).await).await["lines"][0]["unit_price"], "72.00");
    clock_at(&app, "2030-06-01 09:00").await;
    assert_eq!(ok(partner.call("cart", &[]).await).await["lines"][0]["unit_price"], "79.20");
}
