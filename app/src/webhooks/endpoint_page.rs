//! One webhook endpoint: its settings, its signing secret (shown once when made, rotated here),
//! "Send test event", its delivery log with "Redeliver", and deleting it.

use leptos::prelude::*;

use super::{
    DeleteWebhookEndpoint, DeliveryView, EndpointDetail, ROTATION_OVERLAP_HOURS, RedeliverWebhook, RotateWebhookSecret,
    SendTestWebhook, UpdateWebhookEndpoint, WebhookDeliveryStatus, WebhookEndpointId, get_webhook_endpoint,
    list_webhook_deliveries,
    webhooks_page::{EnabledBadge, EventChoices},
};
use crate::{
    components::{
        EmptyState, ErrorAlert, Field, FieldMessage, FormMessage, TableWrap, format_datetime, loaded, named_title,
    },
    error::AppError,
    i18n::{Msg, t},
};

#[component]
pub fn WebhookEndpointPage() -> impl IntoView {
    let id_param = crate::components::route_param::<WebhookEndpointId>("id");
    let id = move || id_param().unwrap_or(WebhookEndpointId(uuid::Uuid::nil()));
    let update = ServerAction::<UpdateWebhookEndpoint>::new();
    let rotate = ServerAction::<RotateWebhookSecret>::new();
    let test = ServerAction::<SendTestWebhook>::new();
    let redeliver = ServerAction::<RedeliverWebhook>::new();
    let delete = ServerAction::<DeleteWebhookEndpoint>::new();
    let detail = Resource::new(
        move || (id(), update.version().get(), rotate.version().get()),
        |(id, ..)| get_webhook_endpoint(id),
    );
    // Deliveries happen in the background: while one is pending the log (alone: not the form
    // being typed in) refreshes itself.
    let tick = RwSignal::new(0u32);
    let log = Resource::new(
        move || (id(), test.version().get(), redeliver.version().get(), tick.get()),
        |(id, ..)| list_webhook_deliveries(id),
    );
    Effect::new(move |_| {
        let pending = log
            .get()
            .and_then(Result::ok)
            .is_some_and(|log| log.iter().any(|d| d.status == WebhookDeliveryStatus::Pending));
        if pending {
            set_timeout(move || tick.update(|n| *n += 1), std::time::Duration::from_secs(2));
        }
    });
    let refused = move || {
        [rotate.value().get(), test.value().get(), redeliver.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .map(|error| view! { <ErrorAlert error /> })
    };
    view! {
        <p class="subnav"><a href="/cp/settings/webhooks">{t(Msg::Webhooks)}</a></p>
        {refused}
        {loaded(detail, move |detail: EndpointDetail| {
            let endpoint = detail.endpoint.clone();
            view! {
                {named_title(endpoint.url.clone())}
                <header class="page-header">
                    <p class="eyebrow">{t(Msg::WebhookEndpoint)}</p>
                    <h1 class="endpoint-url">{endpoint.url.clone()}</h1>
                    <p class="subtitle">
                        <EnabledBadge enabled=endpoint.enabled />
                        {(!endpoint.description.is_empty()).then(|| view! { " · " {endpoint.description.clone()} })}
                    </p>
                </header>
                {detail.fresh_secret.clone().map(|secret| view! { <FreshSecretBox secret /> })}
                <section class="card" aria-labelledby="delivery-log">
                    <h2 id="delivery-log">{t(Msg::WebhookDeliveryLog)}</h2>
                    <div class="toolbar">
                        <ActionForm action=test attr:class="inline-form">
                            <input type="hidden" name="endpoint_id" value=endpoint.id.to_string() />
                            <button type="submit" class="button" disabled=move || test.pending().get()>
                                {t(Msg::SendTestEvent)}
                            </button>
                        </ActionForm>
                        <a class="button link" href=format!("/cp/settings/webhooks/{}", endpoint.id)>{t(Msg::Refresh)}</a>
                    </div>
                    {loaded(log, move |deliveries: Vec<DeliveryView>| view! { <DeliveryLog deliveries redeliver /> })}
                </section>
                <SettingsForm detail=detail.clone() update />
                <SecretSection detail=detail.clone() rotate />
                <DeleteSection endpoint_id=endpoint.id delete />
            }
        })}
    }
}

/// A secret just made: shown this once.
#[component]
fn FreshSecretBox(secret: String) -> impl IntoView {
    view! {
        <section class="alert alert-success fresh-secret" role="status" aria-labelledby="fresh-secret-title">
            <h2 id="fresh-secret-title">{t(Msg::WebhookSecretTitle)}</h2>
            <label for="fresh-secret">{t(Msg::WebhookSigningSecret)}</label>
            <div class="copy-row">
                <input id="fresh-secret" readonly value=secret spellcheck="false" autocomplete="off" />
            </div>
            <p>{t(Msg::WebhookSecretShownOnce)}</p>
        </section>
    }
}

#[component]
fn DeliveryLog(deliveries: Vec<DeliveryView>, redeliver: ServerAction<RedeliverWebhook>) -> impl IntoView {
    if deliveries.is_empty() {
        return view! { <EmptyState msg=Msg::NoWebhookDeliveries /> }.into_any();
    }
    view! {
        <TableWrap label=Msg::WebhookDeliveryLog>
            <table class="data-table delivery-log">
                <thead>
                    <tr>
                        <th scope="col">{t(Msg::WebhookEvent)}</th>
                        <th scope="col">{t(Msg::Status)}</th>
                        <th scope="col" class="num">{t(Msg::WebhookResponseCode)}</th>
                        <th scope="col" class="num">{t(Msg::WebhookDuration)}</th>
                        <th scope="col" class="num">{t(Msg::JobAttempts)}</th>
                        <th scope="col">{t(Msg::Created)}</th>
                        <th scope="col">{t(Msg::Actions)}</th>
                    </tr>
                </thead>
                <tbody>
                    {deliveries.into_iter().map(|d| view! { <DeliveryRow delivery=d redeliver /> }).collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
    .into_any()
}

#[component]
fn DeliveryRow(delivery: DeliveryView, redeliver: ServerAction<RedeliverWebhook>) -> impl IntoView {
    let last = delivery.last_attempt().cloned();
    let code = last.as_ref().and_then(|a| a.response_status).map(|s| s.to_string()).unwrap_or_else(|| "—".into());
    let duration = last.as_ref().map(|a| format!("{} ms", a.duration_ms)).unwrap_or_else(|| "—".into());
    let attempts = delivery.attempt_log.clone();
    view! {
        <tr data-delivery=delivery.id.to_string() data-status=format!("{:?}", delivery.status)>
            <th scope="row">
                <code>{delivery.event_type.name()}</code>
                <br />
                <span class="sku">{delivery.message_id.clone()}</span>
            </th>
            <td><span class=delivery.status.tone()>{t(delivery.status.label())}</span></td>
            <td class="num">{code}</td>
            <td class="num">{duration}</td>
            <td class="num">{delivery.attempts}</td>
            <td>{format_datetime(delivery.created_at)}</td>
            <td>
                <ActionForm action=redeliver attr:class="inline-form">
                    <input type="hidden" name="delivery_id" value=delivery.id.to_string() />
                    <button type="submit" class="button" disabled=move || redeliver.pending().get()>
                        {t(Msg::Redeliver)}
                    </button>
                </ActionForm>
            </td>
        </tr>
        {(!attempts.is_empty()).then(|| view! {
            <tr class="attempts">
                <td colspan="7">
                    <details>
                        <summary>{t(Msg::WebhookAttempts)}</summary>
                        <ol class="attempt-list">
                            {attempts.into_iter().map(|a| view! {
                                <li>
                                    {format_datetime(a.at)} " · " {t(a.outcome.label())}
                                    {a.response_status.map(|s| view! { " · HTTP " {s} })}
                                    " · " {a.duration_ms} " ms"
                                    {a.detail.map(|d| view! { <br /><span class="muted">{d}</span> })}
                                    {a.response_excerpt.map(|body| view! {
                                        <pre class="response-excerpt" aria-label=t(Msg::WebhookResponseBody)>{body}</pre>
                                    })}
                                </li>
                            }).collect_view()}
                        </ol>
                    </details>
                </td>
            </tr>
        })}
    }
}

#[component]
fn SettingsForm(detail: EndpointDetail, update: ServerAction<UpdateWebhookEndpoint>) -> impl IntoView {
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let saved = move || update.value().get().is_some_and(|r| r.is_ok());
    let endpoint = detail.endpoint;
    let enabled = crate::forms::refused_input("url")
        .map(|_| crate::forms::refused_input("enabled").is_some())
        .unwrap_or(endpoint.enabled);
    view! {
        <section class="card" aria-labelledby="endpoint-settings">
            <h2 id="endpoint-settings">{t(Msg::WebhookSettings)}</h2>
            <ActionForm action=update attr:class="stacked-form">
                <input type="hidden" name="endpoint_id" value=endpoint.id.to_string() />
                <FormMessage error fields=&["url", "description", "events", "enabled"] />
                <Field name="url" label=Msg::WebhookUrl hint=Msg::WebhookUrlHint input_type="url" value=endpoint.url error />
                <Field
                    name="description"
                    label=Msg::WebhookDescription
                    hint=Msg::WebhookDescriptionHint
                    value=endpoint.description
                    error
                />
                <EventChoices chosen=Some(endpoint.events) error />
                <div class="field checkbox">
                    <input type="checkbox" id="enabled" name="enabled" checked=enabled />
                    <label for="enabled">{t(Msg::WebhookEnabledLabel)}</label>
                    <FieldMessage error field="enabled" />
                </div>
                <button type="submit" class="button primary" disabled=move || update.pending().get()>{t(Msg::Save)}</button>
                <p role="status" class="copied">{move || saved().then(|| t(Msg::Saved)())}</p>
            </ActionForm>
        </section>
    }
}

#[component]
fn SecretSection(detail: EndpointDetail, rotate: ServerAction<RotateWebhookSecret>) -> impl IntoView {
    let endpoint = detail.endpoint;
    view! {
        <section class="card" aria-labelledby="signing-secret">
            <h2 id="signing-secret">{t(Msg::WebhookSigningSecret)}</h2>
            <p>{t(Msg::WebhookSecretHidden)}</p>
            {endpoint.previous_secret_expires_at.map(|until| view! {
                <p class="alert alert-info">{t(Msg::WebhookPreviousSecretUntil)} " " {format_datetime(until)} " UTC"</p>
            })}
            <p>{t(Msg::WebhookRotateHelp)} " " {ROTATION_OVERLAP_HOURS} " " {t(Msg::Hours)}</p>
            <ActionForm action=rotate attr:class="inline-form">
                <input type="hidden" name="endpoint_id" value=endpoint.id.to_string() />
                <button type="submit" class="button" disabled=move || rotate.pending().get()>{t(Msg::RotateSecret)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn DeleteSection(endpoint_id: WebhookEndpointId, delete: ServerAction<DeleteWebhookEndpoint>) -> impl IntoView {
    let error: Signal<Option<AppError>> = Signal::derive(move || delete.value().get().and_then(Result::err));
    view! {
        <section class="card danger-zone" aria-labelledby="delete-endpoint">
            <h2 id="delete-endpoint">{t(Msg::DeleteWebhookEndpoint)}</h2>
            <ActionForm action=delete attr:class="stacked-form">
                <input type="hidden" name="endpoint_id" value=endpoint_id.to_string() />
                <FormMessage error fields=&["confirm"] />
                <div class="field checkbox">
                    <input type="checkbox" id="confirm" name="confirm" aria-describedby="confirm-error" />
                    <label for="confirm">{t(Msg::WebhookConfirmDeleteLabel)}</label>
                    <FieldMessage error field="confirm" />
                </div>
                <button type="submit" class="button danger" disabled=move || delete.pending().get()>
                    {t(Msg::DeleteWebhookEndpoint)}
                </button>
            </ActionForm>
        </section>
    }
}
