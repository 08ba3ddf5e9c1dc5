//! The bundled Partner Center sandbox: the same REST API subset the connector
//! (`app::partner_center`) speaks, served under `/sandbox`, with the fixtures of SPEC §6 so every
//! case can be tried without Microsoft. Its state lives in the `sandbox` schema.
//!
//! Fixtures: tenants `contoso` (relationship accepted) and `fabrikam` (not accepted yet); any
//! other prefix is free. Every 7-digit MPN ID verifies except 8000150 (800015 not found),
//! 8000160 (800016 not an indirect reseller) and 9001230 (900123 agreement not signed).

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Html,
    response::{IntoResponse, Response},
    routing::{get, head},
};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgPool;

use app::partner_center::{ErrorBody, codes};

pub fn router(pool: PgPool) -> Router {
    Router::new()
        .route("/v1/domains/{domain}", head(domain_exists))
        .route("/v1/profiles/mpn", get(mpn_profile))
        .route("/v1/customers", get(customers))
        .route("/relationship", get(relationship_form).post(accept_relationship))
        .with_state(pool)
}

fn error(status: StatusCode, code: i64, description: &str) -> Response {
    (status, Json(ErrorBody { code, description: description.to_owned() })).into_response()
}

fn internal(err: sqlx::Error) -> Response {
    tracing::error!(error = %err, "sandbox database error");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

fn prefix_of(domain: &str) -> Option<String> {
    domain.to_ascii_lowercase().strip_suffix(".onmicrosoft.com").map(str::to_owned)
}

/// `HEAD /v1/domains/{domain}`: 200 taken, 404 free.
async fn domain_exists(State(pool): State<PgPool>, Path(domain): Path<String>) -> Response {
    let Some(prefix) = prefix_of(&domain) else { return StatusCode::NOT_FOUND.into_response() };
    match sqlx::query_scalar!(
        "select exists(select 1 from sandbox.tenant where domain_prefix = $1) as \"taken!\"",
        prefix
    )
    .fetch_one(&pool)
    .await
    {
        Ok(true) => StatusCode::OK.into_response(),
        Ok(false) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => internal(err),
    }
}

#[derive(Deserialize)]
struct MpnQuery {
    #[serde(rename = "mpnId")]
    mpn_id: Option<String>,
}

/// The sandbox's verdict on an MPN ID, as Partner Center gives it.
pub fn mpn_verdict(mpn_id: &str) -> Result<(), (StatusCode, i64, &'static str)> {
    if mpn_id.len() != 7 || !mpn_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err((StatusCode::NOT_FOUND, codes::MPN_NOT_FOUND, "The MPN ID was not found."));
    }
    match mpn_id {
        "8000150" => Err((StatusCode::NOT_FOUND, codes::MPN_NOT_FOUND, "The MPN ID was not found.")),
        "8000160" => Err((
            StatusCode::FORBIDDEN,
            codes::MPN_NOT_INDIRECT_RESELLER,
            "The MPN ID does not belong to an indirect reseller.",
        )),
        "9001230" => Err((
            StatusCode::FORBIDDEN,
            codes::PARTNER_AGREEMENT_NOT_SIGNED,
            "The partner has not signed the Microsoft Partner Agreement.",
        )),
        _ => Ok(()),
    }
}

/// `GET /v1/profiles/mpn?mpnId=`
async fn mpn_profile(Query(query): Query<MpnQuery>) -> Response {
    let mpn_id = query.mpn_id.unwrap_or_default();
    match mpn_verdict(&mpn_id) {
        Ok(()) => Json(json!({
            "mpnId": mpn_id,
            "partnerName": format!("Sandbox Partner {mpn_id}"),
            "profileType": "MpnProfile",
        }))
        .into_response(),
        Err((status, code, description)) => error(status, code, description),
    }
}

