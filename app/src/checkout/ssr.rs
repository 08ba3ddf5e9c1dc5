//! The wizard's saved state and the vendor checks each step makes.

use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::place_order::{
    CustomerRef, LineRequest, Mode, OrderRequest, Placement, TenantRef, live_products, place_or_check,
};
use super::{
    CheckoutState, CustomerChoice, CustomerDraft, CustomerForm, CustomerOption, PrefixCheck, TenantDraft, mpn_refusal,
    parse_customer,
};
use crate::i18n::{Code, Msg, Say};
use crate::{
    auth::ssr::AuthUser,
    domain::PaymentMethod,
    domain::initial_domain,
    domain::{DomainPrefix, MpnId, Quantity},
    error::{AppError, Refusals},
    partner_center::{PartnerCenterError, TenantStatus, codes},
    state::AppState,
};

struct Draft {
    idempotency_key: Uuid,
    customer: Option<CustomerDraft>,
    tenant: Option<TenantDraft>,
}

/// A saved step whose shape no longer parses (an older release wrote it) is simply asked again.
fn step<T: DeserializeOwned>(value: Option<Value>) -> Option<T> {
    value.and_then(|v| serde_json::from_value(v).ok())
}

/// The user's draft as it stands, if any.
async fn find_draft(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<Option<Draft>, sqlx::Error> {
    let row = sqlx::query!("select idempotency_key, customer, tenant from checkout_draft where user_id = $1", user_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| Draft { idempotency_key: r.idempotency_key, customer: step(r.customer), tenant: step(r.tenant) }))
}

/// The user's draft, started (with a fresh idempotency key) if there is none.
async fn load_draft(pool: &PgPool, user_id: Uuid) -> Result<Draft, sqlx::Error> {
    sqlx::query!(
        "insert into checkout_draft (user_id, idempotency_key) values ($1, gen_random_uuid())
         on conflict (user_id) do nothing",
        user_id
    )
    .execute(pool)
    .await?;
    Ok(find_draft(pool, user_id).await?.unwrap_or(Draft {
        idempotency_key: Uuid::new_v4(),
        customer: None,
        tenant: None,
    }))
}

async fn store(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    customer: &CustomerDraft,
    tenant: Option<&TenantDraft>,
) -> Result<(), AppError> {
    let customer = serde_json::to_value(customer).map_err(|e| crate::error::ssr::internal("saving checkout", e))?;
    let tenant =
        tenant.map(serde_json::to_value).transpose().map_err(|e| crate::error::ssr::internal("saving checkout", e))?;
    sqlx::query!(
        "update checkout_draft set customer = $2, tenant = $3, updated_at = now() where user_id = $1",
        user_id,
        customer,
        tenant
    )
    .execute(db)
    .await?;
    Ok(())
}

async fn customer_options(db: impl PgExecutor<'_>, partner_id: Uuid) -> Result<Vec<CustomerOption>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select o.organisation_id as customer_id, o.name, c.tenant_prefix,
                  c.relationship_accepted_at is not null as "relationship_accepted!", c.mpn_id
           from organisation o join customer c using (organisation_id)
           where o.parent_id = $1
           order by o.name"#,
        partner_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CustomerOption {
            customer_id: crate::domain::CustomerId(r.customer_id),
            name: r.name,
            tenant_domain: r.tenant_prefix.as_deref().map(initial_domain),
            relationship_accepted: r.relationship_accepted,
            mpn_id: r.mpn_id,
        })
        .collect())
}

/// An existing customer of this partner: its name and tenant prefix, if it has one.
pub async fn own_customer(
    pool: &PgPool,
    partner_id: Uuid,
    customer_id: crate::domain::CustomerId,
) -> Result<(String, Option<String>), AppError> {
    sqlx::query!(
        "select o.name, c.tenant_prefix from organisation o join customer c using (organisation_id)
         where o.organisation_id = $1 and o.parent_id = $2",
        customer_id.get(),
        partner_id
    )
    .fetch_optional(pool)
    .await?
    .map(|r| (r.name, r.tenant_prefix))
    .ok_or_else(|| AppError::invalid("customer_id", Say::ChooseOwnCustomer))
}

fn unreachable(what: Msg, err: &str) -> AppError {
    if err.starts_with(crate::partner_center::CREDENTIALS_REFUSED) {
        // Not the partner's doing: operations must fix the connector's configuration.
        tracing::error!(error = %err, "Partner Center refused our credentials during checkout");
    } else {
        tracing::warn!(error = %err, "Partner Center unavailable during checkout");
    }
    AppError::conflict(Say::PartnerCenterUnreachable { what })
}

