//! The partner's cart: lines kept on the server per user (so a reload or another device sees the
//! same cart), the add-ons its products offer, and totals with KDV.

pub mod cart_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use cart_page::{AddToCartForm, CartPage};

pub use crate::domain::{Totals, line_total};
use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::{domain::BillingCycle, error::AppError};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub sku: String,
    pub name: String,
    pub billing_cycle: BillingCycle,
    pub quantity: i32,
    /// Per licence and billing period, from the catalog as it is now.
    pub unit_price: Decimal,
    pub currency: crate::domain::Currency,
    /// Set for add-ons: the base product's name.
    pub base_product: Option<String>,
    /// The catalog's seat limit for the product.
    pub max_seats: i32,
}

impl CartLine {
    pub fn line_total(&self) -> Decimal {
        line_total(self.unit_price, self.quantity)
    }

    /// The line as an order will carry it, for the review step.
    pub fn as_order_line(&self) -> crate::orders::OrderLineView {
        crate::orders::OrderLineView {
            product_name: self.name.clone(),
            sku: self.sku.clone(),
            billing_cycle: self.billing_cycle,
            quantity: self.quantity,
            unit_price: self.unit_price,
            line_total: self.line_total(),
        }
    }
}

/// An add-on of a product in the cart, offered at the base line's billing option.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddOnOffer {
    pub sku: String,
    pub name: String,
    pub base_product: String,
    pub billing_cycle: BillingCycle,
    pub unit_price: Decimal,
    pub currency: crate::domain::Currency,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    pub lines: Vec<CartLine>,
    pub add_ons: Vec<AddOnOffer>,
}

impl Cart {
    pub fn totals(&self) -> Totals {
        Totals::of(self.lines.iter().map(CartLine::line_total))
    }

    pub fn currency(&self) -> crate::domain::Currency {
        self.lines.first().map_or(crate::domain::Currency::USD, |l| l.currency)
    }

    pub fn licence_count(&self) -> i64 {
        self.lines.iter().map(|l| i64::from(l.quantity)).sum()
    }
}

#[cfg(feature = "ssr")]
fn parse_cycle(raw: &str) -> Result<BillingCycle, AppError> {
    BillingCycle::parse(raw).map_err(|message| AppError::invalid("billing_cycle", message))
}

#[cfg(feature = "ssr")]
fn parse_quantity(raw: &str) -> Result<crate::domain::Quantity, AppError> {
    crate::domain::Quantity::parse(raw).map_err(|message| AppError::invalid("quantity", message))
}

#[server(prefix = "/api", endpoint = "cart")]
pub async fn get_cart() -> Result<Cart, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    Ok(ssr::cart_of(&state.pool, user.user_id).await?)
}

/// Adds a product at a billing option; adding it again at the same option adds to its quantity.
#[server(prefix = "/api", endpoint = "add_to_cart")]
pub async fn add_to_cart(sku: String, billing_cycle: String, quantity: String) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let cycle = parse_cycle(&billing_cycle)?;
    let quantity = parse_quantity(&quantity)?;
    match ssr::add(&state.pool, user.user_id, sku.trim(), cycle, quantity.get()).await? {
        ssr::CartChange::Done => Ok(()),
        ssr::CartChange::NotFound => Err(AppError::not_found(crate::i18n::Say::ProductOptionNotFound)),
        ssr::CartChange::OverLimit { product_name, max_seats } => {
            Err(AppError::invalid("quantity", crate::domain::seat_limit_message(&product_name, max_seats)))
        }
    }
}

#[server(prefix = "/api", endpoint = "update_cart_line")]
pub async fn update_cart_line(sku: String, quantity: String) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let quantity = parse_quantity(&quantity)?;
    match ssr::set_quantity(&state.pool, user.user_id, sku.trim(), quantity.get()).await? {
        ssr::CartChange::Done => Ok(()),
        ssr::CartChange::NotFound => Err(AppError::not_found(crate::i18n::Say::CartLineNotFound)),
        ssr::CartChange::OverLimit { product_name, max_seats } => {
            Err(AppError::invalid("quantity", crate::domain::seat_limit_message(&product_name, max_seats)))
        }
    }
}

#[server(prefix = "/api", endpoint = "remove_cart_line")]
pub async fn remove_cart_line(sku: String) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    ssr::remove(&state.pool, user.user_id, sku.trim()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn line(price: Decimal, quantity: i32) -> CartLine {
        CartLine {
            sku: "X".into(),
            name: "X".into(),
            billing_cycle: BillingCycle::Monthly,
            quantity,
            unit_price: price,
            currency: crate::domain::Currency::USD,
            base_product: None,
            max_seats: 10_000,
        }
    }

    #[test]
    fn totals_add_twenty_percent_kdv() {
        let cart = Cart { lines: vec![line(dec!(7.20), 10), line(dec!(2.40), 3)], add_ons: vec![] };
        let totals = cart.totals();
        assert_eq!(totals.subtotal, dec!(79.20));
        assert_eq!(totals.vat, dec!(15.84));
        assert_eq!(totals.total, dec!(95.04));
        assert_eq!(cart.licence_count(), 13);
    }

    #[test]
    fn an_empty_cart_costs_nothing() {
        assert_eq!(Cart::default().totals(), Totals::default());
    }
}
