//! The HTTP client (server only).

use std::{sync::Arc, time::Duration};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    ErrorBody,
    auth::{Access, Credentials, Tokens},
};

/// How every credentials refusal reads, in logs and on the Jobs page, which finds the jobs it
/// stopped by it.
pub const CREDENTIALS_REFUSED: &str = "Partner Center refused the marketplace's credentials";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PartnerCenterError {
    /// Partner Center answered with a refusal; trying again will not change it.
    #[error("Partner Center refused the request ({code}): {description}")]
    Refused { code: i64, description: String },
    /// Timeouts, throttling (429) and server errors: worth retrying later, and no sooner than
    /// `retry_after` when Partner Center said so.
    #[error("Partner Center is not available: {message}")]
    Unavailable { message: String, retry_after: Option<Duration> },
    /// Our own credentials were refused: a wrong app secret, a revoked or expired refresh token,
    /// an App+User token without MFA (900421). Operations must fix the configuration; retrying
    /// before that only repeats the refusal.
    #[error("Partner Center refused the marketplace's credentials ({code}): {description}")]
    Unauthorized { code: i64, description: String },
}

impl PartnerCenterError {
    fn unavailable(message: impl ToString) -> Self {
        Self::Unavailable { message: message.to_string(), retry_after: None }
    }
}

/// A `Retry-After` in seconds (Partner Center's form); the HTTP-date form is not used by it.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let seconds = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim().parse::<u64>().ok()?;
    Some(Duration::from_secs(seconds))
}

/// Runs one Partner Center call and counts it for operators (`crate::metering`): by operation,
/// with Partner Center's code when it refused, and how long it took.
async fn observed<T>(
    operation: &'static str,
    call: impl Future<Output = Result<T, PartnerCenterError>>,
) -> Result<T, PartnerCenterError> {
    let started = std::time::Instant::now();
    let result = call.await;
    let outcome = match &result {
        Ok(_) => "ok".to_owned(),
        Err(PartnerCenterError::Refused { code, .. }) => code.to_string(),
        Err(PartnerCenterError::Unavailable { .. }) => "unavailable".to_owned(),
        Err(PartnerCenterError::Unauthorized { code, .. }) => format!("unauthorized_{code}"),
    };
    crate::metering::partner_center_call(operation, outcome, started.elapsed());
    result
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MpnProfile {
    pub mpn_id: String,
    pub partner_name: String,
}

/// What Partner Center knows of a tenant, by its initial domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TenantStatus {
    /// Nobody has the domain: a new tenant can be created with it.
    Free,
    /// The tenant exists but has not accepted the distributor as its reseller yet.
    NoRelationship,
    /// The tenant exists and the reseller relationship is accepted.
    Related { tenant_id: Uuid },
}

#[derive(Deserialize)]
struct CustomerList {
    items: Vec<Customer>,
}

#[derive(Deserialize)]
struct Customer {
    id: Uuid,
}

/// A GDAP relationship to ask for.
#[derive(Clone, Debug)]
pub struct NewGdap<'a> {
    pub display_name: &'a str,
    /// Entra role template ids.
    pub roles: &'a [String],
    pub duration_days: i32,
    pub auto_extend: bool,
}

/// A GDAP relationship as Microsoft answers it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GdapRelationship {
    pub id: Uuid,
    /// Microsoft's word: `approvalPending`, `active`, `expired` or `terminated`.
    pub status: String,
    /// When an approved relationship ends (moved on by auto-extend).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub end_date_time: Option<time::OffsetDateTime>,
}

#[derive(Clone)]
pub struct PartnerCenter {
    http: reqwest::Client,
    base_url: String,
    tokens: Arc<Tokens>,
}

use crate::domain::initial_domain;

