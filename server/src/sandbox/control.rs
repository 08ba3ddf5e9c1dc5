//! Who may use the sandbox's test controls (its clock and its fault switch): a script or browser
//! test holding the bearer token of `CLOUDMARKET_SANDBOX_TOKEN`, or a signed-in operations user
//! from one of our own pages. Anyone could otherwise move every subscription's renewal date.

use axum::{
    extract::{Request, State},
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_sessions::Session;

use app::{
    auth::{Permission, ssr::user_from_session},
    i18n::Msg,
    state::AppState,
};

/// What [`allow`] checks against.
#[derive(Clone)]
pub struct ControlAccess {
    pub state: AppState,
    pub token: Option<String>,
    /// For the Origin check of a request authorised by its session cookie.
    pub public_origin: Option<String>,
}

pub async fn allow(State(access): State<ControlAccess>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if let (Some(given), Some(expected)) = (crate::guard::bearer(headers), access.token.as_deref())
        && crate::guard::same_secret(given.as_bytes(), expected.as_bytes())
    {
        return next.run(request).await;
    }
    let refuse = |status: StatusCode, msg: Msg| (status, msg.text(crate::guard::locale(headers))).into_response();
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        tracing::error!("no session layer in front of the sandbox controls");
        return refuse(StatusCode::UNAUTHORIZED, Msg::SandboxControlsNeedOperations);
    };
    let user = match user_from_session(&access.state.pool, &session).await {
        Ok(user) => user,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match user {
        Some(user) if !user.must_change_password && Permission::OperateJobs.allows(user.role) => {
            // A session cookie goes with any request the browser sends: only our own pages may
            // change the sandbox with it.
            let changes = !matches!(*request.method(), axum::http::Method::GET | axum::http::Method::HEAD);
            if changes && !crate::guard::is_same_origin(headers, access.public_origin.as_deref()) {
                return refuse(StatusCode::FORBIDDEN, Msg::SandboxControlsNeedOperations);
            }
            next.run(request).await
        }
        Some(_) => refuse(StatusCode::FORBIDDEN, Msg::SandboxControlsNeedOperations),
        None => refuse(StatusCode::UNAUTHORIZED, Msg::SandboxControlsNeedOperations),
    }
}
