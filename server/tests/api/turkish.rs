//! Turkish text rules where people search and read lists: the four i's find each other, and
//! names sort in the Turkish alphabet.

use crate::helpers::TestApp;

const DEMO_PARTNER: &str = "00000000-0000-4000-8000-000000000002";

/// Customers of the demo partner with these names.
async fn customers_named(app: &TestApp, names: &[&str]) {
    for name in names {
        let id = uuid::Uuid::new_v4();
        sqlx::query(
            "insert into organisation (organisation_id, kind, parent_id, name) values ($1, 'customer', $2::uuid, $3)",
        )
        .bind(id)
        .bind(DEMO_PARTNER)
        .bind(name)
        .execute(&app.pool)
        .await
        .unwrap();
        sqlx::query("insert into customer (organisation_id) values ($1)").bind(id).execute(&app.pool).await.unwrap();
    }
}

/// The rows of the page's table (names elsewhere, such as the customer switcher, do not count).
async fn rows(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let html = response.text().await.unwrap();
    let start = html.find("<tbody").unwrap_or_else(|| panic!("{path} has a table"));
    let end = html.rfind("</tbody>").unwrap_or(html.len());
    html[start..end].to_owned()
}

#[tokio::test]
async fn the_customer_search_follows_turkish_case_rules_and_the_list_sorts_in_the_turkish_alphabet() {
    let app = TestApp::spawn().await;
    customers_named(
        &app,
        &[
            "İSTANBUL Bilişim",
            "ILIK Gıda",
            "Çelik Yapı",
            "Cem Yazılım",
            "Zeta Danışmanlık",
            "Şahin Lojistik",
            "Sarı Tekstil",
        ],
    )
    .await;
    app.login_ok("partner@reseller.example").await;

    let found = rows(&app, "/cp/customers?q=istanbul").await;
    assert!(found.contains("İSTANBUL Bilişim"), "istanbul finds İSTANBUL");
    assert!(!found.contains("ILIK Gıda"));
    let found = rows(&app, "/cp/customers?q=%C4%B1l%C4%B1k").await; // ılık
    assert!(found.contains("ILIK Gıda"), "ılık finds ILIK");
    assert!(!found.contains("İSTANBUL Bilişim"));
    let found = rows(&app, "/cp/customers?q=%C3%A7EL%C4%B0K").await; // çELİK
    assert!(found.contains("Çelik Yapı"));

    // C, Ç … I, İ … S, Ş … Z: not Ç and Ş after Z as a byte order would have them.
    let list = rows(&app, "/cp/customers").await;
    let at = |name: &str| list.find(name).unwrap_or_else(|| panic!("{name} is listed"));
    let order = [
        "Cem Yazılım",
        "Çelik Yapı",
        "ILIK Gıda",
        "İSTANBUL Bilişim",
        "Sarı Tekstil",
        "Şahin Lojistik",
        "Zeta Danışmanlık",
    ];
    for pair in order.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{} before {}", pair[0], pair[1]);
    }
}

#[tokio::test]
async fn the_catalog_search_finds_products_typed_with_turkish_capitals() {
    let app = TestApp::spawn().await;
    app.login_ok("partner@reseller.example").await;
    // Caps lock on a Turkish keyboard turns i into İ: "MİCROSOFT" is how it arrives.
    let found = rows(&app, "/cp/catalog?q=M%C4%B0CROSOFT%20bas%C4%B1c").await; // MİCROSOFT basıc
    assert!(found.contains("Microsoft 365 Business Basic"));
    assert!(!found.contains("Acronis"), "every word must match");
}

