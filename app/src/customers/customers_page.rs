use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{CustomerStatus, CustomerSummary, list_my_customers};
use crate::{
    components::{EmptyState, PageHeader, TableWrap, loaded},
    i18n::{Msg, t},
    live::use_live,
    provisioning::InFlightMeter,
};

/// The partner's customers with search, their tenants and subscriptions, and (under Actions)
/// the progress of their orders still on their way, live.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let changes = use_live().changes(|| None);
    let customers = Resource::new(move || changes.get(), |_| list_my_customers());
    // Starts from `?q=` so the search works as a plain GET form; once hydrated it filters as you type.
    let query = use_query_map();
    let search = RwSignal::new(query.read_untracked().get("q").unwrap_or_default());
    let status = RwSignal::new(query.read_untracked().get("status").as_deref().and_then(CustomerStatus::parse));
    view! {
        <PageHeader title=Msg::Customers />
        <form method="get" class="search" role="search">
            <label for="customer-search">{t(Msg::SearchCustomers)}</label>
            <input
                id="customer-search"
                name="q"
                type="search"
                value=search.get_untracked()
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))
            />
            <label for="customer-status">{t(Msg::Status)}</label>
            <select
                id="customer-status"
                name="status"
                on:change=move |ev| status.set(CustomerStatus::parse(&event_target_value(&ev)))
            >
                <option value="" selected=move || status.get().is_none()>{t(Msg::AllStatuses)}</option>
                {CustomerStatus::ALL
                    .into_iter()
                    .map(|s| view! {
                        <option value=s.code() selected=move || status.get() == Some(s)>{t(s.label())}</option>
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="button">{t(Msg::Filter)}</button>
        </form>
        {loaded(customers, move |customers: Vec<CustomerSummary>| {
            if customers.is_empty() {
                return view! { <EmptyState msg=Msg::NoCustomers /> }.into_any();
            }
            let shown = Memo::new(move |_| {
                let q = search.get();
                let wanted = status.get();
                customers
                    .iter()
                    .filter(|c| c.matches(&q) && wanted.is_none_or(|w| c.status() == w))
                    .cloned()
                    .collect::<Vec<_>>()
            });
            view! {
                <Show
                    when=move || shown.with(|s| !s.is_empty())
                    fallback=|| view! { <p class="empty-state">{t(Msg::NoCustomersMatch)}</p> }
                >
                    <TableWrap label=Msg::Customers>
                        <table class="data-table">
                            <thead>
                                <tr>
                                    <th scope="col">{t(Msg::CustomerName)}</th>
                                    <th scope="col">{t(Msg::Tenant)}</th>
                                    <th scope="col">{t(Msg::Relationship)}</th>
                                    <th scope="col">{t(Msg::Status)}</th>
                                    <th scope="col" class="num">{t(Msg::Subscriptions)}</th>
                                    <th scope="col">{t(Msg::Actions)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                <For each=move || shown.get() key=|c| (c.customer_id, c.in_flight.clone(), c.live_subscriptions) let:c>
                                    <CustomerRow customer=c />
                                </For>
                            </tbody>
                        </table>
                    </TableWrap>
                </Show>
            }
            .into_any()
        })}
    }
}

#[component]
fn CustomerRow(customer: CustomerSummary) -> impl IntoView {
    let c = customer;
    let has_tenant = c.tenant_domain.is_some();
    let status = c.status();
    view! {
        <tr>
            <th scope="row"><a href=format!("/cp/customers/{}", c.customer_id)>{c.name}</a></th>
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
                {c.gdap_ends_in.map(|days| view! {
                    " " <span class="badge warn" data-test="gdap-ends-in">{t(Msg::GdapEndsIn)} " " {days} " " {t(Msg::Days)}</span>
                })}
            </td>
            <td>{t(status.label())}</td>
            <td class="num">{c.live_subscriptions}</td>
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
}
