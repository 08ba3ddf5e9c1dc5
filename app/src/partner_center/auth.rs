//! Entra ID access tokens for Partner Center (server only). Every call carries a bearer token for
//! the audience `https://api.partnercenter.microsoft.com`: an app-only token (client credentials)
//! for the calls that allow one, and an App+User token (the secure application model: a refresh
//! token obtained once, by a person, with MFA) for the ones that act on a customer. Tokens are
//! cached until shortly before they expire; a concurrent caller waits for the one fetch instead of
//! starting another.

use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::Mutex;

use super::PartnerCenterError;

/// The audience every Partner Center token is for (graph.windows.net was retired in 2025).
pub const AUDIENCE: &str = "https://api.partnercenter.microsoft.com";
/// What the token endpoint is asked for: every permission the app was granted for Partner Center.
const SCOPE: &str = "https://api.partnercenter.microsoft.com/.default";

/// A value that must never be logged: its `Debug` and `Display` say only that it is there.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(redacted)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// Who the marketplace is to Entra ID: the partner's tenant and the app registered in it.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// Where tokens come from: `https://login.microsoftonline.com`, or the sandbox's stand-in.
    pub authority: String,
    /// The partner's (the distributor's) Entra tenant: its id or a verified domain.
    pub tenant: String,
    pub app_id: String,
    pub app_secret: Secret,
    /// The App+User refresh token, consented once by a partner admin signing in with MFA.
    /// Without it the calls that need a user are refused with what to configure.
    pub refresh_token: Option<Secret>,
}

/// The sandbox's app registration and refresh tokens (documented in the README's sandbox
/// fixtures): a demo or test marketplace runs authenticated without any set-up.
pub mod sandbox {
    pub const TENANT: &str = "sandbox-distributor.onmicrosoft.com";
    pub const APP_ID: &str = "6f0c1d9e-5b7a-4c1e-9d3f-2a8b7c6d5e40";
    pub const APP_SECRET: &str = "sandbox-app-secret";
    /// Consented with MFA: App+User calls pass.
    pub const REFRESH_TOKEN: &str = "sandbox-refresh-token-mfa";
    /// Consented without MFA: App+User calls are refused with 900421.
    pub const REFRESH_TOKEN_WITHOUT_MFA: &str = "sandbox-refresh-token-no-mfa";
}

impl Credentials {
    /// The sandbox's own registration, its token endpoint under `base_url` (the sandbox's URL).
    pub fn sandbox(base_url: &str) -> Self {
        Self {
            authority: format!("{}/entra", base_url.trim_end_matches('/')),
            tenant: sandbox::TENANT.to_owned(),
            app_id: sandbox::APP_ID.to_owned(),
            app_secret: Secret::new(sandbox::APP_SECRET),
            refresh_token: Some(Secret::new(sandbox::REFRESH_TOKEN)),
        }
    }

    fn token_url(&self) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.authority.trim_end_matches('/'), self.tenant)
    }
}

/// Which kind of token a call needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    App,
    AppUser,
}

struct Cached {
    token: String,
    /// When it is fetched again: a little before it expires, so no call sets out with a token
    /// that dies on the way.
    renew_at: Instant,
}

/// Fetches and caches the two kinds of token.
pub struct Tokens {
    credentials: Credentials,
    app: Mutex<Option<Cached>>,
    app_user: Mutex<Option<Cached>>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: u64,
}

/// Entra's error body (`AADSTS…` codes in the description).
#[derive(Deserialize)]
struct TokenRefusal {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// When a token with this lifetime is fetched again: 5 minutes before it expires, or at nine
/// tenths of a short one.
fn renew_after(lifetime: Duration) -> Duration {
    lifetime.saturating_sub((lifetime / 10).min(Duration::from_secs(300)))
}

impl Tokens {
    pub fn new(credentials: Credentials) -> Self {
        Self { credentials, app: Mutex::new(None), app_user: Mutex::new(None) }
    }

    fn slot(&self, access: Access) -> &Mutex<Option<Cached>> {
        match access {
            Access::App => &self.app,
            Access::AppUser => &self.app_user,
        }
    }

