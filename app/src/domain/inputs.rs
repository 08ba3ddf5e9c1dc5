//! Input parsed at the boundary into types that cannot hold bad values. Each `parse` returns
//! the message to show next to the field.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::i18n::{Noun, Say};

/// Microsoft's location Partner ID: exactly seven digits. Read back from JSON (a saved checkout
/// step) through `parse` too, so a stored value is as checked as a typed one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MpnId(String);

impl MpnId {
    pub fn parse(raw: &str) -> Result<Self, Say> {
        let id = raw.trim();
        if id.is_empty() {
            return Err(Say::EnterMpnId);
        }
        if id.len() != 7 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Say::MpnIdFormat);
        }
        Ok(Self(id.to_owned()))
    }
}

/// A Turkish tax number: 10 digits (VKN, companies) or 11 digits (TCKN, sole proprietors).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxNumber(String);

impl TaxNumber {
    pub fn parse(raw: &str) -> Result<Self, Say> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() {
            return Err(Say::EnterTaxNumber);
        }
        if !(digits.len() == 10 || digits.len() == 11) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Say::TaxNumberFormat);
        }
        Ok(Self(digits))
    }
}

/// A country as ISO 3166-1 alpha-2 (`TR`), the form Microsoft takes a customer agreement's
/// signatory country in. Typed in either case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, Say> {
        let code = raw.trim();
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Say::CountryCodeFormat);
        }
        Ok(Self(code.to_ascii_uppercase()))
    }
}

/// A language as ISO 639-1 (`tr`), the form Microsoft takes a signatory's language in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageCode(String);

impl LanguageCode {
    pub fn parse(raw: &str) -> Result<Self, Say> {
        let code = raw.trim();
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Say::LanguageCodeFormat);
        }
        Ok(Self(code.to_ascii_lowercase()))
    }
}

/// A phone number, kept as `+` and digits. Turkish numbers may be typed as `0532…` or `532…`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, Say> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(Say::EnterPhone);
        }
        if !trimmed.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) {
            return Err(Say::PhoneDigitsOnly);
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let normalised = if trimmed.starts_with('+') {
            format!("+{digits}")
        } else if digits.len() == 11 && digits.starts_with('0') {
            format!("+90{}", &digits[1..])
        } else if digits.len() == 10 {
            format!("+90{digits}")
        } else {
            format!("+{digits}")
        };
        if !(10..=15).contains(&(normalised.len() - 1)) {
            return Err(Say::PhoneIncomplete);
        }
        Ok(Self(normalised))
    }
}

/// A yes-or-no decision on a request someone else made (credit approval, a cancellation), as
/// the form's buttons post it: `approve` or `reject`. Anything else is refused with 422 before
/// the server function runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    pub fn approves(self) -> bool {
        self == Self::Approve
    }
}

/// A setting turned `on` or `off` by a form's toggle button.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Switch {
    On,
    Off,
}

impl Switch {
    pub fn is_on(self) -> bool {
        self == Self::On
    }
}

/// A required line of text with a length limit.
pub fn required_text(raw: &str, what: Noun, max: usize) -> Result<String, Say> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Say::EnterText { what });
    }
    refuse_control(text)?;
    if text.chars().count() > max {
        return Err(Say::TextTooLong { what, max });
    }
    Ok(text.to_owned())
}

/// Refuses control characters (NUL and the rest of C0/C1), which nobody types on purpose and
/// PostgreSQL will not store in text; line breaks and tabs stay, for addresses and reasons.
/// The server also refuses them for every server function's arguments before they run
/// (`server/src/input_hygiene.rs`); this is the same rule for forms parsed elsewhere.
pub fn refuse_control(text: &str) -> Result<(), Say> {
    match text.chars().find(|c| is_refused_control(*c)) {
        None => Ok(()),
        Some(c) => Err(Say::ControlCharacter { code: format!("{:04X}", u32::from(c)) }),
    }
}

