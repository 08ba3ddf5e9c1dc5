//! Signed webhooks (issue #17): what a partner's receiver gets, checked by an independent
//! implementation of Standard Webhooks (the `standardwebhooks` package from PyPI, installed by
//! the set-up); retries that end in exactly one success with one `webhook-id`; nothing sent for a
//! rolled-back change; endpoints on the server's own network refused at registration and at
//! delivery; and another partner's endpoints and deliveries out of reach.

use std::{
    collections::VecDeque,
    io::Write,
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Router, extract::State, http::HeaderMap, routing::post};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use app::{
    orders::OrderStatus,
    webhooks::ssr::{Event, OrderEvent, emit},
};

use crate::{
    helpers::{TestApp, json, ok, second_tenant, test_secret_key},
    provisioning::{order_for, wait_for},
};

/// One delivery as a receiver got it.
#[derive(Clone, Debug)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct Inbox {
    received: Vec<Received>,
    /// The statuses to answer with, in turn; 200 once they are used up.
    answers: VecDeque<u16>,
}

/// A partner's receiver on this machine: keeps what it gets and answers as told. Stops when
/// dropped.
pub struct Receiver {
    pub url: String,
    inbox: Arc<Mutex<Inbox>>,
    task: tokio::task::JoinHandle<()>,
}

async fn receive(State(inbox): State<Arc<Mutex<Inbox>>>, headers: HeaderMap, body: String) -> (StatusCode, String) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let mut inbox = inbox.lock().expect("the inbox");
    inbox.received.push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body,
    });
    let status = inbox.answers.pop_front().unwrap_or(200);
    (StatusCode::from_u16(status).expect("a status"), format!("answered {status}"))
}

impl Receiver {
    pub async fn start(answers: &[u16]) -> Self {
        let inbox = Arc::new(Mutex::new(Inbox { received: Vec::new(), answers: answers.iter().copied().collect() }));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("a receiver port");
        let url = format!("http://{}/hook", listener.local_addr().expect("its address"));
        let router = Router::new().route("/hook", post(receive)).with_state(inbox.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { url, inbox, task }
    }

    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().expect("the inbox").received.clone()
    }

    /// Waits (up to 30 s) until `count` deliveries arrived, and returns them.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..300 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the receiver got {} deliveries, not {count}: {:?}", self.received().len(), self.received());
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The independent check: the Standard Webhooks reference library for Python verifies the
/// delivery with the secret the partner was shown (the set-up installs it in `$PY_TOOLS`).
fn verify_with_standardwebhooks(secret: &str, delivery: &Received) -> Result<String, String> {
    let tools = std::env::var("PY_TOOLS")
        .unwrap_or_else(|_| format!("{}/.cache/cloudmarket/tools/venv", std::env::var("HOME").unwrap_or_default()));
    let python = format!("{tools}/bin/python");
    let script = "import sys\n\
                  from standardwebhooks.webhooks import Webhook\n\
                  secret, msg_id, timestamp, signature = sys.argv[1:5]\n\
                  payload = sys.stdin.buffer.read()\n\
                  headers = {'webhook-id': msg_id, 'webhook-timestamp': timestamp, 'webhook-signature': signature}\n\
                  print(Webhook(secret).verify(payload, headers)['type'])\n";
    let mut child = Command::new(&python)
        .args(["-c", script, secret, &delivery.id, &delivery.timestamp, &delivery.signature])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{python} (scripts/setup.sh installs the Python test tools): {e}"));
    child.stdin.take().expect("stdin").write_all(delivery.body.as_bytes()).expect("the body");
    let out = child.wait_with_output().expect("the verifier ran");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or_default().to_owned())
    }
}

