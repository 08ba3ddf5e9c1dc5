use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{BillingCycle, CatalogProduct, list_catalog};
use crate::{
    cart::{AddToCart, AddToCartForm, Cart, cart_page::AddOnOffers, cart_page::action_feedback, get_cart},
    components::{PageHeader, TableWrap, format_money, loaded},
    i18n::{Msg, Say, t, use_i18n},
};

/// The billing option chosen with `?cycle=`, which comes first (SPEC E.2).
pub fn use_cycle() -> Memo<Option<BillingCycle>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("cycle").and_then(|c| BillingCycle::parse(&c).ok()))
}

/// `path` with the chosen billing option, so the choice follows the partner from page to page.
pub fn with_cycle(path: String, cycle: Memo<Option<BillingCycle>>) -> impl Fn() -> String + Send + Sync + 'static {
    move || match cycle.get() {
        Some(c) => format!("{path}?cycle={}", c.code()),
        None => path.clone(),
    }
}

#[component]
pub fn CycleChoice(cycle: Memo<Option<BillingCycle>>, base_path: String) -> impl IntoView {
    let option = move |c: BillingCycle| {
        let href = format!("{base_path}?cycle={}", c.code());
        view! {
            <a
                href=href
                class="segment"
                aria-current=move || (cycle.get() == Some(c)).then_some("true")
            >
                {t(c.label())}
            </a>
        }
    };
    view! {
        <nav class="cycle-choice" aria-label=t(Msg::BillingOption)>
            <span class="cycle-label">{t(Msg::ChooseBillingOption)}</span>
            {option(BillingCycle::Monthly)}
            {option(BillingCycle::Annual)}
            {option(BillingCycle::AnnualMonthly)}
        </nav>
    }
}

/// "Continue" to the cart, with how many lines it holds.
#[component]
pub fn CartLink(cart: Resource<Result<Cart, crate::error::AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let lines = cart.await.map(|c| c.lines.len()).unwrap_or_default();
                view! {
                    <a class="button primary cart-link" href="/cp/cart">
                        {t(Msg::Continue)} " · " {t(Msg::Cart)} " (" {lines} ")"
                    </a>
                }
            })}
        </Transition>
    }
}

#[component]
pub fn CatalogPage() -> impl IntoView {
    let products = Resource::new(|| (), |_| list_catalog());
    let add = ServerAction::<AddToCart>::new();
    let cart = Resource::new(move || add.version().get(), |_| get_cart());
    let query = use_query_map();
    let cycle = use_cycle();
    // Starts from `?q=` so the search works as a plain GET form; once hydrated it filters as you type.
    let search = RwSignal::new(query.read_untracked().get("q").unwrap_or_default());

    view! {
        <PageHeader title=Msg::CloudServices subtitle=Msg::PricesPerLicence />
        <div class="toolbar">
            <CycleChoice cycle base_path="/cp/catalog".into() />
            <CartLink cart />
        </div>
        {action_feedback(add, Msg::AddedToCart)}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let offers = cart.await.map(|c| c.add_ons).unwrap_or_default();
                view! { <AddOnOffers offers add /> }
            })}
        </Transition>
        <form method="get" class="search" role="search">
            <label for="catalog-search">{t(Msg::SearchCatalog)}</label>
            {move || cycle.get().map(|c| view! { <input type="hidden" name="cycle" value=c.code() /> })}
            <input
                id="catalog-search"
                name="q"
                type="search"
                placeholder=t(Msg::SearchPlaceholder)
                value=search.get_untracked()
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))
            />
        </form>
        {loaded(products, move |products: Vec<CatalogProduct>| {
            let i18n = use_i18n();
            let shown = Memo::new(move |_| {
                let q = search.get();
                products.iter().filter(|p| p.matches(&q)).cloned().collect::<Vec<_>>()
            });
            view! {
                <p class="result-count" role="status" aria-live="polite">
                    {move || Say::ProductsShown { count: shown.with(Vec::len) }.render(i18n.get())}
                </p>
                <Show
                    when=move || shown.with(|s| !s.is_empty())
                    fallback=|| view! { <p class="empty-state">{t(Msg::NoProductsMatch)}</p> }
                >
                    <TableWrap label=Msg::CloudServices>
                        <table class="data-table">
                            <thead>
                                <tr>
                                    <th scope="col">{t(Msg::Product)}</th>
                                    <th scope="col">{t(Msg::Vendor)}</th>
                                    <th scope="col">{t(Msg::ProductGroup)}</th>
                                    <th scope="col" class="num">{t(Msg::Monthly)}</th>
                                    <th scope="col" class="num">{t(Msg::Annual)}</th>
                                    <th scope="col" class="num">{t(Msg::AnnualBilledMonthly)}</th>
                                    <th scope="col">{t(Msg::Order)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                <For each=move || shown.get() key=|p| p.sku.clone() let:p>
                                    <ProductRow product=p cycle add />
                                </For>
                            </tbody>
                        </table>
                    </TableWrap>
                </Show>
            }
        })}
    }
}

#[component]
fn ProductRow(
    product: CatalogProduct,
    cycle: Memo<Option<BillingCycle>>,
    add: ServerAction<AddToCart>,
) -> impl IntoView {
    let price = |amount: Option<rust_decimal::Decimal>, currency: crate::domain::Currency| {
        amount.map(|a| format_money(a, currency)).unwrap_or_else(|| "—".into())
    };
    let monthly = price(product.monthly_price, product.currency);
    let annual = price(product.annual_price, product.currency);
    let annual_monthly = price(product.annual_monthly_price, product.currency);
    let is_addon = product.base_product.is_some();
    let href = with_cycle(format!("/cp/catalog/{}", product.sku), cycle);
    let (sku, name) = (product.sku.clone(), product.name.clone());
    let has_price = {
        let product = product.clone();
        move |c: BillingCycle| product.price(c).is_some()
    };
    view! {
        <tr class:addon=is_addon>
            <th scope="row">
                <a class="product-name" href=href>{product.name}</a>
                <span class="sku">{product.sku}</span>
                {product.base_product.map(|base| view! {
                    <span class="addon-of">{t(Msg::AddOnFor)} ": " {base}</span>
                })}
            </th>
            <td>{product.vendor}</td>
            <td>{product.product_group}</td>
            <td class="num">{monthly}</td>
            <td class="num">{annual}</td>
            <td class="num">{annual_monthly}</td>
            <td>
                {move || match cycle.get() {
                    Some(c) if has_price(c) => view! {
                        <AddToCartForm action=add sku=sku.clone() cycle=c product_name=name.clone() />
                    }
                    .into_any(),
                    Some(_) => "—".into_any(),
                    None => view! { <span class="muted">{t(Msg::ChooseBillingFirst)}</span> }.into_any(),
                }}
            </td>
        </tr>
    }
}
