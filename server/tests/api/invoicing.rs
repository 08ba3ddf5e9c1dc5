//! Invoices a Turkish distributor can issue (issue #21), through the real server and its sandboxes:
//! every generated UBL-TR document passes GİB's XSD and schematron (`efatura-kontrol`); the rate
//! in force (Friday's on a Saturday, a missing bulletin blocking issuing, manual entry); gapless
//! numbers under concurrency; the TRY and KDV arithmetic; the exchange difference of a payment;
//! sending through the integrator with its statuses; and who may see what.

use std::{path::PathBuf, process::Command};

use reqwest::StatusCode;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::Value;
use sqlx::PgPool;
use time::{Date, Duration, Month, Weekday};
use uuid::Uuid;

use app::{
    domain::{Totals, vat_of},
    gib::{Credentials, Integrator, RestIntegrator},
    invoicing::{rules, ssr as invoicing},
    secrets::Concealed,
};

use crate::helpers::{TestApp, json, ok};

const DEMO_PARTNER: &str = "00000000-0000-4000-8000-000000000002";

/// Today in Istanbul, by the marketplace's clock.
async fn today(pool: &PgPool) -> Date {
    let now: time::OffsetDateTime = sqlx::query_scalar("select market_now()").fetch_one(pool).await.unwrap();
    rules::istanbul_date(now)
}

fn iso(day: Date) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), u8::from(day.month()), day.day())
}

fn month_of(day: Date) -> String {
    format!("{:04}-{:02}", day.year(), u8::from(day.month()))
}

/// A partner with a complete tax identity and the given e-Fatura registration.
async fn partner(pool: &PgPool, name: &str, tax_number: &str, profile: &str) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "insert into organisation (organisation_id, kind, parent_id, name, tax_number, tax_office, address, district, city)
         values ($1, 'partner', '00000000-0000-4000-8000-000000000001', $2, $3, 'Kadıköy', 'Moda Caddesi No: 1',
                 'Kadıköy', 'İstanbul')",
    )
    .bind(id)
    .bind(name)
    .bind(tax_number)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into partner (organisation_id, mpn_id, invoice_profile) values ($1, '7654321', $2::invoice_profile)",
    )
    .bind(id)
    .bind(profile)
    .execute(pool)
    .await
    .unwrap();
    id
}

/// One charge of a statement: a product's licences for an amount, or (`refund_of`) a refund of an
/// earlier line's subscription.
struct Line {
    sku: &'static str,
    quantity: i32,
    amount: Decimal,
    refund_of: Option<usize>,
}

fn sale(sku: &'static str, quantity: i32, amount: Decimal) -> Line {
    Line { sku, quantity, amount, refund_of: None }
}

fn refund(of: usize, quantity: i32, amount: Decimal) -> Line {
    Line { sku: "", quantity, amount: -amount, refund_of: Some(of) }
}

/// A statement of `partner` for the month of `period`, issued at `issued_on` (09:00 UTC), with a
/// customer, an order, subscriptions and a charge per line. Returns its id and number.
async fn statement(pool: &PgPool, partner: Uuid, period: Date, issued_on: Date, lines: &[Line]) -> (Uuid, i64) {
    let customer = Uuid::new_v4();
    sqlx::query("insert into organisation (organisation_id, kind, parent_id, name) values ($1, 'customer', $2, $3)")
        .bind(customer)
        .bind(partner)
        .bind(format!("Müşteri {}", &customer.simple().to_string()[..6]))
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("insert into customer (organisation_id) values ($1)").bind(customer).execute(pool).await.unwrap();
    let creator: Uuid = sqlx::query_scalar("select user_id from app_user where email = 'credit@distributor.example'")
        .fetch_one(pool)
        .await
        .unwrap();
    let order = Uuid::new_v4();
    sqlx::query(
        "insert into sales_order (order_id, partner_id, customer_id, status, payment_method, idempotency_key, mpn_id,
                                  tenant_prefix, new_tenant, subtotal, vat, total, term_value, created_by)
         values ($1, $2, $3, 'completed', 'wire_transfer', $1, '1234567', 'fixture', false, 0, 0, 0, 0, $4)",
    )
    .bind(order)
    .bind(partner)
    .bind(customer)
    .bind(creator)
    .execute(pool)
    .await
    .unwrap();
    let next = app::billing::rules::next_period(period);
    let statement_id = Uuid::new_v4();
    let totals = Totals::of(lines.iter().map(|l| l.amount));
    let number: i64 = sqlx::query_scalar(
        "insert into statement (statement_id, partner_id, period, subtotal, vat, total, currency, issued_at)
         values ($1, $2, $3, $4, $5, $6, 'USD', ($7::date + time '09:00') at time zone 'UTC') returning statement_number",
    )
    .bind(statement_id)
    .bind(partner)
    .bind(period)
    .bind(totals.subtotal)
    .bind(totals.vat)
    .bind(totals.total)
    .bind(issued_on)
    .fetch_one(pool)
    .await
    .unwrap();
    let mut subscriptions: Vec<Uuid> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let subscription = match line.refund_of {
            Some(of) => subscriptions[of],
            None => {
                let id = Uuid::new_v4();
                sqlx::query(
                    "insert into subscription (subscription_id, customer_id, product_id, order_id, billing_cycle, quantity,
                                               status, unit_price)
                     select $1, $2, product_id, $3, 'monthly', $4, 'cancelled', unit_price
                     from product join product_price_now using (product_id)
                     where sku = $5 and billing_cycle = 'monthly'",
                )
                .bind(id)
                .bind(customer)
                .bind(order)
                .bind(line.quantity)
                .bind(line.sku)
                .execute(pool)
                .await
                .unwrap();
                id
            }
        };
        subscriptions.push(subscription);
        sqlx::query(
            "insert into charge (partner_id, customer_id, subscription_id, order_id, kind, description, quantity,
                                 service_start, service_end, amount, currency, occurred_at, source_key, statement_id)
             select $1, $2, $3, $4, case when $7 < 0 then 'refund'::charge_kind else 'purchase'::charge_kind end, p.name,
                    $5, $6, $8, $7, 'USD', ($6::date + time '10:00') at time zone 'UTC', $9, $10
             from subscription s join product p using (product_id) where s.subscription_id = $3",
        )
        .bind(partner)
        .bind(customer)
        .bind(subscription)
        .bind(order)
        .bind(line.quantity)
        .bind(period)
        .bind(line.amount)
        .bind(next)
        .bind(format!("fixture:{statement_id}:{i}"))
        .bind(statement_id)
        .execute(pool)
        .await
        .unwrap();
    }
    (statement_id, number)
}

