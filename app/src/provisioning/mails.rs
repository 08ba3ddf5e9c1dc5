//! The mails provisioning sends when an order completes or fails at the vendor, as pure
//! functions of what they say.

use crate::notifications::{MailText, SECRET_SLOT};

/// Who a completion mail is for, which decides what it says about a new tenant's password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordNote {
    /// An existing tenant: there is no password.
    None,
    /// To the partner: the password went to the customer's contact, and "View Password" shows
    /// it once; it is never in the partner's mail.
    Elsewhere,
    /// To the partner, for a customer without a contact address: "View Password" only.
    ViewOnly,
    /// To the customer's contact: the password itself, in the [`SECRET_SLOT`].
    Enclosed,
}

/// To the partner and the customer's contact: a new order's licences are live on the tenant,
/// and for a tenant the order created, how its administrator signs in.
pub fn order_provisioned(order_number: i64, customer_name: &str, tenant_domain: &str, note: PasswordNote) -> MailText {
    let mut body =
        format!("Order {order_number} for {customer_name} is provisioned: its licences are active on {tenant_domain}.");
    match note {
        PasswordNote::None => {}
        PasswordNote::Elsewhere => body.push_str(&format!(
            "\n\nThe new tenant's administrator is admin@{tenant_domain}. Its one-time password was e-mailed to the \
             customer's contact; the order page shows it to you once with \"View Password\"."
        )),
        PasswordNote::ViewOnly => body.push_str(&format!(
            "\n\nThe new tenant's administrator is admin@{tenant_domain}; the order page shows its one-time password to \
             you once with \"View Password\"."
        )),
        PasswordNote::Enclosed => body.push_str(&format!(
            "\n\nThe new tenant's administrator signs in as admin@{tenant_domain} with the one-time \
             password {SECRET_SLOT} and chooses a new one at the first sign-in."
        )),
    }
    MailText::new(format!("Order {order_number} completed"), body)
}

/// To the partner: the order failed at the vendor, with the reason and what to do about it.
pub fn provisioning_failed(order_number: i64, customer_name: &str, reason: &str, fix: &str) -> MailText {
    MailText::new(
        format!("Order {order_number} could not be provisioned"),
        format!("Order {order_number} for {customer_name}: {reason}\n\nWhat to do: {fix}"),
    )
}

/// To the partner and the customer's contact: a cancellation order went through at the vendor.
pub fn subscription_cancelled(order_number: i64, product_name: &str, customer_name: &str) -> MailText {
    MailText::new(
        format!("Order {order_number}: {product_name} cancelled"),
        format!("{product_name} for {customer_name} is cancelled at Microsoft (order {order_number})."),
    )
}

/// To the partner and the customer's contact: a change order set the new licence count.
pub fn licences_changed(
    order_number: i64,
    product_name: &str,
    customer_name: &str,
    from_quantity: i32,
    to_quantity: i32,
) -> MailText {
    MailText::new(
        format!("Order {order_number}: {product_name} now has {to_quantity} licences"),
        format!(
            "{product_name} for {customer_name} changed from {from_quantity} to {to_quantity} licences at Microsoft \
             (order {order_number})."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::initial_domain;

    #[test]
    fn provisioned_names_the_order_customer_and_tenant() {
        let domain = initial_domain("acmeltd");
        let mail = order_provisioned(1042, "Acme Ltd", &domain, PasswordNote::None);
        assert_eq!(mail.subject, "Order 1042 completed");
        assert_eq!(
            mail.body,
            "Order 1042 for Acme Ltd is provisioned: its licences are active on acmeltd.onmicrosoft.com."
        );
    }

    #[test]
    fn provisioned_tells_the_password_only_for_a_new_tenant() {
        let domain = initial_domain("acmeltd");
        let without = order_provisioned(1042, "Acme Ltd", &domain, PasswordNote::None);
        assert!(!without.body.contains("password"), "{}", without.body);
        assert!(!without.body.contains("admin@"), "{}", without.body);

        let with = order_provisioned(1042, "Acme Ltd", &domain, PasswordNote::Enclosed);
        assert_eq!(with.subject, without.subject);
        assert!(with.body.starts_with(&without.body), "{}", with.body);
        assert!(
            with.body.ends_with(
                "\n\nThe new tenant's administrator signs in as admin@acmeltd.onmicrosoft.com with the one-time \
                 password ⟦secret⟧ and chooses a new one at the first sign-in."
            ),
            "{}",
            with.body
        );

        let partner = order_provisioned(1042, "Acme Ltd", &domain, PasswordNote::Elsewhere);
        assert!(partner.body.contains("e-mailed to the customer's contact") && partner.body.contains("View Password"));
        assert!(!partner.body.contains(SECRET_SLOT), "the partner's mail never carries the password");
    }

    #[test]
    fn failure_gives_the_reason_and_the_fix() {
        let mail = provisioning_failed(
            88,
            "Beta A.Ş.",
            "The domain is already taken (800002).",
            "Resubmit with another prefix.",
        );
        assert_eq!(mail.subject, "Order 88 could not be provisioned");
        assert_eq!(
            mail.body,
            "Order 88 for Beta A.Ş.: The domain is already taken (800002).\n\nWhat to do: Resubmit with another prefix."
        );
    }

    #[test]
    fn cancellation_names_the_product_customer_and_order() {
        let mail = subscription_cancelled(91, "Microsoft 365 Business Basic", "Acme Ltd");
        assert_eq!(mail.subject, "Order 91: Microsoft 365 Business Basic cancelled");
        assert_eq!(mail.body, "Microsoft 365 Business Basic for Acme Ltd is cancelled at Microsoft (order 91).");
    }

    #[test]
    fn change_gives_both_licence_counts() {
        let mail = licences_changed(92, "Microsoft 365 E3", "Acme Ltd", 10, 25);
        assert_eq!(mail.subject, "Order 92: Microsoft 365 E3 now has 25 licences");
        assert_eq!(mail.body, "Microsoft 365 E3 for Acme Ltd changed from 10 to 25 licences at Microsoft (order 92).");
    }
}
