//! Fault injection for the sandbox API (SPEC §3): latency on every call, and at a given rate a
//! throttle (429 with `Retry-After`), a server error (500/503) or a timeout (the answer held
//! past the connector's patience). This is how the product's retries and its idempotency per
//! MS-RequestId are exercised: some faults strike before the sandbox does anything, others only
//! after it has committed the write, which is the case where a careless retry would create a
//! second tenant or subscription.
//!
//! The settings start from the configuration and can be changed at runtime with
//! `PUT /sandbox/faults`, so tests and demos need no restart.

use std::{
    sync::{Arc, RwLock},
    time::Duration,
};

use axum::{
    Json,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// A kind of fault the sandbox can inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// 429 Too Many Requests with a `Retry-After` header, before anything is done.
    Throttle,
    /// 503 before anything is done, or 500 after a write was committed.
    Error,
    /// The call is carried out, then its answer is held past the connector's timeout.
    Timeout,
}

/// The fault settings in force. Serialised as the body of `GET`/`PUT /sandbox/faults`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Faults {
    /// Share of API calls that fail, 0.0 to 1.0.
    pub rate: f64,
    /// Added to every API call, faulty or not.
    pub latency_ms: u64,
    /// What a faulty call draws from; empty means no faults whatever the rate.
    pub kinds: Vec<FaultKind>,
    /// The `Retry-After` a throttled call carries.
    pub retry_after_secs: u64,
    /// How long a timed-out call is held: longer than the connector waits.
    pub hold_ms: u64,
}

impl Faults {
    pub fn none(hold_ms: u64) -> Self {
        Self { rate: 0.0, latency_ms: 0, kinds: all_kinds(), retry_after_secs: 1, hold_ms }
    }
}

pub fn all_kinds() -> Vec<FaultKind> {
    vec![FaultKind::Throttle, FaultKind::Error, FaultKind::Timeout]
}

/// The rate accepted for faults: a share of calls.
pub fn parse_rate(raw: &str) -> Result<f64, String> {
    let rate: f64 = raw.trim().parse().map_err(|_| format!("{raw:?} is not a number"))?;
    if (0.0..=1.0).contains(&rate) { Ok(rate) } else { Err(format!("{rate} is not between 0.0 and 1.0")) }
}

/// The settings shared by the fault layer and the runtime switch. A std lock is enough: it is
/// never held across an await.
#[derive(Clone)]
pub struct FaultSwitch(Arc<RwLock<Faults>>);

impl FaultSwitch {
    pub fn new(faults: Faults) -> Self {
        Self(Arc::new(RwLock::new(faults)))
    }

    pub fn get(&self) -> Faults {
        // A panic while holding the lock cannot leave a half-written `Faults`: take it anyway.
        self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn set(&self, faults: Faults) {
        *self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner) = faults;
    }
}

/// A change of settings; fields left out keep their value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultsChange {
    rate: Option<f64>,
    latency_ms: Option<u64>,
    kinds: Option<Vec<FaultKind>>,
    retry_after_secs: Option<u64>,
    hold_ms: Option<u64>,
}

/// `GET /sandbox/faults`
pub async fn show(State(switch): State<FaultSwitch>) -> Json<Faults> {
    Json(switch.get())
}

/// `PUT /sandbox/faults`
pub async fn change(State(switch): State<FaultSwitch>, Json(change): Json<FaultsChange>) -> Response {
    let mut faults = switch.get();
    if let Some(rate) = change.rate {
        if !(0.0..=1.0).contains(&rate) {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({ "error": "rate must be between 0.0 and 1.0" })),
            )
                .into_response();
        }
        faults.rate = rate;
    }
    if let Some(latency_ms) = change.latency_ms {
        faults.latency_ms = latency_ms;
    }
    if let Some(kinds) = change.kinds {
        faults.kinds = kinds;
    }
    if let Some(retry_after_secs) = change.retry_after_secs {
        faults.retry_after_secs = retry_after_secs;
    }
    if let Some(hold_ms) = change.hold_ms {
        faults.hold_ms = hold_ms;
    }
    tracing::info!(?faults, "sandbox faults changed");
    switch.set(faults.clone());
    Json(faults).into_response()
}

