//! What the simulated people do, through the HTTP interface only: partners order for new and
//! existing customers (double clicks and lost answers included: the same idempotency key sent
//! again), change licence counts and cancel subscriptions from their customers' portals and open
//! the cancellation orders; credit control decides the orders over a partner's credit.

use std::{
    collections::HashSet,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use rand::{Rng, seq::SliceRandom};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::PgPool;
use tokio::sync::watch;
use uuid::Uuid;

use app::{
    checkout::CheckoutState, customers::CustomerSummary, domain::SubscriptionStatus, subscriptions::SubscriptionView,
};

use crate::http::{Browser, Reply};

const BASIC: &str = "CFQ7TTC0LH18";
const DEFENDER: &str = "CFQ7TTC0LHXK";
/// Base products an existing customer may add (Business Basic is every new customer's first).
const MORE: [&str; 3] = ["CFQ7TTC0LDPB", "CFQ7TTC0LH16", "CFQ7TTC0RM8K"];

/// An order the soak placed, as the partner saw it.
pub struct Placed {
    /// When the checkout began, from the start of the run.
    pub at: Duration,
    /// From the first add to cart to the order number.
    pub checkout: Duration,
    /// "Submit" alone, retries included.
    pub submit: Duration,
}

/// What the simulated people did and what surprised them.
pub struct Stats {
    pub started: Instant,
    pub placed: Mutex<Vec<Placed>>,
    pub changes: AtomicU64,
    pub cancellations: AtomicU64,
    pub credit_decisions: AtomicU64,
    /// Submissions sent twice at once (a double click), and resent after an answer was lost.
    pub double_clicks: AtomicU64,
    pub resubmissions: AtomicU64,
    /// One idempotency key answered with two different order numbers.
    pub key_mismatches: AtomicU64,
    /// Refusals no step of the flow should have met, with what was refused.
    pub unexpected: Mutex<Vec<String>>,
    /// Calls given up after the client's patience (see `http::PATIENCE`).
    pub gave_up: AtomicU64,
}

impl Stats {
    pub fn new(started: Instant) -> Self {
        Self {
            started,
            placed: Mutex::default(),
            changes: AtomicU64::new(0),
            cancellations: AtomicU64::new(0),
            credit_decisions: AtomicU64::new(0),
            double_clicks: AtomicU64::new(0),
            resubmissions: AtomicU64::new(0),
            key_mismatches: AtomicU64::new(0),
            unexpected: Mutex::default(),
            gave_up: AtomicU64::new(0),
        }
    }

    fn surprise(&self, what: String) {
        self.unexpected.lock().expect("surprises").push(what);
    }
}

/// Why a flow stopped early (recorded in [`Stats`]).
struct Stopped;

/// One simulated partner: a Control Panel session and a customer-portal session (the partner
/// acting as its customers, as "Customers → Actions" opens it).
pub struct Partner {
    pub index: usize,
    pub cp: Browser,
    pub portal: Browser,
    pub stats: Arc<Stats>,
    /// Letters and digits naming this run, in tenant prefixes.
    pub tag: String,
    pub think: Duration,
}

fn form(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

impl Partner {
    pub async fn run(self, stop: watch::Receiver<bool>) {
        let mut n = 0;
        while !*stop.borrow() {
            let roll = rand::thread_rng().gen_range(0..100);
            let _ = match roll {
                0..60 => self.new_customer_order(n).await,
                60..72 => self.existing_customer_order().await,
                72..88 => self.change_licences().await,
                _ => self.cancel().await,
            };
            n += 1;
            let pause = self.think.mul_f64(rand::thread_rng().gen_range(0.0..2.0));
            tokio::time::sleep(pause).await;
        }
    }

    /// A call that must succeed; anything else is recorded and stops the flow.
    async fn must(&self, browser: &Browser, endpoint: &str, args: &[(&'static str, String)]) -> Result<Value, Stopped> {
        let reply = self.reply(browser, endpoint, args).await?;
        match reply.answer {
            crate::http::Answer::Ok(value) => Ok(value),
            crate::http::Answer::Refused { status, key } => {
                self.stats.surprise(format!("{endpoint}: {status} {key}"));
                Err(Stopped)
            }
        }
    }

    async fn reply(
        &self,
        browser: &Browser,
        endpoint: &str,
        args: &[(&'static str, String)],
    ) -> Result<Reply, Stopped> {
        match browser.call(endpoint, args).await {
            Some(reply) => Ok(reply),
            None => {
                self.stats.gave_up.fetch_add(1, Ordering::Relaxed);
                Err(Stopped)
            }
        }
    }

    async fn read<T: DeserializeOwned>(
        &self,
        browser: &Browser,
        endpoint: &str,
        args: &[(&'static str, String)],
    ) -> Result<T, Stopped> {
        let value = self.must(browser, endpoint, args).await?;
        serde_json::from_value(value).map_err(|e| {
            self.stats.surprise(format!("{endpoint}: unreadable answer ({e})"));
            Stopped
        })
    }

    /// "Submit" with the checkout's key: sometimes twice at once (a double click landing on two
    /// nodes), sometimes once more after the answer (as if it had been lost). Every answer must
    /// name the same order.
    async fn submit(&self, key: &str) -> Result<i64, Stopped> {
        // The signatory of the Microsoft Customer Agreement: a new customer's first order needs it,
        // an attested customer's ignores it.
        let args = form(&[
            ("idempotency_key", key),
            ("payment_method", "wire_transfer"),
            ("signatory_first_name", "Ayşe"),
            ("signatory_last_name", "Yılmaz"),
            ("signatory_email", "ayse@signatory.example"),
            ("signatory_company", "Soak Customer"),
            ("signatory_country", "TR"),
            ("signatory_language", "tr"),
            ("agreement_accepted", "yes"),
        ]);
        let (double, again) = {
            let mut rng = rand::thread_rng();
            (rng.gen_bool(0.25), rng.gen_bool(0.2))
        };
        let numbers: Vec<Value> = if double {
            self.stats.double_clicks.fetch_add(1, Ordering::Relaxed);
            let nodes = self.cp.nodes().bases.len();
            let first = self.cp.nodes().random();
            let (a, b) = tokio::join!(
                self.cp.call_from(Some(first), "submit_order", &args),
                self.cp.call_from(Some((first + 1) % nodes), "submit_order", &args)
            );
            let mut numbers = Vec::new();
            for reply in [a, b] {
                let Some(reply) = reply else {
                    self.stats.gave_up.fetch_add(1, Ordering::Relaxed);
                    return Err(Stopped);
                };
                match reply.answer {
                    crate::http::Answer::Ok(value) => numbers.push(value),
                    crate::http::Answer::Refused { status, key } => {
                        self.stats.surprise(format!("submit_order (double click): {status} {key}"));
                        return Err(Stopped);
                    }
                }
            }
            numbers
        } else {
            vec![self.must(&self.cp, "submit_order", &args).await?]
        };
        let mut numbers: Vec<Value> = numbers;
        if again {
            self.stats.resubmissions.fetch_add(1, Ordering::Relaxed);
            numbers.push(self.must(&self.cp, "submit_order", &args).await?);
        }
        let first = numbers[0].as_i64();
        if first.is_none() || numbers.iter().any(|n| n.as_i64() != first) {
            self.stats.key_mismatches.fetch_add(1, Ordering::Relaxed);
            self.stats.surprise(format!("submit_order: one key answered {numbers:?}"));
            return Err(Stopped);
        }
        Ok(first.unwrap_or_default())
    }

    fn placed(&self, began: Instant, submit: Duration) {
        self.stats.placed.lock().expect("placed").push(Placed {
            at: began.duration_since(self.stats.started),
            checkout: began.elapsed(),
            submit,
        });
    }

    /// The checkout of SPEC E for a new customer on a new tenant: Business Basic, sometimes with
    /// an add-on, monthly or annual.
    async fn new_customer_order(&self, n: usize) -> Result<(), Stopped> {
        let began = Instant::now();
        let (cycle, quantity, add_on) = {
            let mut rng = rand::thread_rng();
            (if rng.gen_bool(0.5) { "monthly" } else { "annual" }, rng.gen_range(1..=5).to_string(), rng.gen_bool(0.4))
        };
        let me = self.index;
        self.must(&self.cp, "add_to_cart", &form(&[("sku", BASIC), ("billing_cycle", cycle), ("quantity", &quantity)]))
            .await?;
        if add_on {
            let args = form(&[("sku", DEFENDER), ("billing_cycle", cycle), ("quantity", &quantity)]);
            self.must(&self.cp, "add_to_cart", &args).await?;
        }
        let customer = form(&[
            ("customer_mode", "new"),
            ("company_name", &format!("Soak Customer {me}-{n}")),
            ("tax_number", "1234567890"),
            ("address", "Levent, İstanbul"),
            ("phone", "0212 555 01 02"),
            ("contact_name", "Ayşe Yılmaz"),
            ("contact_email", &format!("it{me}x{n}@customer.example")),
            ("mpn_id", "1234567"),
        ]);
        self.must(&self.cp, "checkout_customer", &customer).await?;
        let prefix = format!("{}p{me}n{n}", self.tag);
        self.must(&self.cp, "checkout_tenant", &form(&[("tenant_mode", "new"), ("prefix", &prefix)])).await?;
        let state: CheckoutState = self.read(&self.cp, "checkout", &[]).await?;
        let submitted = Instant::now();
        self.submit(&state.idempotency_key.to_string()).await?;
        self.placed(began, submitted.elapsed());
        Ok(())
    }

    /// A customer whose first order completed, at random.
    async fn some_customer(&self) -> Result<Option<CustomerSummary>, Stopped> {
        let customers: Vec<CustomerSummary> = self.read(&self.cp, "customers", &[]).await?;
        let settled: Vec<CustomerSummary> = customers
            .into_iter()
            .filter(|c| c.tenant_domain.is_some() && c.in_flight.is_empty() && c.live_subscriptions > 0)
            .collect();
        Ok(settled.choose(&mut rand::thread_rng()).cloned())
    }

    /// The customer's subscriptions, seen from its portal (opened by the partner).
    async fn portal_of(&self, customer: &CustomerSummary) -> Result<Vec<SubscriptionView>, Stopped> {
        self.must(&self.portal, "open_customer_portal", &form(&[("customer_id", &customer.customer_id.to_string())]))
            .await?;
        self.read(&self.portal, "my_subscriptions", &[]).await
    }

    /// Another product for an existing customer on its tenant (SPEC E.5 "Existing Customer").
    async fn existing_customer_order(&self) -> Result<(), Stopped> {
        let Some(customer) = self.some_customer().await? else { return Ok(()) };
        let held: Vec<String> = self
            .portal_of(&customer)
            .await?
            .into_iter()
            .filter(|s| SubscriptionStatus::LIVE.contains(&s.status))
            .map(|s| s.sku)
            .collect();
        let Some(sku) = MORE
            .iter()
            .copied()
            .filter(|sku| !held.iter().any(|h| h == sku))
            .collect::<Vec<_>>()
            .choose(&mut rand::thread_rng())
            .copied()
        else {
            return Ok(());
        };
        let began = Instant::now();
        self.must(&self.cp, "add_to_cart", &form(&[("sku", sku), ("billing_cycle", "monthly"), ("quantity", "2")]))
            .await?;
        let customer_id = customer.customer_id.to_string();
        let chosen = form(&[("customer_mode", "existing"), ("customer_id", &customer_id), ("mpn_id", "1234567")]);
        self.must(&self.cp, "checkout_customer", &chosen).await?;
        let domain = customer.tenant_domain.clone().unwrap_or_default();
        self.must(&self.cp, "checkout_tenant", &form(&[("tenant_mode", "existing"), ("domain", &domain)])).await?;
        let state: CheckoutState = self.read(&self.cp, "checkout", &[]).await?;
        let submitted = Instant::now();
        self.submit(&state.idempotency_key.to_string()).await?;
        self.placed(began, submitted.elapsed());
        Ok(())
    }

    /// An active subscription of a settled customer, with the customer.
    async fn some_subscription(&self, base_only: bool) -> Result<Option<SubscriptionView>, Stopped> {
        let Some(customer) = self.some_customer().await? else { return Ok(None) };
        let subscriptions = self.portal_of(&customer).await?;
        let ready: Vec<SubscriptionView> = subscriptions
            .into_iter()
            .filter(|s| s.status == SubscriptionStatus::Active && s.in_flight.is_none() && !(base_only && s.is_addon))
            .collect();
        Ok(ready.choose(&mut rand::thread_rng()).cloned())
    }

    /// "Manage Subscription": more licences, or fewer (every seat here was added within 168 hours).
    async fn change_licences(&self) -> Result<(), Stopped> {
        let Some(subscription) = self.some_subscription(false).await? else { return Ok(()) };
        let target = {
            let mut rng = rand::thread_rng();
            if subscription.quantity > 1 && rng.gen_bool(0.3) {
                subscription.quantity - 1
            } else {
                subscription.quantity + rng.gen_range(1..=3)
            }
        };
        let args =
            form(&[("subscription_id", &subscription.subscription_id.to_string()), ("quantity", &target.to_string())]);
        let reply = self.reply(&self.portal, "change_licences", &args).await?;
        // Refusals that are the first, lost try's success seen again.
        let done_before = reply.retried_after_loss
            && reply.refused_with(&["SubscriptionChanging", "AnotherChangeUnderWay", "AlreadyHasLicences"]);
        if !reply.is_ok() && !done_before {
            self.stats.surprise(format!("change_licences to {target}: refused"));
            return Err(Stopped);
        }
        self.stats.changes.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// "Cancel Subscription" in the portal, then the partner opens the cancellation order and
    /// approves it ("Open Order"), or now and then rejects it.
    async fn cancel(&self) -> Result<(), Stopped> {
        let Some(subscription) = self.some_subscription(true).await? else { return Ok(()) };
        let args = form(&[("subscription_id", &subscription.subscription_id.to_string())]);
        let reply = self.reply(&self.portal, "cancel_subscription", &args).await?;
        let retried = reply.retried_after_loss;
        let number = match reply.answer {
            crate::http::Answer::Ok(value) => value.as_i64(),
            crate::http::Answer::Refused { ref key, .. } if retried && key == "SubscriptionAwaitsCancellation" => {
                // The lost try made the cancellation order: it is the one waiting as "New".
                let orders: Vec<app::orders::OrderSummary> = self.read(&self.cp, "my_orders", &[]).await?;
                orders
                    .iter()
                    .find(|o| {
                        o.kind == app::domain::OrderKind::Cancellation && o.status == app::domain::OrderStatus::New
                    })
                    .map(|o| o.order_number.get())
            }
            crate::http::Answer::Refused { status, key } => {
                self.stats.surprise(format!("cancel_subscription: {status} {key}"));
                return Err(Stopped);
            }
        };
        let Some(number) = number else {
            self.stats.surprise("cancel_subscription: no cancellation order to open".to_owned());
            return Err(Stopped);
        };
        let decision = if rand::thread_rng().gen_bool(0.85) { "approve" } else { "reject" };
        let args = form(&[("order_number", &number.to_string()), ("decision", decision)]);
        let reply = self.reply(&self.cp, "decide_cancellation", &args).await?;
        let done_before = reply.retried_after_loss && reply.refused_with(&["CancellationAlreadyDecided"]);
        if !reply.is_ok() && !done_before {
            self.stats.surprise(format!("decide_cancellation {decision}: refused"));
            return Err(Stopped);
        }
        self.stats.cancellations.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Credit control: rejects every order over a partner's credit, with a reason (approving one
/// would spend more than the limit on purpose, and the soak checks that nobody is over it).
/// It finds them as its back-office list does, and decides through the HTTP interface.
pub async fn credit_control(browser: Browser, pool: PgPool, stats: Arc<Stats>, stop: watch::Receiver<bool>) {
    let mut decided: HashSet<i64> = HashSet::new();
    while !*stop.borrow() {
        let waiting = crate::db::awaiting_credit(&pool).await.unwrap_or_default();
        for number in waiting {
            if decided.contains(&number) {
                continue;
            }
            let args = [
                ("order_number", number.to_string()),
                ("decision", "reject".to_owned()),
                ("reason", "Over the marketplace credit limit".to_owned()),
            ];
            match browser.call("decide_credit", &args).await {
                Some(reply)
                    if reply.is_ok() || (reply.retried_after_loss && reply.refused_with(&["OrderAlreadyDecided"])) =>
                {
                    stats.credit_decisions.fetch_add(1, Ordering::Relaxed);
                }
                Some(reply) => stats.surprise(format!("decide_credit {number}: {:?}", reply.answer)),
                None => {
                    stats.gave_up.fetch_add(1, Ordering::Relaxed);
                }
            }
            // Once: a refusal is recorded, not repeated every round.
            decided.insert(number);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Letters and digits naming a run, for tenant prefixes that no earlier run used.
pub fn run_tag() -> String {
    let id = Uuid::new_v4().simple().to_string();
    format!("s{}", &id[..6])
}
