//! Black-box tests: the real application on a random port, each test with its own fresh
//! database on the private test PostgreSQL (`DATABASE_URL`, started by `make test`).

mod auth;
mod authorisation;
mod billing;
mod faults;
mod first_day;
mod fuzz;
mod go_live;
mod guards;
mod hardening;
mod helpers;
mod invoicing;
mod jobs;
mod listen;
mod live;
mod mail_jobs;
mod manage;
mod observability;
mod onboarding;
mod operations;
mod orders;
mod outbox;
mod owned;
mod pages;
mod partner_center;
mod pg;
mod placed_rows;
mod provisioning;
mod retention;
mod shutdown;
mod surface;
mod titles;
mod transport;
mod turkish;
