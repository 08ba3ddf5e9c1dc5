use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{ApiKeyView, ApiScope, CreateApiKey, NewApiKey, RevokeApiKey, list_api_keys, reveal_api_key};
use crate::{
    components::{
        EmptyState, ErrorAlert, Field, FieldMessage, FormMessage, PageHeader, TableWrap, format_datetime, loaded,
    },
    domain::ApiKeyId,
    error::AppError,
    i18n::{Locale, Msg, current_locale, t},
};

/// Settings → API keys: make a key (its token shown once), see each key's scopes and last use,
/// revoke one. Works as plain forms without JavaScript.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_api_keys());
    // A key made by a form posted without JavaScript: its token is shown once, on the page the
    // form is sent back to.
    let query = use_query_map();
    let created = move || query.read().get("created").and_then(|id| id.parse::<ApiKeyId>().ok());
    let revealed = Resource::new(created, |id| async move {
        match id {
            Some(id) => reveal_api_key(id).await.map(Some),
            None => Ok(None),
        }
    });
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let revoke_error = move || revoke.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> });
    let made_now = move || {
        create.value().get().and_then(Result::ok).and_then(|NewApiKey { token, name, .. }| token.map(|t| (name, t)))
    };
    view! {
        <PageHeader title=Msg::ApiKeys subtitle=Msg::ApiKeysHelp />
        <p class="subnav">
            <a href="/cp/settings">{t(Msg::Settings)}</a>
            " · "
            <a href="/api/v1/docs" rel="external">{t(Msg::ApiReference)}</a>
            " · "
            <a href="/api/v1/openapi.json" rel="external">{t(Msg::OpenApiDocument)}</a>
        </p>
        {move || made_now().map(|(name, token)| view! { <TokenBox name token /> })}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match revealed.await {
                    Ok(Some(Some(token))) => view! { <TokenBox name=String::new() token /> }.into_any(),
                    Ok(Some(None)) => view! { <p class="alert alert-info" role="status">{t(Msg::KeyAlreadyShown)}</p> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
        <NewKeyForm create error />
        {revoke_error}
        {loaded(keys, move |keys: Vec<ApiKeyView>| {
            if keys.is_empty() {
                return view! { <EmptyState msg=Msg::NoApiKeys /> }.into_any();
            }
            view! { <KeysTable keys revoke /> }.into_any()
        })}
    }
}

/// The token of a key just made, the one time it is shown.
#[component]
fn TokenBox(name: String, token: String) -> impl IntoView {
    view! {
        <section class="card alert alert-info new-key" role="status" aria-labelledby="new-key-title">
            <h2 id="new-key-title">{t(Msg::KeyCreated)} {(!name.is_empty()).then(|| format!(": {name}"))}</h2>
            <p><code class="token" data-test="api-key-token">{token}</code></p>
            <p>{t(Msg::KeyShownOnce)}</p>
        </section>
    }
}

const FORM_FIELDS: &[&str] = &["name", "scopes", "language"];

#[component]
fn NewKeyForm(create: ServerAction<CreateApiKey>, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = current_locale();
    // Without JavaScript a refused form comes back with what was ticked.
    let refused = crate::forms::refused_input("name").is_some();
    let ticked = move |field: &str, default: bool| {
        if refused { crate::forms::refused_input(field).is_some() } else { default }
    };
    let scope_field = |scope: ApiScope| format!("scope_{}", scope.code());
    view! {
        <section class="card" aria-labelledby="new-key-heading">
            <h2 id="new-key-heading">{t(Msg::NewApiKey)}</h2>
            <ActionForm action=create attr:class="stacked-form" attr:novalidate=true>
                <Field name="name" label=Msg::KeyName hint=Msg::KeyNameHint error />
                <fieldset class="choice" aria-describedby="scopes-error">
                    <legend>{t(Msg::Scopes)}</legend>
                    {ApiScope::ALL
                        .into_iter()
                        .map(|scope| {
                            let field = scope_field(scope);
                            let checked = ticked(&field, scope == ApiScope::Read);
                            view! {
                                <label class="checkbox">
                                    <input type="checkbox" name=field value="on" checked=checked />
                                    <strong>{t(scope.label())}</strong>
                                    " — "
                                    <span class="hint">{t(scope.hint())}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                    <FieldMessage error field="scopes" />
                </fieldset>
                <div class="field">
                    <label for="language">{t(Msg::KeyLanguage)}</label>
                    <select id="language" name="language" aria-describedby="language-hint">
                        <option value="en" selected=locale == Locale::En>{t(Msg::English)}</option>
                        <option value="tr" selected=locale == Locale::Tr>{t(Msg::Turkish)}</option>
                    </select>
                    <p class="hint" id="language-hint">{t(Msg::KeyLanguageHint)}</p>
                </div>
                <FormMessage error fields=FORM_FIELDS />
                <button type="submit" class="button primary" disabled=move || create.pending().get()>
                    {t(Msg::CreateKey)}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn KeysTable(keys: Vec<ApiKeyView>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    view! {
        <TableWrap label=Msg::ApiKeys>
            <table class="data-table api-keys">
                <thead>
                    <tr>
                        <th scope="col">{t(Msg::KeyName)}</th>
                        <th scope="col">{t(Msg::KeyPrefix)}</th>
                        <th scope="col">{t(Msg::Scopes)}</th>
                        <th scope="col">{t(Msg::Created)}</th>
                        <th scope="col">{t(Msg::LastUsed)}</th>
                        <th scope="col">{t(Msg::Status)}</th>
                        <th scope="col">{t(Msg::Actions)}</th>
                    </tr>
                </thead>
                <tbody>
                    {keys
                        .into_iter()
                        .map(|key| {
                            let revoked = key.revoked_at.is_some();
                            let scopes = key.scopes.clone();
                            view! {
                                <tr data-key=key.prefix.clone()>
                                    <th scope="row">{key.name.clone()}</th>
                                    <td><code>{format!("{}…", key.prefix)}</code></td>
                                    <td>
                                        {scopes
                                            .into_iter()
                                            .map(|scope| view! { <span class="badge">{t(scope.label())}</span> " " })
                                            .collect_view()}
                                    </td>
                                    <td>{format_datetime(key.created_at)} <br /><span class="muted">{key.created_by.clone()}</span></td>
                                    <td>
                                        {match key.last_used_at {
                                            Some(at) => format_datetime(at).into_any(),
                                            None => t(Msg::NeverUsed).into_any(),
                                        }}
                                    </td>
                                    <td>
                                        {match key.revoked_at {
                                            Some(at) => view! {
                                                <span class="badge bad">{t(Msg::KeyRevoked)}</span>
                                                " " <span class="muted">{format_datetime(at)}</span>
                                            }
                                            .into_any(),
                                            None => view! { <span class="badge ok">{t(Msg::KeyActive)}</span> }.into_any(),
                                        }}
                                    </td>
                                    <td>
                                        {(!revoked).then(|| view! { <RevokeBox key_id=key.key_id name=key.name.clone() revoke /> })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
}

/// Revoking cannot be undone: it is confirmed first (a disclosure, so it works without JavaScript).
#[component]
fn RevokeBox(key_id: ApiKeyId, name: String, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary class="button danger">{t(Msg::RevokeKey)}<span class="visually-hidden">" " {name}</span></summary>
            <p>{t(Msg::RevokeKeyConfirm)}</p>
            <ActionForm action=revoke attr:class="inline-form">
                <input type="hidden" name="key_id" value=key_id.to_string() />
                <button type="submit" class="button danger" disabled=move || revoke.pending().get()>
                    {t(Msg::ConfirmRevoke)}
                </button>
            </ActionForm>
        </details>
    }
}
