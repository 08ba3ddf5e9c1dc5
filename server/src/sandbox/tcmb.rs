//! The sandbox's stand-in for TCMB's exchange-rate feed (`https://www.tcmb.gov.tr/kurlar`): the
//! same files in the same format, by the marketplace's clock.
//!
//! - `GET /sandbox/tcmb/today.xml`: the last bulletin announced (TCMB announces at 15:30 Istanbul
//!   time on business days);
//! - `GET /sandbox/tcmb/YYYYMM/DDMMYYYY.xml`: one business day's bulletin; 404 on weekends, on the
//!   holidays below and before the day's 15:30, as TCMB answers.
//!
//! Fixtures: the rates follow a fixed formula of the day (the lira losing about 12 % a year
//! against the dollar, with a small daily wobble), so a day's rate is the same on every machine;
//! holidays are Türkiye's national days (1 January, 23 April, 1 May, 19 May, 15 July, 30 August,
//! 29 October) and the religious holidays of 2025–2027. `PUT /sandbox/tcmb-feed {"down": true}`
//! (a test control, see `control`) makes the feed answer 503, to try entering a rate by hand.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use time::{Date, Duration, Month, OffsetDateTime, Weekday, macros::date};

use app::invoicing::rules::{istanbul_date, istanbul_time};

pub fn router(pool: PgPool) -> Router {
    Router::new().route("/tcmb/today.xml", get(today)).route("/tcmb/{month}/{file}", get(archive)).with_state(pool)
}

/// The feed switch, behind the sandbox's test controls.
pub fn control_router(pool: PgPool) -> Router {
    Router::new().route("/tcmb-feed", get(show_feed).put(set_feed)).with_state(pool)
}

/// Religious holidays (Ramazan and Kurban Bayramı) on weekdays, 2025–2027.
const MOVABLE_HOLIDAYS: [Date; 16] = [
    date!(2025 - 03 - 31),
    date!(2025 - 04 - 01),
    date!(2025 - 06 - 06),
    date!(2025 - 06 - 09),
    date!(2026 - 03 - 20),
    date!(2026 - 05 - 26),
    date!(2026 - 05 - 27),
    date!(2026 - 05 - 28),
    date!(2026 - 05 - 29),
    date!(2027 - 03 - 09),
    date!(2027 - 03 - 10),
    date!(2027 - 03 - 11),
    date!(2027 - 05 - 17),
    date!(2027 - 05 - 18),
    date!(2027 - 05 - 19),
    date!(2027 - 05 - 20),
];

/// Whether TCMB publishes a bulletin on `day`.
pub fn is_business_day(day: Date) -> bool {
    let national = [(1, 1), (4, 23), (5, 1), (5, 19), (7, 15), (8, 30), (10, 29)];
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !national.contains(&(u8::from(day.month()), day.day()))
        && !MOVABLE_HOLIDAYS.contains(&day)
}

/// The day's USD forex buying rate of the fixtures, in TRY.
pub fn usd_buying(day: Date) -> Decimal {
    let days = (day - date!(2025 - 01 - 01)).whole_days();
    let trend = Decimal::new(34_0000, 4) + Decimal::new(days * 123, 4);
    let wobble = Decimal::new(((days * 37).rem_euclid(23) - 11) * 7, 4);
    trend + wobble
}

struct Quote {
    code: &'static str,
    name_tr: &'static str,
    name_en: &'static str,
    unit: u32,
    buying: Decimal,
    selling: Decimal,
}

fn quotes(day: Date) -> Vec<Quote> {
    let usd = usd_buying(day);
    let quote = |code, name_tr, name_en, unit: u32, factor: Decimal| {
        let buying = (usd * factor * Decimal::from(unit)).round_dp(4);
        Quote { code, name_tr, name_en, unit, buying, selling: (buying * Decimal::new(10018, 4)).round_dp(4) }
    };
    vec![
        quote("USD", "ABD DOLARI", "US DOLLAR", 1, Decimal::ONE),
        quote("EUR", "EURO", "EURO", 1, Decimal::new(10825, 4)),
        quote("GBP", "İNGİLİZ STERLİNİ", "POUND STERLING", 1, Decimal::new(12650, 4)),
        // Quoted per 100 like TCMB's: the product keeps only currencies quoted per one unit.
        quote("JPY", "JAPON YENİ", "JAPENESE YEN", 100, Decimal::new(67, 4)),
    ]
}

/// The bulletin of `day` as TCMB writes it.
pub fn bulletin_xml(day: Date) -> String {
    let mut number = 0;
    let mut d = Date::from_calendar_date(day.year(), Month::January, 1).unwrap_or(day);
    while d <= day {
        number += i32::from(is_business_day(d));
        d += Duration::days(1);
    }
    let (dd, mm, yyyy) = (day.day(), u8::from(day.month()), day.year());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"isokur.xsl\"?>\n\
         <Tarih_Date Tarih=\"{dd:02}.{mm:02}.{yyyy}\" Date=\"{mm:02}/{dd:02}/{yyyy}\"  Bulten_No=\"{yyyy}/{number}\" >\n"
    );
    for (i, q) in quotes(day).into_iter().enumerate() {
        let banknote_buying = (q.buying * Decimal::new(9993, 4)).round_dp(4);
        let banknote_selling = (q.selling * Decimal::new(10015, 4)).round_dp(4);
        xml.push_str(&format!(
            "\t<Currency CrossOrder=\"{i}\" Kod=\"{code}\" CurrencyCode=\"{code}\">\n\t\t\t<Unit>{unit}</Unit>\n\
             \t\t\t<Isim>{tr}</Isim>\n\t\t\t<CurrencyName>{en}</CurrencyName>\n\t\t\t<ForexBuying>{b}</ForexBuying>\n\
             \t\t\t<ForexSelling>{s}</ForexSelling>\n\t\t\t<BanknoteBuying>{banknote_buying}</BanknoteBuying>\n\
             \t\t\t<BanknoteSelling>{banknote_selling}</BanknoteSelling>\n\t\t\t\t<CrossRateUSD/>\n\t\t\t\t<CrossRateOther/>\n\
             \t</Currency>\n",
            code = q.code,
            unit = q.unit,
            tr = q.name_tr,
            en = q.name_en,
            b = q.buying,
            s = q.selling,
        ));
    }
    xml.push_str("</Tarih_Date>");
    xml
}

