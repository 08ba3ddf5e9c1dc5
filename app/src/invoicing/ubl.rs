//! The invoice as GİB receives it: UBL 2.1 with `CustomizationID` TR1.2 (UBL-TR), for the
//! e-Fatura profiles TEMELFATURA and TICARIFATURA and for e-Arşiv (EARSIVFATURA). A foreign
//! currency document carries `PricingExchangeRate` to TRY; a return (IADE) names the invoices it
//! returns in `BillingReference`. The TRY equivalents travel as notes, because UBL-TR keeps every
//! amount of a document in its one currency. Unsigned: the integrator adds the financial seal
//! (mali mühür, XAdES) in `ext:UBLExtensions` before GİB sees it, as integrators do.
//!
//! Element order follows the UBL 2.1 schema, which `efatura-kontrol` (GİB's XSD and schematron)
//! checks in the tests.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use time::{Date, Time};
use uuid::Uuid;

use crate::domain::{Currency, InvoiceKind, InvoiceNumber, InvoiceProfile};

/// A party as an invoice names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    /// 10 digits (VKN, a company) or 11 (TCKN, a sole proprietor).
    pub tax_number: String,
    pub tax_office: String,
    pub address: String,
    pub district: String,
    pub city: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub name: String,
    pub quantity: i32,
    pub unit_price: Decimal,
    pub amount: Decimal,
    pub vat: Decimal,
    pub notes: Vec<String>,
}

/// An earlier invoice a document refers to: the one returned, or the one paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub number: InvoiceNumber,
    pub issue_date: Date,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub number: InvoiceNumber,
    pub ettn: Uuid,
    pub profile: InvoiceProfile,
    pub kind: InvoiceKind,
    pub issue_date: Date,
    pub issue_time: Time,
    pub currency: Currency,
    /// To TRY, with the day of the bulletin it comes from (an agreed rate has none).
    pub rate: Option<(Decimal, Option<Date>)>,
    /// The service period billed.
    pub period: Option<(Date, Date)>,
    pub supplier: Party,
    pub customer: Party,
    pub notes: Vec<String>,
    pub references: Vec<Reference>,
    pub lines: Vec<Line>,
    pub subtotal: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
}

/// KDV's code in GİB's list of taxes.
const KDV: &str = "0015";
/// "Piece" in UN/ECE Recommendation 20: a licence, a device, a service.
const UNIT: &str = "C62";

/// Text as XML carries it: the five characters with a meaning escaped, and the characters XML 1.0
/// cannot carry at all (most C0 controls) left out.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            c => out.push(c),
        }
    }
    out
}

struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push('\t');
        }
    }

    fn tag(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        let _ = write!(self.out, "<{tag}");
        for (name, value) in attrs {
            let _ = write!(self.out, " {name}=\"{}\"", escape(value));
        }
    }

    fn open(&mut self, tag: &str) {
        self.open_with(tag, &[]);
    }

    fn open_with(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.tag(tag, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth -= 1;
        self.indent();
        let _ = writeln!(self.out, "</{tag}>");
    }

    fn leaf_with(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) {
        self.indent();
        self.tag(tag, attrs);
        let _ = writeln!(self.out, ">{}</{tag}>", escape(text));
    }

    fn leaf(&mut self, tag: &str, text: &str) {
        self.leaf_with(tag, &[], text);
    }

    fn amount(&mut self, tag: &str, amount: Decimal, currency: Currency) {
        self.leaf_with(tag, &[("currencyID", currency.code())], &format!("{:.2}", amount.round_dp(2)));
    }
}

fn day(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

fn scheme(tax_number: &str) -> &'static str {
    if tax_number.len() == 11 { "TCKN" } else { "VKN" }
}

