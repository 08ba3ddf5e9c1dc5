use leptos::prelude::*;

use super::{CreditSummary, get_credit_summary};
use crate::{
    components::{EmptyState, PageHeader, format_money, loaded},
    i18n::{Msg, t},
};

#[component]
pub fn BillingPage() -> impl IntoView {
    let credit = Resource::new(|| (), |_| get_credit_summary());
    view! {
        <PageHeader title=Msg::Billing />
        <p class="subnav"><a href="/cp/billing/orders">{t(Msg::BillingOrders)}</a></p>
        {loaded(credit, |credit: CreditSummary| view! { <CreditCard credit /> })}
        <EmptyState msg=Msg::NoStatements />
    }
}

#[component]
pub fn CreditCard(credit: CreditSummary) -> impl IntoView {
    view! {
        <section class="card credit" aria-labelledby="credit-heading">
            <h2 id="credit-heading">{t(Msg::CreditLimit)}</h2>
            <dl class="facts">
                <div>
                    <dt>{t(Msg::CreditLimit)}</dt>
                    <dd data-test="credit-limit">{format_money(credit.credit_limit, &credit.currency)}</dd>
                </div>
                <div>
                    <dt>{t(Msg::Available)}</dt>
                    <dd>{format_money(credit.available, &credit.currency)}</dd>
                </div>
            </dl>
            <p class="hint">{t(Msg::CreditLimitHelp)}</p>
        </section>
    }
}
