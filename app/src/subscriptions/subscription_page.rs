use leptos::prelude::*;

use super::{
    CancelSubscription, SubscriptionDetail, SubscriptionStatus, SubscriptionView, cards::SubscriptionTerm,
    manage_page::subscription_resource, my_subscriptions, rules::Refund,
};
use crate::{
    components::{EmptyState, ErrorAlert, format_date, format_money, loaded, named_title},
    i18n::{Msg, licences, t},
};

/// Account → Subscriptions: each subscription, to open it.
#[component]
pub fn AccountSubscriptions() -> impl IntoView {
    let subscriptions = Resource::new(|| (), |_| my_subscriptions());
    view! {
        <section aria-labelledby="account-subscriptions">
            <h2 id="account-subscriptions">{t(Msg::Subscriptions)}</h2>
            {loaded(subscriptions, |subscriptions: Vec<SubscriptionView>| {
                if subscriptions.is_empty() {
                    return view! { <EmptyState msg=Msg::NoSubscriptions /> }.into_any();
                }
                view! {
                    <ul class="link-list">
                        {subscriptions
                            .into_iter()
                            .map(|s| view! {
                                <li>
                                    <a href=format!("/portal/account/subscriptions/{}", s.subscription_id)>{s.product_name}</a>
                                    " · " {s.quantity} " " {t(licences(s.quantity))} " "
                                    <span class=s.status.tone()>{t(s.status.label())}</span>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })}
        </section>
    }
}

/// One subscription from Account → Subscriptions, with "Cancel Subscription": a confirmation
/// that states the refund (or that there is none) before anything happens.
#[component]
pub fn SubscriptionPage() -> impl IntoView {
    let cancel = ServerAction::<CancelSubscription>::new();
    let subscription = subscription_resource(move || cancel.version().get());
    let refused = move || cancel.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> });
    let placed = move || {
        cancel.value().get().and_then(Result::ok).map(|number| {
            view! {
                <p class="alert alert-info" role="status">{t(Msg::CancellationRequested)} " " <strong>{number}</strong></p>
            }
        })
    };
    view! {
        {placed}
        {refused}
        {loaded(subscription, move |d: SubscriptionDetail| {
            let waiting = d.view.status == SubscriptionStatus::PendingCancellation;
            view! {
                <header class="page-header">
                    <p class="eyebrow"><a href="/portal/account">{t(Msg::Account)}</a></p>
                    {named_title(d.view.product_name.clone())}
                    <h1>{d.view.product_name.clone()}</h1>
                    <p class="subtitle">
                        <span class="licence-count">{d.view.quantity}</span> " " {t(licences(d.view.quantity))} " "
                        <span class=d.view.status.tone()>{t(d.view.status.label())}</span>
                    </p>
                </header>
                <SubscriptionTerm term_end=d.view.term_end auto_renew=d.view.auto_renew renewal_quantity=d.view.renewal_quantity />
                {waiting.then(|| view! { <p class="alert alert-info" role="status">{t(Msg::CancellationWaiting)}</p> })}
                {d.cancellation_refund.filter(|_| d.open_order.is_none()).map(|refund| view! {
                    <CancelBox refund addons=d.addons.clone() currency=d.currency term_end=d.view.term_end id=d.view.subscription_id.to_string() cancel />
                })}
            }
        })}
    }
}

#[component]
fn CancelBox(
    refund: Refund,
    addons: Vec<String>,
    currency: crate::domain::Currency,
    term_end: Option<time::OffsetDateTime>,
    id: String,
    cancel: ServerAction<CancelSubscription>,
) -> impl IntoView {
    let refund_text = match refund {
        Refund::Prorated { amount, unused_days, term_days } => view! {
            <p data-test="refund">
                {t(Msg::CancelRefundProrated)} " " <strong>{format_money(amount, currency)}</strong>
                " (" {unused_days} " " {t(Msg::UnusedDaysOf)} " " {term_days} ")."
            </p>
        }
        .into_any(),
        Refund::None => view! {
            <p data-test="refund">
                {t(Msg::CancelNoRefund)} " " <strong>{term_end.map(format_date).unwrap_or_default()}</strong> "."
            </p>
        }
        .into_any(),
    };
    view! {
        <details class="card confirm">
            <summary class="button danger">{t(Msg::CancelSubscription)}</summary>
            {refund_text}
            {(!addons.is_empty()).then(|| view! { <p>{t(Msg::AddonsFollow)} " " {addons.join(", ")}</p> })}
            <p>{t(Msg::CancelGoesToPartner)}</p>
            <ActionForm action=cancel attr:class="inline-form">
                <input type="hidden" name="subscription_id" value=id />
                <button type="submit" class="button danger" disabled=move || cancel.pending().get()>
                    {t(Msg::ConfirmCancellation)}
                </button>
            </ActionForm>
        </details>
    }
}
