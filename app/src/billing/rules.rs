//! Billing arithmetic as pure functions: statement totals with KDV, billing periods, retail
//! prices from markups, the CSV a statement exports to, and dated prices (issue #19): the price in
//! effect on a day, "Annual, billed monthly", the months of such a term, a price list's lines.

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

/// "Annual, billed monthly" per licence per month: 1.05 × the annual price ÷ 12, rounded half up
/// to the cent. Microsoft charges 5 % more for paying an annual term monthly (since 2025-04-01);
/// a month's price rounded once, so twelve charges may differ from 1.05 × annual by cents.
pub fn annual_billed_monthly(annual: Decimal) -> Decimal {
    (annual * Decimal::new(105, 2) / Decimal::from(12))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The price in effect on `day` among prices dated from the day they take effect: the latest on or
/// before it (the same rule as the database's `price_in_effect`); none before the first.
pub fn price_in_effect(prices: &[(Date, Decimal)], day: Date) -> Option<Decimal> {
    prices.iter().filter(|(from, _)| *from <= day).max_by_key(|(from, _)| *from).map(|(_, price)| *price)
}

/// `day` moved by `months`, on the same day of the month or the month's last when it has fewer
/// days (31 January + 1 month = 28 February), as PostgreSQL adds `interval '1 month'`.
pub fn add_months(day: Date, months: u32) -> Date {
    let index = day.year() * 12 + i32::from(u8::from(day.month())) - 1 + months as i32;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u8 + 1);
    let month = Month::try_from(month).unwrap_or(Month::January);
    let last = month.length(year);
    Date::from_calendar_date(year, month, day.day().min(last)).unwrap_or(day)
}

/// The month of a term charged monthly (an annual term billed monthly) that `day` falls in, from
/// its first day (counted) to the next month's (not): what one monthly charge covers, and what a
/// seat added or removed on `day` is prorated over.
pub fn billing_month(term_start: Date, day: Date) -> (Date, Date) {
    let mut months = 0;
    while add_months(term_start, months + 1) <= day && months < 1200 {
        months += 1;
    }
    (add_months(term_start, months), add_months(term_start, months + 1))
}

/// One line of a price list import, read: the price of a product's option from a day on.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceLine {
    pub sku: String,
    pub cycle: crate::domain::BillingCycle,
    pub unit_price: Decimal,
    pub currency: crate::domain::Currency,
    pub effective_from: Date,
}

/// Reads one `sku,billing_cycle,unit_price,currency,effective_from` line; what is wrong with it
/// otherwise, in the words to show beside it. The product, its currency and whether the date has
/// passed are checked against the database by the caller.
#[cfg(feature = "ssr")]
pub fn parse_price_line(line: &str) -> Result<PriceLine, Say> {
    let columns: Vec<&str> = line.split(',').map(str::trim).collect();
    let [sku, cycle, price, currency, date] = columns[..] else { return Err(Say::PriceLineColumns) };
    if sku.is_empty() {
        return Err(Say::PriceLineColumns);
    }
    let cycle = crate::domain::BillingCycle::parse(cycle).map_err(|_| Say::PriceLineCycle { cycle: cycle.into() })?;
    let bad_price = || Say::PriceLineAmount { price: price.into() };
    let unit_price = Decimal::from_str_exact(price).map_err(|_| bad_price())?;
    // numeric(12, 2): above zero, cents at most, below ten thousand million.
    if unit_price <= Decimal::ZERO || unit_price.scale() > 2 || unit_price >= Decimal::new(10_000_000_000, 0) {
        return Err(bad_price());
    }
    let currency = crate::domain::Currency::parse(currency)
        .map_err(|_| Say::PriceLineCurrency { currency: currency.into(), expected: "USD".into() })?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let effective_from = Date::parse(date, &format).map_err(|_| Say::PriceLineDate { date: date.into() })?;
    Ok(PriceLine { sku: sku.to_uppercase(), cycle, unit_price, currency, effective_from })
}

