use leptos::prelude::*;

use super::{CompanyInfo, my_company};
use crate::{
    components::{EmptyState, PageHeader, loaded},
    i18n::{Msg, t},
    live::use_live,
    provisioning::InFlightMeter,
    subscriptions::{SubscriptionView, my_subscriptions},
};

/// The company's Microsoft CSP subscriptions with their licences; one still provisioning shows
/// "in process" and its progress, live.
#[component]
fn Subscriptions() -> impl IntoView {
    let changes = use_live().changes(|| None);
    let subscriptions = Resource::new(move || changes.get(), |_| my_subscriptions());
    view! {
        {loaded(subscriptions, |subscriptions: Vec<SubscriptionView>| {
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
        })}
    }
}

#[component]
pub fn PortalHomePage() -> impl IntoView {
    let company = Resource::new(|| (), |_| my_company());
    view! {
        {loaded(company, |c: CompanyInfo| {
            view! {
                <header class="page-header">
                    <h1>{t(Msg::CustomerPortal)}</h1>
                    <p class="subtitle">{c.name}</p>
                </header>
            }
        })}
        <section aria-labelledby="csp-heading">
            <h2 id="csp-heading">{t(Msg::MicrosoftCsp)}</h2>
            <Subscriptions />
        </section>
    }
}

#[component]
pub fn CspPage() -> impl IntoView {
    view! {
        <PageHeader title=Msg::MicrosoftCsp />
        <Subscriptions />
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let company = Resource::new(|| (), |_| my_company());
    view! {
        <PageHeader title=Msg::Account />
        {loaded(company, |c: CompanyInfo| {
            view! {
                <section class="card">
                    <dl class="facts">
                        <div>
                            <dt>{t(Msg::Company)}</dt>
                            <dd>{c.name}</dd>
                        </div>
                        <div>
                            <dt>{t(Msg::Tenant)}</dt>
                            <dd>{c.tenant_domain.unwrap_or_else(|| "—".into())}</dd>
                        </div>
                        <div>
                            <dt>{t(Msg::YourPartner)}</dt>
                            <dd>{c.partner_name}</dd>
                        </div>
                    </dl>
                </section>
            }
        })}
    }
}
