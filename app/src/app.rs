//! The document shell, the router and the layout every page shares.

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{A, Outlet, ParentRoute, Route, Router, Routes},
    hooks::use_location,
    path,
};

use crate::{
    auth::{ActingAs, Area, LanguageSwitch, Logout, Me, NavItem, get_me, go_to, nav},
    customers::LeaveCustomerPortal,
    i18n::{Msg, provide_i18n, t},
    search::{GlobalSearch, Scope},
};

/// The HTML document, rendered on the server only. Takes the options by reference: the router
/// calls it for every page, and cloning them (a dozen strings) showed in a page's profile.
#[cfg(feature = "ssr")]
pub fn shell(options: &LeptosOptions) -> impl IntoView + use<> {
    use leptos_meta::MetaTags;
    let lang = crate::i18n::request_locale().code();
    let bundle = bundle_names(options);
    let nonce = leptos::nonce::use_nonce();
    #[cfg(feature = "ssr")]
    send_page_csp();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                // The browser's bar in the brand colour, and what a phone needs to keep the
                // portal on its home screen (public/manifest.webmanifest starts at /portal).
                <meta name="theme-color" content="#0b5cab" />
                <link rel="icon" href="/favicon.ico" sizes="32x32" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/apple-touch-icon.png" />
                <link rel="manifest" href="/manifest.webmanifest" />
                // The stylesheet by its hashed name (see server/src/assets.rs).
                <link id="leptos" rel="stylesheet" href=bundle.css.as_str() />
                // The bundle is fetched at low priority and hydration starts once the page has
                // painted and the browser is idle: a phone's first paint never waits for the wasm
                // (the page's forms and links work without it, see the no-JavaScript specs). The
                // chunks of the page's area are not preloaded here: the router fetches them as it
                // hydrates, and Lighthouse counts every download that ends before the first paint
                // as needed for it, which made the catalog's LCP 4.8 s on slow 4G instead of 1.5 s.
                <link rel="modulepreload" href=bundle.js.as_str() crossorigin="anonymous" fetchpriority="low" />
                <link
                    rel="preload"
                    href=bundle.wasm.as_str()
                    r#as="fetch"
                    r#type="application/wasm"
                    crossorigin="anonymous"
                    fetchpriority="low"
                />
                <script type="module" nonce=nonce>
                    {format!(
                        "const hydrate = () => import({js:?}).then(m => m.default({{ module_or_path: {wasm:?} }}).then(() => m.hydrate()));\
                         if ('requestIdleCallback' in window) requestIdleCallback(hydrate, {{ timeout: 2000 }}); else hydrate();\
                         addEventListener('keydown', e => {{ const t = e.target; const s = document.getElementById('global-search');\
                         if (e.key === '/' && s && !e.ctrlKey && !e.metaKey && !e.altKey && !t.isContentEditable\
                         && !/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) {{ e.preventDefault(); s.focus(); }} }});",
                        js = bundle.js,
                        wasm = bundle.wasm,
                    )}
                </script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The bundle's files as the browser asks for them, by the hashed names the build gave them.
#[cfg(feature = "ssr")]
struct BundleNames {
    js: String,
    wasm: String,
    css: String,
}

/// Read once per process from the hash file the build leaves beside the binary (see
/// `server/src/assets.rs`), instead of on every page as leptos's `HydrationScripts` and
/// `HashedStylesheet` do.
#[cfg(feature = "ssr")]
fn bundle_names(options: &LeptosOptions) -> &'static BundleNames {
    static NAMES: std::sync::OnceLock<BundleNames> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let hashes = if options.hash_files {
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
                .and_then(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let name = |kind: &str| {
            let hash = hashes
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(file, _)| file.trim() == kind)
                .map(|(_, hash)| format!(".{}", hash.trim()))
                .unwrap_or_default();
            format!("/{}/{}{hash}.{kind}", options.site_pkg_dir, options.output_name)
        };
        BundleNames { js: name("js"), wasm: name("wasm"), css: name("css") }
    })
}

/// The Content-Security-Policy of a page: scripts only from this server or inline with this
/// render's nonce (Leptos puts it on the hydration script and on the scripts that carry resolved
/// data), wasm compiled from this server's bundle, no styles or images from elsewhere, no
/// framing. The hydrated page talks to this server only (server functions, the event stream).
pub fn page_csp(nonce: &str) -> String {
    page_csp_allowing(&format!("'nonce-{nonce}'"))
}

