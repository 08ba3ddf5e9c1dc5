//! What Partner Center's refusals mean to the people who must fix them: the reason in words with
//! the code, and the one action that fixes it. Checkout and provisioning both speak through these.

use super::codes;

/// Partner Center's refusal of an MPN ID, in words, with what to do.
pub fn mpn_refusal(code: i64) -> String {
    match code {
        codes::MPN_NOT_FOUND => "Partner Center does not know this MPN ID (800015). Check the ID in Partner Center → \
                                 Account settings → Identifiers: use your location's PartnerID."
            .into(),
        codes::MPN_NOT_INDIRECT_RESELLER => "This MPN ID is not enrolled as an indirect reseller (800016). Enrol \
                                             the location as an indirect reseller in Partner Center, or use another ID."
            .into(),
        codes::PARTNER_AGREEMENT_NOT_SIGNED => "The Microsoft Partner Agreement is not signed for this MPN ID \
                                                (900123). Sign it in Partner Center → Legal, then try again."
            .into(),
        other => format!("Partner Center refused this MPN ID ({other})."),
    }
}

/// The reason and fix for a vendor refusal during provisioning (SPEC G).
pub fn explain(code: i64, description: &str) -> (String, String) {
    let resubmit = "then press “Resubmit for Provisioning”.";
    match code {
        codes::MPN_NOT_FOUND | codes::MPN_NOT_INDIRECT_RESELLER | codes::PARTNER_AGREEMENT_NOT_SIGNED => {
            (mpn_refusal(code), format!("Correct the MPN ID on this order, {resubmit}"))
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
