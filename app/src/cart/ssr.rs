use sqlx::PgExecutor;
use uuid::Uuid;

use super::{AddOnOffer, Cart, CartLine};
use crate::domain::BillingCycle;

#[tracing::instrument(name = "cart.lines", skip(db))]
pub async fn lines(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<Vec<CartLine>, sqlx::Error> {
    sqlx::query_as!(
        CartLine,
        r#"select p.sku, p.name, c.billing_cycle as "billing_cycle: BillingCycle", c.quantity,
                  pp.unit_price, pp.currency as "currency!: crate::domain::Currency", base.name as "base_product?"
           from cart_line c
           join product p using (product_id)
           join product_price pp on pp.product_id = c.product_id and pp.billing_cycle = c.billing_cycle
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
                  c.billing_cycle as "billing_cycle: BillingCycle", pp.unit_price, pp.currency as "currency!: crate::domain::Currency"
           from cart_line c
           join product base on base.product_id = c.product_id
           join product addon on addon.base_product_id = base.product_id and addon.is_active
           join product_price pp on pp.product_id = addon.product_id and pp.billing_cycle = c.billing_cycle
           where c.user_id = $1
             and not exists (select 1 from cart_line o where o.user_id = $1 and o.product_id = addon.product_id)
           order by base.name, addon.name"#,
        user_id
    )
    .fetch_all(db)
    .await
}

pub async fn cart_of(pool: &sqlx::PgPool, user_id: Uuid) -> Result<Cart, sqlx::Error> {
    Ok(Cart { lines: lines(pool, user_id).await?, add_ons: add_on_offers(pool, user_id).await? })
}

/// False when no active product with that SKU has a price at that billing option.
#[tracing::instrument(name = "cart.add", skip(db))]
pub async fn add(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    sku: &str,
    cycle: BillingCycle,
    quantity: i32,
) -> Result<bool, sqlx::Error> {
    let added = sqlx::query_scalar!(
        r#"insert into cart_line (user_id, product_id, billing_cycle, quantity)
           select $1, p.product_id, $3, $4
           from product p
           join product_price pp on pp.product_id = p.product_id and pp.billing_cycle = $3
           where p.sku = $2 and p.is_active
           on conflict (user_id, product_id) do update set
               -- Same option: more licences. Other option: the new choice replaces the line.
               quantity = case when cart_line.billing_cycle = excluded.billing_cycle
                               then least(cart_line.quantity + excluded.quantity, 10000)
                               else excluded.quantity end,
               billing_cycle = excluded.billing_cycle
           returning 1 as "one!""#,
        user_id,
        sku,
        cycle as BillingCycle,
        quantity
    )
    .fetch_optional(db)
    .await?;
    Ok(added.is_some())
}

#[tracing::instrument(name = "cart.set_quantity", skip(db))]
pub async fn set_quantity(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    sku: &str,
    quantity: i32,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "update cart_line set quantity = $3
         where user_id = $1 and product_id = (select product_id from product where sku = $2)",
        user_id,
        sku,
        quantity
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
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
