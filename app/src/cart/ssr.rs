use sqlx::PgExecutor;
use uuid::Uuid;

use super::{AddOnOffer, Cart, CartLine};
use crate::domain::BillingCycle;

#[tracing::instrument(name = "cart.lines", skip(db))]
pub async fn lines(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<Vec<CartLine>, sqlx::Error> {
    sqlx::query_as!(
        CartLine,
        r#"select p.sku, p.name, c.billing_cycle as "billing_cycle: BillingCycle", c.quantity,
                  pp.unit_price as "unit_price!", pp.currency as "currency!: crate::domain::Currency", base.name as "base_product?", p.max_seats
           from cart_line c
           join product p using (product_id)
           join product_price_now pp on pp.product_id = c.product_id and pp.billing_cycle = c.billing_cycle
           left join product base on base.product_id = p.base_product_id
           where c.user_id = $1
           order by c.added_at, p.name"#,
        user_id
    )
    .fetch_all(db)
    .await
}

/// Add-ons of the products in the cart that are not in it yet, at their base line's option.
#[tracing::instrument(name = "cart.add_on_offers", skip(db))]
pub async fn add_on_offers(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<Vec<AddOnOffer>, sqlx::Error> {
    sqlx::query_as!(
        AddOnOffer,
        r#"select addon.sku, addon.name, base.name as base_product,
                  c.billing_cycle as "billing_cycle: BillingCycle", pp.unit_price as "unit_price!", pp.currency as "currency!: crate::domain::Currency"
           from cart_line c
           join product base on base.product_id = c.product_id
           join product addon on addon.base_product_id = base.product_id and addon.is_active
           join product_price_now pp on pp.product_id = addon.product_id and pp.billing_cycle = c.billing_cycle
           where c.user_id = $1
             and not exists (select 1 from cart_line o where o.user_id = $1 and o.product_id = addon.product_id)
           order by base.name, addon.name"#,
        user_id
    )
    .fetch_all(db)
    .await
}

pub async fn cart_of(pool: &sqlx::PgPool, user_id: Uuid) -> Result<Cart, sqlx::Error> {
    // Both reads on one connection: taking a connection from the pool and giving it back costs a
    // round trip to PostgreSQL each time, and the cart is read on every ordering page. Add-ons are
    // offered for lines in the cart, so an empty cart (a partner browsing the catalog) has none
    // and needs no second read.
    let mut connection = pool.acquire().await?;
    let lines = lines(&mut *connection, user_id).await?;
    let add_ons = if lines.is_empty() { Vec::new() } else { add_on_offers(&mut *connection, user_id).await? };
    Ok(Cart { lines, add_ons })
}

/// What adding to the cart, or setting a line's count, came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CartChange {
    Done,
    /// No active product with that SKU has a price at that billing option (or no such line).
    NotFound,
    /// The line would go over the catalog's seat limit for the product: nothing changed.
    OverLimit {
        product_name: String,
        max_seats: i32,
    },
}

/// Adds licences of a product at a billing option (to its line at the same option; another
/// option replaces the line), within the product's seat limit.
#[tracing::instrument(name = "cart.add", skip(db))]
pub async fn add(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    sku: &str,
    cycle: BillingCycle,
    quantity: i32,
) -> Result<CartChange, sqlx::Error> {
    let row = sqlx::query!(
        r#"with wanted as (
               select p.product_id, p.name, p.max_seats,
                      coalesce((select c.quantity from cart_line c
                                where c.user_id = $1 and c.product_id = p.product_id and c.billing_cycle = $3), 0)
                          + $4 as quantity
               from product p
               join product_price_now pp on pp.product_id = p.product_id and pp.billing_cycle = $3
               where p.sku = $2 and p.is_active),
           added as (
               insert into cart_line (user_id, product_id, billing_cycle, quantity)
               select $1, product_id, $3, quantity from wanted where quantity <= max_seats
               on conflict (user_id, product_id) do update set
                   quantity = excluded.quantity, billing_cycle = excluded.billing_cycle
               returning 1)
           select name, max_seats, exists(select 1 from added) as "added!" from wanted"#,
        user_id,
        sku,
        cycle as BillingCycle,
        quantity
    )
    .fetch_optional(db)
    .await?;
    Ok(match row {
        None => CartChange::NotFound,
        Some(r) if r.added => CartChange::Done,
        Some(r) => CartChange::OverLimit { product_name: r.name, max_seats: r.max_seats },
    })
}

#[tracing::instrument(name = "cart.set_quantity", skip(db))]
pub async fn set_quantity(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    sku: &str,
    quantity: i32,
) -> Result<CartChange, sqlx::Error> {
    let row = sqlx::query!(
        r#"with line as (
               select c.product_id, p.name, p.max_seats from cart_line c join product p using (product_id)
               where c.user_id = $1 and p.sku = $2),
           updated as (
               update cart_line c set quantity = $3 from line
               where c.user_id = $1 and c.product_id = line.product_id and $3 <= line.max_seats
               returning 1)
           select name, max_seats, exists(select 1 from updated) as "updated!" from line"#,
        user_id,
        sku,
        quantity
    )
    .fetch_optional(db)
    .await?;
    Ok(match row {
        None => CartChange::NotFound,
        Some(r) if r.updated => CartChange::Done,
        Some(r) => CartChange::OverLimit { product_name: r.name, max_seats: r.max_seats },
    })
}

#[tracing::instrument(name = "cart.remove", skip(db))]
pub async fn remove(db: impl PgExecutor<'_>, user_id: Uuid, sku: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from cart_line where user_id = $1 and product_id = (select product_id from product where sku = $2)",
        user_id,
        sku
    )
    .execute(db)
    .await?;
    Ok(())
}

#[tracing::instrument(name = "cart.clear", skip(db))]
pub async fn clear(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from cart_line where user_id = $1", user_id).execute(db).await?;
    Ok(())
}