/// Every `<amount> USD` on a page, as written.
fn amounts(html: &str) -> Vec<String> {
    html.match_indices(" USD")
        .filter_map(|(at, _)| {
            let start = html[..at].rfind(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-'))? + 1;
            (start < at).then(|| html[start..at].to_owned())
        })
        .collect()
}

/// The text of every element marked `data-test="<name>"`.
fn marked(html: &str, name: &str) -> Vec<String> {
    let tag = format!("data-test=\"{name}\">");
    html.match_indices(&tag)
        .map(|(at, _)| {
            let rest = &html[at + tag.len()..];
            rest[..rest.find('<').unwrap_or(rest.len())].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn amounts_and_dates_are_written_as_the_readers_language_writes_them() {
    let app = TestApp::spawn_with(|c| c.workers = 1).await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let customer = app.signed_in_as("admin@contoso.example").await;
    let f = crate::owned::fixture(&app, &customer).await;
    let statement = format!("/cp/billing/statements/{}", f.statement);
    for (locale, decimal, group) in [("en", '.', ','), ("tr", ',', '.')] {
        assert_eq!(partner.call("set_locale", &[("locale", locale)]).await.status(), 200);
        assert_eq!(customer.call("set_locale", &[("locale", locale)]).await.status(), 200);

        let html = partner.get(&statement).await.text().await.unwrap();
        let written = amounts(&html);
        assert!(written.len() >= 3, "{locale}: the statement's lines and totals: {written:?}");
        for amount in &written {
            let digits = amount.trim_start_matches('-');
            let (whole, cents) = digits.split_at(digits.len() - 3);
            assert!(cents.starts_with(decimal) && cents[1..].chars().all(|c| c.is_ascii_digit()), "{locale}: {amount}");
            assert!(whole.chars().all(|c| c.is_ascii_digit() || c == group), "{locale}: {amount}");
        }

        let html = customer.get("/portal/csp").await.text().await.unwrap();
        let dates = marked(&html, "renewal-date");
        assert!(!dates.is_empty(), "{locale}: Contoso's subscriptions have renewal dates");
        for date in &dates {
            let parts: Vec<&str> = match locale {
                "en" => date.split(' ').collect(),
                _ => date.split('.').collect(),
            };
            assert_eq!(parts.len(), 3, "{locale}: {date}");
            assert!(parts[2].len() == 4 && parts[2].chars().all(|c| c.is_ascii_digit()), "{locale}: {date}");
            match locale {
                "en" => assert!(
                    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                        .contains(&parts[1]),
                    "{date}"
                ),
                _ => assert!(parts[..2].iter().all(|p| p.len() == 2), "{date}"),
            }
        }
    }
}

/// The refusal of `field` in a 422 answer: its key and its words.
fn refusal_of(body: &serde_json::Value, field: &str) -> (String, String) {
    let errors = body["Invalid"].as_array().unwrap_or_else(|| panic!("a refusal: {body}"));
    let error = errors.iter().find(|e| e["field"] == field).unwrap_or_else(|| panic!("{field} refused: {body}"));
    (error["key"].as_str().unwrap().to_owned(), error["message"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_refusal_carries_its_key_and_is_worded_in_the_callers_language() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let step = [
        ("customer_mode", "new"),
        ("company_name", "Anadolu Bilişim"),
        ("tax_number", "12"),
        ("address", "Kadıköy"),
        ("phone", "0216 555 01 02"),
        ("contact_name", "Zeynep Kaya"),
        ("contact_email", "it@microsoft.com"),
        ("mpn_id", "123"),
    ];
    for (locale, tax, email, mpn) in [
        ("tr", "Vergi numarası 10 hanelidir", "Müşterinin kendi e-posta adresini kullanın", "MPN ID, Microsoft"),
        ("en", "A tax number has 10 digits", "Use the customer's own e-mail address", "The MPN ID is the 7-digit"),
    ] {
        assert_eq!(partner.call("set_locale", &[("locale", locale)]).await.status(), 200);
        let response = partner.call("checkout_customer", &step).await;
        assert_eq!(response.status(), 422, "{locale}");
        let body = crate::helpers::json(response).await;
        let (key, message) = refusal_of(&body, "tax_number");
        assert_eq!(key, "TaxNumberFormat");
        assert!(message.starts_with(tax), "{locale}: {message}");
        let (key, message) = refusal_of(&body, "contact_email");
        assert_eq!(key, "MicrosoftEmailRefused");
        assert!(message.starts_with(email), "{locale}: {message}");
        assert!(refusal_of(&body, "mpn_id").1.starts_with(mpn), "{locale}: {body}");
    }

    // A conflict and a page's not-found are worded the same way.
    assert_eq!(partner.call("set_locale", &[("locale", "tr")]).await.status(), 200);
    let missing = partner.get("/cp/orders/999999").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Sipariş bulunamadı."));
}

#[tokio::test]
async fn mail_is_written_in_the_language_of_whoever_reads_it() {
    use app::notifications::{Mail, MailText, ssr};
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    // The language switch, signed in, is also the language of this person's mail.
    assert_eq!(partner.call("set_locale", &[("locale", "tr")]).await.status(), 200);
    let language: String =
        sqlx::query_scalar("select language::text from app_user where email = 'partner@reseller.example'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(language, "tr");

    let mail = Mail::written(|locale| MailText::new(format!("subject {}", locale.code()), "body"));
    let to_partner = ssr::send(&app.pool, "Partner@Reseller.example", &mail).await.unwrap();
    let to_stranger = ssr::send(&app.pool, "someone@elsewhere.example", &mail).await.unwrap();
    let subject = |id: uuid::Uuid| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>("select subject from email_outbox where outbox_id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(subject(to_partner).await, "subject tr");
    assert_eq!(subject(to_stranger).await, "subject en", "a stranger reads English");

    // Every admin of a partner in their own language.
    ssr::send_to_partner(&app.pool, DEMO_PARTNER.parse().unwrap(), &mail).await.unwrap();
    let subjects: Vec<String> = sqlx::query_scalar(
        "select subject from email_outbox where recipient = 'partner@reseller.example' order by created_at",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(subjects.last().map(String::as_str), Some("subject tr"), "{subjects:?}");

    // A customer's contact (not a user) reads the contact's language.
    let id = uuid::Uuid::new_v4();
    sqlx::query("insert into organisation (organisation_id, kind, parent_id, name) values ($1, 'customer', $2::uuid, 'Kaya Ltd')")
        .bind(id)
        .bind(DEMO_PARTNER)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into customer (organisation_id, contact_name, contact_email, contact_language)
         values ($1, 'Zeynep Kaya', 'zeynep@kaya.example', 'tr')",
    )
    .bind(id)
    .execute(&app.pool)
    .await
    .unwrap();
    let to_contact = ssr::send(&app.pool, "zeynep@kaya.example", &mail).await.unwrap();
    assert_eq!(subject(to_contact).await, "subject tr");
}
