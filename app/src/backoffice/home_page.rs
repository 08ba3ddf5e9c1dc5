use leptos::prelude::*;

use super::{AttentionLists, back_office_attention};
use crate::{
    components::{PageHeader, TodoCard, TodoList, loaded},
    i18n::{Msg, t},
    live::use_live,
};

/// The back office opens on what needs doing, for the signed-in role, and follows the live
/// stream: an order that starts waiting for credit or a job that dies shows without a reload.
#[component]
pub fn BackOfficePage() -> impl IntoView {
    let changes = use_live().changes(|| None);
    let attention = Resource::new(move || changes.get(), |_| back_office_attention());
    view! {
        <PageHeader title=Msg::BackOffice />
        <h2 class="section-title">{t(Msg::NeedsAttention)}</h2>
        {loaded(attention, |a: AttentionLists| {
            let card = |list: Option<TodoList>, id: &'static str, title: Msg, empty: Msg, all: &'static str| {
                list.map(|list| view! { <TodoCard list id title empty all /> })
            };
            view! {
                <div class="attention">
                    {card(a.applications, "todo-applications", Msg::ApplicationsWaiting, Msg::NoApplicationsWaiting, "/backoffice/applications")}
                    {card(a.credit_approvals, "todo-credit", Msg::CreditApprovalsWaiting, Msg::NoCreditApprovalsWaiting, "/backoffice/orders")}
                    {card(a.near_limit, "todo-limits", Msg::PartnersNearLimit, Msg::NoPartnersNearLimit, "/backoffice/partners")}
                    {card(a.dead_jobs, "todo-jobs", Msg::DeadJobs, Msg::NoDeadJobs, "/backoffice/jobs")}
                    {card(a.undelivered_mail, "todo-mail", Msg::UndeliveredMail, Msg::NoUndeliveredMail, "/backoffice/outbox")}
                </div>
            }
        })}
    }
}
