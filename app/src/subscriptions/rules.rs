//! Microsoft's new-commerce rules for licence changes and cancellations (SPEC H and I), as pure
//! functions of a clock the caller passes in: the portal explains them before anyone confirms,
//! the server enforces them, and tests pin their edges.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

/// Seats added within this window may be removed again; older ones stay until renewal.
pub const CHANGE_WINDOW: Duration = Duration::hours(168);
/// A cancellation within this many days of purchase or renewal gets a refund prorated by day.
pub const REFUND_WINDOW_DAYS: i64 = 7;

/// Seats added together (a purchase or an increase), remembered with when they were added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatLot {
    pub quantity: i32,
    pub added_at: OffsetDateTime,
}

/// Seats that can still be removed, and until when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removable {
    pub quantity: i32,
    pub until: OffsetDateTime,
}

/// The lots still inside the change window at `now`, the soonest to close first.
pub fn removable(lots: &[SeatLot], now: OffsetDateTime) -> Vec<Removable> {
    let mut open: Vec<Removable> = lots
        .iter()
        .filter(|lot| lot.quantity > 0 && now - lot.added_at < CHANGE_WINDOW)
        .map(|lot| Removable { quantity: lot.quantity, until: lot.added_at + CHANGE_WINDOW })
        .collect();
    open.sort_by_key(|r| r.until);
    open
}

/// What a requested licence count amounts to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Unchanged,
    Increase(i32),
    /// Seats to remove, taken from the newest lots first (they would stay removable longest).
    Decrease(i32),
}

/// Why a licence count cannot be set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeRefusal {
    BelowOne,
    WindowPassed { requested: i32, removable: i32 },
}

impl From<ChangeRefusal> for crate::i18n::Say {
    fn from(refusal: ChangeRefusal) -> Self {
        match refusal {
            ChangeRefusal::BelowOne => Self::KeepsOneLicence,
            ChangeRefusal::WindowPassed { requested, removable } => Self::RemovalWindowPassed { removable, requested },
        }
    }
}

/// Checks a change from `current` licences to `target` against the seat lots at `now`.
pub fn check_change(lots: &[SeatLot], current: i32, target: i32, now: OffsetDateTime) -> Result<Change, ChangeRefusal> {
    if target < 1 {
        return Err(ChangeRefusal::BelowOne);
    }
    if target == current {
        return Ok(Change::Unchanged);
    }
    if target > current {
        return Ok(Change::Increase(target - current));
    }
    let requested = current - target;
    let can_remove: i32 = removable(lots, now).iter().map(|r| r.quantity).sum();
    if requested > can_remove {
        return Err(ChangeRefusal::WindowPassed { requested, removable: can_remove });
    }
    Ok(Change::Decrease(requested))
}

/// The share of `term_price` for the days from `from` (counted) to the term's end, by day: what
/// seats added on `from` are charged for the rest of the term, and (from the day after) what
/// seats removed on a day are refunded.
pub fn prorate(term_price: Decimal, term_start: Date, term_end: Date, from: Date) -> Decimal {
    let term_days = (term_end - term_start).whole_days();
    if term_days <= 0 {
        return Decimal::ZERO;
    }
    let days = (term_end - from).whole_days().clamp(0, term_days);
    (term_price * Decimal::from(days) / Decimal::from(term_days))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// What a cancellation gives back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refund {
    /// Within the window: the unused days of the term, prorated.
    Prorated { amount: Decimal, unused_days: i64, term_days: i64 },
    /// After the window: nothing back, the whole term stays billed.
    None,
}