/// Registers an endpoint as the signed-in partner and reads its secret, shown once on its page.
async fn register(partner: &TestApp, url: &str, events: &[&str]) -> (String, String) {
    let mut form = vec![("url".to_owned(), url.to_owned()), ("description".to_owned(), "PSA sync".to_owned())];
    for (i, event) in events.iter().enumerate() {
        form.push((format!("events[{i}]"), (*event).to_owned()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let id =
        ok(partner.call("create_webhook_endpoint", &form).await).await.as_str().expect("the endpoint's id").to_owned();
    let page = ok(partner.call("webhook_endpoint", &[("endpoint_id", &id)]).await).await;
    let secret = page["fresh_secret"].as_str().expect("the secret, shown once").to_owned();
    (id, secret)
}

const ALL_EVENTS: [&str; 9] = [
    "order.submitted",
    "order.awaiting_approval",
    "order.completed",
    "order.failed",
    "subscription.changed",
    "cancellation.requested",
    "cancellation.decided",
    "statement.issued",
    "credit.decided",
];

#[tokio::test]
async fn deliveries_are_signed_as_standard_webhooks_verifies_them_across_a_rotation() {
    let app = TestApp::spawn_with(|c| c.workers = 1).await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let receiver = Receiver::start(&[]).await;
    let (id, secret) = register(&partner, &receiver.url, &ALL_EVENTS).await;
    assert!(secret.starts_with("whsec_"), "{secret}");

    // Shown once: the page never shows it again, and it rests only sealed.
    let again = ok(partner.call("webhook_endpoint", &[("endpoint_id", &id)]).await).await;
    assert_eq!(again["fresh_secret"], Value::Null);
    let sealed = sqlx::query_scalar!("select secret from webhook_endpoint where endpoint_id = $1::text::uuid", id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&sealed).contains(&secret[6..]), "the secret is stored sealed");
    let mentions = sqlx::query_scalar!(
        r#"select count(*) as "n!" from audit_log where action = 'webhook.endpoint_created' and detail::text like '%' || $1 || '%'"#,
        &secret[6..]
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(mentions, 0, "nor in the audit log");

    ok(partner.call("send_test_webhook", &[("endpoint_id", &id)]).await).await;
    let test = receiver.wait_for(1).await.remove(0);
    assert!(test.id.starts_with("msg_"), "{test:?}");
    assert_eq!(verify_with_standardwebhooks(&secret, &test), Ok("webhook.test".to_owned()));
    assert!(verify_with_standardwebhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &test).is_err());
    let mut tampered = test.clone();
    tampered.body = tampered.body.replace("webhook.test", "order.completed");
    assert!(verify_with_standardwebhooks(&secret, &tampered).is_err(), "a changed body does not verify");

    // An order through the real pipeline: submitted, then completed, each verified.
    let number = order_for(&app, "contoso", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;
    let deliveries = receiver.wait_for(3).await;
    let submitted = deliveries.iter().find(|d| d.json()["type"] == "order.submitted").expect("order.submitted");
    let completed = deliveries.iter().find(|d| d.json()["type"] == "order.completed").expect("order.completed");
    assert_eq!(verify_with_standardwebhooks(&secret, completed), Ok("order.completed".to_owned()));
    let data = &completed.json()["data"];
    assert_eq!(data["order_number"], number);
    assert_eq!(data["status"], "completed");
    assert_eq!(data["kind"], "sales");
    assert_eq!(data["customer"]["id"], "00000000-0000-4000-8000-000000000003");
    assert_eq!(data["tenant_domain"], "contoso.onmicrosoft.com");
    assert_eq!(data["currency"], "USD");
    assert!(data["total"].as_str().is_some_and(|t| t.contains('.')), "money as a decimal string: {data}");
    assert_eq!(data["lines"][0]["billing_cycle"], "monthly");
    assert_eq!(data["subscriptions"][0]["status"], "active");
    assert!(completed.json()["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(submitted.json()["data"]["status"], "submitted");
    assert_ne!(submitted.id, completed.id, "each event is a message of its own");

    // A rotation: the new secret is shown once, and until the old one expires both sign.
    ok(partner.call("rotate_webhook_secret", &[("endpoint_id", &id)]).await).await;
    let page = ok(partner.call("webhook_endpoint", &[("endpoint_id", &id)]).await).await;
    let rotated = page["fresh_secret"].as_str().expect("the new secret").to_owned();
    assert_ne!(rotated, secret);
    assert!(page["endpoint"]["previous_secret_expires_at"].is_string());
    let before = receiver.received().len();
    ok(partner.call("send_test_webhook", &[("endpoint_id", &id)]).await).await;
    let during = receiver.wait_for(before + 1).await.pop().unwrap();
    assert_eq!(during.signature.split(' ').count(), 2, "{during:?}");
    assert!(during.signature.split(' ').all(|s| s.starts_with("v1,")));
    assert_eq!(verify_with_standardwebhooks(&rotated, &during), Ok("webhook.test".to_owned()));
    assert_eq!(verify_with_standardwebhooks(&secret, &during), Ok("webhook.test".to_owned()));

    // Once the old secret has expired, only the new one signs.
    sqlx::query!(
        "update webhook_endpoint set previous_secret_expires_at = now() - interval '1 second' where endpoint_id = $1::text::uuid",
        id
    )
    .execute(&app.pool)
    .await
    .unwrap();
    ok(partner.call("send_test_webhook", &[("endpoint_id", &id)]).await).await;
    let after = receiver.wait_for(before + 2).await.pop().unwrap();
    assert_eq!(after.signature.split(' ').count(), 1);
    assert!(verify_with_standardwebhooks(&secret, &after).is_err());
    assert_eq!(verify_with_standardwebhooks(&rotated, &after), Ok("webhook.test".to_owned()));
}

#[tokio::test]
async fn an_endpoint_answering_500_four_times_gets_the_same_message_once_more_and_succeeds_once() {
    let app = TestApp::spawn_with(|c| {
        c.workers = 1;
        c.webhook_retry_base_ms = 20;
    })
    .await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let receiver = Receiver::start(&[500, 500, 500, 500, 200]).await;
    let (id, secret) = register(&partner, &receiver.url, &["order.submitted"]).await;
    ok(partner.call("send_test_webhook", &[("endpoint_id", &id)]).await).await;

    let deliveries = receiver.wait_for(5).await;
    let ids: Vec<&str> = deliveries.iter().map(|d| d.id.as_str()).collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "one webhook-id on every attempt: {ids:?}");
    for delivery in &deliveries {
        // Each attempt is signed afresh, and verifies.
        assert_eq!(verify_with_standardwebhooks(&secret, delivery), Ok("webhook.test".to_owned()));
        assert_eq!(delivery.body, deliveries[0].body, "the same body every time");
    }
    // Delivered: no sixth attempt comes.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(receiver.received().len(), 5);

    let log = ok(partner.call("webhook_deliveries", &[("endpoint_id", &id)]).await).await;
    let log = log.as_array().expect("the delivery log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["status"], "succeeded");
    assert_eq!(log[0]["attempts"], 5);
    assert_eq!(log[0]["message_id"], ids[0]);
    let attempts = log[0]["attempt_log"].as_array().unwrap();
    let outcomes: Vec<&str> = attempts.iter().map(|a| a["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["delivered", "http_error", "http_error", "http_error", "http_error"], "newest first");
    assert_eq!(attempts.iter().filter(|a| a["response_status"] == 200).count(), 1, "exactly one success");
    assert_eq!(attempts[1]["response_status"], 500);
    assert_eq!(attempts[1]["response_excerpt"], "answered 500");
    assert!(attempts.iter().all(|a| a["duration_ms"].as_i64().is_some()));

    // "Redeliver" sends the same message again, with the same id.
    let delivery = log[0]["id"].as_str().unwrap().to_owned();
    ok(partner.call("redeliver_webhook", &[("delivery_id", &delivery)]).await).await;
    let again = receiver.wait_for(6).await.pop().unwrap();
    assert_eq!(again.id, ids[0]);
    assert_eq!(again.body, deliveries[0].body);
}

#[tokio::test]
async fn a_rolled_back_change_sends_nothing_and_a_committed_one_is_delivered() {
    let app = TestApp::spawn_with(|c| c.workers = 1).await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let receiver = Receiver::start(&[]).await;
    register(&partner, &receiver.url, &["order.completed"]).await;
    let number = order_for(&app, "contoso", "1234567").await;
    let order_id = sqlx::query_scalar!("select order_id from sales_order where order_number = $1", number)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    wait_for(&app, number, OrderStatus::Completed).await;
    receiver.wait_for(1).await;
    let messages = || async {
        sqlx::query_scalar!(r#"select count(*) as "n!" from webhook_message"#).fetch_one(&app.pool).await.unwrap()
    };
    let before = messages().await;

    // The business change and its event in one transaction, rolled back: no message, no
    // delivery, no job, nothing sent.
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query!("update sales_order set decision_reason = 'rolled back' where order_id = $1", order_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    emit(&mut tx, &[Event::order(OrderEvent::Completed, order_id)]).await.unwrap();
    let queued =
        sqlx::query_scalar!(r#"select count(*) as "n!" from job where kind = 'deliver_webhook' and state = 'queued'"#)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert!(queued >= 1, "inside the transaction its delivery is queued");
    tx.rollback().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(messages().await, before);
    assert_eq!(receiver.received().len(), 1, "only the order's real completion was sent");

    // The same, committed: delivered, with what the transaction wrote.
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query!("update sales_order set decision_reason = 'committed' where order_id = $1", order_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    emit(&mut tx, &[Event::order(OrderEvent::Completed, order_id)]).await.unwrap();
    tx.commit().await.unwrap();
    let delivered = receiver.wait_for(2).await.pop().unwrap();
    assert_eq!(delivered.json()["data"]["order_number"], number);
    assert_eq!(messages().await, before + 1);
}

#[tokio::test]
async fn endpoints_on_the_servers_own_network_are_refused_at_registration_and_at_delivery() {
    let app = TestApp::spawn_with(|c| {
        c.workers = 1;
        c.webhooks_allow_private = false;
    })
    .await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let receiver = Receiver::start(&[]).await;
    for url in [
        receiver.url.clone(),
        receiver.url.replace("http://", "https://"),
        "https://10.0.0.7/hook".into(),
        "https://192.168.1.20/hook".into(),
        "https://169.254.169.254/latest/meta-data/".into(),
        "https://[::1]/hook".into(),
        "https://[::ffff:127.0.0.1]/hook".into(),
        "https://2130706433/hook".into(),
        "https://localhost/hook".into(),
        "https://metadata.google.internal/".into(),
        "https://user:pass@hooks.example/".into(),
        "not a url".into(),
    ] {
        let refused = partner.call("create_webhook_endpoint", &[("url", &url), ("events[0]", "order.submitted")]).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let body = json(refused).await;
        assert_eq!(body["Invalid"][0]["field"], "url", "{url}: {body}");
    }
    let count =
        sqlx::query_scalar!(r#"select count(*) as "n!" from webhook_endpoint"#).fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 0, "nothing half-saved");

    // An endpoint whose address became private after it was registered (its DNS changed, or
    // the setting was turned off): each attempt is refused before anything is sent.
    let endpoint_id = Uuid::new_v4();
    let port = receiver.url.split(':').nth(2).and_then(|p| p.split('/').next()).unwrap().to_owned();
    let bound = [b"webhook-secret:".as_slice(), endpoint_id.as_bytes()].concat();
    let sealed = test_secret_key().seal("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &bound);
    sqlx::query!(
        "insert into webhook_endpoint (endpoint_id, partner_id, url, events, secret)
         values ($1, '00000000-0000-4000-8000-000000000002', $2, '{order.submitted}', $3)",
        endpoint_id,
        format!("https://localhost:{port}/hook"),
        sealed
    )
    .execute(&app.pool)
    .await
    .unwrap();
    ok(partner.call("send_test_webhook", &[("endpoint_id", &endpoint_id.to_string())]).await).await;
    let mut outcome = None;
    for _ in 0..100 {
        outcome = sqlx::query_scalar!(r#"select outcome::text as "outcome!" from webhook_attempt limit 1"#)
            .fetch_optional(&app.pool)
            .await
            .unwrap();
        if outcome.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(outcome.as_deref(), Some("address_refused"));
    assert!(receiver.received().is_empty(), "nothing reached the address");
}

#[tokio::test]
async fn another_partner_can_neither_see_nor_touch_an_endpoint_or_its_deliveries() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let (_, other) = second_tenant(&app).await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let (id, _) = register(&partner, "http://127.0.0.1:9/hook", &ALL_EVENTS).await;
    ok(partner.call("send_test_webhook", &[("endpoint_id", &id)]).await).await;
    let delivery = sqlx::query_scalar!("select delivery_id::text as \"id!\" from webhook_delivery")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    assert_eq!(ok(other.call("webhook_endpoints", &[]).await).await, serde_json::json!([]));
    for (endpoint, form) in [
        ("webhook_endpoint", vec![("endpoint_id", id.as_str())]),
        ("webhook_deliveries", vec![("endpoint_id", id.as_str())]),
        (
            "update_webhook_endpoint",
            vec![
                ("endpoint_id", id.as_str()),
                ("url", "http://127.0.0.1:9/x"),
                ("events[0]", "order.submitted"),
                ("enabled", "on"),
            ],
        ),
        ("rotate_webhook_secret", vec![("endpoint_id", id.as_str())]),
        ("send_test_webhook", vec![("endpoint_id", id.as_str())]),
        ("redeliver_webhook", vec![("delivery_id", delivery.as_str())]),
        ("delete_webhook_endpoint", vec![("endpoint_id", id.as_str()), ("confirm", "on")]),
    ] {
        assert_eq!(other.call(endpoint, &form).await.status(), StatusCode::NOT_FOUND, "{endpoint}");
    }
    // Untouched.
    let page = ok(partner.call("webhook_endpoint", &[("endpoint_id", &id)]).await).await;
    assert_eq!(page["endpoint"]["url"], "http://127.0.0.1:9/hook");
    assert!(page["endpoint"]["previous_secret_expires_at"].is_null(), "not rotated");
    let log = ok(partner.call("webhook_deliveries", &[("endpoint_id", &id)]).await).await;
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(log[0]["attempts"], 0);

    // The owner's delete needs its confirmation, then takes the log with it.
    let unconfirmed = partner.call("delete_webhook_endpoint", &[("endpoint_id", &id)]).await;
    assert_eq!(unconfirmed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(unconfirmed).await["Invalid"][0]["field"], "confirm");
    ok(partner.call("delete_webhook_endpoint", &[("endpoint_id", &id), ("confirm", "on")]).await).await;
    assert_eq!(ok(partner.call("webhook_endpoints", &[]).await).await, serde_json::json!([]));
    let left =
        sqlx::query_scalar!(r#"select count(*) as "n!" from webhook_delivery"#).fetch_one(&app.pool).await.unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn a_form_is_checked_field_by_field_and_never_half_saved() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let refused = partner
        .call(
            "create_webhook_endpoint",
            &[("url", "ftp://x"), ("description", &"d".repeat(201)), ("events[0]", "order.shipped")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = json(refused).await["Invalid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["url", "description", "events"]);
    let none = partner.call("create_webhook_endpoint", &[("url", "https://hooks.example/x")]).await;
    assert_eq!(json(none).await["Invalid"][0]["key"], "WebhookChooseEvents");
    // Checkboxes posted by a browser: names with their index, some left out.
    let created = partner
        .call(
            "create_webhook_endpoint",
            &[("url", "http://127.0.0.1:9/x"), ("events[2]", "order.completed"), ("events[7]", "statement.issued")],
        )
        .await;
    let id = ok(created).await.as_str().unwrap().to_owned();
    // The endpoint's page shows the secret once, and no cache may keep that page.
    let page = partner.get(&format!("/cp/settings/webhooks/{id}")).await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert!(page.text().await.unwrap().contains("value=\"whsec_"), "the secret, in the page's HTML");
    let again = partner.get(&format!("/cp/settings/webhooks/{id}")).await;
    assert_ne!(again.headers()["cache-control"], "no-store");
    assert!(!again.text().await.unwrap().contains("whsec_"), "once only");
    let page = ok(partner.call("webhook_endpoint", &[("endpoint_id", &id)]).await).await;
    assert_eq!(page["fresh_secret"], Value::Null);
    assert_eq!(page["endpoint"]["events"], serde_json::json!(["order.completed", "statement.issued"]));
    // Ten at most.
    for n in 1..10 {
        ok(partner
            .call(
                "create_webhook_endpoint",
                &[("url", &format!("http://127.0.0.1:9/{n}")), ("events[0]", "order.failed")],
            )
            .await)
        .await;
    }
    let eleventh = partner
        .call("create_webhook_endpoint", &[("url", "http://127.0.0.1:9/11"), ("events[0]", "order.failed")])
        .await;
    assert_eq!(eleventh.status(), StatusCode::CONFLICT);
}

/// Waits until `count` deliveries to the endpoint succeeded (so nothing is still on its way).
async fn settled(app: &TestApp, count: i64) {
    for _ in 0..300 {
        let row = sqlx::query!(
            r#"select count(*) filter (where status = 'succeeded') as "done!", count(*) as "all!" from webhook_delivery"#
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        if row.done >= count && row.done == row.all {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the deliveries did not settle at {count}");
}

#[tokio::test]
async fn each_business_action_tells_the_endpoint_once_from_its_transaction() {
    let app = TestApp::spawn_with(|c| c.workers = 1).await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let customer = app.signed_in_as("admin@contoso.example").await;
    let credit = app.signed_in_as("credit@distributor.example").await;
    let receiver = Receiver::start(&[]).await;
    let (_, secret) = register(&partner, &receiver.url, &ALL_EVENTS).await;
    let subscription_of = |sku: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar!(
                "select s.subscription_id::text as \"id!\" from subscription s join product p using (product_id)
                 where p.sku = $1 and s.customer_id = '00000000-0000-4000-8000-000000000003'",
                sku
            )
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };

    // A sale: submitted, then completed with its subscriptions.
    let sale = order_for(&app, "contoso", "1234567").await;
    wait_for(&app, sale, OrderStatus::Completed).await;
    let basic = subscription_of("CFQ7TTC0LH18").await;
    // Auto-renew off: the subscription changed.
    ok(customer.call("set_auto_renew", &[("subscription_id", &basic), ("auto_renew", "off")]).await).await;
    // A sale the vendor refuses (MPN ID not found): failed, with Partner Center's code.
    let failed = order_for(&app, "webhookfail", "8000150").await;
    wait_for(&app, failed, OrderStatus::ProvisioningFailed).await;
    // A licence increase over the credit: awaiting approval, then credit control's decision.
    ok(credit
        .call("set_credit_limit", &[("partner_id", "00000000-0000-4000-8000-000000000002"), ("credit_limit", "100")])
        .await)
    .await;
    let increase = ok(customer.call("change_licences", &[("subscription_id", &basic), ("quantity", "300")]).await)
        .await
        .as_i64()
        .unwrap();
    let n = increase.to_string();
    ok(credit
        .call("decide_credit", &[("order_number", &n), ("decision", "reject"), ("reason", "Over the limit")])
        .await)
    .await;
    // A cancellation (the add-on follows its base), rejected by the partner: both active again.
    let cancellation =
        ok(customer.call("cancel_subscription", &[("subscription_id", &basic)]).await).await.as_i64().unwrap();
    let n = cancellation.to_string();
    ok(partner.call("decide_cancellation", &[("order_number", &n), ("decision", "reject")]).await).await;
    // The month's statement.
    let month: String =
        sqlx::query_scalar("select to_char(market_now(), 'YYYY-MM')").fetch_one(&app.pool).await.unwrap();
    ok(credit.call("run_billing", &[("period", &month)]).await).await;

    let expected = [
        // The sale and the order that fails were both placed.
        ("order.submitted", 2),
        ("order.completed", 1),
        ("subscription.changed", 1 + 2 + 2),
        ("order.failed", 1),
        ("order.awaiting_approval", 1),
        ("credit.decided", 1),
        ("cancellation.requested", 1),
        ("cancellation.decided", 1),
        ("statement.issued", 1),
    ];
    let total: usize = expected.iter().map(|(_, n)| n).sum();
    settled(&app, total as i64).await;
    let received = receiver.received();
    assert_eq!(
        received.len(),
        total,
        "each event once: {:?}",
        received.iter().map(|r| r.json()["type"].clone()).collect::<Vec<_>>()
    );
    let of = |kind: &str| received.iter().filter(|r| r.json()["type"] == kind).map(Received::json).collect::<Vec<_>>();
    for (kind, count) in expected {
        assert_eq!(of(kind).len(), count, "{kind}");
    }
    for delivery in &received {
        assert!(verify_with_standardwebhooks(&secret, delivery).is_ok(), "{delivery:?}");
    }

    let failure = &of("order.failed")[0]["data"];
    assert_eq!(failure["order_number"], failed);
    assert_eq!(failure["status"], "provisioning_failed");
    assert_eq!(failure["failure"]["code"], 800015);
    let waiting = &of("order.awaiting_approval")[0]["data"];
    assert_eq!((waiting["order_number"].as_i64(), waiting["kind"].as_str()), (Some(increase), Some("change")));
    assert_eq!(waiting["change"]["to_quantity"], 300);
    let decided = &of("credit.decided")[0]["data"];
    assert_eq!(decided["decision"]["approved"], false);
    assert_eq!(decided["decision"]["reason"], "Over the limit");
    assert_eq!(decided["status"], "rejected");
    let requested = &of("cancellation.requested")[0]["data"];
    assert_eq!((requested["order_number"].as_i64(), requested["status"].as_str()), (Some(cancellation), Some("new")));
    assert_eq!(requested["change"]["subscription_id"], basic.as_str());
    assert_eq!(of("cancellation.decided")[0]["data"]["decision"]["approved"], false);
    let changes: Vec<(String, String)> = of("subscription.changed")
        .iter()
        .map(|e| {
            (
                e["data"]["change"].as_str().unwrap().to_owned(),
                e["data"]["subscription"]["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changes.iter().filter(|(c, s)| c == "pending_cancellation" && s == "pending_cancellation").count(),
        2,
        "{changes:?}"
    );
    assert_eq!(changes.iter().filter(|(c, s)| c == "reactivated" && s == "active").count(), 2, "{changes:?}");
    let auto_renew = of("subscription.changed").into_iter().find(|e| e["data"]["change"] == "auto_renew").unwrap();
    assert_eq!(auto_renew["data"]["subscription"]["id"], basic.as_str());
    assert_eq!(auto_renew["data"]["subscription"]["auto_renew"], false);
    let statement = &of("statement.issued")[0]["data"];
    assert_eq!(statement["period"], month.as_str());
    assert!(statement["total"].as_str().is_some_and(|t| t.contains('.')), "{statement}");
}
