//! `GET /live/progress`: each browser's event stream of provisioning progress, carrying the
//! orders its signed-in user may see, with what it missed while away replayed first. The hub
//! (`crate::live::hub`) relays what Postgres announces; this decides who sees what.

use std::{
    collections::{BTreeSet, HashSet},
    convert::Infallible,
    time::Duration,
};

use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use serde::Deserialize;
use sqlx::PgPool;
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

use crate::{
    auth::{
        Role,
        ssr::{AuthUser, SignInRejection, SignedIn},
    },
    domain::{OrderStatus, ProvisioningStep},
    live::{ProgressEvent, hub::Notice},
    state::AppState,
};

/// Whose orders a stream carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Everyone,
    Partner(Uuid),
    Customer(Uuid),
}

impl Scope {
    pub fn of(user: &AuthUser) -> Self {
        match user.role {
            Role::CreditControl | Role::Operations => Self::Everyone,
            Role::PartnerAdmin => Self::Partner(user.organisation_id),
            Role::CustomerAdmin => Self::Customer(user.organisation_id),
        }
    }

    pub fn sees(self, notice: &Notice) -> bool {
        match self {
            Self::Everyone => true,
            Self::Partner(id) => notice.partner_id == id,
            Self::Customer(id) => notice.customer_id == id,
        }
    }

    fn partner(self) -> Option<Uuid> {
        if let Self::Partner(id) = self { Some(id) } else { None }
    }

    fn customer(self) -> Option<Uuid> {
        if let Self::Customer(id) = self { Some(id) } else { None }
    }
}

/// The most steps one [`replay`] returns; a stream that gets a full page asks for the next.
const REPLAY_PAGE: usize = 200;

/// How far below the last step it sent an open stream looks again when it catches up. A step's
/// id is drawn when it is recorded, not when it commits: a step recorded just before another can
/// commit just after it, and if its notification was lost (the database restart that makes the
/// stream catch up), replaying only what follows the last id sent would skip it for good. Steps
/// are recorded in short transactions, so far fewer ids than this are drawn and not yet committed
/// at any moment; the ids already sent are remembered this far back, so none is sent twice.
const REPLAY_SLACK: i64 = 1_000;

/// Progress after `after` for the orders `scope` may see, from the last ten minutes: what a
/// browser missed while it was away, at most [`REPLAY_PAGE`] steps, oldest first.
pub async fn replay(pool: &PgPool, scope: Scope, after: i64) -> Result<Vec<ProgressEvent>, sqlx::Error> {
    sqlx::query_as!(
        ProgressEvent,
        r#"select p.progress_id as id, so.order_number, so.status as "status: OrderStatus",
                  p.step as "step: ProvisioningStep", p.percent
           from order_progress p join sales_order so using (order_id)
           where p.progress_id > $1 and p.recorded_at > now() - interval '10 minutes'
             and ($2::uuid is null or so.partner_id = $2)
             and ($3::uuid is null or so.customer_id = $3)
           order by p.progress_id
           limit $4"#,
        after,
        scope.partner(),
        scope.customer(),
        REPLAY_PAGE as i64,
    )
    .fetch_all(pool)
    .await
}

#[derive(Deserialize)]
pub struct StreamQuery {
    after: Option<i64>,
}

