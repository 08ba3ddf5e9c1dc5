use leptos::{either::EitherOf3, prelude::*};
use leptos_router::hooks::use_query_map;

use crate::{
    components::{BulkResults, EmptyState, ErrorAlert, PageHeader, PlainBulkSummary, loaded},
    domain::{OrderKind, OrderStatus},
    i18n::{Msg, t},
    live::use_live,
    orders::{OrderSummary, OrderTable, list_my_orders},
    subscriptions::DecideCancellations,
};

/// Billing → Orders: the partner's orders of every kind (sales, change, cancellation) with their
/// status, filtered by kind and status. A plain GET form, so the filter works without
/// JavaScript; once hydrated it applies as soon as a choice changes. Cancellation Orders in status
/// New can be selected and opened or rejected together, each reported on its own.
#[component]
pub fn BillingOrdersPage() -> impl IntoView {
    let changes = use_live().changes(|| None);
    let decide = ServerAction::<DecideCancellations>::new();
    let orders = Resource::new(move || (changes.get(), decide.version().get()), |_| list_my_orders());
    let refused = move || decide.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> });
    let results = move || decide.value().get().and_then(Result::ok).map(|outcomes| view! { <BulkResults outcomes /> });
    let query = use_query_map();
    let kind = RwSignal::new(query.read_untracked().get("kind").as_deref().and_then(OrderKind::parse));
    let status = RwSignal::new(query.read_untracked().get("status").as_deref().and_then(OrderStatus::parse));
    view! {
        <PageHeader title=Msg::BillingOrders subtitle=Msg::BillingOrdersHelp />
        <p class="subnav"><a href="/cp/billing">{t(Msg::Billing)}</a></p>
        <form method="get" class="search filters" role="search">
            <label for="order-kind">{t(Msg::OrderKindLabel)}</label>
            <select id="order-kind" name="kind" on:change=move |ev| kind.set(OrderKind::parse(&event_target_value(&ev)))>
                <option value="" selected=move || kind.get().is_none()>{t(Msg::AllKinds)}</option>
                {OrderKind::ALL
                    .into_iter()
                    .map(|k| view! { <option value=k.code() selected=move || kind.get() == Some(k)>{t(k.label())}</option> })
                    .collect_view()}
            </select>
            <label for="order-status">{t(Msg::Status)}</label>
            <select
                id="order-status"
                name="status"
                on:change=move |ev| status.set(OrderStatus::parse(&event_target_value(&ev)))
            >
                <option value="" selected=move || status.get().is_none()>{t(Msg::AllStatuses)}</option>
                {OrderStatus::ALL
                    .into_iter()
                    .map(|s| view! { <option value=s.code() selected=move || status.get() == Some(s)>{t(s.label())}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button">{t(Msg::Filter)}</button>
        </form>
        {refused}
        {results}
        <PlainBulkSummary />
        {loaded(orders, move |orders: Vec<OrderSummary>| {
            if orders.is_empty() {
                return view! { <EmptyState msg=Msg::NoOrdersYet /> }.into_any();
            }
            let shown = move || {
                let (kind, status) = (kind.get(), status.get());
                orders
                    .iter()
                    .filter(|o| kind.is_none_or(|k| o.kind == k) && status.is_none_or(|s| o.status == s))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            view! {
                {move || {
                    let orders = shown();
                    if orders.is_empty() {
                        EitherOf3::A(view! { <p class="empty-state">{t(Msg::NoOrdersMatch)}</p> })
                    } else if orders.iter().any(|o| o.kind == OrderKind::Cancellation && o.status == OrderStatus::New) {
                        let busy = move || decide.pending().get();
                        EitherOf3::B(view! {
                            <ActionForm action=decide attr:class="bulk-form">
                                <p class="hint">{t(Msg::BulkCancellationsHelp)}</p>
                                <div class="bulk-bar" role="group" aria-labelledby="bulk-orders-with">
                                    <span id="bulk-orders-with" class="muted">{t(Msg::WithSelected)}</span>
                                    <button type="submit" name="decision" value="approve" class="button primary" disabled=busy>
                                        {t(Msg::OpenOrder)}
                                    </button>
                                    <button type="submit" name="decision" value="reject" class="button" disabled=busy>
                                        {t(Msg::RejectCancellation)}
                                    </button>
                                </div>
                                <OrderTable orders base="/cp/orders" show_partner=false select=true />
                            </ActionForm>
                        })
                    } else {
                        EitherOf3::C(view! { <OrderTable orders base="/cp/orders" show_partner=false /> })
                    }
                }}
            }
            .into_any()
        })}
    }
}
