//! The mails of credit control's decision on an order, as pure functions of what they say.

use crate::notifications::MailText;

/// To the partner's orderer: credit control approved the order, provisioning starts.
pub fn credit_approved(order_number: crate::domain::OrderNumber, customer_name: &str, note: Option<&str>) -> MailText {
    MailText::new(
        format!("Order {order_number} approved by credit control"),
        format!(
            "Credit control approved order {order_number} for {customer_name}. Provisioning at Microsoft starts shortly.{}",
            note.map(|r| format!("\n\nNote: {r}")).unwrap_or_default()
        ),
    )
}

/// To the partner's orderer: credit control rejected the order, nothing was provisioned.
pub fn credit_rejected(
    order_number: crate::domain::OrderNumber,
    customer_name: &str,
    reason: Option<&str>,
) -> MailText {
    MailText::new(
        format!("Order {order_number} rejected by credit control"),
        format!(
            "Credit control rejected order {order_number} for {customer_name}.\n\nReason: {}\n\nNothing was provisioned or \
             charged. Contact credit control to raise your limit, or order a smaller quantity.",
            reason.unwrap_or_default()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approval_names_the_order_and_customer() {
        let mail = credit_approved(crate::domain::OrderNumber(1042), "Acme Ltd", None);
        assert_eq!(mail.subject, "Order 1042 approved by credit control");
        assert_eq!(
            mail.body,
            "Credit control approved order 1042 for Acme Ltd. Provisioning at Microsoft starts shortly."
        );
        assert!(!mail.body.contains("Note:"));
    }

    #[test]
    fn approval_carries_the_note_only_when_given() {
        let mail = credit_approved(crate::domain::OrderNumber(1042), "Acme Ltd", Some("Limit raised for Q3"));
        assert!(mail.body.ends_with("starts shortly.\n\nNote: Limit raised for Q3"), "{}", mail.body);
    }

    #[test]
    fn rejection_gives_the_reason_and_what_to_do() {
        let mail = credit_rejected(crate::domain::OrderNumber(7), "Beta Bilişim", Some("Over the limit"));
        assert_eq!(mail.subject, "Order 7 rejected by credit control");
        assert_eq!(
            mail.body,
            "Credit control rejected order 7 for Beta Bilişim.\n\nReason: Over the limit\n\nNothing was provisioned or \
             charged. Contact credit control to raise your limit, or order a smaller quantity."
        );
    }

    #[test]
    fn rejection_without_a_reason_leaves_it_blank() {
        let mail = credit_rejected(crate::domain::OrderNumber(7), "Beta", None);
        assert!(mail.body.contains("\n\nReason: \n\nNothing was provisioned or charged."), "{}", mail.body);
    }
}
