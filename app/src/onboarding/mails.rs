//! The mails to a partner applicant (received, approved with the sign-in details, rejected), as
//! pure functions of what they say.
//!
//! The Turkish texts put each value where no case suffix has to follow it ("{reference} numaralı
//! başvuru", "… için"): a suffix after a name would need its vowel harmony, which the template
//! cannot know.

use rust_decimal::Decimal;

use super::application_number;
use crate::{
    i18n::Locale,
    notifications::{MailText, SECRET_SLOT},
};

/// To the applicant: the application is in, with its number and the status page's address.
pub fn application_received(locale: Locale, number: i64, contact_name: &str, status_url: &str) -> MailText {
    let reference = application_number(number);
    match locale {
        Locale::En => MailText::new(
            format!("We received your partner application {reference}"),
            format!(
                "Dear {contact_name},\n\nthank you for applying to become a cloudmarket partner. Your application number is {reference}.\n\
                 Our credit control team reviews it and you will hear from us by e-mail.\n\n\
                 You can follow its status at any time here:\n{status_url}\n"
            ),
        ),
        Locale::Tr => MailText::new(
            format!("{reference} numaralı iş ortaklığı başvurunuzu aldık"),
            format!(
                "Sayın {contact_name},\n\ncloudmarket iş ortaklığı başvurunuz için teşekkür ederiz. Başvuru numaranız: {reference}.\n\
                 Başvurunuz kredi kontrol ekibimiz tarafından incelenecek; sonucu size e-posta ile bildireceğiz.\n\n\
                 Başvurunuzun durumunu dilediğiniz zaman buradan takip edebilirsiniz:\n{status_url}\n"
            ),
        ),
    }
}

/// To the new partner admin: the application is approved, with the credit limit, the username,
/// where to sign in and, in the [`SECRET_SLOT`], the single-use link to set the password.
#[allow(clippy::too_many_arguments)] // one per value the mail states, all from the approval
pub fn application_approved(
    locale: Locale,
    number: i64,
    contact_name: &str,
    company_name: &str,
    credit_limit: Decimal,
    public_url: &str,
    username: &str,
    link_hours: i32,
) -> MailText {
    let reference = application_number(number);
    let limit = crate::domain::Money::new(credit_limit, crate::domain::Currency::USD).in_locale(Locale::Tr);
    match locale {
        Locale::En => MailText::new(
            format!("Your cloudmarket partner account is ready ({reference})"),
            format!(
                "Dear {contact_name},\n\nyour partner application {reference} has been approved. {company_name} has a marketplace credit limit of \
                 {credit_limit} USD + VAT, separate from your distributor account limit.\n\n\
                 Username: {username}\n\nSet your password with this link (it works once, within {link_hours} hours):\n{SECRET_SLOT}\n\n\
                 Then sign in to the Control Panel:\n{public_url}/login\n"
            ),
        ),
        // "Kontrol Paneli" is the Turkish UI's name of the Control Panel the partner signs in to;
        // the limit is written as Turkish writes amounts (5.000,00 USD).
        Locale::Tr => MailText::new(
            format!("cloudmarket iş ortağı hesabınız hazır ({reference})"),
            format!(
                "Sayın {contact_name},\n\n{reference} numaralı iş ortaklığı başvurunuz onaylandı. {company_name} için \
                 {limit} + KDV marketplace kredi limiti tanımlandı; bu limit distribütör cari hesap limitinizden ayrıdır.\n\n\
                 Kullanıcı adı: {username}\n\nŞifrenizi bu bağlantıyla belirleyin (bağlantı yalnızca bir kez ve {link_hours} saat içinde çalışır):\n{SECRET_SLOT}\n\n\
                 Ardından Kontrol Paneline giriş yapın:\n{public_url}/login\n"
            ),
        ),
    }
}

/// To the applicant: the application is rejected, with credit control's reason.
pub fn application_rejected(
    locale: Locale,
    number: i64,
    contact_name: &str,
    company_name: &str,
    reason: &str,
) -> MailText {
    let reference = application_number(number);
    match locale {
        Locale::En => MailText::new(
            format!("Your partner application {reference}"),
            format!(
                "Dear {contact_name},\n\nwe are sorry: your partner application {reference} for {company_name} was not approved.\n\nReason: {reason}\n\n\
                 You are welcome to apply again once this is resolved.\n"
            ),
        ),
        Locale::Tr => MailText::new(
            format!("{reference} numaralı iş ortaklığı başvurunuz"),
            format!(
                "Sayın {contact_name},\n\nÜzülerek bildiririz ki {company_name} için yaptığınız {reference} numaralı iş ortaklığı başvurunuz onaylanmadı.\n\nGerekçe: {reason}\n\n\
                 Bu husus giderildiğinde yeniden başvurabilirsiniz.\n"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn received_gives_the_number_and_the_status_link() {
        let mail = application_received(Locale::En, 42, "Ayşe Yılmaz", "https://market.example/applications/abc123");
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
            Locale::En,
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
        let mail =
            application_rejected(Locale::En, 7, "Ayşe Yılmaz", "Bulut Bilişim A.Ş.", "The tax number does not match.");
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

    #[test]
    fn every_applicant_mail_reads_in_turkish_with_all_its_values() {
        let url = "https://market.example/applications/abc123";
        application_received(Locale::Tr, 42, "Ayşe Yılmaz", url).assert_translates(
            &application_received(Locale::En, 42, "Ayşe Yılmaz", url),
            &["APP-000042", "Ayşe Yılmaz", url],
        );

        let approved = |locale| {
            application_approved(
                locale,
                7,
                "Ayşe Yılmaz",
                "Bulut Bilişim A.Ş.",
                Decimal::new(2500000, 2),
                "https://market.example",
                "ayse@bulut.example",
                72,
            )
        };
        let tr = approved(Locale::Tr);
        tr.assert_translates(
            &approved(Locale::En),
            &[
                "APP-000007",
                "Ayşe Yılmaz",
                "Bulut Bilişim A.Ş.",
                "25.000,00 USD",
                "ayse@bulut.example",
                "72",
                SECRET_SLOT,
                "https://market.example/login",
            ],
        );
        assert_eq!(tr.body.matches(SECRET_SLOT).count(), 1, "the link goes in once: {}", tr.body);

        let reason = "Vergi numarası eşleşmiyor.";
        let tr = application_rejected(Locale::Tr, 7, "Ayşe Yılmaz", "Bulut Bilişim A.Ş.", reason);
        tr.assert_translates(
            &application_rejected(Locale::En, 7, "Ayşe Yılmaz", "Bulut Bilişim A.Ş.", reason),
            &["APP-000007", "Ayşe Yılmaz", "Bulut Bilişim A.Ş.", reason],
        );
        assert!(!tr.body.contains(SECRET_SLOT) && !tr.body.contains("/login"));
    }
}
