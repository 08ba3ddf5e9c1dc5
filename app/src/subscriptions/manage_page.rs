use leptos::prelude::*;

use super::{
    ChangeLicences, ScheduleRenewal, SetAutoRenew, SubscriptionDetail, SubscriptionStatus, cards::SubscriptionTerm,
    get_subscription,
};
use crate::{
    components::{Field, FormMessage, format_datetime, format_money, loaded, page_title},
    error::AppError,
    i18n::{Msg, licences, t},
    live::use_live,
    provisioning::InFlightMeter,
};

/// The subscription named in the URL, refetched when `also` changes or its order moves.
pub(super) fn subscription_resource(
    also: impl Fn() -> usize + Send + Sync + 'static,
) -> Resource<Result<SubscriptionDetail, AppError>> {
    let id = crate::components::route_param::<crate::domain::SubscriptionId>("id");
    let changes = use_live().changes(|| None);
    Resource::new(
        move || (id(), also(), changes.get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => get_subscription(id).await,
                None => Err(AppError::not_found(crate::i18n::Say::SubscriptionNotFound)),
            }
        },
    )
}

/// "Manage Subscription": the licence count under new-commerce rules. An increase at any time;
/// a decrease only of the seats still inside their 168 hours, listed with when each closes;
/// otherwise why not, with auto-renew and a count for the renewal as the ways out.
#[component]
pub fn ManageSubscriptionPage() -> impl IntoView {
    let change = ServerAction::<ChangeLicences>::new();
    let auto_renew = ServerAction::<SetAutoRenew>::new();
    let renewal = ServerAction::<ScheduleRenewal>::new();
    let subscription =
        subscription_resource(move || change.version().get() + auto_renew.version().get() + renewal.version().get());
    let change_error = Signal::derive(move || change.value().get().and_then(Result::err));
    let renewal_error = Signal::derive(move || {
        renewal.value().get().and_then(Result::err).or_else(|| auto_renew.value().get().and_then(Result::err))
    });
    // "Being provisioned as order N" only while the subscription still shows that order open:
    // once the live update shows it settled, the count above says how it ended and the live
    // alert has announced it, so the message goes without a reload.
    let placed = move || {
        let number = change.value().get().and_then(Result::ok)?;
        let settled = subscription.get().and_then(Result::ok).is_some_and(|d| d.open_order != Some(number.get()));
        (!settled).then(|| {
            view! { <p class="alert alert-info" role="status">{t(Msg::ChangeOrderPlaced)} " " <strong>{number}</strong></p> }
        })
    };
    view! {
        <header class="page-header">
            <p class="eyebrow"><a href="/portal/csp">{t(Msg::MicrosoftCsp)}</a></p>
            {page_title(Msg::ManageSubscription)}
            <h1>{t(Msg::ManageSubscription)}</h1>
        </header>
        {placed}
        {loaded(subscription, move |d: SubscriptionDetail| {
            let id = d.view.subscription_id.to_string();
            let active = d.view.status == SubscriptionStatus::Active && d.open_order.is_none();
            let removable_now = d.removable_now();
            view! {
                <section class="card" aria-labelledby="subscription-name">
                    <h2 id="subscription-name">{d.view.product_name.clone()}</h2>
                    <p class="licences">
                        <span class="licence-count" data-test="licence-count">{d.view.quantity}</span> " " {t(licences(d.view.quantity))} " "
                        <span class=d.view.status.tone()>{t(d.view.status.label())}</span>
                    </p>
                    <p class="muted">
                        {t(d.view.billing_cycle.label())} " · " {format_money(d.unit_price, d.currency)} " " {t(Msg::PerLicencePerTerm)}
                    </p>
                    <SubscriptionTerm term_end=d.view.term_end auto_renew=d.view.auto_renew renewal_quantity=d.view.renewal_quantity />
                    {d.view.in_flight.clone().map(|in_flight| view! { <InFlightMeter in_flight /> })}
                </section>
                {active.then(|| {
                    let id = id.clone();
                    view! {
                        <section class="card" aria-labelledby="licences-heading">
                            <h2 id="licences-heading">{t(Msg::ChangeLicenceCount)}</h2>
                            <ActionForm action=change attr:class="stacked-form">
                                <input type="hidden" name="subscription_id" value=id />
                                <FormMessage error=change_error fields=&["quantity"] />
                                <Field
                                    name="quantity"
                                    label=Msg::Licences
                                    input_type="number"
                                    value=d.view.quantity.to_string()
                                    hint=Msg::ChangeLicencesHint
                                    error=change_error
                                />
                                <button type="submit" class="button primary" disabled=move || change.pending().get()>
                                    {t(Msg::UpdateLicences)}
                                </button>
                            </ActionForm>
                        </section>
                    }
                })}
                <Removable detail=d.clone() removable_now />
                {active.then(|| view! {
                    <RenewalOptions
                        id=id.clone()
                        auto_renew_on=d.view.auto_renew
                        renewal_quantity=d.view.renewal_quantity
                        auto_renew
                        renewal
                        error=renewal_error
                    />
                })}
                <p>
                    <a href=format!("/portal/account/subscriptions/{id}")>{t(Msg::CancelSubscription)}</a>
                </p>
            }
        })}
    }
}

