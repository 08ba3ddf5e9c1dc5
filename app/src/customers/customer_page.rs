use leptos::prelude::*;

use super::{CheckGdap, CustomerDetail, OpenCustomerPortal, RequestGdap, gdap_box::GdapBox, get_customer};
use crate::{
    auth::go_to,
    components::{ErrorAlert, loaded, named_title},
    error::AppError,
    i18n::{Msg, t},
    live::use_live,
    provisioning::InFlightMeter,
    subscriptions::{BulkRenewal, BulkRenewalForm},
};

/// One customer: its tenant and contact, the orders still on their way (live) and its
/// subscriptions with their licences.
#[component]
pub fn CustomerPage() -> impl IntoView {
    let id = crate::components::route_param::<crate::domain::CustomerId>("id");
    let changes = use_live().changes(|| None);
    let bulk = ServerAction::<BulkRenewal>::new();
    // The page reads the customer again after a bulk action that went through; a refused one
    // (nothing selected, a bad count) leaves it, and what the user ticked, as it was.
    let bulk_applied =
        Memo::new(move |_| bulk.value().with(|v| matches!(v, Some(Ok(_)))).then(|| bulk.version().get_untracked()));
    let request_gdap = ServerAction::<RequestGdap>::new();
    let check_gdap = ServerAction::<CheckGdap>::new();
    let customer = Resource::new(
        move || (id(), changes.get(), bulk_applied.get(), request_gdap.version().get() + check_gdap.version().get()),
        |(id, _, _, _)| async move {
            match id {
                Some(id) => get_customer(id).await,
                None => Err(AppError::not_found(crate::i18n::Say::CustomerNotFound)),
            }
        },
    );
    let open_portal = ServerAction::<OpenCustomerPortal>::new();
    Effect::new(move |_| {
        if let Some(Ok(destination)) = open_portal.value().get() {
            go_to(&destination);
        }
    });
    let refused = move || open_portal.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> });
    view! {
        {loaded(customer, move |c: CustomerDetail| {
            let s = c.summary;
            let customer_id = s.customer_id;
            view! {
                <header class="page-header">
                    <p class="eyebrow"><a href="/cp/customers">{t(Msg::Customers)}</a></p>
                    {named_title(s.name.clone())}
                    <h1>{s.name}</h1>
                </header>
                <dl class="facts">
                    <div>
                        <dt>{t(Msg::Tenant)}</dt>
                        <dd>{s.tenant_domain.unwrap_or_else(|| "—".into())}</dd>
                    </div>
                    <div>
                        <dt>{t(Msg::Relationship)}</dt>
                        <dd>
                            {if s.relationship_accepted {
                                view! { <span class="badge ok">{t(Msg::RelationshipAccepted)}</span> }.into_any()
                            } else {
                                view! { <span class="badge warn">{t(Msg::RelationshipPending)}</span> }.into_any()
                            }}
                        </dd>
                    </div>
                    <div><dt>{t(Msg::ContactName)}</dt><dd>{c.contact_name.unwrap_or_else(|| "—".into())}</dd></div>
                    <div><dt>{t(Msg::ContactEmail)}</dt><dd>{c.contact_email.unwrap_or_else(|| "—".into())}</dd></div>
                    <div><dt>{t(Msg::MpnId)}</dt><dd>{c.mpn_id.unwrap_or_else(|| "—".into())}</dd></div>
                </dl>
                <section aria-labelledby="actions-heading">
                    <h2 id="actions-heading">{t(Msg::Actions)}</h2>
                    <ActionForm action=open_portal attr:class="inline-form">
                        <input type="hidden" name="customer_id" value=customer_id.to_string() />
                        <button type="submit" class="button primary" disabled=move || open_portal.pending().get()>
                            {t(Msg::OpenCustomerPortal)}
                        </button>
                    </ActionForm>
                    <p class="hint">{t(Msg::OpenCustomerPortalHelp)}</p>
                    {refused}
                </section>
                <GdapBox customer_id gdap=c.gdap admin_centre=c.admin_centre request=request_gdap check=check_gdap />
                {(!s.in_flight.is_empty()).then(|| view! {
                    <section aria-labelledby="in-flight-heading">
                        <h2 id="in-flight-heading">{t(Msg::InProcessOrders)}</h2>
                        {s.in_flight
                            .into_iter()
                            .map(|o| {
                                let href = format!("/cp/orders/{}", o.order_number);
                                view! { <InFlightMeter in_flight=o href /> }
                            })
                            .collect_view()}
                    </section>
                })}
                <section aria-labelledby="subscriptions-heading">
                    <h2 id="subscriptions-heading">{t(Msg::MicrosoftCsp)}</h2>
                    <BulkRenewalForm customer_id subscriptions=c.subscriptions bulk />
                </section>
            }
        })}
    }
}
