//! The search's queries. Each group is one query, scoped in its `where` by the caller's
//! organisation (never by anything in the query text), cut at one row past
//! [`PER_GROUP`](super::PER_GROUP) so the page can say there are more.

use sqlx::PgPool;
use uuid::Uuid;

use super::{CustomerHit, OrderHit, PartnerHit, PartnerRef, SearchGroup, SearchResults, SubscriptionHit};
use crate::domain::{OrderKind, OrderStatus, SubscriptionStatus};

/// Whose rows a search may read.
#[derive(Clone, Copy, Debug)]
pub enum Within {
    /// One partner's: its customers and their orders and subscriptions.
    Partner(Uuid),
    /// Everyone's (the distributor's staff), partners included.
    Everything,
}

impl Within {
    fn partner(self) -> Option<Uuid> {
        match self {
            Self::Partner(id) => Some(id),
            Self::Everything => None,
        }
    }
}

/// Words of a query as `LIKE` fragments: `\`, `%` and `_` escaped, at most eight (more words
/// narrow nothing a person would look for).
pub fn like_words(q: &str) -> Vec<String> {
    q.split_whitespace().take(8).map(escape_like).collect()
}

fn escape_like(word: &str) -> String {
    word.chars()
        .flat_map(|c| match c {
            '\\' | '%' | '_' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

/// An order number as typed: digits, perhaps after `#`.
pub fn order_number_prefix(q: &str) -> Option<String> {
    let digits = q.trim().trim_start_matches('#');
    (!digits.is_empty() && digits.len() <= 18 && digits.chars().all(|c| c.is_ascii_digit())).then(|| digits.to_owned())
}

/// Every group the caller may see, for the normalised query `q`; nothing for a blank one.
pub async fn search(db: &PgPool, within: Within, q: &str) -> Result<SearchResults, sqlx::Error> {
    let words = like_words(q);
    if words.is_empty() {
        return Ok(SearchResults::default());
    }
    let tax = escape_like(q);
    let partner = within.partner();
    let limit = super::PER_GROUP as i64 + 1;
    let mut results = SearchResults::default();

    // Customers: every word in the name or the tenant's domain, or the tax number's start.
    let customers = sqlx::query!(
        r#"select c.organisation_id as customer_id, o.name, o.tax_number, c.tenant_prefix,
                  p.organisation_id as partner_id, p.name as partner_name
           from customer c
           join organisation o on o.organisation_id = c.organisation_id
           join organisation p on p.organisation_id = o.parent_id
           where ($1::uuid is null or o.parent_id = $1)
             and (not exists (select 1 from unnest($2::text[]) w
                              where search_key(o.name || ' ' || coalesce(c.tenant_prefix || '.onmicrosoft.com', ''))
                                    not like '%' || search_key(w) || '%')
                  or o.tax_number like $3 || '%')
           order by o.name, c.organisation_id
           limit $4"#,
        partner,
        &words,
        tax,
        limit
    )
    .fetch_all(db)
    .await?;
    results.customers = customers
        .into_iter()
        .map(|r| CustomerHit {
            customer_id: r.customer_id,
            name: r.name,
            tax_number: r.tax_number,
            tenant_domain: r.tenant_prefix.as_deref().map(crate::domain::initial_domain),
            partner: partner.is_none().then_some(PartnerRef { partner_id: r.partner_id, name: r.partner_name }),
        })
        .collect();

    // Orders: by number, newest first.
    if let Some(number) = order_number_prefix(q) {
        let orders = sqlx::query!(
            r#"select so.order_number, so.kind as "kind: OrderKind", so.status as "status: OrderStatus",
                      c.name as customer_name, p.organisation_id as partner_id, p.name as partner_name
               from sales_order so
               join organisation c on c.organisation_id = so.customer_id
               join organisation p on p.organisation_id = so.partner_id
               where ($1::uuid is null or so.partner_id = $1) and so.order_number::text like $2 || '%'
               order by so.order_number desc
               limit $3"#,
            partner,
            number,
            limit
        )
        .fetch_all(db)
        .await?;
        results.orders = orders
            .into_iter()
            .map(|r| OrderHit {
                order_number: r.order_number,
                kind: r.kind,
                status: r.status,
                customer_name: r.customer_name,
                partner: partner.is_none().then_some(PartnerRef { partner_id: r.partner_id, name: r.partner_name }),
            })
            .collect();
    }

    // Subscriptions: every word in the product's or the customer's name ("teams contoso"); the
    // ones still held first.
    let subscriptions = sqlx::query!(
        r#"select s.subscription_id, pr.name as product_name, s.quantity,
                  s.status as "status: SubscriptionStatus", s.customer_id, c.name as customer_name,
                  so.order_number, p.organisation_id as partner_id, p.name as partner_name
           from subscription s
           join product pr on pr.product_id = s.product_id
           join organisation c on c.organisation_id = s.customer_id
           join organisation p on p.organisation_id = c.parent_id
           join sales_order so on so.order_id = s.order_id
           where ($1::uuid is null or c.parent_id = $1)
             and not exists (select 1 from unnest($2::text[]) w
                             where search_key(pr.name || ' ' || c.name) not like '%' || search_key(w) || '%')
           order by s.status in ('cancelled', 'expired'), c.name, pr.name, s.subscription_id
           limit $3"#,
        partner,
        &words,
        limit
    )
    .fetch_all(db)
    .await?;
    results.subscriptions = subscriptions
        .into_iter()
        .map(|r| SubscriptionHit {
            subscription_id: r.subscription_id,
            product_name: r.product_name,
            quantity: r.quantity,
            status: r.status,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            order_number: r.order_number,
            partner: partner.is_none().then_some(PartnerRef { partner_id: r.partner_id, name: r.partner_name }),
        })
        .collect();

    // Partners: the distributor's staff only.
    if partner.is_none() {
        let partners = sqlx::query!(
            r#"select o.organisation_id as partner_id, o.name, o.tax_number
               from partner pa join organisation o on o.organisation_id = pa.organisation_id
               where not exists (select 1 from unnest($1::text[]) w
                                 where search_key(o.name) not like '%' || search_key(w) || '%')
                  or o.tax_number like $2 || '%'
               order by o.name, o.organisation_id
               limit $3"#,
            &words,
            tax,
            limit
        )
        .fetch_all(db)
        .await?;
        results.partners = partners
            .into_iter()
            .map(|r| PartnerHit { partner_id: r.partner_id, name: r.name, tax_number: r.tax_number })
            .collect();
    }

    let per_group = super::PER_GROUP;
    results.more = [
        (results.customers.len(), SearchGroup::Customers),
        (results.orders.len(), SearchGroup::Orders),
        (results.subscriptions.len(), SearchGroup::Subscriptions),
        (results.partners.len(), SearchGroup::Partners),
    ]
    .into_iter()
    .filter(|(found, _)| *found > per_group)
    .map(|(_, group)| group)
    .collect();
    results.customers.truncate(per_group);
    results.orders.truncate(per_group);
    results.subscriptions.truncate(per_group);
    results.partners.truncate(per_group);
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_a_query_are_taken_literally() {
        assert_eq!(like_words(r"50% off_ a\b"), vec![r"50\%", r"off\_", r"a\\b"]);
        assert_eq!(like_words("   ").len(), 0);
        assert_eq!(like_words("a b c d e f g h i j").len(), 8);
    }

    #[test]
    fn an_order_number_is_digits_perhaps_after_a_hash() {
        assert_eq!(order_number_prefix("#100042").as_deref(), Some("100042"));
        assert_eq!(order_number_prefix("1000"), Some("1000".to_owned()));
        assert_eq!(order_number_prefix("10a"), None);
        assert_eq!(order_number_prefix("#"), None);
        assert_eq!(order_number_prefix(&"9".repeat(19)), None);
    }
}
