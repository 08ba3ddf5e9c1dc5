//! Sending a webhook: the `deliver_webhook` job, one per delivery (an event for one endpoint) and
//! round ("Redeliver" starts a new round). Each attempt signs the message afresh (Standard
//! Webhooks: the timestamp is the attempt's, so a receiver can refuse old replays), posts it,
//! keeps what happened in the delivery log and, unless the endpoint answered 2xx, asks the job
//! engine to try again after a backoff that spreads the attempts over about a day.
//!
//! The attempt is idempotent from the receiver's side: every attempt of a message carries the
//! same `webhook-id`, which is how a receiver drops a delivery it already processed (an answer
//! lost on the way back, a job whose worker died after sending).
//!
//! Nothing secret reaches a log: not the secret, not the signature, not the body.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    address::{EndpointUrl, is_public},
    sealed_for,
    signature::{Secret, message_header, signature_header},
};
use crate::{
    jobs::{Job, JobError, JobRow},
    metering,
    secrets::SecretKey,
    webhooks::AttemptOutcome,
};

/// Delivers one message to one endpoint (one round of it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverWebhook {
    pub delivery_id: Uuid,
    /// Which round of the delivery this job is: "Redeliver" moves the delivery to the next one.
    pub round: i32,
}

impl Job for DeliverWebhook {
    const KIND: &'static str = "deliver_webhook";
    /// With the default backoff (5 s doubling, capped at 6 h) the 15 retries span about 23
    /// hours: a receiver down for most of a day still gets every event.
    const MAX_ATTEMPTS: i32 = 16;

    fn dedup_key(&self) -> Option<String> {
        Some(format!("{}:{}", self.delivery_id, self.round))
    }
}

/// The job rows of these deliveries' `round`, as `jsonb_populate_recordset(null::job, …)` reads them.
pub(super) fn job_rows(delivery_ids: &[Uuid], round: i32) -> Result<serde_json::Value, sqlx::Error> {
    let rows = delivery_ids
        .iter()
        .map(|&delivery_id| JobRow::of(&DeliverWebhook { delivery_id, round }).map(|row| row.json(Uuid::new_v4())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(serde_json::Value::Array(rows))
}

/// How deliveries are made (`CLOUDMARKET_WEBHOOK_*` in the server's configuration).
#[derive(Clone, Debug)]
pub struct DeliverySettings {
    /// Deliver to private, loopback and link-local addresses and over plain http (tests, demos).
    pub allow_private: bool,
    /// How long an endpoint has to answer.
    pub timeout: Duration,
    /// The first retry's delay; it doubles per attempt (with jitter) up to `retry_cap`.
    pub retry_base: Duration,
    pub retry_cap: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            allow_private: false,
            timeout: Duration::from_secs(15),
            retry_base: Duration::from_secs(5),
            retry_cap: Duration::from_secs(6 * 3600),
        }
    }
}

/// The start of an endpoint's answer kept in the log.
const EXCERPT_BYTES: usize = 1000;

/// Sends deliveries: one HTTP client (its connections reused) for the process.
#[derive(Clone)]
pub struct Deliverer {
    client: reqwest::Client,
    secrets: SecretKey,
    settings: DeliverySettings,
}

/// A name resolved to an address deliveries may not reach.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to {ip}, which is not a public address")]
struct AddressRefused {
    host: String,
    ip: std::net::IpAddr,
}

