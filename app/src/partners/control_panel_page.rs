use leptos::prelude::*;
use leptos_router::components::A;

use super::{HomeTodos, PartnerOverview, get_partner_overview, partner_home_todos};
use crate::{
    components::{TodoCard, format_money, loaded, page_title},
    i18n::{Msg, current_locale, t},
    live::use_live,
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
