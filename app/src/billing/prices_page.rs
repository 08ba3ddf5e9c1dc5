use leptos::prelude::*;

use super::{PriceRow, SetMarkup, my_prices, rules::retail_price};
use crate::{
    components::{ErrorAlert, PageHeader, TableWrap, format_money, loaded},
    i18n::{Msg, t},
};

/// The partner's retail prices: a markup per product on the distributor's price. Customers see
/// the marked-up prices in their portal; the partner's statements stay at the distributor's.
#[component]
pub fn PricesPage() -> impl IntoView {
    let save = ServerAction::<SetMarkup>::new();
    let prices = Resource::new(move || save.version().get(), |_| my_prices());
    let refused = move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> });
    view! {
        <PageHeader title=Msg::RetailPrices subtitle=Msg::RetailPricesHelp />
        <p class="subnav"><a href="/cp/billing">{t(Msg::Billing)}</a></p>
        {refused}
        {loaded(prices, move |rows: Vec<PriceRow>| view! {
            <TableWrap label=Msg::RetailPrices>
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">{t(Msg::Product)}</th>
                            <th scope="col" class="num">{t(Msg::Monthly)}</th>
                            <th scope="col" class="num">{t(Msg::Annual)}</th>
                            <th scope="col" class="num">{t(Msg::AnnualBilledMonthly)}</th>
                            <th scope="col">{t(Msg::Markup)}</th>
                            <th scope="col" class="num">{t(Msg::CustomerPriceMonthly)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|r| {
                                let field = format!("markup-{}", r.sku);
                                view! {
                                    <tr>
                                        <th scope="row">{r.name.clone()} <span class="sku">{r.sku.clone()}</span></th>
                                        <td class="num">{format_money(r.monthly, r.currency)}</td>
                                        <td class="num">{format_money(r.annual, r.currency)}</td>
                                        <td class="num" data-test="annual-monthly">
                                            {r.annual_monthly.map(|p| format_money(p, r.currency)).unwrap_or_else(|| "—".into())}
                                        </td>
                                        <td>
                                            <ActionForm action=save attr:class="inline-form">
                                                <input type="hidden" name="product_id" value=r.product_id.to_string() />
                                                <label class="visually-hidden" for=field.clone()>{t(Msg::Markup)} " " {r.name.clone()}</label>
                                                <input id=field name="markup" inputmode="decimal" size="6" value=r.markup_percent.to_string() />
                                                " % "
                                                <button type="submit" class="button" disabled=move || save.pending().get()>{t(Msg::Save)}</button>
                                            </ActionForm>
                                        </td>
                                        <td class="num" data-test="retail">{format_money(retail_price(r.monthly, r.markup_percent), r.currency)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </TableWrap>
        })}
    }
}
