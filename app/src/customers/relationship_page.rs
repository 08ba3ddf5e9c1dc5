use leptos::prelude::*;

use super::{RelationshipInfo, get_relationship};
use crate::{
    components::{PageHeader, loaded},
    i18n::{Msg, t},
};

/// Puts `text` on the clipboard and says so; without the clipboard the text stays selectable.
fn copy_to_clipboard(text: &str, copied: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
        copied.set(true);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (text, copied);
}

/// The link with a copy button (the text stays selectable when the clipboard is not available).
#[component]
pub fn RelationshipLinkBox(link: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let to_copy = link.clone();
    let copy = move |_| copy_to_clipboard(&to_copy, copied);
    view! {
        <div class="relationship-link card">
            <p>{t(Msg::RelationshipNeeded)}</p>
            <label for="relationship-link">{t(Msg::RelationshipLink)}</label>
            <div class="copy-row">
                <input id="relationship-link" readonly value=link />
                <button type="button" class="button" on:click=copy>{t(Msg::Copy)}</button>
            </div>
            <p role="status" class="copied">{move || copied.get().then(|| t(Msg::Copied)())}</p>
        </div>
    }
}

#[component]
pub fn RelationshipPage() -> impl IntoView {
    let info = Resource::new(|| (), |_| get_relationship());
    view! {
        <PageHeader title=Msg::RelationshipLink subtitle=Msg::RelationshipIntro />
        {loaded(info, |info: RelationshipInfo| {
            let copied = RwSignal::new(false);
            let message = info.message.clone();
            let copy = move |_| copy_to_clipboard(&message, copied);
            let with_tenant: Vec<_> = info.customers.into_iter().filter(|c| c.tenant_domain.is_some()).collect();
            view! {
                <RelationshipLinkBox link=info.link />
                <div class="field">
                    <label for="relationship-message">{t(Msg::SendReadyText)}</label>
                    <textarea id="relationship-message" readonly rows="12">{info.message}</textarea>
                    <p class="actions">
                        <button type="button" class="button" on:click=copy>{t(Msg::CopyMessage)}</button>
                        <span role="status" class="copied">{move || copied.get().then(|| t(Msg::Copied)())}</span>
                    </p>
                </div>
                <h2>{t(Msg::AcceptanceStatus)}</h2>
                {if with_tenant.is_empty() {
                    view! { <p class="empty-state">{t(Msg::NoTenantsYet)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="status-list">
                            {with_tenant.into_iter().map(|c| view! {
                                <li>
                                    <strong>{c.name}</strong> " · " {c.tenant_domain.unwrap_or_default()} " · "
                                    {if c.relationship_accepted {
                                        view! { <span class="badge ok">{t(Msg::RelationshipAccepted)}</span> }.into_any()
                                    } else {
                                        view! { <span class="badge warn">{t(Msg::RelationshipPending)}</span> }.into_any()
                                    }}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            }
        })}
    }
}
