//! Billing arithmetic as pure functions: statement totals with KDV, billing periods, retail
//! prices from markups, and the CSV a statement exports to.

use rust_decimal::{Decimal, RoundingStrategy};
use time::{Date, Month};

use super::{StatementDetail, StatementLine};
use crate::domain::Totals;
use crate::i18n::Say;

/// Subtotal (the sum of the lines), KDV on it, and the total: always subtotal + KDV. The same
/// arithmetic as every other total (`domain::Totals`), as a statement's three columns.
pub fn totals(amounts: impl IntoIterator<Item = Decimal>) -> (Decimal, Decimal, Decimal) {
    let Totals { subtotal, vat, total } = Totals::of(amounts);
    (subtotal, vat, total)
}

/// `2026-11` as the month's first day.
pub fn parse_period(raw: &str) -> Result<Date, Say> {
    let message = || Say::PeriodFormat;
    let (year, month) = raw.trim().split_once('-').ok_or_else(message)?;
    let year: i32 = year.parse().map_err(|_| message())?;
    let month: u8 = month.parse().map_err(|_| message())?;
    let month = Month::try_from(month).map_err(|_| message())?;
    if !(2000..=2100).contains(&year) {
        return Err(message());
    }
    Date::from_calendar_date(year, month, 1).map_err(|_| message())
}

/// The first day of the month after `period`'s.
pub fn next_period(period: Date) -> Date {
    let (year, month) = if period.month() == Month::December {
        (period.year() + 1, Month::January)
    } else {
        (period.year(), period.month().next())
    };
    Date::from_calendar_date(year, month, 1).unwrap_or(period)
}

/// The first day of the month before `day`'s: what a billing run on `day` bills.
pub fn previous_period(day: Date) -> Date {
    let (year, month) = if day.month() == Month::January {
        (day.year() - 1, Month::December)
    } else {
        (day.year(), day.month().previous())
    };
    Date::from_calendar_date(year, month, 1).unwrap_or(day)
}

