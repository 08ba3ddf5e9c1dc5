//! The integrator connector: how an issued invoice reaches GİB. A distributor sends e-Fatura and
//! e-Arşiv documents through a GİB-licensed special integrator (özel entegratör), which seals them
//! with the distributor's financial seal (mali mühür), delivers them and reports their status.
//!
//! [`Connector`] is the interface the product needs (send a document, ask its status); an
//! integrator whose API differs gets a connector of its own. [`RestIntegrator`] speaks the JSON
//! API below, which the bundled sandbox (`server/src/sandbox/integrator.rs`) serves:
//!
//! - `POST {base}/v1/invoices` with [`SendRequest`] → 201 and a [`StatusBody`], or 422 and a
//!   [`RefusalBody`] (the integrator or GİB refused the document). Sending an ETTN again answers
//!   with the document's current status: a retry never sends twice.
//! - `GET {base}/v1/invoices/{ettn}` → 200 and a [`StatusBody`].
//!
//! Both with HTTP basic authentication: the credentials are configuration, never logged.

use std::{future::Future, pin::Pin, sync::Arc, time::Duration};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::secrets::Concealed;

/// What the integrator gets: the document and the facts it routes it by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRequest {
    pub ettn: Uuid,
    pub invoice_number: String,
    /// `EARSIVFATURA`, `TEMELFATURA` or `TICARIFATURA`.
    pub profile: String,
    /// The buyer's VKN or TCKN.
    pub receiver: String,
    /// The UBL-TR document, unsigned.
    pub document: String,
}

/// Where a document is, as the integrator says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteState {
    /// Taken, on its way to GİB.
    Sent,
    /// Delivered to the buyer (e-Fatura) or reported (e-Arşiv).
    Delivered,
    /// TICARIFATURA: the buyer accepted it.
    Accepted,
    /// TICARIFATURA: the buyer rejected it.
    Rejected,
    /// GİB refused it after taking it.
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusBody {
    pub ettn: Uuid,
    pub status: RemoteState,
    /// The integrator's or GİB's code and message with the status (a rejection's reason).
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusalBody {
    pub code: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IntegratorError {
    /// The integrator (or GİB through it) refused the document: sending it again will not help.
    #[error("the integrator refused the document ({code}): {message}")]
    Refused { code: String, message: String },
    /// Unreachable, timed out, or a server error: worth trying again later.
    #[error("the integrator is not available: {0}")]
    Unavailable(String),
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An integrator, as the product uses one.
pub trait Connector: Send + Sync + 'static {
    fn send<'a>(&'a self, request: &'a SendRequest) -> BoxFuture<'a, Result<StatusBody, IntegratorError>>;
    fn status(&self, ettn: Uuid) -> BoxFuture<'_, Result<StatusBody, IntegratorError>>;
}

/// The configured integrator, cheap to clone.
#[derive(Clone)]
pub struct Integrator(Arc<dyn Connector>);

impl std::fmt::Debug for Integrator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Integrator(..)")
    }
}

impl Integrator {
    pub fn new(connector: impl Connector) -> Self {
        Self(Arc::new(connector))
    }

    pub async fn send(&self, request: &SendRequest) -> Result<StatusBody, IntegratorError> {
        self.0.send(request).await
    }

    pub async fn status(&self, ettn: Uuid) -> Result<StatusBody, IntegratorError> {
        self.0.status(ettn).await
    }
}

/// An integrator's account: the username, and the password that is never shown.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub username: String,
    pub password: Concealed,
}

/// The JSON API of the module's comment over HTTP.
pub struct RestIntegrator {
    base_url: String,
    credentials: Credentials,
    http: reqwest::Client,
}

impl RestIntegrator {
    pub fn new(base_url: &str, credentials: Credentials, timeout: Duration) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(timeout).build()?;
        Ok(Self { base_url: base_url.trim_end_matches('/').to_owned(), credentials, http })
    }

    fn authorised(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request.basic_auth(&self.credentials.username, Some(self.credentials.password.expose()))
    }

    async fn answer(response: Result<reqwest::Response, reqwest::Error>) -> Result<StatusBody, IntegratorError> {
        // The error's text names the URL only, never the credentials sent with it.
        let response = response.map_err(|e| IntegratorError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        if status.is_success() {
            return response.json::<StatusBody>().await.map_err(|e| IntegratorError::Unavailable(e.to_string()));
        }
        if status == reqwest::StatusCode::UNPROCESSABLE_ENTITY {
            let refusal =
                response.json::<RefusalBody>().await.map_err(|e| IntegratorError::Unavailable(e.to_string()))?;
            return Err(IntegratorError::Refused { code: refusal.code, message: refusal.message });
        }
        if matches!(status, reqwest::StatusCode::UNAUTHORIZED | reqwest::StatusCode::FORBIDDEN) {
            // Wrong credentials: nothing a retry fixes, but not the document's fault either; the
            // job keeps trying (with backoff) until an operator corrects the configuration.
            return Err(IntegratorError::Unavailable(format!("the integrator refused our credentials ({status})")));
        }
        Err(IntegratorError::Unavailable(format!("the integrator answered {status}")))
    }
}

impl Connector for RestIntegrator {
    fn send<'a>(&'a self, request: &'a SendRequest) -> BoxFuture<'a, Result<StatusBody, IntegratorError>> {
        Box::pin(async move {
            let url = format!("{}/v1/invoices", self.base_url);
            Self::answer(self.authorised(self.http.post(url)).json(request).send().await).await
        })
    }

    fn status(&self, ettn: Uuid) -> BoxFuture<'_, Result<StatusBody, IntegratorError>> {
        Box::pin(async move {
            let url = format!("{}/v1/invoices/{ettn}", self.base_url);
            Self::answer(self.authorised(self.http.get(url)).send().await).await
        })
    }
}
