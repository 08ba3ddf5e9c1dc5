use reqwest::{
    StatusCode,
    multipart::{Form, Part},
};
use serde_json::Value;

use crate::helpers::{TestApp, json, location};

pub(crate) const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n";
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
pub(crate) const DOCUMENTS: [&str; 6] = [
    "doc_tax_certificate",
    "doc_signature_circular",
    "doc_trade_registry_gazette",
    "doc_owner_id",
    "doc_customer_introduction",
    "doc_membership_agreement",
];

pub(crate) fn new_partner_form(
    tax_number: &str,
    email: &str,
    document: impl Fn(&str) -> Option<(Vec<u8>, &'static str)>,
) -> Form {
    let mut form = Form::new()
        .text("kind", "new_partner")
        .text("company_name", "Yeni Bulut Bilişim A.Ş.")
        .text("tax_number", tax_number.to_owned())
        .text("address", "Maslak, Istanbul")
        .text("company_phone", "0212 555 01 02")
        .text("mpn_id", "7654321")
        .text("contact_name", "Ayşe Yılmaz")
        .text("contact_email", email.to_owned())
        .text("contact_phone", "0532 555 01 02");
    for field in DOCUMENTS {
        if let Some((bytes, name)) = document(field) {
            form = form.part(field, Part::bytes(bytes).file_name(name));
        }
    }
    form
}

pub(crate) fn good_documents(field: &str) -> Option<(Vec<u8>, &'static str)> {
    Some(if field == "doc_owner_id" { (PNG.to_vec(), "kimlik.png") } else { (PDF.to_vec(), "belge.pdf") })
}

fn dealer_form(dealer_code: &str, email: &str) -> Form {
    Form::new()
        .text("kind", "dealer")
        .text("company_name", "Bayi Teknoloji Ltd.")
        .text("dealer_code", dealer_code.to_owned())
        .text("dealer_credit_confirmed", "on")
        .text("contact_name", "Ali Veli")
        .text("contact_email", email.to_owned())
        .text("contact_phone", "+90 216 555 00 00")
}

impl TestApp {
    pub(crate) async fn apply(&self, form: Form) -> reqwest::Response {
        self.client.post(self.url("/become-a-partner/submit")).multipart(form).send().await.expect("submit")
    }

    /// Submits and returns the applicant's status-page path.
    async fn apply_ok(&self, form: Form) -> String {
        let response = self.apply(form).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let to = location(&response);
        assert!(to.starts_with("/applications/"), "{to}");
        to
    }

    async fn application(&self, number: i64) -> Value {
        json(self.call("application", &[("number", &number.to_string())]).await).await
    }

    async fn latest_mail_to(&self, recipient: &str) -> (String, String) {
        sqlx::query_as(
            "select subject, body_text from email_outbox where recipient = $1 order by created_at desc limit 1",
        )
        .bind(recipient)
        .fetch_one(&self.pool)
        .await
        .expect("a mail to the applicant")
    }
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}")).fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn a_new_partner_applies_with_six_documents_and_can_follow_it() {
    let app = TestApp::spawn().await;

    let status_page = app.apply_ok(new_partner_form("1112223334", "ayse@yeni.example", good_documents)).await;

    let page = app.get(&status_page).await.text().await.unwrap();
    assert!(page.contains("APP-000001"));
    assert!(page.contains("Submitted, waiting for review"));
    assert_eq!(count(&app, "application_document").await, 6);
    let (subject, body) = app.latest_mail_to("ayse@yeni.example").await;
    assert!(subject.contains("APP-000001"));
    assert!(body.contains(&status_page), "the mail links the status page");
}

#[tokio::test]
async fn bad_documents_are_refused_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let oversized = vec![b'%'; 10 * 1024 * 1024 + 1];

    let response = app
        .apply(new_partner_form("1112223334", "ayse@yeni.example", |field| match field {
            "doc_tax_certificate" => Some((b"MZ this is an exe".to_vec(), "vergi.pdf")),
            "doc_signature_circular" => Some((Vec::new(), "empty.pdf")),
            "doc_trade_registry_gazette" => Some((oversized.clone(), "huge.pdf")),
            "doc_owner_id" => None,
            other => good_documents(other),
        }))
        .await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = location(&response);
    assert!(back.starts_with("/become-a-partner?tab=new_partner"));
    let page = app.get(&back).await.text().await.unwrap();
    assert!(page.contains("is not a PDF, JPEG or PNG file"));
    assert!(page.contains("file is empty"));
    assert!(page.contains("larger than 10 MB"));
    assert!(
        page.contains("Attach the copy of the owner&#x27;s ID") || page.contains("Attach the copy of the owner's ID")
    );
    assert!(page.contains("Yeni Bulut Bilişim A.Ş."), "the typed text comes back");
    assert_eq!(count(&app, "partner_application").await, 0);
    assert_eq!(count(&app, "application_document").await, 0);
}