/// Microsoft's Partner-of-Record check of the order's Partner ID (the ID the order names to
/// Microsoft), asked for every sales order before anything is written or sent to the vendor.
pub async fn partner_of_record(state: &AppState, mpn: &MpnId) -> Result<(), AppError> {
    match crate::partner_center::partner_of_record(&state.partner_center, mpn.as_ref()).await? {
        None => Ok(()),
        Some(refusal) => Err(AppError::invalid("mpn_id", refusal.to_partner(mpn.as_ref()))),
    }
}

pub async fn verify_mpn(state: &AppState, mpn: &MpnId) -> Result<(), AppError> {
    match state.partner_center.verify_mpn(mpn.as_ref()).await {
        Ok(_) => Ok(()),
        Err(PartnerCenterError::Refused { code, .. }) => Err(AppError::invalid("mpn_id", mpn_refusal(code))),
        Err(PartnerCenterError::Unavailable { message, .. }) => Err(unreachable(Msg::TheMpnId, &message)),
        Err(refused @ PartnerCenterError::Unauthorized { .. }) => Err(unreachable(Msg::TheMpnId, &refused.to_string())),
    }
}

async fn reserved_here(pool: &PgPool, prefix: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!("select exists(select 1 from customer where tenant_prefix = $1) as \"taken!\"", prefix)
        .fetch_one(pool)
        .await
}

/// SPEC C and B: a new tenant's domain must be free; an existing tenant must exist and have
/// accepted the reseller relationship.
pub async fn check_tenant(state: &AppState, prefix: &DomainPrefix, new: bool) -> Result<(), AppError> {
    let domain = prefix.initial_domain();
    if new {
        let taken = reserved_here(&state.pool, prefix.as_ref()).await?
            || state
                .partner_center
                .domain_taken(prefix.as_ref())
                .await
                .map_err(|e| unreachable(Msg::TheDomain, &e.to_string()))?;
        return if taken { Err(AppError::invalid("prefix", Say::DomainTaken { domain })) } else { Ok(()) };
    }
    if existing_tenant_related(state, prefix).await? {
        Ok(())
    } else {
        Err(AppError::invalid("domain", Say::TenantNotRelated { domain, code: Code(codes::NO_RELATIONSHIP) }))
    }
}

/// SPEC B: whether an existing tenant has accepted the distributor as its reseller; refused at
/// `domain` when Microsoft has no such tenant.
pub async fn existing_tenant_related(state: &AppState, prefix: &DomainPrefix) -> Result<bool, AppError> {
    match state.partner_center.tenant_status(prefix.as_ref()).await {
        Ok(TenantStatus::Related { .. }) => Ok(true),
        Ok(TenantStatus::NoRelationship) => Ok(false),
        Ok(TenantStatus::Free) => Err(AppError::invalid(
            "domain",
            Say::NoSuchTenant { domain: prefix.initial_domain(), code: Code(codes::TENANT_NOT_FOUND) },
        )),
        Err(e) => Err(unreachable(Msg::TheTenant, &e.to_string())),
    }
}

pub async fn checkout_state(state: &AppState, user: &AuthUser) -> Result<CheckoutState, AppError> {
    let pool = &state.pool;
    let partner_id = user.organisation_id;
    let draft = load_draft(pool, user.user_id).await?;
    let cart = crate::cart::ssr::cart_of(pool, user.user_id).await?;
    let customers = customer_options(pool, partner_id).await?;
    let partner = sqlx::query!(
        "select mpn_id, credit_limit - partner_credit_used(organisation_id) as \"available!\"
         from partner where organisation_id = $1",
        partner_id
    )
    .fetch_one(pool)
    .await?;
    let chosen = match draft.customer.as_ref().map(|c| &c.choice) {
        Some(CustomerChoice::Existing { customer_id }) => customers.iter().find(|c| c.customer_id == *customer_id),
        _ => None,
    };
    let customer_name = match draft.customer.as_ref().map(|c| &c.choice) {
        Some(CustomerChoice::New { profile }) => Some(profile.company_name.clone()),
        _ => chosen.map(|c| c.name.clone()),
    };
    let fixed_tenant = chosen
        .and_then(|c| c.tenant_domain.as_deref())
        .and_then(|d| d.strip_suffix(crate::domain::ONMICROSOFT))
        .map(str::to_owned);
    let already_live = match chosen {
        Some(c) => {
            let live = live_products(pool, c.customer_id).await?;
            cart.lines.iter().filter(|l| live.contains(&l.sku)).map(|l| l.name.clone()).collect()
        }
        None => Vec::new(),
    };
    // A new customer has no attestation; an existing one may have (once per customer).
    let needs_agreement = match draft.customer.as_ref().map(|c| &c.choice) {
        Some(CustomerChoice::Existing { customer_id }) => {
            !super::agreement::is_attested(pool, customer_id.get()).await?
        }
        Some(CustomerChoice::New { .. }) | None => true,
    };
    Ok(CheckoutState {
        needs_agreement,
        agreement_link: state.settings.agreement_link(),
        agreement_version: crate::partner_center::CUSTOMER_AGREEMENT_VERSION.to_owned(),
        idempotency_key: draft.idempotency_key,
        cart,
        default_mpn: partner.mpn_id,
        customer: draft.customer,
        customer_name,
        fixed_tenant,
        tenant: draft.tenant,
        customers,
        prefix_max: state.settings.tenant_prefix_max,
        relationship_link: state.settings.relationship_link(partner_id),
        available_credit: partner.available,
        already_live,
    })
}