/// `GET /live/progress`: server-sent events, one `progress` event per step of every order the
/// signed-in user may see. The event id is the step's id: a browser reconnecting by itself
/// sends it back as `Last-Event-ID`, one opening a new page passes it as `?after=`, and both
/// get what they missed first.
pub async fn stream(
    State(state): State<AppState>,
    signed_in: Result<SignedIn, SignInRejection>,
    session: tower_sessions::Session,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
) -> Response {
    let user = match signed_in {
        Ok(SignedIn(user)) => user,
        Err(SignInRejection::SignedOut) => {
            return (StatusCode::UNAUTHORIZED, "Sign in to follow provisioning.").into_response();
        }
        Err(failed) => return failed.into_response(),
    };
    // Each stream holds a task and a subscription until the browser goes: a few per session.
    let session_key = session.id().map_or_else(|| format!("user:{}", user.user_id), |id| id.to_string());
    let Some(slot) = state.limits.stream_slot(session_key) else {
        let locale = headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(crate::i18n::Locale::from_cookie_header)
            .unwrap_or_default();
        return (StatusCode::TOO_MANY_REQUESTS, crate::i18n::Msg::LiveStreamsTooMany.text(locale)).into_response();
    };
    let scope = Scope::of(&user);
    // Subscribed before reading the backlog, so nothing falls between the two.
    let receiver = state.live.subscribe();
    let reconnected =
        headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<i64>().ok());
    // A browser reconnecting by itself (a server went away) has every step up to its
    // Last-Event-ID except one recorded just before that and committed just after, whose
    // notification died with the server: it is replayed from [`REPLAY_SLACK`] lower, never below
    // where its page started (`?after=`, which the browser sends again), and drops what it had.
    let after = match reconnected {
        Some(last) => Some((last - REPLAY_SLACK).max(query.after.unwrap_or(0))),
        None => query.after,
    };
    let relistened = state.live.relistened();
    let backlog = match after {
        Some(after) => match replay(&state.pool, scope, after).await {
            Ok(backlog) => backlog,
            // A stream opened without what the browser missed would never send it: the browser
            // is asked to come back instead (the database is restarting, as a rule).
            Err(err) => {
                let error = crate::error::AppError::from(err);
                let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return (status, [(axum::http::header::RETRY_AFTER, "1")], error.to_string()).into_response();
            }
        },
        None => Vec::new(),
    };
    let feed = Feed {
        scope,
        pool: state.pool.clone(),
        replayed: backlog.iter().map(|e| e.id).collect(),
        sent: BTreeSet::new(),
        last_id: backlog.last().map(|e| e.id).or(after).unwrap_or(0),
        floor: after.unwrap_or(0),
        placed: after.is_some(),
        cursor: if backlog.len() == REPLAY_PAGE { backlog.last().map(|e| e.id) } else { None },
        backlog: backlog.into(),
        receiver,
        closed: state.live.closed(),
        relistened,
        greeted: false,
        _slot: slot,
    };
    let events = futures::stream::unfold(feed, |mut feed| async move {
        let event = feed.next().await?;
        Some((Ok::<_, Infallible>(event), feed))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response()
}

struct Feed {
    scope: Scope,
    pool: PgPool,
    backlog: std::collections::VecDeque<ProgressEvent>,
    /// Replayed ids, so the same step arriving live as well is sent once.
    replayed: HashSet<i64>,
    /// Ids sent, down to [`REPLAY_SLACK`] below `last_id`: a catch-up sends none of them again.
    sent: BTreeSet<i64>,
    last_id: i64,
    /// What the browser said it had when the stream opened: a catch-up never goes below it.
    floor: i64,
    /// Whether `last_id` says where the browser stands: it passed one, or was sent a step.
    placed: bool,
    /// The last replay filled a page ending at this id: there is more to replay after it once
    /// the backlog is sent.
    cursor: Option<i64>,
    receiver: broadcast::Receiver<Notice>,
    closed: watch::Receiver<bool>,
    /// Changes when the hub listens again after losing its connection (see `Hub::relay`).
    relistened: watch::Receiver<u64>,
    greeted: bool,
    /// Frees the session's stream slot when the stream ends.
    _slot: crate::limits::StreamSlot,
}

impl Feed {
    async fn next(&mut self) -> Option<Event> {
        if !self.greeted {
            self.greeted = true;
            // Tells the browser how soon to reconnect by itself after a drop.
            return Some(Event::default().retry(Duration::from_secs(2)).comment("connected"));
        }
        loop {
            if let Some(event) = self.backlog.pop_front() {
                return Some(self.send(event));
            }
            if self.cursor.is_some() && !self.catch_up().await {
                return None;
            }
            if !self.backlog.is_empty() {
                continue;
            }
            if *self.closed.borrow() {
                return None;
            }
            tokio::select! {
                received = self.receiver.recv() => match received {
                    Ok(notice) => {
                        if self.scope.sees(&notice) && !self.replayed.remove(&notice.id) {
                            return Some(self.send(notice.event()));
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        if !self.catch_up().await {
                            return None;
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                // The hub lost its connection and has it back: what was announced meanwhile
                // never reached it. A stream that neither said where its page stood nor was sent
                // anything has no place to resume from (its page loaded the state when it opened).
                Ok(()) = self.relistened.changed() => {
                    if self.placed && !self.catch_up().await {
                        return None;
                    }
                }
                _ = self.closed.changed() => return None,
            }
        }
    }

    /// Queues what was recorded after the last step sent. `false` when the database cannot be
    /// read: the stream then ends and the browser reconnects with `Last-Event-ID`, which replays
    /// the same, rather than carrying on with a gap.
    async fn catch_up(&mut self) -> bool {
        let from = self.cursor.unwrap_or_else(|| (self.last_id - REPLAY_SLACK).max(self.floor));
        match replay(&self.pool, self.scope, from).await {
            Ok(missed) => {
                self.cursor = if missed.len() == REPLAY_PAGE { missed.last().map(|e| e.id) } else { None };
                for event in missed {
                    // Not sent already, nor waiting in the backlog from an earlier page.
                    if !self.sent.contains(&event.id) && self.replayed.insert(event.id) {
                        self.backlog.push_back(event);
                    }
                }
                true
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot catch up a stream; it ends and the browser reconnects");
                false
            }
        }
    }

    fn send(&mut self, event: ProgressEvent) -> Event {
        self.last_id = self.last_id.max(event.id);
        self.placed = true;
        self.sent.insert(event.id);
        if self.sent.first().is_some_and(|&oldest| oldest < self.last_id - REPLAY_SLACK) {
            self.sent = self.sent.split_off(&(self.last_id - REPLAY_SLACK));
        }
        Event::default()
            .event("progress")
            .id(event.id.to_string())
            .json_data(&event)
            .unwrap_or_else(|_| Event::default().comment("unserialisable event"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(partner_id: Uuid, customer_id: Uuid) -> Notice {
        Notice {
            id: 1,
            order_number: 100001,
            partner_id,
            customer_id,
            status: OrderStatus::Provisioning,
            step: ProvisioningStep::Validating,
            percent: 10,
        }
    }

    #[test]
    fn each_user_sees_only_their_own_orders() {
        let (partner, other_partner, customer) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let n = notice(partner, customer);
        assert!(Scope::Partner(partner).sees(&n));
        assert!(!Scope::Partner(other_partner).sees(&n));
        assert!(Scope::Customer(customer).sees(&n));
        assert!(!Scope::Customer(partner).sees(&n));
        assert!(Scope::Everyone.sees(&n));
    }
}
