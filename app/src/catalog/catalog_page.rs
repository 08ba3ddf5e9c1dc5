use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{CatalogProduct, list_catalog};
use crate::{
    components::{PageHeader, format_money, loaded},
    i18n::{Msg, t},
};

#[component]
pub fn CatalogPage() -> impl IntoView {
    let products = Resource::new(|| (), |_| list_catalog());
    let query = use_query_map();
    // Starts from `?q=` so the search works as a plain GET form; once hydrated it filters as you type.
    let search = RwSignal::new(query.read_untracked().get("q").unwrap_or_default());

    view! {
        <PageHeader title=Msg::CloudServices subtitle=Msg::PricesPerLicence />
        <form method="get" class="search" role="search">
            <label for="catalog-search">{t(Msg::SearchCatalog)}</label>
            <input
                id="catalog-search"
                name="q"
                type="search"
                placeholder=t(Msg::SearchPlaceholder)
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))
            />
        </form>
        {loaded(products, move |products: Vec<CatalogProduct>| {
            let shown = Memo::new(move |_| {
                let q = search.get();
                products.iter().filter(|p| p.matches(&q)).cloned().collect::<Vec<_>>()
            });
            view! {
                <p class="result-count" role="status" aria-live="polite">
                    {move || shown.with(Vec::len)} " " {t(Msg::ProductsShown)}
                </p>
                <Show
                    when=move || shown.with(|s| !s.is_empty())
                    fallback=|| view! { <p class="empty-state">{t(Msg::NoProductsMatch)}</p> }
                >
                    <div class="table-wrap">
                        <table class="data-table">
                            <thead>
                                <tr>
                                    <th scope="col">{t(Msg::Product)}</th>
                                    <th scope="col">{t(Msg::Vendor)}</th>
                                    <th scope="col">{t(Msg::ProductGroup)}</th>
                                    <th scope="col" class="num">{t(Msg::Monthly)}</th>
                                    <th scope="col" class="num">{t(Msg::Annual)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                <For each=move || shown.get() key=|p| p.sku.clone() let:p>
                                    <ProductRow product=p />
                                </For>
                            </tbody>
                        </table>
                    </div>
                </Show>
            }
        })}
    }
}

#[component]
fn ProductRow(product: CatalogProduct) -> impl IntoView {
    let price = |amount: Option<rust_decimal::Decimal>, currency: &str| {
        amount.map(|a| format_money(a, currency)).unwrap_or_else(|| "—".into())
    };
    let monthly = price(product.monthly_price, &product.currency);
    let annual = price(product.annual_price, &product.currency);
    let is_addon = product.base_product.is_some();
    view! {
        <tr class:addon=is_addon>
            <th scope="row">
                <span class="product-name">{product.name}</span>
                <span class="sku">{product.sku}</span>
                {product.base_product.map(|base| view! {
                    <span class="addon-of">{t(Msg::AddOnFor)} ": " {base}</span>
                })}
            </th>
            <td>{product.vendor}</td>
            <td>{product.product_group}</td>
            <td class="num">{monthly}</td>
            <td class="num">{annual}</td>
        </tr>
    }
}