/// Whether `day`'s bulletin has been announced at `now` (15:30 in Istanbul).
fn announced(day: Date, now: OffsetDateTime) -> bool {
    let today = istanbul_date(now);
    is_business_day(day) && (day < today || (day == today && istanbul_time(now) >= time::macros::time!(15:30)))
}

async fn now_and_down(pool: &PgPool) -> Result<(OffsetDateTime, bool), sqlx::Error> {
    let row = sqlx::query!(
        r#"select market_now() as "now!", coalesce((select down from sandbox.tcmb_feed), false) as "down!""#
    )
    .fetch_one(pool)
    .await?;
    Ok((row.now, row.down))
}

fn xml(day: Date) -> Response {
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], bulletin_xml(day)).into_response()
}

fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, "The TCMB feed is down (sandbox switch).").into_response()
}

fn internal(err: sqlx::Error) -> Response {
    tracing::error!(error = %err, "sandbox TCMB feed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

async fn today(State(pool): State<PgPool>) -> Response {
    let (now, down) = match now_and_down(&pool).await {
        Ok(found) => found,
        Err(err) => return internal(err),
    };
    if down {
        return unavailable();
    }
    let mut day = istanbul_date(now);
    for _ in 0..30 {
        if announced(day, now) {
            return xml(day);
        }
        day -= Duration::days(1);
    }
    StatusCode::NOT_FOUND.into_response()
}

/// `YYYYMM/DDMMYYYY.xml`, the two agreeing.
fn archive_day(month: &str, file: &str) -> Option<Date> {
    let stem = file.strip_suffix(".xml")?;
    if stem.len() != 8 || month.len() != 6 || !stem.bytes().chain(month.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let day: u8 = stem[..2].parse().ok()?;
    let mm: u8 = stem[2..4].parse().ok()?;
    let year: i32 = stem[4..].parse().ok()?;
    (month == format!("{year:04}{mm:02}")).then_some(())?;
    Date::from_calendar_date(year, Month::try_from(mm).ok()?, day).ok()
}

async fn archive(State(pool): State<PgPool>, Path((month, file)): Path<(String, String)>) -> Response {
    let Some(day) = archive_day(&month, &file) else { return StatusCode::NOT_FOUND.into_response() };
    let (now, down) = match now_and_down(&pool).await {
        Ok(found) => found,
        Err(err) => return internal(err),
    };
    if down {
        return unavailable();
    }
    if announced(day, now) { xml(day) } else { StatusCode::NOT_FOUND.into_response() }
}

#[derive(Deserialize, Serialize)]
struct Feed {
    down: bool,
}

async fn show_feed(State(pool): State<PgPool>) -> Response {
    match now_and_down(&pool).await {
        Ok((_, down)) => Json(Feed { down }).into_response(),
        Err(err) => internal(err),
    }
}

async fn set_feed(State(pool): State<PgPool>, Json(feed): Json<Feed>) -> Response {
    match sqlx::query!("update sandbox.tcmb_feed set down = $1", feed.down).execute(&pool).await {
        Ok(_) => Json(feed).into_response(),
        Err(err) => internal(err),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn bulletins_are_announced_at_half_past_three_on_business_days() {
        let friday = date!(2026 - 12 - 04);
        assert!(announced(friday, datetime!(2026-12-04 12:30 UTC)), "15:30 in Istanbul");
        assert!(!announced(friday, datetime!(2026-12-04 12:29 UTC)));
        assert!(!announced(date!(2026 - 12 - 05), datetime!(2026-12-07 09:00 UTC)), "a Saturday");
        assert!(!announced(date!(2026 - 10 - 29), datetime!(2026-11-02 09:00 UTC)), "Republic Day");
        assert_eq!(archive_day("202612", "04122026.xml"), Some(friday));
        assert_eq!(archive_day("202611", "04122026.xml"), None);
        assert_eq!(archive_day("202612", "0412202.xml"), None);
    }

    #[test]
    fn the_stand_in_writes_what_the_product_reads() {
        let bulletin = app::gib::tcmb::parse_bulletin(&bulletin_xml(date!(2026 - 12 - 04))).expect("a bulletin");
        assert_eq!(bulletin.date, date!(2026 - 12 - 04));
        assert_eq!(bulletin.quotes.len(), 3, "USD, EUR and GBP; JPY is per 100");
        assert_eq!(bulletin.quotes[0].buying, usd_buying(date!(2026 - 12 - 04)));
        assert!(bulletin.quotes.iter().all(|q| q.selling > q.buying));
        assert!(usd_buying(date!(2026 - 12 - 07)) > usd_buying(date!(2026 - 11 - 02)), "the lira loses value");
    }
}
