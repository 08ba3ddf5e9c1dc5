//! The API's shared shapes: money as a decimal string with its currency, times in ISO 8601
//! (RFC 3339, UTC), and pages of a list with the cursor of the next one.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::problem::ApiError;
use crate::i18n::Say;

/// An amount: exact decimal, never a float.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Money {
    /// Two decimals, e.g. `"86.40"`.
    #[schema(value_type = String, pattern = r"^-?[0-9]+\.[0-9]{2}$", example = "86.40")]
    pub amount: String,
    /// ISO 4217, e.g. `USD`.
    #[schema(value_type = String, pattern = "^[A-Z]{3}$", example = "USD")]
    pub currency: String,
}

impl Money {
    pub fn new(amount: Decimal, currency: crate::domain::Currency) -> Self {
        let mut amount = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        amount.rescale(2);
        Self { amount: amount.to_string(), currency: currency.code().to_owned() }
    }
}

/// A point in time, in UTC.
pub fn iso(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// A day, `YYYY-MM-DD`.
pub fn iso_date(day: time::Date) -> String {
    day.to_string()
}

/// The paging parameters every list takes.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// At most this many items (1–100; 25 when left out).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// Where to go on from: the `next_cursor` of the page before. Left out, the list starts at
    /// its beginning.
    #[param(max_length = 200)]
    pub cursor: Option<String>,
}

impl Paging {
    pub const DEFAULT: i64 = 25;
    pub const MAX: i64 = 100;

    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(Self::DEFAULT),
            Some(n) if (1..=Self::MAX).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::bad_request("limit", Say::ApiLimitRange { max: Self::MAX })),
        }
    }

    /// The cursor read as what the list's order is keyed by (an id, a number).
    pub fn after<T: std::str::FromStr>(&self) -> Result<Option<T>, ApiError> {
        match self.cursor.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => raw.parse().map(Some).map_err(|_| ApiError::bad_request("cursor", Say::ApiCursorUnknown)),
        }
    }
}

/// One page of a list, in a stable order.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    /// Pass it as `cursor` for the next page; null on the last one.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page from up to `limit + 1` items: the extra one only says there is more.
    pub fn of(mut items: Vec<T>, limit: i64, cursor_of: impl Fn(&T) -> String) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let more = items.len() > limit;
        items.truncate(limit);
        let next_cursor = if more { items.last().map(cursor_of) } else { None };
        Self { data: items, next_cursor }
    }

    /// A page of a list held whole (kept short by its nature), going on after the item whose
    /// cursor is `after`; an unknown cursor is refused.
    pub fn after(
        items: Vec<T>,
        after: Option<&str>,
        limit: i64,
        cursor_of: impl Fn(&T) -> String,
    ) -> Result<Self, ApiError> {
        let start = match after {
            None => 0,
            Some(cursor) => items
                .iter()
                .position(|item| cursor_of(item) == cursor)
                .map(|i| i + 1)
                .ok_or_else(|| ApiError::bad_request("cursor", Say::ApiCursorUnknown))?,
        };
        let rest: Vec<T> =
            items.into_iter().skip(start).take(usize::try_from(limit).unwrap_or(usize::MAX) + 1).collect();
        Ok(Self::of(rest, limit, cursor_of))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_has_two_decimals_as_a_string() {
        let usd = crate::domain::Currency::USD;
        assert_eq!(Money::new(dec!(86.4), usd).amount, "86.40");
        assert_eq!(Money::new(dec!(7), usd).amount, "7.00");
        assert_eq!(Money::new(dec!(-0.005), usd).amount, "-0.01");
        assert_eq!(Money::new(dec!(1234567.891), usd).amount, "1234567.89");
        assert_eq!(serde_json::to_value(Money::new(dec!(1), usd)).unwrap()["currency"], "USD");
    }

    #[test]
    fn pages_go_on_after_their_cursor_and_say_when_there_is_more() {
        let items: Vec<i32> = (1..=5).collect();
        let first = Page::after(items.clone(), None, 2, i32::to_string).unwrap();
        assert_eq!((first.data.clone(), first.next_cursor.clone()), (vec![1, 2], Some("2".into())));
        let last = Page::after(items.clone(), Some("4"), 2, i32::to_string).unwrap();
        assert_eq!((last.data, last.next_cursor), (vec![5], None));
        assert!(Page::after(items, Some("9"), 2, i32::to_string).is_err());
        let paging = Paging { limit: Some(0), cursor: None };
        assert!(paging.limit().is_err());
        assert_eq!(Paging::default().limit().unwrap(), 25);
    }

    #[test]
    fn times_are_rfc_3339_in_utc() {
        let at = time::macros::datetime!(2026-12-07 10:15:00 +03:00);
        assert_eq!(iso(at), "2026-12-07T07:15:00Z");
    }
}
