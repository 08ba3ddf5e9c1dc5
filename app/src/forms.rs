//! What a refused plain form post (JavaScript off or not loaded yet) typed, shown again.
//!
//! Without JavaScript a refused form post is answered with a redirect back to the form page,
//! which is rendered anew: by itself it would come back empty, with the user's choices and text
//! gone. The server keeps the posted fields in the session for that one redirect (never a
//! password) and hands them to the page render, where [`refused_input`] reads them. With
//! JavaScript the form never reloads, so none of this is used.

use serde::{Deserialize, Serialize};

/// The session key the refused fields wait under until the form page is rendered.
pub const SESSION_KEY: &str = "refused_form";

/// The fields of the last refused plain form post, in the order they were posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedForm {
    pub fields: Vec<(String, String)>,
}

impl RefusedForm {
    /// Keeps what may be shown again: every field but secrets, which are typed again instead.
    pub fn from_fields(fields: impl IntoIterator<Item = (String, String)>) -> Self {
        Self { fields: fields.into_iter().filter(|(name, _)| !is_secret(name)).collect() }
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["password", "secret", "token"].iter().any(|word| name.contains(word))
}

/// The value the user posted in `name` before the form was refused, while rendering that
/// refusal on the server; `None` otherwise (and always in the browser).
pub fn refused_input(name: &str) -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<RefusedForm>().and_then(|f| f.value(name)).map(str::to_owned))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = name;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_never_kept() {
        let form = RefusedForm::from_fields([
            ("email".to_owned(), "a@b.example".to_owned()),
            ("password".to_owned(), "hunter2".to_owned()),
            ("new_password".to_owned(), "hunter3".to_owned()),
            ("application_token".to_owned(), "t".to_owned()),
            ("mpn_id".to_owned(), "1234567".to_owned()),
        ]);
        assert_eq!(form.value("email"), Some("a@b.example"));
        assert_eq!(form.value("mpn_id"), Some("1234567"));
        assert_eq!(form.value("password"), None);
        assert_eq!(form.value("new_password"), None);
        assert_eq!(form.value("application_token"), None);
    }
}
