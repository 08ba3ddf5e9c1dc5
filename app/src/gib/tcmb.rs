//! TCMB's daily bulletin of indicative exchange rates, as published at
//! `https://www.tcmb.gov.tr/kurlar/today.xml` (the latest) and `…/kurlar/YYYYMM/DDMMYYYY.xml`
//! (one business day; none on weekends and holidays):
//!
//! ```xml
//! <Tarih_Date Tarih="04.12.2026" Date="12/04/2026" Bulten_No="2026/232">
//!   <Currency CrossOrder="0" Kod="USD" CurrencyCode="USD">
//!     <Unit>1</Unit><Isim>ABD DOLARI</Isim><CurrencyName>US DOLLAR</CurrencyName>
//!     <ForexBuying>40.6712</ForexBuying><ForexSelling>40.7445</ForexSelling> …
//!   </Currency> …
//! </Tarih_Date>
//! ```
//!
//! Server only: the feed is read by a job, and the bundled stand-in writes the same format.

use std::time::Duration;

use rust_decimal::Decimal;
use time::{Date, Month};

use crate::domain::Currency;

/// The currencies kept from a bulletin: those TCMB quotes per one unit.
pub const CURRENCIES: [Currency; 3] = [Currency::USD, Currency::EUR, Currency::GBP];

/// One currency's indicative forex rates in a bulletin, in TRY per unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote {
    pub currency: Currency,
    pub buying: Decimal,
    pub selling: Decimal,
}

/// One bulletin as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bulletin {
    pub date: Date,
    pub number: Option<String>,
    pub quotes: Vec<Quote>,
}

/// The archive file of `day`, relative to the feed's base URL: `202612/04122026.xml`.
pub fn archive_path(day: Date) -> String {
    format!(
        "{:04}{:02}/{:02}{:02}{:04}.xml",
        day.year(),
        u8::from(day.month()),
        day.day(),
        u8::from(day.month()),
        day.year()
    )
}

