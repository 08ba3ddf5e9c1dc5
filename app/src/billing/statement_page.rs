use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::{
    RecordPayment, StatementDetail, StatementStatus, backoffice_page::PaymentForm, billing_page::ChargeTable,
    get_statement,
};
use crate::{
    components::TotalsBox,
    components::{ErrorAlert, format_date, format_month, loaded, named_title},
    domain::Totals,
    i18n::{Msg, t},
};

/// A monthly statement: its charges by customer and subscription, subtotal, KDV 20 % and total,
/// whether it is paid; printable (print CSS) and as CSV. In the back office an unpaid one can be
/// marked paid here too, as in the list.
#[component]
pub fn StatementPage() -> impl IntoView {
    let number_param = crate::components::route_param::<crate::domain::StatementNumber>("number");
    let number = move || number_param().unwrap_or(crate::domain::StatementNumber(0));
    let base = use_location().pathname.get_untracked();
    let back_office = base.starts_with("/backoffice/");
    let pay = ServerAction::<RecordPayment>::new();
    let statement = Resource::new(move || (number(), pay.version().get()), |(number, _)| get_statement(number));
    let pay_error = move || pay.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> });
    view! {
        {pay_error}
        {loaded(statement, move |s: StatementDetail| {
            let summary = s.summary;
            let totals = Totals { subtotal: summary.subtotal, vat: summary.vat, total: summary.total };
            let csv = format!("{}/csv", base.trim_end_matches('/'));
            let payable = (back_office && summary.status == StatementStatus::Unpaid).then(|| {
                view! {
                    <section class="card no-print" aria-labelledby="payment-heading">
                        <h2 id="payment-heading">{t(Msg::RecordWireTransfer)}</h2>
                        <PaymentForm pay statement_number=summary.statement_number />
                    </section>
                }
            });
            view! {
                <header class="page-header">
                    <p class="eyebrow">{t(Msg::Statement)} " " {summary.statement_number}</p>
                    {named_title(format!("{} · {}", summary.partner_name, format_month(summary.period)))}
                    <h1>{summary.partner_name.clone()} " · " {format_month(summary.period)}</h1>
                    <p class="subtitle">
                        <span class=summary.status.tone()>{t(summary.status.label())}</span>
                        " · " {t(Msg::Issued)} " " {format_date(summary.issued_at)}
                        {summary.paid_at.map(|at| view! { " · " {t(Msg::Paid)} " " {format_date(at)} })}
                        {summary.payment_reference.clone().map(|r| view! { " · " {r} })}
                    </p>
                </header>
                <p class="actions no-print">
                    <a class="button" href=csv download="">{t(Msg::DownloadCsv)}</a>
                    <button type="button" class="button" onclick="window.print()">{t(Msg::Print)}</button>
                </p>
                {payable}
                <ChargeTable lines=s.lines currency=summary.currency />
                <TotalsBox totals currency=summary.currency />
            }
        })}
    }
}
