//! The cloudmarket server: configuration, database, HTTP router and the guards around it.
//! `main.rs` only wires these together; tests build the same application on a random port.

pub mod assets;
pub mod background;
pub mod config;
pub mod db;
pub mod demo;
pub mod embedded_pg;
pub mod form_echo;
pub mod guard;
pub mod headers;
pub mod health;
pub mod input_hygiene;
pub mod mailer;
pub mod metrics_endpoint;
pub mod retention;
pub mod sandbox;
pub mod shutdown;
pub mod startup;
pub mod telemetry;
pub mod worker;
