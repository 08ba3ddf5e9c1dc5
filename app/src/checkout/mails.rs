//! The mails placing an order causes, as pure functions (queued by `place_order` in the order's
//! own transaction). Amounts come formatted, in the partner's currency. An order over the credit
//! sends the credit mails every order kind shares (`billing::mails`).

use crate::notifications::MailText;

/// To the partner: the order is in and goes to provisioning.
pub fn order_received(order_number: crate::domain::OrderNumber, customer: &str, total: &str) -> MailText {
    MailText::new(
        format!("Order {order_number} received"),
        format!(
            "We received order {order_number} for {customer} ({total} including KDV, payment by wire transfer). \
             Provisioning at Microsoft starts shortly; the order page shows its progress."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_received_order_states_its_total_with_kdv() {
        let mail = order_received(crate::domain::OrderNumber(100043), "Contoso", "$8.64");
        assert_eq!(mail.subject, "Order 100043 received");
        assert!(mail.body.contains("order 100043 for Contoso ($8.64 including KDV"));
    }
}
