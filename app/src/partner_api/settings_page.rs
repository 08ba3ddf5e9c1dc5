use leptos::prelude::*;

use crate::{
    components::PageHeader,
    i18n::{Msg, t},
};

/// Control Panel → Settings: where a partner connects its own systems, by API keys (the partner
/// API) and webhooks.
#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <PageHeader title=Msg::Settings subtitle=Msg::SettingsHelp />
        <div class="cards">
            <section class="card" aria-labelledby="settings-api-keys">
                <h2 id="settings-api-keys">{t(Msg::ApiKeys)}</h2>
                <p>{t(Msg::ApiKeysHelp)}</p>
                <p class="actions">
                    <a class="button primary" href="/cp/settings/api-keys">{t(Msg::ApiKeys)}</a>
                    <a class="button" href="/api/v1/docs" rel="external">{t(Msg::ApiReference)}</a>
                </p>
            </section>
            <section class="card" aria-labelledby="settings-webhooks">
                <h2 id="settings-webhooks">{t(Msg::Webhooks)}</h2>
                <p>{t(Msg::WebhooksHelp)}</p>
                <p class="actions">
                    <a class="button" href="/cp/settings/webhooks">{t(Msg::Webhooks)}</a>
                </p>
            </section>
        </div>
    }
}
