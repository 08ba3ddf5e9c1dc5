use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use super::{
    CustomerHit, OrderHit, PartnerHit, Scope, SearchGroup, SearchResults, SubscriptionHit, normalise_query,
    search_everything, search_my_business,
};
use crate::{
    components::{PageHeader, loaded},
    i18n::{Msg, t},
};

/// The search box of the top bar: a plain GET form to the area's results page, so it works
/// before (and without) the page's code. `/` anywhere outside a field puts the cursor in it (a
/// line of the document's own script, `app::shell`, so it works before the bundle has loaded).
#[component]
pub fn GlobalSearch(scope: Scope) -> impl IntoView {
    view! {
        <form class="global-search" role="search" method="get" action=scope.results_page()>
            <label for="global-search" class="visually-hidden">{t(Msg::SearchEverything)}</label>
            <input
                id="global-search"
                name="q"
                type="search"
                autocomplete="off"
                enterkeyhint="search"
                aria-keyshortcuts="/"
                placeholder=t(Msg::GlobalSearchPlaceholder)
            />
            <kbd class="shortcut" aria-hidden="true">"/"</kbd>
        </form>
    }
}

/// The results of `?q=`, grouped (customers, orders, subscriptions, and partners in the back
/// office), each a link to where the thing is handled. Arrow keys move between results; from
/// the box, ↓ goes to the first.
#[component]
pub fn SearchPage() -> impl IntoView {
    let scope = Scope::of_path(&use_location().pathname.get_untracked());
    let query = use_query_map();
    let q = Memo::new(move |_| normalise_query(&query.read().get("q").unwrap_or_default()));
    let results = Resource::new(
        move || q.get(),
        move |q| async move {
            match scope {
                Scope::Partner => search_my_business(q).await,
                Scope::Distributor => search_everything(q).await,
            }
        },
    );
    view! {
        <PageHeader title=Msg::SearchResults />
        <form method="get" class="search" role="search" action=scope.results_page()>
            <label for="search-q">{t(Msg::SearchEverything)}</label>
            <input
                id="search-q"
                name="q"
                type="search"
                autocomplete="off"
                autofocus=true
                value=q.get_untracked()
                on:keydown=|ev| {
                    if ev.key() == "ArrowDown" {
                        ev.prevent_default();
                        focus_result(0);
                    }
                }
            />
            <button type="submit" class="button">{t(Msg::SearchButton)}</button>
        </form>
        <p class="help">{t(Msg::SearchHelp)}</p>
        {loaded(results, move |found: SearchResults| {
            if q.get_untracked().is_empty() {
                return ().into_any();
            }
            if found.is_empty() {
                return view! {
                    <div class="empty-state" role="status">
                        <p>{t(Msg::NoSearchResults)} " “" {q.get_untracked()} "”"</p>
                    </div>
                }
                .into_any();
            }
            view! { <Results found scope /> }.into_any()
        })}
    }
}

#[component]
fn Results(found: SearchResults, scope: Scope) -> impl IntoView {
    let more = found.more.clone();
    let cut = move |group: SearchGroup| {
        more.contains(&group).then(|| view! { <p class="muted">{t(Msg::SearchMoreResults)}</p> })
    };
    let customers = (!found.customers.is_empty()).then(|| {
        view! {
            <Group id="hits-customers" title=Msg::Customers>
                {found.customers.into_iter().map(|c| customer(c, scope)).collect_view()}
            </Group>
            {cut(SearchGroup::Customers)}
        }
    });
    let orders = (!found.orders.is_empty()).then(|| {
        view! {
            <Group id="hits-orders" title=Msg::Orders>
                {found.orders.into_iter().map(|o| order(o, scope)).collect_view()}
            </Group>
            {cut(SearchGroup::Orders)}
        }
    });
    let subscriptions = (!found.subscriptions.is_empty()).then(|| {
        view! {
            <Group id="hits-subscriptions" title=Msg::Subscriptions>
                {found.subscriptions.into_iter().map(|s| subscription(s, scope)).collect_view()}
            </Group>
            {cut(SearchGroup::Subscriptions)}
        }
    });
    let partners = (!found.partners.is_empty()).then(|| {
        view! {
            <Group id="hits-partners" title=Msg::Partners>
                {found.partners.into_iter().map(partner).collect_view()}
            </Group>
            {cut(SearchGroup::Partners)}
        }
    });
    view! {
        <div class="search-results" on:keydown=arrow_keys>
            {customers}
            {orders}
            {subscriptions}
            {partners}
        </div>
    }
}

