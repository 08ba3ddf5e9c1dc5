//! The invoicing pages, written on the server (server only). The back office is near its
//! first-load budget, so these pages carry almost no browser code: the server writes each page's
//! body as HTML in the reader's language (every value escaped here), and its forms are plain HTML
//! forms posting to the server functions, which work the same with and without JavaScript. A
//! refused form comes back with its messages at the fields and what was typed (the framework's
//! `__err` redirect and `forms::refused_input`); a form that went through comes back to its page
//! with `?done=<endpoint>`, which the page acknowledges.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use time::Date;

use super::{
    InvoiceSummary, InvoiceView, PartnerInvoicing, RateRow, RatesOverview, ServerPage, TaxDetails, document::esc,
    rules::rate_in, ssr::Waiting,
};
use crate::{
    components::{date_in, month_in},
    domain::{Currency, InvoiceKind, InvoiceProfile, InvoiceStatus, Money, RateBasis},
    error::AppError,
    i18n::{Locale, Msg, Say},
};

/// What the page request says about the last form post: a refusal (the server function's path and
/// its error) or `?done=` with the endpoint that went through, and other query values.
pub struct Posted {
    refused: Option<(String, AppError)>,
    done: Option<String>,
    query: Vec<(String, String)>,
}

impl Posted {
    /// Read from the page request being rendered (none when the page's data is fetched by a
    /// navigation in the browser: then no form was just posted).
    pub fn of_request() -> Self {
        let query: Vec<(String, String)> = leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.uri.query().map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect()))
            .unwrap_or_default();
        let value = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let refused = match (value("__path"), value("__err")) {
            (Some(path), Some(err)) => Some((path, server_fn::error::ServerFnUrlError::<AppError>::decode_err(&err))),
            _ => None,
        };
        let done = value("done");
        Self { refused, done, query }
    }

    pub fn value(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn error_of(&self, endpoint: &str) -> Option<&AppError> {
        self.refused.as_ref().filter(|(path, _)| path == &format!("/api/{endpoint}")).map(|(_, e)| e)
    }
}

/// A page being written.
struct Html<'a> {
    out: String,
    locale: Locale,
    posted: &'a Posted,
    /// The form being written: its endpoint and its fields so far.
    form: Option<(&'static str, Vec<&'static str>)>,
}

impl<'a> Html<'a> {
    fn new(locale: Locale, posted: &'a Posted) -> Self {
        Self { out: String::with_capacity(16 * 1024), locale, posted, form: None }
    }

    fn say(&self, say: Say) -> String {
        esc(&say.render(self.locale))
    }

    fn msg(&self, msg: Msg) -> String {
        esc(msg.text(self.locale))
    }

    fn day(&self, day: Date) -> String {
        esc(&date_in(day, self.locale))
    }

    fn money(&self, amount: Decimal, currency: Currency) -> String {
        esc(&Money::new(amount, currency).in_locale(self.locale))
    }

    fn push(&mut self, html: &str) {
        self.out.push_str(html);
    }

    fn header(&mut self, title: &str, eyebrow: Option<(&str, String)>, subtitle: Option<String>) {
        self.push("<header class=\"page-header\">");
        if let Some((href, text)) = eyebrow {
            let _ = write!(self.out, "<p class=\"eyebrow\"><a href=\"{}\">{text}</a></p>", esc(href));
        }
        let _ = write!(self.out, "<h1>{}</h1>", esc(title));
        if let Some(subtitle) = subtitle {
            let _ = write!(self.out, "<p class=\"subtitle\">{subtitle}</p>");
        }
        self.push("</header>");
    }

    fn status(&mut self, text: String) {
        let _ = write!(self.out, "<p class=\"alert alert-info\" role=\"status\">{text}</p>");
    }

    fn alert(&mut self, text: String) {
        let _ = write!(self.out, "<p class=\"alert alert-error\" role=\"alert\">{text}</p>");
    }

