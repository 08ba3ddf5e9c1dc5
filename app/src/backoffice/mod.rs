//! The distributor's back office: its start page and the queues other features fill.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    components::PageHeader,
    i18n::{Msg, t},
};

#[component]
pub fn BackOfficePage() -> impl IntoView {
    view! {
        <PageHeader title=Msg::BackOffice />
        <div class="cards">
            <section class="card">
                <h2>{t(Msg::Applications)}</h2>
                <A href="/backoffice/applications" attr:class="button">{t(Msg::Applications)}</A>
            </section>
            <section class="card">
                <h2>{t(Msg::Partners)}</h2>
                <A href="/backoffice/partners" attr:class="button">{t(Msg::Partners)}</A>
            </section>
            <section class="card">
                <h2>{t(Msg::Orders)}</h2>
                <A href="/backoffice/orders" attr:class="button">{t(Msg::Orders)}</A>
            </section>
            <section class="card">
                <h2>{t(Msg::Outbox)}</h2>
                <A href="/backoffice/outbox" attr:class="button">{t(Msg::Outbox)}</A>
            </section>
            <section class="card">
                <h2>{t(Msg::Jobs)}</h2>
                <A href="/backoffice/jobs" attr:class="button">{t(Msg::Jobs)}</A>
            </section>
        </div>
    }
}
