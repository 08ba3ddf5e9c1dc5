//! What the product counts for operators, named in one place (server only). Code that does the
//! work calls these; `server` installs the Prometheus recorder and serves `/metrics`. Without a
//! recorder (unit tests, tools) every call is a no-op.
//!
//! Labels are bounded on purpose: routes as the router matched them, server functions by their
//! registered path, Partner Center outcomes by its error code, job kinds by their Rust type. A
//! value a client can choose (an id, a raw path) never becomes a label, or one request could
//! create millions of series.

use std::time::Duration;

use metrics::{counter, gauge, histogram};

pub const HTTP_REQUESTS: &str = "cloudmarket_http_requests_total";
pub const HTTP_DURATION: &str = "cloudmarket_http_request_duration_seconds";
pub const SERVER_FN_CALLS: &str = "cloudmarket_server_function_calls_total";
pub const SERVER_FN_DURATION: &str = "cloudmarket_server_function_duration_seconds";
pub const JOB_RUNS: &str = "cloudmarket_job_runs_total";
pub const JOB_DURATION: &str = "cloudmarket_job_run_duration_seconds";
pub const JOB_RETRIES: &str = "cloudmarket_job_retries_total";
pub const JOBS_DEAD: &str = "cloudmarket_jobs_dead_total";
pub const JOBS_WAITING: &str = "cloudmarket_jobs";
pub const JOB_OLDEST_AGE: &str = "cloudmarket_job_oldest_age_seconds";
pub const OUTBOX_MAILS: &str = "cloudmarket_outbox_mails";
pub const OUTBOX_OLDEST_PENDING_AGE: &str = "cloudmarket_outbox_oldest_pending_age_seconds";
pub const MAIL_DELIVERY_LATENCY: &str = "cloudmarket_mail_delivery_latency_seconds";
pub const PARTNER_CENTER_CALLS: &str = "cloudmarket_partner_center_calls_total";
pub const PARTNER_CENTER_DURATION: &str = "cloudmarket_partner_center_call_duration_seconds";
pub const LIVE_STREAMS_OPEN: &str = "cloudmarket_live_streams_open";
pub const DB_POOL_CONNECTIONS: &str = "cloudmarket_db_pool_connections";
pub const DB_POOL_MAX: &str = "cloudmarket_db_pool_max_connections";
pub const SIGN_IN_FAILURES: &str = "cloudmarket_sign_in_failures_total";
pub const SIGN_IN_THROTTLED: &str = "cloudmarket_sign_in_throttled_total";
// Webhooks (issue #17).
pub const WEBHOOK_ATTEMPTS: &str = "cloudmarket_webhook_deliveries_total";
pub const WEBHOOK_ATTEMPT_DURATION: &str = "cloudmarket_webhook_delivery_duration_seconds";
pub const WEBHOOK_DELIVERY_LATENCY: &str = "cloudmarket_webhook_delivery_latency_seconds";

/// Every metric with its help text, for the recorder to describe once at start. Histograms are
/// in seconds; gauges read from the database are the same on every process (they describe the
/// shared queue), counters and histograms are this process's own.
pub const DESCRIPTIONS: &[(&str, &str)] = &[
    (HTTP_REQUESTS, "HTTP requests answered, by matched route, method and status."),
    (HTTP_DURATION, "Time to answer an HTTP request (to its headers), by matched route and method."),
    (SERVER_FN_CALLS, "Server-function calls, by function path and status."),
    (SERVER_FN_DURATION, "Time to answer a server-function call, by function path."),
    (
        JOB_RUNS,
        "Background job attempts finished here, by kind and outcome (succeeded, retry, dead, lease_lost: stopped because the lease was lost).",
    ),
    (JOB_DURATION, "Time one attempt of a background job ran, by kind."),
    (JOB_RETRIES, "Job attempts that failed and were put back in the queue, by kind."),
    (JOBS_DEAD, "Jobs that failed for good (fatal error or attempts exhausted) here, by kind."),
    (JOBS_WAITING, "Jobs in the shared queue by kind and state (queued, running, dead), read at scrape."),
    (JOB_OLDEST_AGE, "Age of the oldest job by kind and state, read at scrape."),
    (OUTBOX_MAILS, "Mails in the outbox by status (pending, failed), read at scrape."),
    (OUTBOX_OLDEST_PENDING_AGE, "Age of the oldest mail not yet delivered, read at scrape."),
    (MAIL_DELIVERY_LATENCY, "Time from a mail being written to the outbox to its delivery."),
    (PARTNER_CENTER_CALLS, "Partner Center calls, by operation and outcome (ok, its error code, unavailable)."),
    (PARTNER_CENTER_DURATION, "Time a Partner Center call took, by operation."),
    (LIVE_STREAMS_OPEN, "Live progress streams open on this process."),
    (DB_POOL_CONNECTIONS, "This process's database connections by state (in_use, idle)."),
    (DB_POOL_MAX, "The most database connections this process opens."),
    (SIGN_IN_FAILURES, "Sign-ins refused for a wrong address or password."),
    (
        SIGN_IN_THROTTLED,
        "Sign-ins refused before checking, by reason (client: too many from one IP; address: slowed down).",
    ),
    (
        WEBHOOK_ATTEMPTS,
        "Webhook delivery attempts made here, by outcome (delivered; retry: failed, tried again later; given_up).",
    ),
    (WEBHOOK_ATTEMPT_DURATION, "Time a webhook delivery attempt took, to the endpoint's answer (or the failure)."),
    (WEBHOOK_DELIVERY_LATENCY, "Time from an event's commit to its delivery to an endpoint (2xx), retries included."),
];

