//! The invoicing rules as pure functions (no I/O): which TCMB rate is in force on a day, how USD
//! becomes TRY and how KDV is spread over the lines, the exchange difference of a payment, and
//! what credit control may type.
//!
//! **The rate in force.** TCMB announces its indicative rates at 15:30 on each business day; they
//! apply from then until the next announcement. So the rate in force on an invoice (or payment)
//! date is the last bulletin announced *before* that day: a Tuesday uses Monday's, and a Saturday,
//! Sunday or Monday uses Friday's. A weekday without a bulletin is skipped only when it is known
//! to be a holiday (the feed found none that day); otherwise the rate is missing and issuing
//! stops with a message naming the day, until the feed brings it or credit control enters it.
//!
//! **Rounding.** Amounts are rounded half away from zero to cents (kuruş). Each line is converted
//! on its own (USD × rate, and the line's KDV × rate); the TRY totals are the sums of the lines,
//! never a converted total, so they always add up.
//!
//! **KDV.** The document's KDV is 20 % of its subtotal, rounded once (`domain::vat_of`), as on the
//! statement. It is spread over the lines so that the lines add up to it exactly: each line gets
//! 20 % of its amount rounded, and the cent or two the roundings leave over go to the lines whose
//! exact share is furthest from what they got. A return invoice's KDV is what makes the sales and
//! return invoices together equal the statement's KDV.

use rust_decimal::{Decimal, RoundingStrategy};
use time::{Date, Duration, OffsetDateTime, UtcOffset, Weekday};

use crate::domain::{line_total, vat_of, vat_rate};
#[cfg(feature = "ssr")]
use crate::i18n::Say;

/// Rounds half away from zero to cents, like every amount the product shows.
pub fn cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Türkiye keeps UTC+3 all year (since 2016): the day an invoice is dated.
pub fn istanbul_date(at: OffsetDateTime) -> Date {
    at.to_offset(UtcOffset::from_hms(3, 0, 0).unwrap_or(UtcOffset::UTC)).date()
}

/// The time of day an invoice carries (`cbc:IssueTime`), in Istanbul.
pub fn istanbul_time(at: OffsetDateTime) -> time::Time {
    at.to_offset(UtcOffset::from_hms(3, 0, 0).unwrap_or(UtcOffset::UTC)).time()
}

pub fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// One day's TCMB rates for a currency, per unit, in TRY.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayRate {
    pub date: Date,
    pub buying: Decimal,
    pub selling: Decimal,
}

/// How far back a rate is looked for: longer than any run of holidays and weekends.
pub const LOOKBACK_DAYS: i64 = 14;

/// The bulletin in force on `day` (see the module's comment), from the rates and holidays known
/// for the days before it; `Err(d)` names the business day whose bulletin is missing.
pub fn rate_in_force(day: Date, known: &[DayRate], holidays: &[Date]) -> Result<DayRate, Date> {
    let mut candidate = day - Duration::days(1);
    for _ in 0..LOOKBACK_DAYS {
        if let Some(rate) = known.iter().find(|r| r.date == candidate) {
            return Ok(*rate);
        }
        if !(is_weekend(candidate) || holidays.contains(&candidate)) {
            return Err(candidate);
        }
        candidate -= Duration::days(1);
    }
    Err(day - Duration::days(1))
}

/// An amount in TRY at `rate`, to the kuruş.
pub fn to_try(amount: Decimal, rate: Decimal) -> Decimal {
    cents(amount * rate)
}

