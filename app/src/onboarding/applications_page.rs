use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

use super::{
    ApplicationDetail, ApplicationKind, ApplicationStatus, ApplicationSummary, ApproveApplication,
    DEFAULT_CREDIT_LIMIT, DocumentInfo, RejectApplication, application_number, get_application, list_applications,
};
use crate::{
    components::{EmptyState, ErrorAlert, FieldMessage, PageHeader, TableWrap, format_datetime, loaded, named_title},
    i18n::{Msg, t},
};

#[component]
pub fn StatusBadge(status: ApplicationStatus) -> impl IntoView {
    let class = match status {
        ApplicationStatus::Submitted => "badge pending",
        ApplicationStatus::Approved => "badge ok",
        ApplicationStatus::Rejected => "badge failed",
    };
    view! { <span class=class>{t(status.msg())}</span> }
}

fn kind_msg(kind: ApplicationKind) -> Msg {
    match kind {
        ApplicationKind::Dealer => Msg::KindDealer,
        ApplicationKind::NewPartner => Msg::KindNewPartner,
    }
}

/// Credit control's queue, newest waiting first, filterable by status.
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status");
    let applications = Resource::new(status, list_applications);
    let filter = move |value: &'static str, label: Msg| {
        let href = if value.is_empty() {
            "/backoffice/applications".to_owned()
        } else {
            format!("/backoffice/applications?status={value}")
        };
        let current = move || status().unwrap_or_default() == value;
        view! {
            <A href=href attr:aria-current=move || current().then_some("true") attr:class="filter">{t(label)}</A>
        }
    };
    view! {
        <PageHeader title=Msg::Applications />
        <nav class="filters" aria-label=t(Msg::Filter)>
            {filter("submitted", Msg::StatusSubmitted)}
            {filter("approved", Msg::StatusApproved)}
            {filter("rejected", Msg::StatusRejected)}
            {filter("", Msg::All)}
        </nav>
        {loaded(applications, |rows: Vec<ApplicationSummary>| {
            if rows.is_empty() {
                return view! { <EmptyState msg=Msg::NoApplicationsMatch /> }.into_any();
            }
            view! {
                <TableWrap label=Msg::Applications>
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::ApplicationNumber)}</th>
                                <th scope="col">{t(Msg::CompanyName)}</th>
                                <th scope="col">{t(Msg::Kind)}</th>
                                <th scope="col">{t(Msg::ContactEmail)}</th>
                                <th scope="col">{t(Msg::SubmittedAt)}</th>
                                <th scope="col">{t(Msg::Status)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .map(|a| {
                                    view! {
                                        <tr>
                                            <th scope="row">
                                                <A href=format!("/backoffice/applications/{}", a.number)>{application_number(a.number.get())}</A>
                                            </th>
                                            <td>
                                                {a.company_name}
                                                {a.possible_duplicate.then(|| view! { <span class="badge warn">{t(Msg::PossibleDuplicate)}</span> })}
                                            </td>
                                            <td>{t(kind_msg(a.kind))}</td>
                                            <td>{a.contact_email}</td>
                                            <td>{format_datetime(a.submitted_at)}</td>
                                            <td><StatusBadge status=a.status /></td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </TableWrap>
            }
            .into_any()
        })}
    }
}

#[component]
pub fn DocumentList(documents: Vec<DocumentInfo>, base: String) -> impl IntoView {
    (!documents.is_empty()).then(|| {
        view! {
            <section aria-labelledby="documents-heading">
                <h2 id="documents-heading">{t(Msg::Documents)}</h2>
                <ul class="documents">
                    {documents
                        .into_iter()
                        .map(|d| {
                            let url = format!("{base}/{}", d.document_id);
                            let preview = if d.content_type.starts_with("image/") {
                                view! { <img src=url.clone() alt=t(d.kind.msg()) loading="lazy" /> }.into_any()
                            } else {
                                view! { <iframe src=url.clone() title=t(d.kind.msg())></iframe> }.into_any()
                            };
                            view! {
                                <li class="card document">
                                    <h3 class="capitalise">{t(d.kind.msg())}</h3>
                                    <p class="hint">{d.file_name.clone()} " · " {format!("{} KB", (d.size_bytes + 1023) / 1024)}</p>
                                    {preview}
                                    <p>
                                        <a href=url.clone() target="_blank">{t(Msg::View)}</a>
                                        " · "
                                        <a href=format!("{url}?download=true") download=d.file_name>{t(Msg::Download)}</a>
                                    </p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

/// One application with its documents, and the decision forms while it waits.
#[component]
pub fn ApplicationDetailPage() -> impl IntoView {
    let approve = ServerAction::<ApproveApplication>::new();
    let reject = ServerAction::<RejectApplication>::new();
    let number_param = crate::components::route_param::<crate::domain::ApplicationNumber>("number");
    let number = move || number_param().unwrap_or(crate::domain::ApplicationNumber(0));
    let application = Resource::new(
        move || (number(), approve.version().get(), reject.version().get()),
        |(number, _, _)| get_application(number),
    );
    let approve_error = Signal::derive(move || approve.value().get().and_then(Result::err));
    let reject_error = Signal::derive(move || reject.value().get().and_then(Result::err));

    view! {
        {loaded(application, move |a: ApplicationDetail| {
            let approve_id = a.application_id.to_string();
            let reject_id = approve_id.clone();
            view! {
                <header class="page-header">
                    {named_title(format!("{} · {}", application_number(a.number.get()), a.company_name))}
                    <h1>{application_number(a.number.get())} " · " {a.company_name.clone()}</h1>
                    <p class="subtitle"><StatusBadge status=a.status /> " " {t(kind_msg(a.kind))}</p>
                </header>
                {a.possible_duplicate.then(|| view! {
                    <p class="alert alert-error" role="alert">{t(Msg::PossibleDuplicate)} ": " {t(Msg::DuplicateHint)}</p>
                })}
                <section class="card">
                    <dl class="facts">
                        <Fact label=Msg::CompanyName value=Some(a.company_name.clone()) />
                        <Fact label=Msg::TaxNumber value=a.tax_number.clone() />
                        <Fact label=Msg::Address value=a.address.clone() />
                        <Fact label=Msg::CompanyPhone value=a.company_phone.clone() />
                        <Fact label=Msg::DealerCode value=a.dealer_code.clone() />
                        <Fact label=Msg::MpnId value=a.mpn_id.clone() />
                        <Fact label=Msg::ContactName value=Some(a.contact_name.clone()) />
                        <Fact label=Msg::ContactEmail value=Some(a.contact_email.clone()) />
                        <Fact label=Msg::ContactPhone value=Some(a.contact_phone.clone()) />
                        <Fact label=Msg::SubmittedAt value=Some(format_datetime(a.submitted_at)) />
                        <Fact label=Msg::Reason value=a.rejection_reason.clone() />
                    </dl>
                </section>
                <DocumentList documents=a.documents.clone() base="/backoffice/documents".to_owned() />
                {(a.status == ApplicationStatus::Submitted).then(|| view! {
                    <section class="decision" aria-labelledby="decision-heading">
                        <h2 id="decision-heading">{t(Msg::Decision)}</h2>
                        <div class="cards">
                            <ActionForm action=approve attr:class="card" attr:aria-label=t(Msg::Approve)>
                                <input type="hidden" name="application_id" value=approve_id />
                                <div class="field">
                                    <label for="credit_limit">{t(Msg::CreditLimit)} " (USD)"</label>
                                    <input id="credit_limit" name="credit_limit" inputmode="decimal" value=DEFAULT_CREDIT_LIMIT.to_string() aria-describedby="credit_limit-error" />
                                    <FieldMessage error=approve_error field="credit_limit" />
                                </div>
                                // Invoicing (issue #21): how GİB delivers the partner's invoices, and its tax office.
                                <div class="field">
                                    <label for="invoice_profile">{t(Msg::EInvoiceRegistration)}</label>
                                    <select id="invoice_profile" name="invoice_profile" aria-describedby="invoice_profile-hint">
                                        {crate::domain::InvoiceProfile::ALL.into_iter().map(|profile| view! {
                                            <option value=profile.code()>{t(profile.label())}</option>
                                        }).collect_view()}
                                    </select>
                                    <p class="hint" id="invoice_profile-hint">{t(Msg::EInvoiceRegistrationHint)}</p>
                                </div>
                                <div class="field">
                                    <label for="tax_office">{t(Msg::TaxOffice)}</label>
                                    <input id="tax_office" name="tax_office" aria-describedby="tax_office-error" />
                                    <FieldMessage error=approve_error field="tax_office" />
                                </div>
                                <p class="hint">{t(Msg::ApproveHint)}</p>
                                {move || approve_error.get().filter(|e| e.field_message("credit_limit").is_none() && e.field_message("tax_office").is_none()).map(|error| view! { <ErrorAlert error /> })}
                                <button type="submit" class="button primary" disabled=move || approve.pending().get()>{t(Msg::Approve)}</button>
                            </ActionForm>
                            <ActionForm action=reject attr:class="card" attr:aria-label=t(Msg::Reject)>
                                <input type="hidden" name="application_id" value=reject_id />
                                <div class="field">
                                    <label for="reason">{t(Msg::RejectReason)}</label>
                                    <textarea id="reason" name="reason" rows="3" aria-describedby="reason-error"></textarea>
                                    <FieldMessage error=reject_error field="reason" />
                                </div>
                                {move || reject_error.get().filter(|e| e.field_message("reason").is_none()).map(|error| view! { <ErrorAlert error /> })}
                                <button type="submit" class="button" disabled=move || reject.pending().get()>{t(Msg::Reject)}</button>
                            </ActionForm>
                        </div>
                    </section>
                })}
            }
        })}
    }
}

#[component]
fn Fact(label: Msg, value: Option<String>) -> impl IntoView {
    value.map(|value| {
        view! {
            <div>
                <dt>{t(label)}</dt>
                <dd>{value}</dd>
            </div>
        }
    })
}
