//! The one PostgreSQL `LISTEN` loop of the product (server only, infrastructure layer: it knows
//! nothing of jobs, mail or orders).
//!
//! Every process that reacts to `pg_notify` (the job workers on `job_queued`, the live hub on
//! `order_progress`) holds a dedicated listening connection that can drop at any time: a
//! database restart, a failover, an idle timeout in a proxy. [`listen`] owns that connection,
//! reconnects after a pause when it is lost, and hands each notification to the caller until
//! `shutdown` turns true. Notifications sent while it was reconnecting are lost (PostgreSQL does
//! not queue them for a listener that is not there), so after every (re)connection the caller is
//! told [`Heard::Listening`] and should catch up the way it would after a missed notification
//! (workers look for due jobs; the hub's browsers replay on reconnect).
//!
//! The live hub (`live::hub::Hub::relay`) relays through it too.

use std::time::Duration;

use sqlx::{
    PgPool,
    postgres::{PgListener, PgNotification},
};
use tokio::sync::watch;

/// What [`listen`] reports to its caller.
#[derive(Debug)]
pub enum Heard<'a> {
    /// The listener is (again) connected and listening: anything sent before may have been missed.
    Listening,
    /// A notification on one of the channels.
    Notification(&'a PgNotification),
}

/// Pause before reconnecting. Not at once: a database that refused a connection or a `LISTEN`
/// usually refuses the next one too, and the callers poll meanwhile.
pub const RECONNECT_PAUSE: Duration = Duration::from_secs(2);

/// Listens on `channels` until `shutdown` turns true (or its sender is dropped), reconnecting
/// after a lost connection, and calls `on_event` for each [`Heard`] event.
pub async fn listen(
    pool: PgPool,
    channels: &[&str],
    mut shutdown: watch::Receiver<bool>,
    mut on_event: impl FnMut(Heard<'_>) + Send,
) {
    while !*shutdown.borrow() {
        match connect(&pool, channels).await {
            Ok(mut listener) => {
                on_event(Heard::Listening);
                loop {
                    tokio::select! {
                        // `try_recv`, not `recv`: `recv` reconnects by itself and hides the loss,
                        // and with it the notifications missed, from the caller.
                        notification = listener.try_recv() => match notification {
                            Ok(Some(notification)) => on_event(Heard::Notification(&notification)),
                            Ok(None) => {
                                tracing::warn!(?channels, "listener lost its connection; reconnecting");
                                break;
                            }
                            Err(err) => {
                                tracing::warn!(?channels, error = %err, "listener failed; reconnecting");
                                break;
                            }
                        },
                        _ = shutdown.changed() => return,
                    }
                }
                // At once: the connection was fine until now, and notifications are being missed.
                continue;
            }
            Err(err) => tracing::warn!(?channels, error = %err, "cannot LISTEN; retrying"),
        }
        tokio::select! {
            () = tokio::time::sleep(RECONNECT_PAUSE) => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn connect(pool: &PgPool, channels: &[&str]) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all(channels.iter().copied()).await?;
    Ok(listener)
}
