//! The Microsoft Customer Agreement at checkout (issue #19, enhanced attestation): before
//! Microsoft takes a customer's first order, the distributor attests that a named signatory of the
//! customer accepted the agreement. Checkout asks for the signatory when the customer has no
//! attestation yet, keeps the evidence with the order (in its transaction, so a refused order
//! leaves none), and provisioning attests at Partner Center before the first order is sent.

use std::net::IpAddr;

use uuid::Uuid;

use super::AgreementRecord;
use crate::{
    auth::EmailAddress,
    domain::{CountryCode, LanguageCode, company_name, required_text},
    error::{AppError, FieldError},
    i18n::{Noun, Say},
};

/// The customer's signatory, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signatory {
    pub first_name: String,
    pub last_name: String,
    pub email: EmailAddress,
    pub company: String,
    pub country: CountryCode,
    pub language: LanguageCode,
}

/// The signatory's fields as posted (the review step's form, or the partner API's object).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignatoryForm {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
    pub country: Option<String>,
    pub language: Option<String>,
    /// The partner's confirmation that the signatory accepted the agreement.
    pub accepted: bool,
}

/// The form fields, in the order the review step shows them; `agreement` carries the refusal
/// of an order that needs a signatory and has none.
pub const FIELDS: [&str; 8] = [
    "agreement",
    "signatory_first_name",
    "signatory_last_name",
    "signatory_email",
    "signatory_company",
    "signatory_country",
    "signatory_language",
    "agreement_accepted",
];

impl SignatoryForm {
    /// Nothing typed: the order relies on an attestation already on record.
    fn is_blank(&self) -> bool {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
        !self.accepted
            && [&self.first_name, &self.last_name, &self.email, &self.company, &self.country, &self.language]
                .into_iter()
                .all(blank)
    }
}

