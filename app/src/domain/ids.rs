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
}
