//! A browser watching live progress on one node, as the order page's `EventSource` does: it
//! connects to `/live/progress`, and when the stream drops (its node killed, restarted, or
//! PostgreSQL restarting under it) waits the `retry:` the server asked for and connects again
//! to the same node with `Last-Event-ID`. What it received is compared after the run with every
//! step the database recorded for the orders its user may see.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use reqwest::{StatusCode, header};
use tokio::sync::watch;
use uuid::Uuid;

use crate::http::{Browser, Tally};

/// Whose steps a watcher's user may see.
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    /// A partner admin: its own orders.
    Partner(Uuid),
    /// Operations: every order.
    Everyone,
}

pub struct Watcher {
    pub node: usize,
    pub label: String,
    pub scope: Scope,
    /// The newest step when it first connected: it must get every step after.
    pub baseline: i64,
    /// Step id → order number, as received.
    received: Mutex<HashMap<i64, i64>>,
    pub reconnects: AtomicU64,
}

impl Watcher {
    pub fn new(node: usize, label: String, scope: Scope, baseline: i64) -> Self {
        Self { node, label, scope, baseline, received: Mutex::default(), reconnects: AtomicU64::new(0) }
    }

    pub fn received(&self) -> HashMap<i64, i64> {
        self.received.lock().expect("received steps").clone()
    }

    /// Watches until `stop` turns true.
    pub async fn run(self: Arc<Self>, browser: Browser, tally: Arc<Tally>, mut stop: watch::Receiver<bool>) {
        let base = browser.nodes().bases[self.node].clone();
        let mut last_event_id: Option<i64> = None;
        let mut retry = Duration::from_secs(2);
        while !*stop.borrow() {
            let mut request = browser
                .client
                .get(format!("{base}/live/progress"))
                .header(header::ACCEPT, "text/event-stream")
                // No overall timeout: the stream is meant to stay open.
                .timeout(Duration::from_secs(24 * 3600));
            request = match last_event_id {
                Some(id) => request.header("Last-Event-ID", id.to_string()),
                // A page opening passes the last step it knows of.
                None => request.query(&[("after", self.baseline)]),
            };
            let opened = tokio::select! {
                opened = request.send() => opened,
                _ = stop.changed() => return,
            };
            match opened {
                Ok(response) if response.status() == StatusCode::OK => {
                    tally.record(self.node, "live/progress", StatusCode::OK, "");
                    self.read(response, &mut last_event_id, &mut retry, &mut stop).await;
                }
                Ok(response) => {
                    let status = response.status();
                    let body = response.text().await.unwrap_or_default();
                    tally.record(self.node, "live/progress", status, &body);
                }
                Err(_) => tally.record_unanswered(),
            }
            if *stop.borrow() {
                return;
            }
            self.reconnects.fetch_add(1, Ordering::Relaxed);
            tokio::select! {
                () = tokio::time::sleep(retry) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// Reads events until the stream ends. The server sends a comment every 15 s; a stream
    /// silent for much longer belongs to a node that is gone without closing it.
    async fn read(
        &self,
        mut response: reqwest::Response,
        last_event_id: &mut Option<i64>,
        retry: &mut Duration,
        stop: &mut watch::Receiver<bool>,
    ) {
        let mut buffer = String::new();
        loop {
            let chunk = tokio::select! {
                chunk = tokio::time::timeout(Duration::from_secs(40), response.chunk()) => chunk,
                _ = stop.changed() => return,
            };
            let Ok(Ok(Some(bytes))) = chunk else { return };
            buffer.push_str(&String::from_utf8_lossy(&bytes));
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let event = parse(&block);
                if let Some(ms) = event.retry {
                    *retry = Duration::from_millis(ms);
                }
                if let (Some(id), Some(order_number)) = (event.id, event.order_number) {
                    self.received.lock().expect("received steps").insert(id, order_number);
                    *last_event_id = Some(id);
                }
            }
        }
    }
}

#[derive(Default)]
struct Event {
    id: Option<i64>,
    order_number: Option<i64>,
    retry: Option<u64>,
}

/// One server-sent event block (`id:`, `event:`, `data:`, `retry:` lines; `:` comments).
fn parse(block: &str) -> Event {
    let mut event = Event::default();
    for line in block.lines() {
        let (field, value) = line.split_once(':').map_or((line, ""), |(f, v)| (f, v.strip_prefix(' ').unwrap_or(v)));
        match field {
            "id" => event.id = value.trim().parse().ok(),
            "retry" => event.retry = value.trim().parse().ok(),
            "data" => {
                event.order_number = serde_json::from_str::<serde_json::Value>(value)
                    .ok()
                    .and_then(|data| data.get("order_number").and_then(serde_json::Value::as_i64));
            }
            _ => {}
        }
    }
    event
}

/// What one watcher missed, and what it got that its user may not see.
pub struct Verdict {
    pub label: String,
    pub expected: usize,
    pub missed: usize,
    pub leaked: usize,
    pub reconnects: u64,
}

/// Compares what `watcher` received with the steps recorded after its baseline (`steps`: step
/// id → partner of the order), restricted to what its user may see.
pub fn verdict(watcher: &Watcher, steps: &HashMap<i64, Uuid>) -> Verdict {
    let received = watcher.received();
    let visible = |partner: &Uuid| match watcher.scope {
        Scope::Everyone => true,
        Scope::Partner(id) => *partner == id,
    };
    let expected: Vec<i64> =
        steps.iter().filter(|(id, partner)| **id > watcher.baseline && visible(partner)).map(|(id, _)| *id).collect();
    let missed = expected.iter().filter(|id| !received.contains_key(id)).count();
    let leaked = received.keys().filter(|id| steps.get(id).is_some_and(|partner| !visible(partner))).count();
    Verdict {
        label: watcher.label.clone(),
        expected: expected.len(),
        missed,
        leaked,
        reconnects: watcher.reconnects.load(Ordering::Relaxed),
    }
}
