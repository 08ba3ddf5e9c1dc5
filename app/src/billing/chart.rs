use leptos::prelude::*;
use rust_decimal::{Decimal, prelude::ToPrimitive};

use super::{CreditUsage, CustomerSpend, MonthSpend};
use crate::{
    components::{EmptyState, TableWrap, format_money, format_month},
    i18n::{Locale, Msg, current_locale, t},
};

const SHORT_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const SHORT_TR: [&str; 12] = ["Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"];

/// A month's name as an axis shows it: `Dec`, `Ara`.
fn short_month(date: time::Date, locale: Locale) -> &'static str {
    let i = usize::from(u8::from(date.month())) - 1;
    match locale {
        Locale::En => SHORT_EN[i],
        Locale::Tr => SHORT_TR[i],
    }
}

/// An amount as a bar's label: grouped, no cents, no currency (the caption names it).
fn compact(amount: Decimal) -> String {
    let whole = format_money(amount.round(), crate::domain::Currency::USD);
    whole.trim_end_matches(" USD").trim_end_matches(".00").to_owned()
}

/// The change from a year before, as people say it: `+12 %`, `−5 %`; none without a base.
fn change(now: Decimal, before: Decimal) -> String {
    if before <= Decimal::ZERO {
        return "—".to_owned();
    }
    let percent = ((now - before) / before * Decimal::ONE_HUNDRED).round();
    match percent.cmp(&Decimal::ZERO) {
        std::cmp::Ordering::Greater => format!("+{percent} %"),
        std::cmp::Ordering::Less => format!("−{} %", percent.abs()),
        std::cmp::Ordering::Equal => "0 %".to_owned(),
    }
}

