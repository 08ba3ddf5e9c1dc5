//! The back office's home (issue #20): each to-do appears for the role that resolves it, links to
//! where it is resolved, and leaves the list once it is.

use reqwest::StatusCode;
use serde_json::Value;

use app::orders::OrderStatus;

use crate::{
    helpers::{TestApp, ok, second_tenant},
    provisioning::{order_for, status_of, wait_for, with_workers},
};

const PARTNER: &str = "00000000-0000-4000-8000-000000000002";

async fn attention(user: &TestApp) -> Value {
    ok(user.call("back_office_attention", &[]).await).await
}

fn hrefs(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|t| t["href"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn each_to_do_shows_to_the_role_that_resolves_it_and_leaves_once_resolved() {
    let app = with_workers().await;
    let credit = app.signed_in_as("credit@distributor.example").await;
    let ops = app.signed_in_as("ops@distributor.example").await;

    // Who gets which list.
    let first = attention(&credit).await;
    for list in ["applications", "credit_approvals", "near_limit", "undelivered_mail"] {
        assert!(first[list].is_object(), "credit control gets {list}: {first}");
    }
    assert!(first["dead_jobs"].is_null(), "dead jobs are operations' to look into");
    let operations = attention(&ops).await;
    assert!(operations["dead_jobs"].is_object() && operations["undelivered_mail"].is_object());
    assert!(operations["credit_approvals"].is_null() && operations["applications"].is_null());
    assert_eq!(first["credit_approvals"]["total"], 0);
    assert_eq!(first["near_limit"]["total"], 0);

    // A partner at its limit: listed with a link to its page, until the limit is raised.
    let number = order_for(&app, "contoso", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;
    let limit = |sql: &'static str| sqlx::query(sql).bind(uuid::Uuid::parse_str(PARTNER).unwrap()).execute(&app.pool);
    limit("update partner set credit_limit = partner_credit_used($1) where organisation_id = $1").await.unwrap();
    let near = attention(&credit).await;
    assert_eq!(hrefs(&near["near_limit"]), [format!("/backoffice/partners/{PARTNER}")]);
    assert!(near["near_limit"]["items"][0]["detail"].as_str().unwrap().starts_with("100 %"), "{near}");

    // An order over the credit now waits for credit control; rejected, it is gone.
    let waiting = order_for(&app, "attentionltd", "1234567").await;
    assert_eq!(status_of(&app, waiting).await, OrderStatus::AwaitingCreditApproval);
    let listed = attention(&credit).await;
    assert_eq!(listed["credit_approvals"]["total"], 1);
    assert_eq!(hrefs(&listed["credit_approvals"]), [format!("/backoffice/orders/{waiting}")]);
    let n = waiting.to_string();
    ok(credit
        .call("decide_credit", &[("order_number", n.as_str()), ("decision", "reject"), ("reason", "Limit")])
        .await)
    .await;
    assert_eq!(attention(&credit).await["credit_approvals"]["total"], 0);
    limit("update partner set credit_limit = 100000 where organisation_id = $1").await.unwrap();
    assert_eq!(attention(&credit).await["near_limit"]["total"], 0);

    // A dead job, for operations; mail pending for an hour, for both.
    sqlx::query(
        "insert into job (job_id, kind, payload, state, max_attempts, last_error)
         values (gen_random_uuid(), 'fetch_exchange_rates', '{}', 'dead', 1, 'the feed did not answer')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let dead = attention(&ops).await;
    assert_eq!(dead["dead_jobs"]["items"][0]["detail"], "the feed did not answer");
    assert_eq!(hrefs(&dead["dead_jobs"]), ["/backoffice/jobs"]);
    let before = attention(&ops).await["undelivered_mail"]["total"].as_i64().unwrap();
    sqlx::query(
        "insert into email_outbox (outbox_id, recipient, subject, body_text, created_at)
         values (gen_random_uuid(), 'late@reseller.example', 'Stuck for an hour', 'x', now() - interval '1 hour')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let late = attention(&credit).await;
    assert_eq!(late["undelivered_mail"]["total"].as_i64().unwrap(), before + 1);
    sqlx::query("update email_outbox set status = 'sent', sent_at = now() where subject = 'Stuck for an hour'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(attention(&credit).await["undelivered_mail"]["total"].as_i64().unwrap(), before);

    // The page itself, without JavaScript; a partner has no back office.
    let page = credit.get("/backoffice").await.text().await.unwrap();
    assert!(page.contains("Needs your attention") && page.contains("Orders waiting for credit approval"));
    let partner = app.signed_in_as("partner@reseller.example").await;
    assert_eq!(partner.call("back_office_attention", &[]).await.status(), StatusCode::FORBIDDEN);
}

async fn todos(user: &TestApp) -> Value {
    ok(user.call("partner_home_todos", &[]).await).await
}

fn titles(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_partners_to_dos_are_its_own_and_leave_once_resolved() {
    let app = with_workers().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let (_, other) = second_tenant(&app).await;
    let quiet = todos(&partner).await;
    for list in ["failed", "awaiting_credit", "cancellations", "relationships", "renewals"] {
        assert_eq!(quiet[list]["total"], 0, "{list}: {quiet}");
    }

    // A failed provisioning, with the fix, until it is resubmitted and completes.
    let failed = order_for(&app, "todofailed", "8000151").await;
    wait_for(&app, failed, OrderStatus::ProvisioningFailed).await;
    let listed = todos(&partner).await;
    assert_eq!(hrefs(&listed["failed"]), [format!("/cp/orders/{failed}")]);
    assert!(listed["failed"]["items"][0]["detail"].as_str().unwrap().contains("MPN ID"), "{listed}");
    let n = failed.to_string();
    let resubmit = [("order_number", n.as_str()), ("mpn_id", "1234567"), ("tenant", "todofailed")];
    ok(partner.call("resubmit_order", &resubmit).await).await;
    wait_for(&app, failed, OrderStatus::Completed).await;
    assert_eq!(todos(&partner).await["failed"]["total"], 0);

    // A renewal within 30 days: the new customer's subscription, its term moved close.
    sqlx::query(
        "update subscription set term_end = market_now() + interval '10 days'
         where order_id = (select order_id from sales_order where order_number = $1)",
    )
    .bind(failed)
    .execute(&app.pool)
    .await
    .unwrap();
    let renewals = todos(&partner).await;
    let soon = titles(&renewals["renewals"]);
    assert!(!soon.is_empty() && soon.iter().all(|t| t.ends_with("todofailed Ltd")), "{renewals}");

    // A customer's cancellation request, until the partner decides it.
    let customer_of = |prefix: &'static str| {
        sqlx::query_scalar::<_, String>(
            "select s.subscription_id::text from subscription s join customer c on c.organisation_id = s.customer_id
             where c.tenant_prefix = $1",
        )
        .bind(prefix)
        .fetch_one(&app.pool)
    };
    let contoso_order = order_for(&app, "contoso", "1234567").await;
    wait_for(&app, contoso_order, OrderStatus::Completed).await;
    let subscription = customer_of("contoso").await.unwrap();
    let admin = app.signed_in_as("admin@contoso.example").await;
    let cancellation = ok(admin.call("cancel_subscription", &[("subscription_id", subscription.as_str())]).await)
        .await
        .as_i64()
        .unwrap();
    let listed = todos(&partner).await;
    assert_eq!(hrefs(&listed["cancellations"]), [format!("/cp/orders/{cancellation}")]);
    let c = cancellation.to_string();
    ok(partner.call("decide_cancellation", &[("order_number", c.as_str()), ("decision", "reject")]).await).await;
    assert_eq!(todos(&partner).await["cancellations"]["total"], 0);

    // A relationship not accepted yet, until the customer's admin accepts it.
    let relationship = |accepted: bool| {
        sqlx::query(
            "update customer set relationship_accepted_at = case when $1 then now() end where tenant_prefix = 'contoso'",
        )
        .bind(accepted)
        .execute(&app.pool)
    };
    relationship(false).await.unwrap();
    assert_eq!(titles(&todos(&partner).await["relationships"]), ["Contoso Ltd"]);
    relationship(true).await.unwrap();
    assert_eq!(todos(&partner).await["relationships"]["total"], 0);

    // An order over the credit, until credit control decides it.
    sqlx::query("update partner set credit_limit = 1 where organisation_id = $1::text::uuid")
        .bind(PARTNER)
        .execute(&app.pool)
        .await
        .unwrap();
    let waiting = order_for(&app, "todowaiting", "1234567").await;
    assert_eq!(status_of(&app, waiting).await, OrderStatus::AwaitingCreditApproval);
    let mine = todos(&partner).await;
    assert_eq!(hrefs(&mine["awaiting_credit"]), [format!("/cp/orders/{waiting}")]);

    // Another partner sees none of it.
    let theirs = todos(&other).await;
    for list in ["failed", "awaiting_credit", "cancellations", "relationships", "renewals"] {
        assert_eq!(theirs[list]["total"], 0, "{list}: {theirs}");
    }
    let credit = app.signed_in_as("credit@distributor.example").await;
    let w = waiting.to_string();
    ok(credit.call("decide_credit", &[("order_number", w.as_str()), ("decision", "reject"), ("reason", "No")]).await)
        .await;
    assert_eq!(todos(&partner).await["awaiting_credit"]["total"], 0);

    // The home page says so without JavaScript.
    let home = partner.get("/cp").await.text().await.unwrap();
    assert!(home.contains("Needs your attention") && home.contains("No order failed at provisioning."));
}

#[tokio::test]
async fn the_home_shows_orders_on_their_way_the_credit_and_this_months_charges() {
    // No workers: a placed order stays on its way.
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let before = ok(partner.call("partner_home_work", &[]).await).await;
    assert_eq!(before["in_flight"], serde_json::json!([]), "{before}");

    let number = order_for(&app, "homework", "1234567").await;
    let work = ok(partner.call("partner_home_work", &[]).await).await;
    assert_eq!(work["in_flight"][0]["in_flight"]["order_number"], number, "{work}");
    assert_eq!(work["in_flight"][0]["customer_name"], "homework Ltd");
    let decimal = |v: &Value| v.as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
    let open: rust_decimal::Decimal = sqlx::query_scalar(
        "select coalesce(sum(term_value), 0) from sales_order where partner_id = $1::text::uuid
         and status in ('submitted', 'provisioning', 'provisioning_failed')",
    )
    .bind(PARTNER)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(open > rust_decimal::Decimal::ZERO);
    assert_eq!(decimal(&work["usage"]["open_orders"]), open, "the gauge's open orders: {work}");
    let usage = &work["usage"];
    assert_eq!(
        decimal(&usage["available"]),
        decimal(&usage["credit_limit"])
            - decimal(&usage["unpaid_statements"])
            - decimal(&usage["unbilled_charges"])
            - decimal(&usage["open_orders"]),
        "what is available is the limit less each use: {usage}"
    );
    let month: rust_decimal::Decimal = sqlx::query_scalar(
        "select coalesce(sum(amount), 0) from charge where partner_id = $1::text::uuid and statement_id is null
         and date_trunc('month', occurred_at at time zone 'UTC') = date_trunc('month', market_now() at time zone 'UTC')",
    )
    .bind(PARTNER)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(decimal(&work["unbilled_this_month"]), month);

    let home = partner.get("/cp").await.text().await.unwrap();
    assert!(
        home.contains(r#"data-test="gauge-available""#) && home.contains(&format!("/cp/orders/{number}")),
        "{home}"
    );

    // Another partner sees its own, empty, work.
    let (_, other) = second_tenant(&app).await;
    let theirs = ok(other.call("partner_home_work", &[]).await).await;
    assert_eq!(theirs["in_flight"], serde_json::json!([]), "{theirs}");
    assert_eq!(decimal(&theirs["usage"]["open_orders"]), rust_decimal::Decimal::ZERO);
}