/// The partner's price to its customers: the distributor's price with the markup, to the cent.
pub fn retail_price(price: Decimal, markup_percent: Decimal) -> Decimal {
    (price * (Decimal::ONE_HUNDRED + markup_percent) / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A markup as typed: 0 to 500 percent, at most two decimals.
pub fn parse_markup(raw: &str) -> Result<Decimal, Say> {
    let markup = crate::domain::parse_decimal(raw.trim().trim_end_matches('%')).map_err(|_| Say::MarkupFormat)?;
    if markup.is_sign_negative() || markup > Decimal::from(500) || markup.scale() > 2 {
        return Err(Say::MarkupFormat);
    }
    Ok(markup)
}

/// A text cell. Names come from partners and customers: one that starts like a formula
/// (`=`, `+`, `-`, `@`, or a tab or carriage return before one) would run as a formula when the
/// statement is opened in a spreadsheet, so it gets a leading `'` (OWASP's advice), which
/// spreadsheets show as text and do not display.
fn csv_field(text: &str) -> String {
    let neutral = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if neutral.contains([',', '"', '\n', '\r']) { format!("\"{}\"", neutral.replace('"', "\"\"")) } else { neutral }
}

/// The statement as CSV: one row per charge, then subtotal, KDV and total rows.
pub fn statement_csv(statement: &StatementDetail) -> String {
    let s = &statement.summary;
    // A machine format whatever the reader's language (ISO dates, a decimal point, no grouping),
    // and the header says so, so a spreadsheet in a Turkish locale can be told how to read it.
    let mut out = String::from(
        "statement,period (YYYY-MM),customer,subscription,kind,service_start (YYYY-MM-DD),service_end (YYYY-MM-DD),\
         quantity,amount (1234.50),currency\r\n",
    );
    let row = |line: &StatementLine| {
        [
            s.statement_number.to_string(),
            s.period.to_string()[..7].to_owned(),
            csv_field(&line.customer_name),
            csv_field(&line.description),
            line.kind.code().to_owned(),
            line.service_start.to_string(),
            line.service_end.to_string(),
            line.quantity.to_string(),
            format!("{:.2}", line.amount),
            s.currency.to_string(),
        ]
        .join(",")
    };
    for line in &statement.lines {
        out.push_str(&row(line));
        out.push_str("\r\n");
    }
    for (label, amount) in [("subtotal", s.subtotal), ("KDV 20%", s.vat), ("total", s.total)] {
        out.push_str(&format!(
            "{},{},,{label},,,,,{amount:.2},{}\r\n",
            s.statement_number,
            &s.period.to_string()[..7],
            s.currency
        ));
    }
    out
}

/// Each use of the credit as a stretch of the limit, in percent: where it starts and how wide it
/// is, one after the other and cut at 100 (a partner over its limit fills the bar, no more). A
/// limit of zero has nothing to divide: every stretch is empty.
pub fn gauge_stretches(limit: Decimal, uses: &[Decimal]) -> Vec<(Decimal, Decimal)> {
    let mut start = Decimal::ZERO;
    uses.iter()
        .map(|amount| {
            let share = if limit > Decimal::ZERO {
                (amount.max(&Decimal::ZERO) / limit * Decimal::ONE_HUNDRED).round_dp(1)
            } else {
                Decimal::ZERO
            };
            let width = share.min(Decimal::ONE_HUNDRED - start);
            let stretch = (start, width);
            start += width;
            stretch
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;
    use time::macros::date;

    use super::*;
    use crate::billing::{ChargeKind, StatementStatus, StatementSummary};

    #[test]
    fn the_gauge_lays_each_use_after_the_last_and_stops_at_the_limit() {
        use rust_decimal_macros::dec;
        assert_eq!(
            gauge_stretches(dec!(1000), &[dec!(100), dec!(250), dec!(0)]),
            vec![(dec!(0), dec!(10)), (dec!(10), dec!(25)), (dec!(35), dec!(0))]
        );
        // Over the limit: the bar is full and what is beyond it is not drawn.
        assert_eq!(gauge_stretches(dec!(100), &[dec!(80), dec!(50)]), vec![(dec!(0), dec!(80)), (dec!(80), dec!(20))]);
        assert_eq!(gauge_stretches(dec!(0), &[dec!(5)]), vec![(dec!(0), dec!(0))]);
        // A credit (negative) takes no room.
        assert_eq!(gauge_stretches(dec!(100), &[dec!(-20), dec!(30)]), vec![(dec!(0), dec!(0)), (dec!(0), dec!(30))]);
    }

    #[test]
    fn cells_that_start_like_formulas_are_text() {
        assert_eq!(csv_field("-SUM(A1/A2)"), "'-SUM(A1/A2)");
        assert_eq!(csv_field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(csv_field("+90 212"), "'+90 212");
        assert_eq!(csv_field("@cmd"), "'@cmd");
        assert_eq!(csv_field("\t=1"), "'\t=1");
        assert_eq!(csv_field("Contoso, Ltd"), "\"Contoso, Ltd\"");
        assert_eq!(csv_field("Fabrikam - Ankara"), "Fabrikam - Ankara");
    }

    #[test]
    fn totals_are_the_sum_of_the_lines_with_kdv_on_it() {
        let (subtotal, vat, total) =
            totals([dec!(72.00), dec!(24.00), dec!(14.63), dec!(-4.65), dec!(24.00), dec!(-21.68)]);
        assert_eq!((subtotal, vat, total), (dec!(108.30), dec!(21.66), dec!(129.96)));
        assert_eq!(totals([]), (dec!(0), dec!(0), dec!(0)));
        // A month of refunds is a credit.
        assert_eq!(totals([dec!(-10.00)]), (dec!(-10.00), dec!(-2.00), dec!(-12.00)));
    }

    #[test]
    fn periods_are_months() {
        assert_eq!(parse_period("2026-11"), Ok(date!(2026 - 11 - 01)));
        assert_eq!(parse_period(" 2027-01 "), Ok(date!(2027 - 01 - 01)));
        for bad in ["2026-13", "2026", "11-2026", "abcd-ef", "1999-12", ""] {
            assert!(parse_period(bad).is_err(), "{bad}");
        }
        assert_eq!(next_period(date!(2026 - 12 - 01)), date!(2027 - 01 - 01));
        assert_eq!(previous_period(date!(2027 - 01 - 15)), date!(2026 - 12 - 01));
        assert_eq!(previous_period(date!(2026 - 11 - 25)), date!(2026 - 10 - 01));
    }

    #[test]
    fn retail_prices_add_the_markup_to_the_cent() {
        assert_eq!(retail_price(dec!(7.20), dec!(25)), dec!(9.00));
        assert_eq!(retail_price(dec!(7.20), dec!(0)), dec!(7.20));
        assert_eq!(retail_price(dec!(4.80), dec!(12.5)), dec!(5.40));
        assert_eq!(retail_price(dec!(0.24), dec!(10)), dec!(0.26), "0.264 rounds to 0.26");
        assert_eq!(parse_markup(" 12,5 % "), Ok(dec!(12.5)));
        for bad in ["-1", "501", "abc", "1.234", ""] {
            assert!(parse_markup(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_csv_has_a_row_per_charge_and_the_totals() {
        let line = |customer: &str, amount| StatementLine {
            customer_name: customer.into(),
            description: "Microsoft 365 Business Basic".into(),
            kind: ChargeKind::Purchase,
            service_start: date!(2030 - 03 - 01),
            service_end: date!(2030 - 04 - 01),
            quantity: 10,
            amount,
        };
        let detail = StatementDetail {
            summary: StatementSummary {
                statement_number: crate::domain::StatementNumber(5001),
                partner_name: "Reseller".into(),
                period: date!(2030 - 03 - 01),
                subtotal: dec!(96.00),
                vat: dec!(19.20),
                total: dec!(115.20),
                currency: crate::domain::Currency::USD,
                status: StatementStatus::Unpaid,
                issued_at: time::macros::datetime!(2030-04-01 0:00 UTC),
                paid_at: None,
                payment_reference: None,
            },
            lines: vec![line("Contoso, Ltd", dec!(72.00)), line("Say \"hi\"", dec!(24))],
        };
        let csv = statement_csv(&detail);
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(rows.len(), 6);
        assert!(rows[0].contains("service_start (YYYY-MM-DD)") && rows[0].contains("amount (1234.50)"), "{}", rows[0]);
        assert_eq!(
            rows[1],
            "5001,2030-03,\"Contoso, Ltd\",Microsoft 365 Business Basic,purchase,2030-03-01,2030-04-01,10,72.00,USD"
        );
        assert!(rows[2].contains("\"Say \"\"hi\"\"\"") && rows[2].contains(",24.00,"));
        assert_eq!(rows[5], "5001,2030-03,,total,,,,,115.20,USD");
    }
}