impl PartnerCenter {
    pub fn new(base_url: &str, timeout: Duration, credentials: Credentials) -> Result<Self, PartnerCenterError> {
        let http = reqwest::Client::builder().timeout(timeout).build().map_err(PartnerCenterError::unavailable)?;
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            tokens: Arc::new(Tokens::new(credentials)),
        })
    }

    /// A client of the sandbox at `base_url`, with the sandbox's own app registration.
    pub fn sandbox(base_url: &str, timeout: Duration) -> Result<Self, PartnerCenterError> {
        Self::new(base_url, timeout, Credentials::sandbox(base_url))
    }

    fn request(&self, method: reqwest::Method, path: &str, request_id: Uuid) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base_url))
            // Partner Center deduplicates on MS-RequestId: a retried call must reuse its id.
            .header("MS-RequestId", request_id.to_string())
            .header("MS-CorrelationId", Uuid::new_v4().to_string())
            .header(reqwest::header::ACCEPT, "application/json")
    }

    /// Sends `request` with a token for `access`. A token Partner Center no longer takes
    /// (revoked, expired on its clock) is replaced and the call sent once more; any other refusal
    /// of our credentials, and 900421 (no MFA on an App+User token), is returned as it is.
    async fn send(
        &self,
        access: Access,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, PartnerCenterError> {
        let token = self.tokens.get(&self.http, access).await?;
        let again = request.try_clone();
        let response = self.send_once(request.bearer_auth(&token)).await?;
        if response.status() != reqwest::StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let refusal = Self::unauthorized(response).await;
        let (PartnerCenterError::Unauthorized { code, .. }, Some(again)) = (&refusal, again) else {
            return Err(refusal);
        };
        if *code == super::codes::MFA_REQUIRED {
            return Err(refusal);
        }
        self.tokens.forget(access, &token).await;
        let token = self.tokens.get(&self.http, access).await?;
        let response = self.send_once(again.bearer_auth(&token)).await?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED {
            return Err(Self::unauthorized(response).await);
        }
        Ok(response)
    }

    async fn unauthorized(response: reqwest::Response) -> PartnerCenterError {
        match response.json::<ErrorBody>().await {
            Ok(body) => PartnerCenterError::Unauthorized { code: body.code, description: body.description },
            Err(_) => PartnerCenterError::Unauthorized { code: 401, description: "HTTP 401".to_owned() },
        }
    }

    async fn send_once(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response, PartnerCenterError> {
        let response = request.send().await.map_err(|e| {
            let message = if e.is_timeout() { format!("no answer in time: {e}") } else { e.to_string() };
            PartnerCenterError::unavailable(message)
        })?;
        let status = response.status();
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(PartnerCenterError::Unavailable {
                message: format!("throttled (HTTP {status})"),
                retry_after: retry_after(response.headers()),
            });
        }
        if status.is_server_error() {
            return Err(PartnerCenterError::unavailable(format!("HTTP {status}")));
        }
        Ok(response)
    }

    async fn refusal(response: reqwest::Response) -> PartnerCenterError {
        let status = response.status();
        match response.json::<ErrorBody>().await {
            Ok(body) => PartnerCenterError::Refused { code: body.code, description: body.description },
            Err(_) => PartnerCenterError::unavailable(format!("unexpected HTTP {status}")),
        }
    }

    /// `HEAD /v1/domains/{domain}`: 200 when the domain is taken, 404 when it is free.
    pub async fn domain_taken(&self, prefix: &str) -> Result<bool, PartnerCenterError> {
        observed("domain_taken", async {
            let path = format!("/v1/domains/{}", initial_domain(prefix));
            let response = self.send(Access::App, self.request(reqwest::Method::HEAD, &path, Uuid::new_v4())).await?;
            match response.status().as_u16() {
                200 => Ok(true),
                404 => Ok(false),
                other => Err(PartnerCenterError::unavailable(format!("unexpected HTTP {other}"))),
            }
        })
        .await
    }

    /// `GET /v1/profiles/mpn?mpnId=`: the partner behind an MPN ID, or Partner Center's reason why not.
    pub async fn verify_mpn(&self, mpn_id: &str) -> Result<MpnProfile, PartnerCenterError> {
        observed("verify_mpn", async {
            let request =
                self.request(reqwest::Method::GET, "/v1/profiles/mpn", Uuid::new_v4()).query(&[("mpnId", mpn_id)]);
            let response = self.send(Access::App, request).await?;
            if response.status().is_success() {
                response.json().await.map_err(PartnerCenterError::unavailable)
            } else {
                Err(Self::refusal(response).await)
            }
        })
        .await
    }

    /// `POST /v1/partners/validateresellers`: Microsoft's Partner-of-Record check, for up to
    /// [`VALIDATE_RESELLERS_AT_ONCE`] Partner IDs per call. Each is answered on its own: valid,
    /// or why not. A read, so a fresh request id each time.
    pub async fn validate_resellers(
        &self,
        partner_ids: &[String],
    ) -> Result<Vec<ResellerValidity>, PartnerCenterError> {
        observed("validate_resellers", async {
            let body = serde_json::json!({ "partnerIds": partner_ids });
            let request =
                self.request(reqwest::Method::POST, "/v1/partners/validateresellers", Uuid::new_v4()).json(&body);
            let answer: ResellerValidityList = Self::created(self.send(Access::App, request).await?).await?;
            Ok(answer.items)
        })
        .await
    }

    /// [`Self::validate_resellers`] for one Partner ID: `None` when Microsoft accepts it as the
    /// partner of record, else why not. An answer that does not name it is a fault of the
    /// answer, worth asking again, not a refusal.
    pub async fn validate_reseller(
        &self,
        partner_id: &str,
    ) -> Result<Option<crate::domain::PartnerOfRecordRefusal>, PartnerCenterError> {
        let answers = self.validate_resellers(&[partner_id.to_owned()]).await?;
        answers
            .into_iter()
            .find(|answer| answer.partner_id == partner_id)
            .map(|answer| answer.refusal())
            .ok_or_else(|| PartnerCenterError::unavailable("validateresellers did not answer for the Partner ID"))
    }

    /// Whether a tenant exists and has accepted the reseller relationship: the customer list only
    /// holds tenants related to us, so a taken domain missing from it has not accepted yet.
    pub async fn tenant_status(&self, prefix: &str) -> Result<TenantStatus, PartnerCenterError> {
        if !self.domain_taken(prefix).await? {
            return Ok(TenantStatus::Free);
        }
        let filter =
            serde_json::json!({ "Field": "Domain", "Value": initial_domain(prefix), "Operator": "starts_with" });
        let request = self
            .request(reqwest::Method::GET, "/v1/customers", Uuid::new_v4())
            .query(&[("size", "1"), ("filter", &filter.to_string())]);
        let list: CustomerList = observed("customers_by_domain", async {
            let response = self.send(Access::App, request).await?;
            if !response.status().is_success() {
                return Err(Self::refusal(response).await);
            }
            response.json().await.map_err(PartnerCenterError::unavailable)
        })
        .await?;
        Ok(match list.items.first() {
            Some(customer) => TenantStatus::Related { tenant_id: customer.id },
            None => TenantStatus::NoRelationship,
        })
    }

    async fn created<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, PartnerCenterError> {
        if response.status().is_success() {
            response.json().await.map_err(PartnerCenterError::unavailable)
        } else {
            Err(Self::refusal(response).await)
        }
    }

    /// `POST /v1/customers`: creates a new tenant with the initial domain `<prefix>.onmicrosoft.com`.
    /// Pass the same `request_id` on a retry: Partner Center then answers with the tenant it made.
    pub async fn create_customer(
        &self,
        prefix: &str,
        company_name: &str,
        request_id: Uuid,
    ) -> Result<NewTenant, PartnerCenterError> {
        observed("create_customer", async {
            let body = serde_json::json!({
                "companyProfile": { "domain": initial_domain(prefix), "companyName": company_name },
            });
            let request = self.request(reqwest::Method::POST, "/v1/customers", request_id).json(&body);
            let created: CreatedCustomer = Self::created(self.send(Access::AppUser, request).await?).await?;
            Ok(NewTenant { tenant_id: created.id, admin_password: created.user_credentials.map(|c| c.password) })
        })
        .await
    }

    /// `POST /v1/customers/{id}/agreements`: the distributor's attestation that the customer's
    /// signatory accepted the Microsoft Customer Agreement (enhanced attestation: only the
    /// distributor may make it). Partner Center's 600061, "already attested", is the outcome we
    /// wanted, so it is an answer, not a refusal: a retry after a lost answer lands there.
    pub async fn accept_agreement(
        &self,
        tenant_id: Uuid,
        attestation: &AgreementAttestation,
        request_id: Uuid,
    ) -> Result<Attested, PartnerCenterError> {
        observed("accept_agreement", async {
            let path = format!("/v1/customers/{tenant_id}/agreements");
            let request = self.request(reqwest::Method::POST, &path, request_id).json(attestation);
            match Self::created::<serde_json::Value>(self.send(Access::AppUser, request).await?).await {
                Ok(_) => Ok(Attested::Now),
                Err(PartnerCenterError::Refused { code: super::codes::AGREEMENT_ALREADY_ATTESTED, .. }) => {
                    Ok(Attested::Already)
                }
                Err(other) => Err(other),
            }
        })
        .await
    }

    /// Asks for a GDAP relationship with a customer's tenant and locks it for the customer's
    /// approval (Microsoft's Graph `delegatedAdminRelationships`, created then `lockForApproval`,
    /// here one call): the chosen Entra roles, a duration in days and whether it auto-extends by
    /// 180 days. A retry with the same `request_id` answers the relationship already made.
    pub async fn request_gdap(
        &self,
        tenant_id: Uuid,
        gdap: &NewGdap<'_>,
        request_id: Uuid,
    ) -> Result<GdapRelationship, PartnerCenterError> {
        observed("request_gdap", async {
            let roles: Vec<serde_json::Value> =
                gdap.roles.iter().map(|id| serde_json::json!({ "roleDefinitionId": id })).collect();
            let body = serde_json::json!({
                "displayName": gdap.display_name,
                "customer": { "tenantId": tenant_id },
                "duration": format!("P{}D", gdap.duration_days),
                "autoExtendDuration": if gdap.auto_extend { "P180D" } else { "PT0S" },
                "accessDetails": { "unifiedRoles": roles },
            });
            let request = self.request(reqwest::Method::POST, "/v1/gdap/relationships", request_id).json(&body);
            Self::created(self.send(Access::AppUser, request).await?).await
        })
        .await
    }

    /// Where a GDAP relationship stands at Microsoft: its status and, once approved, its end.
    pub async fn gdap_relationship(&self, id: Uuid) -> Result<GdapRelationship, PartnerCenterError> {
        observed("gdap_relationship", async {
            let path = format!("/v1/gdap/relationships/{id}");
            let request = self.request(reqwest::Method::GET, &path, Uuid::new_v4());
            Self::created(self.send(Access::AppUser, request).await?).await
        })
        .await
    }

    /// `POST /v1/customers/{id}/orders`: one subscription per line. A retry with the same
    /// `request_id` returns the same subscriptions: never a second one.
    pub async fn create_order(
        &self,
        tenant_id: Uuid,
        lines: &[OrderLine],
        request_id: Uuid,
    ) -> Result<Vec<VendorSubscription>, PartnerCenterError> {
        observed("create_order", async {
            let path = format!("/v1/customers/{tenant_id}/orders");
            let body = serde_json::json!({ "lineItems": lines });
            let request = self.request(reqwest::Method::POST, &path, request_id).json(&body);
            let order: VendorOrder = Self::created(self.send(Access::AppUser, request).await?).await?;
            Ok(order.line_items)
        })
        .await
    }

    /// `GET /v1/customers/{id}/subscriptions`
    pub async fn subscriptions(&self, tenant_id: Uuid) -> Result<Vec<VendorSubscriptionStatus>, PartnerCenterError> {
        observed("list_subscriptions", async {
            let path = format!("/v1/customers/{tenant_id}/subscriptions");
            let request = self.request(reqwest::Method::GET, &path, Uuid::new_v4());
            let list: SubscriptionList = Self::created(self.send(Access::App, request).await?).await?;
            Ok(list.items)
        })
        .await
    }
}

