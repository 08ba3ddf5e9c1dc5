use leptos::prelude::*;

use super::{ChangePassword, get_me, go_to};
use crate::{
    components::{FieldMessage, FormMessage, invalid_attr},
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
            <h1>{t(Msg::ChangePassword)}</h1>
            <Transition fallback=|| ()>{forced}</Transition>
            <ActionForm action=action attr:novalidate=true attr:aria-label=t(Msg::ChangePassword)>
                <div class="field">
                    <label for="current_password">{t(Msg::CurrentPassword)}</label>
                    <input
                        id="current_password"
                        name="current_password"
                        type="password"
                        autocomplete="current-password"
                        aria-invalid=invalid_attr(error, "current_password")
                        aria-describedby="current_password-error"
                    />
                    <FieldMessage error field="current_password" />
                </div>
                <div class="field">
                    <label for="new_password">{t(Msg::NewPassword)}</label>
                    <input
                        id="new_password"
                        name="new_password"
                        type="password"
                        autocomplete="new-password"
                        aria-invalid=invalid_attr(error, "new_password")
                        aria-describedby="new_password-hint new_password-error"
                    />
                    <p class="hint" id="new_password-hint">{t(Msg::PasswordRules)}</p>
                    <FieldMessage error field="new_password" />
                </div>
                <div class="field">
                    <label for="confirm_password">{t(Msg::ConfirmPassword)}</label>
                    <input
                        id="confirm_password"
                        name="confirm_password"
                        type="password"
                        autocomplete="new-password"
                        aria-invalid=invalid_attr(error, "confirm_password")
                        aria-describedby="confirm_password-error"
                    />
                    <FieldMessage error field="confirm_password" />
                </div>
                <FormMessage error fields=&["current_password", "new_password", "confirm_password"] />
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { t(Msg::Saving)() } else { t(Msg::SavePassword)() }}
                </button>
            </ActionForm>
        </section>
    }
}