    /// A section card with a heading: `id` names it for screen readers.
    fn section(&mut self, id: &str, heading: String) {
        let _ = write!(self.out, "<section class=\"card\" aria-labelledby=\"{id}\"><h2 id=\"{id}\">{heading}</h2>");
    }

    fn end_section(&mut self) {
        self.push("</section>");
    }

    /// Opens a plain form posting to `/api/{endpoint}`; `fields` are its inputs, so a refusal
    /// that names none of them is shown above the form instead. `done` acknowledges the last
    /// post that went through.
    fn form(&mut self, endpoint: &'static str, fields: &[&'static str], done: Say) {
        if self.posted.done.as_deref() == Some(endpoint) {
            let done = self.say(done);
            self.status(done);
        }
        if let Some(error) = self.posted.error_of(endpoint)
            && !fields.iter().any(|f| error.field_text(f).is_some())
        {
            let message = esc(&error.message(self.locale));
            self.alert(message);
        }
        let _ = write!(self.out, "<form method=\"post\" action=\"/api/{endpoint}\" class=\"stacked-form\">");
        self.form = Some((endpoint, fields.to_vec()));
    }

    fn end_form(&mut self, button: String) {
        let _ = write!(self.out, "<button type=\"submit\" class=\"button primary\">{button}</button></form>");
        self.form = None;
    }

    fn hidden(&mut self, name: &str, value: &str) {
        let _ = write!(self.out, "<input type=\"hidden\" name=\"{name}\" value=\"{}\">", esc(value));
    }

    /// The message the last refusal of this form has for `name`, if any.
    fn field_error(&self, name: &str) -> Option<String> {
        let (endpoint, _) = self.form.as_ref()?;
        let error = self.posted.error_of(endpoint)?;
        error.field_text(name).map(|text| esc(&text.render(self.locale)))
    }

    /// A labelled input (with its hint and message linked for screen readers), showing what was
    /// typed when the form was refused, else `value`.
    fn field(&mut self, name: &'static str, label: String, input_type: &str, value: &str, hint: Option<String>) {
        let error = self.field_error(name);
        let typed = if error.is_some() || self.form.as_ref().is_some_and(|(e, _)| self.posted.error_of(e).is_some()) {
            crate::forms::refused_input(name)
        } else {
            None
        };
        let value = typed.as_deref().unwrap_or(value);
        let described = if hint.is_some() { format!("{name}-hint {name}-error") } else { format!("{name}-error") };
        let _ = write!(
            self.out,
            "<div class=\"field\"><label for=\"{name}\">{label}</label><input id=\"{name}\" name=\"{name}\" type=\"{input_type}\" \
             value=\"{}\" autocomplete=\"off\" aria-invalid=\"{}\" aria-describedby=\"{described}\">",
            esc(value),
            error.is_some()
        );
        if let Some(hint) = hint {
            let _ = write!(self.out, "<p class=\"hint\" id=\"{name}-hint\">{hint}</p>");
        }
        if let Some(error) = error {
            let _ = write!(self.out, "<p class=\"field-error\" id=\"{name}-error\">{error}</p>");
        }
        self.push("</div>");
    }

    /// A labelled choice of `options` (value, label), with `selected` chosen.
    fn select(
        &mut self,
        name: &'static str,
        label: String,
        options: &[(&str, String)],
        selected: &str,
        hint: Option<String>,
    ) {
        let error = self.field_error(name);
        let _ = write!(
            self.out,
            "<div class=\"field\"><label for=\"{name}\">{label}</label><select id=\"{name}\" name=\"{name}\" \
             aria-describedby=\"{name}-hint {name}-error\">"
        );
        for (value, text) in options {
            let chosen = if *value == selected { " selected" } else { "" };
            let _ = write!(self.out, "<option value=\"{}\"{chosen}>{text}</option>", esc(value));
        }
        self.push("</select>");
        if let Some(hint) = hint {
            let _ = write!(self.out, "<p class=\"hint\" id=\"{name}-hint\">{hint}</p>");
        }
        if let Some(error) = error {
            let _ = write!(self.out, "<p class=\"field-error\" id=\"{name}-error\">{error}</p>");
        }
        self.push("</div>");
    }

    fn tax_fields(&mut self, details: &TaxDetails) {
        let labels = [
            ("tax_number", self.say(Say::TaxNumberVkn), &details.tax_number),
            ("tax_office", self.msg(Msg::TaxOffice), &details.tax_office),
            ("address", self.msg(Msg::Address), &details.address),
            ("district", self.say(Say::District), &details.district),
            ("city", self.say(Say::City), &details.city),
        ];
        for (name, label, value) in labels {
            self.field(name, label, "text", value, None);
        }
    }

    fn badge(&mut self, tone: &str, text: String) {
        let _ = write!(self.out, "<span class=\"{tone}\">{text}</span>");
    }

    fn empty(&mut self, text: String) {
        let _ = write!(self.out, "<div class=\"empty-state\" role=\"status\"><p>{text}</p></div>");
    }

    fn page(self, title: String) -> ServerPage {
        ServerPage { title, html: self.out }
    }
}

