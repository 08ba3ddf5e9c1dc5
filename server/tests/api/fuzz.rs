//! A seeded fuzz test over every server function's arguments, as each kind of caller: NUL and
//! other control characters, 1 MB strings, unicode, negative and huge numbers, malformed and
//! other tenants' ids, missing arguments. Whatever comes in, the answer is a refusal or a result:
//! never a response of 500 or more, and never a dropped connection (a panic in a handler is
//! caught and answered with 500, so it fails here too). The functions and their arguments are
//! read from the source (`surface`), so a new server function is fuzzed without being listed.

use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use uuid::Uuid;

use crate::{
    helpers::TestApp,
    surface::{self, Arg},
};

/// Fixed, so a failure comes back on every run; change it to explore other inputs.
const SEED: u64 = 0x0c10_0d4a_2026_1201;
/// Per function and caller: 73 functions × 5 callers × 11 ≈ 4,000 calls.
const CASES: usize = 11;

/// Values that have broken parsers and databases before.
const AWKWARD: &[&str] = &[
    "",
    " ",
    "\0",
    "a\0b",
    "\u{1}\u{2}\u{7}\u{1b}[31m",
    "\u{7f}",
    "\r\n\r\n",
    "\t",
    "\u{202e}gnp.exe",
    "\u{200b}\u{feff}",
    "İstanbul ığüşöç ĞÜŞİÖÇ",
    "e\u{301}\u{301}\u{301}",
    "👩‍👩‍👧‍👦🇹🇷",
    "\u{10ffff}",
    "'; drop table sales_order; --",
    "\" or 1=1 --",
    "%00",
    "%",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "=SUM(A1:A2)",
    "-1",
    "0",
    "-0",
    "00",
    "1e309",
    "NaN",
    "Infinity",
    "1,5",
    "1.234,56",
    "-9223372036854775808",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "99999999999999999999999999999999999999",
    "-99999999999999999999999999999999999999",
    "0.0000000000000000000000000001",
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "{00000000-0000-4000-8000-000000000003}",
    "00000000-0000-4000-8000-00000000000",
    "true",
    "null",
    "[]",
    "{}",
];

/// A value that gets past the parse step, so the other arguments reach the function's logic.
fn plausible(arg: &Arg, real: &Real) -> String {
    match (arg.ty.as_str(), arg.name.as_str()) {
        ("CustomerId", _) | ("String", "customer_id") => real.contoso.clone(),
        ("SubscriptionId", _) => real.subscription.clone(),
        ("OrderNumber", _) => real.order.clone(),
        ("StatementNumber", _) => "5001".into(),
        ("ApplicationNumber", _) => "1".into(),
        ("ApplicationId", _) | ("ProductId", _) | ("PartnerId", _) => Uuid::new_v4().to_string(),
        ("Decision", _) => "approve".into(),
        ("Switch", _) => "on".into(),
        ("InvoiceNumber", _) => real.invoice.clone(),
        (_, "paid_on" | "rate_date" | "issue_date") => real.today.clone(),
        (_, "invoice_profile") => "basic".into(),
        (_, "rate_basis") => "forex_buying".into(),
        (_, "currency") => "USD".into(),
        (_, "buying" | "selling" | "agreed_rate") => "40.5".into(),
        (_, "amount") => "1".into(),
        (_, "tax_number") => "1234567890".into(),
        (_, "e_invoice_series") => "CMK".into(),
        (_, "e_archive_series") => "CMA".into(),
        (_, "sku") => "CFQ7TTC0LH18".into(),
        (_, "billing_cycle") => "monthly".into(),
        (_, "quantity" | "renewal_quantity") => "3".into(),
        (_, "locale") => "tr".into(),
        (_, "period") => "2026-10".into(),
        (_, "markup" | "credit_limit") => "1000".into(),
        (_, "customer_mode" | "tenant_mode") => "existing".into(),
        (_, "domain") => "contoso.onmicrosoft.com".into(),
        (_, "prefix" | "tenant") => "fuzzprefix".into(),
        (_, "mpn_id") => "1234567".into(),
        (_, "payment_method") => "wire_transfer".into(),
        (_, "idempotency_key" | "job_id") => Uuid::new_v4().to_string(),
        (_, "email" | "contact_email") => "partner@reseller.example".into(),
        _ => "Fuzz Bilişim Ltd.".into(),
    }
}

fn random_text(rng: &mut StdRng, max: usize) -> String {
    let len = rng.gen_range(0..=max);
    (0..len)
        .map(|_| match rng.gen_range(0..4) {
            // Control characters, C1 included.
            0 => char::from_u32(rng.gen_range(0..0xa0)).unwrap_or('\0'),
            1 => rng.gen_range('a'..='z'),
            // Anything outside the surrogates.
            2 => char::from_u32(rng.gen_range(0xa0..0xd800)).unwrap_or('?'),
            _ => char::from_u32(rng.gen_range(0xe000..0x11_0000)).unwrap_or('?'),
        })
        .collect()
}

