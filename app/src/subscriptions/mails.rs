//! The mails of licence changes and cancellations the customer asks for, as pure functions of
//! what they say.
//!
//! The Turkish texts put each value where no case suffix has to follow it ("{n} numaralı
//! sipariş", "… için", "{n} lisanstan"): a suffix after a name or a number would need its vowel
//! harmony, which the template cannot know.

use rust_decimal::Decimal;

use super::rules::Refund;
use crate::{domain::Money, i18n::Locale, notifications::MailText};

/// A licence change order, as its mail to the partner tells it.
#[derive(Clone, Copy, Debug)]
pub struct LicenceChange<'a> {
    pub order_number: i64,
    pub product_name: &'a str,
    pub customer_name: &'a str,
    pub from_quantity: i32,
    pub to_quantity: i32,
    /// Charged for the rest of the term (zero unless licences are added).
    pub charge: Decimal,
    /// Refunded for the rest of the term (zero unless licences are removed).
    pub refund: Decimal,
    pub currency: crate::domain::Currency,
}

/// To the partner's admins: the customer changed a subscription's licence count, with what it
/// charges or refunds for the rest of the term.
pub fn change_requested(locale: Locale, change: &LicenceChange<'_>) -> MailText {
    let LicenceChange {
        order_number,
        product_name,
        customer_name,
        from_quantity,
        to_quantity,
        charge,
        refund,
        currency,
    } = *change;
    match locale {
        Locale::En => MailText::new(
            format!("Change order {order_number}: {product_name} for {customer_name}"),
            format!(
                "{customer_name} changes {product_name} from {from_quantity} to {to_quantity} licences (order \
                 {order_number}). It is being provisioned now.{}",
                if charge > Decimal::ZERO {
                    format!(" Charged for the rest of the term: {}.", Money::new(charge, currency).in_locale(locale))
                } else if refund > Decimal::ZERO {
                    format!(" Refunded for the rest of the term: {}.", Money::new(refund, currency).in_locale(locale))
                } else {
                    String::new()
                }
            ),
        ),
        Locale::Tr => MailText::new(
            format!("Değişiklik siparişi {order_number}: {customer_name} için {product_name}"),
            format!(
                "{customer_name}, {product_name} aboneliğinin lisans sayısını {from_quantity} lisanstan {to_quantity} \
                 lisansa değiştirdi ({order_number} numaralı sipariş). Değişikliğin provizyonu şu anda yapılıyor.{}",
                if charge > Decimal::ZERO {
                    format!(
                        " Dönemin kalanı için faturalanacak tutar: {}.",
                        Money::new(charge, currency).in_locale(locale)
                    )
                } else if refund > Decimal::ZERO {
                    format!(
                        " Dönemin kalanı için iade edilecek tutar: {}.",
                        Money::new(refund, currency).in_locale(locale)
                    )
                } else {
                    String::new()
                }
            ),
        ),
    }
}

/// To the partner's admins: the customer asks to cancel a subscription (and its add-ons), with
/// the refund it would bring; the partner approves or rejects the cancellation order.
#[allow(clippy::too_many_arguments)] // the locale and one per value the mail states
pub fn cancellation_requested(
    locale: Locale,
    order_number: i64,
    product_name: &str,
    customer_name: &str,
    quantity: i32,
    addons: &[&str],
    refund: Refund,
    currency: crate::domain::Currency,
) -> MailText {
    match locale {
        Locale::En => {
            let refund_text = match refund {
                Refund::Prorated { amount, unused_days, term_days } => format!(
                    "Within 7 days of purchase or renewal: {} is refunded ({unused_days} unused days of {term_days}).",
                    Money::new(amount, currency).in_locale(locale)
                ),
                Refund::None => {
                    "More than 7 days after purchase or renewal: no refund, the full term stays billed.".into()
                }
            };
            let addon_text = if addons.is_empty() {
                String::new()
            } else {
                format!("\nIts add-ons are cancelled with it: {}.", addons.join(", "))
            };
            MailText::new(
                format!("Cancellation Order {order_number}: {product_name} for {customer_name}"),
                format!(
                    "{customer_name} asks to cancel {product_name} ({quantity} licences).{addon_text}\n{refund_text}\n\nOpen \
                     the order under Billing → Orders and press “Open Order” to approve it, or reject it."
                ),
            )
        }
        // "İptal Siparişi", "Faturalama → Siparişler" and "Siparişi Onayla (Open Order)" are the
        // Turkish UI's names of the order kind, the page and the button the partner looks for.
        Locale::Tr => {
            let refund_text = match refund {
                Refund::Prorated { amount, unused_days, term_days } => format!(
                    "Satın alma veya yenilemeden sonraki 7 gün içinde: {} iade edilir ({term_days} günlük dönemin \
                     {unused_days} günü kullanılmadı).",
                    Money::new(amount, currency).in_locale(locale)
                ),
                Refund::None => "Satın alma veya yenilemeden bu yana 7 günden fazla geçti: iade yapılmaz, dönemin \
                                 tamamı faturalanır."
                    .into(),
            };
            let addon_text = if addons.is_empty() {
                String::new()
            } else {
                format!("\nEklentileri de birlikte iptal edilir: {}.", addons.join(", "))
            };
            MailText::new(
                format!("İptal Siparişi {order_number}: {customer_name} için {product_name}"),
                format!(
                    "{customer_name}, {product_name} aboneliğinin ({quantity} lisans) iptalini talep ediyor.{addon_text}\n\
                     {refund_text}\n\nSiparişi Faturalama → Siparişler bölümünde açın; onaylamak için “Siparişi Onayla \
                     (Open Order)” düğmesine basın ya da talebi reddedin."
                ),
            )
        }
    }
}

