//! Settings → Webhooks: the partner's endpoints and the form that adds one.

use leptos::prelude::*;

use super::{CreateWebhookEndpoint, EndpointSummary, EventType, MAX_ENDPOINTS, list_webhook_endpoints};
use crate::{
    components::{EmptyState, Field, FieldMessage, FormMessage, PageHeader, TableWrap, format_datetime, loaded},
    error::AppError,
    i18n::{Msg, t},
};

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let create = ServerAction::<CreateWebhookEndpoint>::new();
    let endpoints = Resource::new(move || create.version().get(), |_| list_webhook_endpoints());
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <PageHeader title=Msg::Webhooks subtitle=Msg::WebhooksIntro />
        {loaded(endpoints, |endpoints: Vec<EndpointSummary>| {
            if endpoints.is_empty() {
                view! { <EmptyState msg=Msg::NoWebhookEndpoints /> }.into_any()
            } else {
                view! { <EndpointTable endpoints /> }.into_any()
            }
        })}
        <section class="card" aria-labelledby="add-endpoint">
            <h2 id="add-endpoint">{t(Msg::AddWebhookEndpoint)}</h2>
            <ActionForm action=create attr:class="stacked-form">
                <FormMessage error fields=&["url", "description", "events"] />
                <Field name="url" label=Msg::WebhookUrl hint=Msg::WebhookUrlHint input_type="url" error />
                <Field name="description" label=Msg::WebhookDescription hint=Msg::WebhookDescriptionHint error />
                <EventChoices chosen=None error />
                <button type="submit" class="button primary" disabled=move || create.pending().get()>
                    {t(Msg::AddWebhookEndpoint)}
                </button>
            </ActionForm>
            <p class="hint">{t(Msg::WebhookLimit)} " " {MAX_ENDPOINTS}</p>
        </section>
        <SigningHelp />
    }
}

#[component]
fn EndpointTable(endpoints: Vec<EndpointSummary>) -> impl IntoView {
    view! {
        <TableWrap label=Msg::WebhookEndpoints>
            <table class="data-table">
                <caption class="visually-hidden">{t(Msg::WebhookEndpoints)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t(Msg::WebhookUrl)}</th>
                        <th scope="col">{t(Msg::WebhookDescription)}</th>
                        <th scope="col">{t(Msg::WebhookEvents)}</th>
                        <th scope="col">{t(Msg::Status)}</th>
                        <th scope="col">{t(Msg::Created)}</th>
                    </tr>
                </thead>
                <tbody>
                    {endpoints
                        .into_iter()
                        .map(|e| {
                            let href = format!("/cp/settings/webhooks/{}", e.id);
                            view! {
                                <tr>
                                    <th scope="row"><a href=href>{e.url.clone()}</a></th>
                                    <td>{e.description.clone()}</td>
                                    <td>{e.events.len()} " / " {EventType::SUBSCRIBABLE.len()}</td>
                                    <td><EnabledBadge enabled=e.enabled /></td>
                                    <td>{format_datetime(e.created_at)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
}

#[component]
pub(super) fn EnabledBadge(enabled: bool) -> impl IntoView {
    if enabled {
        view! { <span class="badge ok">{t(Msg::WebhookEnabled)}</span> }.into_any()
    } else {
        view! { <span class="badge">{t(Msg::WebhookDisabled)}</span> }.into_any()
    }
}

/// The events to send, one checkbox each. `chosen`: an endpoint's events (`None`: a new endpoint,
/// every event ticked). After a refused plain form post the boxes come back as they were posted.
#[component]
pub(super) fn EventChoices(
    chosen: Option<Vec<EventType>>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    // A refused form posts its URL (it is required), so its presence says this render shows one.
    let refused = crate::forms::refused_input("url").is_some();
    view! {
        <fieldset class="field" aria-describedby="events-error">
            <legend>{t(Msg::WebhookEvents)}</legend>
            {EventType::SUBSCRIBABLE
                .iter()
                .enumerate()
                .map(|(i, event)| {
                    let name = format!("events[{i}]");
                    let id = format!("event-{}", event.name().replace('.', "-"));
                    let checked = if refused {
                        crate::forms::refused_input(&name).is_some()
                    } else {
                        chosen.as_ref().is_none_or(|chosen| chosen.contains(event))
                    };
                    view! {
                        <div class="field checkbox">
                            <input type="checkbox" id=id.clone() name=name value=event.name() checked=checked />
                            <label for=id>{t(event.label())} " " <code class="sku">{event.name()}</code></label>
                        </div>
                    }
                })
                .collect_view()}
            <FieldMessage error field="events" />
        </fieldset>
    }
}

/// What a receiver needs to know to verify what it gets.
#[component]
fn SigningHelp() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="signing-help">
            <h2 id="signing-help">{t(Msg::WebhookSigningTitle)}</h2>
            <p>{t(Msg::WebhookSigningHelp)}</p>
            <p>{t(Msg::WebhookRetryHelp)}</p>
        </section>
    }
}
