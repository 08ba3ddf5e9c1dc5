//! The outside services Turkish invoicing talks to (server only), beside `partner_center`: TCMB's
//! daily exchange-rate bulletin (`tcmb`) and the GİB-licensed integrator that delivers e-Fatura
//! and e-Arşiv documents (`integrator`). Each is spoken to over HTTP at a configurable base URL:
//! the real service, or the bundled sandbox's stand-in.

pub mod integrator;
pub mod tcmb;

pub use integrator::{Credentials, Integrator, IntegratorError, RestIntegrator};
pub use tcmb::TcmbFeed;
