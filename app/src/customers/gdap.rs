//! GDAP's rules (granular delegated admin privileges, Microsoft's replacement of DAP): the Entra
//! roles a partner may ask for and the least-privilege set offered first, how long a relationship
//! may last, when auto-extend is not allowed, and when a notice of its end is due. Pure: no I/O.

#[cfg(feature = "ssr")]
use time::OffsetDateTime;

#[cfg(feature = "ssr")]
use crate::i18n::Say;

/// An Entra built-in role a GDAP relationship can grant, by its template id (the same in every
/// tenant). Names are Microsoft's and stay in English, as its admin centres show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntraRole {
    pub id: &'static str,
    pub name: &'static str,
    /// In the least-privilege set a request starts with.
    pub default: bool,
}

pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

/// The roles offered, least-privilege set first. Global Administrator is offered, never chosen
/// for the partner: with it Microsoft does not allow auto-extend.
pub const ROLES: [EntraRole; 10] = [
    EntraRole { id: "88d8e3e3-8f55-4a1e-953a-9b9898b8876b", name: "Directory Readers", default: true },
    EntraRole { id: "fe930be7-5e62-47db-91af-98c3a49a38b1", name: "User Administrator", default: true },
    EntraRole { id: "4d6ac14f-3453-41d0-bef9-a3e0c569773a", name: "License Administrator", default: true },
    EntraRole { id: "729827e3-9c14-49f7-bb1b-9608f156bbb8", name: "Helpdesk Administrator", default: true },
    EntraRole { id: "f023fd81-a637-4b56-95fd-791ac0226033", name: "Service Support Administrator", default: true },
    EntraRole { id: "29232cdf-9323-42fd-ade2-1d097af3e4de", name: "Exchange Administrator", default: false },
    EntraRole { id: "69091246-20e8-4a56-aa4d-066075b2a7a8", name: "Teams Administrator", default: false },
    EntraRole { id: "f28a1f50-f6e7-4571-818b-6a12f2af6b6c", name: "SharePoint Administrator", default: false },
    EntraRole { id: "5d6b6bb7-de71-4623-b4af-96380a352509", name: "Security Reader", default: false },
    EntraRole { id: GLOBAL_ADMINISTRATOR, name: "Global Administrator", default: false },
];

/// Microsoft's longest relationship (two years), also the duration offered first.
pub const MAX_DAYS: i32 = 730;

/// Days before the end at which the partner is told, once each.
#[cfg(feature = "ssr")]
pub const NOTICE_DAYS: [i32; 3] = [30, 7, 1];

/// A role's name by its template id (an unknown id is shown as it is).
pub fn role_name(id: &str) -> &str {
    ROLES.iter().find(|r| r.id == id).map_or(id, |r| r.name)
}

/// A GDAP request as the partner's form posted it, checked.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GdapRequest {
    pub roles: Vec<String>,
    pub duration_days: i32,
    pub auto_extend: bool,
}

/// Checks a request: known roles (at least one, each once), a whole number of days from 1 to
/// 730, and no auto-extend with Global Administrator. The error names the field it belongs to.
#[cfg(feature = "ssr")]
pub fn parse_request(roles: &[String], duration: &str, auto_extend: bool) -> Result<GdapRequest, (&'static str, Say)> {
    let mut chosen: Vec<String> = Vec::new();
    for role in roles {
        let role = role.trim();
        if !ROLES.iter().any(|r| r.id == role) {
            return Err(("roles", Say::GdapUnknownRole));
        }
        if !chosen.iter().any(|c| c == role) {
            chosen.push(role.to_owned());
        }
    }
    if chosen.is_empty() {
        return Err(("roles", Say::GdapChooseRole));
    }
    let duration_days = match duration.trim().parse::<i32>() {
        Ok(days) if (1..=MAX_DAYS).contains(&days) => days,
        _ => return Err(("duration_days", Say::GdapDuration { max: MAX_DAYS })),
    };
    if auto_extend && chosen.iter().any(|r| r == GLOBAL_ADMINISTRATOR) {
        return Err(("auto_extend", Say::GdapNoAutoExtendWithGlobalAdmin));
    }
    Ok(GdapRequest { roles: chosen, duration_days, auto_extend })
}

/// Whole days left until `ends_at`, counting a started day as a day (an end 6 days and 1 hour
/// away is 7 days away); 0 once it has passed.
#[cfg(feature = "ssr")]
pub fn days_left(ends_at: OffsetDateTime, now: OffsetDateTime) -> i64 {
    let seconds = (ends_at - now).whole_seconds();
    if seconds <= 0 { 0 } else { (seconds + 86_399) / 86_400 }
}

/// The notice due now, if any: the smallest threshold the end is within, unless a notice for it
/// (or a smaller one) already went out for this end.
#[cfg(feature = "ssr")]
pub fn notice_due(days_left: i64, noticed: Option<i32>) -> Option<i32> {
    let due = NOTICE_DAYS.iter().copied().filter(|&t| days_left > 0 && days_left <= i64::from(t)).min()?;
    match noticed {
        Some(sent) if sent <= due => None,
        _ => Some(due),
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use time::{Duration, macros::datetime};

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_request_names_known_roles_a_duration_in_range_and_no_auto_extend_with_global_admin() {
        let reader = ROLES[0].id;
        let ok = parse_request(&ids(&[reader, reader]), " 730 ", true).unwrap();
        assert_eq!(ok.roles, vec![reader.to_owned()], "each role once");
        assert_eq!(ok.duration_days, 730);
        assert_eq!(parse_request(&[], "30", false).unwrap_err().0, "roles");
        assert_eq!(parse_request(&ids(&["not-a-role"]), "30", false).unwrap_err().0, "roles");
        for bad in ["0", "731", "1.5", ""] {
            assert_eq!(parse_request(&ids(&[reader]), bad, false).unwrap_err().0, "duration_days", "{bad}");
        }
        assert_eq!(parse_request(&ids(&[GLOBAL_ADMINISTRATOR]), "30", true).unwrap_err().0, "auto_extend");
        assert!(parse_request(&ids(&[GLOBAL_ADMINISTRATOR]), "30", false).is_ok());
        assert!(ROLES.iter().filter(|r| r.default).all(|r| r.id != GLOBAL_ADMINISTRATOR), "least privilege first");
    }

    #[test]
    fn days_left_count_a_started_day() {
        let now = datetime!(2026-12-07 12:00 UTC);
        assert_eq!(days_left(now + Duration::days(7), now), 7);
        assert_eq!(days_left(now + Duration::days(6) + Duration::hours(1), now), 7);
        assert_eq!(days_left(now + Duration::minutes(5), now), 1);
        assert_eq!(days_left(now - Duration::days(1), now), 0);
    }

    #[test]
    fn each_notice_goes_out_once_for_an_end() {
        assert_eq!(notice_due(45, None), None);
        assert_eq!(notice_due(30, None), Some(30));
        assert_eq!(notice_due(20, Some(30)), None, "the 30-day notice is sent once");
        assert_eq!(notice_due(7, Some(30)), Some(7));
        assert_eq!(notice_due(5, None), Some(7), "a late first look sends the notice that applies, once");
        assert_eq!(notice_due(3, Some(7)), None);
        assert_eq!(notice_due(1, Some(7)), Some(1));
        assert_eq!(notice_due(1, Some(1)), None);
        assert_eq!(notice_due(0, None), None, "over: no notice, the relationship has expired");
    }
}
