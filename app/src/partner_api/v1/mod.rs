//! `/api/v1`: the partner API's router and its OpenAPI 3.1 document, both built from the same
//! handlers (utoipa-axum's `routes!`), so the document cannot describe a route that is not
//! served nor miss one that is. The conventions every operation shares (the key, the errors,
//! `Idempotency-Key`, the rate-limit headers) are written into the document in one place
//! ([`conventions`]), beside the middleware that implements them.
//!
//! Server functions live under `/api/<endpoint>`: `/api/v1/{*rest}` is this API's own (an
//! unknown path under it is a problem+json 404), and a test keeps every endpoint off `v1`.

pub mod billing;
pub mod caller;
pub mod catalog;
pub mod customers;
pub mod extract;
pub mod idempotent;
pub mod orders;
pub mod problem;
pub mod reference;
pub mod subscriptions;
pub mod wire;

use std::sync::LazyLock;

use axum::{
    Json, Router,
    http::{HeaderValue, header},
    middleware,
    response::{IntoResponse, Response},
    routing::{any, get},
};
use serde_json::{Value, json};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

/// Where the API lives.
pub const BASE: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "cloudmarket partner API",
        version = "1",
        description = "Everything the Control Panel does, for a partner's own systems: the catalog, customers, \
orders (with every checkout check, or `validate_only`), subscriptions and their licences, cancellation orders, \
and billing. Authenticate with an API key made in the Control Panel (Settings → API keys) as \
`Authorization: Bearer cmk_…`; each key has scopes (`read`, `orders`, `subscriptions`, `billing`). Every POST \
and PATCH needs an `Idempotency-Key`. Errors are RFC 9457 problem details worded in the language of \
`Accept-Language` (English or Turkish; else the key's). Lists are pages in a stable order: pass `next_cursor` \
as `cursor`. Times are ISO 8601 in UTC; money is a decimal string with its currency."
    ),
    tags(
        (name = "catalog", description = "Products, prices per billing option, add-ons, seat limits"),
        (name = "customers", description = "The partner's customers, their tenants and reseller relationships"),
        (name = "orders", description = "Sales, change and cancellation orders"),
        (name = "subscriptions", description = "Licences, renewals and cancellation"),
        (name = "billing", description = "Credit usage, unbilled charges and statements"),
    ),
    components(schemas(problem::Problem, problem::FieldProblem))
)]
struct ApiDoc;

/// The operations, each registered with the router and described in the document at once.
/// Handlers of one path (its methods) go in one `routes!`.
fn operations() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(catalog::list_products))
        .routes(routes!(catalog::get_product))
        .routes(routes!(customers::list_customers, customers::create_customer))
        .routes(routes!(customers::get_customer))
        .routes(routes!(orders::list_orders, orders::create_order))
        .routes(routes!(orders::get_order))
        .routes(routes!(orders::resubmit_order))
        .routes(routes!(orders::approve_cancellation))
        .routes(routes!(orders::reject_cancellation))
        .routes(routes!(subscriptions::list_subscriptions))
        .routes(routes!(subscriptions::get_subscription, subscriptions::update_renewal))
        .routes(routes!(subscriptions::change_licences))
        .routes(routes!(subscriptions::cancel_subscription))
        .routes(routes!(billing::get_credit))
        .routes(routes!(billing::unbilled_charges))
        .routes(routes!(billing::list_statements))
        .routes(routes!(billing::get_statement))
        .routes(routes!(billing::get_statement_csv))
}

/// The OpenAPI document, as `/api/v1/openapi.json` serves it.
pub fn document() -> &'static Value {
    static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
        let (_, doc) = operations().split_for_parts();
        let mut value = serde_json::to_value(&doc).unwrap_or(Value::Null);
        conventions(&mut value);
        value
    });
    &DOCUMENT
}

/// The API's routes: every operation behind the key's gate (which words errors, counts calls
/// and audits them) and the idempotency of POST and PATCH; the document and the reference page
/// are public, like any API's documentation.
pub fn router(state: AppState) -> Router {
    let (operations, _) = operations().split_for_parts();
    let operations = operations
        .route_layer(middleware::from_fn_with_state(state.clone(), idempotent::idempotent))
        .route_layer(middleware::from_fn_with_state(state.clone(), caller::authenticate));
    Router::new()
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/docs", get(reference::page))
        .route("/api/v1/{*rest}", any(caller::not_found))
        .layer(middleware::from_fn(caller::word_errors))
        .merge(operations)
        .with_state(state)
}

