//! Parsing a submitted application: every field and document checked at once, so the applicant
//! sees every problem in one go.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ApplicationKind, DocumentKind};
use crate::{
    auth::EmailAddress,
    domain::{MpnId, PhoneNumber, TaxNumber, company_name, required_text},
    error::FieldError,
    i18n::{Noun, Say},
};

/// Documents are limited to 10 MB each.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// A file part of the multipart form, as received.
#[derive(Clone, Debug)]
pub struct UploadedFile {
    pub field: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// The part went over [`MAX_DOCUMENT_BYTES`]; reading stopped there.
    pub too_large: bool,
}

/// The typed text of a refused form, sent back so the applicant does not type it again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDraft(pub BTreeMap<String, String>);

impl FormDraft {
    pub fn get(&self, field: &str) -> String {
        self.0.get(field).cloned().unwrap_or_default()
    }
}

/// The content type by the file's first bytes; the name and the browser's claim do not count.
pub fn sniff_content_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

#[derive(Clone, Debug)]
pub struct ValidDocument {
    pub kind: DocumentKind,
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct ApplicationForm {
    pub kind: ApplicationKind,
    pub company_name: String,
    pub tax_number: Option<TaxNumber>,
    pub address: Option<String>,
    pub company_phone: Option<PhoneNumber>,
    pub dealer_code: Option<String>,
    pub dealer_credit_confirmed: bool,
    pub mpn_id: Option<MpnId>,
    pub contact_name: String,
    pub contact_email: EmailAddress,
    pub contact_phone: PhoneNumber,
    pub documents: Vec<ValidDocument>,
}

struct Checker<'a> {
    fields: &'a BTreeMap<String, String>,
    errors: Vec<FieldError>,
}

impl Checker<'_> {
    fn raw(&self, field: &str) -> &str {
        self.fields.get(field).map(String::as_str).unwrap_or("")
    }

    fn check<T>(&mut self, field: &str, parsed: Result<T, Say>) -> Option<T> {
        parsed.map_err(|message| self.errors.push(FieldError::new(field, message))).ok()
    }

    fn text(&mut self, field: &str, what: Noun, max: usize) -> Option<String> {
        let parsed = required_text(self.raw(field), what, max);
        self.check(field, parsed)
    }
}

impl ApplicationForm {
    pub fn parse(fields: &BTreeMap<String, String>, files: Vec<UploadedFile>) -> Result<Self, Vec<FieldError>> {
        let mut c = Checker { fields, errors: Vec::new() };
        let kind = match c.raw("kind") {
            "dealer" => ApplicationKind::Dealer,
            "new_partner" => ApplicationKind::NewPartner,
            _ => {
                return Err(vec![FieldError::new("kind", Say::ChooseApplicationKind)]);
            }
        };
        // The same rule as a new customer's name at checkout: an approved applicant becomes an
        // organisation, whose name the database holds to 2–200 characters.
        let company_name = {
            let parsed = company_name(c.raw("company_name"));
            c.check("company_name", parsed)
        };
        let contact_name = c.text("contact_name", Noun::ContactPersonName, 200);
        let contact_email = {
            let parsed = EmailAddress::parse(c.raw("contact_email"));
            c.check("contact_email", parsed)
        };
        let contact_phone = {
            let parsed = PhoneNumber::parse(c.raw("contact_phone"));
            c.check("contact_phone", parsed)
        };

        let (mut tax_number, mut address, mut company_phone, mut mpn_id) = (None, None, None, None);
        let (mut dealer_code, mut dealer_credit_confirmed) = (None, false);
        let mut documents = Vec::new();
        match kind {
            ApplicationKind::Dealer => {
                dealer_code = c.text("dealer_code", Noun::DealerCode, 50);
                dealer_credit_confirmed = c.raw("dealer_credit_confirmed") == "on";
                if !dealer_credit_confirmed {
                    c.errors.push(FieldError::new("dealer_credit_confirmed", Say::ConfirmArmadaCredit));
                }
                let raw_tax = c.raw("tax_number").trim().to_owned();
                if !raw_tax.is_empty() {
                    tax_number = c.check("tax_number", TaxNumber::parse(&raw_tax));
                }
            }
            ApplicationKind::NewPartner => {
                tax_number = {
                    let parsed = TaxNumber::parse(c.raw("tax_number"));
                    c.check("tax_number", parsed)
                };
                address = c.text("address", Noun::CompanyAddress, 500);
                company_phone = {
                    let parsed = PhoneNumber::parse(c.raw("company_phone"));
                    c.check("company_phone", parsed)
                };
                mpn_id = {
                    let parsed = MpnId::parse(c.raw("mpn_id"));
                    c.check("mpn_id", parsed)
                };
                for kind in DocumentKind::ALL {
                    let file = files.iter().find(|f| f.field == kind.field() && !f.file_name.is_empty());
                    let what = kind.msg();
                    let checked = match file {
                        None => Err(Say::AttachDocument { what }),
                        Some(f) if f.too_large => Err(Say::DocumentTooLarge { what }),
                        Some(f) if f.bytes.is_empty() => Err(Say::DocumentEmpty { what }),
                        Some(f) => match sniff_content_type(&f.bytes) {
                            None => Err(Say::DocumentType { what }),
                            Some(content_type) => Ok(ValidDocument {
                                kind,
                                file_name: clean_file_name(&f.file_name),
                                content_type,
                                bytes: f.bytes.clone(),
                            }),
                        },
                    };
                    if let Some(document) = c.check(kind.field(), checked) {
                        documents.push(document);
                    }
                }
            }
        }

        match (company_name, contact_name, contact_email, contact_phone) {
            (Some(company_name), Some(contact_name), Some(contact_email), Some(contact_phone))
                if c.errors.is_empty() =>
            {
                Ok(Self {
                    kind,
                    company_name,
                    tax_number,
                    address,
                    company_phone,
                    dealer_code,
                    dealer_credit_confirmed,
                    mpn_id,
                    contact_name,
                    contact_email,
                    contact_phone,
                    documents,
                })
            }
            _ => Err(c.errors),
        }
    }
}

