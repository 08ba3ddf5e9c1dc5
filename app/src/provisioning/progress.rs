use leptos::prelude::*;

use super::InFlight;
use crate::{
    domain::OrderStatus,
    i18n::{Msg, t},
};

/// A compact progress bar for lists: "in process", the step under way and the percent.
#[component]
pub fn InFlightMeter(in_flight: InFlight, #[prop(optional)] href: Option<String>) -> impl IntoView {
    let InFlight { order_number, status, step, percent } = in_flight;
    let label = move || match (status, step) {
        (OrderStatus::AwaitingCreditApproval, _) => t(Msg::OrderAwaitingCreditApproval)(),
        (OrderStatus::ProvisioningFailed, _) => t(Msg::OrderProvisioningFailed)(),
        (_, Some(step)) => t(step.label())(),
        (_, None) => t(Msg::OrderSubmitted)(),
    };
    let id = format!("in-flight-{order_number}");
    view! {
        <div class="in-flight" data-order=order_number.to_string()>
            <span id=id.clone() class="in-flight-label">
                <span class="badge warn">{t(Msg::InProcess)}</span> " " {label} " · " {percent} "%"
            </span>
            <progress max="100" value=percent.to_string() aria-labelledby=id>{percent} "%"</progress>
            {href.map(|href| view! { <a href=href class="small">{t(Msg::OrderNumber)} " " {order_number}</a> })}
        </div>
    }
}
