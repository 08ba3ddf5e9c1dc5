//! The EN | TR switch in the header, and remembering the choice: for the next page in a cookie,
//! and for a signed-in person's mail in their account (`app_user.language`).

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{Locale, Msg, t, use_i18n};

/// Remembers the chosen language in a cookie. Without JavaScript the form post is answered with
/// a redirect back to the page it came from, which then renders in the new language.
#[server(prefix = "/api", endpoint = "set_locale")]
pub async fn set_locale(locale: String) -> Result<(), AppError> {
    let locale = Locale::from_code(&locale);
    // Signed in, the choice is also the language of the mail this person gets.
    let state = crate::state::app_state()?;
    if let Some(user) = super::ssr::current_user(&state.pool).await? {
        super::ssr::remember_language(&state.pool, user.user_id, locale).await?;
    }
    let cookie = cookie::Cookie::build((crate::i18n::LANG_COOKIE, locale.code()))
        .path("/")
        .max_age(cookie::time::Duration::days(365))
        .same_site(cookie::SameSite::Lax)
        .build();
    let options = expect_context::<leptos_axum::ResponseOptions>();
    let value = http::HeaderValue::from_str(&cookie.to_string())
        .map_err(|e| crate::error::ssr::internal("building the language cookie", e))?;
    options.append_header(http::header::SET_COOKIE, value);
    Ok(())
}

/// The EN | TR switch in the header. The labels switch at once; once the server remembers the
/// choice the page is loaded again, so what the server wrote into it (a refusal, a vendor's
/// reason, an amount or a date) is in the new language too, as it is without JavaScript.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let action = ServerAction::<SetLocale>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            let _ = window().location().reload();
        }
    });
    view! {
        <ActionForm action=action attr:class="language-switch">
            <span class="visually-hidden">{t(Msg::Language)}</span>
            <LanguageButton locale=Locale::En name=Msg::English />
            <LanguageButton locale=Locale::Tr name=Msg::Turkish />
        </ActionForm>
    }
}

#[component]
fn LanguageButton(locale: Locale, name: Msg) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="submit"
            name="locale"
            value=locale.code()
            lang=locale.code()
            aria-pressed=move || (i18n.get() == locale).to_string()
            // Switch the UI at once; the server call only remembers the choice for the next page.
            on:click=move |_| i18n.locale.set(locale)
        >
            {locale.switch_label()}
            <span class="visually-hidden">" " {name.text(locale)}</span>
        </button>
    }
}
