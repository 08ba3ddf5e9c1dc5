use leptos::prelude::*;
use leptos_router::components::A;

use super::{PartnerOverview, get_partner_overview};
use crate::{
    components::{format_money, loaded, page_title},
    i18n::{Msg, current_locale, t},
};

#[component]
pub fn ControlPanelPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_partner_overview());
    view! {
        {loaded(overview, |o: PartnerOverview| {
            view! {
                <header class="page-header">
                    {page_title(Msg::ControlPanel)}
                    <h1>{t(Msg::ControlPanel)}</h1>
                    <p class="subtitle">{t(Msg::Welcome)} ", " {o.name.clone()}</p>
                </header>
                {o
                    .partner_id_warning
                    .clone()
                    .map(|warning| {
                        view! {
                            <section class="alert alert-error" role="alert">
                                <h2>{t(Msg::PartnerIdWarning)}</h2>
                                <p>{warning.render(current_locale())}</p>
                            </section>
                        }
                    })}
                <div class="cards">
                    <section class="card">
                        <h2>{t(Msg::CloudServices)}</h2>
                        <p class="figure">{o.products} " " {t(Msg::ProductsInCatalog)}</p>
                        <A href="/cp/catalog" attr:class="button">{t(Msg::OpenCatalog)}</A>
                    </section>
                    <section class="card">
                        <h2>{t(Msg::Customers)}</h2>
                        <p class="figure">{o.customers}</p>
                        <A href="/cp/customers" attr:class="button">{t(Msg::OpenCustomers)}</A>
                    </section>
                    <section class="card">
                        <h2>{t(Msg::CreditLimit)}</h2>
                        <p class="figure">{format_money(o.credit_limit, o.currency)}</p>
                        <A href="/cp/billing" attr:class="button">{t(Msg::OpenBilling)}</A>
                    </section>
                </div>
            }
        })}
    }
}