/// A control character other than line feed, carriage return and tab.
pub fn is_refused_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// A decimal number as a person types it, in Turkish or English: `1.234,56`, `1,234.56`,
/// `1234,56` and `1234.56` are all 1234.56. The one parser behind every amount and percentage
/// field, so "12,5" means the same everywhere.
///
/// With both separators, the last one is the decimal mark and the other groups thousands. With
/// one kind, repeated, it groups thousands (`1.234.567`). Alone and followed by exactly three
/// digits it could be either (`5.000` is five thousand in Turkish, five in English), so it is
/// refused with a message rather than guessed; otherwise it is the decimal mark (`12,5`).
pub fn parse_decimal(raw: &str) -> Result<Decimal, Say> {
    let unreadable = || Say::NumberUnreadable;
    let text: String = raw.trim().chars().filter(|c| !c.is_whitespace() && *c != '\u{2009}').collect();
    let (dots, commas) = (text.matches('.').count(), text.matches(',').count());
    let last_dot = text.rfind('.');
    let last_comma = text.rfind(',');
    let (grouping, decimal) = match (dots, commas) {
        (0, 0) => (None, None),
        (_, 0) if dots > 1 => (Some('.'), None),
        (0, _) if commas > 1 => (Some(','), None),
        (1, 0) | (0, 1) => {
            let mark = if dots == 1 { '.' } else { ',' };
            let (whole, fraction) = text.split_once(mark).unwrap_or((&text, ""));
            let digits = whole.trim_start_matches(['-', '+']);
            // "0,125" cannot be thousands; "5.000" can.
            let could_group = !digits.is_empty() && digits != "0" && digits.len() <= 3;
            if could_group && fraction.len() == 3 && fraction.chars().all(|c| c.is_ascii_digit()) {
                return Err(Say::NumberAmbiguous {
                    typed: text.clone(),
                    thousands: format!("{whole}{fraction}"),
                    decimal: format!("{whole}{mark}{}", &fraction[..2]),
                });
            }
            (None, Some(mark))
        }
        _ => match (last_dot, last_comma) {
            (Some(d), Some(c)) if d > c && commas >= 1 && dots == 1 => (Some(','), Some('.')),
            (Some(d), Some(c)) if c > d && dots >= 1 && commas == 1 => (Some('.'), Some(',')),
            _ => return Err(unreadable()),
        },
    };
    let (whole, fraction) = match decimal {
        Some(mark) => {
            text.split_once(mark).map(|(w, f)| (w.to_owned(), Some(f.to_owned()))).unwrap_or((text.clone(), None))
        }
        None => (text.clone(), None),
    };
    let whole = match grouping {
        // Groups of three after the first: "1.234.567", not "12.34".
        Some(sep) => {
            let groups: Vec<&str> = whole.split(sep).collect();
            let first = groups[0].trim_start_matches(['-', '+']);
            if first.is_empty() || first.len() > 3 || groups[1..].iter().any(|g| g.len() != 3) {
                return Err(unreadable());
            }
            groups.concat()
        }
        None => whole,
    };
    let normalised = match fraction {
        Some(f) if !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()) => format!("{whole}.{f}"),
        Some(_) => return Err(unreadable()),
        None => whole,
    };
    if normalised.is_empty()
        || !normalised.trim_start_matches(['-', '+']).chars().all(|c| c.is_ascii_digit() || c == '.')
    {
        return Err(unreadable());
    }
    normalised.parse::<Decimal>().map_err(|_| unreadable())
}

/// An amount of money typed by a person: at most two decimals, not negative, with an upper bound.
pub fn parse_amount(raw: &str, max: Decimal) -> Result<Decimal, Say> {
    let amount = parse_decimal(raw)
        .map_err(|m| if raw.trim().is_empty() || m == Say::NumberUnreadable { Say::EnterAmount } else { m })?;
    if amount.is_sign_negative() {
        return Err(Say::AmountNegative);
    }
    if amount.scale() > 2 && amount != amount.round_dp(2) {
        return Err(Say::AmountTwoDecimals);
    }
    if amount > max {
        return Err(Say::AmountTooLarge { max: max.to_string() });
    }
    Ok(amount.round_dp(2))
}

/// The prefix of a Microsoft tenant's initial domain (`<prefix>.onmicrosoft.com`): ASCII letters
/// and digits, stored lower-case. Permanent once a tenant is created with it. Read back from JSON
/// through [`DomainPrefix::stored`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DomainPrefix(String);

