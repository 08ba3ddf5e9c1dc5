//! Global search (issue #20): one box in the top bar of the Control Panel and the back office
//! (`/` focuses it) finding customers by name, tax number or tenant domain, orders by number,
//! subscriptions by product or customer, and (in the back office) partners. Results are grouped
//! and scoped to what the caller may see: a partner's search reads only rows of its own
//! organisation, whatever it types; there is no id to change. Without JavaScript the box is a
//! plain GET form and the results page (`/cp/search?q=…`, `/backoffice/search?q=…`) is
//! rendered on the server.

mod search_page;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use search_page::{GlobalSearch, SearchPage};

use crate::{
    domain::{OrderKind, OrderStatus, SubscriptionStatus},
    error::AppError,
};

/// Whose rows a search reads, and so where its results lead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// A partner's own customers, orders and subscriptions (Control Panel).
    Partner,
    /// Every partner's (back office).
    Distributor,
}

impl Scope {
    pub fn of_path(path: &str) -> Self {
        if path.starts_with("/backoffice") { Self::Distributor } else { Self::Partner }
    }

    /// The results page, which the top bar's form submits to.
    pub fn results_page(self) -> &'static str {
        match self {
            Self::Partner => "/cp/search",
            Self::Distributor => "/backoffice/search",
        }
    }
}

/// The most a group shows; the page says when there are more and the search should be narrower.
pub const PER_GROUP: usize = 10;
/// Longer queries are cut: nobody types more to find a name, and the database is spared.
pub const MAX_QUERY_CHARS: usize = 100;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerHit {
    pub customer_id: Uuid,
    pub name: String,
    pub tax_number: Option<String>,
    pub tenant_domain: Option<String>,
    /// The customer's partner: shown (and linked) in the back office only.
    pub partner: Option<PartnerRef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartnerRef {
    pub partner_id: Uuid,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderHit {
    pub order_number: i64,
    pub kind: OrderKind,
    pub status: OrderStatus,
    pub customer_name: String,
    pub partner: Option<PartnerRef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionHit {
    pub subscription_id: Uuid,
    pub product_name: String,
    pub quantity: i32,
    pub status: SubscriptionStatus,
    pub customer_id: Uuid,
    pub customer_name: String,
    /// The order that created it: where the back office opens it.
    pub order_number: i64,
    pub partner: Option<PartnerRef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartnerHit {
    pub partner_id: Uuid,
    pub name: String,
    pub tax_number: Option<String>,
}

/// What a search found, grouped; each group holds at most [`PER_GROUP`] rows and says whether it
/// had more.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub customers: Vec<CustomerHit>,
    pub orders: Vec<OrderHit>,
    pub subscriptions: Vec<SubscriptionHit>,
    pub partners: Vec<PartnerHit>,
    /// The groups cut at [`PER_GROUP`].
    pub more: Vec<SearchGroup>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchGroup {
    Customers,
    Orders,
    Subscriptions,
    Partners,
}

impl SearchResults {
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty() && self.orders.is_empty() && self.subscriptions.is_empty() && self.partners.is_empty()
    }
}

/// The query as searched: trimmed, inner runs of white space made one, cut at
/// [`MAX_QUERY_CHARS`]. Blank means no search.
pub fn normalise_query(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(MAX_QUERY_CHARS).collect()
}

/// Control Panel search: the signed-in partner's customers, orders and subscriptions.
#[server(prefix = "/api", endpoint = "search_my_business")]
pub async fn search_my_business(q: String) -> Result<SearchResults, AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::Resell).await?;
    Ok(ssr::search(&state.pool, ssr::Within::Partner(user.organisation_id), &normalise_query(&q)).await?)
}

/// Back-office search: every partner's customers, orders and subscriptions, and the partners.
#[server(prefix = "/api", endpoint = "search_everything")]
pub async fn search_everything(q: String) -> Result<SearchResults, AppError> {
    let (_user, state) = crate::auth::ssr::caller(crate::auth::Permission::Oversee).await?;
    Ok(ssr::search(&state.pool, ssr::Within::Everything, &normalise_query(&q)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_trimmed_folded_to_single_spaces_and_cut() {
        assert_eq!(normalise_query("  contoso \t ltd \n"), "contoso ltd");
        assert_eq!(normalise_query("   "), "");
        assert_eq!(normalise_query(&"ş".repeat(300)).chars().count(), MAX_QUERY_CHARS);
    }

    #[test]
    fn the_results_page_follows_the_area() {
        assert_eq!(Scope::of_path("/backoffice/orders"), Scope::Distributor);
        assert_eq!(Scope::of_path("/cp/customers"), Scope::Partner);
        assert_eq!(Scope::Distributor.results_page(), "/backoffice/search");
    }
}
