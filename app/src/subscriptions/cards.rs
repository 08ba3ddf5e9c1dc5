use leptos::{either::Either, prelude::*};

use super::{SubscriptionStatus, SubscriptionView};
use crate::{
    components::{EmptyState, format_date},
    i18n::{Msg, licences, t},
    provisioning::InFlightMeter,
};

/// A customer's subscriptions as cards: product, billing option, licences, status, renewal date
/// and auto-renew; one still provisioning (or changing) shows its progress. In the customer
/// portal (`manage`), an active one links to "Manage Subscription"; inside a bulk form (`select`),
/// each has a checkbox named for the form's list of ids.
#[component]
pub fn SubscriptionCards(
    subscriptions: Vec<SubscriptionView>,
    #[prop(optional)] manage: bool,
    #[prop(optional)] select: bool,
) -> impl IntoView {
    if subscriptions.is_empty() {
        return view! { <EmptyState msg=Msg::NoSubscriptions /> }.into_any();
    }
    view! {
        <ul class="subscription-list">
            {subscriptions
                .into_iter()
                .map(|s| {
                    let manage_link = (manage && s.status == SubscriptionStatus::Active && s.in_flight.is_none())
                        .then(|| format!("/portal/csp/{}", s.subscription_id));
                    view! {
                        <li class="card subscription">
                            {if select {
                                Either::Left(view! {
                                    <h3>
                                        <label class="select-item">
                                            <input type="checkbox" name="subscription_ids[]" value=s.subscription_id.to_string() />
                                            <span class="visually-hidden">{t(Msg::SelectItem)} " "</span>
                                            {s.product_name}
                                        </label>
                                    </h3>
                                })
                            } else {
                                Either::Right(view! { <h3>{s.product_name}</h3> })
                            }}
                            <p class="muted">{t(s.billing_cycle.label())}</p>
                            <p class="licences">
                                <span class="licence-count">{s.quantity}</span> " " {t(licences(s.quantity))} " "
                                <span class=s.status.tone()>{t(s.status.label())}</span>
                            </p>
                            <SubscriptionTerm term_end=s.term_end auto_renew=s.auto_renew renewal_quantity=s.renewal_quantity />
                            {s.in_flight.map(|in_flight| view! { <InFlightMeter in_flight /> })}
                            {manage_link.map(|href| view! {
                                <a class="button" href=href>{t(Msg::ManageSubscription)}</a>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Renewal date, auto-renew, and a licence count scheduled for the renewal.
#[component]
pub fn SubscriptionTerm(
    term_end: Option<time::OffsetDateTime>,
    auto_renew: bool,
    renewal_quantity: Option<i32>,
) -> impl IntoView {
    term_end.map(|end| {
        view! {
            <dl class="facts compact">
                <div>
                    <dt>{if auto_renew { t(Msg::RenewsOn) } else { t(Msg::EndsOn) }}</dt>
                    <dd data-test="renewal-date">{format_date(end)}</dd>
                </div>
                <div>
                    <dt>{t(Msg::AutoRenew)}</dt>
                    <dd data-test="auto-renew">{if auto_renew { t(Msg::On) } else { t(Msg::Off) }}</dd>
                </div>
                {renewal_quantity.map(|q| view! {
                    <div><dt>{t(Msg::AtRenewal)}</dt><dd>{q} " " {t(licences(q))}</dd></div>
                })}
            </dl>
        }
    })
}
