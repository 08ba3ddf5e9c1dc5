//! The distributor's back office: its start page, which opens on what needs the staff's attention
//! (issue #20) — applications waiting, orders waiting for credit approval, partners near their
//! credit limit, dead jobs, mail not delivered — each row a link to where it is resolved.

mod home_page;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use home_page::BackOfficePage;

use crate::{components::TodoList, error::AppError};

/// The back office's to-dos; a list the caller's role does not handle is `None` (not shown).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AttentionLists {
    pub applications: Option<TodoList>,
    pub credit_approvals: Option<TodoList>,
    pub near_limit: Option<TodoList>,
    pub dead_jobs: Option<TodoList>,
    pub undelivered_mail: Option<TodoList>,
}

/// What needs the signed-in staff member's attention, by what its role handles: credit control
/// gets applications, credit approvals and partners near their limit; operations the dead jobs;
/// both the mail that did not go out.
#[server(prefix = "/api", endpoint = "back_office_attention")]
pub async fn back_office_attention() -> Result<AttentionLists, AppError> {
    use crate::auth::Permission;
    let (user, state) = crate::auth::ssr::caller(Permission::Oversee).await?;
    let may = |permission: Permission| permission.allows(user.role);
    let db = &state.pool;
    Ok(AttentionLists {
        applications: if may(Permission::ControlCredit) { Some(ssr::applications_waiting(db).await?) } else { None },
        credit_approvals: if may(Permission::ControlCredit) {
            Some(ssr::credit_approvals_waiting(db).await?)
        } else {
            None
        },
        near_limit: if may(Permission::ControlCredit) { Some(ssr::partners_near_limit(db).await?) } else { None },
        dead_jobs: if may(Permission::OperateJobs) { Some(ssr::dead_jobs(db).await?) } else { None },
        undelivered_mail: Some(ssr::undelivered_mail(db).await?),
    })
}
