//! Order creation through the partner API against the Control Panel's server functions, in the
//! same run on the same server (the release binary in a process of its own, with the demo data
//! and the Partner Center sandbox answering at once: no vendor latency, no workers).
//!
//! Each client is a partner placing orders back to back, each for a new customer with a new
//! tenant and one line:
//! - API: `POST /api/v1/orders` with `validate_only`, then the order (2 calls);
//! - server functions, as the browser calls them: add to cart, the customer step, the tenant
//!   step, the checkout's state (its idempotency key) and "Submit" (5 calls).
//!
//! Both paths make every vendor check over HTTP and place the order in the same transaction.
//! `make bench` sets DATABASE_URL to a private PostgreSQL.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Server {
    child: std::process::Child,
    origin: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start(database_url: &str) -> anyhow::Result<Server> {
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port();
    let address = format!("127.0.0.1:{port}");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", &address)
        .env("LEPTOS_OUTPUT_NAME", "cloudmarket")
        .env("CLOUDMARKET_DEMO", "1")
        .env("CLOUDMARKET_WORKERS", "0")
        .env("CLOUDMARKET_SANDBOX_LATENCY_MS", "0")
        .env("CLOUDMARKET_SIGN_IN_PER_IP_PER_MINUTE", "1000000")
        .env("CLOUDMARKET_API_REQUESTS_PER_MINUTE", "1000000")
        .env("CLOUDMARKET_DB_MAX_CONNECTIONS", "40")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("starting the server binary")?;
    let server = Server { child, origin: format!("http://{address}") };
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client.get(format!("{}/healthz", server.origin)).send().await.is_ok_and(|r| r.status().is_success()) {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server at {address} did not come up")
}

/// A bench partner: its admin's sign-in and an API key with every scope.
struct Partner {
    email: String,
    token: String,
}

async fn create_partners(pool: &PgPool, count: usize) -> anyhow::Result<Vec<Partner>> {
    let hash = app::auth::ssr::hash_password("bench-password").map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut partners = Vec::with_capacity(count);
    for i in 0..count {
        let (org, user, key) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let email = format!("api-bench{i}-{org}@reseller.example");
        let token = format!("cmk_{}", Uuid::new_v4().simple());
        sqlx::query(
            "with o as (insert into organisation (organisation_id, kind, parent_id, name)
                        values ($1, 'partner', '00000000-0000-4000-8000-000000000001', $2)),
                  p as (insert into partner (organisation_id, mpn_id, credit_limit) values ($1, '1234567', 100000000)),
                  u as (insert into app_user (user_id, organisation_id, email, display_name, role, password_hash)
                        values ($3, $1, $4, 'Bench', 'partner_admin', $5))
             insert into api_key (api_key_id, partner_id, name, token_prefix, token_hash, scopes, created_by)
             values ($6, $1, 'Bench', left($7, 12), $8, '{read,orders}', $3)",
        )
        .bind(org)
        .bind(format!("API Bench Reseller {i}"))
        .bind(user)
        .bind(&email)
        .bind(&hash)
        .bind(key)
        .bind(&token)
        .bind(app::secrets::token_hash(&token))
        .execute(pool)
        .await?;
        partners.push(Partner { email, token });
    }
    Ok(partners)
}

fn customer(tag: &str) -> Value {
    json!({
        "company_name": format!("Bench {tag} Ltd."),
        "tax_number": "1234567890",
        "address": "Istanbul",
        "phone": "0212 555 01 02",
        "contact_name": "IT",
        "contact_email": format!("it@{tag}.example"),
    })
}

