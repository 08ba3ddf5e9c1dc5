//! Ids as types. A partner, a customer and a user are all `uuid`s in the database, and orders and
//! statements both have a running number: as plain `Uuid`/`i64` arguments a swapped pair compiles
//! and answers someone else's data or nothing. Each id here is its own type, the same on the wire
//! (`#[serde(transparent)]`: forms and URLs keep the plain value) and in SQL (`sqlx(transparent)`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type))]
        #[cfg_attr(feature = "ssr", sqlx(transparent))]
        pub struct $name(pub $inner);

        impl $name {
            /// The database value, for queries that bind it.
            pub fn get(self) -> $inner {
                self.0
            }
        }

        impl From<$inner> for $name {
            fn from(raw: $inner) -> Self {
                Self(raw)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// Shown as its plain value, like the number it is.
        impl leptos::prelude::IntoRender for $name {
            type Output = String;
            fn into_render(self) -> String {
                self.to_string()
            }
        }

        /// From a URL segment: whatever does not parse is simply not an id (the page answers 404).
        impl FromStr for $name {
            type Err = <$inner as FromStr>::Err;
            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                raw.trim().parse().map(Self)
            }
        }
    };
}

id_type!(
    /// A partner (reseller) organisation.
    PartnerId(Uuid)
);
id_type!(
    /// An end-customer organisation, under one partner.
    CustomerId(Uuid)
);
id_type!(
    /// A signed-in person.
    UserId(Uuid)
);
id_type!(
    /// A subscription of a customer.
    SubscriptionId(Uuid)
);
id_type!(
    /// A catalog product (one SKU).
    ProductId(Uuid)
);
id_type!(
    /// A "Become a partner" application.
    ApplicationId(Uuid)
);
id_type!(
    /// The order number people see and type (`#1042`): sales, change and cancellation orders.
    OrderNumber(i64)
);
id_type!(
    /// A partner's monthly statement number.
    StatementNumber(i64)
);
id_type!(
    /// The number an applicant is given for a "Become a partner" application.
    ApplicationNumber(i64)
);
// Webhooks (issue #17).
id_type!(
    /// A partner's webhook endpoint.
    WebhookEndpointId(Uuid)
);
id_type!(
    /// One delivery of a webhook message to one endpoint (its row in the delivery log).
    WebhookDeliveryId(Uuid)
);
id_type!(
    /// A partner's key to the partner API.
    ApiKeyId(Uuid)
);

/// An invoice's number as GİB knows it: a three-character series, the year and nine digits
/// (`CMK2026000000001`). Checked on the way in (a URL, a form, a row), so nothing else reaches a
/// query or a page; on the wire and in SQL it is the plain text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(transparent))]
pub struct InvoiceNumber(String);

impl InvoiceNumber {
    /// `series` + `year` + `number` (1 to 999,999,999), as the series hands them out.
    pub fn compose(series: &str, year: i32, number: i64) -> Option<Self> {
        format!("{series}{year:04}{number:09}").parse().ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The database value, for queries that bind it.
    pub fn get(&self) -> &str {
        &self.0
    }
}

impl FromStr for InvoiceNumber {
    type Err = &'static str;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        let b = raw.as_bytes();
        let well_formed = b.len() == 16
            && b[..3].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && &b[3..5] == b"20"
            && b[5..].iter().all(u8::is_ascii_digit);
        if well_formed { Ok(Self(raw.to_owned())) } else { Err("not an invoice number") }
    }
}

impl TryFrom<String> for InvoiceNumber {
    type Error = &'static str;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        raw.parse()
    }
}

impl From<InvoiceNumber> for String {
    fn from(number: InvoiceNumber) -> Self {
        number.0
    }
}

impl fmt::Display for InvoiceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl leptos::prelude::IntoRender for InvoiceNumber {
    type Output = String;
    fn into_render(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_travel_as_their_plain_value() {
        let order = OrderNumber(1042);
        assert_eq!(serde_json::to_string(&order).unwrap(), "1042");
        assert_eq!(serde_json::from_str::<OrderNumber>("1042").unwrap(), order);
        assert_eq!(order.to_string(), "1042");
        let id = Uuid::from_u128(7);
        let customer = CustomerId(id);
        assert_eq!(serde_json::to_string(&customer).unwrap(), format!("\"{id}\""));
        assert_eq!(format!(" {id} ").parse::<CustomerId>().unwrap(), customer);
        assert!("1042; drop".parse::<OrderNumber>().is_err());
        assert!("not-a-uuid".parse::<SubscriptionId>().is_err());
    }

    #[test]
    fn invoice_numbers_are_gibs_sixteen_characters() {
        let number = InvoiceNumber::compose("CMK", 2026, 1).unwrap();
        assert_eq!(number.as_str(), "CMK2026000000001");
        assert_eq!(serde_json::to_string(&number).unwrap(), "\"CMK2026000000001\"");
        assert!(InvoiceNumber::compose("CMK", 2026, 1_000_000_000).is_none(), "ten digits");
        for bad in ["cmk2026000000001", "CMK1926000000001", "CMK2026", "CMK20260000000012", "ÇMK2026000000001", ""] {
            assert!(bad.parse::<InvoiceNumber>().is_err(), "{bad}");
            assert!(serde_json::from_str::<InvoiceNumber>(&format!("\"{bad}\"")).is_err(), "{bad}");
        }
    }
}
