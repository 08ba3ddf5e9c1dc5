use leptos::prelude::*;

use super::{MailSecretKind, OutboxMail, OutboxStatus, SECRET_SLOT, list_outbox};
use crate::{
    components::{EmptyState, PageHeader, format_datetime, loaded},
    i18n::{Msg, t},
    operations::MissingSettingsNotice,
};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let mails = Resource::new(|| (), |_| list_outbox());
    view! {
        <PageHeader title=Msg::Outbox />
        <MissingSettingsNotice />
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
                            let carries = m
                                .secret_kind
                                .map(|kind| {
                                    let what = match kind {
                                        MailSecretKind::SetPasswordLink => Msg::CarriesSignInLink,
                                        MailSecretKind::AdminPassword => Msg::CarriesOneTimePassword,
                                    };
                                    view! { <span class="badge secret">{t(what)}</span> }
                                });
                            let shown_link = m
                                .revealed_secret
                                .is_some()
                                .then(|| view! { <p class="alert alert-info">{t(Msg::LinkShownNoMailServer)}</p> });
                            let body = m.body_text.map(|body| mail_body(body, m.revealed_secret));
                            view! {
                                <li class="card mail">
                                    <details>
                                        <summary>
                                            <span class="mail-subject">{m.subject}</span>
                                            <span class="mail-to">{t(Msg::To)} ": " {m.recipient}</span>
                                            <span class=format!("badge {status}")>{status}</span>
                                            {carries}
                                            <time datetime=created>{format_datetime(m.created_at)} " UTC"</time>
                                            {attempts}
                                        </summary>
                                        {last_error}
                                        {shown_link}
                                        {body}
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

/// A mail's body with its secret slot filled: by the secret where credit control may read it
/// (see `OutboxMail`), else by a note that it went only to the recipient.
fn mail_body(body: String, revealed: Option<String>) -> impl IntoView {
    let mut parts = body.split(SECRET_SLOT).map(str::to_owned).collect::<Vec<_>>().into_iter();
    let first = parts.next().unwrap_or_default();
    let rest = parts
        .map(|part| {
            let slot = match &revealed {
                Some(secret) => view! { <code class="secret">{secret.clone()}</code> }.into_any(),
                None => view! { <em class="secret-withheld">{t(Msg::SecretWithheld)}</em> }.into_any(),
            };
            view! { {slot} {part} }
        })
        .collect_view();
    view! { <pre class="mail-body">{first} {rest}</pre> }
}
