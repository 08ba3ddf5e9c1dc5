//! The printable invoice, written on the server in the reader's language (Turkish or English): the
//! parties, the lines in USD with their TRY equivalents, the rate and its bulletin, the totals in
//! both currencies, the invoices a return or an exchange difference refers to, and the payments.
//! It reaches the page as HTML, so the browser bundle carries none of it; every value in it is
//! escaped here. The archived UBL-TR XML is the invoice itself; this is its human-readable view.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::{TaxDetails, rules, ssr::InvoiceRecord};
use crate::{
    components::{date_in, month_in},
    domain::{Currency, InvoiceKind, InvoiceRateType, Money},
    i18n::{Locale, Msg, Say},
};

/// Text as HTML carries it.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

struct Page {
    out: String,
    locale: Locale,
}

impl Page {
    fn say(&self, say: Say) -> String {
        esc(&say.render(self.locale))
    }

    fn msg(&self, msg: Msg) -> String {
        esc(msg.text(self.locale))
    }

    fn money(&self, amount: Decimal, currency: Currency) -> String {
        esc(&Money::new(amount, currency).in_locale(self.locale))
    }

    fn day(&self, day: time::Date) -> String {
        esc(&date_in(day, self.locale))
    }

    fn fact(&mut self, label: String, value: String, test: &str) {
        let _ = write!(self.out, "<div><dt>{label}</dt><dd data-test=\"{test}\">{value}</dd></div>");
    }

    fn party(&mut self, heading: Say, party: &TaxDetails) {
        let heading = self.say(heading);
        let ids = self.say(Say::DocTaxIds { office: party.tax_office.clone(), number: party.tax_number.clone() });
        let _ = write!(
            self.out,
            "<section class=\"invoice-party\"><h3>{heading}</h3><p><strong>{}</strong><br>",
            esc(&party.name)
        );
        if !party.address.trim().is_empty() {
            let _ = write!(self.out, "{}<br>", esc(&party.address));
        }
        let _ = write!(self.out, "{} / {}<br>{ids}</p></section>", esc(&party.district), esc(&party.city));
    }
}