/// Monthly spend as an SVG bar chart drawn on the server (no chart library, no script): each of
/// the last twelve months named in the reader's language, beside the same month a year before.
/// A month's bars take the keyboard focus and show their amounts on focus and on hover; the
/// figures are also in a table under the chart.
#[component]
pub fn SpendChart(spend: Vec<MonthSpend>, currency: crate::domain::Currency) -> impl IntoView {
    let locale = current_locale();
    let max = spend.iter().flat_map(|m| [m.amount, m.year_before]).fold(Decimal::ZERO, Decimal::max);
    let scale = if max > Decimal::ZERO { max } else { Decimal::ONE };
    let (width, height, slot) = (360.0_f64, 150.0_f64, 30.0_f64);
    let (top, axis) = (14.0_f64, 16.0_f64);
    let plot = height - top - axis;
    let last = spend.len().saturating_sub(1);
    // Only the drawing is scaled in floating point; every figure shown is the decimal.
    let bar_height = |amount: Decimal| {
        let share = (amount.max(Decimal::ZERO) / scale).to_f64().unwrap_or(0.0);
        (share * plot).max(if amount > Decimal::ZERO { 1.0 } else { 0.0 })
    };
    let bars = spend
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let x = i as f64 * slot;
            let (now, before) = (bar_height(m.amount), bar_height(m.year_before));
            let label = format!(
                "{}: {} · {} {}",
                crate::components::month_in(m.month, locale),
                format_money(m.amount, currency),
                Msg::YearBefore.text(locale),
                format_money(m.year_before, currency),
            );
            let title = label.clone();
            // The first and last labels lean inwards so they stay inside the drawing.
            let (anchor, label_x) = match i {
                0 => ("start", x + 2.0),
                i if i == last => ("end", x + slot - 2.0),
                _ => ("middle", x + slot / 2.0),
            };
            view! {
                <g class="month" tabindex="0" role="img" aria-label=label>
                    <title>{title}</title>
                    <rect x=x y=top width=slot height=plot class="hit-area" />
                    <rect x=x + 4.0 y=height - axis - before width=9.0 height=before class="bar-before" />
                    <rect x=x + 12.0 y=height - axis - now width=14.0 height=now class="bar" />
                    <text x=label_x y=(height - axis - now - 3.0).max(9.0) text-anchor=anchor class="value">
                        {compact(m.amount)}
                    </text>
                    <text x=x + slot / 2.0 y=height - 4.0 text-anchor="middle" class="tick">
                        {short_month(m.month, locale)}
                    </text>
                </g>
            }
        })
        .collect_view();
    let rows = spend
        .into_iter()
        .map(|m| {
            view! {
                <tr>
                    <th scope="row">{format_month(m.month)}</th>
                    <td class="num">{format_money(m.amount, currency)}</td>
                    <td class="num">{format_money(m.year_before, currency)}</td>
                    <td class="num">{change(m.amount, m.year_before)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="card spend-chart" aria-labelledby="spend-heading">
            <figcaption id="spend-heading">{t(Msg::MonthlySpend)} " (" {currency.code().to_owned()} ")"</figcaption>
            <p class="legend" aria-hidden="true">
                <span class="key now"></span>{t(Msg::ThisYear)}
                <span class="key before"></span>{t(Msg::YearBefore)}
            </p>
            <svg viewBox=format!("0 0 {width} {height}") role="group" aria-labelledby="spend-heading">
                <line x1="0" x2=width y1=height - axis y2=height - axis class="axis" />
                {bars}
            </svg>
            <details class="figures">
                <summary>{t(Msg::ShowFigures)}</summary>
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">{t(Msg::Month)}</th>
                            <th scope="col" class="num">{t(Msg::Amount)}</th>
                            <th scope="col" class="num">{t(Msg::YearBefore)}</th>
                            <th scope="col" class="num">{t(Msg::ChangeFromYearBefore)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

/// This month's charges per customer, largest first, each with its share drawn as a bar.
#[component]
pub fn CustomerBreakdown(spend: Vec<CustomerSpend>, currency: crate::domain::Currency) -> impl IntoView {
    let total: Decimal = spend.iter().map(|c| c.amount.max(Decimal::ZERO)).sum();
    let body = if spend.is_empty() {
        view! { <EmptyState msg=Msg::NoChargesThisMonth /> }.into_any()
    } else {
        let rows = spend
            .into_iter()
            .map(|c| {
                let share = if total > Decimal::ZERO {
                    (c.amount.max(Decimal::ZERO) / total * Decimal::ONE_HUNDRED).round_dp(0)
                } else {
                    Decimal::ZERO
                };
                let width = share.to_f64().unwrap_or(0.0);
                view! {
                    <tr>
                        <th scope="row">{c.customer_name}</th>
                        <td class="num">{format_money(c.amount, currency)}</td>
                        <td class="share">
                            <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                                <rect width=width height="10" />
                            </svg>
                            <span>{format!("{share} %")}</span>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <TableWrap label=Msg::ThisMonthByCustomer>
                <table class="data-table breakdown">
                    <thead>
                        <tr>
                            <th scope="col">{t(Msg::CustomerName)}</th>
                            <th scope="col" class="num">{t(Msg::Amount)}</th>
                            <th scope="col">{t(Msg::Share)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </TableWrap>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="by-customer-heading">
            <h2 id="by-customer-heading">{t(Msg::ThisMonthByCustomer)}</h2>
            {body}
        </section>
    }
}

/// The credit as a gauge: what is available, a bar of the limit with each use in its own colour,
/// and a legend that says each amount (the bar itself is decoration: the legend reads out).
/// `stretches` are each use's start and width in percent of the limit, and `in_use` their sum,
/// as the server worked them out (`rules::gauge_stretches`): the browser draws, it does not divide.
#[component]
pub fn CreditGauge(usage: CreditUsage, stretches: Vec<(Decimal, Decimal)>, in_use: Decimal) -> impl IntoView {
    let c = usage.currency;
    let uses = [
        (Msg::UnpaidStatements, usage.unpaid_statements, "unpaid"),
        (Msg::UnbilledCharges, usage.unbilled_charges, "unbilled"),
        (Msg::OpenOrdersAtTermValue, usage.open_orders, "open"),
    ];
    let over = usage.available < Decimal::ZERO;
    view! {
        <section class="card credit-gauge" aria-labelledby="gauge-heading">
            <h2 id="gauge-heading">{t(Msg::CreditUsage)}</h2>
            <p class="figure" class:over=over>
                <span data-test="gauge-available">{format_money(usage.available, c)}</span> " "
                <span class="muted">{t(Msg::Available)}</span>
            </p>
            <svg class="gauge" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
                <rect class="track" width="100" height="6" />
                {stretches
                    .iter()
                    .zip(uses.iter())
                    .map(|((start, width), (_, _, kind))| view! {
                        <rect class=*kind x=start.to_string() width=width.to_string() height="6" />
                    })
                    .collect_view()}
            </svg>
            <p class="muted" data-test="gauge-share">{in_use.to_string()} " % " {t(Msg::OfTheLimitInUse)}</p>
            <dl class="facts compact legend">
                {uses
                    .into_iter()
                    .map(|(label, amount, kind)| view! {
                        <div>
                            <dt><span class=format!("swatch {kind}") aria-hidden="true"></span> {t(label)}</dt>
                            <dd data-test=format!("gauge-{kind}")>{format_money(amount, c)}</dd>
                        </div>
                    })
                    .collect_view()}
                <div>
                    <dt>{t(Msg::CreditLimit)}</dt>
                    <dd data-test="gauge-limit">{format_money(usage.credit_limit, c)}</dd>
                </div>
            </dl>
            <a class="button" href="/cp/billing">{t(Msg::OpenBilling)}</a>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn months_are_named_in_the_readers_language() {
        let december = time::macros::date!(2026 - 12 - 01);
        assert_eq!(short_month(december, Locale::En), "Dec");
        assert_eq!(short_month(december, Locale::Tr), "Ara");
        assert_eq!(short_month(time::macros::date!(2026 - 08 - 01), Locale::Tr), "Ağu");
    }

    #[test]
    fn a_change_is_a_rounded_percentage_of_the_year_before() {
        assert_eq!(change(dec!(112), dec!(100)), "+12 %");
        assert_eq!(change(dec!(95), dec!(100)), "−5 %");
        assert_eq!(change(dec!(100), dec!(100)), "0 %");
        assert_eq!(change(dec!(50), dec!(0)), "—");
    }

    #[test]
    fn a_bar_label_is_grouped_without_cents() {
        assert_eq!(compact(dec!(1234.56)), "1,235");
        assert_eq!(compact(dec!(0)), "0");
    }
}
