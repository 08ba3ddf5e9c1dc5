use leptos::prelude::*;

use super::{PartnerSummary, SetCreditLimit, list_partners};
use crate::{
    components::{ErrorAlert, PageHeader, TableWrap, format_money, loaded},
    i18n::{Msg, t},
};

#[component]
pub fn PartnersPage() -> impl IntoView {
    let set_limit = ServerAction::<SetCreditLimit>::new();
    let partners = Resource::new(move || set_limit.version().get(), |_| list_partners());
    let error = move || set_limit.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> });
    view! {
        <PageHeader title=Msg::Partners />
        {error}
        {loaded(partners, move |partners: Vec<PartnerSummary>| {
            view! {
                <TableWrap label=Msg::Partners>
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::Partners)}</th>
                                <th scope="col">{t(Msg::MpnId)}</th>
                                <th scope="col" class="num">{t(Msg::CustomersCount)}</th>
                                <th scope="col" class="num">{t(Msg::CreditLimit)}</th>
                                <th scope="col" class="num">{t(Msg::Available)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {partners
                                .into_iter()
                                .map(|p| {
                                    let input_id = format!("limit-{}", p.partner_id);
                                    view! {
                                        <tr>
                                            <th scope="row">
                                                <a href=format!("/backoffice/partners/{}", p.partner_id)>{p.name.clone()}</a>
                                            </th>
                                            <td>{p.mpn_id.unwrap_or_else(|| "—".into())}</td>
                                            <td class="num">{p.customers}</td>
                                            <td class="num">
                                                {format_money(p.credit_limit, p.currency)}
                                                <ActionForm action=set_limit attr:class="inline-form">
                                                    <input type="hidden" name="partner_id" value=p.partner_id.to_string() />
                                                    <label for=input_id.clone() class="visually-hidden">
                                                        {t(Msg::CreditLimit)} " · " {p.name.clone()}
                                                    </label>
                                                    <input id=input_id name="credit_limit" inputmode="decimal" size="10" value=p.credit_limit.to_string() />
                                                    <button type="submit" class="button">{t(Msg::Save)}</button>
                                                </ActionForm>
                                            </td>
                                            <td class="num" data-test="available">{format_money(p.available, p.currency)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </TableWrap>
            }
        })}
    }
}
