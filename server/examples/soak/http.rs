//! The browser the simulated people use: a cookie jar, our Origin on every post, server functions
//! called the way the hydrated app calls them, and a client's retries. Every answer any node gave
//! is counted here, so the report can say how many were 5xx and which.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use rand::Rng;
use reqwest::{Client, StatusCode, header};
use serde_json::Value;

/// The web nodes' base URLs (`http://127.0.0.1:PORT`); a client picks one per request, as a load
/// balancer without health checks would, and tries another when one does not answer.
pub struct Nodes {
    pub bases: Vec<String>,
}

impl Nodes {
    pub fn random(&self) -> usize {
        rand::thread_rng().gen_range(0..self.bases.len())
    }
}

/// A 5xx answer, kept with where and when it came.
#[derive(Clone, Debug)]
pub struct ServerError {
    pub at: Duration,
    pub node: usize,
    pub what: String,
    pub status: u16,
    pub body: String,
}

#[derive(Default)]
struct Counts {
    by_status: BTreeMap<u16, u64>,
    /// Requests that got no answer (connection refused or reset, a node killed mid-request).
    unanswered: u64,
    /// Requests retried because the answer said "later" (503, Partner Center unreachable, 429).
    deferred: u64,
    server_errors: Vec<ServerError>,
}

/// Every answer of every node, as the clients saw them.
pub struct Tally {
    started: Instant,
    counts: Mutex<Counts>,
}

impl Tally {
    pub fn new(started: Instant) -> Self {
        Self { started, counts: Mutex::default() }
    }

    fn answered(&self, node: usize, what: &str, status: StatusCode, body: &str) {
        let mut counts = self.counts.lock().expect("tally");
        *counts.by_status.entry(status.as_u16()).or_default() += 1;
        if status.is_server_error() {
            counts.server_errors.push(ServerError {
                at: self.started.elapsed(),
                node,
                what: what.to_owned(),
                status: status.as_u16(),
                body: body.chars().take(300).collect(),
            });
        }
    }

    fn unanswered(&self) {
        self.counts.lock().expect("tally").unanswered += 1;
    }

    fn deferred(&self) {
        self.counts.lock().expect("tally").deferred += 1;
    }

    pub fn requests(&self) -> u64 {
        let counts = self.counts.lock().expect("tally");
        counts.by_status.values().sum::<u64>() + counts.unanswered
    }

    pub fn unanswered_count(&self) -> u64 {
        self.counts.lock().expect("tally").unanswered
    }

    pub fn deferred_count(&self) -> u64 {
        self.counts.lock().expect("tally").deferred
    }

    pub fn server_errors(&self) -> Vec<ServerError> {
        self.counts.lock().expect("tally").server_errors.clone()
    }

    pub fn by_status(&self) -> BTreeMap<u16, u64> {
        self.counts.lock().expect("tally").by_status.clone()
    }

    /// An answer to a request that is not a server function (the event stream).
    pub fn record(&self, node: usize, what: &str, status: StatusCode, body: &str) {
        self.answered(node, what, status, body);
    }

    pub fn record_unanswered(&self) {
        self.unanswered();
    }
}

/// What a server function answered in the end.
#[derive(Debug)]
pub enum Answer {
    Ok(Value),
    /// A business refusal (4xx): its status and message key (`AlreadyHasLicences`, …).
    Refused {
        status: u16,
        key: String,
    },
}

/// The final answer to a call, and whether an earlier try may have done the work already (it
/// got no answer, or a 5xx): then a refusal such as "a change is already under way" is that
/// earlier try's success seen from the retry.
#[derive(Debug)]
pub struct Reply {
    pub answer: Answer,
    pub retried_after_loss: bool,
}

impl Reply {
    pub fn is_ok(&self) -> bool {
        matches!(self.answer, Answer::Ok(_))
    }

    /// Refused with one of `keys`.
    pub fn refused_with(&self, keys: &[&str]) -> bool {
        matches!(&self.answer, Answer::Refused { key, .. } if keys.contains(&key.as_str()))
    }
}

/// One attempt's outcome.
enum Attempt {
    Answered(Answer),
    /// Worth another try: no answer, or an answer that says "later". `lost`: the request may
    /// have been carried out all the same.
    Again {
        wait: Duration,
        lost: bool,
    },
}

/// How long a client keeps retrying one call before it gives up (the report counts give-ups).
pub const PATIENCE: Duration = Duration::from_secs(240);