async fn expect(response: reqwest::Response, status: u16) -> anyhow::Result<Value> {
    let got = response.status().as_u16();
    let body = response.text().await?;
    if got != status {
        bail!("answered {got}, not {status}: {}", body.chars().take(300).collect::<String>());
    }
    Ok(serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// One order through the API: checked, then placed.
async fn api_order(client: &reqwest::Client, origin: &str, token: &str) -> anyhow::Result<()> {
    let tag = Uuid::new_v4().simple().to_string()[..20].to_owned();
    let mut body = json!({
        "customer": customer(&tag),
        "mpn_id": "1234567",
        "tenant": { "kind": "new", "prefix": tag },
        "lines": [{ "sku": "CFQ7TTC0LH18", "billing_cycle": "monthly", "quantity": 1 }],
        "signatory": { "first_name": "Bench", "last_name": "Signatory", "email": "signatory@bench.example",
                       "company": "Bench Customer", "country": "TR", "language": "tr" },
        "validate_only": true
    });
    let call = |body: &Value| {
        client
            .post(format!("{origin}/api/v1/orders"))
            .bearer_auth(token)
            .header("idempotency-key", Uuid::new_v4().to_string())
            .json(body)
            .send()
    };
    expect(call(&body).await?, 200).await?;
    body["validate_only"] = json!(false);
    expect(call(&body).await?, 201).await?;
    Ok(())
}

/// One order through the Control Panel's server functions, as the browser calls them.
async fn panel_order(client: &reqwest::Client, origin: &str) -> anyhow::Result<()> {
    let tag = Uuid::new_v4().simple().to_string()[..20].to_owned();
    let call = |endpoint: &str, form: Vec<(&str, String)>| {
        client
            .post(format!("{origin}/api/{endpoint}"))
            .header("accept", "application/json")
            .header("origin", origin)
            .form(&form)
            .send()
    };
    let cart = vec![("sku", "CFQ7TTC0LH18".to_owned()), ("billing_cycle", "monthly".into()), ("quantity", "1".into())];
    expect(call("add_to_cart", cart).await?, 200).await?;
    let profile = customer(&tag);
    let mut form: Vec<(&str, String)> = vec![("customer_mode", "new".into()), ("mpn_id", "1234567".into())];
    for field in ["company_name", "tax_number", "address", "phone", "contact_name", "contact_email"] {
        form.push((field, profile[field].as_str().unwrap_or_default().to_owned()));
    }
    expect(call("checkout_customer", form).await?, 200).await?;
    expect(call("checkout_tenant", vec![("tenant_mode", "new".into()), ("prefix", tag)]).await?, 200).await?;
    let state = expect(call("checkout", Vec::new()).await?, 200).await?;
    let key = state["idempotency_key"].as_str().context("the checkout's key")?.to_owned();
    let mut submit = vec![("idempotency_key", key), ("payment_method", "wire_transfer".into())];
    // A new customer's first order carries its signatory of the Microsoft Customer Agreement.
    for (field, value) in [
        ("signatory_first_name", "Bench"),
        ("signatory_last_name", "Signatory"),
        ("signatory_email", "signatory@bench.example"),
        ("signatory_company", "Bench Customer"),
        ("signatory_country", "TR"),
        ("signatory_language", "tr"),
        ("agreement_accepted", "yes"),
    ] {
        submit.push((field, value.to_owned()));
    }
    expect(call("submit_order", submit).await?, 200).await?;
    Ok(())
}

struct Run {
    orders: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.orders as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&mut self, p: f64) -> f64 {
        self.latencies.sort();
        let i = ((self.latencies.len() as f64 * p) as usize).min(self.latencies.len().saturating_sub(1));
        self.latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }
}

async fn drive(
    clients: Vec<reqwest::Client>,
    work: impl Fn(reqwest::Client) -> tokio::task::JoinHandle<anyhow::Result<Vec<Duration>>>,
) -> anyhow::Result<Run> {
    let started = Instant::now();
    let tasks: Vec<_> = clients.into_iter().map(work).collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    Ok(Run { orders: latencies.len(), elapsed: started.elapsed(), latencies })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let database_url = std::env::var("DATABASE_URL").context("DATABASE_URL (make bench sets it)")?;
    let clients: usize = env_or("BENCH_CLIENTS", 8);
    let seconds: u64 = env_or("BENCH_SECONDS", 10);
    let server = start(&database_url).await?;
    let pool = PgPool::connect(&database_url).await?;
    let partners = create_partners(&pool, clients).await?;
    let origin = server.origin.clone();
    let duration = Duration::from_secs(seconds);

    // The Control Panel: each client signed in as its partner's admin.
    let mut browsers = Vec::with_capacity(clients);
    for partner in &partners {
        let browser = reqwest::Client::builder().cookie_store(true).build()?;
        let signed_in = browser
            .post(format!("{origin}/api/login"))
            .header("accept", "application/json")
            .header("origin", &origin)
            .form(&[("email", partner.email.as_str()), ("password", "bench-password"), ("next", "")])
            .send()
            .await?;
        expect(signed_in, 200).await?;
        browsers.push(browser);
    }
    let panel_origin = origin.clone();
    let mut panel = drive(browsers, move |client| {
        let origin = panel_origin.clone();
        tokio::spawn(async move {
            let deadline = Instant::now() + duration;
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                panel_order(&client, &origin).await?;
                latencies.push(started.elapsed());
            }
            Ok(latencies)
        })
    })
    .await?;

    let tokens: Vec<String> = partners.iter().map(|p| p.token.clone()).collect();
    let api_clients: Vec<reqwest::Client> = (0..clients).map(|_| reqwest::Client::new()).collect();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let api_origin = origin.clone();
    let mut api = drive(api_clients, move |client| {
        let origin = api_origin.clone();
        let token = tokens[next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % tokens.len()].clone();
        tokio::spawn(async move {
            let deadline = Instant::now() + duration;
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                api_order(&client, &origin, &token).await?;
                latencies.push(started.elapsed());
            }
            Ok(latencies)
        })
    })
    .await?;

    let placed: i64 = sqlx::query_scalar(
        "select count(*) from sales_order so join organisation o on o.organisation_id = so.partner_id
         where o.name like 'API Bench Reseller %'",
    )
    .fetch_one(&pool)
    .await?;
    if placed != (panel.orders + api.orders) as i64 {
        bail!("{placed} orders in the database for {} placed", panel.orders + api.orders);
    }
    println!(
        "api: order creation (validate + create, new customer and tenant, no vendor latency), {clients} clients for {seconds} s each"
    );
    println!(
        "  server functions (5 calls)   {:7.1} orders/s   p50 {:6.1} ms   p95 {:6.1} ms   ({} orders)",
        panel.rate(),
        panel.percentile(0.5),
        panel.percentile(0.95),
        panel.orders
    );
    println!(
        "  partner API (2 calls)        {:7.1} orders/s   p50 {:6.1} ms   p95 {:6.1} ms   ({} orders)",
        api.rate(),
        api.percentile(0.5),
        api.percentile(0.95),
        api.orders
    );
    println!("  API / server functions       {:7.2}", api.rate() / panel.rate());
    drop(server);
    Ok(())
}