/// A pasted or uploaded price list, line by line (numbered from 1 as an editor counts them): blank
/// lines and a header line (starting `sku,`) are skipped; a line naming the same product, option
/// and date as an earlier one is refused, since which of the two was meant cannot be known.
#[cfg(feature = "ssr")]
pub fn parse_price_list(csv: &str) -> Vec<(usize, String, Result<PriceLine, Say>)> {
    let mut read: Vec<(usize, String, Result<PriceLine, Say>)> = Vec::new();
    for (index, raw) in csv.lines().enumerate() {
        let text = raw.trim();
        if text.is_empty() || (read.is_empty() && text.to_ascii_lowercase().starts_with("sku,")) {
            continue;
        }
        let mut parsed = parse_price_line(text);
        if let Ok(line) = &parsed {
            let earlier = read.iter().find(|(_, _, other)| {
                other.as_ref().is_ok_and(|o| {
                    o.sku == line.sku && o.cycle == line.cycle && o.effective_from == line.effective_from
                })
            });
            if let Some((number, _, _)) = earlier {
                parsed = Err(Say::PriceLineRepeated { line: *number });
            }
        }
        read.push((index + 1, text.to_owned(), parsed));
    }
    read
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
    #[test]
    fn annual_billed_monthly_is_five_percent_over_a_twelfth_rounded_half_up() {
        assert_eq!(annual_billed_monthly(dec!(72.00)), dec!(6.30));
        assert_eq!(annual_billed_monthly(dec!(150.00)), dec!(13.13), "13.125 rounds up");
        assert_eq!(annual_billed_monthly(dec!(264.00)), dec!(23.10));
        assert_eq!(annual_billed_monthly(dec!(2.40)), dec!(0.21));
        assert_eq!(annual_billed_monthly(dec!(840.00)), dec!(73.50));
        assert_eq!(annual_billed_monthly(dec!(30.00)), dec!(2.63), "2.625 rounds up");
    }

    #[test]
    fn the_price_in_effect_is_the_latest_dated_on_or_before_the_day() {
        let prices = [(date!(2026 - 07 - 01), dec!(7.92)), (date!(2020 - 01 - 01), dec!(7.20))];
        assert_eq!(price_in_effect(&prices, date!(2019 - 12 - 31)), None);
        assert_eq!(price_in_effect(&prices, date!(2020 - 01 - 01)), Some(dec!(7.20)));
        assert_eq!(price_in_effect(&prices, date!(2026 - 06 - 30)), Some(dec!(7.20)));
        assert_eq!(price_in_effect(&prices, date!(2026 - 07 - 01)), Some(dec!(7.92)));
        assert_eq!(price_in_effect(&prices, date!(2031 - 01 - 01)), Some(dec!(7.92)));
    }

    #[test]
    fn months_of_a_term_billed_monthly_end_on_the_same_day_or_the_months_last() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 11 - 15), 2), date!(2027 - 01 - 15));
        assert_eq!(add_months(date!(2028 - 01 - 31), 1), date!(2028 - 02 - 29));
        let start = date!(2030 - 03 - 01);
        assert_eq!(billing_month(start, start), (start, date!(2030 - 04 - 01)));
        assert_eq!(billing_month(start, date!(2030 - 04 - 01)), (date!(2030 - 04 - 01), date!(2030 - 05 - 01)));
        assert_eq!(billing_month(start, date!(2031 - 02 - 28)), (date!(2031 - 02 - 01), date!(2031 - 03 - 01)));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_price_list_is_read_line_by_line_with_what_is_wrong_with_each() {
        let csv = "sku,billing_cycle,unit_price,currency,effective_from\n\
                   CFQ7TTC0LH18,annual,79.20,USD,2027-02-01\n\
                   \n\
                   cfq7ttc0lh18 , monthly , 7.92 , USD , 2027-02-01\n\
                   CFQ7TTC0LH18,weekly,1,USD,2027-02-01\n\
                   CFQ7TTC0LH18,annual,7.925,USD,2027-02-01\n\
                   CFQ7TTC0LH18,annual,-1,USD,2027-02-01\n\
                   CFQ7TTC0LH18,annual,1,usd,2027-02-01\n\
                   CFQ7TTC0LH18,annual,1,USD,1 Feb 2027\n\
                   CFQ7TTC0LH18,annual\n\
                   CFQ7TTC0LH18,annual,80,USD,2027-02-01";
        let read = parse_price_list(csv);
        let numbers: Vec<usize> = read.iter().map(|(n, _, _)| *n).collect();
        assert_eq!(numbers, [2, 4, 5, 6, 7, 8, 9, 10, 11]);
        assert_eq!(
            read[0].2,
            Ok(PriceLine {
                sku: "CFQ7TTC0LH18".into(),
                cycle: crate::domain::BillingCycle::Annual,
                unit_price: dec!(79.20),
                currency: crate::domain::Currency::USD,
                effective_from: date!(2027 - 02 - 01),
            })
        );
        assert_eq!(read[1].2.as_ref().map(|l| (l.sku.as_str(), l.unit_price)), Ok(("CFQ7TTC0LH18", dec!(7.92))));
        assert_eq!(read[2].2, Err(Say::PriceLineCycle { cycle: "weekly".into() }));
        assert_eq!(read[3].2, Err(Say::PriceLineAmount { price: "7.925".into() }));
        assert_eq!(read[4].2, Err(Say::PriceLineAmount { price: "-1".into() }));
        assert!(matches!(read[5].2, Err(Say::PriceLineCurrency { .. })));
        assert_eq!(read[6].2, Err(Say::PriceLineDate { date: "1 Feb 2027".into() }));
        assert_eq!(read[7].2, Err(Say::PriceLineColumns));
        assert_eq!(read[8].2, Err(Say::PriceLineRepeated { line: 2 }));
    }
}