/// The name to offer on download: no directories, no quotes or control characters.
fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | ';')).take(120).collect();
    if cleaned.trim().is_empty() { "document".into() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n%test";
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0];

    fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn new_partner_fields() -> BTreeMap<String, String> {
        fields(&[
            ("kind", "new_partner"),
            ("company_name", "Yeni Bilişim A.Ş."),
            ("tax_number", "1234567890"),
            ("address", "Istanbul"),
            ("company_phone", "0212 555 01 02"),
            ("mpn_id", "7654321"),
            ("contact_name", "Ayşe Yılmaz"),
            ("contact_email", "Ayse@Yeni.example"),
            ("contact_phone", "0532 555 01 02"),
        ])
    }

    fn all_documents(bytes: &[u8]) -> Vec<UploadedFile> {
        DocumentKind::ALL
            .iter()
            .map(|kind| UploadedFile {
                field: kind.field().into(),
                file_name: "scan.pdf".into(),
                bytes: bytes.to_vec(),
                too_large: false,
            })
            .collect()
    }

    #[test]
    fn content_types_come_from_the_bytes() {
        assert_eq!(sniff_content_type(PDF), Some("application/pdf"));
        assert_eq!(sniff_content_type(PNG), Some("image/png"));
        assert_eq!(sniff_content_type(JPEG), Some("image/jpeg"));
        assert_eq!(sniff_content_type(b"MZ\x90\x00 an exe named scan.pdf"), None);
        assert_eq!(sniff_content_type(b""), None);
    }

    #[test]
    fn a_complete_new_partner_application_parses() {
        let form = ApplicationForm::parse(&new_partner_fields(), all_documents(PDF)).unwrap();
        assert_eq!(form.kind, ApplicationKind::NewPartner);
        assert_eq!(form.contact_email.as_ref(), "ayse@yeni.example");
        assert_eq!(form.documents.len(), 6);
        assert_eq!(form.contact_phone.as_ref(), "+905325550102");
    }

    #[test]
    fn every_problem_is_reported_at_its_field() {
        let mut f = new_partner_fields();
        f.insert("mpn_id".into(), "12".into());
        f.insert("contact_email".into(), "nope".into());
        let mut files = all_documents(PDF);
        files[0].bytes = b"not a pdf".to_vec();
        files[1].bytes.clear();
        files[2].too_large = true;
        files.truncate(5);

        let errors = ApplicationForm::parse(&f, files).unwrap_err();

        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "contact_email",
                "mpn_id",
                "doc_tax_certificate",
                "doc_signature_circular",
                "doc_trade_registry_gazette",
                "doc_membership_agreement"
            ]
        );
        assert!(errors[2].message.to_string().contains("not a PDF, JPEG or PNG"));
        assert!(errors[3].message.to_string().contains("empty"));
        assert!(errors[4].message.to_string().contains("10 MB"));
        assert!(errors[5].message.to_string().starts_with("Attach the"));
    }

    #[test]
    fn a_dealer_must_confirm_its_credit_approval() {
        let f = fields(&[
            ("kind", "dealer"),
            ("company_name", "Bayi Ltd"),
            ("dealer_code", "120.01.0099"),
            ("contact_name", "Ali Veli"),
            ("contact_email", "ali@bayi.example"),
            ("contact_phone", "+90 216 555 00 00"),
        ]);
        let errors = ApplicationForm::parse(&f, vec![]).unwrap_err();
        assert_eq!(errors[0].field, "dealer_credit_confirmed");

        let mut confirmed = f.clone();
        confirmed.insert("dealer_credit_confirmed".into(), "on".into());
        let form = ApplicationForm::parse(&confirmed, vec![]).unwrap();
        assert_eq!(form.dealer_code.as_deref(), Some("120.01.0099"));
        assert!(form.documents.is_empty());
    }

    #[test]
    fn file_names_lose_paths_and_quotes() {
        assert_eq!(clean_file_name("C:\\Users\\me\\vergi \"levha\".pdf"), "vergi levha.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("   "), "document");
    }
}