/// TCMB's USD rates for every day from `from` to `to` (weekends included, so the rate in force on
/// a day is simply the day before's): `first`, then `step` more each day.
async fn rates_every_day(pool: &PgPool, from: Date, to: Date, first: Decimal, step: Decimal) {
    sqlx::query("delete from exchange_rate where currency = 'USD' and rate_date between $1 and $2")
        .bind(from)
        .bind(to)
        .execute(pool)
        .await
        .unwrap();
    let mut day = from;
    let mut rate = first;
    while day <= to {
        sqlx::query(
            "insert into exchange_rate (currency, rate_date, forex_buying, forex_selling, source, bulletin)
             values ('USD', $1, $2, $2 + 0.0700, 'tcmb', 'test')",
        )
        .bind(day)
        .bind(rate)
        .execute(pool)
        .await
        .unwrap();
        day += Duration::days(1);
        rate += step;
    }
}

/// A series of its own for e-Fatura invoices: the demo's exchange-difference invoice is dated today
/// in the default one, and numbers follow dates within a series.
async fn fresh_series(pool: &PgPool) {
    sqlx::query("update invoicing_settings set e_invoice_series = 'TST'").execute(pool).await.unwrap();
}

async fn usd_rate(pool: &PgPool, day: Date) -> Decimal {
    sqlx::query_scalar("select forex_buying from exchange_rate where currency = 'USD' and rate_date = $1")
        .bind(day)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[derive(Debug)]
struct Issued {
    number: String,
    kind: String,
    profile: String,
    currency: String,
    rate: Option<Decimal>,
    rate_date: Option<Date>,
    subtotal: Decimal,
    vat: Decimal,
    total: Decimal,
    subtotal_try: Decimal,
    vat_try: Decimal,
    total_try: Decimal,
}

async fn invoices_of(pool: &PgPool, statement: Uuid) -> Vec<Issued> {
    sqlx::query_as::<_, (String, String, String, String, Option<Decimal>, Option<Date>, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal)>(
        "select i.invoice_number, i.kind::text, i.profile::text, i.currency::text, i.rate, i.rate_date, i.subtotal, i.vat,
                i.total, i.subtotal_try, i.vat_try, i.total_try
         from invoice i where i.statement_id = $1 order by i.kind, i.invoice_number",
    )
    .bind(statement)
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .map(|r| Issued {
        number: r.0,
        kind: r.1,
        profile: r.2,
        currency: r.3,
        rate: r.4,
        rate_date: r.5,
        subtotal: r.6,
        vat: r.7,
        total: r.8,
        subtotal_try: r.9,
        vat_try: r.10,
        total_try: r.11,
    })
    .collect()
}

/// `efatura-kontrol` from the test tools' virtualenv (`scripts/setup.sh` installs it; `make test`
/// finds it as `$PY_TOOLS`). Missing, the test fails: it never passes without checking.
fn efatura_kontrol() -> PathBuf {
    let venv = std::env::var_os("PY_TOOLS").map(PathBuf::from).unwrap_or_else(|| {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        home.join(".cache/cloudmarket/tools/venv")
    });
    let tool = venv.join("bin/efatura-kontrol");
    assert!(
        tool.is_file(),
        "{} is missing: run scripts/setup.sh (it installs scripts/requirements-test.txt into $PY_TOOLS)",
        tool.display()
    );
    tool
}

/// GİB's verdict on each document: `efatura-kontrol dogrula --json`, one report per file.
fn check(files: &[PathBuf]) -> Vec<Value> {
    // GİB's rule "IssueDate is not after today" reads today in Türkiye, as the product dates its
    // invoices; on a machine in UTC the check would refuse every invoice issued after 21:00.
    let output = Command::new(efatura_kontrol())
        .env("TZ", "Europe/Istanbul")
        .arg("dogrula")
        .arg("--json")
        .args(files)
        .output()
        .expect("efatura-kontrol runs");
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("efatura-kontrol's JSON ({e}): {}", String::from_utf8_lossy(&output.stderr)));
    match report {
        Value::Array(reports) => reports,
        single => vec![single],
    }
}

