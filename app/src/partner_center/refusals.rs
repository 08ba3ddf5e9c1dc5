//! What Partner Center's refusals mean to the people who must fix them: the reason in words with
//! the code, and the one action that fixes it. Checkout and provisioning both speak through these,
//! as messages ([`Say`]) worded in the reader's language when shown.

use super::codes;
use crate::i18n::{Code, Say};

/// Partner Center's refusal of an MPN ID, with what to do.
pub fn mpn_refusal(code: i64) -> Say {
    match code {
        codes::MPN_NOT_FOUND => Say::MpnNotFound,
        codes::MPN_NOT_INDIRECT_RESELLER => Say::MpnNotIndirectReseller,
        codes::PARTNER_AGREEMENT_NOT_SIGNED => Say::PartnerAgreementNotSigned,
        code => Say::MpnRefused { code: Code(code) },
    }
}

/// The reason and fix for a vendor refusal during provisioning (SPEC G), from its code and
/// Partner Center's description.
pub fn explain(code: i64, description: &str) -> (Say, Say) {
    match code {
        codes::MPN_NOT_FOUND | codes::MPN_NOT_INDIRECT_RESELLER | codes::PARTNER_AGREEMENT_NOT_SIGNED => {
            (mpn_refusal(code), Say::FixMpnId)
        }
        codes::NO_RELATIONSHIP => (Say::RefusedNoRelationship, Say::FixRelationship),
        codes::TENANT_NOT_FOUND => (Say::RefusedNoTenant, Say::FixTenantDomain),
        codes::CUSTOMER_AGREEMENT_NOT_ACCEPTED => (Say::RefusedCustomerAgreement, Say::FixCustomerAgreement),
        codes::UNAVAILABLE => (Say::RefusedUnavailable { detail: description.to_owned() }, Say::FixWhenBack),
        409 => (Say::RefusedDomainTakenMeanwhile, Say::FixPrefix),
        code => (Say::RefusedOther { code: Code(code), detail: description.to_owned() }, Say::FixCheckOrder),
    }
}

/// Microsoft's Partner-of-Record check of `partner_id` for an order, a change or an approval
/// about to be made: `None` when Microsoft accepts it, else why not. When Partner Center cannot
/// answer, nothing may go ahead unchecked: the caller is told to try again (nothing was written).
pub async fn partner_of_record(
    partner_center: &super::PartnerCenter,
    partner_id: &str,
) -> Result<Option<crate::domain::PartnerOfRecordRefusal>, crate::error::AppError> {
    match partner_center.validate_reseller(partner_id).await {
        Ok(verdict) => Ok(verdict),
        Err(err) => {
            if matches!(err, super::PartnerCenterError::Unauthorized { .. }) {
                // Not the partner's doing: operations must fix the connector's configuration.
                tracing::error!(error = %err, "Partner Center refused our credentials checking a partner of record");
            } else {
                tracing::warn!(error = %err, "Partner Center could not check a partner of record");
            }
            Err(crate::error::AppError::conflict(Say::PartnerCenterUnreachable { what: crate::i18n::Msg::TheMpnId }))
        }
    }
}
