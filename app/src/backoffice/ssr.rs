//! The back office's to-do lists: one query each for its first rows and, in the same query, its total.

use sqlx::PgPool;

use crate::components::format_money;
use crate::components::{TODOS_SHOWN as SHOWN, Todo, TodoList};

/// A partner is near its limit from this share of it on (used ÷ limit).
const NEAR_LIMIT_PERCENT: i64 = 80;
/// Mail still pending after this long did not go out (a down or missing mail server).
const MAIL_LATE_MINUTES: i32 = 15;

/// Partner applications nobody has decided yet, oldest first.
pub async fn applications_waiting(db: &PgPool) -> Result<TodoList, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select number, company_name, tax_number, submitted_at, count(*) over () as "total!"
           from partner_application where status = 'submitted'
           order by submitted_at, number limit $1"#,
        SHOWN
    )
    .fetch_all(db)
    .await?;
    Ok(TodoList::from_rows(
        rows,
        |r| r.total,
        |r| Todo {
            title: r.company_name,
            detail: format!("#{}{}", r.number, r.tax_number.map(|t| format!(" · {t}")).unwrap_or_default()),
            href: format!("/backoffice/applications/{}", r.number),
            since: Some(r.submitted_at),
        },
    ))
}

/// Orders over their partner's available credit, waiting for credit control, oldest first.
pub async fn credit_approvals_waiting(db: &PgPool) -> Result<TodoList, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select so.order_number, so.term_value, so.currency as "currency: crate::domain::Currency",
                  so.created_at, p.name as partner_name, count(*) over () as "total!"
           from sales_order so join organisation p on p.organisation_id = so.partner_id
           where so.status = 'awaiting_credit_approval'
           order by so.created_at, so.order_number limit $1"#,
        SHOWN
    )
    .fetch_all(db)
    .await?;
    Ok(TodoList::from_rows(
        rows,
        |r| r.total,
        |r| Todo {
            title: format!("{} · {}", r.order_number, r.partner_name),
            detail: format_money(r.term_value, r.currency),
            href: format!("/backoffice/orders/{}", r.order_number),
            since: Some(r.created_at),
        },
    ))
}

/// Partners using [`NEAR_LIMIT_PERCENT`] or more of their credit limit, fullest first.
pub async fn partners_near_limit(db: &PgPool) -> Result<TodoList, sqlx::Error> {
    let rows = sqlx::query!(
        r#"with usage as (
               select pa.organisation_id, o.name, pa.credit_limit, pa.currency,
                      partner_credit_used(pa.organisation_id) as used
               from partner pa join organisation o using (organisation_id)
               where pa.credit_limit > 0)
           select organisation_id, name, credit_limit, currency as "currency: crate::domain::Currency",
                  used as "used!", count(*) over () as "total!"
           from usage where used * 100 >= credit_limit * $1
           order by used / credit_limit desc, name limit $2"#,
        rust_decimal::Decimal::from(NEAR_LIMIT_PERCENT),
        SHOWN
    )
    .fetch_all(db)
    .await?;
    Ok(TodoList::from_rows(
        rows,
        |r| r.total,
        |r| {
            let percent = (r.used * rust_decimal::Decimal::ONE_HUNDRED / r.credit_limit).round();
            Todo {
                title: r.name,
                detail: format!(
                    "{percent} % · {} / {}",
                    format_money(r.used, r.currency),
                    format_money(r.credit_limit, r.currency)
                ),
                href: format!("/backoffice/partners/{}", r.organisation_id),
                since: None,
            }
        },
    ))
}

/// Jobs that failed for good, newest first: operations resubmit or look into them.
pub async fn dead_jobs(db: &PgPool) -> Result<TodoList, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select kind, last_error, updated_at, count(*) over () as "total!"
           from job where state = 'dead'
           order by updated_at desc, job_id limit $1"#,
        SHOWN
    )
    .fetch_all(db)
    .await?;
    Ok(TodoList::from_rows(
        rows,
        |r| r.total,
        |r| Todo {
            title: r.kind,
            detail: r.last_error.map(|e| e.chars().take(160).collect()).unwrap_or_default(),
            href: "/backoffice/jobs".to_owned(),
            since: Some(r.updated_at),
        },
    ))
}

/// Mail that failed, or is still pending after [`MAIL_LATE_MINUTES`], oldest first.
pub async fn undelivered_mail(db: &PgPool) -> Result<TodoList, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select recipient, subject, created_at, count(*) over () as "total!"
           from email_outbox
           where status = 'failed' or (status = 'pending' and created_at < now() - make_interval(mins => $1))
           order by created_at, outbox_id limit $2"#,
        MAIL_LATE_MINUTES,
        SHOWN
    )
    .fetch_all(db)
    .await?;
    Ok(TodoList::from_rows(
        rows,
        |r| r.total,
        |r| Todo {
            title: r.subject,
            detail: r.recipient,
            href: "/backoffice/outbox".to_owned(),
            since: Some(r.created_at),
        },
    ))
}
