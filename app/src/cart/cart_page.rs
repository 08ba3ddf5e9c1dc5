use leptos::prelude::*;
use rust_decimal::Decimal;

use super::{AddOnOffer, AddToCart, Cart, CartLine, RemoveCartLine, Totals, UpdateCartLine, get_cart, line_total};
use crate::{
    components::{ErrorAlert, PageHeader, TableWrap, TotalsBox, format_money, loaded},
    domain::BillingCycle,
    domain::Quantity,
    i18n::{Msg, t, use_i18n},
};

/// Quantity and "Add to cart" for one product at one billing option.
#[component]
pub fn AddToCartForm(
    action: ServerAction<AddToCart>,
    sku: String,
    cycle: BillingCycle,
    /// Names the product for screen readers, since every row has the same button.
    product_name: String,
) -> impl IntoView {
    let input_id = format!("qty-{}-{}", sku.to_lowercase(), cycle.code());
    view! {
        <ActionForm action attr:class="inline-form add-to-cart">
            <input type="hidden" name="sku" value=sku />
            <input type="hidden" name="billing_cycle" value=cycle.code() />
            <label for=input_id.clone() class="visually-hidden">
                {t(Msg::Quantity)} " · " {product_name.clone()}
            </label>
            <input id=input_id name="quantity" type="number" min="1" max="10000" value="1" inputmode="numeric" class="qty" />
            <button type="submit" class="button" aria-label=move || format!("{} · {}", t(Msg::AddToCart)(), product_name)>
                {t(Msg::AddToCart)}
            </button>
        </ActionForm>
    }
}

/// The error of the last cart action, or a confirmation that it worked.
pub fn action_feedback<I>(action: ServerAction<I>, done: Msg) -> impl IntoView
where
    I: server_fn::ServerFn<Output = (), Error = crate::error::AppError> + Clone + Send + Sync + 'static,
{
    move || match action.value().get() {
        Some(Err(error)) => view! { <ErrorAlert error /> }.into_any(),
        Some(Ok(())) => view! { <p class="alert alert-success" role="status">{t(done)}</p> }.into_any(),
        None => ().into_any(),
    }
}

#[component]
pub fn CartPage() -> impl IntoView {
    let add = ServerAction::<AddToCart>::new();
    let update = ServerAction::<UpdateCartLine>::new();
    let remove = ServerAction::<RemoveCartLine>::new();
    let cart =
        Resource::new(move || (add.version().get(), update.version().get(), remove.version().get()), |_| get_cart());
    view! {
        <PageHeader title=Msg::Cart />
        {action_feedback(update, Msg::CartUpdated)}
        {action_feedback(add, Msg::AddedToCart)}
        {loaded(cart, move |cart: Cart| {
            if cart.lines.is_empty() {
                return view! {
                    <div class="empty-state" role="status">
                        <p>{t(Msg::CartEmpty)}</p>
                        <a class="button primary" href="/cp/catalog">{t(Msg::CloudServices)}</a>
                    </div>
                }
                .into_any();
            }
            let currency = cart.currency();
            // One text signal per line: totals follow the quantity inputs as the partner types.
            let rows: Vec<(CartLine, RwSignal<String>)> =
                cart.lines.into_iter().map(|l| { let q = RwSignal::new(l.quantity.to_string()); (l, q) }).collect();
            let priced: Vec<(Decimal, RwSignal<String>)> = rows.iter().map(|(l, q)| (l.unit_price, *q)).collect();
            let totals = Memo::new(move |_| {
                Totals::of(priced.iter().map(|(price, q)| {
                    q.with(|q| Quantity::parse(q).map(|q| line_total(*price, q.get())).unwrap_or_default())
                }))
            });
            view! {
                <TableWrap label=Msg::Cart>
                    <table class="data-table cart">
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::Product)}</th>
                                <th scope="col">{t(Msg::BillingOption)}</th>
                                <th scope="col" class="num">{t(Msg::UnitPrice)}</th>
                                <th scope="col">{t(Msg::Quantity)}</th>
                                <th scope="col" class="num">{t(Msg::LineTotal)}</th>
                                <th scope="col"><span class="visually-hidden">{t(Msg::Remove)}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .map(|(line, qty)| view! { <CartRow line qty update remove /> })
                                .collect_view()}
                        </tbody>
                    </table>
                </TableWrap>
                <TotalsBox totals=Signal::derive(move || totals.get()) currency />
                <AddOnOffers offers=cart.add_ons add />
                <p class="actions">
                    <a class="button" href="/cp/catalog">{t(Msg::ContinueShopping)}</a>
                    <a class="button primary" href="/cp/checkout/customer">{t(Msg::ProceedToCheckOut)}</a>
                </p>
            }
            .into_any()
        })}
    }
}

