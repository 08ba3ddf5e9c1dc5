//! Server side of onboarding: storing applications, the multipart submit handler, decisions,
//! and reading documents for the two parties allowed to see them (served by `routes.rs`).

use std::{collections::BTreeMap, net::SocketAddr};

use axum::{
    extract::{ConnectInfo, Multipart, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Redirect, Response},
};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::{PgExecutor, PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::{
    ApplicationDetail, ApplicationForm, ApplicationKind, ApplicationStatus, ApplicationSummary, DocumentInfo,
    DocumentKind, FormDraft, MAX_DOCUMENT_BYTES, UploadedFile, application_number, mails,
};
use crate::i18n::Say;
use crate::{
    audit::{self, AuditEntry},
    auth::ssr::{self as auth, AuthUser},
    error::{AppError, ssr::ResultExt},
    i18n::Locale,
    limits::Client,
    notifications::{self, Mail, SecretMail},
    state::AppState,
};

/// An unguessable token for the applicant's links (244 random bits).
fn new_token() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// Stores a parsed application and its documents in one transaction, with the applicant's mail.
pub async fn store(state: &AppState, form: ApplicationForm, locale: Locale) -> Result<String, AppError> {
    let mut tx = state.pool.begin().await?;
    // Each application mails its contact address: a few a day per address, counted under a lock
    // on the address so parallel posts cannot all pass the count.
    let received_today = applications_today(&mut tx, form.contact_email.as_ref()).await?;
    if received_today >= state.settings.applications_per_email_per_day {
        return Err(AppError::invalid("contact_email", Say::ApplicationsTooManyForEmail));
    }
    let application_id = Uuid::new_v4();
    let token = new_token();
    let number = sqlx::query_scalar!(
        "insert into partner_application (application_id, access_token, kind, company_name, tax_number, address,
             company_phone, dealer_code, dealer_credit_confirmed, mpn_id, contact_name, contact_email, contact_phone,
             language)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         returning number",
        application_id,
        token,
        form.kind as ApplicationKind,
        form.company_name,
        form.tax_number.as_ref().map(AsRef::as_ref),
        form.address,
        form.company_phone.as_ref().map(AsRef::as_ref),
        form.dealer_code,
        form.dealer_credit_confirmed,
        form.mpn_id.as_ref().map(AsRef::as_ref),
        form.contact_name,
        form.contact_email.as_ref(),
        form.contact_phone.as_ref(),
        // The applicant's mail, and once approved the new partner admin's, follow the language
        // the form was filled in.
        locale as Locale,
    )
    .fetch_one(&mut *tx)
    .await?;
    for document in &form.documents {
        let size = i32::try_from(document.bytes.len()).unwrap_or(i32::MAX);
        sqlx::query!(
            "insert into application_document (document_id, application_id, kind, file_name, content_type, size_bytes, content)
             values ($1, $2, $3, $4, $5, $6, $7)",
            Uuid::new_v4(),
            application_id,
            document.kind as DocumentKind,
            document.file_name,
            document.content_type,
            size,
            document.bytes,
        )
        .execute(&mut *tx)
        .await?;
    }
    let status_url = format!("{}/applications/{token}", state.settings.public_url);
    let mail = Mail::written(|locale| mails::application_received(locale, number, &form.contact_name, &status_url));
    notifications::ssr::send(&mut *tx, form.contact_email.as_ref(), &mail).await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: None,
            acting_as: None,
            action: "application.submitted",
            target_type: "partner_application",
            target_id: application_id.to_string(),
            detail: json!({ "number": number, "kind": form.kind }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Applications for `email` in the last 24 hours, with the address locked until the transaction ends.
async fn applications_today(tx: &mut Transaction<'_, Postgres>, email: &str) -> Result<i64, sqlx::Error> {
    sqlx::query!("select pg_advisory_xact_lock(hashtextextended('application_email:' || lower($1), 0))", email)
        .execute(&mut **tx)
        .await?;
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from partner_application
           where lower(contact_email) = lower($1) and submitted_at > now() - interval '24 hours'"#,
        email
    )
    .fetch_one(&mut **tx)
    .await
}

/// `POST /become-a-partner/submit`: the multipart form. Success goes to the status page; a
/// refusal goes back to the form with every message and the typed text.
pub async fn submit_handler(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let locale = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(Locale::from_cookie_header)
        .unwrap_or_default();
    // Refused before a byte of the body is read: the form can carry 60 MB of documents.
    if !state.limits.application_from(Client::of(peer.ip())) {
        let refusal = AppError::too_many(Say::ApplicationsTooManyFromClient);
        return back_to_form("new_partner", &FormDraft::default(), &refusal);
    }
    let Some(_reading) = state.limits.upload_slot() else {
        let refusal = AppError::too_many(Say::ApplicationUploadsBusy);
        return back_to_form("new_partner", &FormDraft::default(), &refusal);
    };
    let (fields, files) = match read_multipart(multipart).await {
        Ok(parts) => parts,
        Err(message) => {
            return back_to_form("new_partner", &FormDraft::default(), &AppError::invalid("form", message));
        }
    };
    let tab = if fields.get("kind").map(String::as_str) == Some("dealer") { "dealer" } else { "new_partner" };
    match ApplicationForm::parse(&fields, files) {
        Ok(form) => match store(&state, form, locale).await {
            Ok(token) => Redirect::to(&format!("/applications/{token}")).into_response(),
            Err(err) => back_to_form(tab, &FormDraft(fields), &err),
        },
        Err(errors) => back_to_form(tab, &FormDraft(fields), &AppError::Invalid(errors)),
    }
}

fn back_to_form(tab: &str, draft: &FormDraft, error: &AppError) -> Response {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("tab", tab)
        .append_pair("err", &serde_json::to_string(error).unwrap_or_default())
        .append_pair("draft", &serde_json::to_string(draft).unwrap_or_default())
        .finish();
    Redirect::to(&format!("/become-a-partner?{query}")).into_response()
}

async fn read_multipart(mut multipart: Multipart) -> Result<(BTreeMap<String, String>, Vec<UploadedFile>), Say> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        tracing::info!(error = %e, "unreadable application form");
        Say::ApplicationFormUnreadable
    };
    let mut fields = BTreeMap::new();
    let mut files = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        if DocumentKind::from_field(&name).is_some() {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let mut bytes = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                if bytes.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                    too_large = true;
                    // Keep draining the part so the next field can be read; drop the bytes.
                    continue;
                }
                bytes.extend_from_slice(&chunk);
            }
            if too_large {
                bytes.clear();
            }
            files.push(UploadedFile { field: name, file_name, bytes, too_large });
        } else if fields.len() < 50 {
            let value = field.text().await.map_err(unreadable)?;
            fields.insert(name, value.chars().take(2000).collect());
        }
    }
    Ok((fields, files))
}

