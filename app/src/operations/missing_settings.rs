//! The settings this process runs without, for the staff whose pages they affect: operations on
//! Jobs (provisioning needs Partner Center), operations and credit control on the Outbox (mail
//! needs a mail server). Each says what does not work and which variable to set.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::{
    domain::MissingSetting,
    error::AppError,
    i18n::{Msg, t},
};

#[server(prefix = "/api", endpoint = "missing_settings")]
pub async fn missing_settings() -> Result<Vec<MissingSetting>, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::Oversee).await?;
    Ok(state.settings.missing.clone())
}

fn consequence(setting: MissingSetting) -> Msg {
    match setting {
        MissingSetting::MailServer => Msg::MissingMailServer,
        MissingSetting::PartnerCenter => Msg::MissingPartnerCenter,
        MissingSetting::Integrator => Msg::MissingIntegrator,
    }
}

/// A warning above the page's content when a setting is missing; nothing when all are there.
#[component]
pub fn MissingSettingsNotice() -> impl IntoView {
    let missing = Resource::new(|| (), |_| missing_settings());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let missing = missing.await.unwrap_or_default();
                (!missing.is_empty())
                    .then(|| {
                        view! {
                            <section class="alert alert-warning" role="status" aria-labelledby="missing-settings">
                                <h2 id="missing-settings">{t(Msg::MissingSettings)}</h2>
                                <ul>
                                    {missing
                                        .into_iter()
                                        .map(|setting| {
                                            view! {
                                                <li data-test="missing-setting">
                                                    {t(consequence(setting))} " " <code>{setting.variable()}</code>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <p>{t(Msg::MissingSettingsHelp)}</p>
                            </section>
                        }
                    })
            })}
        </Transition>
    }
}
