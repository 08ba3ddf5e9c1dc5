//! The "Cloud Services" catalog: vendors, product groups, products, add-ons and their prices.

mod catalog_page;
mod product_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use catalog_page::CatalogPage;
pub use product_page::ProductPage;

pub use crate::domain::BillingCycle;
use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogProduct {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub vendor: String,
    pub product_group: String,
    /// The base product's name when this is an add-on.
    pub base_product: Option<String>,
    pub base_sku: Option<String>,
    pub monthly_price: Option<Decimal>,
    pub annual_price: Option<Decimal>,
    /// "Annual, billed monthly": per licence per month of a one-year term.
    pub annual_monthly_price: Option<Decimal>,
    pub currency: crate::domain::Currency,
    /// The most licences one customer may hold (Microsoft's seat limit for the plan).
    pub max_seats: i32,
}

impl CatalogProduct {
    /// Match on name, vendor, group or SKU, ignoring case as Turkish and English readers both
    /// expect (`crate::domain::search_key`); every word must match somewhere.
    pub fn matches(&self, query: &str) -> bool {
        // Most renders show the whole catalog: no need to fold every product's text for that.
        if query.trim().is_empty() {
            return true;
        }
        let haystack =
            crate::domain::search_key(&format!("{} {} {} {}", self.name, self.vendor, self.product_group, self.sku));
        crate::domain::matches_every_word(&haystack, query)
    }
}

#[server(prefix = "/api", endpoint = "catalog")]
pub async fn list_catalog() -> Result<Vec<CatalogProduct>, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::BrowseCatalog).await?;
    Ok(ssr::catalog(&state).await?.to_vec())
}

impl CatalogProduct {
    pub fn price(&self, cycle: BillingCycle) -> Option<Decimal> {
        match cycle {
            BillingCycle::Monthly => self.monthly_price,
            BillingCycle::Annual => self.annual_price,
            BillingCycle::AnnualMonthly => self.annual_monthly_price,
        }
    }
}

/// One product with its add-ons, for the product page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub product: CatalogProduct,
    pub add_ons: Vec<CatalogProduct>,
}

#[server(prefix = "/api", endpoint = "product")]
pub async fn get_product(sku: String) -> Result<ProductDetail, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::BrowseCatalog).await?;
    let all = ssr::catalog(&state).await?;
    let product = all
        .iter()
        .find(|p| p.sku.eq_ignore_ascii_case(sku.trim()))
        .cloned()
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::ProductNotFound))?;
    let add_ons = all.iter().filter(|p| p.base_sku.as_deref() == Some(product.sku.as_str())).cloned().collect();
    Ok(ProductDetail { product, add_ons })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product() -> CatalogProduct {
        CatalogProduct {
            sku: "CFQ7TTC0LH18".into(),
            name: "Microsoft 365 Business Basic".into(),
            description: String::new(),
            vendor: "Microsoft".into(),
            product_group: "Microsoft 365".into(),
            base_product: None,
            base_sku: None,
            monthly_price: None,
            annual_price: None,
            annual_monthly_price: None,
            currency: crate::domain::Currency::USD,
            max_seats: 300,
        }
    }

    #[test]
    fn search_matches_every_word_anywhere() {
        let p = product();
        assert!(p.matches(""));
        assert!(p.matches("basic"));
        assert!(p.matches("microsoft BASIC"));
        assert!(p.matches("cfq7ttc0lh18"));
        assert!(!p.matches("premium"));
        assert!(!p.matches("basic premium"));
    }
}