#[component]
fn Group(id: &'static str, title: Msg, children: Children) -> impl IntoView {
    view! {
        <section class="hit-group" aria-labelledby=id>
            <h2 id=id>{t(title)}</h2>
            <ul class="hit-list">{children()}</ul>
        </section>
    }
}

/// One result: its link (what the arrow keys move between) and a line of detail.
fn hit(href: String, title: String, detail: impl IntoView + 'static) -> impl IntoView {
    view! {
        <li>
            <a href=href class="hit">
                <span class="hit-title">{title}</span>
                <span class="hit-detail">{detail}</span>
            </a>
        </li>
    }
}

fn customer(c: CustomerHit, scope: Scope) -> impl IntoView {
    let href = match (&c.partner, scope) {
        (Some(p), Scope::Distributor) => format!("/backoffice/partners/{}", p.partner_id),
        _ => format!("/cp/customers/{}", c.customer_id),
    };
    let detail = [c.tenant_domain, c.tax_number, c.partner.map(|p| p.name)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    hit(href, c.name, detail)
}

fn order(o: OrderHit, scope: Scope) -> impl IntoView {
    let href = match scope {
        Scope::Partner => format!("/cp/orders/{}", o.order_number),
        Scope::Distributor => format!("/backoffice/orders/{}", o.order_number),
    };
    let title = o.order_number.to_string();
    let whose =
        [Some(o.customer_name), o.partner.map(|p| p.name)].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    let detail = view! {
        {t(o.kind.label())} " · " <span class=o.status.tone()>{t(o.status.label())}</span> " · " {whose}
    };
    hit(href, title, detail)
}

fn subscription(s: SubscriptionHit, scope: Scope) -> impl IntoView {
    let href = match scope {
        Scope::Partner => format!("/cp/customers/{}", s.customer_id),
        Scope::Distributor => format!("/backoffice/orders/{}", s.order_number),
    };
    let whose =
        [Some(s.customer_name), s.partner.map(|p| p.name)].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    let detail = view! {
        {whose} " · " {t(Msg::Licences)} ": " {s.quantity} " · "
        <span class=s.status.tone()>{t(s.status.label())}</span>
    };
    hit(href, s.product_name, detail)
}

fn partner(p: PartnerHit) -> impl IntoView {
    hit(format!("/backoffice/partners/{}", p.partner_id), p.name, p.tax_number.unwrap_or_default())
}

/// ↓ and ↑ between the results' links, Home and End to the first and last.
fn arrow_keys(ev: leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        let links = result_links();
        if links.is_empty() {
            return;
        }
        let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
        let at = active.and_then(|a| links.iter().position(|l| AsRef::<web_sys::Element>::as_ref(l) == &a));
        let next = match (ev.key().as_str(), at) {
            ("ArrowDown", Some(i)) => (i + 1).min(links.len() - 1),
            ("ArrowDown", None) | ("Home", _) => 0,
            ("ArrowUp", Some(i)) => i.saturating_sub(1),
            ("End", _) => links.len() - 1,
            _ => return,
        };
        ev.prevent_default();
        let _ = links[next].focus();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

fn focus_result(index: usize) {
    #[cfg(feature = "hydrate")]
    if let Some(link) = result_links().get(index) {
        let _ = link.focus();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = index;
}

#[cfg(feature = "hydrate")]
fn result_links() -> Vec<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let Some(list) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector_all(".search-results a.hit").ok())
    else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok()).collect()
}