const TAX_FIELDS: [&str; 5] = ["tax_number", "tax_office", "address", "district", "city"];

fn invoice_table(h: &mut Html, invoices: &[InvoiceSummary], base: &str) {
    let heads = [
        (h.say(Say::PageInvoices), ""),
        (h.msg(Msg::Kind), ""),
        (h.msg(Msg::Partner), ""),
        (h.msg(Msg::Date), ""),
        (h.msg(Msg::Total), " class=\"num\""),
        (h.say(Say::TotalTry), " class=\"num\""),
        (h.msg(Msg::Status), ""),
    ];
    let label = h.say(Say::PageInvoices);
    let _ = write!(
        h.out,
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{label}\"><table class=\"data-table\"><thead><tr>"
    );
    for (head, class) in heads {
        let _ = write!(h.out, "<th scope=\"col\"{class}>{head}</th>");
    }
    h.push("</tr></thead><tbody>");
    for i in invoices {
        let (kind, status) = (h.say(i.kind.label()), h.say(i.status.label()));
        let _ = write!(
            h.out,
            "<tr><th scope=\"row\"><a href=\"{base}/{number}\">{number}</a></th><td>{kind}</td><td>{}</td><td>{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td><span class=\"{}\">{status}</span></td></tr>",
            esc(&i.partner_name),
            h.day(i.issue_date),
            h.money(i.total, i.currency),
            h.money(i.total_try, Currency::TRY),
            i.status.tone(),
            number = esc(i.invoice_number.as_str()),
        );
    }
    h.push("</tbody></table></div>");
}

