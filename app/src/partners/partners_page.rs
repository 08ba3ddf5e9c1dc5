use leptos::prelude::*;

use super::{PartnerSummary, list_partners};
use crate::{
    components::{PageHeader, format_money, loaded},
    i18n::{Msg, t},
};

#[component]
pub fn PartnersPage() -> impl IntoView {
    let partners = Resource::new(|| (), |_| list_partners());
    view! {
        <PageHeader title=Msg::Partners />
        {loaded(partners, |partners: Vec<PartnerSummary>| {
            view! {
                <div class="table-wrap">
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::Partners)}</th>
                                <th scope="col">{t(Msg::MpnId)}</th>
                                <th scope="col" class="num">{t(Msg::CustomersCount)}</th>
                                <th scope="col" class="num">{t(Msg::CreditLimit)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {partners
                                .into_iter()
                                .map(|p| {
                                    view! {
                                        <tr>
                                            <th scope="row">{p.name}</th>
                                            <td>{p.mpn_id.unwrap_or_else(|| "—".into())}</td>
                                            <td class="num">{p.customers}</td>
                                            <td class="num">{format_money(p.credit_limit, &p.currency)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
        })}
    }
}
