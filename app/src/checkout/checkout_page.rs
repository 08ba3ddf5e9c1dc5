use leptos::prelude::*;

use super::{
    CheckoutState, CustomerChoice, SaveCheckoutCustomer, SaveCheckoutTenant, SubmitOrder, check_tenant_prefix,
    get_checkout,
};
use crate::{
    components::TotalsBox,
    components::{Field, FieldMessage, FormMessage, PageHeader, format_money, loaded},
    customers::RelationshipLinkBox,
    error::AppError,
    forms::refused_input,
    i18n::{Msg, current_locale, t},
    orders::LinesTable,
};

/// Where the partner is in the wizard; earlier steps stay reachable.
#[component]
fn Steps(current: u8) -> impl IntoView {
    let steps = [
        (1, Msg::Customer, "/cp/checkout/customer"),
        (2, Msg::Tenant, "/cp/checkout/tenant"),
        (3, Msg::Review, "/cp/checkout/review"),
    ];
    view! {
        <ol class="steps" aria-label=t(Msg::CheckoutSteps)>
            {steps
                .into_iter()
                .map(|(n, label, href)| {
                    let body = view! { <span class="step-no">{n}</span> " " {t(label)} };
                    view! {
                        <li class:done=n < current aria-current=(n == current).then_some("step")>
                            {if n < current { view! { <a href=href>{body}</a> }.into_any() } else { body.into_any() }}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Back to the previous step, and "Continue" (disabled while the step is being saved).
#[component]
fn StepActions(back: &'static str, back_label: Msg, pending: Memo<bool>) -> impl IntoView {
    view! {
        <p class="actions">
            <a class="button" href=back>{t(back_label)}</a>
            <button type="submit" class="button primary" disabled=move || pending.get()>
                {t(Msg::Continue)}
            </button>
        </p>
    }
}

fn empty_cart() -> impl IntoView {
    view! {
        <div class="empty-state" role="status">
            <p>{t(Msg::CartEmpty)}</p>
            <a class="button primary" href="/cp/catalog">{t(Msg::CloudServices)}</a>
        </div>
    }
}

fn step_missing(msg: Msg, href: &'static str) -> impl IntoView {
    view! {
        <div class="alert alert-info" role="status">
            <p>{t(msg)}</p>
            <a class="button" href=href>{t(Msg::GoBack)}</a>
        </div>
    }
}

fn action_error<I>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    I::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

const CUSTOMER_FIELDS: &[&str] = &[
    "customer_mode",
    "customer_id",
    "company_name",
    "tax_number",
    "address",
    "phone",
    "contact_name",
    "contact_email",
    "mpn_id",
];

#[component]
pub fn CustomerStepPage() -> impl IntoView {
    let checkout = Resource::new(|| (), |_| get_checkout());
    let save = ServerAction::<SaveCheckoutCustomer>::new();
    let error = action_error(save);
    view! {
        <PageHeader title=Msg::CheckOut />
        <Steps current=1 />
        {loaded(checkout, move |state: CheckoutState| {
            if state.cart.lines.is_empty() {
                return empty_cart().into_any();
            }
            let (mut mode, mut chosen, profile) = match state.customer.as_ref().map(|c| &c.choice) {
                Some(CustomerChoice::Existing { customer_id }) => ("existing".to_owned(), Some(*customer_id), None),
                Some(CustomerChoice::New { profile }) => ("new".to_owned(), None, Some(profile.clone())),
                None => (String::new(), None, None),
            };
            // A refused post without JavaScript shows the choices just made, not the saved ones.
            if let Some(refused) = refused_input("customer_mode") {
                mode = refused;
                chosen = refused_input("customer_id").and_then(|id| id.parse().ok());
            }
            let (existing_checked, new_checked) = (mode == "existing", mode == "new");
            let initial_mpn = refused_input("mpn_id").unwrap_or_else(|| {
                state.customer.as_ref().map(|c| c.mpn_id.as_ref().to_owned()).or(state.default_mpn.clone()).unwrap_or_default()
            });
            let mpn = RwSignal::new(initial_mpn.clone());
            let options = state.customers.clone();
            let default_mpn = state.default_mpn.clone().unwrap_or_default();
            // Picking an existing customer fills in the MPN ID last used for it.
            let on_pick = move |ev: leptos::ev::Event| {
                let id = event_target_value(&ev);
                let picked = options.iter().find(|c| c.customer_id.to_string() == id);
                mpn.set(picked.and_then(|c| c.mpn_id.clone()).unwrap_or_else(|| default_mpn.clone()));
            };
            let value = move |pick: fn(&crate::orders::NewCustomerProfile) -> String| profile.as_ref().map(pick).unwrap_or_default();
            view! {
                <ActionForm action=save attr:class="checkout-form" attr:novalidate=true>
                    <FormMessage error fields=CUSTOMER_FIELDS />
                    <fieldset class="choice">
                        <legend>{t(Msg::Customer)}</legend>
                        <label class="radio">
                            <input type="radio" name="customer_mode" value="existing" checked=existing_checked />
                            {t(Msg::ExistingCustomer)}
                        </label>
                        <label class="radio">
                            <input type="radio" name="customer_mode" value="new" checked=new_checked />
                            {t(Msg::NewCustomer)}
                        </label>
                        <FieldMessage error field="customer_mode" />
                    </fieldset>
                    <div class="when-existing">
                        <div class="field">
                            <label for="customer_id">{t(Msg::ExistingCustomer)}</label>
                            <select id="customer_id" name="customer_id" on:change=on_pick aria-describedby="customer_id-error">
                                <option value="">{t(Msg::ChooseCustomer)}</option>
                                {state
                                    .customers
                                    .iter()
                                    .map(|c| {
                                        let label = match &c.tenant_domain {
                                            Some(d) => format!("{} — {d}", c.name),
                                            None => c.name.clone(),
                                        };
                                        view! {
                                            <option value=c.customer_id.to_string() selected=chosen == Some(c.customer_id)>
                                                {label}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                            <FieldMessage error field="customer_id" />
                        </div>
                    </div>
                    <div class="when-new">
                        <Field name="company_name" label=Msg::CompanyName value=value(|p| p.company_name.clone()) error />
                        <Field name="tax_number" label=Msg::TaxNumber hint=Msg::TaxNumberHint value=value(|p| p.tax_number.as_ref().to_owned()) error />
                        <Field name="address" label=Msg::Address value=value(|p| p.address.clone()) error />
                        <Field name="phone" label=Msg::Phone input_type="tel" value=value(|p| p.phone.as_ref().to_owned()) error />
                        <Field name="contact_name" label=Msg::ContactName value=value(|p| p.contact_name.clone()) error />
                        <Field name="contact_email" label=Msg::ContactEmail input_type="email" value=value(|p| p.contact_email.clone()) error />
                    </div>
                    <div class="field">
                        <label for="mpn_id">{t(Msg::MpnId)}</label>
                        <input
                            id="mpn_id"
                            name="mpn_id"
                            inputmode="numeric"
                            maxlength="7"
                            value=initial_mpn
                            prop:value=move || mpn.get()
                            on:input=move |ev| mpn.set(event_target_value(&ev))
                            aria-describedby="mpn_id-hint mpn_id-error"
                            aria-invalid=move || error.with(|e| e.as_ref().and_then(|e| e.field_message("mpn_id")).is_some()).to_string()
                        />
                        <p class="hint" id="mpn_id-hint">{t(Msg::MpnHint)}</p>
                        <FieldMessage error field="mpn_id" />
                    </div>
                    <StepActions back="/cp/cart" back_label=Msg::BackToCart pending=save.pending() />
                </ActionForm>
            }
            .into_any()
        })}
    }
}

#[component]
pub fn TenantStepPage() -> impl IntoView {
    let checkout = Resource::new(|| (), |_| get_checkout());
    let save = ServerAction::<SaveCheckoutTenant>::new();
    let error = action_error(save);
    view! {
        <PageHeader title=Msg::CheckOut />
        <Steps current=2 />
        {loaded(checkout, move |state: CheckoutState| {
            if state.cart.lines.is_empty() {
                return empty_cart().into_any();
            }
            let Some(customer_name) = state.customer_name.clone() else {
                return step_missing(Msg::ChooseCustomerFirst, "/cp/checkout/customer").into_any();
            };
            let link = state.relationship_link.clone();
            let needs_link = move || error.with(|e| e.as_ref().and_then(|e| e.field_message("domain")).is_some_and(|m| m.contains("20002")));
            let relationship_box = move || needs_link().then(|| view! { <RelationshipLinkBox link=link.clone() /> });
            let body = match state.fixed_tenant.clone() {
                Some(prefix) => {
                    let domain = format!("{prefix}{}", crate::domain::ONMICROSOFT);
                    view! {
                        <input type="hidden" name="tenant_mode" value="existing" />
                        <input type="hidden" name="domain" value=domain.clone() />
                        <p class="fixed-tenant">
                            {t(Msg::CustomerTenantIs)} " " <strong>{domain}</strong>
                        </p>
                        <FieldMessage error field="domain" />
                        {relationship_box}
                    }
                    .into_any()
                }
                None => {
                    let (saved_mode, domain, prefix) = match &state.tenant {
                        Some(t) if t.new => ("new", String::new(), t.prefix.as_ref().to_owned()),
                        Some(t) => ("existing", t.domain(), String::new()),
                        None => ("", String::new(), String::new()),
                    };
                    let mode = refused_input("tenant_mode").unwrap_or_else(|| saved_mode.to_owned());
                    let (existing_checked, new_checked) = (mode == "existing", mode == "new");
                    view! {
                        <fieldset class="choice">
                            <legend>{t(Msg::Tenant)}</legend>
                            <label class="radio">
                                <input type="radio" name="tenant_mode" value="existing" checked=existing_checked />
                                {t(Msg::ExistingTenant)}
                            </label>
                            <label class="radio">
                                <input type="radio" name="tenant_mode" value="new" checked=new_checked />
                                {t(Msg::NewTenant)}
                            </label>
                            <FieldMessage error field="tenant_mode" />
                        </fieldset>
                        <div class="when-existing">
                            <Field name="domain" label=Msg::InitialDomain hint=Msg::InitialDomainHint value=domain error />
                            {relationship_box}
                            <p class="hint">
                                {t(Msg::RelationshipNeededHint)} " "
                                <a href="/cp/customers/relationship">{t(Msg::RelationshipLink)}</a>
                            </p>
                        </div>
                        <div class="when-new">
                            <PrefixField initial=prefix max=state.prefix_max error />
                        </div>
                    }
                    .into_any()
                }
            };
            view! {
                <p class="lead">{t(Msg::Customer)} ": " <strong>{customer_name}</strong></p>
                <ActionForm action=save attr:class="checkout-form" attr:novalidate=true>
                    <FormMessage error fields=&["tenant_mode", "domain", "prefix"] />
                    {body}
                    <StepActions back="/cp/checkout/customer" back_label=Msg::GoBack pending=save.pending() />
                </ActionForm>
            }
            .into_any()
        })}
    }
}

/// The new tenant's prefix, with its availability checked as the partner types.
#[component]
fn PrefixField(initial: String, max: usize, error: Signal<Option<AppError>>) -> impl IntoView {
    let initial = refused_input("prefix").unwrap_or(initial);
    let prefix = RwSignal::new(initial.clone());
    let availability = Resource::new(
        move || prefix.get(),
        |p| async move { if p.trim().is_empty() { None } else { check_tenant_prefix(p).await.ok() } },
    );
    view! {
        <div class="field">
            <label for="prefix">{t(Msg::NewTenantPrefix)}</label>
            <div class="input-suffix">
                <input
                    id="prefix"
                    name="prefix"
                    autocomplete="off"
                    spellcheck="false"
                    maxlength=max.to_string()
                    value=initial
                    prop:value=move || prefix.get()
                    on:input=move |ev| prefix.set(event_target_value(&ev))
                    aria-describedby="prefix-hint prefix-status prefix-error"
                    aria-invalid=move || error.with(|e| e.as_ref().and_then(|e| e.field_message("prefix")).is_some()).to_string()
                />
                <span class="suffix">".onmicrosoft.com"</span>
            </div>
            <p class="hint" id="prefix-hint">{t(Msg::PrefixHint)} " (" {max} ")"</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    availability.await.map(|check| view! {
                        <p id="prefix-status" role="status" class=if check.available { "availability ok" } else { "availability bad" }>
                            {check.message.render(current_locale())}
                        </p>
                    })
                })}
            </Transition>
            <FieldMessage error field="prefix" />
        </div>
    }
}

/// The review form's fields: the payment method and the agreement's signatory.
const REVIEW_FIELDS: &[&str] = &[
    "payment_method",
    "agreement",
    "signatory_first_name",
    "signatory_last_name",
    "signatory_email",
    "signatory_company",
    "signatory_country",
    "signatory_language",
    "agreement_accepted",
];

/// The Microsoft Customer Agreement for a customer that has not accepted it yet: its text, and
/// who signs it for the customer (Microsoft takes the customer's orders only after the
/// distributor attests this, once per customer).
#[component]
fn AgreementFields(link: String, version: String, company: String, error: Signal<Option<AppError>>) -> impl IntoView {
    let accepted = refused_input("agreement_accepted").is_some();
    let language = current_locale().code().to_owned();
    view! {
        <fieldset class="agreement" aria-describedby="agreement-hint">
            <legend>{t(Msg::CustomerAgreement)}</legend>
            <p class="hint" id="agreement-hint">{t(Msg::CustomerAgreementHint)}</p>
            <p>
                <a href=link target="_blank" rel="noopener">{t(Msg::ReadCustomerAgreement)}</a>
                " (" {t(Msg::AgreementVersion)} " " {version} ")"
            </p>
            <Field name="signatory_first_name" label=Msg::SignatoryFirstName autocomplete="given-name" error />
            <Field name="signatory_last_name" label=Msg::SignatoryLastName autocomplete="family-name" error />
            <Field name="signatory_email" label=Msg::SignatoryEmail input_type="email" autocomplete="email" error />
            <Field name="signatory_company" label=Msg::SignatoryCompany value=company error />
            <Field name="signatory_country" label=Msg::SignatoryCountry value="TR".to_owned() error />
            <Field name="signatory_language" label=Msg::SignatoryLanguage value=language error />
            <div class="field checkbox">
                <input
                    type="checkbox"
                    id="agreement_accepted"
                    name="agreement_accepted"
                    value="yes"
                    checked=accepted
                    aria-describedby="agreement_accepted-error"
                />
                <label for="agreement_accepted">{t(Msg::AgreementAcceptedConfirm)}</label>
                <FieldMessage error field="agreement_accepted" />
            </div>
        </fieldset>
    }
}

#[component]
pub fn ReviewStepPage() -> impl IntoView {
    let checkout = Resource::new(|| (), |_| get_checkout());
    let submit = ServerAction::<SubmitOrder>::new();
    let error = action_error(submit);
    view! {
        <PageHeader title=Msg::CheckOut />
        <Steps current=3 />
        {loaded(checkout, move |state: CheckoutState| {
            if state.cart.lines.is_empty() {
                return empty_cart().into_any();
            }
            let (Some(customer), Some(customer_name)) = (state.customer.clone(), state.customer_name.clone()) else {
                return step_missing(Msg::ChooseCustomerFirst, "/cp/checkout/customer").into_any();
            };
            let Some(tenant) = state.tenant.clone() else {
                return step_missing(Msg::TenantFirst, "/cp/checkout/tenant").into_any();
            };
            let totals = state.cart.totals();
            let currency = state.cart.currency();
            let over_credit = totals.subtotal > state.available_credit;
            view! {
                <section class="review" aria-labelledby="review-order">
                    <h2 id="review-order" class="visually-hidden">{t(Msg::Review)}</h2>
                    <dl class="facts">
                        <div><dt>{t(Msg::Customer)}</dt><dd>{customer_name.clone()} " " <a href="/cp/checkout/customer">{t(Msg::Change)}</a></dd></div>
                        <div>
                            <dt>{t(Msg::Tenant)}</dt>
                            <dd>
                                {tenant.domain()} " · "
                                {if tenant.new { t(Msg::NewTenantShort) } else { t(Msg::ExistingTenantShort) }}
                                " " <a href="/cp/checkout/tenant">{t(Msg::Change)}</a>
                            </dd>
                        </div>
                        <div><dt>{t(Msg::MpnId)}</dt><dd>{customer.mpn_id.as_ref().to_owned()}</dd></div>
                    </dl>
                    {(!state.already_live.is_empty()).then(|| view! {
                        <div class="alert alert-error" role="alert">
                            {format!(
                                "{customer_name} already has {} (active or being provisioned). To add licences, use “Manage Subscription” in the customer's portal instead of a new order.",
                                state.already_live.join(", ")
                            )}
                        </div>
                    })}
                    {over_credit.then(|| view! {
                        <div class="alert alert-warning" role="status">
                            {t(Msg::OverCreditNotice)} " " {format_money(state.available_credit, currency)}
                        </div>
                    })}
                    <LinesTable lines=state.cart.lines.iter().map(|l| l.as_order_line()).collect() currency />
                    <TotalsBox totals=totals currency />
                    <ActionForm action=submit attr:class="checkout-form" attr:novalidate=true>
                        <input type="hidden" name="idempotency_key" value=state.idempotency_key.to_string() />
                        <FieldMessage error field="agreement" />
                        {state.needs_agreement.then(|| view! {
                            <AgreementFields
                                link=state.agreement_link.clone()
                                version=state.agreement_version.clone()
                                company=customer_name.clone()
                                error
                            />
                        })}
                        <fieldset class="choice">
                            <legend>{t(Msg::PaymentMethod)}</legend>
                            <label class="radio">
                                <input type="radio" name="payment_method" value="wire_transfer" checked=true />
                                {t(Msg::WireTransfer)}
                            </label>
                            <FieldMessage error field="payment_method" />
                        </fieldset>
                        <FormMessage error fields=REVIEW_FIELDS />
                        <p class="actions">
                            <a class="button" href="/cp/checkout/tenant">{t(Msg::GoBack)}</a>
                            <button type="submit" class="button primary" disabled=move || submit.pending().get()>
                                {move || if submit.pending().get() { t(Msg::Submitting)() } else { t(Msg::Submit)() }}
                            </button>
                        </p>
                    </ActionForm>
                </section>
            }
            .into_any()
        })}
    }
}