pub fn http_request(route: String, method: String, status: u16, took: Duration) {
    counter!(HTTP_REQUESTS, "route" => route.clone(), "method" => method.clone(), "status" => status.to_string())
        .increment(1);
    histogram!(HTTP_DURATION, "route" => route, "method" => method).record(took.as_secs_f64());
}

pub fn server_function(path: &'static str, status: u16, took: Duration) {
    counter!(SERVER_FN_CALLS, "function" => path, "status" => status.to_string()).increment(1);
    histogram!(SERVER_FN_DURATION, "function" => path).record(took.as_secs_f64());
}

/// How one attempt of a job ended, as the queue recorded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    Succeeded,
    Retry,
    Dead,
    /// Stopped by its worker: the lease was lost or could not be renewed in time, so another
    /// worker runs the job (a figure operators want at 0; more means an overloaded database).
    LeaseLost,
}

impl JobOutcome {
    fn label(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Retry => "retry",
            Self::Dead => "dead",
            Self::LeaseLost => "lease_lost",
        }
    }
}

pub fn job_attempt(kind: &str, outcome: JobOutcome, took: Duration) {
    let kind = kind.to_owned();
    counter!(JOB_RUNS, "kind" => kind.clone(), "outcome" => outcome.label()).increment(1);
    histogram!(JOB_DURATION, "kind" => kind.clone()).record(took.as_secs_f64());
    match outcome {
        JobOutcome::Retry => counter!(JOB_RETRIES, "kind" => kind).increment(1),
        JobOutcome::Dead => counter!(JOBS_DEAD, "kind" => kind).increment(1),
        JobOutcome::Succeeded | JobOutcome::LeaseLost => {}
    }
}

pub fn mail_delivered(latency: Duration) {
    histogram!(MAIL_DELIVERY_LATENCY).record(latency.as_secs_f64());
}

/// A Partner Center call's outcome: `ok`, the code it refused with, or `unavailable` (timeout,
/// throttling, 5xx).
pub fn partner_center_call(operation: &'static str, outcome: String, took: Duration) {
    counter!(PARTNER_CENTER_CALLS, "operation" => operation, "outcome" => outcome).increment(1);
    histogram!(PARTNER_CENTER_DURATION, "operation" => operation).record(took.as_secs_f64());
}

pub fn live_stream_opened() {
    gauge!(LIVE_STREAMS_OPEN).increment(1.0);
}

pub fn live_stream_closed() {
    gauge!(LIVE_STREAMS_OPEN).decrement(1.0);
}

pub fn sign_in_failed() {
    counter!(SIGN_IN_FAILURES).increment(1);
}

/// `client`: too many attempts from one IP address; `address`: one address slowed down.
pub fn sign_in_throttled(reason: &'static str) {
    counter!(SIGN_IN_THROTTLED, "reason" => reason).increment(1);
}

/// How a webhook delivery attempt ended, as operators count it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebhookOutcome {
    Delivered,
    /// It failed and is tried again later.
    Retry,
    /// It failed for good: out of attempts, or it cannot be sent.
    GivenUp,
}

impl WebhookOutcome {
    fn label(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::Retry => "retry",
            Self::GivenUp => "given_up",
        }
    }
}

pub fn webhook_attempt(outcome: WebhookOutcome, took: Duration) {
    counter!(WEBHOOK_ATTEMPTS, "outcome" => outcome.label()).increment(1);
    histogram!(WEBHOOK_ATTEMPT_DURATION).record(took.as_secs_f64());
}

pub fn webhook_delivered(latency: Duration) {
    histogram!(WEBHOOK_DELIVERY_LATENCY).record(latency.as_secs_f64());
}
