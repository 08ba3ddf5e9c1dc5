//! Small building blocks shared by every page.

use leptos::{either::Either, prelude::*};
use rust_decimal::Decimal;

use crate::{
    error::AppError,
    i18n::{Locale, Msg, t},
};

/// Set on `<body>` once the page, its own split chunk included, has hydrated (`crate::hydrate`):
/// tests, and anything that must not act on a page still hydrating, wait for it.
pub const HYDRATED_ATTRIBUTE: &str = "data-hydrated";
/// Sent to `window` at the same moment, for what must not start before (the live stream).
pub const HYDRATED_EVENT: &str = "cloudmarket:hydrated";

/// Renders a resource once loaded: a loading line first, an error alert if it failed.
pub fn loaded<T, V>(
    resource: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || view! { <p class="loading" role="status">{t(Msg::Loading)}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => {
                            page_status(&error);
                            view! { <ErrorAlert error /> }.into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}

/// A page whose data could not be shown answers with the error's status (404 for another
/// tenant's id, 403, 401), so clients and monitors can tell it from a page that worked. Routes
/// render in `SsrMode::Async`, so the status is still unsent when the data arrives.
fn page_status(error: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}

#[component]
pub fn ErrorAlert(error: AppError) -> impl IntoView {
    view! {
        <div class="alert alert-error" role="alert">
            {error.message(crate::i18n::current_locale())}
        </div>
    }
}

/// The message for one form field from the last submission, linked to the field by id.
#[component]
pub fn FieldMessage(#[prop(into)] error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    move || {
        error.get().and_then(|e| e.field_message(field)).map(|message| {
            view! {
                <p class="field-error" id=format!("{field}-error")>
                    {message}
                </p>
            }
        })
    }
}

/// An error from the last submission that belongs to no field of the form.
#[component]
pub fn FormMessage(#[prop(into)] error: Signal<Option<AppError>>, fields: &'static [&'static str]) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| !fields.iter().any(|field| e.field_message(field).is_some()))
            .map(|error| view! { <ErrorAlert error /> })
    }
}

/// A labelled input with its optional hint and the message from the last submission; the
/// input is marked `aria-invalid` and described by both, so screen readers announce them.
#[component]
pub fn Field(
    /// The input's `name`, which is also its `id` and the server's field name in errors.
    name: &'static str,
    label: Msg,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<Msg>,
    /// What the input starts with (e.g. the text of a refused form, shown again).
    #[prop(optional)]
    value: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let invalid = move || error.with(|e| e.as_ref().and_then(|e| e.field_message(name)).is_some()).to_string();
    // After a refused plain form post (no JavaScript) the page is rendered anew: what the user
    // typed comes back from the server rather than being lost.
    let value = crate::forms::refused_input(name).unwrap_or(value);
    let described_by = match hint {
        Some(_) => format!("{name}-hint {name}-error"),
        None => format!("{name}-error"),
    };
    view! {
        <div class="field">
            <label for=name>{t(label)}</label>
            <input
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                value=value
                aria-invalid=invalid
                aria-describedby=described_by
            />
            {hint.map(|hint| view! { <p class="hint" id=format!("{name}-hint")>{t(hint)}</p> })}
            <FieldMessage error field=name />
        </div>
    }
}

/// A table that scrolls sideways on narrow screens. A scroll box must be reachable by keyboard
/// (WCAG 2.1.1; axe `scrollable-region-focusable`), so it is a focusable region with a name.
#[component]
pub fn TableWrap(label: Msg, children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=t(label)>
            {children()}
        </div>
    }
}

#[component]
pub fn EmptyState(msg: Msg) -> impl IntoView {
    view! {
        <div class="empty-state" role="status">
            <p>{t(msg)}</p>
        </div>
    }
}

/// What a browser tab, a bookmark and a screen reader call a page: `Sepet · cloudmarket`.
pub fn titled(page: &str) -> String {
    format!("{page} · cloudmarket")
}

/// A document title that follows a language switch in the browser. On the server it is written
/// out at once: leptos_meta reads the title while the response's head is sent, outside the
/// render's reactive arena, and reading the language signal there panics (seen as a 500 on
/// about one page in a few hundred).
fn live_title(make: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = leptos::text_prop::TextProp::from(untrack(make));
    #[cfg(not(feature = "ssr"))]
    let text = leptos::text_prop::TextProp::from(make);
    view! { <leptos_meta::Title text /> }
}

/// The document title of a page named by a message, in the reader's language (it follows a
/// language switch without a reload).
pub fn page_title(msg: Msg) -> impl IntoView {
    let text = t(msg);
    live_title(move || titled(text()))
}

/// The document title of a page named by a message and a number: `Sipariş 100042 · cloudmarket`.
pub fn numbered_title(msg: Msg, number: String) -> impl IntoView {
    let text = t(msg);
    live_title(move || titled(&format!("{} {number}", text())))
}