/// Where in a call a fault strikes.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    Pass,
    Throttle,
    Unavailable,
    ErrorAfterWrite,
    TimeoutAfterWrite,
}

fn plan(faults: &Faults, rng: &mut impl Rng) -> Plan {
    if faults.kinds.is_empty() || faults.rate <= 0.0 || !rng.gen_bool(faults.rate.min(1.0)) {
        return Plan::Pass;
    }
    match faults.kinds[rng.gen_range(0..faults.kinds.len())] {
        FaultKind::Throttle => Plan::Throttle,
        // Half before the work and half after it: both happen at the real service.
        FaultKind::Error if rng.gen_bool(0.5) => Plan::Unavailable,
        FaultKind::Error => Plan::ErrorAfterWrite,
        FaultKind::Timeout => Plan::TimeoutAfterWrite,
    }
}

/// The layer in front of the sandbox API.
pub async fn inject(State(switch): State<FaultSwitch>, request: Request, next: Next) -> Response {
    let faults = switch.get();
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    let plan = plan(&faults, &mut rand::thread_rng());
    let call = format!("{} {}", request.method(), request.uri().path());
    if plan != Plan::Pass {
        tracing::info!(call, ?plan, "sandbox injects a fault");
    }
    match plan {
        Plan::Pass => next.run(request).await,
        Plan::Throttle => {
            let mut response = (StatusCode::TOO_MANY_REQUESTS, "Rate limit is exceeded.").into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(faults.retry_after_secs));
            response
        }
        Plan::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "The service is unavailable.").into_response(),
        Plan::ErrorAfterWrite => {
            // The call is carried out (a write is committed) and only its answer is lost.
            let _done = next.run(request).await;
            (StatusCode::INTERNAL_SERVER_ERROR, "An internal error occurred.").into_response()
        }
        Plan::TimeoutAfterWrite => {
            let done = next.run(request).await;
            // The connector has given up by now; if it is still there it gets the late answer.
            tokio::time::sleep(Duration::from_millis(faults.hold_ms)).await;
            done
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{SeedableRng, rngs::StdRng};

    #[test]
    fn the_rate_must_be_a_share() {
        assert_eq!(parse_rate("0.5"), Ok(0.5));
        assert_eq!(parse_rate("0"), Ok(0.0));
        assert_eq!(parse_rate("1"), Ok(1.0));
        assert!(parse_rate("1.5").is_err());
        assert!(parse_rate("-0.1").is_err());
        assert!(parse_rate("NaN").is_err());
        assert!(parse_rate("half").is_err());
    }

    #[test]
    fn no_faults_without_a_rate_or_kinds() {
        let mut rng = StdRng::seed_from_u64(7);
        let off = Faults::none(100);
        let no_kinds = Faults { rate: 1.0, kinds: vec![], ..Faults::none(100) };
        for _ in 0..100 {
            assert_eq!(plan(&off, &mut rng), Plan::Pass);
            assert_eq!(plan(&no_kinds, &mut rng), Plan::Pass);
        }
    }

    #[test]
    fn a_full_rate_always_draws_from_the_chosen_kinds() {
        let mut rng = StdRng::seed_from_u64(7);
        let throttle = Faults { rate: 1.0, kinds: vec![FaultKind::Throttle], ..Faults::none(100) };
        let timeout = Faults { rate: 1.0, kinds: vec![FaultKind::Timeout], ..Faults::none(100) };
        for _ in 0..100 {
            assert_eq!(plan(&throttle, &mut rng), Plan::Throttle);
            assert_eq!(plan(&timeout, &mut rng), Plan::TimeoutAfterWrite);
        }
    }
}