/// To the customer's contact: the partner rejected the cancellation, the subscription stays.
pub fn cancellation_rejected(locale: Locale, order_number: i64, product_name: &str) -> MailText {
    match locale {
        Locale::En => MailText::new(
            format!("Your cancellation of {product_name} was not approved"),
            format!(
                "Your partner rejected cancellation order {order_number}: {product_name} stays active. Contact your partner \
                 if you still want to cancel it."
            ),
        ),
        Locale::Tr => MailText::new(
            format!("{product_name} için iptal talebiniz onaylanmadı"),
            format!(
                "İş ortağınız {order_number} numaralı iptal siparişini reddetti: {product_name} aboneliği aktif \
                 kalıyor. Aboneliği yine de iptal etmek istiyorsanız iş ortağınızla iletişime geçin."
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(from_quantity: i32, to_quantity: i32, charge: Decimal, refund: Decimal) -> LicenceChange<'static> {
        LicenceChange {
            order_number: 1207,
            product_name: "Microsoft 365 E3",
            customer_name: "Acme Ltd",
            from_quantity,
            to_quantity,
            charge,
            refund,
            currency: crate::domain::Currency::USD,
        }
    }

    #[test]
    fn an_increase_tells_the_counts_and_the_charge() {
        let mail = change_requested(Locale::En, &change(10, 25, Decimal::new(123456, 2), Decimal::ZERO));
        assert_eq!(mail.subject, "Change order 1207: Microsoft 365 E3 for Acme Ltd");
        assert_eq!(
            mail.body,
            "Acme Ltd changes Microsoft 365 E3 from 10 to 25 licences (order 1207). It is being provisioned now. \
             Charged for the rest of the term: 1,234.56 USD."
        );
        assert!(!mail.body.contains("Refunded"));
    }

    #[test]
    fn a_decrease_tells_the_refund() {
        let mail = change_requested(Locale::En, &change(25, 10, Decimal::ZERO, Decimal::new(4050, 2)));
        assert!(mail.body.contains("from 25 to 10 licences (order 1207)"), "{}", mail.body);
        assert!(mail.body.ends_with(" Refunded for the rest of the term: 40.50 USD."), "{}", mail.body);
        assert!(!mail.body.contains("Charged"));
    }

    #[test]
    fn nothing_to_settle_says_no_amount() {
        let mail = change_requested(Locale::En, &change(25, 10, Decimal::ZERO, Decimal::ZERO));
        assert!(mail.body.ends_with("It is being provisioned now."), "{}", mail.body);
    }

    #[test]
    fn a_cancellation_within_the_window_tells_the_refund() {
        let refund = Refund::Prorated { amount: Decimal::new(9999, 2), unused_days: 27, term_days: 30 };
        let mail = cancellation_requested(
            Locale::En,
            1301,
            "Microsoft 365 E3",
            "Acme Ltd",
            12,
            &[],
            refund,
            crate::domain::Currency::USD,
        );
        assert_eq!(mail.subject, "Cancellation Order 1301: Microsoft 365 E3 for Acme Ltd");
        assert_eq!(
            mail.body,
            "Acme Ltd asks to cancel Microsoft 365 E3 (12 licences).\nWithin 7 days of purchase or renewal: 99.99 USD is \
             refunded (27 unused days of 30).\n\nOpen the order under Billing → Orders and press “Open Order” to \
             approve it, or reject it."
        );
        assert!(!mail.body.contains("add-ons"));
    }

    #[test]
    fn a_late_cancellation_refunds_nothing_and_lists_the_addons() {
        let mail = cancellation_requested(
            Locale::En,
            1302,
            "Microsoft 365 E3",
            "Acme Ltd",
            5,
            &["Teams Phone", "Audio Conferencing"],
            Refund::None,
            crate::domain::Currency::EUR,
        );
        assert!(
            mail.body.starts_with(
                "Acme Ltd asks to cancel Microsoft 365 E3 (5 licences).\nIts add-ons are cancelled with it: Teams \
                 Phone, Audio Conferencing.\nMore than 7 days after purchase or renewal: no refund, the full term \
                 stays billed.\n\n"
            ),
            "{}",
            mail.body
        );
        assert!(!mail.body.contains("EUR"));
    }

    #[test]
    fn a_rejected_cancellation_tells_the_customer_it_stays() {
        let mail = cancellation_rejected(Locale::En, 1301, "Microsoft 365 E3");
        assert_eq!(mail.subject, "Your cancellation of Microsoft 365 E3 was not approved");
        assert_eq!(
            mail.body,
            "Your partner rejected cancellation order 1301: Microsoft 365 E3 stays active. Contact your partner if you \
             still want to cancel it."
        );
    }

    #[test]
    fn every_subscription_mail_reads_in_turkish_with_all_its_values() {
        let usd = crate::domain::Currency::USD;
        let (charge, refund) = (Decimal::new(123456, 2), Decimal::new(4050, 2));
        for (licence_change, amount) in [
            (change(10, 25, charge, Decimal::ZERO), Some(crate::domain::Money::new(charge, usd).in_locale(Locale::Tr))),
            (change(25, 10, Decimal::ZERO, refund), Some(crate::domain::Money::new(refund, usd).in_locale(Locale::Tr))),
            (change(25, 10, Decimal::ZERO, Decimal::ZERO), None),
        ] {
            let tr = change_requested(Locale::Tr, &licence_change);
            let counts = [licence_change.from_quantity.to_string(), licence_change.to_quantity.to_string()];
            let mut values = vec!["1207", "Microsoft 365 E3", "Acme Ltd", counts[0].as_str(), counts[1].as_str()];
            values.extend(amount.as_deref());
            tr.assert_translates(&change_requested(Locale::En, &licence_change), &values);
            assert!(tr.subject.contains("1207") && tr.subject.contains("Acme Ltd"), "{}", tr.subject);
            assert_eq!(tr.body.contains("tutar:"), amount.is_some(), "{}", tr.body);
        }

        let prorated = Refund::Prorated { amount: Decimal::new(9999, 2), unused_days: 27, term_days: 30 };
        let addons = ["Teams Phone", "Audio Conferencing"];
        for (addons, refund) in [(&[][..], prorated), (&addons[..], Refund::None)] {
            let mail =
                |locale| cancellation_requested(locale, 1301, "Microsoft 365 E3", "Acme Ltd", 12, addons, refund, usd);
            let tr = mail(Locale::Tr);
            let mut values = vec!["Microsoft 365 E3", "Acme Ltd", "12 lisans", "“Siparişi Onayla (Open Order)”"];
            let money = crate::domain::Money::new(Decimal::new(9999, 2), usd).in_locale(Locale::Tr);
            if refund == prorated {
                values.extend([money.as_str(), "27", "30"]);
            }
            values.extend(addons);
            tr.assert_translates(&mail(Locale::En), &values);
            assert!(tr.subject.contains("1301") && tr.subject.contains("Microsoft 365 E3"), "{}", tr.subject);
            assert!(tr.subject.contains("Acme Ltd"), "{}", tr.subject);
        }

        let tr = cancellation_rejected(Locale::Tr, 1301, "Microsoft 365 E3");
        tr.assert_translates(
            &cancellation_rejected(Locale::En, 1301, "Microsoft 365 E3"),
            &["1301", "Microsoft 365 E3"],
        );
        assert!(tr.subject.contains("Microsoft 365 E3"), "{}", tr.subject);
    }
}