/// The document title of a page named by its data (a product, a customer).
pub fn named_title(name: String) -> impl IntoView {
    view! { <leptos_meta::Title text=titled(&name) /> }
}

/// The page's heading, and the document title it names.
#[component]
pub fn PageHeader(title: Msg, #[prop(optional)] subtitle: Option<Msg>) -> impl IntoView {
    view! {
        {page_title(title)}
        <header class="page-header">
            <h1>{t(title)}</h1>
            {subtitle.map(|s| view! { <p class="subtitle">{t(s)}</p> })}
        </header>
    }
}

/// An amount as the reader's language writes it (`1,234.50 USD`, `1.234,50 USD`): exact, from
/// the decimal, never through a float. The rule is [`crate::domain::Money::in_locale`].
pub fn format_money(amount: Decimal, currency: crate::domain::Currency) -> String {
    crate::domain::Money::new(amount, currency).in_locale(crate::i18n::current_locale())
}

/// The route segment `name` read as `T` (an id, a number); `None` when the URL holds something
/// else, which the page shows as not found.
pub fn route_param<T: std::str::FromStr>(name: &'static str) -> impl Fn() -> Option<T> + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.read().get(name).and_then(|raw| raw.parse().ok())
}

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_TR: [&str; 12] =
    ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"];

/// A day as `locale` writes it: `1 Dec 2026`, `01.12.2026`.
pub fn date_in(date: time::Date, locale: Locale) -> String {
    match locale {
        Locale::En => format!("{} {} {}", date.day(), MONTHS_EN[usize::from(u8::from(date.month())) - 1], date.year()),
        Locale::Tr => format!("{:02}.{:02}.{}", date.day(), u8::from(date.month()), date.year()),
    }
}

/// A month (a statement's period) as `locale` names it: `Dec 2026`, `Aralık 2026`.
pub fn month_in(date: time::Date, locale: Locale) -> String {
    let months = match locale {
        Locale::En => MONTHS_EN,
        Locale::Tr => MONTHS_TR,
    };
    format!("{} {}", months[usize::from(u8::from(date.month())) - 1], date.year())
}

/// A timestamp as people read it in lists, in UTC: `1 Dec 2026 14:05`, `01.12.2026 14:05`.
pub fn datetime_in(at: time::OffsetDateTime, locale: Locale) -> String {
    format!("{} {:02}:{:02}", date_in(at.date(), locale), at.hour(), at.minute())
}

/// [`datetime_in`] the reader's language.
pub fn format_datetime(at: time::OffsetDateTime) -> String {
    datetime_in(at, crate::i18n::current_locale())
}

/// [`date_in`] the reader's language.
pub fn format_date(at: time::OffsetDateTime) -> String {
    date_in(at.date(), crate::i18n::current_locale())
}

/// [`month_in`] the reader's language.
pub fn format_month(date: time::Date) -> String {
    month_in(date, crate::i18n::current_locale())
}

/// How many rows a to-do list shows; its total says how many there are.
pub const TODOS_SHOWN: i64 = 5;

/// One thing to do on a home page (the Control Panel's, the back office's), and where it is done.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Todo {
    pub title: String,
    pub detail: String,
    pub href: String,
    /// Since when it has waited, or when it is due.
    pub since: Option<time::OffsetDateTime>,
}

/// A list of to-dos of one kind: the first [`TODOS_SHOWN`], and how many there are.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TodoList {
    pub total: i64,
    pub items: Vec<Todo>,
}

impl TodoList {
    /// A list from a query's rows (its first [`TODOS_SHOWN`]), each carrying the total of the
    /// query's window (`count(*) over ()`), so one query gives both.
    pub fn from_rows<R>(rows: Vec<R>, total: impl Fn(&R) -> i64, todo: impl FnMut(R) -> Todo) -> Self {
        Self { total: rows.first().map_or(0, total), items: rows.into_iter().map(todo).collect() }
    }
}

