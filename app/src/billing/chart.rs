use leptos::prelude::*;
use rust_decimal::{Decimal, prelude::ToPrimitive};

use super::MonthSpend;
use crate::{
    components::{format_money, format_month},
    i18n::{Msg, t},
};

/// Monthly spend as an SVG bar chart (no script needed), with the figures in a table for screen
/// readers and print.
#[component]
pub fn SpendChart(spend: Vec<MonthSpend>, currency: crate::domain::Currency) -> impl IntoView {
    let max = spend.iter().map(|m| m.amount).fold(Decimal::ZERO, Decimal::max);
    let scale = if max > Decimal::ZERO { max } else { Decimal::ONE };
    let (width, height, bar) = (360.0_f64, 120.0_f64, 30.0_f64);
    let bars = spend
        .iter()
        .enumerate()
        .map(|(i, m)| {
            // Only the drawing is scaled in floating point; every figure shown is the decimal.
            let share = (m.amount.max(Decimal::ZERO) / scale).to_f64().unwrap_or(0.0);
            let h = (share * (height - 20.0)).max(if m.amount > Decimal::ZERO { 1.0 } else { 0.0 });
            let x = i as f64 * bar + 2.0;
            let label = format!("{} {}", format_month(m.month), format_money(m.amount, currency));
            view! {
                <g>
                    <title>{label}</title>
                    <rect x=x y=height - 14.0 - h width=bar - 6.0 height=h class="bar" />
                    <text x=x + (bar - 6.0) / 2.0 y=height - 2.0 text-anchor="middle" class="tick">
                        {m.month.month() as u8}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="card spend-chart" aria-labelledby="spend-heading">
            <figcaption id="spend-heading">{t(Msg::MonthlySpend)}</figcaption>
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-labelledby="spend-heading" preserveAspectRatio="none">
                {bars}
            </svg>
            <table class="visually-hidden">
                <thead><tr><th scope="col">{t(Msg::Month)}</th><th scope="col">{t(Msg::Amount)}</th></tr></thead>
                <tbody>
                    {spend
                        .into_iter()
                        .map(|m| view! {
                            <tr><td>{format_month(m.month)}</td><td>{format_money(m.amount, currency)}</td></tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </figure>
    }
}
