use leptos::prelude::*;

use super::SubscriptionView;
use crate::{
    components::EmptyState,
    i18n::{Msg, t},
    provisioning::InFlightMeter,
};

/// A customer's subscriptions as cards: product, billing option, licences and status; one still
/// provisioning shows "in process" and its progress.
#[component]
pub fn SubscriptionCards(subscriptions: Vec<SubscriptionView>) -> impl IntoView {
    if subscriptions.is_empty() {
        return view! { <EmptyState msg=Msg::NoSubscriptions /> }.into_any();
    }
    view! {
        <ul class="subscription-list">
            {subscriptions
                .into_iter()
                .map(|s| view! {
                    <li class="card subscription">
                        <h3>{s.product_name}</h3>
                        <p class="muted">{t(s.billing_cycle.label())}</p>
                        <p class="licences">
                            <span class="licence-count">{s.quantity}</span> " " {t(Msg::Licences)} " "
                            <span class=s.status.tone()>{t(s.status.label())}</span>
                        </p>
                        {s.in_flight.map(|in_flight| view! { <InFlightMeter in_flight /> })}
                    </li>
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
