//! The mails provisioning sends when an order completes or fails at the vendor, as pure
//! functions of what they say.
//!
//! The Turkish texts put each value where no case suffix has to follow it ("{n} numaralı
//! sipariş", "… için"): a suffix after a name or a number would need its vowel harmony, which the
//! template cannot know.

use crate::{
    i18n::Locale,
    notifications::{MailText, SECRET_SLOT},
};

/// Who a completion mail is for, which decides what it says about a new tenant's password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordNote {
    /// An existing tenant: there is no password.
    None,
    /// To the partner: the password went to the customer's contact, and "View Password" shows
    /// it once; it is never in the partner's mail.
    Elsewhere,
    /// To the partner, for a customer without a contact address: "View Password" only.
    ViewOnly,
    /// To the customer's contact: the password itself, in the [`SECRET_SLOT`].
    Enclosed,
}

/// To the partner and the customer's contact: a new order's licences are live on the tenant,
/// and for a tenant the order created, how its administrator signs in.
pub fn order_provisioned(
    locale: Locale,
    order_number: i64,
    customer_name: &str,
    tenant_domain: &str,
    note: PasswordNote,
) -> MailText {
    match locale {
        Locale::En => {
            let mut body = format!(
                "Order {order_number} for {customer_name} is provisioned: its licences are active on {tenant_domain}."
            );
            match note {
                PasswordNote::None => {}
                PasswordNote::Elsewhere => body.push_str(&format!(
                    "\n\nThe new tenant's administrator is admin@{tenant_domain}. Its one-time password was e-mailed to the \
                     customer's contact; the order page shows it to you once with \"View Password\"."
                )),
                PasswordNote::ViewOnly => body.push_str(&format!(
                    "\n\nThe new tenant's administrator is admin@{tenant_domain}; the order page shows its one-time password to \
                     you once with \"View Password\"."
                )),
                PasswordNote::Enclosed => body.push_str(&format!(
                    "\n\nThe new tenant's administrator signs in as admin@{tenant_domain} with the one-time \
                     password {SECRET_SLOT} and chooses a new one at the first sign-in."
                )),
            }
            MailText::new(format!("Order {order_number} completed"), body)
        }
        // "Şifreyi Görüntüle" is the Turkish order page's name of the "View Password" button.
        Locale::Tr => {
            let mut body = format!(
                "{customer_name} için verilen {order_number} numaralı siparişin provizyonu tamamlandı: lisanslar \
                 {tenant_domain} üzerinde aktif."
            );
            match note {
                PasswordNote::None => {}
                PasswordNote::Elsewhere => body.push_str(&format!(
                    "\n\nYeni tenant'ın yönetici hesabı admin@{tenant_domain}. Tek kullanımlık şifresi müşterinin \
                     iletişim kişisine e-posta ile gönderildi; sipariş sayfasında \"Şifreyi Görüntüle\" ile size bir \
                     kez gösterilir."
                )),
                PasswordNote::ViewOnly => body.push_str(&format!(
                    "\n\nYeni tenant'ın yönetici hesabı admin@{tenant_domain}; tek kullanımlık şifresi sipariş \
                     sayfasında \"Şifreyi Görüntüle\" ile size bir kez gösterilir."
                )),
                PasswordNote::Enclosed => body.push_str(&format!(
                    "\n\nYeni tenant'ın yöneticisi admin@{tenant_domain} kullanıcı adı ve {SECRET_SLOT} tek \
                     kullanımlık şifresiyle oturum açar; ilk oturum açışında yeni bir şifre belirler."
                )),
            }
            MailText::new(format!("{order_number} numaralı sipariş tamamlandı"), body)
        }
    }
}

/// To the partner: the order failed at the vendor, with the reason and what to do about it.
/// The reason and the fix are rendered in `locale` rather than through `Display`, which is
/// always English, so the whole mail reads in one language.
pub fn provisioning_failed(
    locale: Locale,
    order_number: i64,
    customer_name: &str,
    failure: &super::Failure,
) -> MailText {
    let (reason, fix) = (failure.reason.render(locale), failure.fix.render(locale));
    match locale {
        Locale::En => MailText::new(
            format!("Order {order_number} could not be provisioned"),
            format!("Order {order_number} for {customer_name}: {reason}\n\nWhat to do: {fix}"),
        ),
        Locale::Tr => MailText::new(
            format!("{order_number} numaralı siparişin provizyonu yapılamadı"),
            format!(
                "{customer_name} için verilen {order_number} numaralı sipariş: {reason}\n\nYapmanız gereken: {fix}"
            ),
        ),
    }
}

