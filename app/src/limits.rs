//! This process's abuse limits (server only): how many sign-ins and applications one client IP
//! address may send, how many password hashes run at once, how many application forms are read
//! at once, how many live streams one session holds and how many calls one partner API key makes
//! a minute. The rate limits are `governor`'s keyed
//! GCRA limiters (one atomic compare-and-swap per check, so parallel requests cannot all pass
//! before any is counted); the caps are Tokio semaphores.
//!
//! The client is the TCP peer address (axum's `ConnectInfo`), never a forwarded header a client
//! can write itself. Behind a reverse proxy every request comes from the proxy's address, so the
//! per-IP limits then apply to all clients together: the README says how to size them.

use std::{
    collections::HashMap,
    net::{IpAddr, Ipv6Addr},
    num::NonZeroU32,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{AppError, ssr::internal};

/// The limits' sizes; the server builds them from its configuration.
#[derive(Clone, Debug)]
pub struct LimitSettings {
    pub sign_in_per_ip_per_minute: u32,
    pub password_hashes_at_once: u32,
    pub applications_per_ip_per_day: u32,
    pub application_uploads_at_once: u32,
    pub live_streams_per_session: u32,
    pub api_calls_per_minute: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            sign_in_per_ip_per_minute: 30,
            password_hashes_at_once: 2,
            applications_per_ip_per_day: 5,
            application_uploads_at_once: 4,
            live_streams_per_session: 6,
            api_calls_per_minute: 600,
        }
    }
}

/// Where a partner API key stands in its minute: a call counted (`allowed`) or refused, and what
/// the `RateLimit` headers tell the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window starts again (at least 1).
    pub reset_secs: u64,
}

/// A key's fixed one-minute window: when it started and the calls counted in it. A fixed window
/// (rather than the GCRA of the per-IP limits) is what `RateLimit` headers describe exactly.
#[derive(Clone, Copy, Debug)]
struct Window {
    started: Instant,
    calls: u32,
}

const API_WINDOW: Duration = Duration::from_secs(60);

/// One client for the per-IP limits: an IPv4 address, or an IPv6 /64 (one subscriber's
/// network; its 2^64 addresses would otherwise each get a full allowance).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Client(IpAddr);

impl Client {
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => Self(ip),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let [a, b, c, d, ..] = v6.segments();
                    Self(IpAddr::V6(Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0)))
                }
            },
        }
    }
}

impl std::fmt::Display for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

/// A keyed limiter forgets clients whose allowance has refilled once it holds this many.
const PRUNE_AT: usize = 100_000;

struct Inner {
    settings: LimitSettings,
    hashes: Arc<Semaphore>,
    sign_in_per_ip: DefaultKeyedRateLimiter<Client>,
    applications_per_ip: DefaultKeyedRateLimiter<Client>,
    uploads: Arc<Semaphore>,
    streams: Mutex<HashMap<String, u32>>,
    api_calls: Mutex<HashMap<uuid::Uuid, Window>>,
}

/// Shared by every request of this process (cheap to clone).
#[derive(Clone)]
pub struct Limits(Arc<Inner>);

fn at_least_one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Limits {
    pub fn new(settings: LimitSettings) -> Self {
        let per_minute = at_least_one(settings.sign_in_per_ip_per_minute);
        let per_day = at_least_one(settings.applications_per_ip_per_day);
        let day = Duration::from_secs(24 * 3600);
        // A burst of the whole day's allowance, then one more each 1/N of a day.
        let applications =
            Quota::with_period(day / per_day.get()).unwrap_or_else(|| Quota::per_hour(per_day)).allow_burst(per_day);
        Self(Arc::new(Inner {
            hashes: Arc::new(Semaphore::new(settings.password_hashes_at_once.max(1) as usize)),
            sign_in_per_ip: RateLimiter::keyed(Quota::per_minute(per_minute)),
            applications_per_ip: RateLimiter::keyed(applications),
            uploads: Arc::new(Semaphore::new(settings.application_uploads_at_once.max(1) as usize)),
            streams: Mutex::new(HashMap::new()),
            api_calls: Mutex::new(HashMap::new()),
            settings,
        }))
    }

    pub fn settings(&self) -> &LimitSettings {
        &self.0.settings
    }

    /// Runs a password hash or verification off the async executor, when one of the
    /// `password_hashes_at_once` slots is free: each takes about 19 MiB for its duration, so
    /// memory stays bounded however many sign-ins arrive together. Waiting costs a task only.
    pub async fn hashing<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let permit = self.0.hashes.clone().acquire_owned().await.map_err(|e| internal("waiting to hash", e))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| internal("hashing a password", e))
    }

    /// Counts a sign-in attempt from `client`; false once it is over its allowance.
    pub fn sign_in_from(&self, client: Client) -> bool {
        check(&self.0.sign_in_per_ip, client)
    }

    /// Counts an application from `client`; false once it is over its allowance for the day.
    pub fn application_from(&self, client: Client) -> bool {
        check(&self.0.applications_per_ip, client)
    }

    /// A slot to read one application form in, if one is free (the form can be 60 MB).
    pub fn upload_slot(&self) -> Option<OwnedSemaphorePermit> {
        self.0.uploads.clone().try_acquire_owned().ok()
    }

    /// A slot for one more live stream of `session`, held for as long as the stream is open;
    /// `None` when the session already has `live_streams_per_session` open.
    pub fn stream_slot(&self, session: String) -> Option<StreamSlot> {
        let mut open = self.0.streams.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(session.clone()).or_insert(0);
        if *count >= self.0.settings.live_streams_per_session {
            return None;
        }
        *count += 1;
        crate::metering::live_stream_opened();
        Some(StreamSlot { limits: self.clone(), session })
    }
}

