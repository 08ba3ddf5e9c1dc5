//! The one LISTEN loop (`app::listen`): notifications reach the caller, and a lost connection
//! is reconnected and announced, so the caller knows to catch up.

use std::time::Duration;

use app::listen::{Heard, listen};
use tokio::sync::{mpsc, watch};

use crate::helpers::fresh_pool;

async fn next(heard: &mut mpsc::UnboundedReceiver<Option<String>>) -> Option<String> {
    let waited = tokio::time::timeout(Duration::from_secs(10), heard.recv()).await;
    waited.expect("an event within ten seconds").expect("the listener is running")
}

#[tokio::test]
async fn notifications_arrive_and_a_killed_connection_is_reconnected() {
    let pool = fresh_pool().await;
    let (events, mut heard) = mpsc::unbounded_channel();
    let (stop, stopped) = watch::channel(false);
    let listener = tokio::spawn(listen(pool.clone(), &["test_listen"], stopped, move |event| {
        let _ = events.send(match event {
            Heard::Listening => None,
            Heard::Notification(n) => Some(n.payload().to_owned()),
        });
    }));
    assert_eq!(next(&mut heard).await, None, "connected and listening");
    sqlx::query("select pg_notify('test_listen', 'one')").execute(&pool).await.unwrap();
    assert_eq!(next(&mut heard).await.as_deref(), Some("one"));

    // As a database restart or a proxy's idle timeout would.
    let killed: Vec<bool> = sqlx::query_scalar(
        "select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(killed, [true]);
    assert_eq!(next(&mut heard).await, None, "listening again, and saying so");
    sqlx::query("select pg_notify('test_listen', 'two')").execute(&pool).await.unwrap();
    assert_eq!(next(&mut heard).await.as_deref(), Some("two"));

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), listener).await.expect("it stops when told").unwrap();
}
