//! Provisioning: an order's named steps at the vendor, their progress, and the failure with its
//! reason and fix.

mod progress;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use progress::InFlightMeter;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::i18n::Msg;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "provisioning_step", rename_all = "snake_case"))]
// snake_case like the Postgres enum, so database notifications parse as they are.
#[serde(rename_all = "snake_case")]
pub enum ProvisioningStep {
    Validating,
    CreatingTenant,
    VerifyingRelationship,
    AcceptingAgreement,
    CreatingSubscriptions,
    AssigningLicences,
    /// A change order: the licence count at the vendor.
    UpdatingSubscription,
    /// A cancellation order: the subscription (and its add-ons) at the vendor.
    CancellingSubscription,
    Completed,
    Failed,
}

impl ProvisioningStep {
    pub fn label(self) -> Msg {
        match self {
            Self::Validating => Msg::StepValidating,
            Self::CreatingTenant => Msg::StepCreatingTenant,
            Self::VerifyingRelationship => Msg::StepVerifyingRelationship,
            Self::AcceptingAgreement => Msg::StepAcceptingAgreement,
            Self::CreatingSubscriptions => Msg::StepCreatingSubscriptions,
            Self::AssigningLicences => Msg::StepAssigningLicences,
            Self::UpdatingSubscription => Msg::StepUpdatingSubscription,
            Self::CancellingSubscription => Msg::StepCancellingSubscription,
            Self::Completed => Msg::StepCompleted,
            Self::Failed => Msg::StepFailed,
        }
    }

    /// Where the progress bar stands once this step has started. A failed run is recorded at the
    /// percent it had reached instead (`Failed` is only the upper bound).
    pub fn percent(self) -> i32 {
        match self {
            Self::Validating => 10,
            Self::CreatingTenant | Self::VerifyingRelationship => 30,
            Self::AcceptingAgreement => 50,
            Self::CreatingSubscriptions => 70,
            Self::AssigningLicences => 90,
            Self::UpdatingSubscription | Self::CancellingSubscription => 60,
            Self::Completed => 100,
            Self::Failed => 100,
        }
    }
}

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
    pub status: crate::orders::OrderStatus,
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

/// The reason and fix for a vendor refusal during provisioning (SPEC G).
pub fn explain(code: i64, description: &str) -> (String, String) {
    use crate::partner_center::codes;
    let resubmit = "then press “Resubmit for Provisioning”.";
    match code {
        codes::MPN_NOT_FOUND | codes::MPN_NOT_INDIRECT_RESELLER | codes::PARTNER_AGREEMENT_NOT_SIGNED => {
            (crate::checkout::mpn_refusal(code), format!("Correct the MPN ID on this order, {resubmit}"))
        }
        codes::NO_RELATIONSHIP => (
            "The customer's tenant has not accepted you as its reseller (20002).".into(),
            format!("Send the customer's Global admin your reseller relationship link; once they accept, {resubmit}"),
        ),
        codes::TENANT_NOT_FOUND => (
            "Microsoft has no tenant with this domain (60003).".into(),
            format!("Correct the tenant domain on this order with the customer, {resubmit}"),
        ),
        codes::CUSTOMER_AGREEMENT_NOT_ACCEPTED => (
            "The customer has not accepted the Microsoft Customer Agreement (13605).".into(),
            format!("Ask the customer to accept it, {resubmit}"),
        ),
        codes::UNAVAILABLE => (
            format!("Partner Center did not answer after many tries over several hours ({description})."),
            format!("Nothing needs correcting on the order: when Partner Center is back, {resubmit}"),
        ),
        409 => (
            "The new tenant's domain was taken before it could be created.".into(),
            format!("Choose another domain prefix on this order, {resubmit}"),
        ),
        other => (
            format!("Partner Center refused the order ({other}): {description}"),
            format!("Check the order's details, {resubmit}"),
        ),
    }
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