/// Credit control's invoices: "Issue invoices", the statements still waiting for theirs (with
/// what stops them), and every invoice with its status.
pub fn invoices(
    locale: Locale,
    posted: &Posted,
    waiting: &[Waiting],
    invoices: &[InvoiceSummary],
    rate: &Result<RateRow, Date>,
) -> ServerPage {
    let mut h = Html::new(locale, posted);
    let title = Say::PageInvoices.render(locale);
    h.header(&title, None, None);
    let _ = write!(
        h.out,
        "<p class=\"subnav\"><a href=\"/backoffice/exchange-rates\">{}</a></p>",
        h.say(Say::PageExchangeRates)
    );
    if let Some(count) = posted.value("issued").and_then(|n| n.parse::<usize>().ok()) {
        let text = h.say(Say::InvoicesIssued { count });
        h.status(text);
    }
    h.section("issue-heading", h.say(Say::IssueInvoices));
    match rate {
        Ok(rate) => {
            let kind = Say::ForexBuying.render(locale);
            let text = h.say(Say::RateInForceValue {
                rate: rate_in(rate.buying, locale),
                kind,
                day: date_in(rate.rate_date, locale),
            });
            let _ = write!(h.out, "<p class=\"hint\" data-test=\"rate-in-force\">{text}</p>");
        }
        Err(day) => {
            let text = h.say(Say::RateMissingToday { day: date_in(*day, locale) });
            h.alert(text);
        }
    }
    h.form("issue_invoices", &["period", "issue_date"], Say::Saved);
    let (month, month_hint) = (h.msg(Msg::Month), h.say(Say::IssueInvoicesHint));
    h.field("period", month, "text", "", Some(month_hint));
    let (issue_date, issue_hint) = (h.say(Say::IssueDate), h.say(Say::IssueDateHint));
    h.field("issue_date", issue_date, "date", "", Some(issue_hint));
    let button = h.say(Say::IssueInvoices);
    h.end_form(button);
    h.end_section();

    h.section("waiting-heading", h.say(Say::WaitingStatements));
    if waiting.is_empty() {
        let text = h.say(Say::NoneWaiting);
        h.empty(text);
    } else {
        h.push("<ul class=\"waiting\">");
        for w in waiting {
            let _ = write!(
                h.out,
                "<li><a href=\"/backoffice/statements/{n}\">{statement} {n}</a> · {} · {} · {} · ",
                esc(&w.partner_name),
                esc(&month_in(w.period, locale)),
                h.money(w.total, w.currency),
                statement = h.msg(Msg::Statement),
                n = w.statement_number,
            );
            if w.details_complete {
                let ready = h.say(Say::ReadyToInvoice);
                h.badge("badge ok", ready);
            } else {
                let _ = write!(
                    h.out,
                    "<a class=\"badge bad\" href=\"/backoffice/partners/{}/invoicing\">{}</a>",
                    w.partner_id,
                    h.say(Say::DetailsMissing)
                );
            }
            h.push("</li>");
        }
        h.push("</ul>");
    }
    h.end_section();

    if invoices.is_empty() {
        let text = h.say(Say::NoInvoicesIssued);
        h.empty(text);
    } else {
        invoice_table(&mut h, invoices, "/backoffice/invoices");
    }
    h.page(title)
}

/// The partner's invoices (Billing → Invoices).
pub fn my_invoices(locale: Locale, posted: &Posted, invoices: &[InvoiceSummary]) -> ServerPage {
    let mut h = Html::new(locale, posted);
    let title = Say::PageInvoices.render(locale);
    h.header(&title, None, None);
    let _ = write!(
        h.out,
        "<p class=\"subnav\"><a href=\"/cp/billing\">{}</a> · <a href=\"/cp/billing/orders\">{}</a></p>",
        h.msg(Msg::Billing),
        h.msg(Msg::BillingOrders)
    );
    if invoices.is_empty() {
        let text = h.say(Say::NoInvoices);
        h.empty(text);
    } else {
        invoice_table(&mut h, invoices, "/cp/billing/invoices");
    }
    h.page(title)
}

/// One invoice: its status, the document, its XML, and for credit control "Record payment".
pub fn invoice(locale: Locale, posted: &Posted, view: &InvoiceView, back_office: bool, today: Date) -> ServerPage {
    let mut h = Html::new(locale, posted);
    let s = &view.summary;
    let title = Say::PageInvoice { number: s.invoice_number.to_string() }.render(locale);
    let base = if back_office { "/backoffice/invoices" } else { "/cp/billing/invoices" };
    let mut subtitle =
        format!("<span class=\"{}\" data-test=\"invoice-status\">{}</span>", s.status.tone(), h.say(s.status.label()));
    if let Some(message) = &view.status_message {
        let _ = write!(subtitle, " · {}", esc(message));
    }
    if s.status == InvoiceStatus::Draft {
        let _ = write!(subtitle, " · {}", h.say(Say::InvoiceDraftHint));
    }
    h.header(&title, Some((base, h.say(Say::PageInvoices))), Some(subtitle));
    let _ = write!(
        h.out,
        "<p class=\"actions no-print\"><a class=\"button\" href=\"{base}/{n}/xml\" download=\"\">{}</a></p>",
        h.say(Say::DownloadXml),
        n = esc(s.invoice_number.as_str())
    );
    h.push("<div class=\"invoice-sheet\">");
    h.push(&view.html);
    h.push("</div>");
    if back_office && s.kind == InvoiceKind::Sales && view.outstanding.is_some_and(|o| !o.is_zero()) {
        let outstanding = view.outstanding.unwrap_or_default();
        h.push("<div class=\"no-print\">");
        h.section("payment-heading", h.say(Say::RecordPayment));
        let text = h.say(Say::Outstanding { amount: Money::new(outstanding, s.currency).in_locale(locale) });
        let _ = write!(h.out, "<p class=\"hint\">{text}</p>");
        h.form("record_invoice_payment", &["paid_on", "amount", "reference"], Say::PaymentRecorded);
        h.hidden("invoice_number", s.invoice_number.as_str());
        let (paid_on, hint) = (h.say(Say::PaidOn), h.say(Say::PaidOnHint));
        h.field("paid_on", paid_on, "date", &today.to_string(), Some(hint));
        let amount = h.say(Say::PaymentAmount);
        h.field("amount", amount, "text", &outstanding.to_string(), None);
        let reference = h.msg(Msg::PaymentReference);
        h.field("reference", reference, "text", "", None);
        let button = h.say(Say::RecordPayment);
        h.end_form(button);
        h.end_section();
        h.push("</div>");
    } else if posted.done.as_deref() == Some("record_invoice_payment") {
        let text = h.say(Say::PaymentRecorded);
        h.status(text);
    }
    h.page(title)
}

