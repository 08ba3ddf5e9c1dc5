//! What needs the partner's attention, for its Control Panel home (issue #20): one query per
//! kind of to-do, each scoped to the partner in its `where`, its first rows and their total.

use sqlx::PgPool;
use uuid::Uuid;

use super::{HomeTodos, HomeWork, OrderInFlight};
use crate::{
    components::{TODOS_SHOWN, Todo, TodoList, date_in, format_money},
    domain::{OrderStatus, ProvisioningStep},
    i18n::{Locale, Msg},
    provisioning::InFlight,
};

/// Renewals this many days ahead are listed.
const RENEWALS_WITHIN_DAYS: i32 = 30;

pub async fn home_todos(db: &PgPool, partner_id: Uuid, locale: Locale) -> Result<HomeTodos, sqlx::Error> {
    Ok(HomeTodos {
        failed: failed_provisioning(db, partner_id, locale).await?,
        awaiting_credit: awaiting_credit(db, partner_id).await?,
        cancellations: cancellations_to_open(db, partner_id).await?,
        relationships: relationships_pending(db, partner_id).await?,
        renewals: renewals_ahead(db, partner_id, locale).await?,
    })
}

/// Orders whose provisioning failed, with the fix Partner Center's refusal calls for.
async fn failed_provisioning(db: &PgPool, partner_id: Uuid, locale: Locale) -> Result<TodoList, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select so.order_number, c.name as customer_name, so.failure_code, so.failure_detail, so.created_at,
                  count(*) over () as "total!"
           from sales_order so join organisation c on c.organisation_id = so.customer_id
           where so.partner_id = $1 and so.status = 'provisioning_failed'
           order by so.created_at, so.order_number limit $2"#,
        partner_id,
        TODOS_SHOWN
    )
    .fetch_all(db)
    .await?;
    Ok(TodoList::from_rows(
        rows,
        |r| r.total,
        |r| {
            let failure =
                crate::provisioning::failure(r.failure_code, r.failure_detail.as_deref().unwrap_or_default(), None);
            Todo {
                title: format!("{} · {}", r.order_number, r.customer_name),
                detail: failure.fix.render(locale),
                href: format!("/cp/orders/{}", r.order_number),
                since: Some(r.created_at),
            }
        },
    ))
}

/// Orders over the available credit, waiting for the distributor's credit control.
async fn awaiting_credit(db: &PgPool, partner_id: Uuid) -> Result<TodoList, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select so.order_number, c.name as customer_name, so.term_value,
                  so.currency as "currency: crate::domain::Currency", so.created_at, count(*) over () as "total!"
           from sales_order so join organisation c on c.organisation_id = so.customer_id
           where so.partner_id = $1 and so.status = 'awaiting_credit_approval'
           order by so.created_at, so.order_number limit $2"#,
        partner_id,
        TODOS_SHOWN
    )
    .fetch_all(db)
    .await?;
    Ok(TodoList::from_rows(
        rows,
        |r| r.total,
        |r| Todo {
            title: format!("{} · {}", r.order_number, r.customer_name),
            detail: format_money(r.term_value, r.currency),
            href: format!("/cp/orders/{}", r.order_number),
            since: Some(r.created_at),
        },
    ))
}

/// Customers' cancellation requests (Cancellation Orders in status New) waiting for "Open Order".
async fn cancellations_to_open(db: &PgPool, partner_id: Uuid) -> Result<TodoList, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select so.order_number, c.name as customer_name, p.name as "product_name?", so.created_at,
                  count(*) over () as "total!"
           from sales_order so
           join organisation c on c.organisation_id = so.customer_id
           left join subscription_change ch on ch.order_id = so.order_id
           left join subscription s on s.subscription_id = ch.subscription_id
           left join product p on p.product_id = s.product_id
           where so.partner_id = $1 and so.kind = 'cancellation' and so.status = 'new'
           order by so.created_at, so.order_number limit $2"#,
        partner_id,
        TODOS_SHOWN
    )
    .fetch_all(db)
    .await?;
    Ok(TodoList::from_rows(
        rows,
        |r| r.total,
        |r| Todo {
            title: format!("{} · {}", r.order_number, r.customer_name),
            detail: r.product_name.unwrap_or_default(),
            href: format!("/cp/orders/{}", r.order_number),
            since: Some(r.created_at),
        },
    ))
}

