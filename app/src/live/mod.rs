//! Live provisioning progress (SPEC F). Every server process relays the `order_progress`
//! notifications of Postgres to the browsers it serves as server-sent events. In the browser a
//! [`Live`] context turns them into signals: pages showing provisioning refetch when an event
//! for their order arrives, or every two seconds while the stream is down, and `provisioning::LiveAlerts`
//! announces completions and failures on whatever page the user is.
//!
//! Without JavaScript none of this runs: pages render from the tables and a reload shows the
//! current state.

#[cfg(feature = "ssr")]
pub mod hub;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{domain::OrderStatus, domain::ProvisioningStep};

/// Where browsers open the event stream.
pub const STREAM_PATH: &str = "/live/progress";
/// The Postgres channel the `order_progress` trigger notifies.
pub const NOTIFY_CHANNEL: &str = "order_progress";

/// One recorded step of one order, as the browser receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressEvent {
    /// The step's id: increasing, so a reconnecting browser can ask for what it missed.
    pub id: i64,
    pub order_number: i64,
    pub status: OrderStatus,
    pub step: ProvisioningStep,
    pub percent: i32,
}

impl ProgressEvent {
    /// The order stopped moving: completed or failed.
    pub fn is_final(&self) -> bool {
        matches!(self.step, ProvisioningStep::Completed | ProvisioningStep::Failed)
    }
}

/// The browser's view of the stream, shared by every page through context.
#[derive(Clone, Copy)]
pub struct Live {
    last: RwSignal<Option<ProgressEvent>>,
    /// Ticks every two seconds while the stream is down, so pages poll instead.
    poll: RwSignal<u64>,
    /// Only the browser connects.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    connected: RwSignal<bool>,
}

impl Live {
    fn new() -> Self {
        Self { last: RwSignal::new(None), poll: RwSignal::new(0), connected: RwSignal::new(false) }
    }

    /// Creates the context for everything under the layout.
    pub fn provide() -> Self {
        let live = Self::new();
        provide_context(live);
        live
    }

    /// The newest event (tracked).
    pub fn last(self) -> Option<ProgressEvent> {
        self.last.get()
    }

    /// A value that changes whenever what `order` shows may have changed: an event for that
    /// order (any order for `None`), or a poll tick while the stream is down. Resources that show
    /// provisioning key on it.
    pub fn changes(self, order: impl Fn() -> Option<i64> + Send + Sync + 'static) -> Memo<(i64, u64)> {
        let Self { last, poll, .. } = self;
        Memo::new(move |previous: Option<&(i64, u64)>| {
            let seen = previous.map_or(0, |p| p.0);
            let id = match (last.get(), order()) {
                (Some(event), Some(number)) if event.order_number == number => event.id,
                (Some(event), None) => event.id,
                _ => seen,
            };
            (id, poll.get())
        })
    }
}

