//! "Proceed to Check Out": customer, tenant, review and "Submit". Each step is saved on the
//! server as it is completed, so reload and back/forward keep the wizard where it was, and every
//! check that Microsoft would make later is made here first.

// Server functions take one argument per form field: forms post them flat, with or without
// JavaScript, and the generated browser-side function inherits the count.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
pub mod agreement;
mod checkout_page;
#[cfg(feature = "ssr")]
mod mails;
#[cfg(feature = "ssr")]
pub mod place_order;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use checkout_page::{CustomerStepPage, ReviewStepPage, TenantStepPage};

use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
#[cfg(feature = "ssr")]
pub use crate::partner_center::mpn_refusal;
use crate::{
    auth::EmailAddress,
    cart::Cart,
    domain::{DomainPrefix, MpnId, PhoneNumber, TaxNumber, company_name, required_text},
    error::{AppError, FieldError},
    i18n::{Noun, Say},
    orders::NewCustomerProfile,
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum CustomerChoice {
    Existing { customer_id: crate::domain::CustomerId },
    New { profile: NewCustomerProfile },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDraft {
    pub choice: CustomerChoice,
    pub mpn_id: MpnId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantDraft {
    pub prefix: DomainPrefix,
    pub new: bool,
}

impl TenantDraft {
    pub fn domain(&self) -> String {
        self.prefix.initial_domain()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerOption {
    pub customer_id: crate::domain::CustomerId,
    pub name: String,
    pub tenant_domain: Option<String>,
    pub relationship_accepted: bool,
    pub mpn_id: Option<String>,
}

/// Everything the three steps show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutState {
    pub idempotency_key: Uuid,
    pub cart: Cart,
    pub customers: Vec<CustomerOption>,
    /// The partner's own MPN ID, offered for new customers.
    pub default_mpn: Option<String>,
    pub customer: Option<CustomerDraft>,
    /// The chosen customer's name, for the later steps.
    pub customer_name: Option<String>,
    /// An existing customer's tenant: its orders must use it.
    pub fixed_tenant: Option<String>,
    pub tenant: Option<TenantDraft>,
    pub prefix_max: usize,
    pub relationship_link: String,
    pub available_credit: Decimal,
    /// Cart products the chosen customer already has live (the order would be refused).
    pub already_live: Vec<String>,
    /// The chosen customer has no Microsoft Customer Agreement attestation yet: "Submit" needs
    /// its signatory.
    pub needs_agreement: bool,
    /// The agreement's text (Microsoft's page, or the sandbox's stand-in) and its version.
    pub agreement_link: String,
    pub agreement_version: String,
}

/// The Microsoft Customer Agreement's acceptance as recorded for a customer: who signed, when,
/// from where, which version, who in the partner's company submitted it, and when Microsoft took
/// the attestation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementRecord {
    pub agreement_version: String,
    /// None for a customer that accepted before signatories were asked (its orders went through).
    pub signatory: Option<SignatoryRecord>,
    pub accepted_at: time::OffsetDateTime,
    pub client_ip: Option<String>,
    /// The partner user's e-mail address.
    pub submitted_by: Option<String>,
    pub attested_at_microsoft: Option<time::OffsetDateTime>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatoryRecord {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub company: String,
    pub country: String,
    pub language: String,
}

/// The live answer on a new tenant's prefix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixCheck {
    pub available: bool,
    pub message: crate::i18n::Text,
}

/// The raw customer step, as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerForm {
    pub customer_mode: String,
    pub customer_id: Option<String>,
    pub company_name: Option<String>,
    pub tax_number: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub mpn_id: Option<String>,
}

/// Checks the customer step's format rules, collecting a message for every field that fails.
/// Vendor checks (the MPN ID at Partner Center) come after, on the server.
pub fn parse_customer(form: &CustomerForm) -> Result<(CustomerChoice, MpnId), AppError> {
    let mut errors = Vec::new();
    // Each field parsed once into its type; a failure leaves its message and `None`.
    fn check<T>(errors: &mut Vec<FieldError>, field: &str, result: Result<T, Say>) -> Option<T> {
        result.map_err(|message| errors.push(FieldError::new(field, message))).ok()
    }
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let mpn = check(&mut errors, "mpn_id", MpnId::parse(&text(&form.mpn_id)));
    let choice = match form.customer_mode.as_str() {
        "existing" => check(
            &mut errors,
            "customer_id",
            text(&form.customer_id).trim().parse::<crate::domain::CustomerId>().map_err(|_| Say::ChooseCustomerOrNew),
        )
        .map(|customer_id| CustomerChoice::Existing { customer_id }),
        "new" => {
            let name = check(&mut errors, "company_name", company_name(&text(&form.company_name)));
            let tax = check(&mut errors, "tax_number", TaxNumber::parse(&text(&form.tax_number)));
            let address = check(&mut errors, "address", required_text(&text(&form.address), Noun::Address, 300));
            let phone = check(&mut errors, "phone", PhoneNumber::parse(&text(&form.phone)));
            let contact_name =
                check(&mut errors, "contact_name", required_text(&text(&form.contact_name), Noun::ContactName, 100));
            let contact_email = check(
                &mut errors,
                "contact_email",
                EmailAddress::parse(&text(&form.contact_email)).map(|e| e.as_ref().to_owned()).and_then(|email| {
                    // Microsoft refuses its own domain for a customer's contact.
                    if email.ends_with("@microsoft.com") || email.ends_with(".microsoft.com") {
                        Err(Say::MicrosoftEmailRefused)
                    } else {
                        Ok(email)
                    }
                }),
            );
            match (name, tax, address, phone, contact_name, contact_email) {
                (
                    Some(company_name),
                    Some(tax_number),
                    Some(address),
                    Some(phone),
                    Some(contact_name),
                    Some(contact_email),
                ) => Some(CustomerChoice::New {
                    profile: NewCustomerProfile {
                        company_name,
                        tax_number,
                        address,
                        phone,
                        contact_name,
                        contact_email,
                    },
                }),
                _ => None,
            }
        }
        _ => {
            errors.push(FieldError::new("customer_mode", Say::ChooseCustomerMode));
            None
        }
    };
    match (choice, mpn) {
        (Some(choice), Some(mpn)) if errors.is_empty() => Ok((choice, mpn)),
        _ => Err(AppError::Invalid(errors)),
    }
}

#[server(prefix = "/api", endpoint = "checkout")]
pub async fn get_checkout() -> Result<CheckoutState, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    ssr::checkout_state(&state, &user).await
}

#[server(prefix = "/api", endpoint = "checkout_customer")]
pub async fn save_checkout_customer(
    customer_mode: Option<String>,
    customer_id: Option<String>,
    company_name: Option<String>,
    tax_number: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    mpn_id: Option<String>,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let form = CustomerForm {
        customer_mode: customer_mode.unwrap_or_default(),
        customer_id,
        company_name,
        tax_number,
        address,
        phone,
        contact_name,
        contact_email,
        mpn_id,
    };
    ssr::save_customer(&state, &user, &form).await?;
    leptos_axum::redirect("/cp/checkout/tenant");
    Ok(())
}

#[server(prefix = "/api", endpoint = "checkout_tenant")]
pub async fn save_checkout_tenant(
    tenant_mode: Option<String>,
    domain: Option<String>,
    prefix: Option<String>,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    ssr::save_tenant(&state, &user, tenant_mode.as_deref().unwrap_or_default(), domain.as_deref(), prefix.as_deref())
        .await?;
    leptos_axum::redirect("/cp/checkout/review");
    Ok(())
}

/// Live availability of a new tenant's prefix, as the partner types it.
#[server(prefix = "/api", endpoint = "check_prefix")]
pub async fn check_tenant_prefix(prefix: String) -> Result<PrefixCheck, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    ssr::check_prefix(&state, &prefix).await
}