fn address(x: &mut Xml, party: &Party) {
    x.open("cac:PostalAddress");
    if !party.address.trim().is_empty() {
        x.leaf("cbc:StreetName", &party.address);
    }
    x.leaf("cbc:CitySubdivisionName", &party.district);
    x.leaf("cbc:CityName", &party.city);
    x.open("cac:Country");
    x.leaf("cbc:IdentificationCode", "TR");
    x.leaf("cbc:Name", "Türkiye");
    x.close("cac:Country");
    x.close("cac:PostalAddress");
}

fn party(x: &mut Xml, wrapper: &str, party: &Party) {
    x.open(wrapper);
    x.open("cac:Party");
    x.open("cac:PartyIdentification");
    x.leaf_with("cbc:ID", &[("schemeID", scheme(&party.tax_number))], &party.tax_number);
    x.close("cac:PartyIdentification");
    x.open("cac:PartyName");
    x.leaf("cbc:Name", &party.name);
    x.close("cac:PartyName");
    address(x, party);
    x.open("cac:PartyTaxScheme");
    x.open("cac:TaxScheme");
    x.leaf("cbc:Name", &party.tax_office);
    x.close("cac:TaxScheme");
    x.close("cac:PartyTaxScheme");
    if scheme(&party.tax_number) == "TCKN" {
        // A sole proprietor is a person: GİB wants the name split. The business is named after
        // its owner; the last word is taken as the family name.
        let name = party.name.trim();
        let (first, family) = name.rsplit_once(' ').unwrap_or((name, name));
        x.open("cac:Person");
        x.leaf("cbc:FirstName", first);
        x.leaf("cbc:FamilyName", family);
        x.close("cac:Person");
    }
    x.close("cac:Party");
    x.close(wrapper);
}

fn tax_total(x: &mut Xml, taxable: Decimal, vat: Decimal, currency: Currency) {
    x.open("cac:TaxTotal");
    x.amount("cbc:TaxAmount", vat, currency);
    x.open("cac:TaxSubtotal");
    x.amount("cbc:TaxableAmount", taxable, currency);
    x.amount("cbc:TaxAmount", vat, currency);
    x.leaf("cbc:Percent", &(crate::domain::vat_rate() * Decimal::ONE_HUNDRED).normalize().to_string());
    x.open("cac:TaxCategory");
    x.open("cac:TaxScheme");
    x.leaf("cbc:Name", "KDV");
    x.leaf("cbc:TaxTypeCode", KDV);
    x.close("cac:TaxScheme");
    x.close("cac:TaxCategory");
    x.close("cac:TaxSubtotal");
    x.close("cac:TaxTotal");
}

