//! `server pg start|stop DIR`: the test scripts' PostgreSQL, started by the product's own
//! embedded-cluster code.

use std::{path::Path, process::Command};

use sqlx::{Connection, PgConnection};

fn server_pg(action: &str, dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["pg", action])
        .arg(dir)
        .output()
        .expect("the server binary runs");
    assert!(out.status.success(), "server pg {action} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn pg_start_gives_a_throwaway_cluster_to_connect_to_and_pg_stop_stops_it() {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("cm-pg-cmd-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let url = server_pg("start", &dir);
    let url = url.trim_end();
    assert!(url.starts_with("postgres://postgres@127.0.0.1:") && url.ends_with("/postgres"), "only the URL: {url:?}");
    let mut conn = PgConnection::connect(url).await.expect("the printed URL connects");
    // Durability is off: the data is thrown away, and tests run much faster.
    let fsync: String = sqlx::query_scalar("show fsync").fetch_one(&mut conn).await.unwrap();
    assert_eq!(fsync, "off");
    let max: String = sqlx::query_scalar("show max_connections").fetch_one(&mut conn).await.unwrap();
    assert_eq!(max, "300", "room for the connections of parallel tests");
    conn.close().await.unwrap();

    assert_eq!(server_pg("start", &dir).trim_end(), url, "a running cluster is reused, on its port");

    server_pg("stop", &dir);
    assert!(!dir.join("postgres/pgdata/postmaster.pid").exists(), "stopped before its directory is deleted");
    assert!(PgConnection::connect(url).await.is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}