/// The refund for cancelling on `cancelled_on` a term that ran from `term_start` (purchase or
/// renewal) to `term_end` (exclusive) and was billed `paid`. The day of cancellation counts as
/// used.
pub fn refund(paid: Decimal, term_start: Date, term_end: Date, cancelled_on: Date) -> Refund {
    let elapsed = (cancelled_on - term_start).whole_days();
    let term_days = (term_end - term_start).whole_days();
    if !(0..REFUND_WINDOW_DAYS).contains(&elapsed) || term_days <= 0 {
        return Refund::None;
    }
    let unused_days = term_days - (elapsed + 1);
    let amount = (paid * Decimal::from(unused_days) / Decimal::from(term_days))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Refund::Prorated { amount, unused_days, term_days }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;
    use time::macros::{date, datetime};

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-24 12:00 UTC);

    fn lot(quantity: i32, hours_ago: i64, minutes_ago: i64) -> SeatLot {
        SeatLot { quantity, added_at: NOW - Duration::hours(hours_ago) - Duration::minutes(minutes_ago) }
    }

    #[test]
    fn seats_stay_removable_for_168_hours_to_the_minute() {
        let inside = [lot(3, 167, 59)];
        assert_eq!(check_change(&inside, 3, 1, NOW), Ok(Change::Decrease(2)));
        let outside = [lot(3, 168, 1)];
        assert_eq!(check_change(&outside, 3, 1, NOW), Err(ChangeRefusal::WindowPassed { requested: 2, removable: 0 }));
        assert_eq!(removable(&inside, NOW), [Removable { quantity: 3, until: NOW + Duration::minutes(1) }]);
        assert!(removable(&outside, NOW).is_empty());
    }

    #[test]
    fn only_the_recent_lots_can_go() {
        let lots = [lot(10, 400, 0), lot(5, 24, 0), lot(2, 1, 0)];
        assert_eq!(check_change(&lots, 17, 10, NOW), Ok(Change::Decrease(7)));
        let refused = check_change(&lots, 17, 9, NOW).unwrap_err();
        assert_eq!(refused, ChangeRefusal::WindowPassed { requested: 8, removable: 7 });
        assert!(crate::i18n::Say::from(refused).to_string().contains("auto-renew"));
        let open = removable(&lots, NOW);
        assert_eq!(open.iter().map(|r| r.quantity).collect::<Vec<_>>(), [5, 2], "soonest to close first");
    }

    #[test]
    fn increases_are_always_allowed_and_zero_is_not_a_count() {
        let lots = [lot(1, 4000, 0)];
        assert_eq!(check_change(&lots, 1, 50, NOW), Ok(Change::Increase(49)));
        assert_eq!(check_change(&lots, 1, 1, NOW), Ok(Change::Unchanged));
        assert_eq!(check_change(&lots, 1, 0, NOW), Err(ChangeRefusal::BelowOne));
    }

    #[test]
    fn seats_added_mid_term_are_charged_by_the_day_to_its_end() {
        let start = date!(2026 - 11 - 01);
        let end = date!(2026 - 12 - 01);
        // 3 seats at 7.20 a month, added on the 21st: 10 of 30 days, the day itself counted.
        assert_eq!(prorate(dec!(21.60), start, end, date!(2026 - 11 - 21)), dec!(7.20));
        assert_eq!(prorate(dec!(21.60), start, end, start), dec!(21.60));
        assert_eq!(prorate(dec!(21.60), start, end, end), dec!(0));
        assert_eq!(prorate(dec!(21.60), start, end, date!(2027 - 01 - 01)), dec!(0), "after the term");
        assert_eq!(prorate(dec!(21.60), start, start, start), dec!(0), "an empty term");
        // 7.20 × 11 / 30 = 2.64
        assert_eq!(prorate(dec!(7.20), start, end, date!(2026 - 11 - 20)), dec!(2.64));
    }

    #[test]
    fn a_cancellation_in_the_first_week_is_refunded_by_the_day() {
        // A 30-day monthly term of 72.00, cancelled on its third day: 27 unused days.
        let start = date!(2026 - 11 - 01);
        let end = date!(2026 - 12 - 01);
        assert_eq!(
            refund(dec!(72.00), start, end, date!(2026 - 11 - 03)),
            Refund::Prorated { amount: dec!(64.80), unused_days: 27, term_days: 30 }
        );
        // The day of purchase counts as used.
        assert_eq!(
            refund(dec!(72.00), start, end, start),
            Refund::Prorated { amount: dec!(69.60), unused_days: 29, term_days: 30 }
        );
        // The seventh day is the last one inside the window; the eighth is not.
        assert!(matches!(refund(dec!(72.00), start, end, date!(2026 - 11 - 07)), Refund::Prorated { .. }));
        assert_eq!(refund(dec!(72.00), start, end, date!(2026 - 11 - 08)), Refund::None);
    }

    #[test]
    fn an_annual_refund_rounds_to_the_cent() {
        let start = date!(2026 - 01 - 01);
        let end = date!(2027 - 01 - 01);
        // 864.00 × 363 / 365 = 859.2657… → 859.27
        assert_eq!(
            refund(dec!(864.00), start, end, date!(2026 - 01 - 02)),
            Refund::Prorated { amount: dec!(859.27), unused_days: 363, term_days: 365 }
        );
    }
}