pub const ONMICROSOFT: &str = ".onmicrosoft.com";

/// `<prefix>.onmicrosoft.com`: the one place a tenant's initial domain is spelt out.
pub fn initial_domain(prefix: &str) -> String {
    format!("{prefix}{ONMICROSOFT}")
}

impl DomainPrefix {
    /// Microsoft's own limit; deployments may lower it (CLOUDMARKET_TENANT_PREFIX_MAX).
    pub const DEFAULT_MAX_LEN: usize = 27;

    /// A prefix for a new tenant. A pasted full domain is accepted and cut to its prefix.
    pub fn parse(raw: &str, max_len: usize) -> Result<Self, Say> {
        let lowered = raw.trim().to_lowercase();
        let prefix = lowered.strip_suffix(ONMICROSOFT).unwrap_or(&lowered);
        if prefix.is_empty() {
            return Err(Say::EnterPrefix);
        }
        if !prefix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
            return Err(Say::PrefixCharacters);
        }
        if prefix.len() > max_len {
            return Err(Say::PrefixTooLong { max: max_len });
        }
        Ok(Self(prefix.to_owned()))
    }

    /// An existing tenant's initial domain, which must be given exactly.
    pub fn parse_initial_domain(raw: &str) -> Result<Self, Say> {
        let lowered = raw.trim().to_lowercase();
        match lowered.strip_suffix(ONMICROSOFT) {
            Some(prefix)
                if !prefix.is_empty()
                    && prefix.len() <= 63
                    && prefix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) =>
            {
                Ok(Self(prefix.to_owned()))
            }
            _ => Err(Say::InitialDomainFormat),
        }
    }

    pub fn initial_domain(&self) -> String {
        initial_domain(&self.0)
    }
}

/// A licence count on an order line: a whole number from 1 to 10,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quantity(i32);

impl Quantity {
    pub const MAX: i32 = 10_000;

    pub fn parse(raw: &str) -> Result<Self, Say> {
        let n: i64 = raw.trim().parse().map_err(|_| Say::LicencesWholeNumber)?;
        Self::new(n)
    }

    pub fn new(n: i64) -> Result<Self, Say> {
        if n < 1 {
            return Err(Say::LicencesAtLeastOne);
        }
        if n > i64::from(Self::MAX) {
            return Err(Say::LicencesPerLineMax { max: Self::MAX });
        }
        Ok(Self(n as i32))
    }

    pub fn get(self) -> i32 {
        self.0
    }

    /// The count within a product's seat limit from the catalog (Microsoft 365 Business plans:
    /// 300), or the message for the count's field.
    pub fn within(self, product_name: &str, max_seats: i32) -> Result<Self, Say> {
        if self.0 > max_seats {
            return Err(seat_limit_message(product_name, max_seats));
        }
        Ok(self)
    }
}

/// Why a licence count above a product's seat limit is refused, at the count's field.
pub fn seat_limit_message(product_name: &str, max_seats: i32) -> Say {
    Say::SeatLimit { product: product_name.to_owned(), max: max_seats }
}

/// A customer's company name as Microsoft accepts it for a tenant's profile: 2–100 characters,
/// at least one letter, and only letters, digits, spaces and `. , & - ' ( ) /`.
pub fn company_name(raw: &str) -> Result<String, Say> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(Say::EnterCompanyName);
    }
    let length = name.chars().count();
    if !(2..=100).contains(&length) {
        return Err(Say::CompanyNameLength);
    }
    if !name.chars().any(char::is_alphabetic) {
        return Err(Say::CompanyNameLetters);
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_alphanumeric() || " .,&-'()/".contains(*c))) {
        return Err(Say::CompanyNameCharacter { bad: bad.to_string() });
    }
    Ok(name)
}

impl DomainPrefix {
    /// A prefix the marketplace already holds (a customer's tenant, a saved checkout step): any
    /// length Microsoft allows, since a deployment's lower limit applies to new tenants only.
    pub fn stored(raw: &str) -> Result<Self, Say> {
        Self::parse(raw, 63)
    }
}

