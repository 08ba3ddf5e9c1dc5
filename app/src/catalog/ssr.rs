use std::{sync::Arc, time::Duration};

use sqlx::PgExecutor;

use super::CatalogProduct;
use crate::state::AppState;

/// How long this process shows the catalog it read (see `state::ReferenceCache`): products and
/// prices change with a release, a seed or a price list taking effect (a date announced weeks
/// before), and the catalog is on every ordering page. Checkout prices from the database.
const CATALOG_MAX_AGE: Duration = Duration::from_secs(5);

/// The active catalog as [`list_products`] reads it, at most [`CATALOG_MAX_AGE`] old.
pub async fn catalog(state: &AppState) -> Result<Arc<Vec<CatalogProduct>>, sqlx::Error> {
    state.reference.get_or_load(CATALOG_MAX_AGE, || list_products(&state.pool)).await
}

#[tracing::instrument(name = "catalog.list_products", skip(db))]
pub async fn list_products(db: impl PgExecutor<'_>) -> Result<Vec<CatalogProduct>, sqlx::Error> {
    sqlx::query_as!(
        CatalogProduct,
        r#"select p.sku, p.name, p.description, v.name as vendor, g.name as product_group,
                  base.name as "base_product?", base.sku as "base_sku?",
                  monthly.unit_price as "monthly_price?", annual.unit_price as "annual_price?",
                  annual_monthly.unit_price as "annual_monthly_price?",
                  coalesce(monthly.currency, annual.currency, annual_monthly.currency, 'USD')
                      as "currency!: crate::domain::Currency",
                  p.max_seats
           from product p
           join product_group g using (product_group_id)
           join vendor v using (vendor_id)
           left join product base on base.product_id = p.base_product_id
           -- The prices in effect today (the market's date).
           left join product_price_now monthly on monthly.product_id = p.product_id and monthly.billing_cycle = 'monthly'
           left join product_price_now annual on annual.product_id = p.product_id and annual.billing_cycle = 'annual'
           left join product_price_now annual_monthly
                  on annual_monthly.product_id = p.product_id and annual_monthly.billing_cycle = 'annual_monthly'
           where p.is_active
           -- Vendors, then groups, with each base product followed by its add-ons.
           order by v.name, g.name, coalesce(base.name, p.name), p.base_product_id is not null, p.name"#
    )
    .fetch_all(db)
    .await
}
