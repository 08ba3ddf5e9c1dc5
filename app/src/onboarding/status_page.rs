use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{ApplicationDetail, ApplicationStatus, application_number, get_application_status};
use crate::{
    components::{loaded, page_title},
    i18n::{Msg, t},
    onboarding::applications_page::{DocumentList, StatusBadge},
};

/// The applicant's status page, reached through the secret link it was given and e-mailed.
#[component]
pub fn ApplicationStatusPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let application = Resource::new(token, get_application_status);
    view! {
        {loaded(application, move |a: ApplicationDetail| {
            let base = format!("/applications/{}/documents", token());
            view! {
                <header class="page-header">
                    {page_title(Msg::ApplicationTitle)}
                    <h1>{t(Msg::ApplicationTitle)}</h1>
                    <p class="subtitle">{a.company_name.clone()}</p>
                </header>
                <section class="card">
                    <dl class="facts">
                        <div>
                            <dt>{t(Msg::ApplicationNumber)}</dt>
                            <dd data-test="application-number">{application_number(a.number.get())}</dd>
                        </div>
                        <div>
                            <dt>{t(Msg::Status)}</dt>
                            <dd><StatusBadge status=a.status /></dd>
                        </div>
                    </dl>
                    {match a.status {
                        ApplicationStatus::Submitted => view! { <p class="hint">{t(Msg::ApplicationSaved)}</p> }.into_any(),
                        ApplicationStatus::Approved => view! { <p class="alert alert-info">{t(Msg::ApprovedNext)}</p> }.into_any(),
                        ApplicationStatus::Rejected => view! {
                            <p class="alert alert-error">
                                {t(Msg::Reason)} ": " {a.rejection_reason.clone().unwrap_or_default()}
                            </p>
                        }
                        .into_any(),
                    }}
                </section>
                <DocumentList documents=a.documents base />
            }
        })}
    }
}