impl Limits {
    /// Counts a partner API call made with `key` in this process; refused once the key has made
    /// `api_calls_per_minute` in its current minute.
    pub fn api_call(&self, key: uuid::Uuid) -> Allowance {
        let limit = self.0.settings.api_calls_per_minute.max(1);
        let now = Instant::now();
        let mut windows = self.0.api_calls.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > PRUNE_AT {
            windows.retain(|_, w| now.duration_since(w.started) < API_WINDOW);
        }
        let window = windows.entry(key).or_insert(Window { started: now, calls: 0 });
        if now.duration_since(window.started) >= API_WINDOW {
            *window = Window { started: now, calls: 0 };
        }
        let allowed = window.calls < limit;
        if allowed {
            window.calls += 1;
        }
        let left = API_WINDOW.saturating_sub(now.duration_since(window.started));
        Allowance {
            allowed,
            limit,
            remaining: limit - window.calls,
            reset_secs: left.as_secs_f64().ceil().max(1.0) as u64,
        }
    }
}

fn check(limiter: &DefaultKeyedRateLimiter<Client>, client: Client) -> bool {
    if limiter.len() > PRUNE_AT {
        limiter.retain_recent();
    }
    limiter.check_key(&client).is_ok()
}

/// One open live stream of a session; dropping it (the stream ends) frees the slot.
pub struct StreamSlot {
    limits: Limits,
    session: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        crate::metering::live_stream_closed();
        let mut open = self.limits.0.streams.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.session) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.session);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_their_64_and_mapped_ipv4_is_ipv4() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(Client::of(a), Client::of(b));
        assert_ne!(Client::of(a), Client::of(c));
        assert_eq!(Client::of(a).to_string(), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        assert_eq!(Client::of(mapped).to_string(), "203.0.113.7");
    }

    #[test]
    fn sign_ins_per_ip_stop_at_the_allowance_and_other_clients_go_on() {
        let limits = Limits::new(LimitSettings { sign_in_per_ip_per_minute: 3, ..LimitSettings::default() });
        let one = Client::of("198.51.100.1".parse().unwrap());
        let two = Client::of("198.51.100.2".parse().unwrap());
        assert_eq!((0..5).filter(|_| limits.sign_in_from(one)).count(), 3);
        assert!(limits.sign_in_from(two));
    }

    #[test]
    fn a_session_holds_at_most_its_streams_and_a_closed_one_frees_its_slot() {
        let limits = Limits::new(LimitSettings { live_streams_per_session: 2, ..LimitSettings::default() });
        let first = limits.stream_slot("s".into()).unwrap();
        let _second = limits.stream_slot("s".into()).unwrap();
        assert!(limits.stream_slot("s".into()).is_none());
        assert!(limits.stream_slot("other".into()).is_some());
        drop(first);
        assert!(limits.stream_slot("s".into()).is_some());
    }

    #[test]
    fn an_api_key_gets_its_calls_a_minute_and_other_keys_theirs() {
        let limits = Limits::new(LimitSettings { api_calls_per_minute: 3, ..LimitSettings::default() });
        let (one, two) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
        let answers: Vec<Allowance> = (0..4).map(|_| limits.api_call(one)).collect();
        assert_eq!(answers.iter().filter(|a| a.allowed).count(), 3);
        assert_eq!(answers[0].remaining, 2);
        assert_eq!(answers[3], Allowance { allowed: false, limit: 3, remaining: 0, ..answers[3] });
        assert!((1..=60).contains(&answers[3].reset_secs));
        assert!(limits.api_call(two).allowed);
    }

    #[tokio::test]
    async fn no_more_hashes_run_at_once_than_the_slots() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let limits = Limits::new(LimitSettings { password_hashes_at_once: 2, ..LimitSettings::default() });
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let (limits, running, most) = (limits.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    limits
                        .hashing(move || {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(5));
                            running.fetch_sub(1, Ordering::SeqCst);
                        })
                        .await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= 2, "at most two hashes at once");
    }
}