struct DetailRow {
    application_id: Uuid,
    number: i64,
    kind: ApplicationKind,
    status: ApplicationStatus,
    company_name: String,
    tax_number: Option<String>,
    address: Option<String>,
    company_phone: Option<String>,
    dealer_code: Option<String>,
    dealer_credit_confirmed: bool,
    mpn_id: Option<String>,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
    submitted_at: time::OffsetDateTime,
    rejection_reason: Option<String>,
    possible_duplicate: bool,
}

async fn with_documents(db: &PgPool, row: Option<DetailRow>) -> Result<Option<ApplicationDetail>, sqlx::Error> {
    let Some(r) = row else { return Ok(None) };
    let documents = sqlx::query_as!(
        DocumentInfo,
        r#"select document_id, kind as "kind: DocumentKind", file_name, content_type, size_bytes
           from application_document where application_id = $1 order by kind"#,
        r.application_id
    )
    .fetch_all(db)
    .await?;
    Ok(Some(ApplicationDetail {
        application_id: crate::domain::ApplicationId(r.application_id),
        number: crate::domain::ApplicationNumber(r.number),
        kind: r.kind,
        status: r.status,
        company_name: r.company_name,
        tax_number: r.tax_number,
        address: r.address,
        company_phone: r.company_phone,
        dealer_code: r.dealer_code,
        dealer_credit_confirmed: r.dealer_credit_confirmed,
        mpn_id: r.mpn_id,
        contact_name: r.contact_name,
        contact_email: r.contact_email,
        contact_phone: r.contact_phone,
        submitted_at: r.submitted_at,
        rejection_reason: r.rejection_reason,
        possible_duplicate: r.possible_duplicate,
        documents,
    }))
}

// The columns of an application's detail, found by number or by the applicant's token.
macro_rules! detail_query {
    ($where:literal, $arg:expr) => {
        sqlx::query_as!(
            DetailRow,
            r#"select a.application_id, a.number, a.kind as "kind: ApplicationKind",
                      a.status as "status: ApplicationStatus", a.company_name, a.tax_number, a.address,
                      a.company_phone, a.dealer_code, a.dealer_credit_confirmed, a.mpn_id, a.contact_name,
                      a.contact_email, a.contact_phone, a.submitted_at, a.rejection_reason,
                      partner_application_possible_duplicate(a) as "possible_duplicate!"
               from partner_application a where "#
                + $where,
            $arg
        )
    };
}

