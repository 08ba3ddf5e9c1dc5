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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub code: Option<i64>,
    pub reason: String,
    pub fix: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_says_why_and_what_fixes_it() {
        for code in [800015, 800016, 900123, 20002, 60003, 13605, 503, 409, 12345] {
            let (reason, fix) = explain(code, "described");
            assert!(!reason.is_empty(), "{code}");
            assert!(fix.contains("Resubmit for Provisioning"), "{code}");
        }
        assert!(explain(800015, "").0.contains("800015"));
        assert!(explain(12345, "described").0.contains("12345"));
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
