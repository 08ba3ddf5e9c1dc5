use leptos::prelude::*;

use super::{
    BillingOverview, RecordPayment, RunBilling, StatementStatus, StatementSummary, billing_page::BillingSections,
    get_partner_billing, list_statements,
};
use crate::{
    components::{
        EmptyState, ErrorAlert, Field, PageHeader, TableWrap, format_money, format_month, loaded, named_title,
    },
    error::AppError,
    i18n::{Msg, t},
};

/// Credit control's statements: every partner's, unpaid first, each with "Record wire transfer";
/// and a billing run for a month on demand (it also runs by itself on the 1st).
#[component]
pub fn StatementsPage() -> impl IntoView {
    let run = ServerAction::<RunBilling>::new();
    let pay = ServerAction::<RecordPayment>::new();
    let statements = Resource::new(move || (run.version().get(), pay.version().get()), |_| list_statements());
    let run_error = Signal::derive(move || run.value().get().and_then(Result::err));
    let pay_error = move || pay.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> });
    let issued = move || {
        run.value().get().and_then(Result::ok).map(|n| {
            view! { <p class="alert alert-info" role="status">{t(Msg::StatementsIssued)} ": " <strong>{n}</strong></p> }
        })
    };
    view! {
        <PageHeader title=Msg::Statements />
        <section class="card" aria-labelledby="run-heading">
            <h2 id="run-heading">{t(Msg::RunBilling)}</h2>
            <ActionForm action=run attr:class="stacked-form">
                <Field name="period" label=Msg::Month hint=Msg::RunBillingHint error=run_error />
                <button type="submit" class="button primary" disabled=move || run.pending().get()>{t(Msg::RunBilling)}</button>
            </ActionForm>
            {issued}
        </section>
        {pay_error}
        {loaded(statements, move |statements: Vec<StatementSummary>| {
            if statements.is_empty() {
                return view! { <EmptyState msg=Msg::NoStatementsIssued /> }.into_any();
            }
            view! {
                <TableWrap label=Msg::Statements>
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::Statement)}</th>
                                <th scope="col">{t(Msg::Partner)}</th>
                                <th scope="col">{t(Msg::Month)}</th>
                                <th scope="col" class="num">{t(Msg::Total)}</th>
                                <th scope="col">{t(Msg::Status)}</th>
                                <th scope="col">{t(Msg::Payment)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {statements
                                .into_iter()
                                .map(|s| {
                                    view! {
                                        <tr>
                                            <th scope="row">
                                                <a href=format!("/backoffice/statements/{}", s.statement_number)>{s.statement_number}</a>
                                            </th>
                                            <td>{s.partner_name.clone()}</td>
                                            <td>{format_month(s.period)}</td>
                                            <td class="num">{format_money(s.total, s.currency)}</td>
                                            <td><span class=s.status.tone()>{t(s.status.label())}</span></td>
                                            <td>
                                                {if s.status == StatementStatus::Unpaid {
                                                    view! { <PaymentForm pay statement_number=s.statement_number /> }.into_any()
                                                } else {
                                                    s.payment_reference.clone().unwrap_or_default().into_any()
                                                }}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </TableWrap>
            }
            .into_any()
        })}
    }
}

/// "Mark paid" with the wire transfer's reference, for one unpaid statement.
#[component]
pub fn PaymentForm(
    pay: ServerAction<RecordPayment>,
    statement_number: crate::domain::StatementNumber,
) -> impl IntoView {
    let field = format!("reference-{statement_number}");
    view! {
        <ActionForm action=pay attr:class="inline-form payment-form">
            <input type="hidden" name="statement_number" value=statement_number.to_string() />
            <label class="visually-hidden" for=field.clone()>{t(Msg::PaymentReference)}</label>
            <input id=field name="reference" placeholder=t(Msg::PaymentReference) size="14" />
            <button type="submit" class="button" disabled=move || pay.pending().get()>{t(Msg::MarkPaid)}</button>
        </ActionForm>
    }
}

/// Credit control's view of one partner's billing: the same credit usage, chart and statements
/// the partner sees.
#[component]
pub fn PartnerBillingPage() -> impl IntoView {
    let id = crate::components::route_param::<crate::domain::PartnerId>("id");
    let billing = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_partner_billing(id).await,
            None => Err(AppError::not_found(crate::i18n::Say::PartnerNotFound)),
        }
    });
    view! {
        {loaded(billing, move |b: BillingOverview| view! {
            <header class="page-header">
                <p class="eyebrow"><a href="/backoffice/partners">{t(Msg::Partners)}</a></p>
                {named_title(b.usage.partner_name.clone())}
                <h1>{b.usage.partner_name.clone()}</h1>
            </header>
            // Its tax identity and e-Fatura registration, for invoicing.
            <p class="subnav">
                {id().map(|id| view! { <a href=format!("/backoffice/partners/{id}/invoicing")>{t(Msg::PartnerInvoicing)}</a> })}
            </p>
            <BillingSections billing=b statements_base="/backoffice/statements" />
        })}
    }
}