/// `04.12.2026`.
fn tcmb_date(raw: &str) -> Option<Date> {
    let mut parts = raw.trim().split('.');
    let day: u8 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let year: i32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Reads a bulletin. Currencies other than [`CURRENCIES`], or without forex rates, are left out;
/// a document that is not a bulletin is an error naming what is wrong.
pub fn parse_bulletin(xml: &str) -> Result<Bulletin, String> {
    let document = roxmltree::Document::parse(xml).map_err(|e| format!("not XML: {e}"))?;
    let root = document.root_element();
    if root.tag_name().name() != "Tarih_Date" {
        return Err(format!("not a TCMB bulletin: the root is <{}>", root.tag_name().name()));
    }
    let date = root
        .attribute("Tarih")
        .and_then(tcmb_date)
        .ok_or_else(|| "the bulletin has no readable Tarih (DD.MM.YYYY)".to_owned())?;
    let number = root.attribute("Bulten_No").map(str::to_owned).filter(|n| !n.trim().is_empty());
    let mut quotes = Vec::new();
    for currency in root.children().filter(|n| n.has_tag_name("Currency")) {
        let Some(code) = currency.attribute("CurrencyCode").or_else(|| currency.attribute("Kod")) else { continue };
        let Some(wanted) = CURRENCIES.iter().find(|c| c.code() == code.trim()) else { continue };
        let child = |name: &str| {
            currency
                .children()
                .find(|n| n.has_tag_name(name))
                .and_then(|n| n.text())
                .map(str::trim)
                .filter(|t| !t.is_empty())
        };
        if child("Unit").is_some_and(|unit| unit != "1") {
            continue;
        }
        let (Some(buying), Some(selling)) = (child("ForexBuying"), child("ForexSelling")) else { continue };
        let number = |text: &str| text.parse::<Decimal>().ok().filter(|rate| *rate > Decimal::ZERO);
        match (number(buying), number(selling)) {
            (Some(buying), Some(selling)) if selling >= buying => {
                quotes.push(Quote { currency: *wanted, buying, selling });
            }
            _ => return Err(format!("the {code} rates of {date} are not readable: {buying} / {selling}")),
        }
    }
    if quotes.is_empty() {
        return Err(format!("the bulletin of {date} has none of the currencies kept"));
    }
    Ok(Bulletin { date, number, quotes })
}

/// The feed's answer for one file.
#[derive(Debug, PartialEq, Eq)]
pub enum Fetched {
    Bulletin(Bulletin),
    /// 404: TCMB published nothing for that day (a weekend or a holiday, or not yet 15:30).
    NoBulletin,
}

/// TCMB's rate feed over HTTP: the real `https://www.tcmb.gov.tr/kurlar`, or the sandbox's
/// stand-in serving the same files.
#[derive(Clone, Debug)]
pub struct TcmbFeed {
    base_url: String,
    http: reqwest::Client,
}

impl TcmbFeed {
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(timeout).build()?;
        Ok(Self { base_url: base_url.trim_end_matches('/').to_owned(), http })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `today.xml`: the last bulletin announced.
    pub async fn latest(&self) -> Result<Fetched, String> {
        self.get("today.xml").await
    }

    /// The archive file of one day.
    pub async fn of_day(&self, day: Date) -> Result<Fetched, String> {
        self.get(&archive_path(day)).await
    }

    async fn get(&self, path: &str) -> Result<Fetched, String> {
        let url = format!("{}/{path}", self.base_url);
        let response = self.http.get(&url).send().await.map_err(|e| format!("{url}: {e}"))?;
        match response.status() {
            reqwest::StatusCode::NOT_FOUND => Ok(Fetched::NoBulletin),
            status if status.is_success() => {
                let body = response.text().await.map_err(|e| format!("{url}: {e}"))?;
                parse_bulletin(&body).map(Fetched::Bulletin).map_err(|e| format!("{url}: {e}"))
            }
            status => Err(format!("{url}: TCMB answered {status}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;
    use time::macros::date;

    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="isokur.xsl"?>
<Tarih_Date Tarih="04.12.2026" Date="12/04/2026"  Bulten_No="2026/232" >
	<Currency CrossOrder="0" Kod="USD" CurrencyCode="USD">
			<Unit>1</Unit>
			<Isim>ABD DOLARI</Isim>
			<CurrencyName>US DOLLAR</CurrencyName>
			<ForexBuying>40.6712</ForexBuying>
			<ForexSelling>40.7445</ForexSelling>
			<BanknoteBuying>40.6427</BanknoteBuying>
			<BanknoteSelling>40.8056</BanknoteSelling>
				<CrossRateUSD/>
				<CrossRateOther/>
	</Currency>
	<Currency CrossOrder="9" Kod="JPY" CurrencyCode="JPY">
			<Unit>100</Unit>
			<ForexBuying>27.1234</ForexBuying>
			<ForexSelling>27.3034</ForexSelling>
	</Currency>
	<Currency CrossOrder="1" Kod="EUR" CurrencyCode="EUR">
			<Unit>1</Unit>
			<ForexBuying>44.0266</ForexBuying>
			<ForexSelling>44.1059</ForexSelling>
	</Currency>
	<Currency CrossOrder="20" Kod="XDR" CurrencyCode="XDR">
			<Unit>1</Unit>
			<ForexBuying></ForexBuying>
			<ForexSelling></ForexSelling>
	</Currency>
</Tarih_Date>"#;

    #[test]
    fn reads_a_bulletin_as_tcmb_publishes_it() {
        let bulletin = parse_bulletin(SAMPLE).unwrap();
        assert_eq!(bulletin.date, date!(2026 - 12 - 04));
        assert_eq!(bulletin.number.as_deref(), Some("2026/232"));
        assert_eq!(bulletin.quotes.len(), 2, "USD and EUR; JPY is per 100, XDR has no forex rates");
        let usd = bulletin.quotes[0];
        assert_eq!((usd.currency, usd.buying, usd.selling), (Currency::USD, dec!(40.6712), dec!(40.7445)));
        assert_eq!(archive_path(date!(2026 - 12 - 04)), "202612/04122026.xml");
    }

    #[test]
    fn refuses_what_is_not_a_bulletin() {
        assert!(parse_bulletin("<html><body>Service unavailable</body></html>").is_err());
        assert!(parse_bulletin("not xml").is_err());
        assert!(parse_bulletin(r#"<Tarih_Date Tarih="31.02.2026"></Tarih_Date>"#).is_err());
        let broken = SAMPLE.replace("40.6712", "forty");
        assert!(parse_bulletin(&broken).unwrap_err().contains("USD"));
        // Entities are not expanded into anything outside the document.
        let entity =
            r#"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Tarih_Date Tarih="04.12.2026">&e;</Tarih_Date>"#;
        assert!(parse_bulletin(entity).is_err());
    }
}