/// Customers with a tenant whose admin has not accepted the reseller relationship yet.
async fn relationships_pending(db: &PgPool, partner_id: Uuid) -> Result<TodoList, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select o.name, c.tenant_prefix as "tenant_prefix!", count(*) over () as "total!"
           from customer c join organisation o using (organisation_id)
           where o.parent_id = $1 and c.tenant_prefix is not null and c.relationship_accepted_at is null
           order by o.name, c.organisation_id limit $2"#,
        partner_id,
        TODOS_SHOWN
    )
    .fetch_all(db)
    .await?;
    Ok(TodoList::from_rows(
        rows,
        |r| r.total,
        |r| Todo {
            title: r.name,
            detail: crate::domain::initial_domain(&r.tenant_prefix),
            href: "/cp/customers/relationship".to_owned(),
            since: None,
        },
    ))
}

/// Active subscriptions whose term ends within [`RENEWALS_WITHIN_DAYS`]: whether they renew, and
/// with how many licences.
async fn renewals_ahead(db: &PgPool, partner_id: Uuid, locale: Locale) -> Result<TodoList, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select p.name as product_name, o.name as customer_name, s.customer_id, s.quantity,
                  s.auto_renew, s.renewal_quantity, s.term_end as "term_end!", count(*) over () as "total!"
           from subscription s
           join organisation o on o.organisation_id = s.customer_id
           join product p on p.product_id = s.product_id
           where o.parent_id = $1 and s.status = 'active' and s.term_end is not null
             and s.term_end <= market_now() + make_interval(days => $2)
           order by s.term_end, s.subscription_id limit $3"#,
        partner_id,
        RENEWALS_WITHIN_DAYS,
        TODOS_SHOWN
    )
    .fetch_all(db)
    .await?;
    Ok(TodoList::from_rows(
        rows,
        |r| r.total,
        |r| {
            let when = if r.auto_renew { Msg::RenewsOn } else { Msg::EndsOn };
            let count = r.renewal_quantity.unwrap_or(r.quantity);
            let detail = if r.auto_renew {
                format!(
                    "{} {} · {}: {count}",
                    when.text(locale),
                    date_in(r.term_end.date(), locale),
                    Msg::LicencesAtRenewal.text(locale)
                )
            } else {
                format!(
                    "{} {} · {}",
                    when.text(locale),
                    date_in(r.term_end.date(), locale),
                    Msg::AutoRenewIsOff.text(locale)
                )
            };
            Todo {
                title: format!("{} · {}", r.product_name, r.customer_name),
                detail,
                href: format!("/cp/customers/{}", r.customer_id),
                since: Some(r.term_end),
            }
        },
    ))
}

/// The lower half of the home: orders on their way (with where each stands), the credit and
/// where it goes, and this month's charges not billed yet.
pub async fn home_work(db: &PgPool, partner_id: Uuid) -> Result<Option<HomeWork>, sqlx::Error> {
    let Some(usage) = crate::billing::ssr::usage(db, partner_id).await? else { return Ok(None) };
    let in_flight = sqlx::query!(
        r#"select so.order_number, so.status as "status: OrderStatus", c.name as customer_name,
                  lp.step as "step?: ProvisioningStep", lp.percent as "percent?"
           from sales_order so
           join organisation c on c.organisation_id = so.customer_id
           left join lateral (
               select step, percent from order_progress op
               where op.order_id = so.order_id and op.run = so.provisioning_run
               order by op.progress_id desc limit 1) lp on true
           where so.partner_id = $1 and so.status in ('submitted', 'provisioning')
           order by so.order_number desc limit $2"#,
        partner_id,
        TODOS_SHOWN
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| OrderInFlight {
        customer_name: r.customer_name,
        in_flight: InFlight {
            order_number: r.order_number,
            status: r.status,
            step: r.step,
            percent: r.percent.unwrap_or(0),
        },
    })
    .collect();
    let month = sqlx::query!(
        r#"select coalesce(sum(amount), 0) as "amount!", count(*) as "charges!"
           from charge
           where partner_id = $1 and statement_id is null
             and date_trunc('month', occurred_at at time zone 'UTC') = date_trunc('month', market_now() at time zone 'UTC')"#,
        partner_id
    )
    .fetch_one(db)
    .await?;
    let gauge = crate::billing::rules::gauge_stretches(
        usage.credit_limit,
        &[usage.unpaid_statements, usage.unbilled_charges, usage.open_orders],
    );
    let in_use_percent = gauge.iter().map(|(_, width)| *width).sum::<rust_decimal::Decimal>().round();
    Ok(Some(HomeWork {
        in_flight,
        usage,
        gauge,
        in_use_percent,
        unbilled_this_month: month.amount,
        charges_this_month: month.charges,
    }))
}
