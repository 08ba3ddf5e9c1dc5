//! The mails placing an order causes, as pure functions (queued by `place_order` in the order's
//! own transaction). Amounts come formatted, in the partner's currency.

use crate::notifications::MailText;

/// To the partner: its order went over the available credit and waits for credit control.
pub fn awaiting_credit_approval(
    order_number: crate::domain::OrderNumber,
    customer: &str,
    committed: &str,
    available: &str,
) -> MailText {
    MailText::new(
        format!("Order {order_number} awaits credit approval"),
        format!(
            "Order {order_number} for {customer} commits {committed}, more than your available marketplace credit \
             ({available}). Our credit control team will approve or reject it; you will get an e-mail \
             either way. Nothing is provisioned until then."
        ),
    )
}

/// To every credit controller: an order to approve or reject.
pub fn credit_approval_needed(
    order_number: crate::domain::OrderNumber,
    customer: &str,
    committed: &str,
    available: &str,
) -> MailText {
    MailText::new(
        format!("Credit approval needed: order {order_number}"),
        format!(
            "Order {order_number} for {customer} commits {committed}; the partner has {available} available. \
             Approve or reject it in the back office under Orders."
        ),
    )
}

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
    fn an_order_over_credit_tells_the_partner_and_credit_control_what_it_commits() {
        let partner =
            awaiting_credit_approval(crate::domain::OrderNumber(100042), "Fabrikam", "$6,000.00", "$1,500.00");
        assert_eq!(partner.subject, "Order 100042 awaits credit approval");
        assert!(partner.body.contains("Fabrikam") && partner.body.contains("$6,000.00"));
        assert!(partner.body.contains("($1,500.00)") && partner.body.contains("Nothing is provisioned"));
        let staff = credit_approval_needed(crate::domain::OrderNumber(100042), "Fabrikam", "$6,000.00", "$1,500.00");
        assert_eq!(staff.subject, "Credit approval needed: order 100042");
        assert!(staff.body.contains("the partner has $1,500.00 available") && staff.body.contains("back office"));
    }

    #[test]
    fn a_received_order_states_its_total_with_kdv() {
        let mail = order_received(crate::domain::OrderNumber(100043), "Contoso", "$8.64");
        assert_eq!(mail.subject, "Order 100043 received");
        assert!(mail.body.contains("order 100043 for Contoso ($8.64 including KDV"));
    }
}
