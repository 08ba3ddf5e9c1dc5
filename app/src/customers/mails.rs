//! The mails about a customer's GDAP relationship, as pure functions of what they say. The Turkish
//! texts put each value where no case suffix has to follow it.

use crate::{i18n::Locale, notifications::MailText};

/// To the partner's admins, 30, 7 and 1 days before a GDAP relationship without auto-extend ends:
/// after the end it cannot be restored, only requested anew (and approved again by the customer).
pub fn gdap_ending(locale: Locale, customer_name: &str, days: i32, ends_on: &str) -> MailText {
    match locale {
        Locale::En => MailText::new(
            format!("GDAP for {customer_name} ends in {days} days"),
            format!(
                "Your delegated admin (GDAP) relationship with {customer_name} ends on {ends_on} and does not \
                 auto-extend. After it ends it cannot be restored: request a new one for the customer's Global \
                 admin to approve before then: Control Panel → Customers → {customer_name}."
            ),
        ),
        Locale::Tr => MailText::new(
            format!("GDAP bitişine {days} gün: {customer_name}"),
            format!(
                "Müşteri: {customer_name}. Yetkilendirilmiş yönetici (GDAP) ilişkiniz şu tarihte bitiyor ve otomatik \
                 uzamıyor: {ends_on}. Bittikten sonra geri getirilemez: o tarihten önce, müşterinin Genel Yöneticisinin \
                 onaylaması için yenisini talep edin: Kontrol Paneli → Müşteriler → {customer_name}."
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_says_when_and_where_in_both_languages() {
        let en = gdap_ending(Locale::En, "Contoso Ltd", 7, "14 Dec 2026");
        assert!(
            en.subject.contains("7 days")
                && en.body.contains("14 Dec 2026")
                && en.body.contains("Customers → Contoso Ltd")
        );
        let tr = gdap_ending(Locale::Tr, "Contoso Ltd", 7, "14.12.2026");
        tr.assert_translates(&en, &["Contoso Ltd", "14.12.2026"]);
    }
}