impl PartnerCenter {
    /// `PATCH /v1/customers/{id}/subscriptions/{id}`: sets the licence count, or cancels. Each
    /// sets a state rather than adding to it, so a retry is harmless.
    pub async fn update_subscription(
        &self,
        tenant_id: Uuid,
        subscription_id: &str,
        change: VendorChange,
        request_id: Uuid,
    ) -> Result<VendorSubscriptionStatus, PartnerCenterError> {
        observed("update_subscription", async {
            let path = format!("/v1/customers/{tenant_id}/subscriptions/{subscription_id}");
            let body = match change {
                VendorChange::Quantity(quantity) => serde_json::json!({ "quantity": quantity }),
                VendorChange::QuantityAtRenewal(quantity) => {
                    serde_json::json!({ "quantity": quantity, "renewal": true })
                }
                VendorChange::Cancel => serde_json::json!({ "status": "cancelled" }),
            };
            let request = self.request(reqwest::Method::PATCH, &path, request_id).json(&body);
            Self::created(self.send(Access::AppUser, request).await?).await
        })
        .await
    }
}

/// The body of an attestation: who signed for the customer, the agreement's version and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementAttestation {
    /// Always `MicrosoftCustomerAgreement`.
    pub agreement_type: &'static str,
    pub template_id: String,
    pub primary_contact: AgreementContact,
    pub company_name: String,
    pub country: String,
    pub language: String,
    /// When the signatory accepted, RFC 3339.
    pub date_agreed: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementContact {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// How an attestation ended: Partner Center took it now, or had it already (600061).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attested {
    Now,
    Already,
}