/// Credit control's exchange rates, invoicing settings and the distributor's tax identity.
pub fn rates(locale: Locale, posted: &Posted, o: &RatesOverview) -> ServerPage {
    let mut h = Html::new(locale, posted);
    let title = Say::PageExchangeRates.render(locale);
    h.header(&title, Some(("/backoffice/invoices", h.say(Say::PageInvoices))), None);

    h.section("in-force-heading", h.say(Say::RateInForce { day: date_in(o.today, locale) }));
    match &o.in_force {
        Ok(rate) => {
            let value = if o.rate_basis == RateBasis::ForexSelling { rate.selling } else { rate.buying };
            let kind = o.rate_basis.label().render(locale);
            let text = h.say(Say::RateInForceValue {
                rate: rate_in(value, locale),
                kind,
                day: date_in(rate.rate_date, locale),
            });
            let _ = write!(h.out, "<p data-test=\"rate-in-force\"><strong>{text}</strong></p>");
        }
        Err(day) => {
            let text = h.say(Say::RateMissingToday { day: date_in(*day, locale) });
            h.alert(text);
        }
    }
    let _ = write!(h.out, "<p class=\"hint\">{}</p>", h.say(Say::RateInForceHint));
    h.form("fetch_rates", &[], Say::RatesLoadedNow);
    let button = h.say(Say::FetchRatesNow);
    h.end_form(button);
    let _ = write!(h.out, "<p class=\"hint\">{}</p>", h.say(Say::RateFeed { url: o.feed.clone() }));
    h.end_section();

    h.section("enter-heading", h.say(Say::EnterRateHeading));
    let _ = write!(h.out, "<p class=\"hint\">{}</p>", h.say(Say::EnterRateHint));
    h.form("enter_rate", &["currency", "rate_date", "buying", "selling"], Say::Saved);
    let currencies: Vec<(&str, String)> = super::RATE_CURRENCIES.iter().map(|c| (*c, (*c).to_owned())).collect();
    let currency = h.say(Say::Currency);
    h.select("currency", currency, &currencies, "USD", None);
    let rate_date = h.say(Say::RateDate);
    h.field("rate_date", rate_date, "date", "", None);
    let (buying, selling) = (h.say(Say::ForexBuying), h.say(Say::ForexSelling));
    h.field("buying", buying, "text", "", None);
    h.field("selling", selling, "text", "", None);
    let button = h.say(Say::SaveRate);
    h.end_form(button);
    h.end_section();

    h.section("rates-heading", h.say(Say::PageExchangeRates));
    if o.rates.is_empty() {
        let text = h.say(Say::NoRates);
        h.empty(text);
    } else {
        let label = h.say(Say::PageExchangeRates);
        let _ = write!(
            h.out,
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{label}\"><table class=\"data-table\"><thead><tr>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th>\
             <th scope=\"col\" class=\"num\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            h.say(Say::RateDate),
            h.say(Say::Currency),
            h.say(Say::ForexBuying),
            h.say(Say::ForexSelling),
            h.say(Say::RateSource),
        );
        for r in &o.rates {
            let _ = write!(
                h.out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}{}</td></tr>",
                h.day(r.rate_date),
                r.currency,
                esc(&rate_in(r.buying, locale)),
                esc(&rate_in(r.selling, locale)),
                h.say(r.source.label()),
                r.bulletin.as_deref().map(|b| format!(" {}", esc(b))).unwrap_or_default(),
            );
        }
        h.push("</tbody></table></div>");
    }
    h.end_section();

    h.section("settings-heading", h.say(Say::InvoicingSettings));
    h.form("save_invoicing_settings", &["e_invoice_series", "e_archive_series", "rate_basis"], Say::Saved);
    let (series, hint) = (h.say(Say::EInvoiceSeries), h.say(Say::SeriesHint));
    h.field("e_invoice_series", series, "text", &o.e_invoice_series, Some(hint));
    let archive = h.say(Say::EArchiveSeries);
    h.field("e_archive_series", archive, "text", &o.e_archive_series, None);
    let bases: Vec<(&str, String)> = RateBasis::ALL.iter().map(|b| (b.code(), h.say(b.label()))).collect();
    let basis = h.say(Say::RateBasisLabel);
    h.select("rate_basis", basis, &bases, o.rate_basis.code(), None);
    let button = h.msg(Msg::Save);
    h.end_form(button);
    h.end_section();

    h.section("seller-heading", h.say(Say::DistributorTaxDetails));
    let _ = write!(h.out, "<p class=\"subtitle\">{}</p>", esc(&o.distributor.name));
    h.form("save_distributor_details", &TAX_FIELDS, Say::Saved);
    h.tax_fields(&o.distributor);
    let button = h.msg(Msg::Save);
    h.end_form(button);
    h.end_section();
    h.page(title)
}