/// `total_vat` spread over lines of `amounts` (see the module's comment): each line within a
/// cent of 20 % of its amount, and the lines adding up to `total_vat` exactly.
pub fn allocate_vat(amounts: &[Decimal], total_vat: Decimal) -> Vec<Decimal> {
    let exact: Vec<Decimal> = amounts.iter().map(|a| *a * vat_rate()).collect();
    let mut shares: Vec<Decimal> = exact.iter().map(|e| cents(*e)).collect();
    let cent = Decimal::new(1, 2);
    let mut left = total_vat - shares.iter().sum::<Decimal>();
    // Lines ordered by how much they are short of their exact share (most first): a cent added
    // goes to the most short, a cent taken to the most over. Each line moves at most one cent.
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - shares[b]).cmp(&(exact[a] - shares[a])).then(a.cmp(&b)));
    if left > Decimal::ZERO {
        for &i in &order {
            if left <= Decimal::ZERO {
                break;
            }
            shares[i] += cent;
            left -= cent;
        }
    } else {
        for &i in order.iter().rev() {
            if left >= Decimal::ZERO {
                break;
            }
            if shares[i] >= cent {
                shares[i] -= cent;
                left += cent;
            }
        }
    }
    // More than a cent a line is never left over for amounts from one statement; should it be,
    // the first line takes it so the document still adds up.
    if !left.is_zero()
        && let Some(first) = shares.first_mut()
    {
        *first += left;
    }
    shares
}

/// One line's amounts in the document's currency and in TRY.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineAmounts {
    pub amount: Decimal,
    pub vat: Decimal,
    pub amount_try: Decimal,
    pub vat_try: Decimal,
}

/// A document's amounts: its lines and totals, in its currency and in TRY.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentAmounts {
    pub lines: Vec<LineAmounts>,
    pub subtotal: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
    pub subtotal_try: Decimal,
    pub vat_try: Decimal,
    pub total_try: Decimal,
}

/// The amounts of a document with lines of `amounts` (positive, in its currency) whose KDV is
/// `total_vat`, converted at `rate` (`None`: the document is in TRY).
pub fn document_amounts(amounts: &[Decimal], total_vat: Decimal, rate: Option<Decimal>) -> DocumentAmounts {
    let vats = allocate_vat(amounts, total_vat);
    let lines: Vec<LineAmounts> = amounts
        .iter()
        .zip(&vats)
        .map(|(&amount, &vat)| {
            let (amount_try, vat_try) = match rate {
                Some(rate) => (to_try(amount, rate), to_try(vat, rate)),
                None => (amount, vat),
            };
            LineAmounts { amount, vat, amount_try, vat_try }
        })
        .collect();
    let subtotal: Decimal = lines.iter().map(|l| l.amount).sum();
    let vat: Decimal = lines.iter().map(|l| l.vat).sum();
    let subtotal_try: Decimal = lines.iter().map(|l| l.amount_try).sum();
    let vat_try: Decimal = lines.iter().map(|l| l.vat_try).sum();
    DocumentAmounts {
        lines,
        subtotal,
        vat,
        total: subtotal + vat,
        subtotal_try,
        vat_try,
        total_try: subtotal_try + vat_try,
    }
}

/// The KDV of a sales invoice: 20 % of its subtotal, as a statement computes it.
pub fn sales_vat(amounts: &[Decimal]) -> Decimal {
    vat_of(amounts.iter().sum())
}

/// The KDV of a statement's return invoice: what makes the sales invoice's KDV less the return's
/// equal the statement's KDV (within a cent of 20 % of the returned amount).
pub fn return_vat(statement_vat: Decimal, sales_vat: Decimal) -> Decimal {
    sales_vat - statement_vat
}

/// A line's unit price: its amount over its quantity, exact to eight decimals, so the quantity
/// times it is the amount to the cent (prorated charges do not divide evenly).
pub fn unit_price(amount: Decimal, quantity: i32) -> Decimal {
    if quantity <= 0 {
        return amount;
    }
    let price = (amount / Decimal::from(quantity)).round_dp(8).normalize();
    debug_assert_eq!(cents(line_total(price, quantity)), amount);
    price
}

/// The exchange difference of a payment, in TRY, to the kuruş: the payment's share of the
/// amount before KDV (`subtotal` of `total`) at the payment day's rate less the same at the
/// invoice's. Positive: the distributor invoices it, with KDV on top (kur farkı faturası);
/// negative: the partner owes the distributor that invoice.
pub fn exchange_difference(
    paid: Decimal,
    subtotal: Decimal,
    total: Decimal,
    invoice_rate: Decimal,
    payment_rate: Decimal,
) -> Decimal {
    if total.is_zero() {
        return Decimal::ZERO;
    }
    let net = paid * subtotal / total;
    cents(net * (payment_rate - invoice_rate))
}

