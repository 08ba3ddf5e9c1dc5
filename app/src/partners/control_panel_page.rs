use leptos::{either::Either, prelude::*};
use leptos_router::components::A;

use super::{HomeTodos, HomeWork, PartnerOverview, get_partner_overview, partner_home_todos, partner_home_work};
use crate::{
    billing::CreditGauge,
    components::{TodoCard, format_money, loaded, page_title},
    i18n::{Msg, current_locale, t},
    live::use_live,
    provisioning::InFlightMeter,
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
                <NeedsAttention />
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
                </div>
                <WorkUnderWay />
            }
        })}
    }
}

/// "Needs your attention": failed provisioning, orders waiting for credit, cancellation requests
/// to open, relationships not accepted and renewals ahead, each row a link to where it is
/// resolved. Follows the live stream, so a resubmitted order leaves the list without a reload.
#[component]
fn NeedsAttention() -> impl IntoView {
    let changes = use_live().changes(|| None);
    let todos = Resource::new(move || changes.get(), |_| partner_home_todos());
    view! {
        <section class="attention-section" aria-labelledby="attention-heading">
            <h2 id="attention-heading" class="section-title">{t(Msg::NeedsAttention)}</h2>
            {loaded(todos, |h: HomeTodos| {
                view! {
                    <div class="attention">
                        <TodoCard list=h.failed id="todo-failed" title=Msg::FailedProvisioning empty=Msg::NoFailedProvisioning all="/cp/billing/orders?status=provisioning_failed" />
                        <TodoCard list=h.awaiting_credit id="todo-credit" title=Msg::AwaitingCreditApprovalTodo empty=Msg::NoCreditApprovalsWaiting all="/cp/billing/orders?status=awaiting_credit_approval" />
                        <TodoCard list=h.cancellations id="todo-cancellations" title=Msg::CancellationsToOpen empty=Msg::NoCancellationsToOpen all="/cp/billing/orders?kind=cancellation&status=new" />
                        <TodoCard list=h.relationships id="todo-relationships" title=Msg::RelationshipsPending empty=Msg::NoRelationshipsPending all="/cp/customers/relationship" />
                        <TodoCard list=h.renewals id="todo-renewals" title=Msg::RenewalsAhead empty=Msg::NoRenewalsAhead all="/cp/customers" />
                    </div>
                }
            })}
        </section>
    }
}

/// Below the to-dos: the orders on their way with their progress, the credit as a gauge and this
/// month's charges not billed yet. Live like the to-dos, so progress moves without a reload.
#[component]
fn WorkUnderWay() -> impl IntoView {
    let changes = use_live().changes(|| None);
    let work = Resource::new(move || changes.get(), |_| partner_home_work());
    view! {
        {loaded(work, |w: HomeWork| {
            let c = w.usage.currency;
            view! {
                <div class="cards home-work">
                    <section class="card" aria-labelledby="home-in-flight">
                        <h2 id="home-in-flight">{t(Msg::InProcessOrders)}</h2>
                        {if w.in_flight.is_empty() {
                            Either::Left(view! { <p class="all-clear">{t(Msg::NoOrdersInFlight)}</p> })
                        } else {
                            Either::Right(w.in_flight
                                .into_iter()
                                .map(|o| {
                                    let href = format!("/cp/orders/{}", o.in_flight.order_number);
                                    view! {
                                        <div class="home-order">
                                            <span class="muted">{o.customer_name}</span>
                                            <InFlightMeter in_flight=o.in_flight href />
                                        </div>
                                    }
                                })
                                .collect_view())
                        }}
                    </section>
                    <CreditGauge usage=w.usage stretches=w.gauge in_use=w.in_use_percent />
                    <section class="card" aria-labelledby="home-unbilled">
                        <h2 id="home-unbilled">{t(Msg::UnbilledThisMonth)}</h2>
                        <p class="figure" data-test="unbilled-this-month">{format_money(w.unbilled_this_month, c)}</p>
                        <p class="muted">{w.charges_this_month} " " {t(Msg::ChargesCount)}</p>
                        <A href="/cp/billing" attr:class="button">{t(Msg::OpenBilling)}</A>
                    </section>
                </div>
            }
        })}
    }
}
