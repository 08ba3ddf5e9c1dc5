use leptos::prelude::*;

use super::{CompanyInfo, my_company};
use crate::{
    components::{PageHeader, loaded, page_title},
    i18n::{Msg, t},
    live::use_live,
    subscriptions::{AccountSubscriptions, SubscriptionCards, SubscriptionView, my_subscriptions},
};

/// The company's Microsoft CSP subscriptions with their licences; one still provisioning shows
/// "in process" and its progress, live.
#[component]
fn Subscriptions() -> impl IntoView {
    let changes = use_live().changes(|| None);
    let subscriptions = Resource::new(move || changes.get(), |_| my_subscriptions());
    view! {
        {loaded(subscriptions, |subscriptions: Vec<SubscriptionView>| view! { <SubscriptionCards subscriptions manage=true /> })}
    }
}

#[component]
pub fn PortalHomePage() -> impl IntoView {
    let company = Resource::new(|| (), |_| my_company());
    view! {
        {loaded(company, |c: CompanyInfo| {
            view! {
                <header class="page-header">
                    {page_title(Msg::CustomerPortal)}
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
        // The cards are titled one level below a section heading, as on the portal's home.
        <section aria-labelledby="csp-subscriptions">
            <h2 id="csp-subscriptions" class="visually-hidden">{t(Msg::Subscriptions)}</h2>
            <Subscriptions />
        </section>
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
        <AccountSubscriptions />
    }
}
