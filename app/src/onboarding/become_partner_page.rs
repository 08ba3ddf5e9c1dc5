use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{ApplicationKind, DocumentKind, FormDraft, SUBMIT_PATH};
use crate::{
    components::{Field, FieldMessage, FormMessage, PageHeader},
    error::AppError,
    i18n::{Msg, t},
};

/// Every field a message can belong to; anything else is shown above the form.
const ALL_FIELDS: &[&str] = &[
    "kind",
    "company_name",
    "tax_number",
    "address",
    "company_phone",
    "dealer_code",
    "dealer_credit_confirmed",
    "mpn_id",
    "contact_name",
    "contact_email",
    "contact_phone",
    "doc_tax_certificate",
    "doc_signature_circular",
    "doc_trade_registry_gazette",
    "doc_owner_id",
    "doc_customer_introduction",
    "doc_membership_agreement",
];

/// The public application page with its two tabs. The form is a plain multipart post, so it
/// works without JavaScript; after a refusal the messages and typed text come back in the URL.
#[component]
pub fn BecomePartnerPage() -> impl IntoView {
    let query = use_query_map();
    let kind = Memo::new(move |_| match query.read().get("tab").as_deref() {
        Some("new_partner") => ApplicationKind::NewPartner,
        _ => ApplicationKind::Dealer,
    });
    let error = Signal::derive(move || query.read().get("err").and_then(|e| serde_json::from_str::<AppError>(&e).ok()));
    let draft = Memo::new(move |_| {
        query.read().get("draft").and_then(|d| serde_json::from_str::<FormDraft>(&d).ok()).unwrap_or_default()
    });
    let tab = move |target: ApplicationKind, href: &'static str, label: Msg| {
        view! {
            <a
                href=href
                role="tab"
                aria-selected=move || (kind.get() == target).to_string()
                class:active=move || kind.get() == target
            >
                {t(label)}
            </a>
        }
    };

    view! {
        <PageHeader title=Msg::BecomePartner subtitle=Msg::BecomePartnerIntro />
        <div class="tabs" role="tablist" aria-label=t(Msg::ApplicationType)>
            {tab(ApplicationKind::Dealer, "/become-a-partner?tab=dealer", Msg::TabDealer)}
            {tab(ApplicationKind::NewPartner, "/become-a-partner?tab=new_partner", Msg::TabNewPartner)}
        </div>
        <FormMessage error fields=ALL_FIELDS />
        {move || {
            let draft = draft.get();
            let kind = kind.get();
            view! {
                <form
                    class="card application-form"
                    method="post"
                    action=SUBMIT_PATH
                    enctype="multipart/form-data"
                    aria-label=t(if kind == ApplicationKind::Dealer { Msg::TabDealer } else { Msg::TabNewPartner })
                >
                    <input
                        type="hidden"
                        name="kind"
                        value=if kind == ApplicationKind::Dealer { "dealer" } else { "new_partner" }
                    />
                    <fieldset>
                        <legend>{t(Msg::CompanyInformation)}</legend>
                        <Field name="company_name" label=Msg::CompanyName autocomplete="organization" value=draft.get("company_name") error />
                        {match kind {
                            ApplicationKind::Dealer => view! { <DealerFields draft=draft.clone() error /> }.into_any(),
                            ApplicationKind::NewPartner => view! { <CompanyFields draft=draft.clone() error /> }.into_any(),
                        }}
                    </fieldset>
                    <fieldset>
                        <legend>{t(Msg::ContactInformation)}</legend>
                        <Field name="contact_name" label=Msg::ContactName autocomplete="name" value=draft.get("contact_name") error />
                        <Field
                            name="contact_email"
                            label=Msg::ContactEmail
                            input_type="email"
                            autocomplete="email"
                            hint=Msg::ContactEmailHint
                            value=draft.get("contact_email")
                            error
                        />
                        <Field
                            name="contact_phone"
                            label=Msg::ContactPhone
                            input_type="tel"
                            autocomplete="tel"
                            value=draft.get("contact_phone")
                            error
                        />
                    </fieldset>
                    {(kind == ApplicationKind::NewPartner).then(|| view! { <DocumentFields error /> })}
                    <button type="submit" class="button primary">{t(Msg::SubmitApplication)}</button>
                </form>
            }
        }}
    }
}

#[component]
fn DealerFields(draft: FormDraft, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let confirmed = draft.get("dealer_credit_confirmed") == "on";
    view! {
        <Field name="dealer_code" label=Msg::DealerCode value=draft.get("dealer_code") error />
        <div class="field checkbox">
            <input
                type="checkbox"
                id="dealer_credit_confirmed"
                name="dealer_credit_confirmed"
                checked=confirmed
                aria-describedby="dealer_credit_confirmed-error"
            />
            <label for="dealer_credit_confirmed">{t(Msg::DealerCredit)}</label>
            <FieldMessage error field="dealer_credit_confirmed" />
        </div>
    }
}

#[component]
fn CompanyFields(draft: FormDraft, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <Field name="tax_number" label=Msg::TaxNumber hint=Msg::TaxNumberHint value=draft.get("tax_number") error />
        <Field name="address" label=Msg::Address autocomplete="street-address" value=draft.get("address") error />
        <Field name="company_phone" label=Msg::CompanyPhone input_type="tel" value=draft.get("company_phone") error />
        <Field name="mpn_id" label=Msg::MpnId hint=Msg::MpnIdHint value=draft.get("mpn_id") error />
    }
}

#[component]
fn DocumentFields(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <fieldset>
            <legend>{t(Msg::Documents)}</legend>
            <p class="hint">{t(Msg::DocumentsHint)}</p>
            {DocumentKind::ALL
                .into_iter()
                .map(|kind| {
                    let field = kind.field();
                    view! {
                        <div class="field">
                            <label for=field class="capitalise">{t(kind.msg())}</label>
                            <input
                                type="file"
                                id=field
                                name=field
                                accept="application/pdf,image/jpeg,image/png"
                                aria-describedby=format!("{field}-error")
                            />
                            <FieldMessage error field=field />
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
