//! The Partner Center connector (server only): the subset of Microsoft's Partner Center REST API
//! the marketplace needs, spoken over HTTP to a configurable base URL — the real service, or the
//! bundled sandbox (`server/src/sandbox.rs`) which serves the same API under `/sandbox`.

use serde::{Deserialize, Serialize};

/// Partner Center's error codes that the product explains to users (SPEC §3).
pub mod codes {
    pub const MPN_NOT_FOUND: i64 = 800015;
    pub const MPN_NOT_INDIRECT_RESELLER: i64 = 800016;
    pub const PARTNER_AGREEMENT_NOT_SIGNED: i64 = 900123;
    pub const TENANT_NOT_FOUND: i64 = 60003;
    pub const NO_RELATIONSHIP: i64 = 20002;
    pub const CUSTOMER_AGREEMENT_NOT_ACCEPTED: i64 = 13605;
    /// The customer's Microsoft Customer Agreement is already attested: for us, done.
    pub const AGREEMENT_ALREADY_ATTESTED: i64 = 600061;
    pub const QUANTITY_DECREASE_WINDOW_PASSED: i64 = 800090;
    pub const SUBSCRIPTION_NOT_FOUND: i64 = 80004;
    /// An add-on ordered without its base product (checkout refuses it before Microsoft would).
    pub const ADD_ON_WITHOUT_BASE: i64 = 400041;
    /// An App+User token without the MFA claim (enforced from 2026-06): the refresh token must be
    /// consented again by a partner admin signing in with MFA.
    pub const MFA_REQUIRED: i64 = 900421;
    /// Not Partner Center's: ours for "it never answered well enough", after every retry.
    pub const UNAVAILABLE: i64 = 503;
}

/// The version of the Microsoft Customer Agreement checkout shows and attests to. Microsoft
/// publishes a new one rarely; a customer attested under an older version stays attested.
pub const CUSTOMER_AGREEMENT_VERSION: &str = "2025-07";

/// Partner Center's error body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: i64,
    pub description: String,
}

#[cfg(feature = "ssr")]
mod refusals;
#[cfg(feature = "ssr")]
pub use refusals::{explain, mpn_refusal, partner_of_record};

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
mod client;
#[cfg(feature = "ssr")]
pub use client::*;
