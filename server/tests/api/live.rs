//! Live progress over server-sent events: each step reaches the users who may see the order,
//! as it commits, and a reconnecting browser gets what it missed.

use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection};

use app::orders::OrderStatus;

use crate::{
    helpers::TestApp,
    provisioning::{order_for, wait_for, with_workers},
};

/// A browser's EventSource, reduced to what the tests read: the `progress` events' data.
struct EventStream {
    response: Response,
    buffer: String,
}

impl EventStream {
    async fn open(app: &TestApp, query: &str) -> Self {
        let response = app.get(&format!("/live/progress{query}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self { response, buffer: String::new() }
    }

    /// The next progress event, or `None` when none comes within `wait`.
    async fn next(&mut self, wait: Duration) -> Option<Value> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if block.lines().any(|l| l == "event: progress") {
                    let data: String =
                        block.lines().filter_map(|l| l.strip_prefix("data: ").or(l.strip_prefix("data:"))).collect();
                    return Some(serde_json::from_str(&data).expect("event data is JSON"));
                }
                continue;
            }
            let chunk = tokio::time::timeout(wait, self.response.chunk()).await.ok()?.ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Progress events until the order's final step.
    async fn until_final(&mut self, order_number: i64) -> Vec<Value> {
        let mut seen = Vec::new();
        while let Some(event) = self.next(Duration::from_secs(20)).await {
            let done =
                event["order_number"] == order_number && matches!(event["step"].as_str(), Some("completed" | "failed"));
            seen.push(event);
            if done {
                return seen;
            }
        }
        panic!("the stream ended or stalled before order {order_number} finished: {seen:?}");
    }
}

#[tokio::test]
async fn every_step_streams_to_the_partner_who_ordered_and_to_nobody_else() {
    let app = with_workers().await;
    app.login_ok("partner@reseller.example").await;
    let mut partner = EventStream::open(&app, "").await;
    let staff = app.another_user();
    staff.login_ok("ops@distributor.example").await;
    let mut operations = EventStream::open(&staff, "").await;
    let other_customer = app.another_user();
    other_customer.login_ok("admin@contoso.example").await;
    let mut contoso = EventStream::open(&other_customer, "").await;

    let number = order_for(&app, "livesteps", "1234567").await;
    let events = partner.until_final(number).await;
    let steps: Vec<&str> = events.iter().filter_map(|e| e["step"].as_str()).collect();
    assert_eq!(
        steps,
        [
            "validating",
            "creating_tenant",
            "accepting_agreement",
            "creating_subscriptions",
            "assigning_licences",
            "completed"
        ]
    );
    let percents: Vec<i64> = events.iter().filter_map(|e| e["percent"].as_i64()).collect();
    assert!(percents.windows(2).all(|w| w[0] < w[1]) && percents.last() == Some(&100), "{percents:?}");
    assert_eq!(events.last().unwrap()["status"], "completed", "the final event carries the order's status");
    assert_eq!(operations.until_final(number).await.len(), 6, "the back office sees every order");
    assert!(contoso.next(Duration::from_millis(500)).await.is_none(), "another customer's admin sees nothing of it");
}

#[tokio::test]
async fn a_reconnecting_browser_gets_what_it_missed_and_strangers_get_nothing() {
    let app = with_workers().await;
    let number = order_for(&app, "livereplay", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;

    let anonymous = app.get("/live/progress").await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    app.login_ok("partner@reseller.example").await;
    let first = sqlx::query_scalar!(
        "select min(progress_id) from order_progress p join sales_order o using (order_id) where o.order_number = $1",
        number
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
    .unwrap();
    // As a page load passes it, then as the browser's own reconnect does.
    let mut resumed = EventStream::open(&app, &format!("?after={first}")).await;
    assert_eq!(resumed.until_final(number).await.len(), 5, "the steps after the last one seen");
    let response =
        app.client.get(app.url("/live/progress")).header("Last-Event-ID", first.to_string()).send().await.unwrap();
    let mut reconnected = EventStream { response, buffer: String::new() };
    let again = reconnected.until_final(number).await;
    assert_eq!(again.len(), 6, "the steps after the last one seen, and that one again: the browser drops it");
    assert_eq!(again[0]["id"], first);
    // The same from a page that started after it: never below where the page started.
    let response = app
        .client
        .get(app.url(&format!("/live/progress?after={first}")))
        .header("Last-Event-ID", (first + 2).to_string())
        .send()
        .await
        .unwrap();
    let mut reconnected = EventStream { response, buffer: String::new() };
    assert_eq!(reconnected.until_final(number).await.len(), 5);
}

/// A step recorded before another but committed after it, while the browser was away: its
/// reconnection (Last-Event-ID of the later step) still gets it.
#[tokio::test]
async fn a_step_committed_after_a_later_one_reaches_a_reconnecting_browser() {
    let app = TestApp::spawn().await;
    let number = order_for(&app, "lateststep", "1234567").await;
    app.login_ok("partner@reseller.example").await;
    let mut slow = app.pool.begin().await.unwrap();
    let earlier = record_step_on(&mut *slow, number, 1, "validating").await;
    let later = record_step(&app, number, 1, "creating_tenant").await;
    assert!(earlier < later);
    slow.commit().await.unwrap();
    let response =
        app.client.get(app.url("/live/progress")).header("Last-Event-ID", later.to_string()).send().await.unwrap();
    let mut reconnected = EventStream { response, buffer: String::new() };
    let mut ids = Vec::new();
    while let Some(event) = reconnected.next(Duration::from_secs(2)).await {
        ids.push(event["id"].as_i64().unwrap());
    }
    assert!(ids.contains(&earlier), "the late step is replayed: {ids:?}");
}

/// Records a step of `number`'s run `run` as the provisioning engine does; its id.
async fn record_step(app: &TestApp, number: i64, run: i32, step: &str) -> i64 {
    record_step_on(&app.pool, number, run, step).await
}

async fn record_step_on(db: impl sqlx::PgExecutor<'_>, number: i64, run: i32, step: &str) -> i64 {
    sqlx::query_scalar!(
        "insert into order_progress (order_id, run, step, percent)
         select order_id, $2, $3::text::provisioning_step, 10 from sales_order where order_number = $1
         returning progress_id",
        number,
        run,
        step
    )
    .fetch_one(db)
    .await
    .unwrap()
}

/// Cuts the server's LISTEN connection and keeps it from coming back (a database restart, seen
/// from the relay) until the returned connection allows connections again.
async fn cut_the_relay(app: &TestApp) -> (PgConnection, String) {
    let name: String =
        sqlx::query_scalar!(r#"select current_database() as "name!""#).fetch_one(&app.pool).await.unwrap();
    let mut admin = PgConnection::connect(&std::env::var("DATABASE_URL").unwrap()).await.unwrap();
    admin.execute(format!(r#"alter database "{name}" allow_connections false"#).as_str()).await.unwrap();
    admin
        .execute(
            format!("select pg_terminate_backend(pid) from pg_stat_activity where datname = '{name}' and query ilike 'LISTEN%'")
                .as_str(),
        )
        .await
        .unwrap();
    (admin, name)
}

#[tokio::test]
async fn a_step_committed_after_a_later_one_while_the_relay_was_away_still_arrives() {
    let app = TestApp::spawn().await;
    let number = order_for(&app, "liveorder", "1234567").await;
    app.login_ok("partner@reseller.example").await;
    record_step(&app, number, 1, "validating").await;
    let mut stream = EventStream::open(&app, "?after=0").await;
    assert_eq!(stream.next(Duration::from_secs(10)).await.unwrap()["step"], "validating");

    // A step's id is drawn when it is recorded: this one is drawn first and committed last.
    let mut slow = app.pool.begin().await.unwrap();
    let early = record_step_on(&mut *slow, number, 1, "creating_tenant").await;
    let later = record_step(&app, number, 1, "accepting_agreement").await;
    assert!(later > early);
    let event = stream.next(Duration::from_secs(10)).await.expect("the later step, live");
    assert_eq!(event["id"], later);

    // Committed while the relay is away: its notification is lost, and it is below the last id sent.
    let (mut admin, name) = cut_the_relay(&app).await;
    slow.commit().await.unwrap();
    admin.execute(format!(r#"alter database "{name}" allow_connections true"#).as_str()).await.unwrap();

    let event = stream.next(Duration::from_secs(15)).await.expect("the step committed after a later one");
    assert_eq!(event["id"], early);
    assert_eq!(event["step"], "creating_tenant");
    assert!(stream.next(Duration::from_secs(2)).await.is_none(), "nothing sent twice");
}

#[tokio::test]
async fn a_stream_left_open_while_the_database_restarts_gets_the_steps_announced_meanwhile() {
    let app = TestApp::spawn().await;
    let number = order_for(&app, "liverestart", "1234567").await;
    app.login_ok("partner@reseller.example").await;
    let first = record_step(&app, number, 1, "validating").await;
    let mut stream = EventStream::open(&app, "?after=0").await;
    assert_eq!(stream.next(Duration::from_secs(10)).await.unwrap()["percent"], 10, "the step before");

    // The server's LISTEN connection is cut and cannot come back at once (a database restart,
    // seen from the relay); the browser's stream stays open all the while.
    let (mut admin, name) = cut_the_relay(&app).await;
    // A step committed meanwhile: its notification reaches no listener of this server.
    let missed = record_step(&app, number, 1, "creating_tenant").await;
    assert!(missed > first);
    admin.execute(format!(r#"alter database "{name}" allow_connections true"#).as_str()).await.unwrap();

    let event = stream.next(Duration::from_secs(15)).await.expect("the step recorded while the relay was away");
    assert_eq!(event["id"], missed);
    assert_eq!(event["step"], "creating_tenant");
}

#[tokio::test]
async fn a_browser_away_for_more_than_a_page_of_steps_gets_every_one() {
    let app = TestApp::spawn().await;
    let number = order_for(&app, "livepages", "1234567").await;
    app.login_ok("partner@reseller.example").await;
    // 450 steps: 75 runs of six (a replay answers 200 at a time).
    let steps = [
        "validating",
        "creating_tenant",
        "accepting_agreement",
        "creating_subscriptions",
        "assigning_licences",
        "failed",
    ];
    for run in 1..=75 {
        for step in steps {
            record_step(&app, number, run, step).await;
        }
    }
    let mut stream = EventStream::open(&app, "?after=0").await;
    let mut ids = Vec::new();
    while let Some(event) = stream.next(Duration::from_secs(5)).await {
        ids.push(event["id"].as_i64().unwrap());
        if ids.len() == 450 {
            break;
        }
    }
    assert_eq!(ids.len(), 450, "every step missed, not just the first page");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order, each once");
}