#[cfg(feature = "ssr")]
/// A series (the first three characters of every number): letters A–Z and digits.
pub fn parse_series(raw: &str) -> Result<String, Say> {
    let series = raw.trim().to_ascii_uppercase();
    if series.len() == 3 && series.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        Ok(series)
    } else {
        Err(Say::SeriesFormat)
    }
}

#[cfg(feature = "ssr")]
/// An exchange rate typed by a person (1 unit of the currency in TRY): positive, at most six
/// decimals (what UBL-TR carries), below a million.
pub fn parse_rate(raw: &str) -> Result<Decimal, Say> {
    if raw.trim().is_empty() {
        return Err(Say::EnterRate);
    }
    let rate = crate::domain::parse_decimal(raw).map_err(|_| Say::RateFormat)?;
    if rate <= Decimal::ZERO || rate >= Decimal::from(1_000_000) || rate.normalize().scale() > 6 {
        return Err(Say::RateFormat);
    }
    Ok(rate.normalize())
}

#[cfg(feature = "ssr")]
/// A TCMB rate typed by hand: as TCMB publishes them, at most four decimals.
pub fn parse_tcmb_rate(raw: &str) -> Result<Decimal, Say> {
    let rate = parse_rate(raw)?;
    if rate.scale() > 4 {
        return Err(Say::RateFormat);
    }
    Ok(rate)
}

#[cfg(feature = "ssr")]
/// A day typed as `2026-12-07` (what a date field sends) or `07.12.2026` (as Turkish writes it).
pub fn parse_day(raw: &str) -> Result<Date, Say> {
    let raw = raw.trim();
    let parts: Vec<&str> = if raw.contains('-') { raw.split('-').collect() } else { raw.split('.').collect() };
    let numbers: Option<Vec<i32>> = parts.iter().map(|p| p.parse().ok()).collect();
    let (year, month, day) = match (numbers.as_deref(), raw.contains('-')) {
        (Some(&[y, m, d]), true) => (y, m, d),
        (Some(&[d, m, y]), false) => (y, m, d),
        _ => return Err(Say::DayFormat),
    };
    if !(2000..=2100).contains(&year) {
        return Err(Say::DayFormat);
    }
    let month = u8::try_from(month).ok().and_then(|m| time::Month::try_from(m).ok()).ok_or(Say::DayFormat)?;
    let day = u8::try_from(day).map_err(|_| Say::DayFormat)?;
    Date::from_calendar_date(year, month, day).map_err(|_| Say::DayFormat)
}

/// GİB wants an invoice issued within seven days; it cannot be dated in the future either.
pub const ISSUE_WINDOW_DAYS: i64 = 7;

#[cfg(feature = "ssr")]
/// Whether an invoice may carry `issue_date` when issued on `today`.
pub fn check_issue_date(issue_date: Date, today: Date) -> Result<(), Say> {
    if issue_date > today {
        return Err(Say::IssueDateInFuture);
    }
    if issue_date < today - Duration::days(ISSUE_WINDOW_DAYS) {
        return Err(Say::IssueDateTooOld { days: ISSUE_WINDOW_DAYS });
    }
    Ok(())
}

/// The last day of the month `period` starts.
pub fn period_end(period: Date) -> Date {
    crate::billing::rules::next_period(period) - Duration::days(1)
}

/// A rate as TCMB and the documents write it: at least four decimals (`40.6712`, `1.25` as `1.2500`).
pub fn rate_text(rate: Decimal) -> String {
    let rate = rate.normalize();
    if rate.scale() < 4 { format!("{rate:.4}") } else { rate.to_string() }
}

