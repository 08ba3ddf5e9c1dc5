//! Invoicing in the database: the rate table and its feed, issuing a statement's invoices (one
//! transaction per statement, numbers taken from the series row), payments with their exchange
//! differences, and the jobs that send invoices and follow their status.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgExecutor, PgPool};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use super::{
    InvoiceSummary, InvoiceView, IssueOutcome, PartnerInvoicing, RateRow, RatesOverview, Skipped, TaxDetails, document,
    rules::{self, DayRate},
    ubl,
};
use crate::{
    audit::{self, AuditEntry},
    auth::ssr::AuthUser,
    domain::{
        Currency, InvoiceKind, InvoiceNumber, InvoiceProfile, InvoiceRateType, InvoiceStatus, Money, PartnerId,
        RateBasis, RateSource, StatementNumber, TaxNumber,
    },
    error::AppError,
    gib::{
        Integrator, IntegratorError, TcmbFeed,
        integrator::{RemoteState, SendRequest},
        tcmb::{Bulletin, Fetched},
    },
    i18n::{Locale, Say, Text},
    jobs::{self, Job, JobError},
};

// Settings and tax identities.

pub struct Settings {
    pub e_invoice_series: String,
    pub e_archive_series: String,
    pub rate_basis: RateBasis,
}

pub async fn settings(db: impl PgExecutor<'_>) -> Result<Settings, sqlx::Error> {
    sqlx::query_as!(
        Settings,
        r#"select e_invoice_series as "e_invoice_series!", e_archive_series as "e_archive_series!",
                  rate_basis as "rate_basis: RateBasis"
           from invoicing_settings"#
    )
    .fetch_one(db)
    .await
}

impl Settings {
    /// The series a partner's invoices are numbered in: GİB keeps e-Fatura and e-Arşiv apart.
    fn series(&self, profile: InvoiceProfile) -> &str {
        if profile.is_e_invoice() { &self.e_invoice_series } else { &self.e_archive_series }
    }
}

