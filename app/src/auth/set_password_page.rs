use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{SetPassword, go_to};
use crate::{
    components::{Field, FormMessage, page_title},
    i18n::{Msg, t},
};

/// Where a set-password link leads: the new password twice, then sign-in. The token travels as
/// a hidden field, so the form works without JavaScript too.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let action = ServerAction::<SetPassword>::new();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let pending = action.pending();

    Effect::new(move |_| {
        if let Some(Ok(destination)) = action.value().get() {
            go_to(&destination);
        }
    });

    view! {
        <section class="auth-card">
            {page_title(Msg::SetYourPassword)}
            <h1>{t(Msg::SetYourPassword)}</h1>
            <p class="subtitle">{t(Msg::SetYourPasswordHelp)}</p>
            <ActionForm action=action attr:novalidate=true attr:aria-label=t(Msg::SetYourPassword)>
                <input type="hidden" name="token" value=token />
                <Field
                    name="new_password"
                    label=Msg::NewPassword
                    input_type="password"
                    autocomplete="new-password"
                    hint=Msg::PasswordRules
                    error
                />
                <Field
                    name="confirm_password"
                    label=Msg::ConfirmPassword
                    input_type="password"
                    autocomplete="new-password"
                    error
                />
                <FormMessage error fields=&["new_password", "confirm_password"] />
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { t(Msg::Saving)() } else { t(Msg::SavePassword)() }}
                </button>
            </ActionForm>
        </section>
    }
}
