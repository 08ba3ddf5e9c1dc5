use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{Login, go_to};
use crate::{
    components::{Field, FormMessage, page_title},
    i18n::{Msg, t},
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    // Back from a set-password link.
    let password_set = move || query.read().get("password_set").is_some();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let pending = action.pending();

    Effect::new(move |_| {
        if let Some(Ok(destination)) = action.value().get() {
            go_to(&destination);
        }
    });

    view! {
        <section class="auth-card">
            {page_title(Msg::SignInTitle)}
            <h1>{t(Msg::SignInTitle)}</h1>
            <p class="subtitle">{t(Msg::SignInHelp)}</p>
            {move || {
                password_set()
                    .then(|| view! { <p class="alert alert-success" role="status">{t(Msg::PasswordSetSignIn)}</p> })
            }}
            <ActionForm action=action attr:novalidate=true attr:aria-label=t(Msg::SignIn)>
                <input type="hidden" name="next" value=next />
                <Field name="email" label=Msg::Email input_type="email" autocomplete="username" error />
                <Field name="password" label=Msg::Password input_type="password" autocomplete="current-password" error />
                <FormMessage error fields=&["email", "password"] />
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { t(Msg::SigningIn)() } else { t(Msg::SignIn)() }}
                </button>
            </ActionForm>
        </section>
    }
}
