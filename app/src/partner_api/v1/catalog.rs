//! The catalog: products grouped by vendor and product group, prices per billing option,
//! add-ons and their base, seat limits. The list the "Cloud Services" page shows, searched the
//! same way.

use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    caller::ApiCaller,
    extract::{ApiPath, ApiQuery},
    problem::ApiResult,
    wire::{Limit, Money, Page},
};
use crate::{
    catalog::CatalogProduct, domain::BillingCycle, error::AppError, i18n::Say, partner_api::ApiScope, state::AppState,
};

/// A billing option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cycle {
    Monthly,
    Annual,
    /// "Annual, billed monthly": a one-year term charged monthly, 5 % above `annual`.
    AnnualMonthly,
}

impl From<BillingCycle> for Cycle {
    fn from(cycle: BillingCycle) -> Self {
        match cycle {
            BillingCycle::Monthly => Self::Monthly,
            BillingCycle::Annual => Self::Annual,
            BillingCycle::AnnualMonthly => Self::AnnualMonthly,
        }
    }
}

impl From<Cycle> for BillingCycle {
    fn from(cycle: Cycle) -> Self {
        match cycle {
            Cycle::Monthly => Self::Monthly,
            Cycle::Annual => Self::Annual,
            Cycle::AnnualMonthly => Self::AnnualMonthly,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Price {
    pub billing_cycle: Cycle,
    /// Per licence: a month's price for `monthly` and `annual_monthly`, a year's for `annual` (net
    /// of VAT), as in effect today.
    pub unit_price: Money,
}

#[derive(Serialize, ToSchema)]
pub struct Product {
    /// The vendor's SKU, which orders name.
    pub sku: String,
    pub name: String,
    pub description: String,
    pub vendor: String,
    pub product_group: String,
    /// The base product's SKU when this is an add-on: it needs the base in the same order, or
    /// active for the customer.
    pub base_sku: Option<String>,
    /// This product's add-ons.
    pub add_on_skus: Vec<String>,
    pub prices: Vec<Price>,
    /// The most licences one customer may hold.
    pub max_seats: i32,
}

fn product(p: &CatalogProduct, all: &[CatalogProduct]) -> Product {
    let prices = BillingCycle::ALL
        .into_iter()
        .map(|cycle| (cycle, p.price(cycle)))
        .filter_map(|(cycle, price)| {
            price.map(|price| Price { billing_cycle: cycle.into(), unit_price: Money::new(price, p.currency) })
        })
        .collect();
    Product {
        sku: p.sku.clone(),
        name: p.name.clone(),
        description: p.description.clone(),
        vendor: p.vendor.clone(),
        product_group: p.product_group.clone(),
        base_sku: p.base_sku.clone(),
        add_on_skus: all
            .iter()
            .filter(|a| a.base_sku.as_deref() == Some(p.sku.as_str()))
            .map(|a| a.sku.clone())
            .collect(),
        prices,
        max_seats: p.max_seats,
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductSearch {
    /// Words that must all appear in the name, vendor, group or SKU (case as Turkish and English
    /// readers expect: `istanbul` finds `İSTANBUL`).
    pub q: Option<String>,
    /// The `next_cursor` of the page before: a SKU.
    pub cursor: Option<String>,
}

/// The catalog, by vendor and product group, each base product followed by its add-ons.
#[utoipa::path(
    get,
    path = "/api/v1/products",
    tag = "catalog",
    operation_id = "listProducts",
    params(ProductSearch, Limit),
    responses((status = 200, description = "A page of products", body = Page<Product>))
)]
pub async fn list_products(
    caller: ApiCaller,
    state: axum::extract::State<AppState>,
    ApiQuery(search): ApiQuery<ProductSearch>,
    ApiQuery(limit): ApiQuery<Limit>,
) -> ApiResult<Json<Page<Product>>> {
    caller.require(ApiScope::Read)?;
    let limit = limit.get()?;
    let all = crate::catalog::ssr::list_products(&state.pool).await?;
    let query = search.q.unwrap_or_default();
    let found: Vec<Product> = all.iter().filter(|p| p.matches(&query)).map(|p| product(p, &all)).collect();
    Ok(Json(Page::after(found, search.cursor.as_deref(), limit, |p| p.sku.clone())))
}

/// One product, by its SKU.
#[utoipa::path(
    get,
    path = "/api/v1/products/{sku}",
    tag = "catalog",
    operation_id = "getProduct",
    params(("sku" = String, Path, description = "The product's SKU", max_length = 100)),
    responses((status = 200, description = "The product", body = Product))
)]
pub async fn get_product(
    caller: ApiCaller,
    state: axum::extract::State<AppState>,
    ApiPath(sku): ApiPath<String>,
) -> ApiResult<Json<Product>> {
    caller.require(ApiScope::Read)?;
    let all = crate::catalog::ssr::list_products(&state.pool).await?;
    let found = all
        .iter()
        .find(|p| p.sku.eq_ignore_ascii_case(sku.trim()))
        .ok_or_else(|| AppError::not_found(Say::ProductNotFound))?;
    Ok(Json(product(found, &all)))
}