/// What [`PartnerCenter::update_subscription`] changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VendorChange {
    /// Within the term: a decrease only inside the 168-hour window.
    Quantity(i32),
    /// The count the new term starts with, which may be lower.
    QuantityAtRenewal(i32),
    Cancel,
}

/// A tenant Partner Center created, with its admin's one-time password. The password is only
/// ever passed on to the partner: it is not logged.
pub struct NewTenant {
    pub tenant_id: Uuid,
    pub admin_password: Option<String>,
}

impl std::fmt::Debug for NewTenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewTenant").field("tenant_id", &self.tenant_id).finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatedCustomer {
    id: Uuid,
    user_credentials: Option<UserCredentials>,
}

#[derive(Deserialize)]
struct UserCredentials {
    password: String,
}

/// One line of an order sent to Partner Center.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    pub line_item_number: i32,
    pub offer_id: String,
    pub quantity: i32,
    /// The reselling partner's MPN ID, credited with the sale.
    pub partner_id_on_record: String,
}

/// The subscription Partner Center made for one order line.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VendorSubscription {
    pub line_item_number: i32,
    pub offer_id: String,
    pub subscription_id: Uuid,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VendorOrder {
    line_items: Vec<VendorSubscription>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VendorSubscriptionStatus {
    pub id: Uuid,
    pub offer_id: String,
    pub quantity: i32,
    pub status: String,
}

#[derive(Deserialize)]
struct SubscriptionList {
    items: Vec<VendorSubscriptionStatus>,
}

/// How many Partner IDs one `validateresellers` call may name.
pub const VALIDATE_RESELLERS_AT_ONCE: usize = 100;

/// Partner Center's answer for one Partner ID of a `validateresellers` call:
/// `{ "partnerId": "1234567", "isValid": false, "reason": "inactive" }`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResellerValidity {
    pub partner_id: String,
    pub is_valid: bool,
    /// `inactive`, `notAuthorized` or `notFound` when not valid.
    #[serde(default)]
    pub reason: Option<String>,
}

impl ResellerValidity {
    /// Why Microsoft refuses the Partner ID, `None` when it is valid. A reason this connector does
    /// not know yet reads as "not authorised": its fix (the distributor sorts it out with
    /// Microsoft) is the one that holds whatever Microsoft meant.
    pub fn refusal(&self) -> Option<crate::domain::PartnerOfRecordRefusal> {
        use crate::domain::PartnerOfRecordRefusal as Refusal;
        if self.is_valid {
            return None;
        }
        Some(match self.reason.as_deref() {
            Some("inactive") => Refusal::Inactive,
            Some("notFound") => Refusal::NotFound,
            _ => Refusal::NotAuthorised,
        })
    }
}

#[derive(Deserialize)]
struct ResellerValidityList {
    items: Vec<ResellerValidity>,
}