/// To the partner and the customer's contact: a cancellation order went through at the vendor.
pub fn subscription_cancelled(locale: Locale, order_number: i64, product_name: &str, customer_name: &str) -> MailText {
    match locale {
        Locale::En => MailText::new(
            format!("Order {order_number}: {product_name} cancelled"),
            format!("{product_name} for {customer_name} is cancelled at Microsoft (order {order_number})."),
        ),
        Locale::Tr => MailText::new(
            format!("Sipariş {order_number}: {product_name} iptal edildi"),
            format!(
                "{customer_name} için {product_name} aboneliği Microsoft'ta iptal edildi ({order_number} numaralı \
                 sipariş)."
            ),
        ),
    }
}

/// To the partner and the customer's contact: a change order set the new licence count.
pub fn licences_changed(
    locale: Locale,
    order_number: i64,
    product_name: &str,
    customer_name: &str,
    from_quantity: i32,
    to_quantity: i32,
) -> MailText {
    match locale {
        Locale::En => MailText::new(
            format!("Order {order_number}: {product_name} now has {to_quantity} licences"),
            format!(
                "{product_name} for {customer_name} changed from {from_quantity} to {to_quantity} licences at Microsoft \
                 (order {order_number})."
            ),
        ),
        // The suffixes go on "lisans", never on the counts, so they hold for any number.
        Locale::Tr => MailText::new(
            format!("Sipariş {order_number}: {product_name} lisans sayısı {to_quantity} oldu"),
            format!(
                "{customer_name} için {product_name} aboneliğinin lisans sayısı Microsoft'ta {from_quantity} \
                 lisanstan {to_quantity} lisansa değiştirildi ({order_number} numaralı sipariş)."
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::initial_domain;

    #[test]
    fn provisioned_names_the_order_customer_and_tenant() {
        let domain = initial_domain("acmeltd");
        let mail = order_provisioned(Locale::En, 1042, "Acme Ltd", &domain, PasswordNote::None);
        assert_eq!(mail.subject, "Order 1042 completed");
        assert_eq!(
            mail.body,
            "Order 1042 for Acme Ltd is provisioned: its licences are active on acmeltd.onmicrosoft.com."
        );
    }

    #[test]
    fn provisioned_tells_the_password_only_for_a_new_tenant() {
        let domain = initial_domain("acmeltd");
        let without = order_provisioned(Locale::En, 1042, "Acme Ltd", &domain, PasswordNote::None);
        assert!(!without.body.contains("password"), "{}", without.body);
        assert!(!without.body.contains("admin@"), "{}", without.body);

        let with = order_provisioned(Locale::En, 1042, "Acme Ltd", &domain, PasswordNote::Enclosed);
        assert_eq!(with.subject, without.subject);
        assert!(with.body.starts_with(&without.body), "{}", with.body);
        assert!(
            with.body.ends_with(
                "\n\nThe new tenant's administrator signs in as admin@acmeltd.onmicrosoft.com with the one-time \
                 password ⟦secret⟧ and chooses a new one at the first sign-in."
            ),
            "{}",
            with.body
        );

        let partner = order_provisioned(Locale::En, 1042, "Acme Ltd", &domain, PasswordNote::Elsewhere);
        assert!(partner.body.contains("e-mailed to the customer's contact") && partner.body.contains("View Password"));
        assert!(!partner.body.contains(SECRET_SLOT), "the partner's mail never carries the password");
    }

    #[test]
    fn failure_gives_the_reason_and_the_fix() {
        let mail = provisioning_failed(Locale::En, 88, "Beta A.Ş.", &super::super::failure(Some(409), "taken", None));
        assert_eq!(mail.subject, "Order 88 could not be provisioned");
        assert_eq!(
            mail.body,
            "Order 88 for Beta A.Ş.: The new tenant's domain was taken before it could be created.\n\nWhat to do: \
             Choose another domain prefix on this order, then press “Resubmit for Provisioning”."
        );
    }

    #[test]
    fn cancellation_names_the_product_customer_and_order() {
        let mail = subscription_cancelled(Locale::En, 91, "Microsoft 365 Business Basic", "Acme Ltd");
        assert_eq!(mail.subject, "Order 91: Microsoft 365 Business Basic cancelled");
        assert_eq!(mail.body, "Microsoft 365 Business Basic for Acme Ltd is cancelled at Microsoft (order 91).");
    }

    #[test]
    fn change_gives_both_licence_counts() {
        let mail = licences_changed(Locale::En, 92, "Microsoft 365 E3", "Acme Ltd", 10, 25);
        assert_eq!(mail.subject, "Order 92: Microsoft 365 E3 now has 25 licences");
        assert_eq!(mail.body, "Microsoft 365 E3 for Acme Ltd changed from 10 to 25 licences at Microsoft (order 92).");
    }

    #[test]
    fn every_provisioning_mail_reads_in_turkish_with_all_its_values() {
        let domain = initial_domain("acmeltd");
        let without = order_provisioned(Locale::Tr, 1042, "Acme Ltd", &domain, PasswordNote::None);
        for note in [PasswordNote::None, PasswordNote::Elsewhere, PasswordNote::ViewOnly, PasswordNote::Enclosed] {
            let tr = order_provisioned(Locale::Tr, 1042, "Acme Ltd", &domain, note);
            tr.assert_translates(
                &order_provisioned(Locale::En, 1042, "Acme Ltd", &domain, note),
                &["1042", "Acme Ltd", "acmeltd.onmicrosoft.com"],
            );
            assert!(tr.subject.contains("1042"), "{}", tr.subject);
            assert!(tr.body.starts_with(&without.body), "{}", tr.body);
            let password_shown = matches!(note, PasswordNote::Elsewhere | PasswordNote::ViewOnly);
            assert_eq!(tr.body.contains("\"Şifreyi Görüntüle\""), password_shown, "{}", tr.body);
            assert_eq!(tr.body.contains(SECRET_SLOT), note == PasswordNote::Enclosed, "{}", tr.body);
            assert_eq!(tr.body.contains("admin@acmeltd.onmicrosoft.com"), note != PasswordNote::None, "{}", tr.body);
        }

        let failure = super::super::failure(Some(409), "taken", None);
        let tr = provisioning_failed(Locale::Tr, 88, "Beta A.Ş.", &failure);
        tr.assert_translates(
            &provisioning_failed(Locale::En, 88, "Beta A.Ş.", &failure),
            &["88", "Beta A.Ş.", &failure.reason.render(Locale::Tr), &failure.fix.render(Locale::Tr)],
        );
        assert!(tr.subject.contains("88"), "{}", tr.subject);
        assert!(tr.body.contains("“Provizyon için Yeniden Gönder”"), "{}", tr.body);
        assert!(!tr.body.contains("Resubmit"), "{}", tr.body);

        let tr = subscription_cancelled(Locale::Tr, 91, "Microsoft 365 Business Basic", "Acme Ltd");
        tr.assert_translates(
            &subscription_cancelled(Locale::En, 91, "Microsoft 365 Business Basic", "Acme Ltd"),
            &["91", "Microsoft 365 Business Basic", "Acme Ltd"],
        );
        assert!(tr.subject.contains("91") && tr.subject.contains("Microsoft 365 Business Basic"), "{}", tr.subject);

        let tr = licences_changed(Locale::Tr, 92, "Microsoft 365 E3", "Acme Ltd", 10, 25);
        tr.assert_translates(
            &licences_changed(Locale::En, 92, "Microsoft 365 E3", "Acme Ltd", 10, 25),
            &["92", "Microsoft 365 E3", "Acme Ltd", "10 lisanstan", "25 lisansa"],
        );
        assert!(tr.subject.contains("92") && tr.subject.contains("25"), "{}", tr.subject);
    }
}
