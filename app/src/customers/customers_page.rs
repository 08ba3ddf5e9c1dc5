use leptos::prelude::*;

use super::{CustomerSummary, list_my_customers};
use crate::{
    components::{EmptyState, PageHeader, loaded},
    i18n::{Msg, t},
    live::use_live,
    provisioning::InFlightMeter,
};

/// The partner's customers, their tenants, and (under Actions) the progress of their orders
/// still on their way, live.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let changes = use_live().changes(|| None);
    let customers = Resource::new(move || changes.get(), |_| list_my_customers());
    view! {
        <PageHeader title=Msg::Customers />
        {loaded(customers, |customers: Vec<CustomerSummary>| {
            if customers.is_empty() {
                return view! { <EmptyState msg=Msg::NoCustomers /> }.into_any();
            }
            view! {
                <div class="table-wrap">
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::CustomerName)}</th>
                                <th scope="col">{t(Msg::Tenant)}</th>
                                <th scope="col">{t(Msg::Relationship)}</th>
                                <th scope="col">{t(Msg::Actions)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {customers
                                .into_iter()
                                .map(|c| {
                                    let has_tenant = c.tenant_domain.is_some();
                                    view! {
                                        <tr>
                                            <th scope="row">{c.name}</th>
                                            <td>
                                                {match c.tenant_domain {
                                                    Some(domain) => domain.into_any(),
                                                    None => view! { <span class="muted">{t(Msg::NoTenant)}</span> }.into_any(),
                                                }}
                                            </td>
                                            <td>
                                                {match (has_tenant, c.relationship_accepted) {
                                                    (false, _) => "—".into_any(),
                                                    (true, true) => view! { <span class="badge ok">{t(Msg::RelationshipAccepted)}</span> }.into_any(),
                                                    (true, false) => view! { <span class="badge warn">{t(Msg::RelationshipPending)}</span> }.into_any(),
                                                }}
                                            </td>
                                            <td class="actions">
                                                {c.in_flight
                                                    .into_iter()
                                                    .map(|o| {
                                                        let href = format!("/cp/orders/{}", o.order_number);
                                                        view! { <InFlightMeter in_flight=o href /> }
                                                    })
                                                    .collect_view()}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        })}
    }
}
