//! The order the benchmarks place: one Business Basic licence for a new customer on a new tenant.

use uuid::Uuid;

use app::{
    catalog::BillingCycle,
    checkout::place_order::{CustomerRef, LineRequest, OrderRequest, TenantRef},
    domain::{DomainPrefix, MpnId, PhoneNumber, Quantity, TaxNumber},
    orders::{NewCustomerProfile, PaymentMethod},
};

pub fn new_tenant_order(partner: Uuid, user: Uuid, n: usize, cycle: BillingCycle) -> anyhow::Result<OrderRequest> {
    let tag = Uuid::new_v4().simple().to_string();
    Ok(OrderRequest {
        partner_id: partner,
        user_id: user,
        idempotency_key: Uuid::new_v4(),
        customer: CustomerRef::New(NewCustomerProfile {
            company_name: format!("Bench Customer {n}"),
            tax_number: TaxNumber::parse("1234567890").map_err(anyhow::Error::msg)?,
            address: "Istanbul".into(),
            phone: PhoneNumber::parse("02125550102").map_err(anyhow::Error::msg)?,
            contact_name: "IT".into(),
            contact_email: format!("it{n}@bench.example"),
        }),
        tenant: TenantRef { prefix: DomainPrefix::parse(&tag[..20], 27).map_err(anyhow::Error::msg)?, new: true },
        mpn_id: MpnId::parse("1234567").map_err(anyhow::Error::msg)?,
        payment_method: PaymentMethod::WireTransfer,
        clears_checkout: true,
        attestation: Some(signatory(n)?),
        lines: vec![LineRequest {
            sku: "CFQ7TTC0LH18".into(),
            cycle,
            quantity: Quantity::new(1).map_err(anyhow::Error::msg)?,
        }],
    })
}

/// The new customer's signatory of the Microsoft Customer Agreement, which its first order needs.
fn signatory(n: usize) -> anyhow::Result<app::checkout::agreement::Attestation> {
    let form = app::checkout::agreement::SignatoryForm {
        first_name: Some("Bench".into()),
        last_name: Some("Signatory".into()),
        email: Some(format!("signatory{n}@bench.example")),
        company: Some(format!("Bench Customer {n}")),
        country: Some("TR".into()),
        language: Some("tr".into()),
        accepted: true,
    };
    let signatory = app::checkout::agreement::parse_signatory(&form)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .ok_or_else(|| anyhow::anyhow!("no signatory"))?;
    Ok(app::checkout::agreement::Attestation::new(signatory, None))
}