/// The MPN ID an existing customer's orders use when none is typed: the one last used for it,
/// else the partner's own.
pub async fn known_mpn(
    db: impl PgExecutor<'_>,
    partner_id: Uuid,
    customer_id: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    let mpn = sqlx::query_scalar!(
        "select coalesce(c.mpn_id, p.mpn_id)
         from customer c join organisation o using (organisation_id) join partner p on p.organisation_id = o.parent_id
         where c.organisation_id = $1 and o.parent_id = $2",
        customer_id,
        partner_id
    )
    .fetch_optional(db)
    .await?;
    Ok(mpn.flatten())
}

pub async fn save_customer(state: &AppState, user: &AuthUser, form: &CustomerForm) -> Result<(), AppError> {
    // SPEC E.5: an existing customer's MPN ID is filled in automatically. The browser does it as
    // the customer is picked; a form posted without JavaScript cannot, so the server does.
    let mut form = form.clone();
    if form.customer_mode == "existing"
        && form.mpn_id.as_deref().is_none_or(|m| m.trim().is_empty())
        && let Some(customer_id) = form.customer_id.as_deref().and_then(|id| id.trim().parse::<Uuid>().ok())
    {
        form.mpn_id = known_mpn(&state.pool, user.organisation_id, customer_id).await?;
    }
    let (choice, mpn) = parse_customer(&form)?;
    let fixed = match &choice {
        CustomerChoice::Existing { customer_id } => {
            own_customer(&state.pool, user.organisation_id, *customer_id).await?.1
        }
        CustomerChoice::New { .. } => None,
    };
    verify_mpn(state, &mpn).await?;
    let draft = load_draft(&state.pool, user.user_id).await?;
    // An existing customer's tenant is fixed; a different customer than before starts the
    // tenant step afresh.
    let tenant = match fixed {
        Some(prefix) => Some(TenantDraft {
            prefix: DomainPrefix::stored(&prefix).map_err(|m| crate::error::ssr::internal("a customer's tenant", m))?,
            new: false,
        }),
        None if draft.customer.as_ref().map(|c| &c.choice) == Some(&choice) => draft.tenant,
        None => None,
    };
    store(&state.pool, user.user_id, &CustomerDraft { choice, mpn_id: mpn }, tenant.as_ref()).await
}

pub async fn save_tenant(
    state: &AppState,
    user: &AuthUser,
    mode: &str,
    domain: Option<&str>,
    prefix: Option<&str>,
) -> Result<(), AppError> {
    let draft = load_draft(&state.pool, user.user_id).await?;
    let customer = draft.customer.ok_or_else(|| AppError::invalid("tenant_mode", Say::CustomerFirst))?;
    let (tenant, new) = match mode {
        "existing" => (
            DomainPrefix::parse_initial_domain(domain.unwrap_or_default())
                .map_err(|m| AppError::invalid("domain", m))?,
            false,
        ),
        "new" => (
            DomainPrefix::parse(prefix.unwrap_or_default(), state.settings.tenant_prefix_max)
                .map_err(|m| AppError::invalid("prefix", m))?,
            true,
        ),
        _ => {
            return Err(AppError::invalid("tenant_mode", Say::ChooseTenantMode));
        }
    };
    if let CustomerChoice::Existing { customer_id } = &customer.choice {
        let (name, fixed) = own_customer(&state.pool, user.organisation_id, *customer_id).await?;
        if let Some(fixed) = fixed
            && (fixed != tenant.as_ref() || new)
        {
            return Err(AppError::invalid(
                if new { "prefix" } else { "domain" },
                Say::CustomerHasTenant { customer: name, domain: initial_domain(&fixed) },
            ));
        }
    }
    check_tenant(state, &tenant, new).await?;
    let tenant = TenantDraft { prefix: tenant, new };
    store(&state.pool, user.user_id, &customer, Some(&tenant)).await
}