pub async fn save_settings(
    pool: &PgPool,
    user: &AuthUser,
    e_invoice: &str,
    e_archive: &str,
    basis: RateBasis,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let old = settings(&mut *tx).await?;
    sqlx::query!(
        "update invoicing_settings set e_invoice_series = $1, e_archive_series = $2, rate_basis = $3,
                updated_by = $4, updated_at = now()",
        e_invoice,
        e_archive,
        basis as RateBasis,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "invoicing.settings_changed",
            target_type: "invoicing_settings",
            target_id: "distributor".into(),
            detail: json!({
                "from": { "e_invoice_series": old.e_invoice_series, "e_archive_series": old.e_archive_series,
                          "rate_basis": old.rate_basis },
                "to": { "e_invoice_series": e_invoice, "e_archive_series": e_archive, "rate_basis": basis },
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The tax identity typed into a form, every field checked at once.
pub fn parse_details(
    tax_number: &str,
    tax_office: &str,
    address: &str,
    district: &str,
    city: &str,
) -> Result<TaxDetails, AppError> {
    let mut errors = Vec::new();
    let tax_number = match TaxNumber::parse(tax_number) {
        Ok(number) => number.as_ref().to_owned(),
        Err(m) => {
            errors.push(crate::error::FieldError::new("tax_number", m));
            String::new()
        }
    };
    let mut text = |field: &str, raw: &str, required: bool| {
        let value = raw.trim().to_owned();
        if (required && value.chars().count() < 2) || value.chars().count() > 100 {
            errors.push(crate::error::FieldError::new(field, Say::TaxDetailLength { min: 2, max: 100 }));
        }
        value
    };
    let tax_office = text("tax_office", tax_office, true);
    let district = text("district", district, true);
    let city = text("city", city, true);
    let address = address.trim().to_owned();
    if address.chars().count() > 300 {
        errors.push(crate::error::FieldError::new("address", Say::AddressTooLong { max: 300 }));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(TaxDetails { name: String::new(), tax_number, tax_office, address, district, city })
}

struct DetailsRow {
    name: String,
    tax_number: Option<String>,
    tax_office: Option<String>,
    address: Option<String>,
    district: Option<String>,
    city: Option<String>,
}

impl From<DetailsRow> for TaxDetails {
    fn from(r: DetailsRow) -> Self {
        Self {
            name: r.name,
            tax_number: r.tax_number.unwrap_or_default(),
            tax_office: r.tax_office.unwrap_or_default(),
            address: r.address.unwrap_or_default(),
            district: r.district.unwrap_or_default(),
            city: r.city.unwrap_or_default(),
        }
    }
}

/// The party an invoice can name, or `None` while something GİB needs is missing.
fn party(details: &TaxDetails) -> Option<ubl::Party> {
    let number_ok =
        matches!(details.tax_number.len(), 10 | 11) && details.tax_number.bytes().all(|b| b.is_ascii_digit());
    let filled = |s: &str| s.trim().chars().count() >= 2;
    (number_ok
        && filled(&details.name)
        && filled(&details.tax_office)
        && filled(&details.district)
        && filled(&details.city))
    .then(|| ubl::Party {
        name: details.name.trim().to_owned(),
        tax_number: details.tax_number.clone(),
        tax_office: details.tax_office.trim().to_owned(),
        address: details.address.trim().to_owned(),
        district: details.district.trim().to_owned(),
        city: details.city.trim().to_owned(),
    })
}

/// The distributor: the seller on every invoice.
pub async fn distributor(db: impl PgExecutor<'_>) -> Result<(Uuid, TaxDetails), sqlx::Error> {
    let row = sqlx::query!(
        "select organisation_id, name, tax_number, tax_office, address, district, city from organisation
         where kind = 'distributor' order by created_at limit 1"
    )
    .fetch_one(db)
    .await?;
    let details = DetailsRow {
        name: row.name,
        tax_number: row.tax_number,
        tax_office: row.tax_office,
        address: row.address,
        district: row.district,
        city: row.city,
    };
    Ok((row.organisation_id, details.into()))
}

pub async fn save_distributor(pool: &PgPool, user: &AuthUser, details: &TaxDetails) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let (id, old) = distributor(&mut *tx).await?;
    save_details(&mut tx, id, details).await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "invoicing.distributor_details_changed",
            target_type: "organisation",
            target_id: id.to_string(),
            detail: json!({ "from": details_json(&old), "to": details_json(details) }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn details_json(d: &TaxDetails) -> serde_json::Value {
    json!({ "tax_number": d.tax_number, "tax_office": d.tax_office, "address": d.address,
            "district": d.district, "city": d.city })
}

async fn save_details(conn: &mut PgConnection, organisation: Uuid, d: &TaxDetails) -> Result<(), sqlx::Error> {
    let address = Some(d.address.as_str()).filter(|a| !a.is_empty());
    sqlx::query!(
        "update organisation set tax_number = $2, tax_office = $3, address = coalesce($4, address), district = $5, city = $6
         where organisation_id = $1",
        organisation,
        d.tax_number,
        d.tax_office,
        address,
        d.district,
        d.city
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn partner_invoicing(
    db: impl PgExecutor<'_>,
    partner_id: PartnerId,
) -> Result<Option<PartnerInvoicing>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select o.name, o.tax_number, o.tax_office, o.address, o.district, o.city,
                  p.invoice_profile as "invoice_profile: InvoiceProfile", p.agreed_rate
           from partner p join organisation o using (organisation_id) where p.organisation_id = $1"#,
        partner_id.get()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| PartnerInvoicing {
        partner_id,
        details: DetailsRow {
            name: r.name,
            tax_number: r.tax_number,
            tax_office: r.tax_office,
            address: r.address,
            district: r.district,
            city: r.city,
        }
        .into(),
        invoice_profile: r.invoice_profile,
        agreed_rate: r.agreed_rate.map(|rate| rate.normalize()),
    }))
}

pub async fn save_partner_details(
    pool: &PgPool,
    user: &AuthUser,
    partner_id: PartnerId,
    details: &TaxDetails,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let old = sqlx::query_scalar!(
        "select organisation_id from partner where organisation_id = $1 for update",
        partner_id.get()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::PartnerNotFound))?;
    let old_details = partner_invoicing(&mut *tx, PartnerId(old)).await?.map(|p| p.details).unwrap_or_default();
    save_details(&mut tx, partner_id.get(), details).await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "partner.tax_details_changed",
            target_type: "organisation",
            target_id: partner_id.to_string(),
            detail: json!({ "from": details_json(&old_details), "to": details_json(details) }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn save_partner_invoicing(
    pool: &PgPool,
    user: &AuthUser,
    partner_id: PartnerId,
    profile: InvoiceProfile,
    agreed_rate: Option<Decimal>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let old = sqlx::query!(
        r#"select p.invoice_profile as "invoice_profile: InvoiceProfile", p.agreed_rate
           from partner p where p.organisation_id = $1 for update"#,
        partner_id.get()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::PartnerNotFound))?;
    sqlx::query!(
        "update partner set invoice_profile = $2, agreed_rate = $3 where organisation_id = $1",
        partner_id.get(),
        profile as InvoiceProfile,
        agreed_rate
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "partner.invoicing_changed",
            target_type: "organisation",
            target_id: partner_id.to_string(),
            detail: json!({
                "from": { "invoice_profile": old.invoice_profile, "agreed_rate": old.agreed_rate },
                "to": { "invoice_profile": profile, "agreed_rate": agreed_rate },
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// Exchange rates.

/// Keeps a bulletin's rates; a day already known (from TCMB, or entered by hand while the feed
/// was down) is left as it is. Returns how many rows were new.
pub async fn store_bulletin(conn: &mut PgConnection, bulletin: &Bulletin) -> Result<u64, sqlx::Error> {
    let mut added = 0;
    for quote in &bulletin.quotes {
        added += sqlx::query!(
            "insert into exchange_rate (currency, rate_date, forex_buying, forex_selling, source, bulletin)
             values ($1, $2, $3, $4, 'tcmb', $5) on conflict (currency, rate_date) do nothing",
            quote.currency.code(),
            bulletin.date,
            quote.buying,
            quote.selling,
            bulletin.number
        )
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    // A day TCMB did publish is no holiday, whatever an earlier look found.
    sqlx::query!("delete from rate_holiday where rate_date = $1", bulletin.date).execute(&mut *conn).await?;
    Ok(added)
}

async fn today(db: impl PgExecutor<'_>) -> Result<(OffsetDateTime, Date), sqlx::Error> {
    let now = sqlx::query_scalar!(r#"select market_now() as "now!""#).fetch_one(db).await?;
    Ok((now, rules::istanbul_date(now)))
}

/// How many days back the feed fills in missing business days.
const BACKFILL_DAYS: i64 = 10;

/// Loads TCMB's latest bulletin and the archive files of recent business days that are still
/// missing; a past weekday TCMB has no file for is recorded as a holiday. Returns how many days'
/// rates were new. The feed being down is an `Err` naming what failed.
pub async fn fetch_rates(pool: &PgPool, feed: &TcmbFeed) -> Result<usize, String> {
    let (_, today) = today(pool).await.map_err(|e| e.to_string())?;
    let mut loaded = 0;
    let mut conn = pool.acquire().await.map_err(|e| e.to_string())?;
    if let Fetched::Bulletin(bulletin) = feed.latest().await? {
        loaded += usize::from(store_bulletin(&mut conn, &bulletin).await.map_err(|e| e.to_string())? > 0);
    }
    let from = today - Duration::days(BACKFILL_DAYS);
    let known = sqlx::query_scalar!(
        "select rate_date from exchange_rate where currency = 'USD' and rate_date >= $1
         union select rate_date from rate_holiday where rate_date >= $1",
        from
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| e.to_string())?;
    let mut day = from;
    while day < today {
        if !rules::is_weekend(day) && !known.contains(&Some(day)) {
            match feed.of_day(day).await? {
                Fetched::Bulletin(bulletin) if bulletin.date == day => {
                    loaded += usize::from(store_bulletin(&mut conn, &bulletin).await.map_err(|e| e.to_string())? > 0);
                }
                Fetched::Bulletin(other) => {
                    return Err(format!("TCMB's file for {day} holds the bulletin of {}", other.date));
                }
                Fetched::NoBulletin => {
                    sqlx::query!("insert into rate_holiday (rate_date) values ($1) on conflict do nothing", day)
                        .execute(&mut *conn)
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        day += Duration::days(1);
    }
    Ok(loaded)
}

/// Loads TCMB's rates every hour (the scheduler queues it; one job per hour however many
/// processes ask). A feed that is down is retried; credit control can enter a rate meanwhile.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoadTcmbRates {
    pub hour: String,
}

impl Job for LoadTcmbRates {
    const KIND: &'static str = "fetch_exchange_rates";
    const MAX_ATTEMPTS: i32 = 5;

    fn dedup_key(&self) -> Option<String> {
        Some(self.hour.clone())
    }
}

pub async fn run_fetch_rates(pool: &PgPool, feed: &TcmbFeed) -> Result<(), JobError> {
    let loaded = fetch_rates(pool, feed).await.map_err(JobError::retryable)?;
    if loaded > 0 {
        tracing::info!(loaded, "TCMB exchange rates loaded");
    }
    Ok(())
}

/// Credit control's rate for a day, entered while the feed was down: refused for a day TCMB
/// published (its rate stands), a correction of an earlier manual entry otherwise. Audited.
pub async fn enter_rate(
    pool: &PgPool,
    user: &AuthUser,
    currency: Currency,
    day: Date,
    buying: Decimal,
    selling: Decimal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let (_, today) = today(&mut *tx).await?;
    if day > today {
        return Err(AppError::invalid("rate_date", Say::RateDateInFuture));
    }
    let old = sqlx::query!(
        r#"select source as "source: RateSource", forex_buying, forex_selling from exchange_rate
           where currency = $1 and rate_date = $2 for update"#,
        currency.code(),
        day
    )
    .fetch_optional(&mut *tx)
    .await?;
    if old.as_ref().is_some_and(|o| o.source == RateSource::Tcmb) {
        return Err(AppError::conflict(Say::RatePublishedByTcmb { day: day.to_string() }));
    }
    sqlx::query!(
        "insert into exchange_rate (currency, rate_date, forex_buying, forex_selling, source, entered_by)
         values ($1, $2, $3, $4, 'manual', $5)
         on conflict (currency, rate_date) do update
             set forex_buying = excluded.forex_buying, forex_selling = excluded.forex_selling,
                 entered_by = excluded.entered_by, recorded_at = now()",
        currency.code(),
        day,
        buying,
        selling,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "exchange_rate.entered",
            target_type: "exchange_rate",
            target_id: format!("{currency} {day}"),
            detail: json!({
                "from": old.map(|o| json!({ "buying": o.forex_buying, "selling": o.forex_selling })),
                "to": { "buying": buying, "selling": selling },
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The rates and holidays of the days before `day` that decide its rate in force.
async fn known_before(
    conn: &mut PgConnection,
    currency: Currency,
    day: Date,
) -> Result<(Vec<DayRate>, Vec<Date>), sqlx::Error> {
    let from = day - Duration::days(rules::LOOKBACK_DAYS);
    let rates = sqlx::query!(
        "select rate_date, forex_buying, forex_selling from exchange_rate
         where currency = $1 and rate_date >= $2 and rate_date < $3",
        currency.code(),
        from,
        day
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| DayRate { date: r.rate_date, buying: r.forex_buying, selling: r.forex_selling })
    .collect();
    let holidays =
        sqlx::query_scalar!("select rate_date from rate_holiday where rate_date >= $1 and rate_date < $2", from, day)
            .fetch_all(&mut *conn)
            .await?;
    Ok((rates, holidays))
}

/// TCMB's bulletin in force on `day`, or the business day whose bulletin is missing.
async fn in_force(
    conn: &mut PgConnection,
    currency: Currency,
    day: Date,
) -> Result<Result<DayRate, Date>, sqlx::Error> {
    let (known, holidays) = known_before(conn, currency, day).await?;
    Ok(rules::rate_in_force(day, &known, &holidays))
}

/// The rate a document dated `day` is converted at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppliedRate {
    pub rate: Decimal,
    pub rate_type: InvoiceRateType,
    /// The bulletin's day; none for an agreed rate.
    pub date: Option<Date>,
}

/// The rate of `rate_type` in force on `day`: TCMB's (see `rules::rate_in_force`) or the agreed
/// one. `Err` is the message for credit control naming the missing bulletin.
pub async fn applied_rate(
    conn: &mut PgConnection,
    currency: Currency,
    rate_type: InvoiceRateType,
    agreed: Option<Decimal>,
    day: Date,
) -> Result<AppliedRate, Say> {
    let basis = match (rate_type, agreed) {
        (InvoiceRateType::Agreed, Some(rate)) => return Ok(AppliedRate { rate, rate_type, date: None }),
        (InvoiceRateType::ForexSelling, _) => RateBasis::ForexSelling,
        _ => RateBasis::ForexBuying,
    };
    match in_force(conn, currency, day).await.map_err(|e| {
        tracing::error!(error = %e, "reading exchange rates");
        Say::SomethingWentWrong
    })? {
        Ok(rate) => Ok(AppliedRate {
            rate: if basis == RateBasis::ForexSelling { rate.selling } else { rate.buying },
            rate_type: basis.rate_type(),
            date: Some(rate.date),
        }),
        Err(missing) => {
            Err(Say::RateMissing { currency: currency.to_string(), day: missing.to_string(), date: day.to_string() })
        }
    }
}

pub async fn rates_overview(pool: &PgPool, feed: &str) -> Result<RatesOverview, AppError> {
    let settings = settings(pool).await?;
    let (_, distributor) = distributor(pool).await?;
    let mut conn = pool.acquire().await?;
    let (_, today) = today(&mut *conn).await?;
    let rates = sqlx::query_as!(
        RateRow,
        r#"select currency as "currency!: Currency", rate_date, forex_buying as buying, forex_selling as selling,
                  source as "source: RateSource", bulletin
           from exchange_rate order by rate_date desc, currency limit 60"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let in_force = in_force(&mut conn, Currency::USD, today).await?.map(|rate| RateRow {
        currency: Currency::USD,
        rate_date: rate.date,
        buying: rate.buying,
        selling: rate.selling,
        source: rates
            .iter()
            .find(|r| r.currency == Currency::USD && r.rate_date == rate.date)
            .map_or(RateSource::Tcmb, |r| r.source),
        bulletin: None,
    });
    Ok(RatesOverview {
        e_invoice_series: settings.e_invoice_series,
        e_archive_series: settings.e_archive_series,
        rate_basis: settings.rate_basis,
        distributor,
        today,
        in_force,
        rates,
        feed: feed.to_owned(),
    })
}

/// The rate invoices issued today take (USD, the distributor's rate basis), or the business day
/// whose bulletin is missing.
pub async fn in_force_today(pool: &PgPool) -> Result<Result<RateRow, Date>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let (_, today) = today(&mut *conn).await?;
    Ok(in_force(&mut conn, Currency::USD, today).await?.map(|rate| RateRow {
        currency: Currency::USD,
        rate_date: rate.date,
        buying: rate.buying,
        selling: rate.selling,
        source: RateSource::Tcmb,
        bulletin: None,
    }))
}

/// Today in Istanbul, by the marketplace's clock.
pub async fn market_today(db: impl PgExecutor<'_>) -> Result<Date, sqlx::Error> {
    Ok(today(db).await?.1)
}

// Issuing.

/// A statement still waiting for its invoices, and whether its partner's tax details let it be
/// invoiced.
pub struct Waiting {
    pub statement_number: i64,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub period: Date,
    pub total: Decimal,
    pub currency: Currency,
    pub details_complete: bool,
}

pub async fn waiting(db: impl PgExecutor<'_>) -> Result<Vec<Waiting>, sqlx::Error> {
    sqlx::query_as!(
        Waiting,
        r#"select s.statement_number as "statement_number!", s.partner_id, o.name as partner_name, s.period, s.total,
                  s.currency as "currency!: Currency",
                  (coalesce(length(o.tax_number) in (10, 11), false) and o.tax_office is not null
                   and o.district is not null and o.city is not null) as "details_complete!"
           from statement s join organisation o on o.organisation_id = s.partner_id
           where (exists (select 1 from charge c where c.statement_id = s.statement_id and c.amount > 0)
                  and not exists (select 1 from invoice i where i.statement_id = s.statement_id
                                  and i.kind = 'sales' and i.status <> 'failed'))
              or (exists (select 1 from charge c where c.statement_id = s.statement_id and c.amount < 0)
                  and not exists (select 1 from invoice i where i.statement_id = s.statement_id
                                  and i.kind = 'return' and i.status <> 'failed'))
           order by s.period desc, o.name
           limit 200"#
    )
    .fetch_all(db)
    .await
}

/// What makes an invoice: everything the row, the lines and the document need.
struct NewInvoice<'a> {
    kind: InvoiceKind,
    profile: InvoiceProfile,
    partner_id: Uuid,
    statement_id: Option<Uuid>,
    issue_date: Date,
    issued_at: OffsetDateTime,
    issued_by: Option<Uuid>,
    currency: Currency,
    rate: Option<AppliedRate>,
    seller: &'a ubl::Party,
    buyer: &'a ubl::Party,
    period: Option<(Date, Date)>,
    notes: Vec<String>,
    lines: Vec<NewLine>,
    total_vat: Decimal,
}

struct NewLine {
    charge_id: Option<i64>,
    refers_to: Option<Reference>,
    customer_name: Option<String>,
    description: String,
    quantity: i32,
    service: Option<(Date, Date)>,
    amount: Decimal,
}

#[derive(Clone, Debug)]
struct Reference {
    invoice_id: Uuid,
    number: InvoiceNumber,
    issue_date: Date,
}

/// Takes the next number of `series` for a document dated `issue_date`, holding the series row
/// until the transaction ends: concurrent issuers queue, a rollback gives the number back, and a
/// date earlier than the series' last is refused (GİB wants numbers in date order).
async fn take_number(conn: &mut PgConnection, series: &str, issue_date: Date) -> Result<InvoiceNumber, AppError> {
    let year = issue_date.year();
    sqlx::query!(
        "insert into invoice_series (series, year, last_number, last_issue_date) values ($1, $2, 0, $3)
         on conflict (series, year) do nothing",
        series,
        year,
        issue_date
    )
    .execute(&mut *conn)
    .await?;
    let last = sqlx::query!(
        "select last_number, last_issue_date from invoice_series where series = $1 and year = $2 for update",
        series,
        year
    )
    .fetch_one(&mut *conn)
    .await?;
    if issue_date < last.last_issue_date {
        return Err(AppError::conflict(Say::IssueDateBeforeSeries {
            series: series.to_owned(),
            last: last.last_issue_date.to_string(),
        }));
    }
    let next = sqlx::query_scalar!(
        "update invoice_series set last_number = last_number + 1, last_issue_date = $3
         where series = $1 and year = $2 returning last_number",
        series,
        year,
        issue_date
    )
    .fetch_one(&mut *conn)
    .await?;
    InvoiceNumber::compose(series, year, next)
        .ok_or_else(|| AppError::conflict(Say::SeriesExhausted { series: series.to_owned() }))
}

fn try_money(amount: Decimal) -> String {
    Money::new(amount, Currency::TRY).in_locale(Locale::Tr)
}

fn rate_type_tr(rate_type: InvoiceRateType) -> &'static str {
    match rate_type {
        InvoiceRateType::ForexBuying => "TCMB döviz alış kuru",
        InvoiceRateType::ForexSelling => "TCMB döviz satış kuru",
        InvoiceRateType::Agreed => "taraflarca kararlaştırılan kur",
    }
}

fn day_tr(day: Date) -> String {
    crate::components::date_in(day, Locale::Tr)
}

/// Writes an invoice: its number, row, lines and archived document, and queues its sending.
async fn issue(conn: &mut PgConnection, series: &str, new: NewInvoice<'_>) -> Result<(Uuid, InvoiceNumber), AppError> {
    let number = take_number(conn, series, new.issue_date).await?;
    let invoice_id = Uuid::new_v4();
    let ettn = Uuid::new_v4();
    let amounts: Vec<Decimal> = new.lines.iter().map(|l| l.amount).collect();
    let rate = new.rate.map(|r| r.rate);
    let doc = rules::document_amounts(&amounts, new.total_vat, rate);
    let mut notes = new.notes;
    if let Some(applied) = new.rate {
        notes.push(format!(
            "Döviz kuru: 1 {} = {} TRY ({}{}).",
            new.currency,
            rules::rate_in(applied.rate, Locale::Tr),
            rate_type_tr(applied.rate_type),
            applied.date.map(|d| format!(", {}", day_tr(d))).unwrap_or_default()
        ));
        notes.push(format!(
            "TL karşılıkları: mal/hizmet toplamı {}, hesaplanan KDV (%20) {}, vergiler dahil toplam {}. TL tutarları \
             satır satır çevrilip kuruşa yuvarlanmıştır; toplamlar satırların toplamıdır.",
            try_money(doc.subtotal_try),
            try_money(doc.vat_try),
            try_money(doc.total_try)
        ));
    }
    if !new.profile.is_e_invoice() {
        notes.push("Gönderim şekli: ELEKTRONİK".to_owned());
    }
    let mut references: Vec<Reference> = Vec::new();
    for line in &new.lines {
        if let Some(r) = &line.refers_to
            && !references.iter().any(|known| known.invoice_id == r.invoice_id)
        {
            references.push(r.clone());
        }
    }
    let document = ubl::Document {
        number: number.clone(),
        ettn,
        profile: new.profile,
        kind: new.kind,
        issue_date: new.issue_date,
        issue_time: rules::istanbul_time(new.issued_at),
        currency: new.currency,
        rate: new.rate.map(|r| (r.rate, r.date)),
        period: new.period,
        supplier: new.seller.clone(),
        customer: new.buyer.clone(),
        notes,
        references: references
            .iter()
            .map(|r| ubl::Reference { number: r.number.clone(), issue_date: r.issue_date })
            .collect(),
        lines: new
            .lines
            .iter()
            .zip(&doc.lines)
            .map(|(line, a)| {
                let mut line_notes = Vec::new();
                if let Some(customer) = &line.customer_name {
                    line_notes.push(format!("Müşteri: {customer}"));
                }
                if let Some((start, end)) = line.service {
                    line_notes.push(format!("Hizmet dönemi: {} – {}", day_tr(start), day_tr(end - Duration::days(1))));
                }
                if new.rate.is_some() {
                    line_notes.push(format!(
                        "TL karşılığı: {} (KDV {})",
                        try_money(a.amount_try),
                        try_money(a.vat_try)
                    ));
                }
                ubl::Line {
                    name: line.description.clone(),
                    quantity: line.quantity,
                    unit_price: rules::unit_price(a.amount, line.quantity),
                    amount: a.amount,
                    vat: a.vat,
                    notes: line_notes,
                }
            })
            .collect(),
        subtotal: doc.subtotal,
        vat: doc.vat,
        total: doc.total,
    };
    let xml = ubl::write(&document);
    sqlx::query!(
        "insert into invoice (invoice_id, invoice_number, ettn, kind, profile, partner_id, statement_id, issue_date,
                              issued_at, issued_by, currency, rate, rate_type, rate_date, subtotal, vat, total,
                              subtotal_try, vat_try, total_try,
                              seller_name, seller_tax_number, seller_tax_office, seller_address, seller_district, seller_city,
                              buyer_name, buyer_tax_number, buyer_tax_office, buyer_address, buyer_district, buyer_city)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                 $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32)",
        invoice_id,
        number.get(),
        ettn,
        new.kind as InvoiceKind,
        new.profile as InvoiceProfile,
        new.partner_id,
        new.statement_id,
        new.issue_date,
        new.issued_at,
        new.issued_by,
        new.currency.code(),
        rate,
        new.rate.map(|r| r.rate_type) as Option<InvoiceRateType>,
        new.rate.and_then(|r| r.date),
        doc.subtotal,
        doc.vat,
        doc.total,
        doc.subtotal_try,
        doc.vat_try,
        doc.total_try,
        new.seller.name,
        new.seller.tax_number,
        new.seller.tax_office,
        new.seller.address,
        new.seller.district,
        new.seller.city,
        new.buyer.name,
        new.buyer.tax_number,
        new.buyer.tax_office,
        new.buyer.address,
        new.buyer.district,
        new.buyer.city,
    )
    .execute(&mut *conn)
    .await?;
    for (i, (line, a)) in new.lines.iter().zip(&doc.lines).enumerate() {
        sqlx::query!(
            "insert into invoice_line (invoice_id, line_no, charge_id, refers_to, customer_name, description, quantity,
                                       service_start, service_end, amount, vat, amount_try, vat_try)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            invoice_id,
            i32::try_from(i + 1).unwrap_or(i32::MAX),
            line.charge_id,
            line.refers_to.as_ref().map(|r| r.invoice_id),
            line.customer_name,
            line.description,
            line.quantity,
            line.service.map(|s| s.0),
            line.service.map(|s| s.1),
            a.amount,
            a.vat,
            a.amount_try,
            a.vat_try
        )
        .execute(&mut *conn)
        .await?;
    }
    let digest = Sha256::digest(xml.as_bytes()).to_vec();
    sqlx::query!("insert into invoice_document (invoice_id, xml, sha256) values ($1, $2, $3)", invoice_id, xml, digest)
        .execute(&mut *conn)
        .await?;
    jobs::enqueue(conn, &SendInvoice { invoice_id }).await?;
    Ok((invoice_id, number))
}

struct StatementRow {
    statement_id: Uuid,
    statement_number: i64,
    partner_id: Uuid,
    period: Date,
    vat: Decimal,
    currency: Currency,
    name: String,
    tax_number: Option<String>,
    tax_office: Option<String>,
    address: Option<String>,
    district: Option<String>,
    city: Option<String>,
    invoice_profile: InvoiceProfile,
    agreed_rate: Option<Decimal>,
}

struct ChargeRow {
    charge_id: i64,
    subscription_id: Uuid,
    customer_name: String,
    description: String,
    quantity: i32,
    service_start: Date,
    service_end: Date,
    amount: Decimal,
}

/// Issues a statement's invoices in one transaction: the sales invoice for its charges, and a
/// return (IADE) invoice for its refunds referring to the invoices that billed what is refunded.
/// A kind issued already (and not failed) is not issued again. Returns the new numbers; a
/// refusal (`Err`) leaves nothing behind, its number included.
pub async fn issue_statement(
    pool: &PgPool,
    user: Option<&AuthUser>,
    statement_id: Uuid,
    issue_date: Date,
    rate_for_date: &mut Option<(InvoiceRateType, AppliedRate)>,
) -> Result<Vec<InvoiceNumber>, AppError> {
    let mut tx = pool.begin().await?;
    let s = sqlx::query_as!(
        StatementRow,
        r#"select s.statement_id, s.statement_number as "statement_number!", s.partner_id, s.period, s.vat,
                  s.currency as "currency!: Currency", o.name, o.tax_number, o.tax_office, o.address, o.district, o.city,
                  p.invoice_profile as "invoice_profile: InvoiceProfile", p.agreed_rate
           from statement s join partner p on p.organisation_id = s.partner_id
           join organisation o on o.organisation_id = s.partner_id
           where s.statement_id = $1 for update of s"#,
        statement_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let done = sqlx::query_scalar!(
        r#"select kind as "kind: InvoiceKind" from invoice where statement_id = $1 and status <> 'failed'"#,
        statement_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let buyer_details = TaxDetails::from(DetailsRow {
        name: s.name.clone(),
        tax_number: s.tax_number.clone(),
        tax_office: s.tax_office.clone(),
        address: s.address.clone(),
        district: s.district.clone(),
        city: s.city.clone(),
    });
    let buyer = party(&buyer_details)
        .ok_or_else(|| AppError::conflict(Say::PartnerTaxDetailsMissing { partner: s.name.clone() }))?;
    let (_, seller_details) = distributor(&mut *tx).await?;
    let seller = party(&seller_details).ok_or_else(|| AppError::conflict(Say::DistributorTaxDetailsMissing))?;
    let settings = settings(&mut *tx).await?;
    let rate_type = if s.agreed_rate.is_some() { InvoiceRateType::Agreed } else { settings.rate_basis.rate_type() };
    // TCMB's rate of the day is read once per run; an agreed rate is the partner's own.
    let rate = match rate_for_date {
        Some((kind, rate)) if *kind == rate_type && rate_type != InvoiceRateType::Agreed => *rate,
        _ => {
            let rate = applied_rate(&mut tx, s.currency, rate_type, s.agreed_rate, issue_date)
                .await
                .map_err(AppError::conflict)?;
            if rate_type != InvoiceRateType::Agreed {
                *rate_for_date = Some((rate_type, rate));
            }
            rate
        }
    };
    let charges = sqlx::query_as!(
        ChargeRow,
        "select c.charge_id, c.subscription_id, co.name as customer_name, c.description, c.quantity, c.service_start,
                c.service_end, c.amount
         from charge c join organisation co on co.organisation_id = c.customer_id
         where c.statement_id = $1 and c.amount <> 0
         order by co.name, c.description, c.occurred_at, c.charge_id",
        statement_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let (now, _) = today(&mut *tx).await?;
    let series = settings.series(s.invoice_profile).to_owned();
    let statement_note = format!(
        "{} dönemi hizmet bedelleri, {} numaralı ekstre.",
        crate::components::month_in(s.period, Locale::Tr),
        s.statement_number
    );
    let period = Some((s.period, rules::period_end(s.period)));
    let line_of = |c: &ChargeRow, refers_to: Option<Reference>| NewLine {
        charge_id: Some(c.charge_id),
        refers_to,
        customer_name: Some(c.customer_name.clone()),
        description: c.description.clone(),
        quantity: c.quantity.max(1),
        service: Some((c.service_start, c.service_end)),
        amount: c.amount.abs(),
    };
    let sales: Vec<&ChargeRow> = charges.iter().filter(|c| c.amount > Decimal::ZERO).collect();
    let refunds: Vec<&ChargeRow> = charges.iter().filter(|c| c.amount < Decimal::ZERO).collect();
    let sales_amounts: Vec<Decimal> = sales.iter().map(|c| c.amount).collect();
    let sales_vat = rules::sales_vat(&sales_amounts);
    let mut issued = Vec::new();
    if !sales.is_empty() && !done.contains(&InvoiceKind::Sales) {
        let (_, number) = issue(
            &mut tx,
            &series,
            NewInvoice {
                kind: InvoiceKind::Sales,
                profile: s.invoice_profile,
                partner_id: s.partner_id,
                statement_id: Some(s.statement_id),
                issue_date,
                issued_at: now,
                issued_by: user.map(|u| u.user_id),
                currency: s.currency,
                rate: Some(rate),
                seller: &seller,
                buyer: &buyer,
                period,
                notes: vec![statement_note.clone()],
                lines: sales.iter().map(|c| line_of(c, None)).collect(),
                total_vat: sales_vat,
            },
        )
        .await?;
        issued.push(number);
    }
    if !refunds.is_empty() && !done.contains(&InvoiceKind::Return) {
        let subscriptions: Vec<Uuid> = refunds.iter().map(|c| c.subscription_id).collect();
        let originals = sqlx::query!(
            r#"select distinct on (c.subscription_id) c.subscription_id, i.invoice_id,
                      i.invoice_number as "invoice_number: InvoiceNumber", i.issue_date
               from invoice_line l join invoice i using (invoice_id) join charge c on c.charge_id = l.charge_id
               where i.kind = 'sales' and i.status <> 'failed' and c.subscription_id = any($1)
               order by c.subscription_id, i.issue_date desc, i.invoice_number desc"#,
            &subscriptions
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut lines = Vec::new();
        for refund in &refunds {
            let Some(original) = originals.iter().find(|o| o.subscription_id == refund.subscription_id) else {
                return Err(AppError::conflict(Say::RefundWithoutInvoice {
                    customer: refund.customer_name.clone(),
                    product: refund.description.clone(),
                }));
            };
            let reference = Reference {
                invoice_id: original.invoice_id,
                number: original.invoice_number.clone(),
                issue_date: original.issue_date,
            };
            lines.push(line_of(refund, Some(reference)));
        }
        let numbers: Vec<String> = {
            let mut numbers: Vec<String> =
                lines.iter().filter_map(|l| l.refers_to.as_ref().map(|r| r.number.to_string())).collect();
            numbers.dedup();
            numbers
        };
        // GİB accepts a return (IADE) only as TEMELFATURA among the e-Fatura profiles.
        let profile =
            if s.invoice_profile == InvoiceProfile::Commercial { InvoiceProfile::Basic } else { s.invoice_profile };
        let (_, number) = issue(
            &mut tx,
            &series,
            NewInvoice {
                kind: InvoiceKind::Return,
                profile,
                partner_id: s.partner_id,
                statement_id: Some(s.statement_id),
                issue_date,
                issued_at: now,
                issued_by: user.map(|u| u.user_id),
                currency: s.currency,
                rate: Some(rate),
                seller: &seller,
                buyer: &buyer,
                period,
                notes: vec![
                    statement_note,
                    format!("İade ve iptal alacakları; iade edilen faturalar: {}.", numbers.join(", ")),
                ],
                lines,
                total_vat: rules::return_vat(s.vat, sales_vat),
            },
        )
        .await?;
        issued.push(number);
    }
    if !issued.is_empty() {
        audit::record(
            &mut *tx,
            AuditEntry {
                actor: user.map(|u| u.user_id),
                acting_as: None,
                action: "invoice.issued",
                target_type: "statement",
                target_id: StatementNumber(s.statement_number).to_string(),
                detail: json!({ "invoices": issued, "issue_date": issue_date, "rate": rate.rate,
                                "rate_type": rate.rate_type, "rate_date": rate.date }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(issued)
}

/// Issues the invoices of every statement of `period` not invoiced yet, dated `issue_date`
/// (today by default), each statement in a transaction of its own. A missing rate stops the
/// run before anything is issued; a statement that cannot be invoiced (its partner's tax
/// details missing) is skipped and reported.
pub async fn issue_period(
    pool: &PgPool,
    user: Option<&AuthUser>,
    period: Date,
    issue_date: Option<Date>,
) -> Result<IssueOutcome, AppError> {
    let (_, today) = today(pool).await?;
    let issue_date = issue_date.unwrap_or(today);
    rules::check_issue_date(issue_date, today).map_err(|m| AppError::invalid("issue_date", m))?;
    let statements = sqlx::query!(
        r#"select s.statement_id, s.statement_number as "statement_number!", o.name as partner_name,
                  p.agreed_rate is not null as "agreed!", (s.issued_at at time zone 'Europe/Istanbul')::date as "issued_on!"
           from statement s join partner p on p.organisation_id = s.partner_id
           join organisation o on o.organisation_id = s.partner_id
           where s.period = $1
             and exists (select 1 from charge c where c.statement_id = s.statement_id and c.amount <> 0)
             and (exists (select 1 from charge c where c.statement_id = s.statement_id and c.amount > 0
                           and not exists (select 1 from invoice i where i.statement_id = s.statement_id
                                           and i.kind = 'sales' and i.status <> 'failed'))
                  or exists (select 1 from charge c where c.statement_id = s.statement_id and c.amount < 0
                              and not exists (select 1 from invoice i where i.statement_id = s.statement_id
                                              and i.kind = 'return' and i.status <> 'failed')))
           order by o.name, s.statement_number"#,
        period
    )
    .fetch_all(pool)
    .await?;
    // The rate first: without it nothing can be issued, and credit control is told which day's
    // bulletin is missing.
    if statements.iter().any(|s| !s.agreed) {
        let basis = settings(pool).await?.rate_basis;
        let mut conn = pool.acquire().await?;
        applied_rate(&mut conn, Currency::USD, basis.rate_type(), None, issue_date)
            .await
            .map_err(AppError::conflict)?;
    }
    let mut outcome = IssueOutcome { issued: Vec::new(), skipped: Vec::new() };
    let mut rate = None;
    for s in statements {
        let refused = |reason: Say| Skipped {
            statement_number: StatementNumber(s.statement_number),
            partner_name: s.partner_name.clone(),
            reason: Text::from(reason),
        };
        if issue_date < s.issued_on {
            outcome.skipped.push(refused(Say::IssueDateBeforeStatement { date: s.issued_on.to_string() }));
            continue;
        }
        match issue_statement(pool, user, s.statement_id, issue_date, &mut rate).await {
            Ok(numbers) => outcome.issued.extend(numbers),
            Err(AppError::Conflict(reason)) => outcome.skipped.push(Skipped {
                statement_number: StatementNumber(s.statement_number),
                partner_name: s.partner_name.clone(),
                reason,
            }),
            Err(other) => return Err(other),
        }
    }
    Ok(outcome)
}

// Payments and exchange differences.

/// Records a payment of a sales invoice (see `record_invoice_payment`). One transaction: the
/// payment, its exchange difference, the kur farkı invoice when the distributor gained, and the
/// statement marked paid once its total is in.
pub async fn record_payment(
    pool: &PgPool,
    user: &AuthUser,
    number: &InvoiceNumber,
    paid_on: Date,
    amount: Decimal,
    reference: &str,
) -> Result<Option<InvoiceNumber>, AppError> {
    let mut tx = pool.begin().await?;
    let invoice = sqlx::query!(
        r#"select i.invoice_id, i.kind as "kind: InvoiceKind", i.partner_id, i.statement_id, i.issue_date,
                  i.currency as "currency!: Currency", i.rate, i.rate_type as "rate_type: InvoiceRateType",
                  i.subtotal, i.total, i.status as "status: InvoiceStatus"
           from invoice i where i.invoice_number = $1"#,
        number.get()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::InvoiceNotFound))?;
    let (Some(invoice_rate), Some(rate_type), InvoiceKind::Sales) = (invoice.rate, invoice.rate_type, invoice.kind)
    else {
        return Err(AppError::conflict(Say::PaymentOnSalesInvoicesOnly));
    };
    if invoice.status == InvoiceStatus::Failed {
        return Err(AppError::conflict(Say::PaymentOnFailedInvoice { invoice: number.to_string() }));
    }
    // What is owed: the statement's total (the sales invoice less its returns), locked so two
    // payments recorded at once cannot both fit.
    let statement = match invoice.statement_id {
        Some(id) => Some(
            sqlx::query!(
                r#"select statement_id, statement_number as "statement_number!", subtotal, total,
                          status as "status: crate::billing::StatementStatus"
                   from statement where statement_id = $1 for update"#,
                id
            )
            .fetch_one(&mut *tx)
            .await?,
        ),
        None => None,
    };
    let (owed_subtotal, owed_total) = match &statement {
        Some(s) => (s.subtotal, s.total),
        None => (invoice.subtotal, invoice.total),
    };
    let paid = sqlx::query_scalar!(
        r#"select coalesce(sum(amount), 0) as "paid!" from invoice_payment where invoice_id = $1"#,
        invoice.invoice_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let outstanding = owed_total - paid;
    if amount > outstanding {
        return Err(AppError::invalid(
            "amount",
            Say::PaymentOverOutstanding {
                outstanding: Money::new(outstanding.max(Decimal::ZERO), invoice.currency).to_string(),
            },
        ));
    }
    let (_, today) = today(&mut *tx).await?;
    if paid_on > today {
        return Err(AppError::invalid("paid_on", Say::PaidOnInFuture));
    }
    if paid_on < invoice.issue_date {
        return Err(AppError::invalid("paid_on", Say::PaidOnBeforeInvoice { date: invoice.issue_date.to_string() }));
    }
    let agreed = (rate_type == InvoiceRateType::Agreed).then_some(invoice_rate);
    let payment_rate = applied_rate(&mut tx, invoice.currency, rate_type, agreed, paid_on)
        .await
        .map_err(|m| AppError::invalid("paid_on", m))?;
    let difference = rules::exchange_difference(amount, owed_subtotal, owed_total, invoice_rate, payment_rate.rate);
    let mut difference_invoice = None;
    if difference > Decimal::ZERO {
        let partner = partner_invoicing(&mut *tx, PartnerId(invoice.partner_id))
            .await?
            .ok_or_else(|| AppError::not_found(Say::PartnerNotFound))?;
        let buyer = party(&partner.details).ok_or_else(|| {
            AppError::conflict(Say::PartnerTaxDetailsMissing { partner: partner.details.name.clone() })
        })?;
        let (_, seller_details) = distributor(&mut *tx).await?;
        let seller = party(&seller_details).ok_or_else(|| AppError::conflict(Say::DistributorTaxDetailsMissing))?;
        let settings = settings(&mut *tx).await?;
        let (now, issue_date) = self::today(&mut *tx).await?;
        let reference_row =
            Reference { invoice_id: invoice.invoice_id, number: number.clone(), issue_date: invoice.issue_date };
        let description = format!(
            "Kur farkı: {} numaralı faturanın {} tarihli {} ödemesi (1 {} = {} → {} TRY)",
            number,
            day_tr(paid_on),
            Money::new(amount, invoice.currency).in_locale(Locale::Tr),
            invoice.currency,
            rules::rate_in(invoice_rate, Locale::Tr),
            rules::rate_in(payment_rate.rate, Locale::Tr),
        );
        let (id, diff_number) = issue(
            &mut tx,
            settings.series(partner.invoice_profile),
            NewInvoice {
                kind: InvoiceKind::ExchangeDifference,
                profile: partner.invoice_profile,
                partner_id: invoice.partner_id,
                statement_id: None,
                issue_date,
                issued_at: now,
                issued_by: Some(user.user_id),
                currency: Currency::TRY,
                rate: None,
                seller: &seller,
                buyer: &buyer,
                period: None,
                notes: vec![format!(
                    "{} numaralı faturaya yapılan ödemeden doğan kur farkı (KDV Kanunu md. 24/c). Ödeme: {}, {}; {}: {}.",
                    number,
                    day_tr(paid_on),
                    reference.replace(['\r', '\n'], " "),
                    rate_type_tr(rate_type),
                    rules::rate_in(payment_rate.rate, Locale::Tr)
                )],
                lines: vec![NewLine {
                    charge_id: None,
                    refers_to: Some(reference_row),
                    customer_name: None,
                    description,
                    quantity: 1,
                    service: None,
                    amount: difference,
                }],
                total_vat: crate::domain::vat_of(difference),
            },
        )
        .await?;
        difference_invoice = Some((id, diff_number));
    }
    sqlx::query!(
        "insert into invoice_payment (payment_id, invoice_id, paid_on, amount, currency, reference, rate, rate_type,
                                      rate_date, difference_try, difference_invoice_id, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        Uuid::new_v4(),
        invoice.invoice_id,
        paid_on,
        amount,
        invoice.currency.code(),
        reference,
        payment_rate.rate,
        payment_rate.rate_type as InvoiceRateType,
        payment_rate.date,
        difference,
        difference_invoice.as_ref().map(|(id, _)| *id),
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    if let Some(s) = &statement
        && paid + amount >= s.total
        && s.status == crate::billing::StatementStatus::Unpaid
    {
        sqlx::query!(
            "update statement set status = 'paid', paid_at = market_now(), payment_reference = $2, recorded_by = $3
             where statement_id = $1",
            s.statement_id,
            reference,
            user.user_id
        )
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "invoice.payment_recorded",
            target_type: "invoice",
            target_id: number.to_string(),
            detail: json!({
                "paid_on": paid_on, "amount": amount, "reference": reference, "rate": payment_rate.rate,
                "difference_try": difference,
                "difference_invoice": difference_invoice.as_ref().map(|(_, n)| n.to_string()),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(difference_invoice.map(|(_, n)| n))
}

// Reading.

pub async fn list(db: impl PgExecutor<'_>, partner: Option<Uuid>) -> Result<Vec<InvoiceSummary>, sqlx::Error> {
    sqlx::query_as!(
        InvoiceSummary,
        r#"select i.invoice_number as "invoice_number: InvoiceNumber", i.kind as "kind: InvoiceKind",
                  i.profile as "profile: InvoiceProfile", o.name as partner_name, i.issue_date,
                  i.currency as "currency!: Currency", i.total, i.total_try, i.status as "status: InvoiceStatus",
                  s.statement_number as "statement_number?: StatementNumber"
           from invoice i join organisation o on o.organisation_id = i.partner_id
           left join statement s on s.statement_id = i.statement_id
           where $1::uuid is null or i.partner_id = $1
           order by i.issue_date desc, i.invoice_number desc
           limit 500"#,
        partner
    )
    .fetch_all(db)
    .await
}

/// One invoice with its document written in `locale`; `None` when it does not exist or (with
/// `partner`) is another partner's.
pub async fn view(
    pool: &PgPool,
    number: &InvoiceNumber,
    partner: Option<Uuid>,
    locale: Locale,
) -> Result<Option<InvoiceView>, sqlx::Error> {
    let Some(record) = record(pool, number, partner).await? else { return Ok(None) };
    let outstanding = (record.kind == InvoiceKind::Sales && record.status != InvoiceStatus::Failed)
        .then(|| (record.owed_total - record.payments.iter().map(|p| p.amount).sum::<Decimal>()).max(Decimal::ZERO));
    let html = document::render(&record, locale);
    Ok(Some(InvoiceView {
        summary: InvoiceSummary {
            invoice_number: record.invoice_number.clone(),
            kind: record.kind,
            profile: record.profile,
            partner_name: record.buyer.name.clone(),
            issue_date: record.issue_date,
            currency: record.currency,
            total: record.total,
            total_try: record.total_try,
            status: record.status,
            statement_number: record.statement_number,
        },
        html,
        outstanding,
        status_message: record.status_message.clone(),
    }))
}

/// Everything the printable document shows.
pub struct InvoiceRecord {
    pub invoice_number: InvoiceNumber,
    pub ettn: Uuid,
    pub kind: InvoiceKind,
    pub profile: InvoiceProfile,
    pub status: InvoiceStatus,
    pub status_message: Option<String>,
    pub issue_date: Date,
    pub currency: Currency,
    pub rate: Option<Decimal>,
    pub rate_type: Option<InvoiceRateType>,
    pub rate_date: Option<Date>,
    pub statement_number: Option<StatementNumber>,
    pub period: Option<Date>,
    pub subtotal: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
    pub subtotal_try: Decimal,
    pub vat_try: Decimal,
    pub total_try: Decimal,
    /// What the payments settle (the statement's total for a statement's sales invoice).
    pub owed_total: Decimal,
    pub seller: TaxDetails,
    pub buyer: TaxDetails,
    pub lines: Vec<RecordLine>,
    pub payments: Vec<RecordPayment>,
}

pub struct RecordLine {
    pub customer_name: Option<String>,
    pub description: String,
    pub quantity: i32,
    pub service_start: Option<Date>,
    pub service_end: Option<Date>,
    pub amount: Decimal,
    pub vat: Decimal,
    pub amount_try: Decimal,
    pub vat_try: Decimal,
    pub refers_to: Option<InvoiceNumber>,
}

pub struct RecordPayment {
    pub paid_on: Date,
    pub amount: Decimal,
    pub reference: String,
    pub rate: Option<Decimal>,
    pub difference_try: Decimal,
    pub difference_invoice: Option<InvoiceNumber>,
}

pub async fn record(
    pool: &PgPool,
    number: &InvoiceNumber,
    partner: Option<Uuid>,
) -> Result<Option<InvoiceRecord>, sqlx::Error> {
    let Some(r) = sqlx::query!(
        r#"select i.invoice_id, i.invoice_number as "invoice_number: InvoiceNumber", i.ettn, i.kind as "kind: InvoiceKind",
                  i.profile as "profile: InvoiceProfile", i.status as "status: InvoiceStatus", i.status_message,
                  i.issue_date, i.currency as "currency!: Currency", i.rate, i.rate_type as "rate_type: InvoiceRateType",
                  i.rate_date, s.statement_number as "statement_number?: StatementNumber", s.period as "period?",
                  coalesce(s.total, i.total) as "owed_total!",
                  i.subtotal, i.vat, i.total, i.subtotal_try, i.vat_try, i.total_try,
                  i.seller_name, i.seller_tax_number, i.seller_tax_office, i.seller_address, i.seller_district, i.seller_city,
                  i.buyer_name, i.buyer_tax_number, i.buyer_tax_office, i.buyer_address, i.buyer_district, i.buyer_city
           from invoice i left join statement s on s.statement_id = i.statement_id
           where i.invoice_number = $1 and ($2::uuid is null or i.partner_id = $2)"#,
        number.get(),
        partner
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let lines = sqlx::query_as!(
        RecordLine,
        r#"select l.customer_name, l.description, l.quantity, l.service_start, l.service_end, l.amount, l.vat,
                  l.amount_try, l.vat_try, o.invoice_number as "refers_to?: InvoiceNumber"
           from invoice_line l left join invoice o on o.invoice_id = l.refers_to
           where l.invoice_id = $1 order by l.line_no"#,
        r.invoice_id
    )
    .fetch_all(pool)
    .await?;
    let payments = sqlx::query_as!(
        RecordPayment,
        r#"select p.paid_on, p.amount, p.reference, p.rate, p.difference_try,
                  d.invoice_number as "difference_invoice?: InvoiceNumber"
           from invoice_payment p left join invoice d on d.invoice_id = p.difference_invoice_id
           where p.invoice_id = $1 order by p.paid_on, p.recorded_at"#,
        r.invoice_id
    )
    .fetch_all(pool)
    .await?;
    let details = |name, tax_number, tax_office, address, district, city| TaxDetails {
        name,
        tax_number,
        tax_office,
        address,
        district,
        city,
    };
    Ok(Some(InvoiceRecord {
        invoice_number: r.invoice_number,
        ettn: r.ettn,
        kind: r.kind,
        profile: r.profile,
        status: r.status,
        status_message: r.status_message,
        issue_date: r.issue_date,
        currency: r.currency,
        rate: r.rate,
        rate_type: r.rate_type,
        rate_date: r.rate_date,
        statement_number: r.statement_number,
        period: r.period,
        subtotal: r.subtotal,
        vat: r.vat,
        total: r.total,
        subtotal_try: r.subtotal_try,
        vat_try: r.vat_try,
        total_try: r.total_try,
        owed_total: r.owed_total,
        seller: details(
            r.seller_name,
            r.seller_tax_number,
            r.seller_tax_office,
            r.seller_address,
            r.seller_district,
            r.seller_city,
        ),
        buyer: details(
            r.buyer_name,
            r.buyer_tax_number,
            r.buyer_tax_office,
            r.buyer_address,
            r.buyer_district,
            r.buyer_city,
        ),
        lines,
        payments,
    }))
}

/// The archived XML of an invoice, as issued; `None` when it does not exist or is another
/// partner's.
pub async fn document_xml(
    db: impl PgExecutor<'_>,
    number: &InvoiceNumber,
    partner: Option<Uuid>,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select d.xml from invoice_document d join invoice i using (invoice_id)
         where i.invoice_number = $1 and ($2::uuid is null or i.partner_id = $2)",
        number.get(),
        partner
    )
    .fetch_optional(db)
    .await
}

// Sending and status.

/// Hands an issued invoice to the integrator (queued with it; one job per invoice).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SendInvoice {
    pub invoice_id: Uuid,
}

impl Job for SendInvoice {
    const KIND: &'static str = "send_invoice";
    const MAX_ATTEMPTS: i32 = 12;

    fn dedup_key(&self) -> Option<String> {
        Some(self.invoice_id.to_string())
    }
}

/// Asks the integrator where invoices on their way are (the scheduler queues it while any are).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PollInvoices {
    pub minute: String,
}

impl Job for PollInvoices {
    const KIND: &'static str = "poll_invoices";
    const MAX_ATTEMPTS: i32 = 3;

    fn dedup_key(&self) -> Option<String> {
        Some(self.minute.clone())
    }
}

fn status_of(state: RemoteState) -> InvoiceStatus {
    match state {
        RemoteState::Sent => InvoiceStatus::Sent,
        RemoteState::Delivered => InvoiceStatus::Delivered,
        RemoteState::Accepted => InvoiceStatus::Accepted,
        RemoteState::Rejected => InvoiceStatus::Rejected,
        RemoteState::Failed => InvoiceStatus::Failed,
    }
}

async fn set_status(
    pool: &PgPool,
    invoice_id: Uuid,
    from: InvoiceStatus,
    to: InvoiceStatus,
    code: Option<&str>,
    message: Option<&str>,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let changed = sqlx::query!(
        "update invoice set status = $3, status_code = $4, status_message = $5, status_at = now()
         where invoice_id = $1 and status = $2",
        invoice_id,
        from as InvoiceStatus,
        to as InvoiceStatus,
        code,
        message
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed > 0 {
        audit::record(
            &mut *tx,
            AuditEntry {
                actor: None,
                acting_as: None,
                action: "invoice.status_changed",
                target_type: "invoice",
                target_id: invoice_id.to_string(),
                detail: json!({ "from": from, "to": to, "code": code, "message": message }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sends a draft invoice: taken (or refused) by the integrator, its status is recorded; an
/// integrator that cannot be reached is tried again later. Sending again after a success is a
/// no-op (the status is no longer draft), and the integrator treats a repeated ETTN as the same
/// document.
pub async fn send(pool: &PgPool, integrator: &Integrator, invoice_id: Uuid) -> Result<(), JobError> {
    let retry = |e: sqlx::Error| JobError::retryable(e.to_string());
    let Some(row) = sqlx::query!(
        r#"select i.ettn, i.invoice_number, i.profile as "profile: InvoiceProfile", i.buyer_tax_number,
                  i.status as "status: InvoiceStatus", d.xml
           from invoice i join invoice_document d using (invoice_id) where i.invoice_id = $1"#,
        invoice_id
    )
    .fetch_optional(pool)
    .await
    .map_err(retry)?
    else {
        return Err(JobError::Fatal(format!("no invoice {invoice_id}")));
    };
    if row.status != InvoiceStatus::Draft {
        return Ok(());
    }
    let request = SendRequest {
        ettn: row.ettn,
        invoice_number: row.invoice_number,
        profile: row.profile.gib_code().to_owned(),
        receiver: row.buyer_tax_number,
        document: row.xml,
    };
    match integrator.send(&request).await {
        Ok(answer) => {
            let to = status_of(answer.status);
            set_status(pool, invoice_id, InvoiceStatus::Draft, to, answer.code.as_deref(), answer.message.as_deref())
                .await
                .map_err(retry)
        }
        Err(IntegratorError::Refused { code, message }) => {
            tracing::warn!(invoice = %request.invoice_number, code, "the integrator refused an invoice");
            set_status(pool, invoice_id, InvoiceStatus::Draft, InvoiceStatus::Failed, Some(&code), Some(&message))
                .await
                .map_err(retry)
        }
        Err(IntegratorError::Unavailable(why)) => Err(JobError::retryable(why)),
    }
}

/// Asks the integrator about every invoice on its way (sent, or a TICARIFATURA the buyer has not
/// answered) and records what changed. Returns how many changed.
pub async fn poll(pool: &PgPool, integrator: &Integrator) -> Result<usize, JobError> {
    let retry = |e: sqlx::Error| JobError::retryable(e.to_string());
    let waiting = sqlx::query!(
        r#"select invoice_id, ettn, status as "status: InvoiceStatus" from invoice
           where status = 'sent' or (status = 'delivered' and profile = 'commercial' and kind <> 'return')
           order by issued_at limit 200"#
    )
    .fetch_all(pool)
    .await
    .map_err(retry)?;
    let mut changed = 0;
    for invoice in waiting {
        match integrator.status(invoice.ettn).await {
            Ok(answer) => {
                let to = status_of(answer.status);
                if to != invoice.status {
                    set_status(
                        pool,
                        invoice.invoice_id,
                        invoice.status,
                        to,
                        answer.code.as_deref(),
                        answer.message.as_deref(),
                    )
                    .await
                    .map_err(retry)?;
                    changed += 1;
                }
            }
            Err(IntegratorError::Refused { code, message }) => {
                tracing::warn!(ettn = %invoice.ettn, code, message, "the integrator does not know an invoice");
            }
            Err(IntegratorError::Unavailable(why)) => return Err(JobError::retryable(why)),
        }
    }
    Ok(changed)
}

/// Queues this hour's rate fetch and, while invoices are on their way, this minute's status
/// poll; called every minute by each process with workers (the dedup keys make repeats no-ops).
pub async fn schedule(pool: &PgPool) -> Result<(), sqlx::Error> {
    let (now, _) = today(pool).await?;
    let mut conn = pool.acquire().await?;
    jobs::enqueue(&mut conn, &LoadTcmbRates { hour: format!("{} {:02}", now.date(), now.hour()) }).await?;
    let waiting = sqlx::query_scalar!(
        r#"select exists(select 1 from invoice where status = 'sent'
                         or (status = 'delivered' and profile = 'commercial' and kind <> 'return')) as "waiting!""#
    )
    .fetch_one(&mut *conn)
    .await?;
    if waiting {
        let minute = format!("{} {:02}:{:02}", now.date(), now.hour(), now.minute());
        jobs::enqueue(&mut conn, &PollInvoices { minute }).await?;
    }
    Ok(())
}

/// Used by `record_payment`'s callers and the demo: the statement's sales invoice, if issued.
pub async fn sales_invoice_of(
    db: impl PgExecutor<'_>,
    statement_id: Uuid,
) -> Result<Option<InvoiceNumber>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select invoice_number as "n: InvoiceNumber" from invoice
           where statement_id = $1 and kind = 'sales' and status <> 'failed'"#,
        statement_id
    )
    .fetch_optional(db)
    .await
}