/// "Submit": places the order once per idempotency key and goes to its page. A customer without
/// a Microsoft Customer Agreement attestation needs its signatory here.
#[server(prefix = "/api", endpoint = "submit_order")]
pub async fn submit_order(
    idempotency_key: String,
    payment_method: Option<String>,
    signatory_first_name: Option<String>,
    signatory_last_name: Option<String>,
    signatory_email: Option<String>,
    signatory_company: Option<String>,
    signatory_country: Option<String>,
    signatory_language: Option<String>,
    agreement_accepted: Option<String>,
) -> Result<crate::domain::OrderNumber, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let key: Uuid =
        idempotency_key.trim().parse().map_err(|_| AppError::invalid("form", crate::i18n::Say::CheckoutOutOfDate))?;
    let payment = crate::domain::PaymentMethod::parse(payment_method.as_deref().unwrap_or_default())
        .map_err(|m| AppError::invalid("payment_method", m))?;
    let signatory = agreement::parse_signatory(&agreement::SignatoryForm {
        first_name: signatory_first_name,
        last_name: signatory_last_name,
        email: signatory_email,
        company: signatory_company,
        country: signatory_country,
        language: signatory_language,
        accepted: agreement_accepted.is_some_and(|v| !v.trim().is_empty()),
    })?;
    // The evidence names the address the acceptance came from: the TCP peer, as the per-IP
    // limits count it (a forwarded header is the client's to write).
    let client_ip = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .ok()
        .map(|axum::extract::ConnectInfo(peer)| peer.ip());
    let attestation = signatory.map(|signatory| agreement::Attestation::new(signatory, client_ip));
    let number = ssr::submit(&state, &user, key, payment, attestation).await?;
    leptos_axum::redirect(&format!("/cp/orders/{number}"));
    Ok(number)
}