impl TryFrom<String> for MpnId {
    type Error = Say;
    fn try_from(raw: String) -> Result<Self, Say> {
        Self::parse(&raw)
    }
}

impl TryFrom<String> for DomainPrefix {
    type Error = Say;
    fn try_from(raw: String) -> Result<Self, Say> {
        Self::stored(&raw)
    }
}

macro_rules! into_string {
    ($($t:ty),*) => {$(
        impl From<$t> for String {
            fn from(value: $t) -> String {
                value.0
            }
        }
    )*};
}
into_string!(MpnId, DomainPrefix);

macro_rules! as_ref_str {
    ($($t:ty),*) => {$(
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    )*};
}
as_ref_str!(MpnId, TaxNumber, PhoneNumber, DomainPrefix, CountryCode, LanguageCode);

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn signatory_country_and_language_are_two_letter_codes() {
        assert_eq!(CountryCode::parse(" tr ").unwrap().as_ref(), "TR");
        assert_eq!(LanguageCode::parse("TR").unwrap().as_ref(), "tr");
        for bad in ["", "T", "TUR", "t1", "ü"] {
            assert_eq!(CountryCode::parse(bad), Err(Say::CountryCodeFormat), "{bad}");
            assert_eq!(LanguageCode::parse(bad), Err(Say::LanguageCodeFormat), "{bad}");
        }
    }

    #[test]
    fn mpn_ids_are_seven_digits() {
        assert_eq!(MpnId::parse(" 1234567 ").unwrap().as_ref(), "1234567");
        for bad in ["", "123456", "12345678", "12a4567", "１２３４５６７"] {
            assert!(MpnId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tax_numbers_have_ten_or_eleven_digits() {
        assert_eq!(TaxNumber::parse("123 456 7890").unwrap().as_ref(), "1234567890");
        assert!(TaxNumber::parse("12345678901").is_ok());
        for bad in ["", "123456789", "123456789012", "12345abcde"] {
            assert!(TaxNumber::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn phones_are_normalised_to_international_form() {
        assert_eq!(PhoneNumber::parse("0532 555 01 02").unwrap().as_ref(), "+905325550102");
        assert_eq!(PhoneNumber::parse("532 555 01 02").unwrap().as_ref(), "+905325550102");
        assert_eq!(PhoneNumber::parse("+90 (212) 555-01-02").unwrap().as_ref(), "+902125550102");
        assert_eq!(PhoneNumber::parse("+44 20 7946 0958").unwrap().as_ref(), "+442079460958");
        for bad in ["", "call me", "123", "+1234567890123456"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn amounts_are_exact_with_two_decimals() {
        assert_eq!(parse_amount("5,000.00", dec!(1000000)).unwrap(), dec!(5000.00));
        assert_eq!(parse_amount("7500", dec!(1000000)).unwrap(), dec!(7500));
        assert!(parse_amount("-1", dec!(1000000)).is_err());
        assert!(parse_amount("1.005", dec!(1000000)).is_err());
        assert!(parse_amount("abc", dec!(1000000)).is_err());
        assert!(parse_amount("2000000", dec!(1000000)).is_err());
    }

    #[test]
    fn decimals_read_the_same_in_turkish_and_english() {
        for (raw, want) in [
            ("1.234,56", dec!(1234.56)),
            ("1,234.56", dec!(1234.56)),
            ("1234,56", dec!(1234.56)),
            ("1234.56", dec!(1234.56)),
            ("12,5", dec!(12.5)),
            ("12.5", dec!(12.5)),
            ("1.234.567", dec!(1234567)),
            ("1,234,567", dec!(1234567)),
            ("1.234.567,5", dec!(1234567.5)),
            (" 7 500 ", dec!(7500)),
            ("0,125", dec!(0.125)),
            ("5000", dec!(5000)),
        ] {
            assert_eq!(parse_decimal(raw), Ok(want), "{raw}");
        }
        // Either five thousand or five: asked, never guessed.
        for ambiguous in ["5.000", "5,000", "12.500"] {
            assert!(parse_decimal(ambiguous).unwrap_err().to_string().contains("if you mean thousands"), "{ambiguous}");
        }
        for bad in ["", "abc", "1.2.3,4,5", "12.34.567", "1,2,3.4.5", "1..2", "1,", ",5x", "1e5"] {
            assert!(parse_decimal(bad).is_err(), "{bad:?}");
        }
        // The credit limit and the markup read "12,5" alike (it was 125 as a limit).
        assert_eq!(parse_amount("12,5", dec!(1000000)), Ok(dec!(12.5)));
    }

    #[test]
    fn decisions_and_switches_read_the_form_values() {
        let read = |v: &str| serde_json::from_value::<Decision>(serde_json::Value::String(v.into()));
        assert_eq!(read("approve").unwrap(), Decision::Approve);
        assert!(!read("reject").unwrap().approves());
        assert!(read("maybe").is_err());
        let switch: Switch = serde_json::from_value(serde_json::Value::String("off".into())).unwrap();
        assert!(!switch.is_on());
    }

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        assert_eq!(required_text("  Acme  ", Noun::Address, 10).unwrap(), "Acme");
        assert!(required_text("Ac\0me", Noun::Address, 10).unwrap_err().to_string().contains("U+0000"));
        assert!(required_text("Ac\u{1b}[2Jme", Noun::Address, 10).is_err());
        assert_eq!(required_text("Line 1\nLine 2", Noun::Address, 20).unwrap(), "Line 1\nLine 2");
        assert!(required_text("   ", Noun::Address, 10).is_err());
        assert!(required_text("A very long name", Noun::Address, 10).is_err());
    }

    #[test]
    fn new_tenant_prefixes_are_letters_and_digits_lower_cased() {
        assert_eq!(DomainPrefix::parse(" AcmeLtd42 ", 27).unwrap().as_ref(), "acmeltd42");
        assert_eq!(DomainPrefix::parse("acme.onmicrosoft.com", 27).unwrap().as_ref(), "acme");
        for bad in ["", "acme-ltd", "acme ltd", "acme.com", "çiçek", "a_b"] {
            assert!(DomainPrefix::parse(bad, 27).is_err(), "{bad:?}");
        }
        assert!(DomainPrefix::parse(&"a".repeat(27), 27).is_ok());
        assert!(DomainPrefix::parse(&"a".repeat(28), 27).is_err());
        assert!(DomainPrefix::parse("abcdefghijk", 10).is_err());
    }

    #[test]
    fn existing_tenants_need_their_exact_initial_domain() {
        let prefix = DomainPrefix::parse_initial_domain(" Contoso.onmicrosoft.com ").unwrap();
        assert_eq!(prefix.as_ref(), "contoso");
        assert_eq!(prefix.initial_domain(), "contoso.onmicrosoft.com");
        for bad in ["contoso", "contoso.com", ".onmicrosoft.com", "con-toso.onmicrosoft.com", "a.b.onmicrosoft.com"] {
            assert!(DomainPrefix::parse_initial_domain(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn quantities_are_whole_and_bounded() {
        assert_eq!(Quantity::parse(" 25 ").unwrap().get(), 25);
        for bad in ["", "0", "-3", "2.5", "ten", "10001", "99999999999999999999"] {
            assert!(Quantity::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_quantity_stays_within_the_products_seat_limit() {
        let basic = "Microsoft 365 Business Basic";
        assert_eq!(Quantity::new(300).unwrap().within(basic, 300).unwrap().get(), 300);
        let refused = Quantity::new(301).unwrap().within(basic, 300).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "Microsoft 365 Business Basic is sold with at most 300 licences per customer: enter 300 or fewer."
        );
    }

    #[test]
    fn company_names_follow_the_tenant_profile_rules() {
        assert_eq!(company_name("  Acme   Bilişim Ltd. Şti. ").unwrap(), "Acme Bilişim Ltd. Şti.");
        assert!(company_name("O'Brien & Sons (Europe)").is_ok());
        for bad in ["", "A", "1234", "Acme <script>", "Acme; drop", &"x".repeat(101)] {
            assert!(company_name(bad).is_err(), "{bad:?}");
        }
    }
}
