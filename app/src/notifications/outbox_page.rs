use leptos::prelude::*;

use super::{OutboxMail, OutboxStatus, list_outbox};
use crate::{
    components::{EmptyState, PageHeader, format_datetime, loaded},
    i18n::{Msg, t},
};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let mails = Resource::new(|| (), |_| list_outbox());
    view! {
        <PageHeader title=Msg::Outbox />
        {loaded(mails, |mails: Vec<OutboxMail>| {
            if mails.is_empty() {
                return view! { <EmptyState msg=Msg::NoMail /> }.into_any();
            }
            view! {
                <ul class="mail-list">
                    {mails
                        .into_iter()
                        .map(|m| {
                            let status = match m.status {
                                OutboxStatus::Pending => "pending",
                                OutboxStatus::Sent => "sent",
                                OutboxStatus::Failed => "failed",
                            };
                            let created = m
                                .created_at
                                .format(&time::format_description::well_known::Rfc3339)
                                .unwrap_or_default();
                            // Sent mail needs no delivery story; unsent mail that was tried
                            // shows how often and why it has not gone out.
                            let tried = m.status != OutboxStatus::Sent && m.attempts > 0;
                            let attempts = tried
                                .then(|| {
                                    view! {
                                        <span class="mail-attempts">
                                            {t(Msg::Attempts)} ": " {m.attempts}
                                        </span>
                                    }
                                });
                            let last_error = m
                                .last_error
                                .filter(|_| tried)
                                .map(|error| {
                                    view! {
                                        <p class="mail-error">{t(Msg::LastError)} ": " {error}</p>
                                    }
                                });
                            view! {
                                <li class="card mail">
                                    <details>
                                        <summary>
                                            <span class="mail-subject">{m.subject}</span>
                                            <span class="mail-to">{t(Msg::To)} ": " {m.recipient}</span>
                                            <span class=format!("badge {status}")>{status}</span>
                                            <time datetime=created>{format_datetime(m.created_at)} " UTC"</time>
                                            {attempts}
                                        </summary>
                                        {last_error}
                                        <pre class="mail-body">{m.body_text}</pre>
                                    </details>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        })}
    }
}
