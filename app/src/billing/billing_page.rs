use leptos::prelude::*;

use super::{
    BillingOverview, CreditUsage, StatementLine, StatementSummary,
    chart::{CustomerBreakdown, SpendChart},
    get_billing,
};
use crate::{
    components::{EmptyState, PageHeader, TableWrap, format_money, format_month, loaded},
    i18n::{Msg, t},
};

/// Billing: where the credit goes, the monthly spend, the statements and the charges not billed yet.
#[component]
pub fn BillingPage() -> impl IntoView {
    let billing = Resource::new(|| (), |_| get_billing());
    view! {
        <PageHeader title=Msg::Billing />
        <p class="subnav">
            <a href="/cp/billing/orders">{t(Msg::BillingOrders)}</a> " · " <a href="/cp/billing/invoices">{t(Msg::Invoices)}</a>
            " · " <a href="/cp/billing/prices">{t(Msg::RetailPrices)}</a>
        </p>
        {loaded(billing, |b: BillingOverview| view! { <BillingSections billing=b statements_base="/cp/billing/statements" /> })}
    }
}

/// The sections the partner's Billing and credit control's partner page share.
#[component]
pub fn BillingSections(billing: BillingOverview, statements_base: &'static str) -> impl IntoView {
    let currency = billing.usage.currency;
    view! {
        <div class="billing-grid">
            <CreditUsageCard usage=billing.usage />
            <SpendChart spend=billing.spend currency />
        </div>
        <CustomerBreakdown spend=billing.by_customer currency />
        <section aria-labelledby="statements-heading">
            <h2 id="statements-heading">{t(Msg::Statements)}</h2>
            <StatementTable statements=billing.statements base=statements_base />
        </section>
        <section aria-labelledby="unbilled-heading">
            <h2 id="unbilled-heading">{t(Msg::UnbilledCharges)}</h2>
            {if billing.unbilled.is_empty() {
                view! { <EmptyState msg=Msg::NoUnbilledCharges /> }.into_any()
            } else {
                view! { <ChargeTable lines=billing.unbilled currency /> }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn CreditUsageCard(usage: CreditUsage) -> impl IntoView {
    let c = usage.currency;
    let rows = [
        (Msg::CreditLimit, usage.credit_limit, "credit-limit"),
        (Msg::UnpaidStatements, usage.unpaid_statements, "unpaid-statements"),
        (Msg::UnbilledCharges, usage.unbilled_charges, "unbilled-charges"),
        (Msg::OpenOrdersAtTermValue, usage.open_orders, "open-orders"),
        (Msg::Available, usage.available, "available"),
    ];
    view! {
        <section class="card credit" aria-labelledby="credit-heading">
            <h2 id="credit-heading">{t(Msg::CreditUsage)}</h2>
            <dl class="facts">
                {rows
                    .into_iter()
                    .map(|(label, amount, test)| view! {
                        <div>
                            <dt>{t(label)}</dt>
                            <dd data-test=test>{format_money(amount, c)}</dd>
                        </div>
                    })
                    .collect_view()}
            </dl>
            <p class="hint">{t(Msg::CreditLimitHelp)}</p>
        </section>
    }
}

#[component]
pub fn StatementTable(statements: Vec<StatementSummary>, base: &'static str) -> impl IntoView {
    if statements.is_empty() {
        return view! { <EmptyState msg=Msg::NoStatements /> }.into_any();
    }
    view! {
        <TableWrap label=Msg::Statements>
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{t(Msg::Statement)}</th>
                        <th scope="col">{t(Msg::Month)}</th>
                        <th scope="col">{t(Msg::Partners)}</th>
                        <th scope="col" class="num">{t(Msg::Total)}</th>
                        <th scope="col">{t(Msg::Status)}</th>
                    </tr>
                </thead>
                <tbody>
                    {statements
                        .into_iter()
                        .map(|s| view! {
                            <tr>
                                <th scope="row">
                                    <a href=format!("{base}/{}", s.statement_number)>{s.statement_number}</a>
                                </th>
                                <td>{format_month(s.period)}</td>
                                <td>{s.partner_name}</td>
                                <td class="num">{format_money(s.total, s.currency)}</td>
                                <td><span class=s.status.tone()>{t(s.status.label())}</span></td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
    .into_any()
}

/// Charges by customer and subscription.
#[component]
pub fn ChargeTable(lines: Vec<StatementLine>, currency: crate::domain::Currency) -> impl IntoView {
    view! {
        <TableWrap label=Msg::Charges>
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{t(Msg::Customer)}</th>
                        <th scope="col">{t(Msg::Subscription)}</th>
                        <th scope="col">{t(Msg::OrderKindLabel)}</th>
                        <th scope="col">{t(Msg::ServicePeriod)}</th>
                        <th scope="col" class="num">{t(Msg::Quantity)}</th>
                        <th scope="col" class="num">{t(Msg::Amount)}</th>
                    </tr>
                </thead>
                <tbody>
                    {lines
                        .into_iter()
                        .map(|l| view! {
                            <tr>
                                <td>{l.customer_name}</td>
                                <th scope="row">{l.description}</th>
                                <td>{t(l.kind.label())}</td>
                                <td>{l.service_start.to_string()} " – " {l.service_end.to_string()}</td>
                                <td class="num">{l.quantity}</td>
                                <td class="num">{format_money(l.amount, currency)}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
}