#[derive(Deserialize)]
struct CustomerQuery {
    filter: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Filter {
    field: String,
    value: String,
    operator: String,
}

/// `GET /v1/customers?filter={"Field":"Domain","Value":…,"Operator":"starts_with"}`: only the
/// tenants that accepted the reseller relationship, as in Partner Center.
async fn customers(State(pool): State<PgPool>, Query(query): Query<CustomerQuery>) -> Response {
    let filter = match query.filter.as_deref().map(serde_json::from_str::<Filter>) {
        None => None,
        Some(Ok(filter)) if filter.field == "Domain" && filter.operator == "starts_with" => {
            Some(filter.value.to_ascii_lowercase())
        }
        Some(_) => return error(StatusCode::BAD_REQUEST, 400, "Only a Domain starts_with filter is supported."),
    };
    let rows = sqlx::query!(
        r#"select tenant_id, domain_prefix, company_name from sandbox.tenant
           where relationship_accepted_at is not null
             and ($1::text is null or domain_prefix || '.onmicrosoft.com' like $1 || '%')
           order by domain_prefix"#,
        filter
    )
    .fetch_all(&pool)
    .await;
    match rows {
        Ok(rows) => {
            let items: Vec<_> = rows
                .into_iter()
                .map(|r| {
                    json!({
                        "id": r.tenant_id,
                        "companyProfile": {
                            "tenantId": r.tenant_id,
                            "domain": format!("{}.onmicrosoft.com", r.domain_prefix),
                            "companyName": r.company_name,
                        },
                        "relationshipToPartner": "reseller",
                    })
                })
                .collect();
            Json(json!({ "totalCount": items.len(), "items": items, "attributes": { "objectType": "Collection" } }))
                .into_response()
        }
        Err(err) => internal(err),
    }
}

#[derive(Deserialize)]
struct InvitationQuery {
    #[serde(rename = "partnerId")]
    partner_id: Option<String>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn page(body: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>Accept reseller relationship · Partner Center \
         sandbox</title><style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}}\
         label{{display:block;margin:.75rem 0 .25rem}}input[type=text]{{width:100%;padding:.5rem;font-size:1rem}}\
         button{{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}}.note{{color:#555}}</style></head><body>\
         <p class=\"note\">Microsoft 365 admin center (Partner Center sandbox)</p>{body}</body></html>"
    ))
}

/// The page a customer's Global admin opens from the partner's reseller relationship link.
async fn relationship_form(Query(query): Query<InvitationQuery>) -> Html<String> {
    let partner = escape(query.partner_id.as_deref().unwrap_or_default());
    page(&format!(
        "<h1>Accept a reseller relationship</h1>\
         <p>Armada Bilgisayar asks to become the Cloud Solution Provider of your organisation, for partner \
         <code>{partner}</code>.</p>\
         <form method=\"post\"><input type=\"hidden\" name=\"partner_id\" value=\"{partner}\">\
         <label for=\"domain\">Your organisation's initial domain</label>\
         <input type=\"text\" id=\"domain\" name=\"domain\" placeholder=\"contoso.onmicrosoft.com\" required>\
         <label><input type=\"checkbox\" name=\"accept\" value=\"yes\" required> I accept Armada Bilgisayar as \
         my Cloud Solution Provider</label>\
         <button type=\"submit\">Accept and authorise</button></form>"
    ))
}

#[derive(Deserialize)]
struct Acceptance {
    domain: String,
    accept: Option<String>,
}

async fn accept_relationship(State(pool): State<PgPool>, axum::Form(form): axum::Form<Acceptance>) -> Response {
    if form.accept.as_deref() != Some("yes") {
        return (StatusCode::UNPROCESSABLE_ENTITY, page("<h1>Not accepted</h1><p>Tick the box to accept.</p>"))
            .into_response();
    }
    let Some(prefix) = prefix_of(form.domain.trim()) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            page("<h1>Unknown domain</h1><p>Enter the initial domain, e.g. contoso.onmicrosoft.com.</p>"),
        )
            .into_response();
    };
    let updated = sqlx::query!(
        "update sandbox.tenant set relationship_accepted_at = coalesce(relationship_accepted_at, now())
         where domain_prefix = $1 returning company_name",
        prefix
    )
    .fetch_optional(&pool)
    .await;
    match updated {
        Ok(Some(row)) => page(&format!(
            "<h1>Relationship accepted</h1><p>{} ({}.onmicrosoft.com) now has Armada Bilgisayar as its Cloud \
             Solution Provider. You can close this page.</p>",
            escape(&row.company_name),
            escape(&prefix)
        ))
        .into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            page(&format!("<h1>Unknown tenant</h1><p>No tenant {}.onmicrosoft.com exists.</p>", escape(&prefix))),
        )
            .into_response(),
        Err(err) => internal(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpn_fixtures_fail_with_their_codes() {
        assert!(mpn_verdict("1234567").is_ok());
        assert_eq!(mpn_verdict("8000150").unwrap_err().1, 800015);
        assert_eq!(mpn_verdict("8000160").unwrap_err().1, 800016);
        assert_eq!(mpn_verdict("9001230").unwrap_err().1, 900123);
        assert_eq!(mpn_verdict("123").unwrap_err().1, 800015);
    }

    #[test]
    fn only_initial_domains_have_a_prefix() {
        assert_eq!(prefix_of("Contoso.onmicrosoft.com").as_deref(), Some("contoso"));
        assert_eq!(prefix_of("contoso.com"), None);
    }
}