/// The document's XML, UTF-8, as it is archived and sent.
pub fn write(doc: &Document) -> String {
    let mut x = Xml { out: String::with_capacity(8 * 1024), depth: 0 };
    x.out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.open_with(
        "Invoice",
        &[
            ("xmlns", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"),
            ("xmlns:cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"),
            ("xmlns:cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"),
            ("xmlns:ext", "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2 UBL-Invoice-2.1.xsd"),
        ],
    );
    // GİB's schema wants the extension that will hold the signature; until the integrator seals
    // the document, it holds a marker of its own.
    x.open("ext:UBLExtensions");
    x.open("ext:UBLExtension");
    x.open("ext:ExtensionContent");
    x.indent();
    x.out.push_str("<cm:Unsigned xmlns:cm=\"urn:cloudmarket:unsigned-draft\"/>\n");
    x.close("ext:ExtensionContent");
    x.close("ext:UBLExtension");
    x.close("ext:UBLExtensions");
    x.leaf("cbc:UBLVersionID", "2.1");
    x.leaf("cbc:CustomizationID", "TR1.2");
    x.leaf("cbc:ProfileID", doc.profile.gib_code());
    x.leaf("cbc:ID", doc.number.as_str());
    x.leaf("cbc:CopyIndicator", "false");
    x.leaf("cbc:UUID", &doc.ettn.to_string().to_uppercase());
    x.leaf("cbc:IssueDate", &day(doc.issue_date));
    x.leaf(
        "cbc:IssueTime",
        &format!("{:02}:{:02}:{:02}", doc.issue_time.hour(), doc.issue_time.minute(), doc.issue_time.second()),
    );
    x.leaf("cbc:InvoiceTypeCode", doc.kind.type_code());
    for note in &doc.notes {
        x.leaf("cbc:Note", note);
    }
    x.leaf("cbc:DocumentCurrencyCode", doc.currency.code());
    x.leaf("cbc:LineCountNumeric", &doc.lines.len().to_string());
    if let Some((start, end)) = doc.period {
        x.open("cac:InvoicePeriod");
        x.leaf("cbc:StartDate", &day(start));
        x.leaf("cbc:EndDate", &day(end));
        x.close("cac:InvoicePeriod");
    }
    for reference in &doc.references {
        x.open("cac:BillingReference");
        x.open("cac:InvoiceDocumentReference");
        x.leaf("cbc:ID", reference.number.as_str());
        x.leaf("cbc:IssueDate", &day(reference.issue_date));
        if doc.kind == InvoiceKind::Return {
            x.leaf("cbc:DocumentTypeCode", "IADE");
        }
        x.close("cac:InvoiceDocumentReference");
        x.close("cac:BillingReference");
    }
    x.open("cac:Signature");
    x.leaf_with("cbc:ID", &[("schemeID", "VKN_TCKN")], &doc.supplier.tax_number);
    x.open("cac:SignatoryParty");
    x.open("cac:PartyIdentification");
    x.leaf_with("cbc:ID", &[("schemeID", scheme(&doc.supplier.tax_number))], &doc.supplier.tax_number);
    x.close("cac:PartyIdentification");
    address(&mut x, &doc.supplier);
    x.close("cac:SignatoryParty");
    x.open("cac:DigitalSignatureAttachment");
    x.open("cac:ExternalReference");
    x.leaf("cbc:URI", "#Signature");
    x.close("cac:ExternalReference");
    x.close("cac:DigitalSignatureAttachment");
    x.close("cac:Signature");
    party(&mut x, "cac:AccountingSupplierParty", &doc.supplier);
    party(&mut x, "cac:AccountingCustomerParty", &doc.customer);
    if let Some((rate, date)) = doc.rate {
        x.open("cac:PricingExchangeRate");
        x.leaf("cbc:SourceCurrencyCode", doc.currency.code());
        x.leaf("cbc:TargetCurrencyCode", Currency::TRY.code());
        x.leaf("cbc:CalculationRate", &super::rules::rate_text(rate));
        if let Some(date) = date {
            x.leaf("cbc:Date", &day(date));
        }
        x.close("cac:PricingExchangeRate");
    }
    tax_total(&mut x, doc.subtotal, doc.vat, doc.currency);
    x.open("cac:LegalMonetaryTotal");
    x.amount("cbc:LineExtensionAmount", doc.subtotal, doc.currency);
    x.amount("cbc:TaxExclusiveAmount", doc.subtotal, doc.currency);
    x.amount("cbc:TaxInclusiveAmount", doc.total, doc.currency);
    x.amount("cbc:PayableAmount", doc.total, doc.currency);
    x.close("cac:LegalMonetaryTotal");
    for (i, line) in doc.lines.iter().enumerate() {
        x.open("cac:InvoiceLine");
        x.leaf("cbc:ID", &(i + 1).to_string());
        for note in &line.notes {
            x.leaf("cbc:Note", note);
        }
        x.leaf_with("cbc:InvoicedQuantity", &[("unitCode", UNIT)], &line.quantity.to_string());
        x.amount("cbc:LineExtensionAmount", line.amount, doc.currency);
        tax_total(&mut x, line.amount, line.vat, doc.currency);
        x.open("cac:Item");
        x.leaf("cbc:Name", &line.name);
        x.close("cac:Item");
        x.open("cac:Price");
        x.leaf_with(
            "cbc:PriceAmount",
            &[("currencyID", doc.currency.code())],
            &line.unit_price.normalize().to_string(),
        );
        x.close("cac:Price");
        x.close("cac:InvoiceLine");
    }
    x.close("Invoice");
    x.out
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;
    use time::macros::{date, time};

    use super::*;

    pub fn party(name: &str, vkn: &str) -> Party {
        Party {
            name: name.into(),
            tax_number: vkn.into(),
            tax_office: "Çankaya".into(),
            address: "Atatürk Bulvarı No: 1".into(),
            district: "Çankaya".into(),
            city: "Ankara".into(),
        }
    }

    fn sample() -> Document {
        Document {
            number: "CMK2026000000001".parse().unwrap(),
            ettn: Uuid::from_u128(0x1234),
            profile: InvoiceProfile::Commercial,
            kind: InvoiceKind::Sales,
            issue_date: date!(2026 - 12 - 05),
            issue_time: time!(10:15),
            currency: Currency::USD,
            rate: Some((dec!(40.6712), Some(date!(2026 - 12 - 04)))),
            period: Some((date!(2026 - 11 - 01), date!(2026 - 11 - 30))),
            supplier: party("Armada Bilgisayar", "0680004312"),
            customer: party("Demo Reseller Bilişim & Co <Ltd.>", "1234567890"),
            notes: vec!["Kur: 1 USD = 40,6712 TRY".into()],
            references: Vec::new(),
            lines: vec![Line {
                name: "ESET PROTECT Entry".into(),
                quantity: 10,
                unit_price: dec!(3.2),
                amount: dec!(32.00),
                vat: dec!(6.40),
                notes: vec!["TL karşılığı: 1.301,48 TRY".into()],
            }],
            subtotal: dec!(32.00),
            vat: dec!(6.40),
            total: dec!(38.40),
        }
    }

    #[test]
    fn writes_ubl_tr_with_the_exchange_rate_and_escaped_names() {
        let xml = write(&sample());
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Invoice xmlns="));
        for part in [
            "<cbc:CustomizationID>TR1.2</cbc:CustomizationID>",
            "<cbc:ProfileID>TICARIFATURA</cbc:ProfileID>",
            "<cbc:ID>CMK2026000000001</cbc:ID>",
            "<cbc:UUID>00000000-0000-0000-0000-000000001234</cbc:UUID>",
            "<cbc:DocumentCurrencyCode>USD</cbc:DocumentCurrencyCode>",
            "<cbc:CalculationRate>40.6712</cbc:CalculationRate>",
            "<cbc:Name>Demo Reseller Bilişim &amp; Co &lt;Ltd.&gt;</cbc:Name>",
            "<cbc:PayableAmount currencyID=\"USD\">38.40</cbc:PayableAmount>",
            "<cbc:InvoicedQuantity unitCode=\"C62\">10</cbc:InvoicedQuantity>",
            "<cbc:Percent>20</cbc:Percent>",
        ] {
            assert!(xml.contains(part), "{part} missing from\n{xml}");
        }
        assert!(!xml.contains("BillingReference"));
    }

    #[test]
    fn a_return_names_the_invoices_it_returns() {
        let mut doc = sample();
        doc.kind = InvoiceKind::Return;
        doc.profile = InvoiceProfile::Basic;
        doc.references =
            vec![Reference { number: "CMK2026000000001".parse().unwrap(), issue_date: date!(2026 - 11 - 02) }];
        let xml = write(&doc);
        assert!(xml.contains("<cbc:InvoiceTypeCode>IADE</cbc:InvoiceTypeCode>"));
        assert!(xml.contains("<cbc:DocumentTypeCode>IADE</cbc:DocumentTypeCode>"));
    }

    #[test]
    fn text_xml_cannot_carry_is_left_out() {
        assert_eq!(escape("a\u{0}b\u{1b}c\td"), "abc\td");
        assert_eq!(escape("\"'"), "&quot;&apos;");
    }
}