/// The signatory, `None` when no field was filled in; a message at every field that fails, so a
/// refused form is answered at once and nothing of it is kept.
pub fn parse_signatory(form: &SignatoryForm) -> Result<Option<Signatory>, AppError> {
    if form.is_blank() {
        return Ok(None);
    }
    let mut errors = Vec::new();
    fn check<T>(errors: &mut Vec<FieldError>, field: &str, result: Result<T, Say>) -> Option<T> {
        result.map_err(|message| errors.push(FieldError::new(field, message))).ok()
    }
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let first_name = check(
        &mut errors,
        "signatory_first_name",
        required_text(&text(&form.first_name), Noun::SignatoryFirstName, 100),
    );
    let last_name =
        check(&mut errors, "signatory_last_name", required_text(&text(&form.last_name), Noun::SignatoryLastName, 100));
    let email = check(&mut errors, "signatory_email", EmailAddress::parse(&text(&form.email)));
    let company = check(&mut errors, "signatory_company", company_name(&text(&form.company)));
    let country = check(&mut errors, "signatory_country", CountryCode::parse(&text(&form.country)));
    let language = check(&mut errors, "signatory_language", LanguageCode::parse(&text(&form.language)));
    if !form.accepted {
        errors.push(FieldError::new("agreement_accepted", Say::AgreementNotConfirmed));
    }
    match (first_name, last_name, email, company, country, language) {
        (Some(first_name), Some(last_name), Some(email), Some(company), Some(country), Some(language))
            if errors.is_empty() =>
        {
            Ok(Some(Signatory { first_name, last_name, email, company, country, language }))
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

/// What an order records when its customer is attested with it: the signatory, the address it
/// was submitted from and the agreement's version (the partner user is the order's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attestation {
    pub signatory: Signatory,
    pub client_ip: Option<IpAddr>,
    pub version: String,
}

impl Attestation {
    pub fn new(signatory: Signatory, client_ip: Option<IpAddr>) -> Self {
        Self { signatory, client_ip, version: crate::partner_center::CUSTOMER_AGREEMENT_VERSION.to_owned() }
    }
}

/// Whether the customer has an attestation on record (any version: Microsoft keeps an accepted
/// agreement valid for the customer's later orders).
pub async fn is_attested(db: impl sqlx::PgExecutor<'_>, customer_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from customer_agreement where customer_id = $1) as "attested!""#,
        customer_id
    )
    .fetch_one(db)
    .await
}

/// The evidence as the row checkout's order statement writes, in the order's transaction, with
/// `jsonb_populate_record(null::customer_agreement, …)`; an attestation already on record stays
/// as it is (the first acceptance is the one Microsoft was told of).
pub fn row_json(attestation: &Attestation, customer_id: Uuid, submitted_by: Uuid) -> serde_json::Value {
    let s = &attestation.signatory;
    serde_json::json!({
        "customer_id": customer_id,
        "agreement_version": attestation.version,
        "signatory_first_name": s.first_name,
        "signatory_last_name": s.last_name,
        "signatory_email": s.email.as_ref(),
        "signatory_company": s.company,
        "signatory_country": s.country.as_ref(),
        "signatory_language": s.language.as_ref(),
        "client_ip": attestation.client_ip.map(|ip| ip.to_string()),
        "submitted_by": submitted_by,
    })
}

/// The evidence for one of the partner's customers, `None` when it has none; another partner's
/// customer has none to show.
pub async fn record_of(
    db: impl sqlx::PgExecutor<'_>,
    partner_id: Uuid,
    customer_id: Uuid,
) -> Result<Option<AgreementRecord>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select a.agreement_version, a.signatory_first_name, a.signatory_last_name, a.signatory_email,
                  a.signatory_company, a.signatory_country, a.signatory_language, a.accepted_at,
                  host(a.client_ip) as client_ip, u.email as "submitted_by?", a.vendor_attested_at
           from customer_agreement a
           join organisation o on o.organisation_id = a.customer_id
           left join app_user u on u.user_id = a.submitted_by
           where a.customer_id = $1 and o.parent_id = $2"#,
        customer_id,
        partner_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| AgreementRecord {
        agreement_version: r.agreement_version,
        signatory: match (
            r.signatory_first_name,
            r.signatory_last_name,
            r.signatory_email,
            r.signatory_company,
            r.signatory_country,
            r.signatory_language,
        ) {
            (Some(first_name), Some(last_name), Some(email), Some(company), Some(country), Some(language)) => {
                Some(super::SignatoryRecord { first_name, last_name, email, company, country, language })
            }
            _ => None,
        },
        accepted_at: r.accepted_at,
        client_ip: r.client_ip,
        submitted_by: r.submitted_by,
        attested_at_microsoft: r.vendor_attested_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> SignatoryForm {
        SignatoryForm {
            first_name: Some("Ayşe".into()),
            last_name: Some("Yılmaz".into()),
            email: Some("Ayse@Acme.example".into()),
            company: Some("Acme Bilişim Ltd.".into()),
            country: Some("tr".into()),
            language: Some("TR".into()),
            accepted: true,
        }
    }

    #[test]
    fn nothing_typed_is_no_signatory_and_a_whole_one_parses() {
        assert_eq!(parse_signatory(&SignatoryForm::default()).unwrap(), None);
        let signatory = parse_signatory(&filled()).unwrap().unwrap();
        assert_eq!(signatory.email.as_ref(), "ayse@acme.example");
        assert_eq!((signatory.country.as_ref(), signatory.language.as_ref()), ("TR", "tr"));
    }

    #[test]
    fn every_bad_field_and_a_missing_confirmation_get_their_message() {
        let form = SignatoryForm {
            first_name: Some(" ".into()),
            last_name: None,
            email: Some("not-an-address".into()),
            country: Some("Turkey".into()),
            accepted: false,
            ..filled()
        };
        let err = parse_signatory(&form).unwrap_err();
        for field in [
            "signatory_first_name",
            "signatory_last_name",
            "signatory_email",
            "signatory_country",
            "agreement_accepted",
        ] {
            assert!(err.field_message(field).is_some(), "{field}");
        }
        assert!(err.field_message("signatory_company").is_none());
        assert!(err.field_message("signatory_language").is_none());
    }
}
