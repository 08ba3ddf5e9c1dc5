use leptos::prelude::*;

use super::{CompanyInfo, my_company};
use crate::{
    components::{EmptyState, PageHeader, loaded},
    i18n::{Msg, t},
};

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
            <EmptyState msg=Msg::NoSubscriptions />
        </section>
    }
}

#[component]
pub fn CspPage() -> impl IntoView {
    view! {
        <PageHeader title=Msg::MicrosoftCsp />
        <EmptyState msg=Msg::NoSubscriptions />
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
