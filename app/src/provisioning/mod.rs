//! Provisioning: an order's named steps at the vendor, their progress, and the failure with its
//! reason and fix.

mod live_alerts;
pub mod mails;
mod progress;
#[cfg(feature = "ssr")]
pub mod progress_stream;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use live_alerts::LiveAlerts;
pub use progress::InFlightMeter;

pub use crate::domain::ProvisioningStep;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[cfg(feature = "ssr")]
pub use crate::partner_center::explain;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressView {
    pub step: ProvisioningStep,
    pub percent: i32,
    pub recorded_at: OffsetDateTime,
}

/// An order still on its way, as lists show it: its number and where provisioning stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
pub struct InFlight {
    pub order_number: i64,
    pub status: crate::domain::OrderStatus,
    /// The latest step of the current run; none before a worker took the order.
    pub step: Option<ProvisioningStep>,
    pub percent: i32,
}

/// Why provisioning stopped, in words, with Partner Center's code and the one action that fixes it.
/// Worded when the order is read, from what the order keeps (the code and Partner Center's
/// description), so it reads in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub code: Option<i64>,
    pub reason: crate::i18n::Text,
    pub fix: crate::i18n::Text,
}

/// What a change order was changing, for the fix of its failure.
#[cfg(feature = "ssr")]
pub struct ChangeFacts<'a> {
    pub product_name: &'a str,
    pub from_quantity: i32,
}

/// The failure of an order from what it keeps: a sale's fix is the corrected resubmission; a
/// change (or cancellation) changed nothing at Microsoft and is asked for again.
#[cfg(feature = "ssr")]
pub fn failure(code: Option<i64>, detail: &str, change: Option<ChangeFacts<'_>>) -> Failure {
    use crate::i18n::Say;
    let vendor_code = code.unwrap_or_default();
    let (reason, fix) = explain(vendor_code, detail);
    let (reason, fix) = match change {
        None => (reason, fix),
        Some(facts) => (
            if vendor_code == crate::partner_center::codes::QUANTITY_DECREASE_WINDOW_PASSED {
                Say::RefusedDecreaseWindow
            } else {
                reason
            },
            Say::ChangeFailedFix { product: facts.product_name.to_owned(), count: facts.from_quantity },
        ),
    };
    Failure { code, reason: reason.into(), fix: fix.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_says_why_and_what_fixes_it() {
        for code in [800015, 800016, 900123, 20002, 60003, 13605, 503, 409, 12345] {
            let (reason, fix) = explain(code, "described");
            assert!(!reason.to_string().is_empty(), "{code}");
            assert!(fix.to_string().contains("Resubmit for Provisioning"), "{code}");
            assert!(fix.render(crate::i18n::Locale::Tr).contains("Provizyon için Yeniden Gönder"), "{code}");
        }
        assert!(explain(800015, "").0.to_string().contains("800015"));
        assert!(explain(12345, "described").0.to_string().contains("12345"));
    }

    #[test]
    fn a_failed_change_is_asked_for_again_rather_than_resubmitted() {
        let facts = ChangeFacts { product_name: "Microsoft 365 Business Basic", from_quantity: 12 };
        let failed = failure(Some(800090), "window", Some(facts));
        assert!(failed.reason.to_string().contains("168 hours"), "{}", failed.reason);
        assert_eq!(
            failed.fix.to_string(),
            "Nothing changed at Microsoft: Microsoft 365 Business Basic keeps 12 licences. Once the cause is dealt with, \
             ask for the change again."
        );
        assert!(failed.fix.render(crate::i18n::Locale::Tr).contains("12 lisans"));
    }

    #[test]
    fn progress_only_moves_forward() {
        let steps = [
            ProvisioningStep::Validating,
            ProvisioningStep::VerifyingRelationship,
            ProvisioningStep::AcceptingAgreement,
            ProvisioningStep::CreatingSubscriptions,
            ProvisioningStep::AssigningLicences,
            ProvisioningStep::Completed,
        ];
        assert!(steps.windows(2).all(|w| w[0].percent() < w[1].percent()));
    }
}
