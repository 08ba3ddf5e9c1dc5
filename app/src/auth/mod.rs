//! Sign-in, sign-out, password changes and who the current user is.

mod language_switch;
mod login_page;
mod password_page;
mod policy;
mod set_password_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use language_switch::{LanguageSwitch, SetLocale, set_locale};
pub use login_page::LoginPage;
pub use password_page::PasswordPage;
pub use policy::{NAV, NavItem, Permission, nav};
pub use set_password_page::SetPasswordPage;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::i18n::Say;

/// What a user may do. Distributor staff are `CreditControl` or `Operations`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "user_role", rename_all = "snake_case"))]
pub enum Role {
    CreditControl,
    Operations,
    PartnerAdmin,
    CustomerAdmin,
}

/// The three places people work in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Area {
    ControlPanel,
    CustomerPortal,
    BackOffice,
}

impl Area {
    pub fn home(self) -> &'static str {
        match self {
            Self::ControlPanel => "/cp",
            Self::CustomerPortal => "/portal",
            Self::BackOffice => "/backoffice",
        }
    }

    /// The area a path belongs to, if it is inside one.
    pub fn of_path(path: &str) -> Option<Self> {
        let first = path.trim_start_matches('/').split(['/', '?']).next().unwrap_or("");
        match first {
            "cp" => Some(Self::ControlPanel),
            "portal" => Some(Self::CustomerPortal),
            "backoffice" => Some(Self::BackOffice),
            _ => None,
        }
    }
}

impl Role {
    pub fn area(self) -> Area {
        match self {
            Self::CreditControl | Self::Operations => Area::BackOffice,
            Self::PartnerAdmin => Area::ControlPanel,
            Self::CustomerAdmin => Area::CustomerPortal,
        }
    }

    pub fn is_distributor_staff(self) -> bool {
        matches!(self, Self::CreditControl | Self::Operations)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CreditControl => "Credit control",
            Self::Operations => "Operations",
            Self::PartnerAdmin => "Partner admin",
            Self::CustomerAdmin => "Customer admin",
        }
    }
}

/// The signed-in user as the browser sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_name: String,
    pub must_change_password: bool,
    /// The customer whose portal a partner admin has opened (impersonation), if any.
    pub acting_as: Option<ActingAs>,
}

/// A customer a partner admin is acting as in the customer portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActingAs {
    pub customer_id: Uuid,
    pub customer_name: String,
}

impl Me {
    /// The area this user works in now: a partner acting as a customer is in the portal.
    pub fn area(&self) -> Area {
        if self.acting_as.is_some() { Area::CustomerPortal } else { self.role.area() }
    }
}

/// An e-mail address as typed at sign-in: trimmed and lower-cased so that `Partner@X` and
/// `partner@x` are one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, Say> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(Say::EnterEmail);
        }
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Say::EmailInvalid);
        }
        match email.split_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.') =>
            {
                Ok(Self(email))
            }
            _ => Err(Say::EmailInvalid),
        }
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A new password that meets the rules.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_LEN: usize = 10;
    pub const MAX_LEN: usize = 1024;

    pub fn parse(new: &str, confirm: &str, current: &str) -> Result<Self, AppError> {
        if new.chars().count() < Self::MIN_LEN {
            return Err(AppError::invalid("new_password", Say::PasswordTooShort { min: Self::MIN_LEN }));
        }
        if new.len() > Self::MAX_LEN {
            return Err(AppError::invalid("new_password", Say::PasswordTooLong { max: Self::MAX_LEN }));
        }
        if new == current {
            return Err(AppError::invalid("new_password", Say::PasswordUnchanged));
        }
        if new != confirm {
            return Err(AppError::invalid("confirm_password", Say::PasswordsDiffer));
        }
        Ok(Self(new.to_owned()))
    }
}

/// Never prints the password itself, so it cannot end up in a log.
impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

impl AsRef<str> for NewPassword {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Only same-site paths are followed after sign-in, so `?next=` cannot send a user elsewhere.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.contains("://");
    (local && next.len() <= 512).then(|| next.to_owned())
}

/// Where a user lands after signing in: the requested page if it is in their own area.
pub fn landing_for(role: Role, next: Option<&str>) -> String {
    match safe_next(next) {
        Some(path) if Area::of_path(&path) == Some(role.area()) || path.starts_with("/account") => path,
        _ => role.area().home().to_owned(),
    }
}

#[server(prefix = "/api", endpoint = "me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    let state = crate::state::app_state()?;
    let session = ssr::session().await?;
    let Some(user) = ssr::current_user(&state.pool).await? else { return Ok(None) };
    let mut me = user.to_me();
    me.acting_as = ssr::acting_as(&state.pool, &session, &user).await?;
    Ok(Some(me))
}

/// Signs in. Returns where to go next; a plain form post (no JavaScript) is redirected there.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<String, AppError> {
    ssr::login(email, password, next).await
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<String, AppError> {
    ssr::logout().await
}

#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<String, AppError> {
    ssr::change_password(current_password, new_password, confirm_password).await
}

/// A new partner admin's first password, through the single-use link its approval mail carried
/// (no password is ever mailed). Ends every session of the user; the answer is where to sign in.
#[server(prefix = "/api", endpoint = "set_password")]
pub async fn set_password(token: String, new_password: String, confirm_password: String) -> Result<String, AppError> {
    ssr::set_password_with_link(token, new_password, confirm_password).await
}

/// After a successful sign-in, sign-out or password change the whole page is reloaded at its
/// destination, so that every part of the shell sees the new session.
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        assert_eq!(EmailAddress::parse("  Partner@Reseller.Example ").unwrap().as_ref(), "partner@reseller.example");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in ["", "   ", "no-at-sign", "a@b", "@x.com", "a@@x.com", "a b@x.com", "a@.com", "a@x."] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn new_password_rules() {
        assert!(NewPassword::parse("short", "short", "old-password").is_err());
        let same = NewPassword::parse("demo-password", "demo-password", "demo-password").unwrap_err();
        assert!(same.field_message("new_password").is_some());
        let mismatch = NewPassword::parse("a-long-password", "another-password", "old").unwrap_err();
        assert!(mismatch.field_message("confirm_password").is_some());
        assert!(NewPassword::parse("a-long-password", "a-long-password", "old").is_ok());
    }

    #[test]
    fn next_is_followed_only_inside_the_users_own_area() {
        assert_eq!(landing_for(Role::PartnerAdmin, Some("/cp/customers")), "/cp/customers");
        assert_eq!(landing_for(Role::PartnerAdmin, Some("/backoffice")), "/cp");
        assert_eq!(landing_for(Role::CustomerAdmin, Some("//evil.example/portal")), "/portal");
        assert_eq!(landing_for(Role::CreditControl, Some("https://evil.example")), "/backoffice");
        assert_eq!(landing_for(Role::Operations, None), "/backoffice");
        assert_eq!(landing_for(Role::CustomerAdmin, Some("/account/password")), "/account/password");
    }

    #[test]
    fn areas_are_found_from_paths() {
        assert_eq!(Area::of_path("/cp"), Some(Area::ControlPanel));
        assert_eq!(Area::of_path("/portal/csp?x=1"), Some(Area::CustomerPortal));
        assert_eq!(Area::of_path("/backoffice/outbox"), Some(Area::BackOffice));
        assert_eq!(Area::of_path("/cpx"), None);
        assert_eq!(Area::of_path("/"), None);
    }
}
