//! The mails of an order over the partner's available credit, whatever its kind (a sale at
//! checkout, a licence increase in the portal): the partner's, and the one every credit controller
//! gets. Pure functions; amounts come formatted, in the partner's currency.
//!
//! The Turkish texts put each value where no case suffix has to follow it ("{n} numaralı
//! sipariş", "… için"): a suffix after a name or a number would need its vowel harmony, which the
//! template cannot know.

use crate::{i18n::Locale, notifications::MailText};

/// To the partner: its order (a sale, or a licence increase) went over the available credit and
/// waits for credit control.
pub fn awaiting_credit_approval(
    locale: Locale,
    order_number: crate::domain::OrderNumber,
    customer: &str,
    committed: &str,
    available: &str,
) -> MailText {
    match locale {
        Locale::En => MailText::new(
            format!("Order {order_number} awaits credit approval"),
            format!(
                "Order {order_number} for {customer} commits {committed}, more than your available marketplace credit \
                 ({available}). Our credit control team will approve or reject it; you will get an e-mail \
                 either way. Nothing is provisioned until then."
            ),
        ),
        Locale::Tr => MailText::new(
            format!("{order_number} numaralı sipariş kredi onayı bekliyor"),
            format!(
                "{customer} müşterisine ait {order_number} numaralı siparişin taahhüt tutarı {committed}; bu tutar \
                 kullanılabilir marketplace kredinizi ({available}) aşıyor. Kredi kontrol ekibimiz siparişi onaylayacak \
                 veya reddedecek; her iki durumda da size e-posta ile bilgi verilecek. O zamana kadar provizyon \
                 yapılmaz."
            ),
        ),
    }
}

/// To every credit controller: an order to approve or reject.
pub fn credit_approval_needed(
    locale: Locale,
    order_number: crate::domain::OrderNumber,
    customer: &str,
    committed: &str,
    available: &str,
) -> MailText {
    match locale {
        Locale::En => MailText::new(
            format!("Credit approval needed: order {order_number}"),
            format!(
                "Order {order_number} for {customer} commits {committed}; the partner has {available} available. \
                 Approve or reject it in the back office under Orders."
            ),
        ),
        // "Yönetim paneli" and "Siparişler" are the Turkish UI's names of the back office and
        // its Orders page, so the controller finds them as written.
        Locale::Tr => MailText::new(
            format!("Kredi onayı gerekiyor: {order_number} numaralı sipariş"),
            format!(
                "{customer} müşterisine ait {order_number} numaralı siparişin taahhüt tutarı {committed}; iş ortağının \
                 kullanılabilir kredisi {available}. Siparişi Yönetim panelindeki Siparişler bölümünden onaylayın veya \
                 reddedin."
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_over_credit_tells_the_partner_and_credit_control_what_it_commits() {
        let partner = awaiting_credit_approval(
            Locale::En,
            crate::domain::OrderNumber(100042),
            "Fabrikam",
            "$6,000.00",
            "$1,500.00",
        );
        assert_eq!(partner.subject, "Order 100042 awaits credit approval");
        assert!(partner.body.contains("Fabrikam") && partner.body.contains("$6,000.00"));
        assert!(partner.body.contains("($1,500.00)") && partner.body.contains("Nothing is provisioned"));
        let staff = credit_approval_needed(
            Locale::En,
            crate::domain::OrderNumber(100042),
            "Fabrikam",
            "$6,000.00",
            "$1,500.00",
        );
        assert_eq!(staff.subject, "Credit approval needed: order 100042");
        assert!(staff.body.contains("the partner has $1,500.00 available") && staff.body.contains("back office"));
    }

    #[test]
    fn every_credit_mail_reads_in_turkish_with_all_its_values() {
        let templates: [fn(Locale, crate::domain::OrderNumber, &str, &str, &str) -> MailText; 2] =
            [awaiting_credit_approval, credit_approval_needed];
        for template in templates {
            let en = template(Locale::En, crate::domain::OrderNumber(100042), "Fabrikam", "$6,000.00", "$1,500.00");
            let tr = template(Locale::Tr, crate::domain::OrderNumber(100042), "Fabrikam", "$6,000.00", "$1,500.00");
            tr.assert_translates(&en, &["100042", "Fabrikam", "$6,000.00", "$1,500.00"]);
            assert!(tr.subject.contains("100042"), "{}", tr.subject);
        }
    }
}