pub async fn detail_by_number(db: &PgPool, number: i64) -> Result<Option<ApplicationDetail>, sqlx::Error> {
    let row = detail_query!("a.number = $1", number).fetch_optional(db).await?;
    with_documents(db, row).await
}

pub async fn detail_by_token(db: &PgPool, token: &str) -> Result<Option<ApplicationDetail>, sqlx::Error> {
    let row = detail_query!("a.access_token = $1", token).fetch_optional(db).await?;
    with_documents(db, row).await
}

pub async fn list(
    db: impl PgExecutor<'_>,
    status: Option<ApplicationStatus>,
) -> Result<Vec<ApplicationSummary>, sqlx::Error> {
    sqlx::query_as!(
        ApplicationSummary,
        r#"select a.number as "number: crate::domain::ApplicationNumber", a.kind as "kind: ApplicationKind", a.status as "status: ApplicationStatus",
                  a.company_name, a.contact_email, a.submitted_at,
                  partner_application_possible_duplicate(a) as "possible_duplicate!"
           from partner_application a
           where $1::application_status is null or a.status = $1
           order by a.status = 'submitted' desc, a.submitted_at desc
           limit 500"#,
        status as Option<ApplicationStatus>
    )
    .fetch_all(db)
    .await
}

/// Locks a submitted application for a decision; a decided one is a conflict.
async fn lock_submitted(
    tx: &mut Transaction<'_, Postgres>,
    application_id: Uuid,
) -> Result<LockedApplication, AppError> {
    let row = sqlx::query_as!(
        LockedApplication,
        r#"select number, status as "status: ApplicationStatus", company_name, tax_number, address, company_phone,
                  dealer_code, mpn_id, contact_name, contact_email, language as "language: Locale"
           from partner_application where application_id = $1 for update"#,
        application_id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::ApplicationNotFound))?;
    if row.status != ApplicationStatus::Submitted {
        let application = application_number(row.number).to_string();
        return Err(AppError::conflict(if row.status == ApplicationStatus::Approved {
            Say::ApplicationAlreadyApproved { application }
        } else {
            Say::ApplicationAlreadyRejected { application }
        }));
    }
    Ok(row)
}

struct LockedApplication {
    number: i64,
    status: ApplicationStatus,
    company_name: String,
    tax_number: Option<String>,
    address: Option<String>,
    company_phone: Option<String>,
    dealer_code: Option<String>,
    mpn_id: Option<String>,
    contact_name: String,
    contact_email: String,
    language: Locale,
}