/// The live context; an inert one outside the layout (nothing arrives, nothing breaks).
pub fn use_live() -> Live {
    use_context::<Live>().unwrap_or_else(Live::new)
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The EventSource and its fallbacks. The browser reconnects a dropped stream by itself
    //! (sending Last-Event-ID); a stream the server refused or closed is reopened here after a
    //! pause. Meanwhile `poll` ticks so pages stay current.

    use gloo_timers::callback::{Interval, Timeout};
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{EventSource, MessageEvent};

    use super::{Live, ProgressEvent, STREAM_PATH};

    const LAST_SEEN_KEY: &str = "cm_live_last_id";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window().and_then(|w| w.session_storage().ok().flatten())
    }

    /// Closes the EventSource when the connection is replaced or the layout goes away.
    pub struct Connection {
        source: EventSource,
        _on_open: Closure<dyn FnMut(web_sys::Event)>,
        _on_progress: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(web_sys::Event)>,
    }

    impl Drop for Connection {
        fn drop(&mut self) {
            self.source.close();
        }
    }

    /// Connects once the page has hydrated (see `crate::hydrate`), not before. Until then nothing
    /// may change what the page's resources are keyed on: a step, or the poll's tick while the
    /// stream is not yet open (every two seconds, less than a page's chunk can take on a phone),
    /// would load them again under the hydration, which would then meet markup other than the
    /// server's and stop, leaving the page inert.
    pub fn start(live: Live) {
        let owner = Owner::current();
        let begin = move || {
            let run = move || {
                let connection = StoredValue::new_local(None::<Connection>);
                connect(live, connection);
                let Live { poll, connected, .. } = live;
                let polling = Interval::new(2_000, move || {
                    if !connected.get_untracked() {
                        poll.update(|n| *n += 1);
                    }
                });
                // Kept (and dropped) with the layout's owner.
                StoredValue::new_local(polling);
            };
            match &owner {
                Some(owner) => owner.with(run),
                None => run(),
            }
        };
        let Some(window) = web_sys::window() else { return };
        let hydrated = window
            .document()
            .and_then(|document| document.body())
            .is_some_and(|body| body.has_attribute(crate::components::HYDRATED_ATTRIBUTE));
        if hydrated {
            begin();
        } else {
            let callback = Closure::once_into_js(begin);
            let _ =
                window.add_event_listener_with_callback(crate::components::HYDRATED_EVENT, callback.unchecked_ref());
        }
    }

    fn connect(live: Live, slot: StoredValue<Option<Connection>, LocalStorage>) {
        // A page load continues where the previous page stopped.
        let url = match storage().and_then(|s| s.get_item(LAST_SEEN_KEY).ok().flatten()) {
            Some(id) if id.parse::<i64>().is_ok() => format!("{STREAM_PATH}?after={id}"),
            _ => STREAM_PATH.to_owned(),
        };
        let Ok(source) = EventSource::new(&url) else {
            reconnect_later(live, slot);
            return;
        };
        let Live { last, connected, .. } = live;
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| connected.set(true));
        // After a reconnection the server sends again what came shortly before the last step this
        // page had (see `progress_stream::stream`): each step counts once, and the newest id is
        // what a next page asks to continue from.
        let mut seen = std::collections::BTreeSet::<i64>::new();
        let on_progress = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            let Some(data) = message.data().as_string() else { return };
            let Ok(event) = serde_json::from_str::<ProgressEvent>(&data) else { return };
            if !seen.insert(event.id) {
                return;
            }
            // The server replays at most a thousand ids back; older ones need not be kept.
            while seen.len() > 2_000 {
                seen.pop_first();
            }
            if let Some(storage) = storage() {
                let newest = storage
                    .get_item(LAST_SEEN_KEY)
                    .ok()
                    .flatten()
                    .and_then(|id| id.parse::<i64>().ok())
                    .map_or(event.id, |stored| stored.max(event.id));
                let _ = storage.set_item(LAST_SEEN_KEY, &newest.to_string());
            }
            connected.set(true);
            last.set(Some(event));
        });
        let watched = source.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            connected.set(false);
            // CLOSED: the browser gave up (e.g. the server said no); try again ourselves.
            if watched.ready_state() == EventSource::CLOSED {
                reconnect_later(live, slot);
            }
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        let _ = source.add_event_listener_with_callback("progress", on_progress.as_ref().unchecked_ref());
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        slot.set_value(Some(Connection { source, _on_open: on_open, _on_progress: on_progress, _on_error: on_error }));
    }

    fn reconnect_later(live: Live, slot: StoredValue<Option<Connection>, LocalStorage>) {
        // Not from inside the failing connection's own callback: replacing it drops that callback.
        Timeout::new(5_000, move || {
            if !slot.is_disposed() {
                connect(live, slot);
            }
        })
        .forget();
    }
}

/// Opens the stream for the signed-in user (in the browser only).
pub fn start_stream(live: Live) {
    #[cfg(feature = "hydrate")]
    browser::start(live);
    #[cfg(not(feature = "hydrate"))]
    let _ = live;
}
