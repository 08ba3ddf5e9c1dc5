use leptos::prelude::*;

use super::{ChangePassword, get_me, go_to};
use crate::{
    components::{Field, FormMessage, page_title},
    i18n::{Msg, t},
};

#[component]
pub fn PasswordPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let me = Resource::new(|| (), |_| get_me());
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let pending = action.pending();

    Effect::new(move |_| {
        if let Some(Ok(destination)) = action.value().get() {
            go_to(&destination);
        }
    });

    let forced = move || {
        Suspend::new(async move {
            let forced = matches!(me.await, Ok(Some(me)) if me.must_change_password);
            forced.then(|| view! { <p class="alert alert-info" role="status">{t(Msg::ChangePasswordForced)}</p> })
        })
    };

    view! {
        <section class="auth-card">
            {page_title(Msg::ChangePassword)}
            <h1>{t(Msg::ChangePassword)}</h1>
            <Transition fallback=|| ()>{forced}</Transition>
            <ActionForm action=action attr:novalidate=true attr:aria-label=t(Msg::ChangePassword)>
                <Field
                    name="current_password"
                    label=Msg::CurrentPassword
                    input_type="password"
                    autocomplete="current-password"
                    error
                />
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
                <FormMessage error fields=&["current_password", "new_password", "confirm_password"] />
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { t(Msg::Saving)() } else { t(Msg::SavePassword)() }}
                </button>
            </ActionForm>
            <p class="muted">{t(Msg::MailLanguageHint)}</p>
        </section>
    }
}