async fn openapi_json() -> Response {
    let mut response = Json(document()).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    response
}

/// The responses every operation may give besides its own, by status: the key's gate (401, 403,
/// 429), what the request is (400, 404, 422), and for a request with a body 409, 413 and 415.
const COMMON: &[(&str, &str)] = &[
    ("400", "The request is malformed: unreadable JSON, a parameter of the wrong type, a missing header"),
    ("401", "No API key, or one that is unknown or revoked"),
    ("403", "The key lacks the scope this operation needs"),
    ("404", "Not one of the partner's, or no such thing"),
    ("422", "Refused: every refused field with its message"),
    ("429", "The key made too many calls this minute; `Retry-After` says when to go on"),
];
const WITH_BODY: &[(&str, &str)] = &[
    ("409", "Refused for now: the state does not allow it yet, or the same Idempotency-Key is still being answered"),
    ("413", "The body is too large"),
    ("415", "The body is not JSON"),
];

/// One OpenAPI link: the operation it leads to, its parameter, and where the value comes from.
type Link = (&'static str, &'static str, &'static str);

/// OpenAPI links: where an answer's ids lead (a list's first item, a thing just made), so that a
/// client generator, and Schemathesis's stateful phase, can follow them.
const LINKS: &[(&str, &str, &str, &[Link])] = &[
    ("/api/v1/products", "get", "200", &[("getProduct", "sku", "$response.body#/data/0/sku")]),
    ("/api/v1/customers", "get", "200", &[("getCustomer", "customer_id", "$response.body#/data/0/customer_id")]),
    ("/api/v1/customers", "post", "201", &[("getCustomer", "customer_id", "$response.body#/customer_id")]),
    (
        "/api/v1/orders",
        "get",
        "200",
        &[
            ("getOrder", "order_number", "$response.body#/data/0/order_number"),
            ("resubmitOrder", "order_number", "$response.body#/data/0/order_number"),
            ("approveCancellation", "order_number", "$response.body#/data/0/order_number"),
            ("rejectCancellation", "order_number", "$response.body#/data/0/order_number"),
        ],
    ),
    ("/api/v1/orders", "post", "201", &[("getOrder", "order_number", "$response.body#/order_number")]),
    (
        "/api/v1/subscriptions",
        "get",
        "200",
        &[
            ("getSubscription", "subscription_id", "$response.body#/data/0/subscription_id"),
            ("updateRenewal", "subscription_id", "$response.body#/data/0/subscription_id"),
            ("changeLicences", "subscription_id", "$response.body#/data/0/subscription_id"),
            ("cancelSubscription", "subscription_id", "$response.body#/data/0/subscription_id"),
        ],
    ),
    (
        "/api/v1/subscriptions/{subscription_id}/licence-changes",
        "post",
        "201",
        &[("getOrder", "order_number", "$response.body#/order_number")],
    ),
    (
        "/api/v1/subscriptions/{subscription_id}/cancel",
        "post",
        "201",
        &[
            ("getOrder", "order_number", "$response.body#/order_number"),
            ("approveCancellation", "order_number", "$response.body#/order_number"),
            ("rejectCancellation", "order_number", "$response.body#/order_number"),
        ],
    ),
    (
        "/api/v1/billing/statements",
        "get",
        "200",
        &[
            ("getStatement", "statement_number", "$response.body#/data/0/statement_number"),
            ("getStatementCsv", "statement_number", "$response.body#/data/0/statement_number"),
        ],
    ),
];

/// Writes the shared conventions into the document: the bearer key, the problem responses,
/// `Idempotency-Key` on POST and PATCH, the `RateLimit` headers, and the links.
fn conventions(doc: &mut Value) {
    for (path, method, status, links) in LINKS {
        let answer = &mut doc["paths"][*path][*method]["responses"][*status];
        if answer.is_object() {
            answer["links"] = links
                .iter()
                .map(|(operation, parameter, from)| {
                    (operation.to_string(), json!({ "operationId": operation, "parameters": { *parameter: from } }))
                })
                .collect::<serde_json::Map<_, _>>()
                .into();
        }
    }
    let problem = json!({ "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } });
    let text = |description: &str| json!({ "type": "string", "description": description });
    let rate_headers = json!({
        "RateLimit": { "description": "The key's calls left this minute and seconds until it starts again: `\"per-key\";r=599;t=42`", "schema": text("RFC draft-ietf-httpapi-ratelimit-headers") },
        "RateLimit-Policy": { "description": "The key's quota: `\"per-key\";q=600;w=60`", "schema": text("RFC draft-ietf-httpapi-ratelimit-headers") },
    });
    let components = &mut doc["components"];
    components["securitySchemes"] = json!({
        "apiKey": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key from Control Panel → Settings → API keys: `Authorization: Bearer cmk_…`"
        }
    });
    let mut responses = serde_json::Map::new();
    for (status, description) in COMMON.iter().chain(WITH_BODY) {
        let mut response = json!({ "description": description, "content": problem.clone() });
        if *status == "429" {
            response["headers"] = json!({
                "Retry-After": { "description": "Seconds until the key may call again", "schema": { "type": "integer" } }
            });
        }
        responses.insert(format!("Problem{status}"), response);
    }
    components["responses"] = Value::Object(responses);
    doc["security"] = json!([{ "apiKey": [] }]);

    let Some(paths) = doc["paths"].as_object_mut() else { return };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let operations = item.iter_mut().filter(|(method, operation)| {
            matches!(method.as_str(), "get" | "post" | "patch" | "put" | "delete") && operation.is_object()
        });
        for (method, operation) in operations {
            let with_body = matches!(method.as_str(), "post" | "patch" | "put" | "delete");
            let Some(responses) = operation["responses"].as_object_mut() else { continue };
            for answer in responses.values_mut() {
                let headers = answer.as_object_mut().map(|a| a.entry("headers").or_insert_with(|| json!({})));
                if let Some(Value::Object(headers)) = headers
                    && let Value::Object(rate) = rate_headers.clone()
                {
                    headers.extend(rate);
                    if with_body {
                        headers.insert(
                            "Idempotent-Replayed".into(),
                            json!({ "description": "`true` when this is the answer to an earlier request with the same Idempotency-Key", "schema": text("true") }),
                        );
                    }
                }
            }
            let shared = COMMON.iter().chain(if with_body { WITH_BODY } else { &[] });
            for (status, _) in shared {
                responses
                    .entry(status.to_string())
                    .or_insert_with(|| json!({ "$ref": format!("#/components/responses/Problem{status}") }));
            }
            if with_body {
                let parameters = operation["parameters"].as_array_mut();
                let key = json!({
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": true,
                    "description": "Any unique string (a UUID, say), kept for 24 hours: the same key with the same request gets the first answer again and does nothing twice; with another request, 422.",
                    "schema": { "type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$" }
                });
                match parameters {
                    Some(parameters) => parameters.push(key),
                    None => operation["parameters"] = json!([key]),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_and_every_operation_has_its_conventions() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");
        let paths = doc["paths"].as_object().expect("paths");
        assert!(paths.len() >= 14, "{}", paths.len());
        for (path, item) in paths {
            assert!(path.starts_with("/api/v1/"), "{path}");
            for (method, operation) in item.as_object().expect("a path item") {
                assert!(operation["operationId"].is_string(), "{method} {path} has an operationId");
                for status in ["401", "403", "422", "429"] {
                    assert!(!operation["responses"][status].is_null(), "{method} {path} documents {status}");
                }
                let key = operation["parameters"]
                    .as_array()
                    .is_some_and(|p| p.iter().any(|p| p["name"] == "Idempotency-Key" && p["required"] == true));
                assert_eq!(key, method != "get", "{method} {path}: Idempotency-Key");
            }
        }
        assert_eq!(doc["components"]["securitySchemes"]["apiKey"]["scheme"], "bearer");
        // Every link leads to an operation that exists.
        let operations: Vec<&Value> =
            paths.values().flat_map(|item| item.as_object().into_iter().flat_map(|i| i.values())).collect();
        for (path, method, status, links) in LINKS {
            assert!(
                doc["paths"][*path][*method]["responses"][*status]["links"].is_object(),
                "{method} {path} {status}"
            );
            for (operation, _, _) in *links {
                assert!(operations.iter().any(|o| o["operationId"] == *operation), "{operation}");
            }
        }
        assert!(doc["components"]["schemas"]["Problem"].is_object());
    }
}
