use leptos::prelude::*;

use super::{AttentionLists, TodoList, back_office_attention};
use crate::{
    components::{PageHeader, format_datetime, loaded},
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

/// One kind of to-do: how many, the oldest few as links to where each is resolved, and an empty
/// state that says all is well.
#[component]
fn TodoCard(list: TodoList, id: &'static str, title: Msg, empty: Msg, all: &'static str) -> impl IntoView {
    let shown = list.items.len() as i64;
    let total = list.total;
    let body = if list.items.is_empty() {
        view! { <p class="all-clear">{t(empty)}</p> }.into_any()
    } else {
        view! {
            <ul class="todo-list">
                {list
                    .items
                    .into_iter()
                    .map(|todo| view! {
                        <li>
                            <a href=todo.href>{todo.title}</a>
                            <span class="muted">{todo.detail}</span>
                            {todo.since.map(|at| view! { <span class="since">{format_datetime(at)}</span> })}
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card todo" class:quiet=total == 0 aria-labelledby=id>
            <h3 id=id>
                {t(title)} " "
                <span class=if total == 0 { "badge ok" } else { "badge warn" }>{total}</span>
            </h3>
            {body}
            {(total > shown).then(|| view! { <a class="see-all" href=all>{t(Msg::SeeAll)} " (" {total} ")"</a> })}
        </section>
    }
}
