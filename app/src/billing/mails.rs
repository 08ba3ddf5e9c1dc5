//! The mails of an order over the partner's available credit, whatever its kind (a sale at
//! checkout, a licence increase in the portal): the partner's, and the one every credit controller
//! gets; and the notice of a renewal at a new list price (issue #19). Pure functions; amounts come
//! formatted, in the partner's currency.
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

#[cfg(feature = "ssr")]
/// The renewal a price notice is about: amounts come formatted in the reader's language.
pub struct RenewalPrice<'a> {
    pub product: &'a str,
    pub customer: &'a str,
    /// The day the new term starts (the current term's end).
    pub renews_on: time::Date,
    pub licences: i32,
    pub option: crate::i18n::Msg,
    /// Per licence per charge, this term and the next.
    pub old_unit: String,
    pub new_unit: String,
    /// For the licences renewing, per charge.
    pub old_amount: String,
    pub new_amount: String,
}

#[cfg(feature = "ssr")]
/// To the partner and the customer's contact, 30 days ahead: a subscription renews at a new
/// list price (Microsoft's price changed since its term began). Sent once per renewal.
pub fn renewal_price_change(locale: Locale, r: &RenewalPrice<'_>) -> MailText {
    let day = crate::components::date_in(r.renews_on, locale);
    let option = r.option.text(locale);
    let (product, customer, licences) = (r.product, r.customer, r.licences);
    let (old_unit, new_unit, old_amount, new_amount) = (&r.old_unit, &r.new_unit, &r.old_amount, &r.new_amount);
    match locale {
        Locale::En => MailText::new(
            format!("{product} renews on {day} at a new price"),
            format!(
                "{customer}'s {product} subscription ({option}) renews on {day} at the price in effect that day: \
                 {new_unit} per licence instead of {old_unit}. For the {licences} licence(s) renewing, that is \
                 {new_amount} instead of {old_amount} per charge. The price then holds for the whole new term. To \
                 change the licence count or turn auto-renew off before the renewal, manage the subscription in \
                 the customer portal."
            ),
        ),
        Locale::Tr => MailText::new(
            format!("{product} aboneliği {day} tarihinde yeni fiyatla yenilenecek"),
            format!(
                "{customer} müşterisinin {product} aboneliği ({option}) {day} tarihinde o gün geçerli fiyatla \
                 yenilenecek: lisans başına {old_unit} yerine {new_unit}. Yenilenecek lisans sayısı {licences}; \
                 her faturalamada tutar {old_amount} yerine {new_amount} olacak. Bu fiyat yeni dönem boyunca \
                 sabit kalır. Yenilemeden önce lisans sayısını değiştirmek veya otomatik yenilemeyi kapatmak için \
                 aboneliği müşteri portalından yönetin."
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

    #[cfg(feature = "ssr")]
    #[test]
    fn a_renewal_price_notice_names_both_prices_in_either_language() {
        let renewal = RenewalPrice {
            product: "Microsoft 365 Business Basic",
            customer: "Contoso Ltd",
            renews_on: time::macros::date!(2027 - 02 - 01),
            licences: 10,
            option: crate::i18n::Msg::Annual,
            old_unit: "72.00 USD".into(),
            new_unit: "79.20 USD".into(),
            old_amount: "720.00 USD".into(),
            new_amount: "792.00 USD".into(),
        };
        let en = renewal_price_change(Locale::En, &renewal);
        assert_eq!(en.subject, "Microsoft 365 Business Basic renews on 1 Feb 2027 at a new price");
        assert!(en.body.contains("79.20 USD per licence instead of 72.00 USD"), "{}", en.body);
        assert!(en.body.contains("792.00 USD instead of 720.00 USD"), "{}", en.body);
        let tr = renewal_price_change(Locale::Tr, &renewal);
        tr.assert_translates(&en, &["Microsoft 365 Business Basic", "Contoso Ltd", "72.00 USD", "792.00 USD"]);
        assert!(tr.subject.contains("01.02.2027") && tr.body.contains("Yıllık"), "{}", tr.body);
    }
}