/// A partner's invoicing details: its tax identity, e-Fatura registration and agreed rate.
pub fn partner(locale: Locale, posted: &Posted, p: &PartnerInvoicing) -> ServerPage {
    let mut h = Html::new(locale, posted);
    let title = Say::PagePartnerInvoicing { partner: p.details.name.clone() }.render(locale);
    let name = esc(&p.details.name);
    let eyebrow = (format!("/backoffice/partners/{}", p.partner_id), name.clone());
    h.header(Msg::PartnerInvoicing.text(locale), Some((&eyebrow.0, eyebrow.1)), Some(name));
    let id = p.partner_id.to_string();

    h.section("tax-heading", h.say(Say::TaxIdentity));
    h.form("save_partner_tax_details", &TAX_FIELDS, Say::Saved);
    h.hidden("partner_id", &id);
    h.tax_fields(&p.details);
    let button = h.msg(Msg::Save);
    h.end_form(button);
    h.end_section();

    h.section("registration-heading", h.msg(Msg::EInvoiceRegistration));
    h.form("save_partner_invoicing", &["invoice_profile", "agreed_rate"], Say::Saved);
    h.hidden("partner_id", &id);
    let profiles: Vec<(&str, String)> = InvoiceProfile::ALL.iter().map(|pr| (pr.code(), h.msg(pr.label()))).collect();
    let (label, hint) = (h.msg(Msg::EInvoiceRegistration), h.msg(Msg::EInvoiceRegistrationHint));
    h.select("invoice_profile", label, &profiles, p.invoice_profile.code(), Some(hint));
    let (agreed, agreed_hint) = (h.say(Say::AgreedRateLabel), h.say(Say::AgreedRateHint));
    let value = p.agreed_rate.map(|r| r.normalize().to_string()).unwrap_or_default();
    h.field("agreed_rate", agreed, "text", &value, Some(agreed_hint));
    let button = h.msg(Msg::Save);
    h.end_form(button);
    h.end_section();
    h.page(title)
}