/// Which seats can still be removed and until when; or why none can.
#[component]
fn Removable(detail: SubscriptionDetail, removable_now: i32) -> impl IntoView {
    if removable_now == 0 {
        return view! {
            <section class="alert alert-info" aria-labelledby="decrease-heading" data-test="no-decrease">
                <h2 id="decrease-heading">{t(Msg::DecreaseHeading)}</h2>
                <p>{t(Msg::DecreaseWindowPassed)}</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="card" aria-labelledby="decrease-heading" data-test="removable">
            <h2 id="decrease-heading">{t(Msg::DecreaseHeading)}</h2>
            <p>{t(Msg::RemovableExplained)}</p>
            <ul>
                {detail
                    .removable
                    .into_iter()
                    .map(|r| view! {
                        <li>
                            <strong>{r.quantity}</strong> " " {t(licences(r.quantity))} " · " {t(Msg::RemovableUntil)} " "
                            {format_datetime(r.until)} " UTC"
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// The ways to go lower than the window allows: auto-renew off, or a count for the renewal.
#[component]
fn RenewalOptions(
    id: String,
    auto_renew_on: bool,
    renewal_quantity: Option<i32>,
    auto_renew: ServerAction<SetAutoRenew>,
    renewal: ServerAction<ScheduleRenewal>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let renewal_id = id.clone();
    view! {
        <section class="card" aria-labelledby="renewal-heading">
            <h2 id="renewal-heading">{t(Msg::AtRenewal)}</h2>
            <FormMessage error fields=&["renewal_quantity"] />
            <ActionForm action=auto_renew attr:class="inline-form">
                <input type="hidden" name="subscription_id" value=id />
                <input type="hidden" name="auto_renew" value=if auto_renew_on { "off" } else { "on" } />
                <button type="submit" class="button" disabled=move || auto_renew.pending().get()>
                    {if auto_renew_on { t(Msg::TurnAutoRenewOff) } else { t(Msg::TurnAutoRenewOn) }}
                </button>
            </ActionForm>
            <ActionForm action=renewal attr:class="stacked-form">
                <input type="hidden" name="subscription_id" value=renewal_id />
                <Field
                    name="renewal_quantity"
                    label=Msg::LicencesAtRenewal
                    input_type="number"
                    value=renewal_quantity.map(|q| q.to_string()).unwrap_or_default()
                    hint=Msg::LicencesAtRenewalHint
                    error
                />
                <button type="submit" class="button" disabled=move || renewal.pending().get()>
                    {t(Msg::ScheduleForRenewal)}
                </button>
            </ActionForm>
        </section>
    }
}
