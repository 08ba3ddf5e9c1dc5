use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{
    BillingCycle, CatalogProduct, ProductDetail,
    catalog_page::{CartLink, CycleChoice, use_cycle, with_cycle},
    get_product,
};
use crate::{
    cart::{AddToCart, AddToCartForm, cart_page::action_feedback, get_cart},
    components::{format_money, loaded, named_title},
    i18n::{Msg, t},
};

/// One product: its prices per billing option, its add-ons, and adding either to the cart.
#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let sku = move || params.read().get("sku").unwrap_or_default();
    let product = Resource::new(sku, get_product);
    let add = ServerAction::<AddToCart>::new();
    let cart = Resource::new(move || add.version().get(), |_| get_cart());
    let cycle = use_cycle();

    view! {
        <p class="breadcrumb"><a href=with_cycle("/cp/catalog".into(), cycle)>{t(Msg::CloudServices)}</a></p>
        {loaded(product, move |detail: ProductDetail| {
            let ProductDetail { product, add_ons } = detail;
            let base_path = format!("/cp/catalog/{}", product.sku);
            view! {
                <header class="page-header">
                    {named_title(product.name.clone())}
                    <h1>{product.name.clone()}</h1>
                    <p class="subtitle">{product.vendor.clone()} " · " {product.product_group.clone()} " · " {product.sku.clone()}</p>
                </header>
                <p>{product.description.clone()}</p>
                <div class="toolbar">
                    <CycleChoice cycle base_path />
                    <CartLink cart />
                </div>
                {action_feedback(add, Msg::AddedToCart)}
                <ProductOffer product cycle add add_on=false />
                {(!add_ons.is_empty()).then(|| view! {
                    <section aria-labelledby="addons-heading">
                        <h2 id="addons-heading">{t(Msg::AddOns)}</h2>
                        {add_ons.into_iter().map(|a| view! { <ProductOffer product=a cycle add add_on=true /> }).collect_view()}
                    </section>
                })}
            }
        })}
    }
}

#[component]
fn ProductOffer(
    product: CatalogProduct,
    cycle: Memo<Option<BillingCycle>>,
    add: ServerAction<AddToCart>,
    /// Add-ons sit under their own heading, so their names are one level lower.
    add_on: bool,
) -> impl IntoView {
    let heading = if add_on {
        view! { <h3>{product.name.clone()}</h3> }.into_any()
    } else {
        view! { <h2>{product.name.clone()}</h2> }.into_any()
    };
    let prices = BillingCycle::ALL
        .into_iter()
        .filter_map(|c| product.price(c).map(|p| (c, p)))
        .map(|(c, p)| view! { <div><dt>{t(c.label())}</dt><dd>{format_money(p, product.currency)}</dd></div> })
        .collect_view();
    let (sku, name) = (product.sku.clone(), product.name.clone());
    let priced = {
        let product = product.clone();
        move |c: BillingCycle| product.price(c).is_some()
    };
    view! {
        <article class="card product-offer">
            {heading}
            <dl class="prices">{prices}</dl>
            {move || match cycle.get() {
                Some(c) if priced(c) => view! {
                    <AddToCartForm action=add sku=sku.clone() cycle=c product_name=name.clone() />
                }
                .into_any(),
                Some(_) => ().into_any(),
                None => view! { <p class="muted">{t(Msg::ChooseBillingFirst)}</p> }.into_any(),
            }}
        </article>
    }
}
