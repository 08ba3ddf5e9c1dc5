//! Bulk actions (issue #20): the partner's renewal settings on several of a customer's
//! subscriptions, and "Open Order"/reject on several Cancellation Orders. Each item is checked by
//! the single action's rules in its own transaction: a refused one is reported and the others go
//! on; another partner's items are never touched.

use reqwest::{StatusCode, header};
use serde_json::Value;
use uuid::Uuid;

use app::orders::OrderStatus;

use crate::{
    helpers::{TestApp, json, location, ok, second_tenant},
    provisioning::{order_for, status_of, wait_for, with_workers},
};

/// The subscriptions of a customer by its tenant prefix, oldest first, as (id, product name).
async fn subscriptions_of(app: &TestApp, prefix: &str) -> Vec<(Uuid, String)> {
    sqlx::query_as(
        "select s.subscription_id, p.name from subscription s join product p using (product_id)
         join customer c on c.organisation_id = s.customer_id
         where c.tenant_prefix = $1 order by s.created_at, p.name",
    )
    .bind(prefix)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn auto_renew(app: &TestApp, id: Uuid) -> bool {
    sqlx::query_scalar("select auto_renew from subscription where subscription_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn bulk_renewal(partner: &TestApp, form: Vec<(&'static str, String)>) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    partner.call("bulk_renewal", &pairs).await
}

fn outcome(results: &Value, i: usize) -> (String, Option<String>) {
    let o = &results[i];
    (o["item"].as_str().unwrap().to_owned(), o["refused"].as_object().map(|_| o["refused"].to_string()))
}

#[tokio::test]
async fn bulk_renewal_applies_each_rule_per_subscription_and_reports_each() {
    let app = with_workers().await;
    let number = order_for(&app, "bulkltd", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;
    let subs = subscriptions_of(&app, "bulkltd").await;
    assert_eq!(subs.len(), 2, "two products ordered");
    let customer: Uuid = sqlx::query_scalar("select organisation_id from customer where tenant_prefix = 'bulkltd'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (first, second) = (subs[0].0, subs[1].0);
    // The second is waiting for its cancellation: the single action refuses it, so must the bulk.
    sqlx::query("update subscription set status = 'pending_cancellation' where subscription_id = $1")
        .bind(second)
        .execute(&app.pool)
        .await
        .unwrap();
    let contoso_sub = Uuid::new_v4();
    let partner = app.signed_in_as("partner@reseller.example").await;
    let (customer_s, first_s, second_s, stranger) =
        (customer.to_string(), first.to_string(), second.to_string(), contoso_sub.to_string());
    let form = |action: &'static str, quantity: &'static str| {
        vec![
            ("customer_id", customer_s.clone()),
            ("subscription_ids[]", first_s.clone()),
            ("subscription_ids[]", second_s.clone()),
            ("subscription_ids[]", stranger.clone()),
            ("subscription_ids[]", first_s.clone()),
            ("action", action.to_owned()),
            ("renewal_quantity", quantity.to_owned()),
        ]
    };
    let call = |form: Vec<(&'static str, String)>| bulk_renewal(&partner, form);

    let results = ok(call(form("auto_renew_off", "")).await).await;
    assert_eq!(results.as_array().unwrap().len(), 3, "each item once: {results}");
    assert_eq!(outcome(&results, 0), (subs[0].1.clone(), None), "the active one is done");
    let (name, refused) = outcome(&results, 1);
    assert_eq!(name, subs[1].1);
    assert!(refused.unwrap().contains("Only an active subscription renews"), "{results}");
    let (name, refused) = outcome(&results, 2);
    assert_eq!(name, stranger, "an id not of this customer is named by its id");
    assert!(refused.unwrap().contains("That subscription was not found"), "{results}");
    assert!(!auto_renew(&app, first).await, "done");
    assert!(auto_renew(&app, second).await, "refused: untouched");
    let acting: Option<Uuid> = sqlx::query_scalar(
        "select acting_as_organisation_id from audit_log
         where action = 'subscription.auto_renew' and target_id = $1 order by audit_id desc limit 1",
    )
    .bind(first_s.as_str())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(acting, Some(customer), "audited as the partner acting for the customer");

    // A licence count at renewal: read once, before anything; a bad one changes nothing.
    let bad = call(form("renewal_quantity", "0")).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(bad).await["Invalid"][0]["field"], "renewal_quantity");
    let scheduled = ok(call(form("renewal_quantity", "3")).await).await;
    assert!(outcome(&scheduled, 0).1.is_none(), "{scheduled}");
    let count: Option<i32> = sqlx::query_scalar("select renewal_quantity from subscription where subscription_id = $1")
        .bind(first)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, Some(3));

    // Nothing selected: said at the field.
    let none = partner.call("bulk_renewal", &[("customer_id", &customer_s), ("action", "auto_renew_on")]).await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(none).await["Invalid"][0]["field"], "subscription_ids");

    // Without JavaScript the page comes back saying how many were done and refused.
    let plain = partner
        .client
        .post(partner.url("/api/bulk_renewal"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, partner.url(&format!("/cp/customers/{customer}")))
        .form(&form("auto_renew_on", ""))
        .send()
        .await
        .unwrap();
    assert!(plain.status().is_redirection(), "{}", plain.status());
    assert_eq!(location(&plain), format!("/cp/customers/{customer}?done=1&refused=2"));
    assert!(auto_renew(&app, first).await);
    let page = partner.get(&format!("/cp/customers/{customer}?done=1&refused=2")).await.text().await.unwrap();
    assert!(page.contains(r#"data-test="bulk-summary""#) && page.contains(r#"name="subscription_ids[]""#));

    // Another partner: the customer is not found, and through a customer of its own none of these
    // subscriptions is reachable.
    let (_, other) = second_tenant(&app).await;
    let theirs = other
        .call(
            "bulk_renewal",
            &[("customer_id", &customer_s), ("subscription_ids[]", &first_s), ("action", "auto_renew_off")],
        )
        .await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    assert!(auto_renew(&app, first).await, "untouched by another partner");
}

#[tokio::test]
async fn cancellation_orders_are_decided_together_each_on_its_own() {
    let app = with_workers().await;
    // Two customers each ask to cancel a subscription (as the portal does; here the partner acts
    // for each in turn).
    let partner = app.signed_in_as("partner@reseller.example").await;
    let mut numbers = Vec::new();
    for prefix in ["bulkcancela", "bulkcancelb"] {
        let number = order_for(&app, prefix, "1234567").await;
        wait_for(&app, number, OrderStatus::Completed).await;
        let (subscription, _) = subscriptions_of(&app, prefix).await.remove(0);
        let customer: String =
            sqlx::query_scalar("select organisation_id::text from customer where tenant_prefix = $1")
                .bind(prefix)
                .fetch_one(&app.pool)
                .await
                .unwrap();
        ok(partner.call("open_customer_portal", &[("customer_id", customer.as_str())]).await).await;
        let id = subscription.to_string();
        let cancellation = ok(partner.call("cancel_subscription", &[("subscription_id", id.as_str())]).await).await;
        numbers.push(cancellation.as_i64().unwrap());
        ok(partner.call("leave_customer_portal", &[]).await).await;
    }
    let (a, b) = (numbers[0].to_string(), numbers[1].to_string());
    // One is decided already: the bulk reports it and goes on with the other.
    ok(partner.call("decide_cancellation", &[("order_number", a.as_str()), ("decision", "reject")]).await).await;

    let (_, other) = second_tenant(&app).await;
    let theirs =
        ok(other.call("decide_cancellations", &[("order_numbers[]", b.as_str()), ("decision", "approve")]).await).await;
    assert!(outcome(&theirs, 0).1.unwrap().contains("not found"), "another partner's order: {theirs}");
    assert_eq!(status_of(&app, numbers[1]).await, OrderStatus::New, "untouched by another partner");

    let results = ok(partner
        .call(
            "decide_cancellations",
            &[("order_numbers[]", a.as_str()), ("order_numbers[]", b.as_str()), ("decision", "approve")],
        )
        .await)
    .await;
    assert_eq!(outcome(&results, 0).0, a);
    assert!(outcome(&results, 0).1.unwrap().contains("already decided"), "{results}");
    assert_eq!(outcome(&results, 1), (b.clone(), None));
    assert_eq!(status_of(&app, numbers[0]).await, OrderStatus::Rejected);
    assert_ne!(status_of(&app, numbers[1]).await, OrderStatus::New, "opened: on its way to the vendor");
    wait_for(&app, numbers[1], OrderStatus::Completed).await;

    let bad = partner.call("decide_cancellations", &[("order_numbers[]", b.as_str()), ("decision", "maybe")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "a decision is approve or reject");
}
