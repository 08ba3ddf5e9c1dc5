//! Money arithmetic every feature shares: KDV and the totals of a set of lines, once.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// KDV, the Turkish VAT, on marketplace invoices.
pub fn vat_rate() -> Decimal {
    Decimal::new(20, 2)
}

/// VAT on a net amount, rounded half away from zero to cents.
pub fn vat_of(net: Decimal) -> Decimal {
    (net * vat_rate()).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// A line's amount: unit price times licences.
pub fn line_total(unit_price: Decimal, quantity: i32) -> Decimal {
    unit_price * Decimal::from(quantity)
}

/// Net, KDV and gross for the first billing period of some lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub subtotal: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
}

impl Totals {
    pub fn of(line_totals: impl IntoIterator<Item = Decimal>) -> Self {
        let subtotal: Decimal = line_totals.into_iter().sum::<Decimal>().round_dp(2);
        let vat = vat_of(subtotal);
        Self { subtotal, vat, total: subtotal + vat }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn vat_is_twenty_percent_rounded_to_cents() {
        assert_eq!(vat_of(dec!(100)), dec!(20.00));
        assert_eq!(vat_of(dec!(7.20)), dec!(1.44));
        assert_eq!(vat_of(dec!(0.24)), dec!(0.05));
        assert_eq!(vat_of(dec!(0.025)), dec!(0.01));
    }
}