/// One argument's value for one case, or `None` to leave it out of the form.
fn value(rng: &mut StdRng, arg: &Arg, real: &Real) -> Option<String> {
    if rng.gen_bool(if arg.optional { 0.15 } else { 0.04 }) {
        return None;
    }
    Some(match rng.gen_range(0..20) {
        0..=5 => AWKWARD.choose(rng).expect("awkward values").to_string(),
        6 | 7 => plausible(arg, real),
        8 => format!("{}{}", plausible(arg, real), AWKWARD.choose(rng).expect("awkward values")),
        9 => format!("{}", rng.r#gen::<i64>()),
        10 => format!("{}.{}", rng.r#gen::<i32>(), rng.r#gen::<u32>()),
        11 | 12 => random_text(rng, 40),
        13 => random_text(rng, 4000),
        14 => "x".repeat(rng.gen_range(256..70_000)),
        // 1 MB: over every field's limit; in ASCII under the request's, in Turkish letters over it.
        15 if rng.gen_bool(0.15) => "x".repeat(1 << 20),
        15 if rng.gen_bool(0.1) => "ş".repeat(512 * 1024),
        15 => "9".repeat(rng.gen_range(20..400)),
        16 => Uuid::new_v4().to_string()[..rng.gen_range(0..36)].to_owned(),
        17 => format!("{}\0", Uuid::new_v4()),
        18 => Uuid::new_v4().to_string().to_uppercase(),
        _ => format!(" {} ", plausible(arg, real)),
    })
}

/// Real ids of the demo's tenants, so some cases reach past "not found".
struct Real {
    contoso: String,
    subscription: String,
    order: String,
    /// The demo's invoice, and today (for the invoicing functions' days).
    invoice: String,
    today: String,
}

#[tokio::test]
async fn no_argument_of_any_server_function_gets_a_server_error() {
    let app = TestApp::spawn().await;
    let callers = [
        ("anonymous", app.another_user()),
        ("partner admin", app.signed_in_as("partner@reseller.example").await),
        ("customer admin", app.signed_in_as("admin@contoso.example").await),
        ("credit control", app.signed_in_as("credit@distributor.example").await),
        ("operations", app.signed_in_as("ops@distributor.example").await),
    ];
    let order = crate::provisioning::order_for(&app, "contoso", "1234567").await;
    let subscription = sqlx::query_scalar::<_, String>(
        "select subscription_id::text from subscription where customer_id = '00000000-0000-4000-8000-000000000003'
         limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("Contoso's subscription");
    let invoice = sqlx::query_scalar::<_, String>("select invoice_number from invoice where kind = 'sales' limit 1")
        .fetch_one(&app.pool)
        .await
        .expect("the demo's invoice");
    let today = sqlx::query_scalar::<_, String>("select ((now() at time zone 'Europe/Istanbul')::date)::text")
        .fetch_one(&app.pool)
        .await
        .expect("today");
    let real = Real {
        contoso: "00000000-0000-4000-8000-000000000003".into(),
        subscription,
        order: order.to_string(),
        invoice,
        today,
    };

    // Signing out ends the session the other calls need: it goes last.
    let mut functions = surface::server_fns();
    functions.sort_by_key(|f| f.endpoint == "logout");
    let mut rng = StdRng::seed_from_u64(SEED);
    let (mut calls, mut failures) = (0, Vec::new());
    // How the answers spread, so the test cannot pass by never getting past sign-in or parsing.
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for function in &functions {
        for (who, caller) in &callers {
            for _ in 0..CASES {
                let form: Vec<(String, String)> = function
                    .args
                    .iter()
                    .filter_map(|arg| value(&mut rng, arg, &real).map(|v| (arg.name.clone(), v)))
                    .collect();
                let shown = || {
                    form.iter()
                        .map(|(k, v)| format!("{k}={:?}", v.chars().take(40).collect::<String>()))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                calls += 1;
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                match caller
                    .client
                    .post(caller.url(&format!("/api/{}", function.endpoint)))
                    .header(reqwest::header::ACCEPT, "application/json")
                    .form(&form)
                    .send()
                    .await
                {
                    Ok(response) if response.status().as_u16() < 500 => {
                        *by_status.entry(response.status().as_u16()).or_default() += 1;
                    }
                    Ok(response) => {
                        let status = response.status();
                        let body: String = response.text().await.unwrap_or_default().chars().take(160).collect();
                        failures.push(format!("{} as {who}: {status} {body} [{}]", function.endpoint, shown()));
                    }
                    Err(error) => {
                        failures.push(format!("{} as {who}: no answer ({error}) [{}]", function.endpoint, shown()))
                    }
                }
            }
        }
    }
    assert!(calls >= functions.len() * callers.len() * CASES, "{calls} calls");
    println!("{calls} calls; answers by status: {by_status:?}");
    let share = |status: u16| by_status.get(&status).copied().unwrap_or_default() * 100 / calls;
    assert!(share(200) >= 10, "too few calls got a result: {by_status:?}");
    assert!(share(422) >= 10, "too few calls got a field message: {by_status:?}");
    assert!(failures.is_empty(), "{} of {calls} calls failed:\n{}", failures.len(), failures.join("\n"));
}
