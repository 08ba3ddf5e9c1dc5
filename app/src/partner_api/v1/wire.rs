//! The API's shared shapes: money as a decimal string with its currency, times in ISO 8601
//! (RFC 3339, UTC), and pages of a list with the cursor of the next one.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, de::Error as _};
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

/// A whole number as JSON Schema reads `integer`: `12` and `12.0` alike (not `12.5`, not `"12"`).
pub fn whole<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    if let Some(n) = number.as_i64() {
        return Ok(n);
    }
    match number.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
        _ => Err(D::Error::custom(format!("{number} is not a whole number"))),
    }
}

/// [`whole`] for a field where absent and `null` differ: absent leaves it, `null` clears it.
pub fn whole_or_null<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<i64>>, D::Error> {
    #[derive(Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole")] i64);
    Ok(Some(Option::<Whole>::deserialize(deserializer)?.map(|Whole(n)| n)))
}

/// A point in time, in UTC.
pub fn iso(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// A day, `YYYY-MM-DD`.
pub fn iso_date(day: time::Date) -> String {
    day.to_string()
}

/// How long a page is: every list takes it. Each list names its own `cursor`, typed as what its
/// order is keyed by, so that any value of that type is a position in the list.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Limit {
    /// At most this many items (1–100; 25 when left out).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

impl Limit {
    pub const DEFAULT: i64 = 25;
    pub const MAX: i64 = 100;

    pub fn get(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(Self::DEFAULT),
            Some(n) if (1..=Self::MAX).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::bad_request("limit", Say::ApiLimitRange { max: Self::MAX })),
        }
    }
}

/// A numbered list's cursor (order and statement numbers, newest first): the last number seen.
pub fn number_cursor(cursor: Option<i64>) -> Result<Option<i64>, ApiError> {
    match cursor {
        Some(n) if n < 1 => Err(ApiError::bad_request("cursor", Say::ApiCursorUnknown)),
        other => Ok(other),
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

    /// A page of a list read whole (a partner's customers, the catalog), going on after the item
    /// whose cursor is `after`. A cursor of nothing in the list (a customer since deleted, say)
    /// reads as past its end: an empty last page.
    pub fn after(items: Vec<T>, after: Option<&str>, limit: i64, cursor_of: impl Fn(&T) -> String) -> Self {
        let start = match after {
            None => 0,
            Some(cursor) => items.iter().position(|item| cursor_of(item) == cursor).map_or(items.len(), |i| i + 1),
        };
        let rest: Vec<T> =
            items.into_iter().skip(start).take(usize::try_from(limit).unwrap_or(usize::MAX) + 1).collect();
        Self::of(rest, limit, cursor_of)
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
        let first = Page::after(items.clone(), None, 2, i32::to_string);
        assert_eq!((first.data.clone(), first.next_cursor.clone()), (vec![1, 2], Some("2".into())));
        let last = Page::after(items.clone(), Some("4"), 2, i32::to_string);
        assert_eq!((last.data, last.next_cursor), (vec![5], None));
        let past = Page::after(items, Some("9"), 2, i32::to_string);
        assert_eq!((past.data, past.next_cursor), (vec![], None));
        assert!(Limit { limit: Some(0) }.get().is_err());
        assert!(Limit { limit: Some(101) }.get().is_err());
        assert_eq!(Limit::default().get().unwrap(), 25);
        assert!(number_cursor(Some(0)).is_err());
        assert_eq!(number_cursor(Some(100042)).unwrap(), Some(100042));
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_zero_fraction() {
        #[derive(Deserialize)]
        struct Count {
            #[serde(deserialize_with = "whole")]
            n: i64,
        }
        let read = |json: &str| serde_json::from_str::<Count>(json).map(|c| c.n);
        assert_eq!(read(r#"{"n": 12}"#).unwrap(), 12);
        assert_eq!(read(r#"{"n": 12.0}"#).unwrap(), 12);
        assert!(read(r#"{"n": 12.5}"#).is_err());
        assert!(read(r#"{"n": "12"}"#).is_err());
    }

    #[test]
    fn times_are_rfc_3339_in_utc() {
        let at = time::macros::datetime!(2026-12-07 10:15:00 +03:00);
        assert_eq!(iso(at), "2026-12-07T07:15:00Z");
    }
}