    /// A token for `access`: the cached one while it is fresh, else a new one.
    pub async fn get(&self, http: &reqwest::Client, access: Access) -> Result<String, PartnerCenterError> {
        let mut slot = self.slot(access).lock().await;
        if let Some(cached) = slot.as_ref().filter(|c| Instant::now() < c.renew_at) {
            return Ok(cached.token.clone());
        }
        let fetched_at = Instant::now();
        let answer = self.fetch(http, access).await?;
        let lifetime = Duration::from_secs(answer.expires_in);
        *slot = Some(Cached { token: answer.access_token.clone(), renew_at: fetched_at + renew_after(lifetime) });
        Ok(answer.access_token)
    }

    /// Forgets `token` if it is still the cached one: Partner Center said it is no longer good
    /// (revoked, or the clocks disagree), so the next call fetches another.
    pub async fn forget(&self, access: Access, token: &str) {
        let mut slot = self.slot(access).lock().await;
        if slot.as_ref().is_some_and(|c| c.token == token) {
            *slot = None;
        }
    }

    async fn fetch(&self, http: &reqwest::Client, access: Access) -> Result<TokenAnswer, PartnerCenterError> {
        let c = &self.credentials;
        let mut form =
            vec![("client_id", c.app_id.as_str()), ("client_secret", c.app_secret.expose()), ("scope", SCOPE)];
        match access {
            Access::App => form.push(("grant_type", "client_credentials")),
            Access::AppUser => {
                let Some(refresh) = &c.refresh_token else {
                    return Err(PartnerCenterError::Unauthorized {
                        code: 401,
                        description: "this call acts for a partner user, and no App+User refresh token is \
                                      configured (CLOUDMARKET_PARTNER_CENTER_REFRESH_TOKEN)"
                            .to_owned(),
                    });
                };
                form.extend([("grant_type", "refresh_token"), ("refresh_token", refresh.expose())]);
            }
        }
        let response = http.post(c.token_url()).form(&form).send().await.map_err(|e| {
            PartnerCenterError::Unavailable { message: format!("Entra ID token endpoint: {e}"), retry_after: None }
        })?;
        let status = response.status();
        if status.is_success() {
            return response.json::<TokenAnswer>().await.map_err(|e| PartnerCenterError::Unavailable {
                message: format!("Entra ID token endpoint answered something else than a token: {e}"),
                retry_after: None,
            });
        }
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(PartnerCenterError::Unavailable {
                message: format!("Entra ID token endpoint: HTTP {status}"),
                retry_after: None,
            });
        }
        // A wrong secret, an expired or revoked refresh token, an app not consented: a person has
        // to fix the configuration, and retrying will not.
        let refusal = response.json::<TokenRefusal>().await.ok();
        Err(PartnerCenterError::Unauthorized {
            code: i64::from(status.as_u16()),
            description: match refusal {
                Some(r) => format!("Entra ID refused a token: {} ({})", r.error, r.error_description),
                None => format!("Entra ID refused a token (HTTP {status})"),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_not_in_debug_output() {
        let credentials = Credentials::sandbox("http://127.0.0.1:3000/sandbox");
        let shown = format!("{credentials:?}");
        assert!(!shown.contains(sandbox::APP_SECRET), "{shown}");
        assert!(!shown.contains(sandbox::REFRESH_TOKEN), "{shown}");
        assert!(shown.contains(sandbox::APP_ID), "the app id is not a secret: {shown}");
    }

    #[test]
    fn tokens_are_renewed_before_they_expire() {
        assert_eq!(renew_after(Duration::from_secs(3600)), Duration::from_secs(3300));
        assert_eq!(renew_after(Duration::from_secs(60)), Duration::from_secs(54));
        assert_eq!(renew_after(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn the_sandbox_token_endpoint_is_under_the_sandbox() {
        let credentials = Credentials::sandbox("http://127.0.0.1:3000/sandbox/");
        assert_eq!(
            credentials.token_url(),
            "http://127.0.0.1:3000/sandbox/entra/sandbox-distributor.onmicrosoft.com/oauth2/v2.0/token"
        );
    }
}
