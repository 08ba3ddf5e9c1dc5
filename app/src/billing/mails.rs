//! The mails of an order over the partner's available credit, whatever its kind (a sale at
//! checkout, a licence increase in the portal): the partner's, and the one every credit controller
//! gets. Pure functions; amounts come formatted, in the partner's currency.

use crate::notifications::MailText;

/// To the partner: its order (a sale, or a licence increase) went over the available credit and
/// waits for credit control.
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
}
