//! The server half of live progress: one LISTEN connection per process feeds a broadcast
//! channel that every browser's event stream takes from. Infrastructure: it knows the
//! notification and the channel, not who is signed in (the stream handler in `provisioning`
//! decides what each user sees).

use serde::Deserialize;
use sqlx::PgPool;
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

use super::{NOTIFY_CHANNEL, ProgressEvent};
use crate::domain::{OrderStatus, ProvisioningStep};

/// What the `order_progress` trigger announces (see the live progress migration).
#[derive(Clone, Debug, Deserialize)]
pub struct Notice {
    pub id: i64,
    pub order_number: i64,
    pub partner_id: Uuid,
    pub customer_id: Uuid,
    pub status: OrderStatus,
    pub step: ProvisioningStep,
    pub percent: i32,
}

impl Notice {
    pub fn event(&self) -> ProgressEvent {
        ProgressEvent {
            id: self.id,
            order_number: self.order_number,
            status: self.status,
            step: self.step,
            percent: self.percent,
        }
    }
}

/// This process's fan-out of progress notifications.
#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<Notice>,
    closed: watch::Sender<bool>,
    /// Moves on each time the LISTEN connection is (re)established: notifications sent while it
    /// was down are lost, so every open stream catches up from the table.
    listening: watch::Sender<u64>,
}

impl Default for Hub {
    fn default() -> Self {
        // A stream that falls this far behind catches up from the table instead.
        let (sender, _) = broadcast::channel(1024);
        let (closed, _) = watch::channel(false);
        let (listening, _) = watch::channel(0);
        Self { sender, closed, listening }
    }
}

impl Hub {
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.sender.subscribe()
    }

    /// Ends every open stream, so a graceful shutdown is not held up by browsers that would
    /// otherwise listen forever. They reconnect to another process (or this one, restarted).
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    /// Hands `notice` to this process's streams.
    /// Tells a stream when the hub closes.
    pub fn closed(&self) -> watch::Receiver<bool> {
        self.closed.subscribe()
    }

    /// Tells a stream when the hub (re)connected to the database and it may have missed steps.
    pub fn relistened(&self) -> watch::Receiver<u64> {
        self.listening.subscribe()
    }

    pub fn publish(&self, notice: Notice) {
        // No receivers is not an error: nobody is watching.
        let _ = self.sender.send(notice);
    }

    /// Relays `order_progress` notifications until the hub is closed, through the product's
    /// one LISTEN loop (`crate::listen`). What was announced while the connection was down (a
    /// database restart) is lost to the relay, while the browsers' streams stay open: each time
    /// it listens again, every stream replays what it missed from the table.
    pub async fn relay(self, pool: PgPool) {
        let closed = self.closed.subscribe();
        crate::listen::listen(pool, &[NOTIFY_CHANNEL], closed, |heard| match heard {
            crate::listen::Heard::Listening => {
                self.listening.send_modify(|n| *n += 1);
            }
            crate::listen::Heard::Notification(notification) => {
                match serde_json::from_str::<Notice>(notification.payload()) {
                    Ok(notice) => self.publish(notice),
                    Err(err) => tracing::warn!(error = %err, "unreadable order progress notification"),
                }
            }
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trigger_payload_parses() {
        let payload = r#"{"id":7,"order_number":100002,"partner_id":"11111111-1111-4111-8111-111111111111",
            "customer_id":"22222222-2222-4222-8222-222222222222","status":"provisioning","step":"creating_tenant","percent":30}"#;
        let notice: Notice = serde_json::from_str(payload).unwrap();
        assert_eq!(notice.step, ProvisioningStep::CreatingTenant);
        assert_eq!(notice.status, OrderStatus::Provisioning);
        assert_eq!(notice.event().percent, 30);
    }
}
