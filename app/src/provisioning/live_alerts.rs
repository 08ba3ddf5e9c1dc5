use leptos::prelude::*;

use crate::{
    auth::Area,
    domain::ProvisioningStep,
    i18n::{Msg, t},
    live::{ProgressEvent, start_stream, use_live},
};

/// Opens the live stream for the signed-in user and announces each order that completes or
/// fails, on whatever page they are, until dismissed.
#[component]
pub fn LiveAlerts(area: Area) -> impl IntoView {
    let live = use_live();
    let alerts = RwSignal::new(Vec::<ProgressEvent>::new());
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            start_stream(live);
        }
    });
    Effect::new(move |_| {
        if let Some(event) = live.last().filter(ProgressEvent::is_final)
            && !alerts
                .with_untracked(|a| a.iter().any(|seen| seen.order_number == event.order_number && seen.id == event.id))
        {
            alerts.update(|a| {
                a.retain(|seen| seen.order_number != event.order_number);
                a.push(event);
            });
        }
    });
    view! {
        <div class="live-alerts" aria-live="polite">
            <For each=move || alerts.get() key=|event| event.id let:event>
                <LiveAlert event area alerts />
            </For>
        </div>
    }
}

#[component]
fn LiveAlert(event: ProgressEvent, area: Area, alerts: RwSignal<Vec<ProgressEvent>>) -> impl IntoView {
    let done = event.step == ProvisioningStep::Completed;
    let number = event.order_number;
    let (message, link, link_text) = match (area, done) {
        (Area::CustomerPortal, true) => (Msg::LiveLicencesReady, "/portal/csp".to_owned(), Msg::MicrosoftCsp),
        (Area::CustomerPortal, false) => (Msg::LiveOrderFailedCustomer, "/portal/csp".to_owned(), Msg::MicrosoftCsp),
        (Area::BackOffice, _) => (
            if done { Msg::LiveOrderCompleted } else { Msg::LiveOrderFailed },
            format!("/backoffice/orders/{number}"),
            Msg::ViewOrder,
        ),
        (Area::ControlPanel, _) => (
            if done { Msg::LiveOrderCompleted } else { Msg::LiveOrderFailed },
            format!("/cp/orders/{number}"),
            Msg::ViewOrder,
        ),
    };
    let dismiss = move |_| alerts.update(|a| a.retain(|seen| seen.order_number != number));
    view! {
        <div class=if done { "alert alert-success live-alert" } else { "alert alert-error live-alert" } role="status">
            <p>
                <strong>{t(Msg::OrderNumber)} " " {number}</strong> ": " {t(message)}
            </p>
            <a href=link class="button small">{t(link_text)}</a>
            <button type="button" class="button link" on:click=dismiss aria-label=t(Msg::Dismiss)>"×"</button>
        </div>
    }
}
