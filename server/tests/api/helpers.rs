use clap::Parser;
use std::{net::SocketAddr, path::PathBuf, str::FromStr, sync::Arc};

use reqwest::{Client, Response, StatusCode, header};
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection, PgPool, postgres::PgConnectOptions};
use tokio::sync::oneshot;
use uuid::Uuid;

use server::{config::Config, startup::Application};

pub use crate::fake_smtp::FakeSmtp;

/// The bearer token the test servers accept for the sandbox's clock and fault switch.
pub const SANDBOX_TOKEN: &str = "test-sandbox-token";

pub struct TestApp {
    pub address: String,
    pub pool: PgPool,
    pub client: Client,
    // The server stops when the last handle on it is dropped.
    _stop: Arc<oneshot::Sender<()>>,
}

fn base_database_url() -> String {
    std::env::var("DATABASE_URL")
        .expect("DATABASE_URL must point at a PostgreSQL the tests may create databases on (make test starts one)")
}

/// A new empty database on the test server, so tests never see each other's rows.
pub async fn fresh_database() -> String {
    let base = base_database_url();
    let name = format!("test_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&base).await.expect("connect to the test PostgreSQL");
    admin.execute(format!(r#"create database "{name}""#).as_str()).await.expect("create a test database");
    let options = PgConnectOptions::from_str(&base).expect("valid DATABASE_URL").database(&name);
    // Rebuild a URL from the options so the application connects exactly like in production.
    format!("postgres://{}@{}:{}/{}", options.get_username(), options.get_host(), options.get_port(), name)
}

/// A pool on a fresh, migrated database, for tests below the HTTP layer.
pub async fn fresh_pool() -> PgPool {
    let pool = PgPool::connect(&fresh_database().await).await.expect("connect to the test database");
    server::db::MIGRATOR.run(&pool).await.expect("migrations run");
    pool
}

/// The key the test servers seal secrets with, so a test can check what rests sealed.
pub const TEST_SECRET_KEY: &str = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";

pub fn test_secret_key() -> app::secrets::SecretKey {
    app::secrets::SecretKey::from_hex(TEST_SECRET_KEY).expect("the test key")
}

pub fn test_config(database_url: String) -> Config {
    // Defaults as a server started with no flags would have them, then the test's own database.
    let mut config = Config::try_parse_from(["server"]).expect("default configuration");
    config.database_url = Some(database_url);
    config.data_dir = PathBuf::from("unused");
    config.demo = true;
    config.public_url = None;
    config.db_max_connections = 10;
    // The sandbox is off by default; the tests use it, with a token for its controls.
    config.sandbox = true;
    config.sandbox_token = Some(SANDBOX_TOKEN.to_owned());
    // Each test's server is signed into from 127.0.0.1 throughout: the tests of the limits set
    // their own.
    config.sign_in_per_ip_per_minute = 100_000;
    config.applications_per_ip_per_day = 100_000;
    config.applications_per_email_per_day = 1000;
    // Tests that look at queued jobs need them left alone; provisioning tests turn workers on.
    config.workers = 0;
    config.provisioning_step_ms = 0;
    // Mail stays in the outbox unless a test points the server at its fake mail server.
    config.smtp_url = None;
    config.mail_retry_base_ms = 200;
    // Set, so a test that turns the demo off still starts.
    config.secret_key = Some(TEST_SECRET_KEY.into());
    // Webhook tests deliver to receivers on this machine; the SSRF tests turn this off.
    config.webhooks_allow_private = true;
    config
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let (app, stop, _served) = Self::start_on(fresh_database().await, adjust).await;
        Self { _stop: Arc::new(stop), ..app }
    }

    /// A server on `database_url` (another server's, for tests of several processes) that the
    /// test stops itself, as SIGTERM would: send on the returned sender, then await the handle
    /// for the server's exit. The returned app does not stop it when dropped.
    pub async fn start_on(
        database_url: String,
        adjust: impl FnOnce(&mut Config),
    ) -> (Self, oneshot::Sender<()>, tokio::task::JoinHandle<anyhow::Result<()>>) {
        server::telemetry::init(false);
        let mut config = test_config(database_url);
        adjust(&mut config);
        let application = Application::build(&config, Some(SocketAddr::from(([127, 0, 0, 1], 0))))
            .await
            .expect("the application starts");
        let address = format!("http://{}", application.local_addr());
        let pool = application.state.pool.clone();
        // The demo announces a Business Basic price change dated from today; tests set the market
        // clock to fixed days years ahead and work amounts out from the seed's prices, so their
        // servers start without it (price_lists.rs dates its own changes).
        sqlx::query("delete from product_price where effective_from > '2020-01-01'")
            .execute(&pool)
            .await
            .expect("the demo's announced prices removed");
        let (stop, stopped) = oneshot::channel::<()>();
        let served = tokio::spawn(application.run_until(async {
            let _ = stopped.await;
        }));
        let (unused, _) = oneshot::channel::<()>();
        (Self { client: Self::browser(&address), address, pool, _stop: Arc::new(unused) }, stop, served)
    }

    /// A client that behaves like a browser on our own pages: keeps cookies, sends our Origin,
    /// and does not follow redirects (tests look at them).
    pub fn browser(address: &str) -> Client {
        let mut headers = header::HeaderMap::new();
        headers.insert(header::ORIGIN, header::HeaderValue::from_str(address).expect("origin header"));
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            // A response that stalls fails its test with the request named, instead of holding the
            // whole run until CI gives up.
            .read_timeout(std::time::Duration::from_secs(120))
            .build()
            .expect("http client")
    }

    /// The same server and database seen from another browser, for tests with several users.
    pub fn another_user(&self) -> TestApp {
        TestApp {
            address: self.address.clone(),
            pool: self.pool.clone(),
            client: Self::browser(&self.address),
            _stop: self._stop.clone(),
        }
    }

    /// Another browser on the same server, signed in as `email` with the demo password.
    pub async fn signed_in_as(&self, email: &str) -> TestApp {
        let user = self.another_user();
        user.login_ok(email).await;
        user
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A request to the sandbox's controls (clock, faults) with the sandbox token.
    pub fn sandbox(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(SANDBOX_TOKEN)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// Calls a server function the way the hydrated app does (form-encoded in, JSON out).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(&format!("/api/{endpoint}")))
            .header(header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .expect("server function call")
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.call("login", &[("email", email), ("password", password), ("next", "")]).await
    }

    pub async fn login_ok(&self, email: &str) {
        let response = self.login(email, "demo-password").await;
        assert_eq!(response.status(), StatusCode::OK, "demo login of {email} should succeed");
    }
}

/// The JSON body of a response that must be 200 (the body is shown when it is not).
pub async fn ok(response: Response) -> Value {
    let status = response.status();
    let body = json(response).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    body
}

pub async fn json(response: Response) -> Value {
    response.json().await.expect("a JSON body")
}

pub fn location(response: &Response) -> String {
    response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// A local port nothing listens on (bound, then released), for a mail server that is down.
pub fn unused_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()).expect("a free port").port()
}

/// Another customer of the demo partner (Northwind, with its admin) and another partner (with
/// its admin), both signed in: the callers that must never reach Contoso's or the demo partner's
/// things by changing an id.
pub async fn second_tenant(app: &TestApp) -> (TestApp, TestApp) {
    // Another customer of the demo partner with its own admin, and another partner with its admin.
    let customer = Uuid::new_v4();
    let other_partner = Uuid::new_v4();
    let hash = app::auth::ssr::hash_password("demo-password").unwrap();
    sqlx::query!(
        "insert into organisation (organisation_id, kind, parent_id, name) values
             ($1, 'customer', '00000000-0000-4000-8000-000000000002', 'Northwind'),
             ($2, 'partner', '00000000-0000-4000-8000-000000000001', 'Other Reseller')",
        customer,
        other_partner
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query!("insert into customer (organisation_id) values ($1)", customer).execute(&app.pool).await.unwrap();
    sqlx::query!("insert into partner (organisation_id, mpn_id) values ($1, '7654321')", other_partner)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query!(
        "insert into app_user (user_id, organisation_id, email, display_name, role, password_hash) values
             (gen_random_uuid(), $1, 'admin@northwind.example', 'Northwind admin', 'customer_admin', $3),
             (gen_random_uuid(), $2, 'other@reseller.example', 'Other', 'partner_admin', $3)",
        customer,
        other_partner,
        hash
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let northwind = app.another_user();
    northwind.login_ok("admin@northwind.example").await;
    let other = app.another_user();
    other.login_ok("other@reseller.example").await;
    (northwind, other)
}

/// A signatory's acceptance of the Microsoft Customer Agreement, as checkout takes it with an
/// order for a customer that has none yet (a new customer's, in the tests that place orders
/// directly).
pub fn attestation(company: &str) -> app::checkout::agreement::Attestation {
    let form = app::checkout::agreement::SignatoryForm {
        first_name: Some("Ayşe".into()),
        last_name: Some("Yılmaz".into()),
        email: Some("ayse@signatory.example".into()),
        company: Some(company.into()),
        country: Some("TR".into()),
        language: Some("tr".into()),
        accepted: true,
    };
    let signatory = app::checkout::agreement::parse_signatory(&form).unwrap().unwrap();
    app::checkout::agreement::Attestation::new(signatory, Some(std::net::Ipv4Addr::LOCALHOST.into()))
}

/// What the connector sends Partner Center to attest a customer's agreement.
pub fn vendor_attestation() -> app::partner_center::AgreementAttestation {
    app::partner_center::AgreementAttestation {
        agreement_type: "MicrosoftCustomerAgreement",
        template_id: app::partner_center::CUSTOMER_AGREEMENT_VERSION.into(),
        primary_contact: app::partner_center::AgreementContact {
            first_name: "Ayşe".into(),
            last_name: "Yılmaz".into(),
            email: "ayse@signatory.example".into(),
        },
        company_name: "Retry Ltd".into(),
        country: "TR".into(),
        language: "tr".into(),
        date_agreed: "2026-12-07T10:00:00Z".into(),
    }
}

/// The review step's signatory of the Microsoft Customer Agreement, for a customer that has not
/// accepted it yet (ignored for one that has).
pub const SIGNATORY_FORM: [(&str, &str); 7] = [
    ("signatory_first_name", "Ayşe"),
    ("signatory_last_name", "Yılmaz"),
    ("signatory_email", "ayse@signatory.example"),
    ("signatory_company", "Acme Bilişim Ltd."),
    ("signatory_country", "TR"),
    ("signatory_language", "tr"),
    ("agreement_accepted", "yes"),
];

/// "Submit" with the payment method and a signatory.
pub fn submit_form(key: &str) -> Vec<(&str, &str)> {
    let mut form = vec![("idempotency_key", key), ("payment_method", "wire_transfer")];
    form.extend(SIGNATORY_FORM);
    form
}
