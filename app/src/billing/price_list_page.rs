use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{ImportPriceList, PriceListLine, preview_price_list};
use crate::{
    components::{ErrorAlert, PageHeader, TableWrap, date_in, format_money, loaded},
    i18n::{Msg, current_locale, t},
};

/// Credit control's price list import (issue #19): a CSV pasted, its preview (what each line
/// changes, or what is wrong with it), then "Apply the price list". The preview is a GET of this
/// page with the CSV in `?csv=`, so it works as a plain form and saves nothing; applying posts
/// the previewed text, which the server checks again.
#[component]
pub fn PriceListPage() -> impl IntoView {
    let query = use_query_map();
    let csv = Memo::new(move |_| query.read().get("csv").unwrap_or_default());
    let apply = ServerAction::<ImportPriceList>::new();
    let preview = Resource::new(
        move || (csv.get(), apply.version().get()),
        |(csv, _)| async move { if csv.trim().is_empty() { Ok(Vec::new()) } else { preview_price_list(csv).await } },
    );
    // Applied: by the hydrated form (its value), or by a plain form post redirected here.
    let applied = move || {
        apply.value().get().and_then(Result::ok).or_else(|| query.read().get("applied").and_then(|n| n.parse().ok()))
    };
    let refused = move || apply.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> });
    view! {
        <PageHeader title=Msg::PriceList subtitle=Msg::PriceListHelp />
        <p class="subnav"><a href="/backoffice/statements">{t(Msg::Statements)}</a></p>
        <section class="card" aria-labelledby="price-list-heading">
            <h2 id="price-list-heading">{t(Msg::PriceListCsv)}</h2>
            <form method="get" action="/backoffice/price-list" class="stacked-form">
                <label for="csv">{t(Msg::PriceListCsv)}</label>
                // The text previewed, as its content: a preview is a new page load.
                <textarea id="csv" name="csv" rows="8" spellcheck="false">{csv.get_untracked()}</textarea>
                <button type="submit" class="button">{t(Msg::PreviewPrices)}</button>
            </form>
        </section>
        {move || applied().map(|n: usize| view! {
            <p class="alert alert-info" role="status">{t(Msg::PricesApplied)} ": " <strong>{n}</strong></p>
        })}
        {refused}
        {loaded(preview, move |lines: Vec<PriceListLine>| {
            if lines.is_empty() {
                return ().into_any();
            }
            let valid = lines.iter().all(|l| l.error.is_none());
            let confirm = if valid {
                view! {
                    <ActionForm action=apply attr:class="inline-form">
                        <input type="hidden" name="csv" value=csv.get_untracked() />
                        <button type="submit" class="button primary" disabled=move || apply.pending().get()>
                            {t(Msg::ApplyPrices)}
                        </button>
                    </ActionForm>
                }
                .into_any()
            } else {
                view! { <p class="alert alert-error" role="alert">{t(Msg::PriceListFixLines)}</p> }.into_any()
            };
            view! {
                <TableWrap label=Msg::PriceList>
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col" class="num">{t(Msg::CsvLine)}</th>
                                <th scope="col">{t(Msg::Product)}</th>
                                <th scope="col">{t(Msg::BillingOption)}</th>
                                <th scope="col" class="num">{t(Msg::PriceInEffect)}</th>
                                <th scope="col" class="num">{t(Msg::NewPrice)}</th>
                                <th scope="col">{t(Msg::EffectiveFrom)}</th>
                            </tr>
                        </thead>
                        <tbody>{lines.into_iter().map(line_row).collect_view()}</tbody>
                    </table>
                </TableWrap>
                {confirm}
            }
            .into_any()
        })}
    }
}

fn line_row(line: PriceListLine) -> impl IntoView {
    match (line.change, line.error) {
        (Some(c), _) => view! {
            <tr>
                <td class="num">{line.line}</td>
                <th scope="row">{c.product_name} <span class="sku">{c.sku}</span></th>
                <td>{t(c.cycle.label())}</td>
                <td class="num">{c.current.map(|p| format_money(p, c.currency)).unwrap_or_else(|| "—".into())}</td>
                <td class="num">{format_money(c.new_price, c.currency)}</td>
                <td>{date_in(c.effective_from, current_locale())}</td>
            </tr>
        }
        .into_any(),
        (None, error) => view! {
            <tr class="row-error">
                <td class="num">{line.line}</td>
                <th scope="row"><code>{line.text}</code></th>
                <td colspan="4" class="field-error">{error.map(|e| e.render(current_locale()))}</td>
            </tr>
        }
        .into_any(),
    }
}