/// Approves: the partner organisation, its credit limit and its admin user, who sets its own
/// password through a single-use link in the credentials mail (no password exists until then,
/// so none can be mailed or read on the way), all in one transaction.
pub async fn approve(
    state: &AppState,
    approver: &AuthUser,
    application_id: Uuid,
    credit_limit: Decimal,
    invoice_profile: crate::domain::InvoiceProfile,
    tax_office: Option<&str>,
) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    let app = lock_submitted(&mut tx, application_id).await?;
    // Microsoft's Partner-of-Record rule: a partner whose Partner ID Microsoft does not accept
    // could not place a single order. Asked with the application locked, so a second approver
    // waits instead of asking too; nothing is written yet, so a refusal leaves it as it was.
    if let Some(mpn) = app.mpn_id.as_deref()
        && let Some(refusal) = crate::partner_center::partner_of_record(&state.partner_center, mpn).await?
    {
        return Err(AppError::conflict(refusal.to_approver(mpn)));
    }
    let partner_id = Uuid::new_v4();
    sqlx::query!(
        "insert into organisation (organisation_id, kind, parent_id, name, tax_number, phone, address, tax_office)
         values ($1, 'partner', $2, $3, $4, $5, $6, $7)",
        partner_id,
        approver.organisation_id,
        app.company_name,
        app.tax_number,
        app.company_phone,
        app.address,
        tax_office,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        // The answer just given is the partner's first Partner-of-Record check.
        "insert into partner (organisation_id, mpn_id, dealer_code, credit_limit, invoice_profile,
                              partner_of_record_checked_at, partner_of_record_checked_id)
         values ($1, $2, $3, $4, $5, case when $2::text is not null then now() end, $2)",
        partner_id,
        app.mpn_id,
        app.dealer_code,
        credit_limit,
        invoice_profile as crate::domain::InvoiceProfile,
    )
    .execute(&mut *tx)
    .await?;
    let user_id = Uuid::new_v4();
    sqlx::query!(
        "insert into app_user (user_id, organisation_id, email, display_name, role, password_hash, must_change_password,
                               language)
         values ($1, $2, $3, $4, 'partner_admin', $5, false, $6)",
        user_id,
        partner_id,
        app.contact_email,
        app.contact_name,
        auth::NO_PASSWORD_YET,
        app.language as Locale,
    )
    .execute(&mut *tx)
    .await
    .on_constraint("app_user_email_key", || {
        AppError::conflict(Say::ApplicantEmailInUse { email: app.contact_email.clone() })
    })?;
    sqlx::query!(
        "update partner_application set status = 'approved', decided_at = now(), decided_by = $2, partner_id = $3
         where application_id = $1",
        application_id,
        approver.user_id,
        partner_id,
    )
    .execute(&mut *tx)
    .await?;
    let link = auth::issue_password_link(&mut tx, &state.settings.public_url, user_id).await?;
    let mail = SecretMail {
        text: Mail::written(|locale| {
            mails::application_approved(
                locale,
                app.number,
                &app.contact_name,
                &app.company_name,
                credit_limit,
                &state.settings.public_url,
                &app.contact_email,
                auth::PASSWORD_LINK_HOURS,
            )
        }),
        kind: notifications::MailSecretKind::SetPasswordLink,
        secret: link,
    };
    notifications::ssr::send_secret(&mut *tx, &state.settings.secrets, &app.contact_email, &mail).await?;
    let detail = json!({ "partner_id": partner_id, "admin_user_id": user_id, "credit_limit": credit_limit,
                         "invoice_profile": invoice_profile, "tax_office": tax_office });
    finish_decision(tx, approver, application_id, &app, "application.approved", detail, None).await
}

pub async fn reject(state: &AppState, approver: &AuthUser, application_id: Uuid, reason: &str) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    let app = lock_submitted(&mut tx, application_id).await?;
    sqlx::query!(
        "update partner_application set status = 'rejected', decided_at = now(), decided_by = $2, rejection_reason = $3
         where application_id = $1",
        application_id,
        approver.user_id,
        reason,
    )
    .execute(&mut *tx)
    .await?;
    let mail = Mail::written(|locale| {
        mails::application_rejected(locale, app.number, &app.contact_name, &app.company_name, reason)
    });
    let detail = json!({ "reason": reason });
    finish_decision(tx, approver, application_id, &app, "application.rejected", detail, Some(mail)).await
}

/// The end of every decision: the applicant's mail (unless the decision queued its own, with a
/// secret) and the audit entry, committed with it.
async fn finish_decision(
    mut tx: Transaction<'_, Postgres>,
    approver: &AuthUser,
    application_id: Uuid,
    app: &LockedApplication,
    action: &str,
    detail: serde_json::Value,
    mail: Option<Mail>,
) -> Result<(), AppError> {
    if let Some(mail) = mail {
        notifications::ssr::send(&mut *tx, &app.contact_email, &mail).await?;
    }
    let entry = AuditEntry {
        actor: Some(approver.user_id),
        acting_as: None,
        action,
        target_type: "partner_application",
        target_id: application_id.to_string(),
        detail,
    };
    audit::record(&mut *tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// An uploaded document as it is served.
pub struct StoredDocument {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A document by id, for credit control.
pub async fn document(db: impl PgExecutor<'_>, document_id: Uuid) -> Result<Option<StoredDocument>, sqlx::Error> {
    sqlx::query_as!(
        StoredDocument,
        "select file_name, content_type, content from application_document where document_id = $1",
        document_id
    )
    .fetch_optional(db)
    .await
}

/// A document of the application whose secret link is `token`, for the applicant.
pub async fn applicant_document(
    db: impl PgExecutor<'_>,
    token: &str,
    document_id: Uuid,
) -> Result<Option<StoredDocument>, sqlx::Error> {
    sqlx::query_as!(
        StoredDocument,
        "select d.file_name, d.content_type, d.content
         from application_document d join partner_application a using (application_id)
         where d.document_id = $1 and a.access_token = $2",
        document_id,
        token
    )
    .fetch_optional(db)
    .await
}