/// The same policy with other sources for the inline scripts (their hashes, say).
pub fn page_csp_allowing(inline_scripts: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {inline_scripts} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sends [`page_csp`] with the nonce leptos_axum made for this render.
#[cfg(feature = "ssr")]
fn send_page_csp() {
    if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
        && let Ok(value) = http::HeaderValue::from_str(&page_csp(&nonce))
    {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = provide_i18n();

    // The language switch keeps `<html lang>` right for screen readers. (`<body data-hydrated>`,
    // which tells an interactive page from a server-rendered one, is set in `crate::hydrate` once
    // the page's own chunk has hydrated.)
    Effect::new(move |_| {
        let code = i18n.get().code();
        #[cfg(feature = "hydrate")]
        if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = html.set_attribute("lang", code);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = code;
    });

    // Async rendering: every page arrives complete, so it reads (and its forms post) without
    // JavaScript, and its status is known before it is sent: a page whose data is another
    // tenant's, or missing, answers 404 (see `components::loaded`). Out-of-order streaming would
    // need a script to put resolved content in place; in-order streaming sends the status with
    // the first chunk, before the data is read.
    view! {
        <Title text="cloudmarket" />
        <Router>
            <Routes fallback=NotFoundPage>
                <ParentRoute path=path!("") view=Layout ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<pages::HomePage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("login") view={Lazy::<pages::LoginPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("account/password") view={Lazy::<pages::PasswordPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("set-password/:token") view={Lazy::<pages::SetPasswordPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("become-a-partner") view={Lazy::<pages::BecomePartnerPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("applications/:token") view={Lazy::<pages::ApplicationStatusPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp") view={Lazy::<pages::ControlPanelPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/catalog") view={Lazy::<pages::CatalogPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/catalog/:sku") view={Lazy::<pages::ProductPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/cart") view={Lazy::<pages::CartPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/checkout/customer") view={Lazy::<pages::CustomerStepPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/checkout/tenant") view={Lazy::<pages::TenantStepPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/checkout/review") view={Lazy::<pages::ReviewStepPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/orders") view={Lazy::<pages::OrdersPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/orders/:number") view={Lazy::<pages::OrderPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/customers") view={Lazy::<pages::CustomersPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/customers/relationship") view={Lazy::<pages::RelationshipPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/customers/:id") view={Lazy::<pages::CustomerPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/search") view={Lazy::<pages::SearchPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/billing") view={Lazy::<pages::BillingPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/billing/orders") view={Lazy::<pages::BillingOrdersPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/billing/prices") view={Lazy::<pages::PricesPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/billing/statements/:number") view={Lazy::<pages::StatementPage>::new()} ssr=SsrMode::Async />
                    // Settings → Webhooks (issue #17).
                    <Route path=path!("cp/settings/webhooks") view={Lazy::<pages::WebhooksPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/settings/webhooks/:id") view={Lazy::<pages::WebhookEndpointPage>::new()} ssr=SsrMode::Async />
                    // Settings: the partner API's keys (and, beside them, webhooks).
                    <Route path=path!("cp/settings") view={Lazy::<pages::SettingsPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/settings/api-keys") view={Lazy::<pages::ApiKeysPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("portal") view={Lazy::<pages::PortalHomePage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("portal/csp") view={Lazy::<pages::CspPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("portal/csp/:id") view={Lazy::<pages::ManageSubscriptionPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("portal/account") view={Lazy::<pages::AccountPage>::new()} ssr=SsrMode::Async />
                    <Route
                        path=path!("portal/account/subscriptions/:id")
                        view={Lazy::<pages::SubscriptionPage>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("backoffice") view={Lazy::<pages::BackOfficePage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("backoffice/applications") view={Lazy::<pages::ApplicationsPage>::new()} ssr=SsrMode::Async />
                    <Route
                        path=path!("backoffice/applications/:number")
                        view={Lazy::<pages::ApplicationDetailPage>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("backoffice/partners") view={Lazy::<pages::PartnersPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("backoffice/orders") view={Lazy::<pages::BackOfficeOrdersPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("backoffice/orders/:number") view={Lazy::<pages::OrderPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("backoffice/outbox") view={Lazy::<pages::OutboxPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("backoffice/statements") view={Lazy::<pages::StatementsPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("backoffice/statements/:number") view={Lazy::<pages::StatementPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("backoffice/partners/:id") view={Lazy::<pages::PartnerBillingPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("backoffice/jobs") view={Lazy::<pages::JobsPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("backoffice/search") view={Lazy::<pages::SearchPage>::new()} ssr=SsrMode::Async />
                    // Invoicing (issue #21).
                    <Route path=path!("backoffice/invoices") view={Lazy::<pages::InvoicesPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("backoffice/invoices/:number") view={Lazy::<pages::InvoicePage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("backoffice/exchange-rates") view={Lazy::<pages::RatesPage>::new()} ssr=SsrMode::Async />
                    // Dated price lists (issue #19).
                    <Route path=path!("backoffice/price-list") view={Lazy::<pages::PriceListPage>::new()} ssr=SsrMode::Async />
                    <Route
                        path=path!("backoffice/partners/:id/invoicing")
                        view={Lazy::<pages::PartnerInvoicingPage>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("cp/billing/invoices") view={Lazy::<pages::MyInvoicesPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cp/billing/invoices/:number") view={Lazy::<pages::InvoicePage>::new()} ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The hydrate bundle is split by area (cargo-leptos `--split`). The main bundle is the framework,
/// the layout and the text catalogue; each area's pages (their views, forms and the server
/// functions they call) are a split point of their own, fetched the first time a page of the area
/// is shown: on a first visit the server names that area's chunks as preloads beside the main
/// bundle, and the page hydrates once they are in. Code two areas share becomes a chunk of its
/// own. So the login page and the customer portal, used on phones, do not carry the Control Panel
/// and the back office with them.
///
/// One split point per area, not per page: the splitter makes a chunk for every set of split
/// points that shares code, and with a split point per page that was 569 chunks, 68 to 218 files
/// for one page. A page is a route type here that renders its area's page; nothing is fetched in
/// `data` (every page loads its own data as it renders).
mod pages {
    use leptos::prelude::*;
    use leptos_router::LazyRoute;

    macro_rules! split_areas {
        ($($area:ident: $Area:ident { $($route:ident => $page:path),* $(,)? }),* $(,)?) => {$(
            // Variants are named for the pages (every one ends in `Page`).
            #[allow(clippy::enum_variant_names)]
            #[derive(Clone, Copy)]
            pub enum $Area {
                $($route),*
            }

            /// The area's split point: everything only its pages use is in its chunks. `None`
            /// only loads them: the router preloads a page's code before hydrating it or
            /// navigating to it, and a page that is still loading cannot hydrate.
            #[leptos::lazy]
            fn $area(page: Option<$Area>) -> Option<AnyView> {
                page.map(|page| match page {
                    $($Area::$route => $page().into_any()),*
                })
            }

            $(
                pub struct $route;

                impl LazyRoute for $route {
                    fn data() -> Self {
                        Self
                    }

                    async fn view(_this: Self) -> AnyView {
                        $area(Some($Area::$route)).await.unwrap_or_else(|| ().into_any())
                    }

                    async fn preload() {
                        $area(None).await;
                    }
                }
            )*
        )*};
    }

    split_areas! {
        // The public pages and signing in (phones arrive here).
        sign_in: SignIn {
            HomePage => super::HomePage,
            LoginPage => crate::auth::LoginPage,
            PasswordPage => crate::auth::PasswordPage,
            SetPasswordPage => crate::auth::SetPasswordPage,
        },
        // Applying to become a partner.
        onboarding: Onboarding {
            BecomePartnerPage => crate::onboarding::BecomePartnerPage,
            ApplicationStatusPage => crate::onboarding::ApplicationStatusPage,
        },
        // The customer portal's lists (phones).
        portal: Portal {
            PortalHomePage => crate::portal::PortalHomePage,
            CspPage => crate::portal::CspPage,
            AccountPage => crate::portal::AccountPage,
        },
        // Managing one subscription, in the portal.
        subscription: Subscription {
            ManageSubscriptionPage => crate::subscriptions::ManageSubscriptionPage,
            SubscriptionPage => crate::subscriptions::SubscriptionPage,
        },
        // The partner ordering: catalogue, cart and checkout.
        ordering: Ordering {
            CatalogPage => crate::catalog::CatalogPage,
            ProductPage => crate::catalog::ProductPage,
            CartPage => crate::cart::CartPage,
            CustomerStepPage => crate::checkout::CustomerStepPage,
            TenantStepPage => crate::checkout::TenantStepPage,
            ReviewStepPage => crate::checkout::ReviewStepPage,
        },
        // The partner's orders and customers (the back office shares the order page).
        partner_desk: PartnerDesk {
            ControlPanelPage => crate::partners::ControlPanelPage,
            OrdersPage => crate::orders::OrdersPage,
            OrderPage => crate::orders::OrderPage,
            CustomersPage => crate::customers::CustomersPage,
            RelationshipPage => crate::customers::RelationshipPage,
            CustomerPage => crate::customers::CustomerPage,
        },
        // Global search's results, for the Control Panel and the back office alike.
        search: Search {
            SearchPage => crate::search::SearchPage,
        },
        // The partner's billing (the back office shares the statement page).
        partner_billing: PartnerBilling {
            BillingPage => crate::billing::BillingPage,
            BillingOrdersPage => crate::orders::BillingOrdersPage,
            PricesPage => crate::billing::PricesPage,
            StatementPage => crate::billing::StatementPage,
            // Invoicing: the partner's invoices and the invoice page (shared with the back office).
            MyInvoicesPage => crate::invoicing::MyInvoicesPage,
            InvoicePage => crate::invoicing::InvoicePage,
        },
        // The partner's settings: API keys and webhooks (issue #17).
        partner_settings: PartnerSettings {
            WebhooksPage => crate::webhooks::WebhooksPage,
            WebhookEndpointPage => crate::webhooks::WebhookEndpointPage,
            SettingsPage => crate::partner_api::SettingsPage,
            ApiKeysPage => crate::partner_api::ApiKeysPage,
        },
        // The distributor's back office: its home with the to-dos, applications, partners,
        // orders, the outbox and the jobs.
        back_office: BackOffice {
            BackOfficePage => crate::backoffice::BackOfficePage,
            ApplicationsPage => crate::onboarding::ApplicationsPage,
            ApplicationDetailPage => crate::onboarding::ApplicationDetailPage,
            PartnersPage => crate::partners::PartnersPage,
            BackOfficeOrdersPage => crate::orders::BackOfficeOrdersPage,
            OutboxPage => crate::notifications::OutboxPage,
            JobsPage => crate::operations::JobsPage,
        },
        // Credit control's money pages: statements, a partner's billing, invoicing (issuing,
        // exchange rates, a partner's invoicing details). An area of their own since the invoices
        // came: one back-office area carried both over its 630 KB budget.
        back_office_billing: BackOfficeBilling {
            StatementsPage => crate::billing::StatementsPage,
            PartnerBillingPage => crate::billing::PartnerBillingPage,
            PriceListPage => crate::billing::PriceListPage,
            InvoicesPage => crate::invoicing::InvoicesPage,
            RatesPage => crate::invoicing::RatesPage,
            PartnerInvoicingPage => crate::invoicing::PartnerInvoicingPage,
        },
    }
}

fn area_title(area: Area) -> Msg {
    match area {
        Area::ControlPanel => Msg::ControlPanel,
        Area::CustomerPortal => Msg::CustomerPortal,
        Area::BackOffice => Msg::BackOffice,
    }
}

#[component]
fn Layout() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    crate::live::Live::provide();
    let location = use_location();
    let area_class = move || {
        let area = Area::of_path(&location.pathname.get());
        match area {
            Some(Area::ControlPanel) => "app area-cp",
            Some(Area::CustomerPortal) => "app area-portal",
            Some(Area::BackOffice) => "app area-backoffice",
            None => "app area-public",
        }
    };

    view! {
        <div class=area_class>
            <a class="skip-link" href="#main">{t(Msg::SkipToContent)}</a>
            <header class="topbar">
                <a class="brand" href="/">{t(Msg::AppName)}</a>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let me = me.await.ok().flatten();
                        let live = me
                            .as_ref()
                            .filter(|me| !me.must_change_password)
                            .map(|me| view! { <crate::provisioning::LiveAlerts area=me.area() /> });
                        let acting = me.as_ref().and_then(|me| me.acting_as.clone());
                        view! {
                            <TopNav me />
                            {acting.map(|acting| view! { <ActingAsBanner acting /> })}
                            {live}
                        }
                    })}
                </Transition>
                <LanguageSwitch />
            </header>
            <main id="main" tabindex="-1">
                <Outlet />
            </main>
        </div>
    }
}

#[component]
fn TopNav(me: Option<Me>) -> impl IntoView {
    let Some(me) = me else {
        return view! {
            <nav class="main-nav" aria-label=t(Msg::MainNavigation)>
                <ul>
                    <li><A href="/become-a-partner">{t(Msg::BecomePartner)}</A></li>
                </ul>
                <A href="/login" attr:class="button">{t(Msg::SignIn)}</A>
            </nav>
        }
        .into_any();
    };
    let area = me.area();
    // The policy table decides; a temporary password leads nowhere but to choosing a new one.
    let links: Vec<&NavItem> = if me.must_change_password { Vec::new() } else { nav(area, me.role).collect() };
    // The search box where there is something to find: the Control Panel and the back office.
    let search = (!me.must_change_password && area != Area::CustomerPortal)
        .then(|| view! { <GlobalSearch scope=Scope::of_path(area.home()) /> });
    view! {
        <nav class="main-nav" aria-label=t(Msg::MainNavigation)>
            <A href=area.home() exact=true attr:class="area-title">{t(area_title(area))}</A>
            <ul>
                {links
                    .into_iter()
                    .map(|item| view! { <li><A href=item.href>{t(item.label)}</A></li> })
                    .collect_view()}
            </ul>
        </nav>
        {search}
        <UserMenu me />
    }
    .into_any()
}

/// Shown on every page while a partner admin acts as a customer in its portal, with the way back.
#[component]
fn ActingAsBanner(acting: ActingAs) -> impl IntoView {
    let leave = ServerAction::<LeaveCustomerPortal>::new();
    Effect::new(move |_| {
        if let Some(Ok(destination)) = leave.value().get() {
            go_to(&destination);
        }
    });
    view! {
        <div class="acting-as" role="status">
            <p>{t(Msg::ActingAs)} " " <strong>{acting.customer_name}</strong></p>
            <ActionForm action=leave attr:class="inline-form">
                <button type="submit" class="button">{t(Msg::BackToControlPanel)}</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn UserMenu(me: Me) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(destination)) = logout.value().get() {
            go_to(&destination);
        }
    });
    view! {
        <div class="user-menu">
            <span class="who">
                <span class="visually-hidden">{t(Msg::SignedInAs)} " "</span>
                <span class="user-name">{me.display_name}</span>
                <span class="user-org">{me.organisation_name} " · " {me.role.label()}</span>
            </span>
            <ActionForm action=logout>
                <button type="submit" class="button link">{t(Msg::SignOut)}</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn HomePage() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    view! {
        <section class="hero">
            <h1>{t(Msg::AppName)}</h1>
            <p class="lead">{t(Msg::Tagline)}</p>
            <ul class="pillars">
                <li>{t(Msg::LandingOrder)}</li>
                <li>{t(Msg::LandingProvision)}</li>
                <li>{t(Msg::LandingManage)}</li>
                <li>{t(Msg::LandingBill)}</li>
            </ul>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match me.await.ok().flatten() {
                        Some(me) => {
                            let home = if me.must_change_password { "/account/password" } else { me.area().home() };
                            view! { <A href=home attr:class="button primary">{t(Msg::GoToWorkspace)}</A> }.into_any()
                        }
                        None => view! {
                            <p class="actions">
                                <A href="/login" attr:class="button primary">{t(Msg::SignIn)}</A>
                                <A href="/become-a-partner" attr:class="button">{t(Msg::BecomePartner)}</A>
                            </p>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main id="main" class="error-page">
            <h1>"404"</h1>
            <p>{t(Msg::NotFound)}</p>
            <a href="/">{t(Msg::BackHome)}</a>
        </main>
    }
}