/// [`rate_text`] as `locale` writes numbers (`40,6712` in Turkish).
pub fn rate_in(rate: Decimal, locale: crate::i18n::Locale) -> String {
    let text = rate_text(rate);
    match locale {
        crate::i18n::Locale::En => text,
        crate::i18n::Locale::Tr => text.replace('.', ","),
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;
    use time::macros::{date, datetime};

    use super::*;

    fn day(date: Date, buying: Decimal) -> DayRate {
        DayRate { date, buying, selling: buying + dec!(0.07) }
    }

    #[test]
    fn the_rate_in_force_is_the_last_bulletin_before_the_day() {
        // Thursday 3, Friday 4 December 2026; Monday 7.
        let known = [day(date!(2026 - 12 - 03), dec!(40.60)), day(date!(2026 - 12 - 04), dec!(40.65))];
        let saturday = date!(2026 - 12 - 05);
        assert_eq!(rate_in_force(saturday, &known, &[]).unwrap().date, date!(2026 - 12 - 04), "Friday's");
        assert_eq!(rate_in_force(date!(2026 - 12 - 06), &known, &[]).unwrap().buying, dec!(40.65));
        assert_eq!(rate_in_force(date!(2026 - 12 - 07), &known, &[]).unwrap().date, date!(2026 - 12 - 04));
        assert_eq!(rate_in_force(date!(2026 - 12 - 04), &known, &[]).unwrap().date, date!(2026 - 12 - 03));
        // Tuesday needs Monday's: missing until the feed (or credit control) brings it.
        assert_eq!(rate_in_force(date!(2026 - 12 - 08), &known, &[]), Err(date!(2026 - 12 - 07)));
        // Unless Monday was a holiday.
        assert_eq!(
            rate_in_force(date!(2026 - 12 - 08), &known, &[date!(2026 - 12 - 07)]).unwrap().date,
            date!(2026 - 12 - 04)
        );
        assert_eq!(rate_in_force(date!(2026 - 12 - 20), &known, &[]), Err(date!(2026 - 12 - 18)));
        assert!(rate_in_force(date!(2027 - 01 - 30), &known, &[]).is_err(), "nothing old is reached for");
    }

    #[test]
    fn the_day_is_istanbuls() {
        assert_eq!(istanbul_date(datetime!(2026-12-04 21:30 UTC)), date!(2026 - 12 - 05));
        assert_eq!(istanbul_date(datetime!(2026-12-04 20:59 UTC)), date!(2026 - 12 - 04));
    }

    #[test]
    fn kdv_is_spread_so_the_lines_add_up_to_the_statements() {
        // 3 × 0.05 exact: 0.01 each rounds to 0.03, the subtotal's KDV is 0.03.
        let amounts = [dec!(0.05), dec!(0.05), dec!(0.05)];
        let vat = sales_vat(&amounts);
        assert_eq!(vat, dec!(0.03));
        let shares = allocate_vat(&amounts, vat);
        assert_eq!(shares.iter().sum::<Decimal>(), vat);
        // 0.025 each would round up to 0.03 each: 0.09 against 0.08 for 0.40 in all.
        let amounts = [dec!(0.125), dec!(0.125), dec!(0.15)].map(cents);
        let vat = sales_vat(&amounts);
        let shares = allocate_vat(&amounts, vat);
        assert_eq!(shares.iter().sum::<Decimal>(), vat);
        for (share, amount) in shares.iter().zip(amounts) {
            assert!((*share - amount * dec!(0.2)).abs() < dec!(0.01), "{share} for {amount}");
        }
        // The statement of the billing test: 108.54 net with 21.71 KDV.
        let sales = [dec!(72.00), dec!(24.00), dec!(14.63), dec!(24.00)];
        let returns = [dec!(4.41), dec!(21.68)];
        let s = sales_vat(&sales);
        let r = return_vat(dec!(21.71), s);
        assert_eq!((s, r), (dec!(26.93), dec!(5.22)));
        assert!((r - dec!(26.09) * dec!(0.2)).abs() <= dec!(0.01));
        assert_eq!(allocate_vat(&returns, r).iter().sum::<Decimal>(), r);
    }

    #[test]
    fn try_totals_are_the_sums_of_the_converted_lines() {
        let doc = document_amounts(&[dec!(72.00), dec!(14.63), dec!(0.24)], dec!(17.37), Some(dec!(40.6712)));
        assert_eq!(doc.lines[0].amount_try, dec!(2928.33), "72 × 40.6712 = 2928.3264");
        assert_eq!(doc.lines[1].amount_try, dec!(595.02), "14.63 × 40.6712 = 595.019656");
        assert_eq!(doc.lines[2].amount_try, dec!(9.76), "0.24 × 40.6712 = 9.761088");
        assert_eq!(doc.subtotal_try, doc.lines.iter().map(|l| l.amount_try).sum::<Decimal>());
        assert_eq!(doc.vat_try, doc.lines.iter().map(|l| l.vat_try).sum::<Decimal>());
        assert_eq!(doc.total_try, doc.subtotal_try + doc.vat_try);
        assert_eq!((doc.subtotal, doc.vat, doc.total), (dec!(86.87), dec!(17.37), dec!(104.24)));
        let try_doc = document_amounts(&[dec!(100.00)], dec!(20.00), None);
        assert_eq!((try_doc.subtotal_try, try_doc.vat_try), (dec!(100.00), dec!(20.00)));
    }

    #[test]
    fn an_exchange_difference_is_on_the_amount_before_kdv() {
        // 100 USD + 20 KDV invoiced at 30, paid in full at 31: 100 TRY more, KDV on top.
        assert_eq!(exchange_difference(dec!(120), dec!(100), dec!(120), dec!(30), dec!(31)), dec!(100.00));
        // Paid at a lower rate: the partner owes the invoice.
        assert_eq!(exchange_difference(dec!(120), dec!(100), dec!(120), dec!(30), dec!(29.5)), dec!(-50.00));
        // Half paid.
        assert_eq!(exchange_difference(dec!(60), dec!(100), dec!(120), dec!(30), dec!(31)), dec!(50.00));
        assert_eq!(exchange_difference(dec!(0), dec!(0), dec!(0), dec!(30), dec!(31)), dec!(0));
    }

    #[test]
    fn unit_prices_multiply_back_to_the_amount() {
        assert_eq!(unit_price(dec!(14.63), 3), dec!(4.87666667));
        assert_eq!(cents(line_total(unit_price(dec!(14.63), 3), 3)), dec!(14.63));
        assert_eq!(unit_price(dec!(72.00), 10), dec!(7.2));
        assert_eq!(cents(line_total(unit_price(dec!(9999.99), 10_000), 10_000)), dec!(9999.99));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_pages_offer_the_currencies_the_feed_keeps() {
        let kept: Vec<&str> = crate::gib::tcmb::CURRENCIES.iter().map(crate::domain::Currency::code).collect();
        assert_eq!(kept, super::super::RATE_CURRENCIES);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn what_credit_control_types_is_checked() {
        assert_eq!(parse_series(" cmk "), Ok("CMK".into()));
        for bad in ["CM", "CMKA", "Ç1A", "C-K", ""] {
            assert!(parse_series(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_rate("40,6712"), Ok(dec!(40.6712)));
        assert_eq!(parse_rate(" 41.25 "), Ok(dec!(41.25)));
        for bad in ["0", "-1", "abc", "1.1234567", "1000000", ""] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
        assert!(parse_tcmb_rate("40.67125").is_err(), "TCMB publishes four decimals");
        assert_eq!(parse_day("2026-12-05"), Ok(date!(2026 - 12 - 05)));
        assert_eq!(parse_day("05.12.2026"), Ok(date!(2026 - 12 - 05)));
        for bad in ["2026-02-30", "5/12/2026", "2026-12", "", "1999-01-01"] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
        let today = date!(2026 - 12 - 07);
        assert!(check_issue_date(today, today).is_ok());
        assert!(check_issue_date(date!(2026 - 11 - 30), today).is_ok());
        assert!(check_issue_date(date!(2026 - 11 - 29), today).is_err());
        assert!(check_issue_date(date!(2026 - 12 - 08), today).is_err());
        assert_eq!(period_end(date!(2026 - 11 - 01)), date!(2026 - 11 - 30));
        assert_eq!(rate_text(dec!(1.25)), "1.2500");
        assert_eq!(rate_in(dec!(40.6712), crate::i18n::Locale::Tr), "40,6712");
    }
}
