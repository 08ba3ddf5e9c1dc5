//! Money as the product shows and stores it: an exact decimal amount and the ISO 4217 currency it
//! is in. Prices, credit limits and statements are stored with a `char(3)` currency column (a
//! CHECK keeps it three capital letters); reading it into [`Currency`] means a wire struct can
//! never carry a lower-case, blank or padded code into the page.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::i18n::Locale;

/// An ISO 4217 currency code: three capital ASCII letters. `Copy`, so totals and lines pass it
/// around freely; on the wire and in the database it is the plain code (`"USD"`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// What prices and credit limits default to in the schema.
    pub const USD: Self = Self(*b"USD");
    pub const EUR: Self = Self(*b"EUR");
    pub const TRY: Self = Self(*b"TRY");
    pub const GBP: Self = Self(*b"GBP");

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => Ok(Self([a, b, c])),
            _ => Err(format!("“{}” is not a currency code (three capital letters, e.g. USD).", raw.trim())),
        }
    }

    pub fn code(&self) -> &str {
        // Always ASCII: `parse` and the constants are the only ways to build one.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl Default for Currency {
    fn default() -> Self {
        Self::USD
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw)
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> Self {
        currency.code().to_owned()
    }
}

/// An amount in a currency. Shown as the product shows money everywhere: two decimals, commas
/// between thousands, the code after (`1,234.50 USD`), rounded half away from zero like
/// Microsoft's invoices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Self { amount, currency }
    }

    /// As a reader of `locale` writes it: `1,234.50 USD` in English, `1.234,50 USD` in Turkish.
    pub fn in_locale(self, locale: Locale) -> String {
        let (group, decimal) = match locale {
            Locale::En => (',', '.'),
            Locale::Tr => ('.', ','),
        };
        let rounded = self.amount.round_dp(2);
        let negative = rounded.is_sign_negative() && !rounded.is_zero();
        let text = format!("{:.2}", rounded.abs());
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
        let mut out = String::with_capacity(text.len() + 8);
        if negative {
            out.push('-');
        }
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(group);
            }
            out.push(digit);
        }
        out.push(decimal);
        out.push_str(fraction);
        out.push(' ');
        out.push_str(self.currency.code());
        out
    }
}

/// The English form, for logs and English-only text.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_locale(Locale::En))
    }
}

#[cfg(feature = "ssr")]
mod sql {
    //! `char(3)` columns decode as text; the code is checked on the way in, so a bad row is a
    //! decode error with the value in it rather than a page showing it.
    use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
    use sqlx::{Decode, Encode, Postgres, Type};

    use super::Currency;

    impl Type<Postgres> for Currency {
        fn type_info() -> PgTypeInfo {
            <String as Type<Postgres>>::type_info()
        }
        fn compatible(ty: &PgTypeInfo) -> bool {
            <String as Type<Postgres>>::compatible(ty)
        }
    }

    impl<'r> Decode<'r, Postgres> for Currency {
        fn decode(value: PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
            let raw = <&str as Decode<Postgres>>::decode(value)?;
            Ok(Currency::parse(raw)?)
        }
    }

    impl Encode<'_, Postgres> for Currency {
        fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
            <&str as Encode<Postgres>>::encode(self.code(), buf)
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn shows_money_with_grouping_and_two_decimals() {
        let usd = |amount| Money::new(amount, Currency::USD).to_string();
        assert_eq!(usd(dec!(5000)), "5,000.00 USD");
        assert_eq!(usd(dec!(1234567.891)), "1,234,567.89 USD");
        assert_eq!(usd(dec!(6)), "6.00 USD");
        assert_eq!(usd(dec!(-72.5)), "-72.50 USD");
        assert_eq!(usd(dec!(0)), "0.00 USD");
        assert_eq!(usd(dec!(-0.001)), "0.00 USD");
        assert_eq!(usd(dec!(999.999)), "1,000.00 USD");
        assert_eq!(Money::new(dec!(12.5), Currency::TRY).to_string(), "12.50 TRY");
    }

    #[test]
    fn turkish_readers_get_dots_between_thousands_and_a_decimal_comma() {
        let tr = |amount| Money::new(amount, Currency::USD).in_locale(Locale::Tr);
        assert_eq!(tr(dec!(1234.56)), "1.234,56 USD");
        assert_eq!(tr(dec!(5000)), "5.000,00 USD");
        assert_eq!(tr(dec!(1234567.891)), "1.234.567,89 USD");
        assert_eq!(tr(dec!(-72.5)), "-72,50 USD");
        assert_eq!(tr(dec!(7.2)), "7,20 USD");
        assert_eq!(Money::new(dec!(1234.56), Currency::USD).in_locale(Locale::En), "1,234.56 USD");
    }

    #[test]
    fn currency_codes_are_three_capital_letters() {
        assert_eq!(Currency::parse(" EUR ").unwrap(), Currency::EUR);
        for bad in ["usd", "US", "USDT", "", "U$D", "ÜSD"] {
            assert!(Currency::parse(bad).is_err(), "{bad:?} was accepted");
        }
        let json = serde_json::to_string(&Currency::TRY).unwrap();
        assert_eq!(json, "\"TRY\"");
        assert_eq!(serde_json::from_str::<Currency>(&json).unwrap(), Currency::TRY);
        assert!(serde_json::from_str::<Currency>("\"try\"").is_err());
    }
}
