use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};

use super::{StatementDetail, billing_page::ChargeTable, get_statement};
use crate::{
    cart::{Totals, cart_page::TotalsBox},
    components::{format_date, loaded},
    i18n::{Msg, t},
};

/// A monthly statement: its charges by customer and subscription, subtotal, KDV 20 % and total,
/// whether it is paid; printable (print CSS) and as CSV.
#[component]
pub fn StatementPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").and_then(|n| n.parse::<i64>().ok()).unwrap_or_default();
    let base = use_location().pathname.get_untracked();
    let statement = Resource::new(number, get_statement);
    view! {
        {loaded(statement, move |s: StatementDetail| {
            let summary = s.summary;
            let totals = Totals { subtotal: summary.subtotal, vat: summary.vat, total: summary.total };
            let csv = format!("{}/csv", base.trim_end_matches('/'));
            view! {
                <header class="page-header">
                    <p class="eyebrow">{t(Msg::Statement)} " " {summary.statement_number}</p>
                    <h1>{summary.partner_name.clone()} " · " {summary.period.to_string()[..7].to_owned()}</h1>
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
                <ChargeTable lines=s.lines currency=summary.currency.clone() />
                <TotalsBox totals currency=summary.currency />
            }
        })}
    }
}