/// The invoice as an HTML fragment (an `<article>`) in `locale`.
pub fn render(r: &InvoiceRecord, locale: Locale) -> String {
    let mut p = Page { out: String::with_capacity(8 * 1024), locale };
    let system = if r.profile.is_e_invoice() { Say::DocEInvoice } else { Say::DocEArchive };
    let (system, profile, kind) = (p.say(system), p.msg(r.profile.label()), p.say(r.kind.label()));
    let _ = write!(
        p.out,
        "<article class=\"invoice-doc\" lang=\"{}\"><header class=\"invoice-head\"><div><p class=\"eyebrow\">{system} · \
         {profile}</p><h2>{kind}</h2></div><dl class=\"facts\">",
        locale.code()
    );
    p.fact(p.say(Say::DocNumber), esc(r.invoice_number.as_str()), "invoice-number");
    p.fact(p.say(Say::DocEttn), esc(&r.ettn.to_string().to_uppercase()), "ettn");
    p.fact(p.say(Say::DocIssueDate), p.day(r.issue_date), "issue-date");
    p.fact(p.say(Say::DocType), format!("{} ({})", esc(r.kind.type_code()), esc(r.profile.gib_code())), "type");
    if let (Some(statement), Some(period)) = (r.statement_number, r.period) {
        let text = p.say(Say::DocStatementPeriod { statement: statement.to_string(), month: month_in(period, locale) });
        p.fact(p.msg(Msg::Statement), text, "statement");
    }
    p.out.push_str("</dl></header><div class=\"invoice-parties\">");
    p.party(Say::DocSeller, &r.seller);
    p.party(Say::DocBuyer, &r.buyer);
    p.out.push_str("</div>");

    let foreign = r.currency != Currency::TRY;
    if let (Some(rate), Some(rate_type)) = (r.rate, r.rate_type) {
        let text = match (rate_type, r.rate_date) {
            (InvoiceRateType::Agreed, _) | (_, None) => {
                Say::DocRateAgreed { currency: r.currency.to_string(), rate: rules::rate_in(rate, locale) }
            }
            (_, Some(date)) => Say::DocRate {
                currency: r.currency.to_string(),
                rate: rules::rate_in(rate, locale),
                kind: rate_type.label().render(locale),
                date: date_in(date, locale),
            },
        };
        let _ = write!(p.out, "<p class=\"invoice-rate\" data-test=\"rate\">{}</p>", p.say(text));
    }

    let _ = write!(
        p.out,
        "<div class=\"table-wrap\"><table class=\"data-table invoice-lines\"><thead><tr><th scope=\"col\">#</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th>\
         <th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th>",
        p.say(Say::DocService),
        p.msg(Msg::ServicePeriod),
        p.msg(Msg::Quantity),
        p.say(Say::DocAmountIn { currency: r.currency.to_string() }),
        p.say(Say::DocVatIn { currency: r.currency.to_string() }),
    );
    if foreign {
        let _ = write!(
            p.out,
            "<th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th>",
            p.say(Say::DocAmountIn { currency: Currency::TRY.to_string() }),
            p.say(Say::DocVatIn { currency: Currency::TRY.to_string() }),
        );
    }
    p.out.push_str("</tr></thead><tbody>");
    for (i, line) in r.lines.iter().enumerate() {
        let mut service = format!("<strong>{}</strong>", esc(&line.description));
        if let Some(customer) = &line.customer_name {
            let _ = write!(service, "<br><span class=\"hint\">{}</span>", esc(customer));
        }
        if let Some(original) = &line.refers_to {
            let _ = write!(
                service,
                "<br><span class=\"hint\">{}</span>",
                p.say(Say::DocRefersTo { invoice: original.to_string() })
            );
        }
        let period = match (line.service_start, line.service_end) {
            (Some(start), Some(end)) => format!("{} – {}", p.day(start), p.day(end - time::Duration::days(1))),
            _ => "—".to_owned(),
        };
        let _ = write!(
            p.out,
            "<tr><td>{}</td><td>{service}</td><td>{period}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td>",
            i + 1,
            line.quantity,
            p.money(line.amount, r.currency),
            p.money(line.vat, r.currency),
        );
        if foreign {
            let _ = write!(
                p.out,
                "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
                p.money(line.amount_try, Currency::TRY),
                p.money(line.vat_try, Currency::TRY)
            );
        }
        p.out.push_str("</tr>");
    }
    p.out.push_str("</tbody></table></div>");

    // Totals: the document's currency, and TRY beside it.
    let _ = write!(p.out, "<table class=\"invoice-totals\"><caption>{}</caption><tbody>", p.say(Say::DocTotalsTitle));
    for (label, amount, amount_try, test) in [
        (Msg::Subtotal, r.subtotal, r.subtotal_try, "subtotal"),
        (Msg::Vat, r.vat, r.vat_try, "vat"),
        (Msg::Total, r.total, r.total_try, "total"),
    ] {
        let _ = write!(
            p.out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\" data-test=\"{test}\">{}</td>",
            p.msg(label),
            p.money(amount, r.currency)
        );
        if foreign {
            let _ =
                write!(p.out, "<td class=\"num\" data-test=\"{test}-try\">{}</td>", p.money(amount_try, Currency::TRY));
        }
        p.out.push_str("</tr>");
    }
    p.out.push_str("</tbody></table>");
    if foreign {
        let _ = write!(p.out, "<p class=\"hint\">{}</p>", p.say(Say::DocRounding));
    }
    if r.kind == InvoiceKind::Return {
        let mut originals: Vec<String> =
            r.lines.iter().filter_map(|l| l.refers_to.as_ref().map(ToString::to_string)).collect();
        originals.dedup();
        let _ = write!(p.out, "<p>{}</p>", p.say(Say::DocReturns { invoices: originals.join(", ") }));
    }

    if !r.payments.is_empty() {
        let _ = write!(
            p.out,
            "<section class=\"invoice-payments\"><h3>{}</h3><div class=\"table-wrap\"><table class=\"data-table\"><thead><tr>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th>\
             <th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
            p.say(Say::DocPayments),
            p.say(Say::DocPaidOn),
            p.msg(Msg::PaymentReference),
            p.msg(Msg::Amount),
            p.say(Say::DocPaymentRate),
            p.say(Say::DocDifference),
        );
        for payment in &r.payments {
            let difference = match (&payment.difference_invoice, payment.difference_try.is_sign_negative()) {
                (Some(invoice), _) => p.say(Say::DocDifferenceInvoiced {
                    amount: Money::new(payment.difference_try, Currency::TRY).in_locale(locale),
                    invoice: invoice.to_string(),
                }),
                (None, true) if !payment.difference_try.is_zero() => p.say(Say::DocDifferenceOwed {
                    amount: Money::new(payment.difference_try.abs(), Currency::TRY).in_locale(locale),
                }),
                _ => p.money(Decimal::ZERO, Currency::TRY),
            };
            let _ = write!(
                p.out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{difference}</td></tr>",
                p.day(payment.paid_on),
                esc(&payment.reference),
                p.money(payment.amount, r.currency),
                payment.rate.map(|rate| esc(&rules::rate_in(rate, locale))).unwrap_or_else(|| "—".to_owned()),
            );
        }
        p.out.push_str("</tbody></table></div></section>");
    }
    let _ = write!(p.out, "<p class=\"hint\">{}</p></article>", p.say(Say::DocUnsigned));
    p.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_a_partner_typed_is_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"co\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"
        );
    }
}
