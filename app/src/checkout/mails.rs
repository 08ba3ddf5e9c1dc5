//! The mails placing an order causes, as pure functions (queued by `place_order` in the order's
//! own transaction). Amounts come formatted, in the partner's currency. An order over the credit
//! sends the credit mails every order kind shares (`billing::mails`).

use crate::{i18n::Locale, notifications::MailText};

/// To the partner: the order is in and goes to provisioning.
pub fn order_received(
    locale: Locale,
    order_number: crate::domain::OrderNumber,
    customer: &str,
    total: &str,
) -> MailText {
    match locale {
        Locale::En => MailText::new(
            format!("Order {order_number} received"),
            format!(
                "We received order {order_number} for {customer} ({total} including KDV, payment by wire transfer). \
                 Provisioning at Microsoft starts shortly; the order page shows its progress."
            ),
        ),
        // "Havale/EFT" is how the Turkish checkout names the wire transfer payment method.
        Locale::Tr => MailText::new(
            format!("{order_number} numaralı siparişiniz alındı"),
            format!(
                "{customer} için verdiğiniz {order_number} numaralı siparişi aldık (KDV dahil {total}, ödeme \
                 Havale/EFT ile). Microsoft'ta provizyon kısa süre içinde başlayacak; ilerlemeyi sipariş sayfasından \
                 takip edebilirsiniz."
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_received_order_states_its_total_with_kdv() {
        let mail = order_received(Locale::En, crate::domain::OrderNumber(100043), "Contoso", "$8.64");
        assert_eq!(mail.subject, "Order 100043 received");
        assert!(mail.body.contains("order 100043 for Contoso ($8.64 including KDV"));
    }

    #[test]
    fn a_received_order_reads_in_turkish_with_all_its_values() {
        let en = order_received(Locale::En, crate::domain::OrderNumber(100043), "Contoso", "$8.64");
        let tr = order_received(Locale::Tr, crate::domain::OrderNumber(100043), "Contoso", "$8.64");
        tr.assert_translates(&en, &["100043", "Contoso", "$8.64", "KDV"]);
        assert!(tr.subject.contains("100043"), "{}", tr.subject);
    }
}