/// The message key of an `AppError` body (`{"Conflict":{"key":…}}`, `{"Invalid":[{"key":…}]}`).
pub fn error_key(body: &Value) -> Option<String> {
    match body {
        Value::Object(map) => {
            map.get("key").and_then(Value::as_str).map(str::to_owned).or_else(|| map.values().find_map(error_key))
        }
        Value::Array(items) => items.iter().find_map(error_key),
        _ => None,
    }
}

/// A browser: its own cookie jar (one session), shared by every node since they share the
/// sessions table, as behind a load balancer.
#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    nodes: Arc<Nodes>,
    tally: Arc<Tally>,
}

impl Browser {
    pub fn new(nodes: Arc<Nodes>, tally: Arc<Tally>) -> Self {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(2))
            // A node that stops answering is treated as gone; the call goes to another.
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        Self { client, nodes, tally }
    }

    pub fn nodes(&self) -> &Nodes {
        &self.nodes
    }

    /// Calls a server function until it answers for good (a success or a refusal) or
    /// [`PATIENCE`] runs out (`None`), each try on a node picked at random.
    pub async fn call(&self, endpoint: &str, form: &[(&str, String)]) -> Option<Reply> {
        self.call_from(None, endpoint, form).await
    }

    /// [`call`](Self::call) whose first try goes to `node` (a double click lands where the
    /// balancer sends it; the retries go anywhere).
    pub async fn call_from(&self, node: Option<usize>, endpoint: &str, form: &[(&str, String)]) -> Option<Reply> {
        let give_up = Instant::now() + PATIENCE;
        let mut node = node.unwrap_or_else(|| self.nodes.random());
        let mut retried_after_loss = false;
        loop {
            match self.once(node, endpoint, form).await {
                Attempt::Answered(answer) => return Some(Reply { answer, retried_after_loss }),
                Attempt::Again { wait, lost } => {
                    retried_after_loss |= lost;
                    if Instant::now() + wait > give_up {
                        return None;
                    }
                    tokio::time::sleep(wait).await;
                    node = self.nodes.random();
                }
            }
        }
    }

    async fn once(&self, node: usize, endpoint: &str, form: &[(&str, String)]) -> Attempt {
        let base = &self.nodes.bases[node];
        let sent = self
            .client
            .post(format!("{base}/api/{endpoint}"))
            .header(header::ACCEPT, "application/json")
            .header(header::ORIGIN, base.as_str())
            .form(form)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(err) => {
                self.tally.unanswered();
                // Refused at connect (the node is down): the request never arrived.
                return Attempt::Again { wait: jitter(Duration::from_millis(200)), lost: !err.is_connect() };
            }
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = match response.text().await {
            Ok(body) => body,
            // The node died while answering: no answer, whatever the status line said.
            Err(_) => {
                self.tally.unanswered();
                return Attempt::Again { wait: jitter(Duration::from_millis(200)), lost: true };
            }
        };
        self.tally.answered(node, endpoint, status, &body);
        let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        if status.is_success() {
            return Attempt::Answered(Answer::Ok(json));
        }
        let key = error_key(&json).unwrap_or_default();
        // A 5xx (503 included: the database was restarting) may have come after the work was
        // done; it is counted as a defect above unless it is a 503, and tried again either way.
        let lost = status.is_server_error();
        let later = lost
            || status == StatusCode::TOO_MANY_REQUESTS
            // A fault of the vendor's (throttling, an outage, a timeout) met by a check at
            // checkout, before anything was written: the page tells the user to try again.
            || key == "PartnerCenterUnreachable";
        if later {
            self.tally.deferred();
            let wait = retry_after.unwrap_or_else(|| jitter(Duration::from_millis(300)));
            return Attempt::Again { wait, lost };
        }
        Attempt::Answered(Answer::Refused { status: status.as_u16(), key })
    }

    /// Signs in (the session cookie is shared by every node).
    pub async fn sign_in(&self, email: &str, password: &str) -> anyhow::Result<()> {
        let form = [("email", email.to_owned()), ("password", password.to_owned()), ("next", String::new())];
        match self.call("login", &form).await.map(|reply| reply.answer) {
            Some(Answer::Ok(_)) => Ok(()),
            other => anyhow::bail!("{email} could not sign in: {other:?}"),
        }
    }
}

/// `base` ± 50 %, so retrying clients do not come back in step.
pub fn jitter(base: Duration) -> Duration {
    base.mul_f64(rand::thread_rng().gen_range(0.5..1.5))
}