#[component]
fn CartRow(
    line: CartLine,
    qty: RwSignal<String>,
    update: ServerAction<UpdateCartLine>,
    remove: ServerAction<RemoveCartLine>,
) -> impl IntoView {
    let input_id = format!("cart-qty-{}", line.sku.to_lowercase());
    let error_id = format!("{input_id}-error");
    let price = line.unit_price;
    let currency = line.currency;
    let max_seats = line.max_seats;
    // The catalog's seat limit is told at the field as the partner types, before any request.
    let product = StoredValue::new(line.name.clone());
    let i18n = use_i18n();
    let parsed = move || qty.with(|q| Quantity::parse(q).and_then(|q| q.within(&product.read_value(), max_seats)));
    let line_total_text = {
        move || match parsed() {
            Ok(q) => format_money(line_total(price, q.get()), currency),
            Err(_) => "—".into(),
        }
    };
    let sku = line.sku.clone();
    let name = line.name.clone();
    let qty_label = line.name.clone();
    let (sku_update, sku_remove) = (line.sku.clone(), line.sku.clone());
    let error_line = format!("cart-qty-{}-error", line.sku.to_lowercase());
    view! {
        <tr>
            <th scope="row">
                <span class="product-name">{line.name.clone()}</span>
                <span class="sku">{line.sku.clone()}</span>
                {line.base_product.map(|base| view! { <span class="addon-of">{t(Msg::AddOnFor)} ": " {base}</span> })}
            </th>
            <td>{t(line.billing_cycle.label())}</td>
            <td class="num">{format_money(line.unit_price, currency)}</td>
            <td>
                <ActionForm action=update attr:class="inline-form">
                    <input type="hidden" name="sku" value=sku_update />
                    <label for=input_id.clone() class="visually-hidden">{t(Msg::Quantity)} " · " {qty_label}</label>
                    <input
                        id=input_id
                        name="quantity"
                        type="number"
                        min="1"
                        max=max_seats.to_string()
                        inputmode="numeric"
                        class="qty"
                        value=qty.get_untracked()
                        prop:value=move || qty.get()
                        aria-invalid=move || parsed().is_err().to_string()
                        aria-describedby=error_id.clone()
                        on:input=move |ev| qty.set(event_target_value(&ev))
                        on:change=move |_| {
                            if let Ok(q) = parsed() {
                                update.dispatch(UpdateCartLine { sku: sku.clone(), quantity: q.get().to_string() });
                            }
                        }
                    />
                    <button type="submit" class="button link">{t(Msg::Update)}</button>
                    {move || parsed().err().map(|message| view! { <p class="field-error" id=error_line.clone()>{message.render(i18n.get())}</p> })}
                </ActionForm>
            </td>
            <td class="num">{line_total_text}</td>
            <td>
                <ActionForm action=remove attr:class="inline-form">
                    <input type="hidden" name="sku" value=sku_remove />
                    <button type="submit" class="button link danger" aria-label=move || format!("{} · {}", t(Msg::Remove)(), name)>
                        {t(Msg::Remove)}
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
pub fn AddOnOffers(offers: Vec<AddOnOffer>, add: ServerAction<AddToCart>) -> impl IntoView {
    (!offers.is_empty()).then(|| {
        view! {
            <section class="add-ons" aria-labelledby="add-ons-title">
                <h2 id="add-ons-title">{t(Msg::AddOnsOffered)}</h2>
                <ul class="offer-list">
                    {offers
                        .into_iter()
                        .map(|offer| {
                            view! {
                                <li>
                                    <span class="product-name">{offer.name.clone()}</span>
                                    <span class="addon-of">{t(Msg::AddOnFor)} ": " {offer.base_product}</span>
                                    <span class="price">
                                        {format_money(offer.unit_price, offer.currency)} " · " {t(offer.billing_cycle.label())}
                                    </span>
                                    <AddToCartForm action=add sku=offer.sku cycle=offer.billing_cycle product_name=offer.name />
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}