#[tokio::test]
async fn only_credit_control_decides() {
    let app = TestApp::spawn().await;
    app.apply_ok(dealer_form("120.01.0500", "ali@bayi.example")).await;
    let id: uuid::Uuid =
        sqlx::query_scalar("select application_id from partner_application").fetch_one(&app.pool).await.unwrap();

    for email in ["ops@distributor.example", "partner@reseller.example"] {
        let other = app.another_user();
        other.login_ok(email).await;
        let approve =
            other.call("approve_application", &[("application_id", &id.to_string()), ("credit_limit", "5000")]).await;
        let reject = other
            .call("reject_application", &[("application_id", &id.to_string()), ("reason", "No reason at all")])
            .await;
        assert_eq!(approve.status(), StatusCode::FORBIDDEN, "{email}");
        assert_eq!(reject.status(), StatusCode::FORBIDDEN, "{email}");
        assert_eq!(other.call("applications", &[]).await.status(), StatusCode::FORBIDDEN);
    }
    let status: String =
        sqlx::query_scalar("select status::text from partner_application").fetch_one(&app.pool).await.unwrap();
    assert_eq!(status, "submitted");
}

#[tokio::test]
async fn approval_creates_the_partner_and_mails_credentials_for_a_first_sign_in() {
    // Arrange
    let app = TestApp::spawn().await;
    app.apply_ok(dealer_form("120.01.0500", "ali@bayi.example")).await;
    app.login_ok("credit@distributor.example").await;
    let application = app.application(1).await;
    let id = application["application_id"].as_str().unwrap().to_owned();

    // Act
    let approved = app.call("approve_application", &[("application_id", &id), ("credit_limit", "7,500.00")]).await;

    // Assert
    assert_eq!(approved.status(), StatusCode::OK);
    let (subject, body) = app.latest_mail_to("ali@bayi.example").await;
    assert!(subject.contains("partner account is ready"));
    assert!(!body.contains("password:"), "no password is mailed: {body}");
    // Without a mail server, credit control reads the undelivered link in the outbox.
    let outbox = json(app.call("outbox", &[]).await).await;
    let link = outbox
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["recipient"] == "ali@bayi.example" && m["secret_kind"] == "SetPasswordLink")
        .and_then(|m| m["revealed_secret"].as_str())
        .expect("the set-password link")
        .to_owned();
    let token = link.rsplit('/').next().unwrap().to_owned();
    let limit: rust_decimal::Decimal =
        sqlx::query_scalar("select credit_limit from partner p join organisation o using (organisation_id) where o.name = 'Bayi Teknoloji Ltd.'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(limit.to_string(), "7500.00");

    let partner = app.another_user();
    assert_eq!(partner.get(&format!("/set-password/{token}")).await.status(), StatusCode::OK);
    let set = partner
        .call(
            "set_password",
            &[("token", &token), ("new_password", "ali-chose-this-one"), ("confirm_password", "ali-chose-this-one")],
        )
        .await;
    assert_eq!(json(set).await, "/login?password_set=1");
    let login = partner.login("ali@bayi.example", "ali-chose-this-one").await;
    assert_eq!(json(login).await, "/cp");

    assert_eq!(app.application(1).await["possible_duplicate"], false, "the partner it created is not a duplicate");
    let again = app.call("approve_application", &[("application_id", &id), ("credit_limit", "5000")]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let reject = app.call("reject_application", &[("application_id", &id), ("reason", "Changed our mind")]).await;
    assert_eq!(reject.status(), StatusCode::CONFLICT);
    let audit: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'application.approved'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn a_rejection_needs_a_reason_and_the_applicant_reads_it() {
    let app = TestApp::spawn().await;
    let status_page = app.apply_ok(new_partner_form("1112223334", "ayse@yeni.example", good_documents)).await;
    app.login_ok("credit@distributor.example").await;
    let id = app.application(1).await["application_id"].as_str().unwrap().to_owned();

    let empty = app.call("reject_application", &[("application_id", &id), ("reason", " ")]).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let rejected =
        app.call("reject_application", &[("application_id", &id), ("reason", "The tax certificate is expired.")]).await;

    assert_eq!(rejected.status(), StatusCode::OK);
    let (_, body) = app.latest_mail_to("ayse@yeni.example").await;
    assert!(body.contains("The tax certificate is expired."));
    let anonymous = TestApp::browser(&app.address);
    let page = anonymous.get(app.url(&status_page)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Rejected") && page.contains("The tax certificate is expired."));
}

#[tokio::test]
async fn documents_are_served_only_to_credit_control_and_the_applicant() {
    let app = TestApp::spawn().await;
    let mine = app.apply_ok(new_partner_form("1112223334", "ayse@yeni.example", good_documents)).await;
    let theirs = app.apply_ok(new_partner_form("5556667778", "mehmet@baska.example", good_documents)).await;
    let document: uuid::Uuid = sqlx::query_scalar(
        "select document_id from application_document d join partner_application a using (application_id)
         where a.contact_email = 'ayse@yeni.example' and d.kind = 'owner_id'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();

    // The applicant, through its own link.
    let own = app.get(&format!("{mine}/documents/{document}")).await;
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(own.headers()["content-type"], "image/png");
    assert_eq!(own.headers()["x-content-type-options"], "nosniff");
    // Another applicant's link does not open it.
    assert_eq!(app.get(&format!("{theirs}/documents/{document}")).await.status(), StatusCode::NOT_FOUND);
    // Staff: signed out, operations, then credit control.
    assert_eq!(app.get(&format!("/backoffice/documents/{document}")).await.status(), StatusCode::SEE_OTHER);
    app.login_ok("ops@distributor.example").await;
    assert_eq!(app.get(&format!("/backoffice/documents/{document}")).await.status(), StatusCode::FORBIDDEN);
    let credit = app.another_user();
    credit.login_ok("credit@distributor.example").await;
    let download = credit.get(&format!("/backoffice/documents/{document}?download=true")).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.headers()["content-disposition"], "attachment; filename=\"kimlik.png\"");
    assert_eq!(download.bytes().await.unwrap().as_ref(), PNG);
}

#[tokio::test]
async fn a_second_application_with_the_same_tax_number_or_dealer_code_is_flagged() {
    let app = TestApp::spawn().await;
    app.apply_ok(new_partner_form("1112223334", "first@yeni.example", good_documents)).await;
    app.apply_ok(new_partner_form("1112223334", "second@yeni.example", good_documents)).await;
    // The demo partner already has dealer code 120.01.0042.
    app.apply_ok(dealer_form("120.01.0042", "dealer@bayi.example")).await;
    app.apply_ok(dealer_form("120.01.0777", "unique@bayi.example")).await;
    app.login_ok("credit@distributor.example").await;

    let list = json(app.call("applications", &[]).await).await;

    let flagged: Vec<(String, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["contact_email"].as_str().unwrap().to_owned(), a["possible_duplicate"].as_bool().unwrap()))
        .collect();
    for (email, duplicate) in flagged {
        assert_eq!(duplicate, email != "unique@bayi.example", "{email}");
    }
}

#[tokio::test]
async fn credit_control_changes_a_partners_limit_and_it_is_audited() {
    let app = TestApp::spawn().await;
    app.login_ok("credit@distributor.example").await;
    let partner_id = "00000000-0000-4000-8000-000000000002";

    let bad = app.call("set_credit_limit", &[("partner_id", partner_id), ("credit_limit", "-5")]).await;
    let ok = app.call("set_credit_limit", &[("partner_id", partner_id), ("credit_limit", "12000")]).await;

    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(ok.status(), StatusCode::OK);
    let partners = json(app.call("partners", &[]).await).await;
    assert_eq!(partners[0]["credit_limit"], "12000.00");
    let detail: Value =
        sqlx::query_scalar("select detail from audit_log where action = 'partner.credit_limit_changed'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(detail["to"], "12000");

    let ops = app.another_user();
    ops.login_ok("ops@distributor.example").await;
    let refused = ops.call("set_credit_limit", &[("partner_id", partner_id), ("credit_limit", "1")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

/// "A" was accepted as a company name, and approving it answered 500 (the organisation's
/// CHECK). The application form now has checkout's company-name rule, at the field.
#[tokio::test]
async fn a_one_letter_company_name_is_refused_at_the_form() {
    let app = TestApp::spawn().await;
    let form = Form::new()
        .text("kind", "dealer")
        .text("company_name", "A")
        .text("dealer_code", "120.01.0777")
        .text("dealer_credit_confirmed", "on")
        .text("contact_name", "Ali Veli")
        .text("contact_email", "tek@harf.example")
        .text("contact_phone", "+90 216 555 00 00");
    let response = app.apply(form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = location(&response);
    assert!(back.starts_with("/become-a-partner?tab=dealer"), "{back}");
    let page = app.get(&back).await.text().await.unwrap();
    assert!(page.contains("The company name must be 2 to 100 characters."));
    assert_eq!(count(&app, "partner_application").await, 0);
}
