//! The mails to a partner applicant (received, approved with the sign-in details, rejected), as
//! pure functions of what they say.

use rust_decimal::Decimal;

use super::application_number;
use crate::notifications::{MailText, SECRET_SLOT};

/// To the applicant: the application is in, with its number and the status page's address.
pub fn application_received(number: i64, contact_name: &str, status_url: &str) -> MailText {
    let reference = application_number(number);
    MailText::new(
        format!("We received your partner application {reference}"),
        format!(
            "Dear {contact_name},\n\nthank you for applying to become a cloudmarket partner. Your application number is {reference}.\n\
             Our credit control team reviews it and you will hear from us by e-mail.\n\n\
             You can follow its status at any time here:\n{status_url}\n"
        ),
    )
}

/// To the new partner admin: the application is approved, with the credit limit, the username,
/// where to sign in and, in the [`SECRET_SLOT`], the single-use link to set the password.
pub fn application_approved(
    number: i64,
    contact_name: &str,
    company_name: &str,
    credit_limit: Decimal,
    public_url: &str,
    username: &str,
    link_hours: i32,
) -> MailText {
    let reference = application_number(number);
    MailText::new(
        format!("Your cloudmarket partner account is ready ({reference})"),
        format!(
            "Dear {contact_name},\n\nyour partner application {reference} has been approved. {company_name} has a marketplace credit limit of \
             {credit_limit} USD + VAT, separate from your distributor account limit.\n\n\
             Username: {username}\n\nSet your password with this link (it works once, within {link_hours} hours):\n{SECRET_SLOT}\n\n\
             Then sign in to the Control Panel:\n{public_url}/login\n"
        ),
    )
}

/// To the applicant: the application is rejected, with credit control's reason.
pub fn application_rejected(number: i64, contact_name: &str, company_name: &str, reason: &str) -> MailText {
    let reference = application_number(number);
    MailText::new(
        format!("Your partner application {reference}"),
        format!(
            "Dear {contact_name},\n\nwe are sorry: your partner application {reference} for {company_name} was not approved.\n\nReason: {reason}\n\n\
             You are welcome to apply again once this is resolved.\n"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn received_gives_the_number_and_the_status_link() {
        let mail = application_received(42, "Ayşe Yılmaz", "https://market.example/applications/abc123");
        assert_eq!(mail.subject, "We received your partner application APP-000042");
        assert_eq!(
            mail.body,
            "Dear Ayşe Yılmaz,\n\nthank you for applying to become a cloudmarket partner. Your application number is \
             APP-000042.\nOur credit control team reviews it and you will hear from us by e-mail.\n\nYou can follow \
             its status at any time here:\nhttps://market.example/applications/abc123\n"
        );
    }

    #[test]
    fn approval_gives_the_limit_and_the_sign_in_details() {
        let mail = application_approved(
            7,
            "Ayşe Yılmaz",
            "Bulut Bilişim A.Ş.",
            Decimal::new(2500000, 2),
            "https://market.example",
            "ayse@bulut.example",
            72,
        );
        assert_eq!(mail.subject, "Your cloudmarket partner account is ready (APP-000007)");
        assert_eq!(
            mail.body,
            "Dear Ayşe Yılmaz,\n\nyour partner application APP-000007 has been approved. Bulut Bilişim A.Ş. has a \
             marketplace credit limit of 25000.00 USD + VAT, separate from your distributor account limit.\n\n\
             Username: ayse@bulut.example\n\nSet your password with this link (it works once, within 72 hours):\n\
             ⟦secret⟧\n\nThen sign in to the Control Panel:\nhttps://market.example/login\n"
        );
        assert!(!mail.body.contains("password:"), "no password is ever mailed");
    }

    #[test]
    fn rejection_gives_the_reason_and_no_credentials() {
        let mail = application_rejected(7, "Ayşe Yılmaz", "Bulut Bilişim A.Ş.", "The tax number does not match.");
        assert_eq!(mail.subject, "Your partner application APP-000007");
        assert_eq!(
            mail.body,
            "Dear Ayşe Yılmaz,\n\nwe are sorry: your partner application APP-000007 for Bulut Bilişim A.Ş. was not \
             approved.\n\nReason: The tax number does not match.\n\nYou are welcome to apply again once this is \
             resolved.\n"
        );
        assert!(!mail.body.contains("password"));
        assert!(!mail.body.contains("/login"));
    }
}