/// One kind of to-do: how many, the first few as links to where each is resolved, and an empty
/// state that says all is well.
#[component]
pub fn TodoCard(list: TodoList, id: &'static str, title: Msg, empty: Msg, all: &'static str) -> impl IntoView {
    let shown = list.items.len() as i64;
    let total = list.total;
    let body = if list.items.is_empty() {
        view! { <p class="all-clear">{t(empty)}</p> }.into_any()
    } else {
        view! {
            <ul class="todo-list">
                {list
                    .items
                    .into_iter()
                    .map(|todo| view! {
                        <li>
                            <a href=todo.href>{todo.title}</a>
                            <span class="muted">{todo.detail}</span>
                            {todo.since.map(|at| view! { <span class="since">{format_datetime(at)}</span> })}
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card todo" class:quiet=total == 0 aria-labelledby=id>
            <h3 id=id>
                {t(title)} " "
                <span class=if total == 0 { "badge ok" } else { "badge warn" }>{total}</span>
            </h3>
            {body}
            {(total > shown).then(|| view! { <a class="see-all" href=all>{t(Msg::SeeAll)} " (" {total} ")"</a> })}
        </section>
    }
}

/// At most this many items in one bulk action: a page never lists more for selection, and it
/// bounds the work one request can ask for.
pub const BULK_MAX: usize = 100;

/// What became of one item of a bulk action: each is checked by the same rules as the single
/// action, in a transaction of its own, so a refused item neither stops nor undoes the others.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ItemOutcome {
    /// The item as the list names it (a product, an order number).
    pub item: String,
    /// Why it was refused; `None`: done.
    pub refused: Option<AppError>,
}

/// The per-item results of a bulk action: how many were done and refused, then each item with
/// its result or its reason.
#[component]
pub fn BulkResults(outcomes: Vec<ItemOutcome>) -> impl IntoView {
    let refused = outcomes.iter().filter(|o| o.refused.is_some()).count();
    let done = outcomes.len() - refused;
    let locale = crate::i18n::current_locale();
    view! {
        <section class="card bulk-results" role="status" aria-labelledby="bulk-results-heading">
            <h3 id="bulk-results-heading">
                <span class="badge ok">{done} " " {t(Msg::BulkDone)}</span> " "
                {(refused > 0).then(|| view! { <span class="badge bad">{refused} " " {t(Msg::BulkRefused)}</span> })}
            </h3>
            <ul class="bulk-outcomes">
                {outcomes
                    .into_iter()
                    .map(|o| {
                        let ok = o.refused.is_none();
                        view! {
                            <li class:refused=!ok data-test="bulk-outcome">
                                <strong>{o.item}</strong> " "
                                {match o.refused {
                                    None => Either::Left(view! { <span class="muted">{t(Msg::BulkItemDone)}</span> }),
                                    Some(error) => Either::Right(view! { <span class="field-error">{error.message(locale)}</span> }),
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// After a bulk action posted without JavaScript, the page comes back with `?done=N&refused=M`
/// (the items themselves show their new state): this says so.
#[component]
pub fn PlainBulkSummary() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let count = move |name: &str| query.read_untracked().get(name).and_then(|v| v.parse::<usize>().ok());
    let (done, refused) = (count("done"), count("refused"));
    done.map(|done| {
        let refused = refused.unwrap_or(0);
        view! {
            <p class="alert alert-info" role="status" data-test="bulk-summary">
                <span class="badge ok">{done} " " {t(Msg::BulkDone)}</span> " "
                {(refused > 0).then(|| view! { <span class="badge bad">{refused} " " {t(Msg::BulkRefused)}</span> })}
            </p>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_is_grouped_and_has_two_decimals() {
        assert_eq!(format_money(dec!(5000), crate::domain::Currency::USD), "5,000.00 USD");
        assert_eq!(format_money(dec!(1234567.891), crate::domain::Currency::USD), "1,234,567.89 USD");
        assert_eq!(format_money(dec!(6), crate::domain::Currency::USD), "6.00 USD");
        assert_eq!(format_money(dec!(-72.5), crate::domain::Currency::USD), "-72.50 USD");
        assert_eq!(format_money(dec!(0), crate::domain::Currency::USD), "0.00 USD");
        assert_eq!(format_money(dec!(999.999), crate::domain::Currency::USD), "1,000.00 USD");
    }

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let day = time::macros::date!(2026 - 12 - 01);
        assert_eq!(date_in(day, Locale::En), "1 Dec 2026");
        assert_eq!(date_in(day, Locale::Tr), "01.12.2026");
        assert_eq!(month_in(day, Locale::En), "Dec 2026");
        assert_eq!(month_in(time::macros::date!(2026 - 02 - 01), Locale::Tr), "Şubat 2026");
        let at = time::macros::datetime!(2026-03-09 7:05 UTC);
        assert_eq!(datetime_in(at, Locale::En), "9 Mar 2026 07:05");
        assert_eq!(datetime_in(at, Locale::Tr), "09.03.2026 07:05");
    }
}

/// Subtotal, KDV and total, as the cart, checkout, orders and statements show them.
#[component]
pub fn TotalsBox(
    #[prop(into)] totals: Signal<crate::domain::Totals>,
    currency: crate::domain::Currency,
) -> impl IntoView {
    let money = move |pick: fn(&crate::domain::Totals) -> rust_decimal::Decimal| {
        move || format_money(pick(&totals.get()), currency)
    };
    view! {
        <dl class="totals" aria-live="polite">
            <div><dt>{t(Msg::Subtotal)}</dt><dd data-total="subtotal">{money(|t| t.subtotal)}</dd></div>
            <div><dt>{t(Msg::Vat)}</dt><dd data-total="vat">{money(|t| t.vat)}</dd></div>
            <div class="grand"><dt>{t(Msg::Total)}</dt><dd data-total="total">{money(|t| t.total)}</dd></div>
        </dl>
    }
}