/// Resolves endpoint names for the HTTP client and refuses private answers: the check is made on
/// the very addresses the client then connects to, so a name whose DNS changes between the
/// check and the connection (rebinding) cannot slip through.
struct Resolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow_private && let Some(bad) = addresses.iter().find(|a| !is_public(a.ip())) {
                return Err(Box::new(AddressRefused { host, ip: bad.ip() }) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// What one attempt came to.
struct Attempt {
    outcome: AttemptOutcome,
    response_status: Option<i32>,
    took: Duration,
    excerpt: Option<String>,
    detail: Option<String>,
}

impl Attempt {
    fn without_request(outcome: AttemptOutcome, detail: String) -> Self {
        Self { outcome, response_status: None, took: Duration::ZERO, excerpt: None, detail: Some(detail) }
    }
}

struct Loaded {
    status: crate::webhooks::WebhookDeliveryStatus,
    round: i32,
    endpoint_id: Uuid,
    url: String,
    enabled: bool,
    secret: Vec<u8>,
    previous_secret: Option<Vec<u8>>,
    message_id: Uuid,
    body: String,
    message_created_at: OffsetDateTime,
}

impl Deliverer {
    pub fn new(secrets: SecretKey, settings: DeliverySettings) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            // A redirect is an answer that is not 2xx: following it would send the signed body
            // (and the request) somewhere the partner did not register.
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve the name itself, past the address check.
            .no_proxy()
            .dns_resolver(Arc::new(Resolver { allow_private: settings.allow_private }))
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .timeout(settings.timeout)
            .user_agent(concat!("cloudmarket-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, secrets, settings })
    }

    /// The job's handler. `attempt` and `max_attempts` are the job's: a failure on the last
    /// attempt marks the delivery failed.
    #[tracing::instrument(name = "webhook", skip_all, fields(delivery = %job.delivery_id, round = job.round, attempt))]
    pub async fn deliver(
        &self,
        pool: &PgPool,
        job: DeliverWebhook,
        attempt: i32,
        max_attempts: i32,
    ) -> Result<(), JobError> {
        let retry = |e: sqlx::Error| JobError::retryable(format!("database: {e}"));
        let loaded = sqlx::query_as!(
            Loaded,
            r#"select d.status as "status: crate::webhooks::WebhookDeliveryStatus", d.round, e.endpoint_id, e.url,
                      e.enabled, e.secret,
                      case when e.previous_secret_expires_at > now() then e.previous_secret end as previous_secret,
                      m.message_id, m.body, m.created_at as message_created_at
               from webhook_delivery d
               join webhook_endpoint e using (endpoint_id)
               join webhook_message m using (message_id)
               where d.delivery_id = $1"#,
            job.delivery_id
        )
        .fetch_optional(pool)
        .await
        .map_err(retry)?;
        // Gone with its endpoint, redelivered since (a later round's job sends it), or done.
        let Some(loaded) = loaded else { return Ok(()) };
        if loaded.round != job.round || loaded.status != crate::webhooks::WebhookDeliveryStatus::Pending {
            return Ok(());
        }
        let last = attempt >= max_attempts;
        let result = self.attempt(&loaded).await;
        let outcome = result.outcome;
        // Disabled, or no secret to sign with: trying again cannot help.
        let hopeless = matches!(outcome, AttemptOutcome::EndpointDisabled | AttemptOutcome::SecretUnavailable);
        let given_up = outcome != AttemptOutcome::Delivered && (last || hopeless);
        // Counted as soon as known: the attempt happened, whatever keeping it in the log meets.
        let metric = match (outcome, given_up) {
            (AttemptOutcome::Delivered, _) => metering::WebhookOutcome::Delivered,
            (_, true) => metering::WebhookOutcome::GivenUp,
            (_, false) => metering::WebhookOutcome::Retry,
        };
        metering::webhook_attempt(metric, result.took);
        if outcome == AttemptOutcome::Delivered {
            let waited = OffsetDateTime::now_utc() - loaded.message_created_at;
            metering::webhook_delivered(waited.try_into().unwrap_or_default());
        }
        record(pool, job.delivery_id, job.round, &result, given_up).await.map_err(retry)?;
        if outcome == AttemptOutcome::Delivered {
            tracing::info!(endpoint = %loaded.endpoint_id, status = ?result.response_status, "webhook delivered");
            return Ok(());
        }
        let message = format!(
            "{:?}{}{}",
            outcome,
            result.response_status.map(|s| format!(" {s}")).unwrap_or_default(),
            result.detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
        );
        if given_up {
            tracing::warn!(endpoint = %loaded.endpoint_id, %message, "webhook not delivered; given up");
            return Err(JobError::Fatal(message));
        }
        let after = crate::jobs::backoff(attempt, self.settings.retry_base, self.settings.retry_cap, rand_jitter());
        tracing::info!(endpoint = %loaded.endpoint_id, %message, retry_in = ?after, "webhook not delivered; retried later");
        Err(JobError::Retryable { message, after: Some(after) })
    }

    async fn attempt(&self, loaded: &Loaded) -> Attempt {
        if !loaded.enabled {
            return Attempt::without_request(AttemptOutcome::EndpointDisabled, "the endpoint is disabled".into());
        }
        let bound = sealed_for(loaded.endpoint_id);
        let Some(current) = self.secrets.open(&loaded.secret, &bound).as_deref().and_then(Secret::parse) else {
            return Attempt::without_request(
                AttemptOutcome::SecretUnavailable,
                "the signing secret does not open with this server's CLOUDMARKET_SECRET_KEY".into(),
            );
        };
        let mut secrets = vec![current];
        secrets.extend(
            loaded
                .previous_secret
                .as_deref()
                .and_then(|sealed| self.secrets.open(sealed, &bound))
                .and_then(|s| Secret::parse(&s)),
        );
        // Checked again as it is now: the setting may have changed since it was registered. A
        // name is checked by the resolver, on the addresses it connects to.
        let url = match EndpointUrl::parse(&loaded.url, self.settings.allow_private) {
            Ok(url) => url,
            Err(refusal) => {
                return Attempt::without_request(
                    AttemptOutcome::AddressRefused,
                    refusal.render(crate::i18n::Locale::En),
                );
            }
        };
        let message_id = message_header(loaded.message_id);
        let timestamp = OffsetDateTime::now_utc().unix_timestamp();
        let signature = signature_header(&secrets, &message_id, timestamp, &loaded.body);
        let started = std::time::Instant::now();
        let sent = self
            .client
            .post(url.url().clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(loaded.body.clone())
            .send()
            .await;
        match sent {
            Ok(response) => {
                let status = response.status();
                let excerpt = excerpt(response).await;
                Attempt {
                    outcome: if status.is_success() { AttemptOutcome::Delivered } else { AttemptOutcome::HttpError },
                    response_status: Some(i32::from(status.as_u16())),
                    took: started.elapsed(),
                    excerpt,
                    detail: None,
                }
            }
            Err(err) => {
                let refused = refusal_in(&err);
                Attempt {
                    outcome: if refused.is_some() {
                        AttemptOutcome::AddressRefused
                    } else {
                        AttemptOutcome::Unreachable
                    },
                    response_status: None,
                    took: started.elapsed(),
                    excerpt: None,
                    detail: Some(refused.unwrap_or_else(|| describe(&err))),
                }
            }
        }
    }
}

fn rand_jitter() -> f64 {
    use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
    f64::from(OsRng.next_u32()) / f64::from(u32::MAX)
}

/// The resolver's refusal, if that is why the request failed.
fn refusal_in(err: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<AddressRefused>() {
            return Some(refused.to_string());
        }
        source = e.source();
    }
    None
}

/// What went wrong, as the HTTP client tells it (the chain of causes, the innermost last).
fn describe(err: &reqwest::Error) -> String {
    let mut parts = vec![if err.is_timeout() { "timed out".to_owned() } else { err.without_url_text() }];
    let mut source = std::error::Error::source(err);
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    clip(&parts.join(": "), EXCERPT_BYTES)
}

trait WithoutUrl {
    fn without_url_text(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    /// The error without the URL reqwest appends: the log shows the endpoint already.
    fn without_url_text(&self) -> String {
        let text = self.to_string();
        match self.url() {
            Some(url) => text.replace(&format!(" ({url})"), "").replace(&format!(" for url ({url})"), ""),
            None => text,
        }
    }
}

/// The start of the answer's body, read no further than needed.
async fn excerpt(mut response: reqwest::Response) -> Option<String> {
    let mut bytes = Vec::new();
    while bytes.len() < EXCERPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let text = clip(&String::from_utf8_lossy(&bytes), EXCERPT_BYTES);
    (!text.trim().is_empty()).then_some(text)
}

/// At most `max` bytes of `text`, cut at a character boundary, control characters but line
/// breaks and tabs left out (the log shows it as text).
fn clip(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')) {
        if out.len() + c.len_utf8() > max {
            break;
        }
        out.push(c);
    }
    out
}

/// Keeps the attempt in the log and moves the delivery on: succeeded, failed (given up), or
/// still pending for the next attempt. A delivery redelivered meanwhile keeps its new round's
/// status; the attempt is still logged, since it was made.
async fn record(
    pool: &PgPool,
    delivery_id: Uuid,
    round: i32,
    attempt: &Attempt,
    given_up: bool,
) -> Result<(), sqlx::Error> {
    let took_ms = i32::try_from(attempt.took.as_millis()).unwrap_or(i32::MAX);
    sqlx::query!(
        r#"with attempt as (
               insert into webhook_attempt (delivery_id, outcome, response_status, duration_ms, response_excerpt, detail)
               values ($1, $3, $4, $5, $6, $7)
           )
           update webhook_delivery
           set attempts = attempts + 1, last_attempt_at = now(),
               status = case when round <> $2 then status
                             when $3 = 'delivered'::webhook_attempt_outcome then 'succeeded'::webhook_delivery_status
                             when $8 then 'failed'::webhook_delivery_status
                             else status end,
               delivered_at = case when round = $2 and $3 = 'delivered'::webhook_attempt_outcome then now()
                                   else delivered_at end
           where delivery_id = $1"#,
        delivery_id,
        round,
        attempt.outcome as AttemptOutcome,
        attempt.response_status,
        took_ms,
        attempt.excerpt.as_deref(),
        attempt.detail.as_deref().map(|d| clip(d, EXCERPT_BYTES)),
        given_up
    )
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_round_is_one_job() {
        let id = Uuid::from_u128(5);
        assert_eq!(DeliverWebhook { delivery_id: id, round: 2 }.dedup_key().unwrap(), format!("{id}:2"));
        let rows = job_rows(&[id], 1).unwrap();
        assert_eq!(rows[0]["kind"], "deliver_webhook");
        assert_eq!(rows[0]["payload"], serde_json::json!({ "delivery_id": id, "round": 1 }));
        assert_eq!(rows[0]["dedup_key"], format!("{id}:1"));
    }

    #[test]
    fn retries_span_about_a_day() {
        let settings = DeliverySettings::default();
        let total: Duration = (1..DeliverWebhook::MAX_ATTEMPTS)
            .map(|attempt| crate::jobs::backoff(attempt, settings.retry_base, settings.retry_cap, 0.5))
            .sum();
        let hours = total.as_secs_f64() / 3600.0;
        assert!((20.0..30.0).contains(&hours), "{hours} hours of retries");
    }

    /// The defence against DNS rebinding: the names the HTTP client connects to are resolved
    /// here, and an answer on the server's own network fails the request.
    #[tokio::test]
    async fn the_resolver_refuses_names_that_resolve_to_private_addresses() {
        use reqwest::dns::Resolve;
        let name: reqwest::dns::Name = "localhost".parse().unwrap();
        let refused = Resolver { allow_private: false }.resolve(name).await.err().expect("refused");
        assert!(refused.downcast_ref::<AddressRefused>().is_some(), "{refused}");
        let name: reqwest::dns::Name = "localhost".parse().unwrap();
        let allowed: Vec<SocketAddr> = Resolver { allow_private: true }.resolve(name).await.unwrap().collect();
        assert!(allowed.iter().all(|a| a.ip().is_loopback()) && !allowed.is_empty());
    }

    #[test]
    fn excerpts_are_clipped_text() {
        assert_eq!(clip("ok\u{0}\u{1b}[31m!", 100), "ok[31m!");
        assert_eq!(clip("çççç", 5), "çç");
        assert_eq!(clip("line\nnext", 100), "line\nnext");
    }
}
