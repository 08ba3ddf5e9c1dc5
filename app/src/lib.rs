//! cloudmarket's Leptos application: pages, components and server functions, organised by
//! feature. Server-only code (queries, password hashing, session access) sits behind the `ssr`
//! feature in each feature's `ssr` module, so the browser bundle never sees row types.

#![recursion_limit = "256"]

pub mod app;
pub mod auth;
pub mod backoffice;
pub mod billing;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod components;
pub mod customers;
pub mod domain;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod invoicing;
pub mod live;
pub mod notifications;
pub mod onboarding;
pub mod operations;
pub mod orders;
pub mod partner_api;
pub mod partner_center;
pub mod partners;
pub mod portal;
pub mod provisioning;
pub mod search;
pub mod subscriptions;
pub mod webhooks;

#[cfg(feature = "ssr")]
pub mod audit;
// Invoicing (issue #21): TCMB's rate feed and the e-Fatura integrator.
#[cfg(feature = "ssr")]
pub mod gib;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod listen;
#[cfg(feature = "ssr")]
pub mod metering;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod state;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // What `leptos::mount::hydrate_lazy` does, plus a mark once it has finished. A page whose code
    // is a split chunk (see `app::pages`) hydrates once that chunk is in, which can be well after
    // the app's first effects have run; `<body data-hydrated>` says the page's own controls are
    // live. Set earlier, a click in between posted a form natively instead of through its handler.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = web_sys::window().and_then(|window| window.document()).and_then(|document| document.body())
        else {
            return;
        };
        let owner = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        let _ = body.set_attribute(components::HYDRATED_ATTRIBUTE, "true");
        if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new(components::HYDRATED_EVENT)) {
            let _ = window.dispatch_event(&event);
        }
        owner.forget();
    });
}