pub async fn check_prefix(state: &AppState, raw: &str) -> Result<PrefixCheck, AppError> {
    let prefix = match DomainPrefix::parse(raw, state.settings.tenant_prefix_max) {
        Ok(prefix) => prefix,
        Err(message) => return Ok(PrefixCheck { available: false, message: message.into() }),
    };
    let domain = prefix.initial_domain();
    Ok(match check_tenant(state, &prefix, true).await {
        Ok(()) => PrefixCheck { available: true, message: Say::DomainAvailable { domain }.into() },
        Err(AppError::Invalid(_)) => PrefixCheck { available: false, message: Say::DomainTakenShort { domain }.into() },
        Err(AppError::Conflict(message)) => PrefixCheck { available: false, message },
        Err(other) => return Err(other),
    })
}

async fn order_by_key(
    pool: &PgPool,
    partner_id: Uuid,
    key: Uuid,
) -> Result<Option<crate::domain::OrderNumber>, sqlx::Error> {
    Ok(super::place_order::order_by_key(pool, partner_id, key).await?.map(|placed| placed.order_number))
}

pub async fn submit(
    state: &AppState,
    user: &AuthUser,
    key: Uuid,
    payment: PaymentMethod,
    attestation: Option<super::agreement::Attestation>,
) -> Result<crate::domain::OrderNumber, AppError> {
    let pool = &state.pool;
    // A double click, a retry or a second tab: the order this key already made is the answer.
    if let Some(number) = order_by_key(pool, user.organisation_id, key).await? {
        return Ok(number);
    }
    let draft = match find_draft(pool, user.user_id).await? {
        Some(draft) if draft.idempotency_key == key => draft,
        _ => {
            return match order_by_key(pool, user.organisation_id, key).await? {
                Some(number) => Ok(number),
                None => Err(AppError::conflict(Say::CheckoutChangedElsewhere)),
            };
        }
    };
    let customer = draft.customer.ok_or_else(|| AppError::invalid("customer", Say::CustomerFirst))?;
    let tenant = draft.tenant.ok_or_else(|| AppError::invalid("tenant", Say::TenantFirst))?;
    // Both were parsed when their step was saved, and again when the draft was read back.
    let (mpn_id, prefix) = (customer.mpn_id.clone(), tenant.prefix.clone());
    let lines = crate::cart::ssr::lines(pool, user.user_id)
        .await?
        .into_iter()
        .map(|l| {
            Ok(LineRequest {
                sku: l.sku,
                cycle: l.billing_cycle,
                quantity: Quantity::new(i64::from(l.quantity)).map_err(|m| AppError::invalid("cart", m))?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let request = OrderRequest {
        partner_id: user.organisation_id,
        user_id: user.user_id,
        idempotency_key: key,
        customer: match customer.choice {
            CustomerChoice::Existing { customer_id } => CustomerRef::Existing(customer_id),
            CustomerChoice::New { profile } => CustomerRef::New(profile),
        },
        tenant: TenantRef { prefix, new: tenant.new },
        mpn_id,
        payment_method: payment,
        lines,
        clears_checkout: true,
        attestation,
    };
    match place(state, &request, Mode::Place).await {
        Ok(Placement::Placed(placed)) => Ok(placed.order_number),
        Ok(Placement::Valid(_)) => Err(crate::error::ssr::internal("submitting a checkout", "it was only checked")),
        // A concurrent submission of this checkout may have just committed (its new tenant now
        // looks taken, say): its order is the answer, not a refusal.
        Err(err) => match order_by_key(pool, user.organisation_id, key).await? {
            Some(number) => Ok(number),
            None => Err(err),
        },
    }
}

/// Every check of checkout, then the order (with [`Mode::Validate`], what it would be): the one
/// path by which the Control Panel's "Submit" and the partner API's orders are placed. The
/// vendor's checks are made again right before the order, since an MPN ID or a relationship can
/// change meanwhile; both are made, so every refusal is answered at once.
pub async fn place(state: &AppState, request: &OrderRequest, mode: Mode) -> Result<Placement, AppError> {
    let mut refusals = Refusals::default();
    // Microsoft's Partner-of-Record rule: only an ID Partner Center knows can be asked about.
    if refusals.check(verify_mpn(state, &request.mpn_id).await)?.is_some() {
        refusals.check(partner_of_record(state, &request.mpn_id).await)?;
    }
    refusals.check(check_tenant(state, &request.tenant.prefix, request.tenant.new).await)?;
    place_or_check(&state.pool, request, refusals, mode).await
}