fn findings(report: &Value, level: &str) -> Vec<String> {
    report["bulgular"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|b| b["seviye"] == level)
                .map(|b| format!("{} [line {}]: {}", b["kod"], b["satir"], b["mesaj"]))
                .collect()
        })
        .unwrap_or_default()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cloudmarket-{name}-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn every_document_passes_gibs_xsd_and_schematron_and_a_broken_one_does_not() {
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let credit = app.signed_in_as("credit@distributor.example").await;
    let today = today(pool).await;
    let period = Date::from_calendar_date(today.year(), today.month(), 1).unwrap();
    rates_every_day(pool, today - Duration::days(20), today, dec!(40.0000), dec!(0.0500)).await;
    fresh_series(pool).await;

    // e-Fatura TEMELFATURA (a company), e-Arşiv (a sole proprietor, TCKN) and the demo partner's
    // TICARIFATURA: several lines each, a refund each.
    let basic = partner(pool, "Temel Bilişim A.Ş.", "1111111111", "basic").await;
    let archive = partner(pool, "Ayşe Yılmaz", "12345678901", "e_archive").await;
    let demo: Uuid = DEMO_PARTNER.parse().unwrap();
    let issued_on = today - Duration::days(6);
    let (basic_statement, _) = statement(
        pool,
        basic,
        period,
        issued_on,
        &[
            sale("CFQ7TTC0LH18", 10, dec!(72.00)),
            sale("CFQ7TTC0LDPB", 3, dec!(14.63)),
            sale("CFQ7TTC0LHSF", 1, dec!(0.24)),
            refund(1, 1, dec!(4.41)),
        ],
    )
    .await;
    let (archive_statement, _) = statement(
        pool,
        archive,
        period,
        issued_on,
        &[sale("ESET-PROTECT-ENTRY", 10, dec!(32.00)), sale("ACR-CPC-WS", 5, dec!(27.50)), refund(0, 2, dec!(6.40))],
    )
    .await;
    let (demo_statement, _) = statement(
        pool,
        demo,
        period,
        issued_on,
        &[sale("CFQ7TTC0LCHC", 20, dec!(528.00)), sale("CFQ7TTC0LH16", 5, dec!(24.00)), refund(1, 5, dec!(21.68))],
    )
    .await;

    let issue_date = today - Duration::days(5);
    let outcome =
        ok(credit.call("issue_invoices", &[("period", &month_of(period)), ("issue_date", &iso(issue_date))]).await)
            .await;
    assert_eq!(outcome["skipped"], serde_json::json!([]), "{outcome}");
    assert_eq!(outcome["issued"].as_array().unwrap().len(), 6, "{outcome}");
    for (statement, profiles) in [
        (basic_statement, ["basic", "basic"]),
        (archive_statement, ["e_archive", "e_archive"]),
        // GİB allows IADE only as TEMELFATURA among the e-Fatura profiles.
        (demo_statement, ["commercial", "basic"]),
    ] {
        let invoices = invoices_of(pool, statement).await;
        assert_eq!(invoices.iter().map(|i| i.profile.as_str()).collect::<Vec<_>>(), profiles);
        let expected = usd_rate(pool, issue_date - Duration::days(1)).await;
        assert!(invoices.iter().all(|i| i.rate == Some(expected) && i.currency == "USD"), "{invoices:?}");
    }

    // The TEMELFATURA statement paid in full today, at a higher rate: its kur farkı invoice (TRY).
    let sales = &invoices_of(pool, basic_statement).await[0];
    let owed: Decimal = sqlx::query_scalar("select total from statement where statement_id = $1")
        .bind(basic_statement)
        .fetch_one(pool)
        .await
        .unwrap();
    let paid = ok(credit
        .call(
            "record_invoice_payment",
            &[
                ("invoice_number", &sales.number),
                ("paid_on", &iso(today)),
                ("amount", &owed.to_string()),
                ("reference", "EFT-1"),
            ],
        )
        .await)
    .await;
    assert_eq!(paid, Value::Null);

    // Every document of this test and the demo's month, as downloaded.
    let numbers: Vec<(String, String, String)> =
        sqlx::query_as("select invoice_number, profile::text, currency::text from invoice order by invoice_number")
            .fetch_all(pool)
            .await
            .unwrap();
    assert!(numbers.len() >= 8, "{numbers:?}");
    assert!(numbers.iter().any(|(_, _, currency)| currency == "TRY"), "an exchange-difference invoice: {numbers:?}");
    let dir = temp_dir("ubl");
    let mut files = Vec::new();
    for (number, _, _) in &numbers {
        let response = credit.get(&format!("/backoffice/invoices/{number}/xml")).await;
        assert_eq!(response.status(), StatusCode::OK, "{number}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/xml"));
        let path = dir.join(format!("{number}.xml"));
        std::fs::write(&path, response.bytes().await.unwrap()).unwrap();
        files.push(path);
    }
    let reports = check(&files);
    assert_eq!(reports.len(), files.len());
    let mut seen = std::collections::BTreeSet::new();
    for report in &reports {
        let errors = findings(report, "hata");
        let warnings = findings(report, "uyari");
        assert!(errors.is_empty() && warnings.is_empty(), "{}: {errors:?} {warnings:?}", report["dosya"]);
        assert_eq!(report["ozet"]["gecerli"], true);
        seen.insert(format!(
            "{}/{}",
            report["ozet"]["profil"].as_str().unwrap(),
            report["ozet"]["tip"].as_str().unwrap()
        ));
    }
    for wanted in
        ["TEMELFATURA/SATIS", "TEMELFATURA/IADE", "TICARIFATURA/SATIS", "EARSIVFATURA/SATIS", "EARSIVFATURA/IADE"]
    {
        assert!(seen.contains(wanted), "{wanted} among {seen:?}");
    }

    // The check can fail: without its exchange rate a USD document is refused by GİB's rules.
    let xml =
        std::fs::read_to_string(&files[numbers.iter().position(|(n, _, _)| n == &sales.number).unwrap()]).unwrap();
    let start = xml.find("<cac:PricingExchangeRate>").expect("the rate");
    let end = xml.find("</cac:PricingExchangeRate>").unwrap() + "</cac:PricingExchangeRate>".len();
    let broken = dir.join("broken.xml");
    std::fs::write(&broken, format!("{}{}", &xml[..start], &xml[end..])).unwrap();
    let report = &check(&[broken])[0];
    assert_eq!(report["ozet"]["gecerli"], false, "{report}");
    assert!(findings(report, "hata").iter().any(|f| f.contains("CurrencyCodeCheck-6")), "{report}");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_saturday_invoice_takes_fridays_rate_and_a_missing_bulletin_stops_issuing() {
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let credit = app.signed_in_as("credit@distributor.example").await;
    let today = today(pool).await;
    let saturday = today - Duration::days(i64::from((today.weekday().number_days_from_monday() + 2) % 7));
    assert_eq!(saturday.weekday(), Weekday::Saturday);
    let (friday, thursday) = (saturday - Duration::days(1), saturday - Duration::days(2));
    sqlx::query("delete from exchange_rate where currency = 'USD' and rate_date >= $1")
        .bind(thursday - Duration::days(14))
        .execute(pool)
        .await
        .unwrap();
    for (day, rate) in [(thursday, dec!(41.0000)), (friday, dec!(41.2345))] {
        sqlx::query(
            "insert into exchange_rate (currency, rate_date, forex_buying, forex_selling, source) values ('USD', $1, $2, $2 + 0.07, 'tcmb')",
        )
        .bind(day)
        .bind(rate)
        .execute(pool)
        .await
        .unwrap();
    }
    let seller = partner(pool, "Cumartesi Bilişim", "2222222222", "e_archive").await;
    let period = Date::from_calendar_date(2026, Month::January, 1).unwrap();
    let (saturdays, _) = statement(pool, seller, period, thursday, &[sale("CFQ7TTC0LH18", 1, dec!(7.20))]).await;
    let outcome =
        ok(credit.call("issue_invoices", &[("period", "2026-01"), ("issue_date", &iso(saturday))]).await).await;
    assert_eq!(outcome["issued"].as_array().unwrap().len(), 1, "{outcome}");
    let invoice = &invoices_of(pool, saturdays).await[0];
    assert_eq!((invoice.rate, invoice.rate_date), (Some(dec!(41.2345)), Some(friday)), "Friday's bulletin");
    let xml = credit.get(&format!("/backoffice/invoices/{}/xml", invoice.number)).await.text().await.unwrap();
    assert!(xml.contains("<cbc:CalculationRate>41.2345</cbc:CalculationRate>"), "{xml}");
    assert!(xml.contains(&format!("<cbc:Date>{}</cbc:Date>", iso(friday))));

    // Today's invoices need the last business day's bulletin; without it nothing is issued.
    let mut missing = today - Duration::days(1);
    while rules::is_weekend(missing) {
        missing -= Duration::days(1);
    }
    sqlx::query("delete from exchange_rate where rate_date >= $1").bind(missing).execute(pool).await.unwrap();
    sqlx::query("delete from rate_holiday").execute(pool).await.unwrap();
    let (todays, _) = statement(
        pool,
        seller,
        Date::from_calendar_date(2026, Month::February, 1).unwrap(),
        today,
        &[sale("CFQ7TTC0LH18", 2, dec!(14.40))],
    )
    .await;
    let series_before: i64 = sqlx::query_scalar("select coalesce(sum(last_number), 0)::int8 from invoice_series")
        .fetch_one(pool)
        .await
        .unwrap();
    let refused = credit.call("issue_invoices", &[("period", "2026-02")]).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let message = json(refused).await.to_string();
    assert!(message.contains(&format!("bulletin of {} is missing", iso(missing))), "{message}");
    assert!(invoices_of(pool, todays).await.is_empty(), "nothing issued");
    let series_after: i64 = sqlx::query_scalar("select coalesce(sum(last_number), 0)::int8 from invoice_series")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(series_before, series_after, "no number taken");

    // Credit control enters the day's rates by hand (audited), and issuing goes through with them.
    let day = iso(missing);
    let entered = [("currency", "USD"), ("rate_date", day.as_str()), ("buying", "41,5000"), ("selling", "41.5700")];
    assert_eq!(
        app.signed_in_as("partner@reseller.example").await.call("enter_rate", &entered).await.status(),
        StatusCode::FORBIDDEN
    );
    ok(credit.call("enter_rate", &entered).await).await;
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'exchange_rate.entered'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(audited, 1);
    ok(credit.call("issue_invoices", &[("period", "2026-02")]).await).await;
    let invoice = &invoices_of(pool, todays).await[0];
    assert_eq!((invoice.rate, invoice.rate_date), (Some(dec!(41.5)), Some(missing)));

    // A day TCMB published keeps TCMB's rate; a wrong one is refused at its field.
    let published = [("currency", "USD"), ("rate_date", &iso(thursday)), ("buying", "50"), ("selling", "51")];
    assert_eq!(credit.call("enter_rate", &published).await.status(), StatusCode::CONFLICT);
    let upside_down = [("currency", "USD"), ("rate_date", day.as_str()), ("buying", "42"), ("selling", "41")];
    assert_eq!(credit.call("enter_rate", &upside_down).await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The feed: down, then up again (the sandbox's stand-in); a day entered by hand is kept.
    let feed =
        |down: bool| app.sandbox(reqwest::Method::PUT, "/sandbox/tcmb-feed").json(&serde_json::json!({ "down": down }));
    assert_eq!(feed(true).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(credit.call("fetch_rates", &[]).await.status(), StatusCode::CONFLICT);
    assert_eq!(feed(false).send().await.unwrap().status(), StatusCode::OK);
    ok(credit.call("fetch_rates", &[]).await).await;
    let source: String =
        sqlx::query_scalar("select source::text from exchange_rate where currency = 'USD' and rate_date = $1")
            .bind(missing)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(source, "manual");
    let overview = ok(credit.call("exchange_rates", &[]).await).await;
    assert!(overview["in_force"]["Ok"]["buying"].is_string(), "{overview}");
}

#[tokio::test]
async fn numbers_stay_gapless_when_twenty_statements_are_invoiced_at_once() {
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let today = today(pool).await;
    rates_every_day(pool, today - Duration::days(15), today, dec!(40.0000), dec!(0.0100)).await;
    let period = Date::from_calendar_date(2026, Month::March, 1).unwrap();
    let mut statements = Vec::new();
    for i in 0..20 {
        let id =
            partner(pool, &format!("Eş Zamanlı {i:02}"), &format!("{:010}", 3_000_000_000_u64 + i), "e_archive").await;
        statements.push(statement(pool, id, period, today, &[sale("CFQ7TTC0LH18", 1, dec!(7.20))]).await.0);
    }
    // One more whose sales invoice takes a number and then fails (its refund returns a sale no
    // invoice ever billed): its transaction rolls back, number and all.
    let failing = partner(pool, "Geri Alınan", "3999999999", "e_archive").await;
    let never_invoiced = Line { sku: "CFQ7TTC0LHXK", quantity: 1, amount: dec!(-1.00), refund_of: None };
    let (failing_statement, _) =
        statement(pool, failing, period, today, &[sale("CFQ7TTC0LH18", 1, dec!(7.20)), never_invoiced]).await;
    statements.insert(10, failing_statement);

    let runs = statements.iter().map(|id| {
        let pool = pool.clone();
        let id = *id;
        async move { invoicing::issue_statement(&pool, None, id, today, &mut None).await }
    });
    let results = futures::future::join_all(runs).await;
    let refused = results.iter().filter(|r| r.is_err()).count();
    assert_eq!(refused, 1, "{results:?}");
    let mut numbers: Vec<String> =
        results.into_iter().filter_map(Result::ok).flatten().map(|n| n.to_string()).collect();
    numbers.sort();
    let year = today.year();
    let expected: Vec<String> = (1..=20).map(|n| format!("CMA{year}{n:09}")).collect();
    assert_eq!(numbers, expected, "twenty numbers, none skipped, none twice");
    let last: i64 = sqlx::query_scalar("select last_number from invoice_series where series = 'CMA' and year = $1")
        .bind(year)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(last, 20);
}

#[tokio::test]
async fn try_and_kdv_add_up_and_a_payment_at_a_higher_rate_gives_the_exact_difference() {
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let credit = app.signed_in_as("credit@distributor.example").await;
    let today = today(pool).await;
    rates_every_day(pool, today - Duration::days(15), today, dec!(40.6712), dec!(0.0123)).await;
    fresh_series(pool).await;
    let buyer = partner(pool, "Hesap Bilişim", "4444444444", "basic").await;
    let period = Date::from_calendar_date(2026, Month::April, 1).unwrap();
    // The billing test's month: 108.54 net, 21.71 KDV.
    let (id, _) = statement(
        pool,
        buyer,
        period,
        today - Duration::days(4),
        &[
            sale("CFQ7TTC0LH18", 10, dec!(72.00)),
            sale("CFQ7TTC0LHXK", 10, dec!(24.00)),
            sale("CFQ7TTC0LH18", 3, dec!(14.63)),
            sale("CFQ7TTC0LH16", 5, dec!(24.00)),
            refund(2, 1, dec!(4.41)),
            refund(3, 5, dec!(21.68)),
        ],
    )
    .await;
    let invoice_day = today - Duration::days(3);
    invoicing::issue_statement(pool, None, id, invoice_day, &mut None).await.unwrap();
    let (subtotal, vat, total): (Decimal, Decimal, Decimal) =
        sqlx::query_as("select subtotal, vat, total from statement where statement_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!((subtotal, vat, total), (dec!(108.54), dec!(21.71), dec!(130.25)));
    let invoices = invoices_of(pool, id).await;
    let (sales, returned) = (&invoices[0], &invoices[1]);
    assert_eq!((sales.kind.as_str(), returned.kind.as_str()), ("sales", "return"));
    // KDV agrees with the statement: per document 20 % of its subtotal within a cent, and the two
    // together exactly the statement's.
    assert_eq!(sales.subtotal - returned.subtotal, subtotal);
    assert_eq!(sales.vat - returned.vat, vat);
    assert_eq!(sales.total - returned.total, total);
    assert_eq!(sales.vat, vat_of(sales.subtotal));
    for invoice in &invoices {
        let lines: Vec<(Decimal, Decimal, Decimal, Decimal)> = sqlx::query_as(
            "select l.amount, l.vat, l.amount_try, l.vat_try from invoice_line l join invoice i using (invoice_id)
             where i.invoice_number = $1 order by l.line_no",
        )
        .bind(&invoice.number)
        .fetch_all(pool)
        .await
        .unwrap();
        let rate = invoice.rate.unwrap();
        // The rounding rule: each line converted and rounded on its own; totals are the sums.
        for (amount, line_vat, amount_try, vat_try) in &lines {
            assert_eq!(*amount_try, rules::to_try(*amount, rate));
            assert_eq!(*vat_try, rules::to_try(*line_vat, rate));
            assert!((*line_vat - *amount * dec!(0.2)).abs() <= dec!(0.01), "{line_vat} on {amount}");
        }
        assert_eq!(invoice.subtotal, lines.iter().map(|l| l.0).sum::<Decimal>());
        assert_eq!(invoice.vat, lines.iter().map(|l| l.1).sum::<Decimal>());
        assert_eq!(invoice.subtotal_try, lines.iter().map(|l| l.2).sum::<Decimal>());
        assert_eq!(invoice.vat_try, lines.iter().map(|l| l.3).sum::<Decimal>());
        assert_eq!(invoice.total_try, invoice.subtotal_try + invoice.vat_try);
        assert_eq!(invoice.total, invoice.subtotal + invoice.vat);
    }

    // Paid in full today, at today's higher rate: the kur farkı invoice is the difference on the
    // amount before KDV, in TRY, with KDV on top.
    let invoice_rate = sales.rate.unwrap();
    let pay = |amount: &str, day: Date| {
        let (number, day, amount) = (sales.number.clone(), iso(day), amount.to_owned());
        let credit = &credit;
        async move {
            credit
                .call(
                    "record_invoice_payment",
                    &[("invoice_number", &number), ("paid_on", &day), ("amount", &amount), ("reference", "EFT-2")],
                )
                .await
        }
    };
    assert_eq!(pay("130.26", today).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "more than is owed");
    assert_eq!(
        pay("10", invoice_day - Duration::days(1)).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "before the invoice"
    );
    ok(pay("130.25", today).await).await;
    let payment_rate = usd_rate(pool, today - Duration::days(1)).await;
    assert!(payment_rate > invoice_rate);
    let difference = rules::cents(subtotal * (payment_rate - invoice_rate));
    let (kind, currency, base, diff_vat, diff_total, rate): (
        String,
        String,
        Decimal,
        Decimal,
        Decimal,
        Option<Decimal>,
    ) = sqlx::query_as(
        "select d.kind::text, d.currency::text, d.subtotal, d.vat, d.total, d.rate
         from invoice_payment p join invoice d on d.invoice_id = p.difference_invoice_id
         join invoice i on i.invoice_id = p.invoice_id where i.invoice_number = $1",
    )
    .bind(&sales.number)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!((kind.as_str(), currency.as_str(), rate), ("exchange_difference", "TRY", None));
    assert_eq!(base, difference);
    assert_eq!(diff_vat, vat_of(difference));
    assert_eq!(diff_total, difference + vat_of(difference));
    let status: String = sqlx::query_scalar("select status::text from statement where statement_id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(status, "paid", "the statement is paid once its total is in");
    assert_eq!(pay("1", today).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "nothing is outstanding");
    // Only sales invoices take payments.
    let on_return = credit
        .call(
            "record_invoice_payment",
            &[("invoice_number", &returned.number), ("paid_on", &iso(today)), ("amount", "1"), ("reference", "x")],
        )
        .await;
    assert_eq!(on_return.status(), StatusCode::CONFLICT);

    // The invoice page shows USD, the rate and TRY, in the reader's language.
    let view = ok(credit.call("invoice", &[("invoice_number", &sales.number)]).await).await;
    let html = view["html"].as_str().unwrap();
    assert!(html.contains("USD") && html.contains("TRY") && html.contains(&rules::rate_text(invoice_rate)), "{html}");
    assert_eq!(view["outstanding"].as_str().and_then(|o| o.parse::<Decimal>().ok()), Some(Decimal::ZERO));
    credit.call("set_locale", &[("locale", "tr")]).await;
    let view = ok(credit.call("invoice", &[("invoice_number", &sales.number)]).await).await;
    assert!(view["html"].as_str().unwrap().contains("Döviz kuru: 1 USD"), "{view}");
}

#[tokio::test]
async fn lower_rate_payments_are_owed_by_the_partner_and_an_agreed_rate_has_no_difference() {
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let credit = app.signed_in_as("credit@distributor.example").await;
    let today = today(pool).await;
    // The lira gains: later days have lower rates.
    rates_every_day(pool, today - Duration::days(15), today, dec!(41.0000), dec!(-0.0200)).await;
    fresh_series(pool).await;
    let buyer = partner(pool, "Güçlü Lira", "5555555555", "basic").await;
    let (id, _) = statement(
        pool,
        buyer,
        Date::from_calendar_date(2026, Month::May, 1).unwrap(),
        today - Duration::days(3),
        &[sale("CFQ7TTC0LH18", 10, dec!(72.00))],
    )
    .await;
    invoicing::issue_statement(pool, None, id, today - Duration::days(2), &mut None).await.unwrap();
    let sales = &invoices_of(pool, id).await[0];
    ok(credit
        .call(
            "record_invoice_payment",
            &[("invoice_number", &sales.number), ("paid_on", &iso(today)), ("amount", "86.40"), ("reference", "EFT")],
        )
        .await)
    .await;
    let (difference, invoiced): (Decimal, Option<Uuid>) = sqlx::query_as(
        "select p.difference_try, p.difference_invoice_id from invoice_payment p join invoice i using (invoice_id)
         where i.invoice_number = $1",
    )
    .bind(&sales.number)
    .fetch_one(pool)
    .await
    .unwrap();
    // Invoiced at the bulletin of three days ago, paid at yesterday's: two days' fall.
    assert_eq!(difference, rules::cents(dec!(72.00) * dec!(-0.0400)));
    assert_eq!(invoiced, None, "the partner invoices it, not us");

    // A partner with an agreed rate: its invoices take it, and its payments make no difference.
    sqlx::query("update partner set agreed_rate = 38.5 where organisation_id = $1")
        .bind(buyer)
        .execute(pool)
        .await
        .unwrap();
    let (agreed, _) = statement(
        pool,
        buyer,
        Date::from_calendar_date(2026, Month::June, 1).unwrap(),
        today - Duration::days(1),
        &[sale("CFQ7TTC0LH18", 1, dec!(7.20))],
    )
    .await;
    invoicing::issue_statement(pool, None, agreed, today, &mut None).await.unwrap();
    let invoice = &invoices_of(pool, agreed).await[0];
    assert_eq!((invoice.rate, invoice.rate_date), (Some(dec!(38.5)), None));
    ok(credit
        .call(
            "record_invoice_payment",
            &[("invoice_number", &invoice.number), ("paid_on", &iso(today)), ("amount", "8.64"), ("reference", "EFT")],
        )
        .await)
    .await;
    let difference: Decimal = sqlx::query_scalar(
        "select difference_try from invoice_payment p join invoice i using (invoice_id) where i.invoice_number = $1",
    )
    .bind(&invoice.number)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(difference, Decimal::ZERO);
}

#[tokio::test]
async fn invoices_are_sent_through_the_integrator_and_their_statuses_followed() {
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let credit = app.signed_in_as("credit@distributor.example").await;
    let today = today(pool).await;
    rates_every_day(pool, today - Duration::days(15), today, dec!(40.0000), dec!(0.0100)).await;
    let period = Date::from_calendar_date(2026, Month::July, 1).unwrap();
    let integrator = |username: &str| {
        let credentials = Credentials { username: username.to_owned(), password: Concealed::new("sandbox-secret") };
        Integrator::new(
            RestIntegrator::new(&app.url("/sandbox/integrator"), credentials, std::time::Duration::from_secs(10))
                .unwrap(),
        )
    };
    let sandbox = integrator("cloudmarket");
    let mut invoice_of = std::collections::BTreeMap::new();
    for (name, vkn, profile) in [
        ("Kabul Eden", "6666666666", "commercial"),
        ("Reddeden", app_fixture::REJECTING, "commercial"),
        ("Kayıtsız", app_fixture::UNREGISTERED, "basic"),
        ("Arşiv", "7777777777", "e_archive"),
    ] {
        let id = partner(pool, name, vkn, profile).await;
        let (statement_id, _) = statement(pool, id, period, today, &[sale("CFQ7TTC0LH18", 1, dec!(7.20))]).await;
        invoicing::issue_statement(pool, None, statement_id, today, &mut None).await.unwrap();
        let invoice_id: Uuid = sqlx::query_scalar("select invoice_id from invoice where statement_id = $1")
            .bind(statement_id)
            .fetch_one(pool)
            .await
            .unwrap();
        invoice_of.insert(name, (invoice_id, statement_id, id));
    }
    let status = |name: &'static str| {
        let (id, _, _) = invoice_of[name];
        async move {
            sqlx::query_as::<_, (String, Option<String>)>(
                "select status::text, status_code from invoice where invoice_id = $1",
            )
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(status("Kabul Eden").await.0, "draft");
    // Without credentials the integrator is not reachable for us: the job retries later.
    assert!(invoicing::send(pool, &integrator(""), invoice_of["Kabul Eden"].0).await.is_err());
    assert_eq!(status("Kabul Eden").await.0, "draft");
    for (id, _, _) in invoice_of.values() {
        invoicing::send(pool, &sandbox, *id).await.unwrap();
        // Sending again is a no-op.
        invoicing::send(pool, &sandbox, *id).await.unwrap();
    }
    assert_eq!(status("Kabul Eden").await.0, "sent");
    assert_eq!(status("Kayıtsız").await, ("failed".into(), Some("1160".into())), "not a registered e-Fatura user");
    invoicing::poll(pool, &sandbox).await.unwrap();
    assert_eq!(status("Kabul Eden").await.0, "delivered");
    assert_eq!(status("Arşiv").await.0, "delivered");
    invoicing::poll(pool, &sandbox).await.unwrap();
    assert_eq!(status("Kabul Eden").await, ("accepted".into(), Some("KABUL".into())));
    assert_eq!(status("Reddeden").await, ("rejected".into(), Some("RED".into())));
    assert_eq!(invoicing::poll(pool, &sandbox).await.unwrap(), 0, "nothing left to follow");

    // The partner sees its invoice's status too.
    let (_, _, rejecting) = invoice_of["Reddeden"];
    let number: String = sqlx::query_scalar("select invoice_number from invoice where partner_id = $1")
        .bind(rejecting)
        .fetch_one(pool)
        .await
        .unwrap();
    let listed = ok(credit.call("invoices", &[]).await).await;
    let row = listed.as_array().unwrap().iter().find(|i| i["invoice_number"] == number.as_str()).unwrap().clone();
    assert_eq!(row["status"], "rejected");

    // The refused e-Fatura is corrected by a new document: the partner is set to e-Arşiv and its
    // statement invoiced again, with a new number in the e-Arşiv series.
    let (failed, statement_id, unregistered) = invoice_of["Kayıtsız"];
    sqlx::query("update partner set invoice_profile = 'e_archive' where organisation_id = $1")
        .bind(unregistered)
        .execute(pool)
        .await
        .unwrap();
    let again = invoicing::issue_statement(pool, None, statement_id, today, &mut None).await.unwrap();
    assert_eq!(again.len(), 1);
    assert!(again[0].to_string().starts_with("CMA"), "{again:?}");
    let kept: i64 = sqlx::query_scalar("select count(*) from invoice where invoice_id = $1 and status = 'failed'")
        .bind(failed)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(kept, 1, "the refused document stays archived");
}

/// The sandbox integrator's buyers (documented in `server/src/sandbox/integrator.rs`).
mod app_fixture {
    pub const UNREGISTERED: &str = server::sandbox::integrator::UNREGISTERED_RECEIVER;
    pub const REJECTING: &str = server::sandbox::integrator::REJECTING_RECEIVER;
}

#[tokio::test]
async fn a_partner_sees_only_its_own_invoices_and_an_archived_document_never_changes() {
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let partner_admin = app.signed_in_as("partner@reseller.example").await;
    let (_, other) = crate::helpers::second_tenant(&app).await;
    let customer = app.signed_in_as("admin@contoso.example").await;
    // The demo's invoiced month.
    let number: String =
        sqlx::query_scalar("select invoice_number from invoice where partner_id = $1::uuid and kind = 'sales'")
            .bind(DEMO_PARTNER)
            .fetch_one(pool)
            .await
            .unwrap();
    let mine = ok(partner_admin.call("invoices", &[]).await).await;
    assert!(mine.as_array().unwrap().iter().any(|i| i["invoice_number"] == number.as_str()), "{mine}");
    assert_eq!(mine.as_array().unwrap().iter().filter(|i| i["kind"] == "sales").count(), 1);
    let view = ok(partner_admin.call("invoice", &[("invoice_number", &number)]).await).await;
    assert_eq!(view["summary"]["status"], "accepted");
    let xml = partner_admin.get(&format!("/cp/billing/invoices/{number}/xml")).await;
    assert_eq!(xml.status(), StatusCode::OK);
    assert!(xml.text().await.unwrap().contains(&format!("<cbc:ID>{number}</cbc:ID>")));

    assert!(ok(other.call("invoices", &[]).await).await.as_array().unwrap().is_empty());
    assert_eq!(other.call("invoice", &[("invoice_number", &number)]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(other.get(&format!("/cp/billing/invoices/{number}/xml")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(customer.call("invoices", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(partner_admin.call("issue_invoices", &[("period", "2026-01")]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(partner_admin.get("/cp/billing/invoices/not-a-number/xml").await.status(), StatusCode::NOT_FOUND);

    // Archived: the document and the amounts never change; only the delivery status moves.
    let changed = sqlx::query("update invoice_document set xml = 'tampered' where invoice_id = (select invoice_id from invoice where invoice_number = $1)")
        .bind(&number)
        .execute(pool)
        .await;
    assert!(changed.is_err(), "the archived XML cannot be rewritten");
    let changed = sqlx::query("update invoice set total_try = total_try + 1 where invoice_number = $1")
        .bind(&number)
        .execute(pool)
        .await;
    assert!(changed.is_err(), "nor its amounts");
    assert!(sqlx::query("delete from invoice_line").execute(pool).await.is_err());
    sqlx::query("update invoice set status = 'delivered' where invoice_number = $1")
        .bind(&number)
        .execute(pool)
        .await
        .unwrap();

    // The demo: last month billed, invoiced, paid, and (paid later at a higher rate) a kur farkı.
    let kinds: Vec<String> =
        sqlx::query_scalar("select i.kind::text from invoice i where i.partner_id = $1::uuid order by i.kind")
            .bind(DEMO_PARTNER)
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(kinds[0], "sales");
    let statement: String = sqlx::query_scalar(
        "select s.status::text from statement s join invoice i using (statement_id) where i.invoice_number = $1",
    )
    .bind(&number)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(statement, "paid");
    let queued: i64 =
        sqlx::query_scalar("select count(*) from job where kind = 'send_invoice'").fetch_one(pool).await.unwrap();
    assert_eq!(queued, 0, "the demo's documents were delivered long ago");
}

#[tokio::test]
async fn partners_invoicing_details_and_the_settings_are_checked_and_audited() {
    let app = TestApp::spawn().await;
    let credit = app.signed_in_as("credit@distributor.example").await;
    let details = |tax_number: &'static str| {
        vec![
            ("partner_id", DEMO_PARTNER),
            ("tax_number", tax_number),
            ("tax_office", "Çankaya"),
            ("address", "Atatürk Bulvarı No: 100"),
            ("district", "Çankaya"),
            ("city", "Ankara"),
        ]
    };
    let refused = json(credit.call("save_partner_tax_details", &details("12")).await).await;
    assert_eq!(refused["Invalid"][0]["field"], "tax_number", "{refused}");
    ok(credit.call("save_partner_tax_details", &details("1234567890")).await).await;
    let registration = |profile: &'static str, agreed: &'static str| {
        vec![("partner_id", DEMO_PARTNER), ("invoice_profile", profile), ("agreed_rate", agreed)]
    };
    let refused = json(credit.call("save_partner_invoicing", &registration("gold", "-3")).await).await;
    let fields: Vec<&str> =
        refused["Invalid"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["invoice_profile", "agreed_rate"]);
    ok(credit.call("save_partner_invoicing", &registration("basic", "39,25")).await).await;
    let saved = ok(credit.call("partner_invoicing", &[("partner_id", DEMO_PARTNER)]).await).await;
    assert_eq!((saved["invoice_profile"].as_str(), saved["agreed_rate"].as_str()), (Some("basic"), Some("39.25")));
    let audit: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action in ('partner.invoicing_changed', 'partner.tax_details_changed')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audit, 2);

    let same = credit
        .call(
            "save_invoicing_settings",
            &[("e_invoice_series", "ABC"), ("e_archive_series", "abc"), ("rate_basis", "forex_selling")],
        )
        .await;
    assert_eq!(same.status(), StatusCode::UNPROCESSABLE_ENTITY, "e-Arşiv needs its own series");
    ok(credit
        .call(
            "save_invoicing_settings",
            &[("e_invoice_series", "ABC"), ("e_archive_series", "XYZ"), ("rate_basis", "forex_selling")],
        )
        .await)
    .await;
    let overview = ok(credit.call("exchange_rates", &[]).await).await;
    assert_eq!(
        (overview["e_invoice_series"].as_str(), overview["rate_basis"].as_str()),
        (Some("ABC"), Some("forex_selling"))
    );
    ok(credit
        .call(
            "save_distributor_details",
            &[
                ("tax_number", "0680004312"),
                ("tax_office", "Büyük Mükellefler"),
                ("address", ""),
                ("district", "Şişli"),
                ("city", "İstanbul"),
            ],
        )
        .await)
    .await;
    // Without JavaScript a form is posted as it is: refused, it comes back to its page with the
    // message at its field and what was typed; taken, with its acknowledgement.
    let plain = |endpoint: &'static str, fields: &'static [(&'static str, &'static str)]| {
        credit
            .client
            .post(credit.url(&format!("/api/{endpoint}")))
            .header(reqwest::header::ACCEPT, "text/html")
            .header(reqwest::header::REFERER, credit.url("/backoffice/exchange-rates"))
            .form(fields)
            .send()
    };
    let refused =
        plain("enter_rate", &[("currency", "USD"), ("rate_date", "2026-01-05"), ("buying", "abc"), ("selling", "41")])
            .await
            .unwrap();
    assert_eq!(refused.status(), StatusCode::FOUND);
    let back = crate::helpers::location(&refused);
    assert!(back.contains("__err="), "{back}");
    let page = credit.get(back.trim_start_matches(&credit.address)).await.text().await.unwrap();
    assert!(
        page.contains("id=\"buying-error\"") && page.contains("value=\"abc\""),
        "the message at the field, the typed text kept"
    );
    let taken = plain(
        "enter_rate",
        &[("currency", "USD"), ("rate_date", "2026-01-05"), ("buying", "41"), ("selling", "41.07")],
    )
    .await
    .unwrap();
    let back = crate::helpers::location(&taken);
    assert!(back.ends_with("/backoffice/exchange-rates?done=enter_rate"), "{back}");
    let page = credit.get(back.trim_start_matches(&credit.address)).await.text().await.unwrap();
    assert!(page.contains("Saved."), "acknowledged");

    let pages = [
        "/backoffice/invoices",
        "/backoffice/exchange-rates",
        "/backoffice/partners/00000000-0000-4000-8000-000000000002/invoicing",
    ];
    for page in pages {
        assert_eq!(credit.get(page).await.status(), StatusCode::OK, "{page}");
    }
}
