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
    let text = NodeRef::<leptos::html::Textarea>::new();
    view! {
        <PageHeader title=Msg::PriceList subtitle=Msg::PriceListHelp />
        <p class="subnav"><a href="/backoffice/statements">{t(Msg::Statements)}</a></p>
        <section class="card" aria-labelledby="price-list-heading">
            <h2 id="price-list-heading">{t(Msg::PriceListCsv)}</h2>
            <form method="get" action="/backoffice/price-list" class="stacked-form">
                <label for="csv">{t(Msg::PriceListCsv)}</label>
                // The text previewed, as its content: a preview is a new page load.
                <textarea id="csv" name="csv" rows="8" spellcheck="false" node_ref=text>{csv.get_untracked()}</textarea>
                <CsvFilePicker text />
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

/// With JavaScript, a CSV file can be chosen instead of pasted: its text goes into the box, to be
/// previewed as pasted text is. Without JavaScript the picker is not shown (the preview is a GET
/// form, which cannot carry a file): the text is pasted.
#[component]
fn CsvFilePicker(text: NodeRef<leptos::html::Textarea>) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let problem = RwSignal::new(None::<Msg>);
    let i18n = crate::i18n::use_i18n();
    let chosen = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            // The largest file put in the box: the preview carries the text in its address.
            const MAX_FILE_BYTES: f64 = 200_000.0;
            let input = ev.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok());
            let Some(file) = input.and_then(|input| input.files()).and_then(|files| files.get(0)) else { return };
            if file.size() > MAX_FILE_BYTES {
                problem.set(Some(Msg::PriceListFileTooLarge));
                return;
            }
            leptos::task::spawn_local(async move {
                let read = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string());
                match (read, text.get_untracked()) {
                    (Some(csv), Some(area)) => {
                        // A spreadsheet's export may start with a byte order mark.
                        area.set_value(csv.trim_start_matches('\u{feff}'));
                        problem.set(None);
                    }
                    _ => problem.set(Some(Msg::PriceListFileUnreadable)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, text);
    };
    move || {
        hydrated.get().then(|| {
            view! {
                <label for="csv-file">{t(Msg::PriceListFile)}</label>
                <input type="file" id="csv-file" accept=".csv,text/csv,text/plain" aria-describedby="csv-file-error" on:change=chosen />
                {move || problem.get().map(|msg| view! {
                    <p id="csv-file-error" class="field-error" role="alert">{msg.text(i18n.get())}</p>
                })}
            }
        })
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
