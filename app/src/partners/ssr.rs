//! Partners in the database: the distributor's list, a partner's Control Panel overview, its
//! credit limit, and the nightly Partner-of-Record check of every partner's Partner ID.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::{PartnerOverview, PartnerSummary};
use crate::i18n::{Say, Text};
use crate::{
    audit::{self, AuditEntry},
    auth::ssr::AuthUser,
    domain::PartnerOfRecordRefusal,
    error::AppError,
    jobs::{self, Job, JobError},
    partner_center::{PartnerCenter, PartnerCenterError, VALIDATE_RESELLERS_AT_ONCE},
};

#[tracing::instrument(name = "partners.list", skip(db))]
pub async fn list_partners(db: impl PgExecutor<'_>) -> Result<Vec<PartnerSummary>, sqlx::Error> {
    sqlx::query_as!(
        PartnerSummary,
        r#"select o.organisation_id as "partner_id: crate::domain::PartnerId", o.name, p.mpn_id, p.credit_limit,
                  p.credit_limit - partner_credit_used(o.organisation_id) as "available!", p.currency as "currency!: crate::domain::Currency",
                  (select count(*) from organisation c where c.parent_id = o.organisation_id) as "customers!"
           from organisation o join partner p using (organisation_id)
           order by o.name"#
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(name = "partners.overview", skip(db))]
pub async fn overview(db: impl PgExecutor<'_>, partner_id: Uuid) -> Result<Option<PartnerOverview>, sqlx::Error> {
    // The latest check warns only while it is about the Partner ID the partner has now.
    let row = sqlx::query!(
        r#"select o.name,
                  (select count(*) from product where is_active) as "products!",
                  (select count(*) from organisation c where c.parent_id = o.organisation_id) as "customers!",
                  p.credit_limit, p.currency as "currency!: crate::domain::Currency", p.mpn_id,
                  case when p.partner_of_record_checked_id = p.mpn_id then p.partner_of_record_refusal end
                      as "refusal: PartnerOfRecordRefusal"
           from organisation o join partner p using (organisation_id)
           where o.organisation_id = $1"#,
        partner_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| PartnerOverview {
        name: r.name,
        products: r.products,
        customers: r.customers,
        credit_limit: r.credit_limit,
        currency: r.currency,
        partner_id_warning: match (r.refusal, r.mpn_id) {
            (Some(refusal), Some(mpn)) => Some(Text::from(refusal.to_partner(&mpn))),
            _ => None,
        },
    }))
}

pub async fn set_credit_limit(
    pool: &PgPool,
    by: &AuthUser,
    partner_id: crate::domain::PartnerId,
    limit: Decimal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let old = sqlx::query_scalar!(
        "select credit_limit from partner where organisation_id = $1 for no key update",
        partner_id.get()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::PartnerNotFound))?;
    sqlx::query!("update partner set credit_limit = $2 where organisation_id = $1", partner_id.get(), limit)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(by.user_id),
            acting_as: None,
            action: "partner.credit_limit_changed",
            target_type: "organisation",
            target_id: partner_id.to_string(),
            detail: json!({ "from": old, "to": limit }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One night's Partner-of-Record check of every partner's Partner ID (Microsoft's
/// `validateresellers`), so a partner whose ID lapsed hears of it on its Control Panel before
/// an order or a change is refused for it.
#[derive(Debug, Serialize, Deserialize)]
pub struct CheckPartnersOfRecord {
    /// The UTC day it is for, `YYYY-MM-DD`: one run per day, whichever process queued it.
    pub day: String,
}

impl Job for CheckPartnersOfRecord {
    const KIND: &'static str = "check_partners_of_record";
    const MAX_ATTEMPTS: i32 = 5;

    fn dedup_key(&self) -> Option<String> {
        Some(self.day.clone())
    }
}

/// Queues today's check (nothing if it is already queued or done).
pub async fn schedule_partner_of_record_checks(pool: &PgPool) -> Result<(), sqlx::Error> {
    let day = time::OffsetDateTime::now_utc().date().to_string();
    let mut conn = pool.acquire().await?;
    jobs::enqueue(&mut conn, &CheckPartnersOfRecord { day }).await?;
    Ok(())
}

/// The job's handler: asks Partner Center about every partner's Partner ID, a batch at a time,
/// and records each answer on the partner. Running it again records the same answers, so a retry
/// after a batch failed is harmless. Returns how many partners were refused.
pub async fn check_partners_of_record(pool: &PgPool, partner_center: &PartnerCenter) -> Result<usize, JobError> {
    let retry = |e: sqlx::Error| JobError::retryable(e.to_string());
    let ids =
        sqlx::query_scalar!(r#"select distinct mpn_id as "mpn_id!" from partner where mpn_id is not null order by 1"#)
            .fetch_all(pool)
            .await
            .map_err(retry)?;
    let mut refused = 0;
    for batch in ids.chunks(VALIDATE_RESELLERS_AT_ONCE) {
        let answers = partner_center.validate_resellers(batch).await.map_err(|e| match e {
            PartnerCenterError::Unavailable { message, retry_after } => {
                JobError::Retryable { message, after: retry_after }
            }
            refused => JobError::Fatal(refused.to_string()),
        })?;
        let (checked, refusals): (Vec<String>, Vec<Option<&str>>) = answers
            .iter()
            .filter(|answer| batch.contains(&answer.partner_id))
            .map(|answer| (answer.partner_id.clone(), answer.refusal().map(PartnerOfRecordRefusal::code)))
            .unzip();
        refused += refusals.iter().filter(|r| r.is_some()).count();
        record_partner_of_record_answers(pool, &checked, &refusals).await.map_err(retry)?;
    }
    tracing::info!(checked = ids.len(), refused, "partners of record checked");
    Ok(refused)
}

/// Stamps each partner whose Partner ID is in `ids` with its answer (`refusals`, by position).
async fn record_partner_of_record_answers(
    db: impl PgExecutor<'_>,
    ids: &[String],
    refusals: &[Option<&str>],
) -> Result<(), sqlx::Error> {
    let refusals: Vec<Option<String>> = refusals.iter().map(|r| r.map(str::to_owned)).collect();
    sqlx::query!(
        "update partner p
         set partner_of_record_checked_at = now(), partner_of_record_checked_id = v.mpn_id,
             partner_of_record_refusal = v.refusal::partner_of_record_refusal
         from unnest($1::text[], $2::text[]) as v(mpn_id, refusal)
         where p.mpn_id = v.mpn_id",
        ids,
        &refusals as &[Option<String>]
    )
    .execute(db)
    .await?;
    Ok(())
}
