//! The mails of credit control's decision on an order, as pure functions of what they say.
//!
//! The Turkish texts put each value where no case suffix has to follow it ("{n} numaralı
//! sipariş", "… için"): a suffix after a name or a number would need its vowel harmony, which the
//! template cannot know.

use crate::{i18n::Locale, notifications::MailText};

/// To the partner's orderer: credit control approved the order, provisioning starts.
pub fn credit_approved(
    locale: Locale,
    order_number: crate::domain::OrderNumber,
    customer_name: &str,
    note: Option<&str>,
) -> MailText {
    match locale {
        Locale::En => MailText::new(
            format!("Order {order_number} approved by credit control"),
            format!(
                "Credit control approved order {order_number} for {customer_name}. Provisioning at Microsoft starts shortly.{}",
                note.map(|r| format!("\n\nNote: {r}")).unwrap_or_default()
            ),
        ),
        Locale::Tr => MailText::new(
            format!("{order_number} numaralı sipariş kredi kontrol tarafından onaylandı"),
            format!(
                "Kredi kontrol ekibimiz, {customer_name} için verilen {order_number} numaralı siparişi onayladı. \
                 Microsoft'ta provizyon kısa süre içinde başlayacak.{}",
                note.map(|r| format!("\n\nNot: {r}")).unwrap_or_default()
            ),
        ),
    }
}

/// To the partner's orderer: credit control rejected the order, nothing was provisioned.
pub fn credit_rejected(
    locale: Locale,
    order_number: crate::domain::OrderNumber,
    customer_name: &str,
    reason: Option<&str>,
) -> MailText {
    match locale {
        Locale::En => MailText::new(
            format!("Order {order_number} rejected by credit control"),
            format!(
                "Credit control rejected order {order_number} for {customer_name}.\n\nReason: {}\n\nNothing was provisioned or \
                 charged. Contact credit control to raise your limit, or order a smaller quantity.",
                reason.unwrap_or_default()
            ),
        ),
        Locale::Tr => MailText::new(
            format!("{order_number} numaralı sipariş kredi kontrol tarafından reddedildi"),
            format!(
                "Kredi kontrol ekibimiz, {customer_name} için verilen {order_number} numaralı siparişi reddetti.\n\n\
                 Gerekçe: {}\n\nHiçbir provizyon yapılmadı ve herhangi bir ücret yansıtılmadı. Limitinizin artırılması \
                 için kredi kontrol ekibimizle iletişime geçebilir ya da daha az adetle sipariş verebilirsiniz.",
                reason.unwrap_or_default()
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approval_names_the_order_and_customer() {
        let mail = credit_approved(Locale::En, crate::domain::OrderNumber(1042), "Acme Ltd", None);
        assert_eq!(mail.subject, "Order 1042 approved by credit control");
        assert_eq!(
            mail.body,
            "Credit control approved order 1042 for Acme Ltd. Provisioning at Microsoft starts shortly."
        );
        assert!(!mail.body.contains("Note:"));
    }

    #[test]
    fn approval_carries_the_note_only_when_given() {
        let mail =
            credit_approved(Locale::En, crate::domain::OrderNumber(1042), "Acme Ltd", Some("Limit raised for Q3"));
        assert!(mail.body.ends_with("starts shortly.\n\nNote: Limit raised for Q3"), "{}", mail.body);
    }

    #[test]
    fn rejection_gives_the_reason_and_what_to_do() {
        let mail = credit_rejected(Locale::En, crate::domain::OrderNumber(7), "Beta Bilişim", Some("Over the limit"));
        assert_eq!(mail.subject, "Order 7 rejected by credit control");
        assert_eq!(
            mail.body,
            "Credit control rejected order 7 for Beta Bilişim.\n\nReason: Over the limit\n\nNothing was provisioned or \
             charged. Contact credit control to raise your limit, or order a smaller quantity."
        );
    }

    #[test]
    fn rejection_without_a_reason_leaves_it_blank() {
        let mail = credit_rejected(Locale::En, crate::domain::OrderNumber(7), "Beta", None);
        assert!(mail.body.contains("\n\nReason: \n\nNothing was provisioned or charged."), "{}", mail.body);
    }

    #[test]
    fn every_decision_mail_reads_in_turkish_with_all_its_values() {
        let templates: [fn(Locale, crate::domain::OrderNumber, &str, Option<&str>) -> MailText; 2] =
            [credit_approved, credit_rejected];
        for template in templates {
            for text in [None, Some("Limit Q3 için artırıldı")] {
                let en = template(Locale::En, crate::domain::OrderNumber(1042), "Beta Bilişim", text);
                let tr = template(Locale::Tr, crate::domain::OrderNumber(1042), "Beta Bilişim", text);
                let values: Vec<&str> = ["1042", "Beta Bilişim"].into_iter().chain(text).collect();
                tr.assert_translates(&en, &values);
                assert!(tr.subject.contains("1042"), "{}", tr.subject);
            }
        }
    }
}