/// The Microsoft Customer Agreement evidence of one of the partner's customers (`None` before its
/// first attested order); another partner's customer is not found.
#[server(prefix = "/api", endpoint = "customer_agreement")]
pub async fn get_customer_agreement(
    customer_id: crate::domain::CustomerId,
) -> Result<Option<AgreementRecord>, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    if !crate::customers::ssr::is_customer_of(&state.pool, user.organisation_id, customer_id).await? {
        return Err(AppError::not_found(Say::CustomerNotFound));
    }
    Ok(agreement::record_of(&state.pool, user.organisation_id, customer_id.get()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_customer() -> CustomerForm {
        CustomerForm {
            customer_mode: "new".into(),
            company_name: Some("Acme Bilişim Ltd.".into()),
            tax_number: Some("1234567890".into()),
            address: Some("Levent, İstanbul".into()),
            phone: Some("0212 555 01 02".into()),
            contact_name: Some("Ayşe Yılmaz".into()),
            contact_email: Some("Ayse@Acme.example".into()),
            mpn_id: Some("1234567".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_new_customer_parses() {
        let (choice, mpn) = parse_customer(&new_customer()).unwrap();
        assert_eq!(mpn.as_ref(), "1234567");
        let CustomerChoice::New { profile } = choice else { panic!("expected a new customer") };
        assert_eq!(profile.contact_email, "ayse@acme.example");
        assert_eq!(profile.phone.as_ref(), "+902125550102");
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let form = CustomerForm {
            company_name: Some("<b>".into()),
            tax_number: Some("12".into()),
            phone: Some("".into()),
            contact_email: Some("it@microsoft.com".into()),
            mpn_id: Some("12345".into()),
            ..new_customer()
        };
        let err = parse_customer(&form).unwrap_err();
        for field in ["company_name", "tax_number", "phone", "contact_email", "mpn_id"] {
            assert!(err.field_message(field).is_some(), "{field}");
        }
        assert!(err.field_message("contact_email").unwrap().contains("microsoft.com"));
        assert!(err.field_message("address").is_none());
    }

    #[test]
    fn an_existing_customer_needs_a_pick() {
        let form =
            CustomerForm { customer_mode: "existing".into(), mpn_id: Some("1234567".into()), ..Default::default() };
        assert!(parse_customer(&form).unwrap_err().field_message("customer_id").is_some());
        let id = Uuid::new_v4();
        let form = CustomerForm { customer_id: Some(id.to_string()), ..form };
        assert_eq!(
            parse_customer(&form).unwrap().0,
            CustomerChoice::Existing { customer_id: crate::domain::CustomerId(id) }
        );
    }

    #[test]
    fn a_mode_must_be_chosen() {
        let form = CustomerForm { customer_mode: "".into(), ..new_customer() };
        assert!(parse_customer(&form).unwrap_err().field_message("customer_mode").is_some());
    }

    #[test]
    fn mpn_refusals_are_explained_with_their_code() {
        assert!(mpn_refusal(800015).to_string().contains("800015"));
        assert!(mpn_refusal(800016).to_string().contains("indirect reseller"));
        assert!(mpn_refusal(900123).to_string().contains("Partner Agreement"));
    }
}
