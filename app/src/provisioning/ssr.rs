//! The provisioning pipeline run by the `provision_order` job: validate → create the tenant or
//! verify the relationship → accept the customer agreement → create the subscriptions → assign
//! licences → complete. Every vendor call carries a request id derived from the order, its run
//! and the step, so a retried job never makes a second tenant or subscription.
//!
//! A retried job resumes: a step is recorded only after the vendor call before it succeeded, so
//! the steps recorded for the run tell which calls need not be made again. Against a vendor that
//! fails a share of calls, each attempt then only has to get one step further, not all the way.

mod change;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::mails;
use crate::domain::ProvisioningStep;
use crate::{
    domain::OrderStatus,
    jobs::Job,
    jobs::JobError,
    notifications::{self, Mail},
    partner_center::{OrderLine, PartnerCenter, PartnerCenterError, TenantStatus},
    webhooks::ssr::{self as webhooks, Event, OrderEvent},
};

pub use change::ChangeSubscription;

/// Enqueues the job that carries an order out at the vendor ([`ProvisionOrder`] or
/// [`ChangeSubscription`]) and makes it the order's current job, the one its page shows, in the
/// caller's transaction.
pub async fn enqueue_for_order<J: Job>(
    conn: &mut sqlx::PgConnection,
    order_id: Uuid,
    job: &J,
) -> Result<Uuid, sqlx::Error> {
    let job_id = crate::jobs::enqueue(&mut *conn, job).await?;
    sqlx::query!("update sales_order set current_job_id = $2 where order_id = $1", order_id, job_id)
        .execute(&mut *conn)
        .await?;
    Ok(job_id)
}

/// Provisions one order at the vendor. `run` counts resubmissions, so a resubmitted order gets
/// a fresh job while a repeated enqueue of the same run stays one job.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProvisionOrder {
    pub order_id: Uuid,
    pub run: i32,
}

impl Job for ProvisionOrder {
    const KIND: &'static str = "provision_order";
    /// With the default backoff (2 s doubling to 10 min) this keeps trying for about three and
    /// a half hours: Partner Center throttling and outages last that long, and a retried run
    /// resumes where it stopped, so an attempt only needs one step to go through.
    const MAX_ATTEMPTS: i32 = 30;

    fn dedup_key(&self) -> Option<String> {
        Some(format!("{}:{}", self.order_id, self.run))
    }
}

#[derive(Clone)]
pub struct Engine {
    pub pool: PgPool,
    pub partner_center: PartnerCenter,
    /// Seals a new tenant's one-time password while it waits for "View Password" and its mail.
    pub secrets: crate::secrets::SecretKey,
    /// How long each step takes at the vendor in the demo (Microsoft takes minutes in reality).
    pub step_pause: Duration,
}

struct Order {
    order_id: Uuid,
    customer_id: Uuid,
    order_number: i64,
    status: OrderStatus,
    run: i32,
    mpn_id: String,
    tenant_prefix: String,
    new_tenant: bool,
    vendor_tenant_id: Option<Uuid>,
    customer_name: String,
    partner_email: String,
    /// The new customer's contact, who gets the completion mail (with the password) too.
    contact_email: Option<String>,
}

/// What progress records and failure mails need of any order: a sales order or a change.
pub(super) struct OrderRef<'a> {
    pub order_id: Uuid,
    pub order_number: i64,
    pub run: i32,
    pub customer_name: &'a str,
    pub partner_email: &'a str,
}

impl Order {
    fn as_ref(&self) -> OrderRef<'_> {
        OrderRef {
            order_id: self.order_id,
            order_number: self.order_number,
            run: self.run,
            customer_name: &self.customer_name,
            partner_email: &self.partner_email,
        }
    }
}

/// The outcome of one step: go on, or stop with the vendor's refusal.
pub(super) enum Stop {
    Refused {
        code: i64,
        description: String,
    },
    Retry(JobError),
    /// Our credentials were refused: the order is not the partner's problem and stays where it
    /// is; the job stops (dead, with the reason, on the Jobs page) until operations fix the
    /// configuration and send it back with "Retry". Retrying on its own would only be refused again.
    Halt(String),
}

impl From<PartnerCenterError> for Stop {
    fn from(err: PartnerCenterError) -> Self {
        match err {
            PartnerCenterError::Refused { code, description } => Stop::Refused { code, description },
            // Partner Center's Retry-After wins over our own backoff.
            PartnerCenterError::Unavailable { message, retry_after } => {
                Stop::Retry(JobError::Retryable { message, after: retry_after })
            }
            refused @ PartnerCenterError::Unauthorized { .. } => Stop::Halt(refused.to_string()),
        }
    }
}

impl From<sqlx::Error> for Stop {
    fn from(err: sqlx::Error) -> Self {
        Stop::Retry(JobError::retryable(format!("database: {err}")))
    }
}

/// The same id for the same order, run and step, whichever attempt sends it.
fn request_id(order: &Order, step: &str) -> Uuid {
    Uuid::new_v5(&order.order_id, format!("{}:{step}", order.run).as_bytes())
}

impl Engine {
    #[tracing::instrument(name = "provisioning.run", skip(self, job), fields(order = %job.order_id, order_number = tracing::field::Empty, run = job.run))]
    /// Runs (or resumes) the order's provisioning. `attempt` is the job's: on its last one a
    /// vendor that is still unavailable fails the order with the reason, rather than leaving it
    /// "Provisioning" behind a dead job.
    pub async fn run(&self, job: ProvisionOrder, attempt: i32) -> Result<(), JobError> {
        let Some(order) = self.load(job.order_id).await.map_err(|e| JobError::retryable(e.to_string()))? else {
            return Err(JobError::Fatal(format!("order {} does not exist", job.order_id)));
        };
        // The number people quote (support tickets, the order page), on every line of the run.
        tracing::Span::current().record("order_number", order.order_number);
        // A job from an earlier run (the order was resubmitted since) or for a finished order
        // has nothing left to do.
        if order.run != job.run || !matches!(order.status, OrderStatus::Submitted | OrderStatus::Provisioning) {
            return Ok(());
        }
        match self.steps(&order).await {
            Ok(()) => Ok(()),
            Err(Stop::Refused { code, description }) => {
                self.fail(&order, code, &description).await.map_err(|e| JobError::retryable(e.to_string()))
            }
            Err(Stop::Retry(err)) if attempt >= <ProvisionOrder as crate::jobs::Job>::MAX_ATTEMPTS => self
                .fail(&order, crate::partner_center::codes::UNAVAILABLE, &err.to_string())
                .await
                .map_err(|e| JobError::retryable(e.to_string())),
            Err(Stop::Retry(err)) => Err(err),
            Err(Stop::Halt(reason)) => {
                tracing::error!(%reason, "provisioning stopped until Partner Center takes our credentials");
                Err(JobError::Fatal(reason))
            }
        }
    }

    async fn steps(&self, order: &Order) -> Result<(), Stop> {
        let pc = &self.partner_center;
        let reached = self.reached(&order.as_ref()).await?;
        // The call a step makes succeeded when a later step was recorded in this run.
        let done = |step: ProvisioningStep| {
            reached.iter().any(|r| *r != ProvisioningStep::Failed && r.percent() > step.percent())
        };

        if !done(ProvisioningStep::Validating) {
            self.step(&order.as_ref(), ProvisioningStep::Validating).await?;
            pc.verify_mpn(&order.mpn_id).await?;
        }

        let tenant_step =
            if order.new_tenant { ProvisioningStep::CreatingTenant } else { ProvisioningStep::VerifyingRelationship };
        let tenant_id = match order.vendor_tenant_id {
            Some(tenant_id) if done(tenant_step) => tenant_id,
            _ => self.tenant(order, tenant_step).await?,
        };

        if !done(ProvisioningStep::AcceptingAgreement) {
            self.step(&order.as_ref(), ProvisioningStep::AcceptingAgreement).await?;
            self.attest(order, tenant_id).await?;
        }

        self.step(&order.as_ref(), ProvisioningStep::CreatingSubscriptions).await?;
        let lines = sqlx::query!(
            "select l.line_no, p.sku, l.quantity from order_line l join product p using (product_id)
             where l.order_id = $1 order by l.line_no",
            order.order_id
        )
        .fetch_all(&self.pool)
        .await?;
        let request: Vec<OrderLine> = lines
            .iter()
            .map(|l| OrderLine {
                line_item_number: l.line_no,
                offer_id: l.sku.clone(),
                quantity: l.quantity,
                partner_id_on_record: order.mpn_id.clone(),
            })
            .collect();
        let created = pc.create_order(tenant_id, &request, request_id(order, "order")).await?;

        self.step(&order.as_ref(), ProvisioningStep::AssigningLicences).await?;
        let offers: Vec<String> = created.iter().map(|s| s.offer_id.clone()).collect();
        let vendor_ids: Vec<String> = created.iter().map(|s| s.subscription_id.to_string()).collect();
        let mut tx = self.pool.begin().await?;
        // Active from now, for a month or a year (`term_length`: an annual term billed monthly runs
        // a year too), with the purchase as its first seat lot.
        sqlx::query!(
            "with activated as (
                 update subscription s set status = 'active', vendor_subscription_id = v.vendor_id,
                        term_start = market_now(),
                        term_end = market_now() + term_length(s.billing_cycle)
                 from unnest($2::text[], $3::text[]) as v(sku, vendor_id), product p
                 where s.order_id = $1 and p.product_id = s.product_id and p.sku = v.sku and s.status = 'pending'
                 returning s.subscription_id, s.order_id, s.quantity)
             insert into seat_lot (subscription_id, order_id, quantity, added_at)
             select subscription_id, order_id, quantity, market_now() from activated",
            order.order_id,
            &offers,
            &vendor_ids
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("update sales_order set status = 'completed' where order_id = $1", order.order_id)
            .execute(&mut *tx)
            .await?;
        // Billed from the moment the licences are live, in the same transaction.
        crate::billing::ssr::charge_purchases(&mut tx, order.order_id).await?;
        record(&mut tx, &order.as_ref(), ProvisioningStep::Completed).await?;
        // From the order, not this attempt: a resumed run did not create the tenant again.
        let sealed =
            sqlx::query_scalar!("select admin_password_sealed from sales_order where order_id = $1", order.order_id)
                .fetch_one(&mut *tx)
                .await?;
        let admin_password = sealed.and_then(|sealed| self.secrets.open(&sealed, order.order_id.as_bytes()));
        let domain = crate::domain::initial_domain(&order.tenant_prefix);
        let contact = order.contact_email.as_deref();
        // The password goes to the order's contact only; the partner sees it once with "View
        // Password", never in a mail.
        let (partner_note, enclosed) = match (&admin_password, contact) {
            (None, _) => (mails::PasswordNote::None, None),
            (Some(password), Some(contact)) => (mails::PasswordNote::Elsewhere, Some((contact, password))),
            (Some(_), None) => (mails::PasswordNote::ViewOnly, None),
        };
        if contact != Some(order.partner_email.as_str()) || enclosed.is_none() {
            let mail = Mail::written(|locale| {
                mails::order_provisioned(locale, order.order_number, &order.customer_name, &domain, partner_note)
            });
            notifications::ssr::send(&mut *tx, &order.partner_email, &mail).await?;
        }
        match (enclosed, contact) {
            (Some((contact, password)), _) => {
                let mail = notifications::SecretMail {
                    text: Mail::written(|locale| {
                        mails::order_provisioned(
                            locale,
                            order.order_number,
                            &order.customer_name,
                            &domain,
                            mails::PasswordNote::Enclosed,
                        )
                    }),
                    kind: notifications::MailSecretKind::AdminPassword,
                    secret: password.clone(),
                };
                notifications::ssr::send_secret(&mut *tx, &self.secrets, contact, &mail).await?;
            }
            (None, Some(contact)) if contact != order.partner_email => {
                let mail = Mail::written(|locale| {
                    mails::order_provisioned(
                        locale,
                        order.order_number,
                        &order.customer_name,
                        &domain,
                        mails::PasswordNote::None,
                    )
                });
                notifications::ssr::send(&mut *tx, contact, &mail).await?;
            }
            (None, _) => {}
        }
        webhooks::emit(&mut tx, &[Event::order(OrderEvent::Completed, order.order_id)]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The customer's Microsoft Customer Agreement attestation, before the first order reaches
    /// Microsoft (which refuses orders without it). Made once per customer: once Partner Center
    /// took it (or said it had it, 600061) for this tenant, later orders do not call again.
    async fn attest(&self, order: &Order, tenant_id: Uuid) -> Result<(), Stop> {
        let Some(evidence) = agreement_of(&self.pool, order.customer_id).await? else {
            // Checkout refuses such an order; one placed before attestations were recorded ends here.
            return Err(Stop::Refused {
                code: crate::partner_center::codes::CUSTOMER_AGREEMENT_NOT_ACCEPTED,
                description: "no Microsoft Customer Agreement attestation is recorded for the customer".into(),
            });
        };
        if evidence.vendor_attested_at.is_some() && evidence.vendor_tenant_id.is_none_or(|t| t == tenant_id) {
            return Ok(());
        }
        let attestation = match evidence.attestation() {
            Some(attestation) => attestation,
            // Accepted the legacy way for another tenant: nobody on record to attest with now.
            None => {
                return Err(Stop::Refused {
                    code: crate::partner_center::codes::CUSTOMER_AGREEMENT_NOT_ACCEPTED,
                    description: "the customer's attestation has no signatory on record".into(),
                });
            }
        };
        // Keyed on the customer and tenant, not the run: a resubmission finds the attestation made.
        let request = Uuid::new_v5(&order.customer_id, format!("agreement:{tenant_id}").as_bytes());
        let outcome = self.partner_center.accept_agreement(tenant_id, &attestation, request).await?;
        tracing::info!(?outcome, "Microsoft Customer Agreement attested");
        sqlx::query!(
            "update customer_agreement set vendor_attested_at = now(), vendor_tenant_id = $2 where customer_id = $1",
            order.customer_id,
            tenant_id
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Creates the new tenant or checks the existing one's relationship, and remembers its id.
    async fn tenant(&self, order: &Order, step: ProvisioningStep) -> Result<Uuid, Stop> {
        let pc = &self.partner_center;
        self.step(&order.as_ref(), step).await?;
        let mut admin_password = None;
        let tenant_id = if order.new_tenant {
            // Keyed on the prefix, not the run: a resubmission with the same prefix finds the
            // tenant an earlier run made instead of being told the domain is taken.
            let request = Uuid::new_v5(&order.order_id, format!("tenant:{}", order.tenant_prefix).as_bytes());
            let created = pc.create_customer(&order.tenant_prefix, &order.customer_name, request).await?;
            admin_password = created.admin_password;
            created.tenant_id
        } else {
            match pc.tenant_status(&order.tenant_prefix).await? {
                TenantStatus::Related { tenant_id } => tenant_id,
                TenantStatus::NoRelationship => {
                    return Err(Stop::Refused {
                        code: crate::partner_center::codes::NO_RELATIONSHIP,
                        description: "no reseller relationship".into(),
                    });
                }
                TenantStatus::Free => {
                    return Err(Stop::Refused {
                        code: crate::partner_center::codes::TENANT_NOT_FOUND,
                        description: "tenant not found".into(),
                    });
                }
            }
        };
        // The password stays on the order, sealed for it, until the partner views it once.
        let sealed = admin_password.map(|password| self.secrets.seal(&password, order.order_id.as_bytes()));
        sqlx::query!(
            "update sales_order set vendor_tenant_id = $2,
                    admin_password_sealed = case when admin_password_viewed_at is null
                                                 then coalesce($3, admin_password_sealed) end
             where order_id = $1",
            order.order_id,
            tenant_id,
            sealed
        )
        .execute(&self.pool)
        .await?;
        Ok(tenant_id)
    }

    /// The steps recorded for this run so far.
    pub(super) async fn reached(&self, order: &OrderRef<'_>) -> Result<Vec<ProvisioningStep>, sqlx::Error> {
        sqlx::query_scalar!(
            r#"select step as "step: ProvisioningStep" from order_progress where order_id = $1 and run = $2"#,
            order.order_id,
            order.run
        )
        .fetch_all(&self.pool)
        .await
    }

    /// Waits the step's vendor time, then records it (once per run, whatever the attempt).
    pub(super) async fn step(&self, order: &OrderRef<'_>, step: ProvisioningStep) -> Result<(), Stop> {
        tokio::time::sleep(self.step_pause).await;
        let mut tx = self.pool.begin().await?;
        sqlx::query!(
            "update sales_order set status = 'provisioning' where order_id = $1 and status = 'submitted'",
            order.order_id
        )
        .execute(&mut *tx)
        .await?;
        record(&mut tx, order, step).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn fail(&self, order: &Order, code: i64, description: &str) -> Result<(), sqlx::Error> {
        // Operators see every failed order in the log with Partner Center's reason, not only on its page.
        tracing::warn!(order_number = order.order_number, code, %description, "order failed at provisioning");
        let failure = super::failure(Some(code), description, None);
        let mut tx = self.pool.begin().await?;
        fail_in(&mut tx, &order.as_ref(), code, description, &failure, &[]).await?;
        tx.commit().await
    }

    async fn load(&self, order_id: Uuid) -> Result<Option<Order>, sqlx::Error> {
        sqlx::query_as!(
            Order,
            r#"select so.order_id, so.customer_id, so.order_number, so.status as "status: OrderStatus", so.provisioning_run as run,
                      so.mpn_id, so.tenant_prefix, so.new_tenant, so.vendor_tenant_id, co.name as customer_name,
                      u.email as partner_email, cu.contact_email
               from sales_order so
               join organisation co on co.organisation_id = so.customer_id
               join customer cu on cu.organisation_id = so.customer_id
               join app_user u on u.user_id = so.created_by
               where so.order_id = $1"#,
            order_id
        )
        .fetch_optional(&self.pool)
        .await
    }
}

/// A customer's attestation evidence, as provisioning needs it.
struct AgreementEvidence {
    agreement_version: String,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    company: Option<String>,
    country: Option<String>,
    language: Option<String>,
    accepted_at: time::OffsetDateTime,
    vendor_attested_at: Option<time::OffsetDateTime>,
    vendor_tenant_id: Option<Uuid>,
}

impl AgreementEvidence {
    /// What Partner Center is sent; `None` for an acceptance from before signatories were asked.
    fn attestation(&self) -> Option<crate::partner_center::AgreementAttestation> {
        let date_agreed = self.accepted_at.format(&time::format_description::well_known::Rfc3339).ok()?;
        Some(crate::partner_center::AgreementAttestation {
            agreement_type: "MicrosoftCustomerAgreement",
            template_id: self.agreement_version.clone(),
            primary_contact: crate::partner_center::AgreementContact {
                first_name: self.first_name.clone()?,
                last_name: self.last_name.clone()?,
                email: self.email.clone()?,
            },
            company_name: self.company.clone()?,
            country: self.country.clone()?,
            language: self.language.clone()?,
            date_agreed,
        })
    }
}

async fn agreement_of(
    db: impl sqlx::PgExecutor<'_>,
    customer_id: Uuid,
) -> Result<Option<AgreementEvidence>, sqlx::Error> {
    sqlx::query_as!(
        AgreementEvidence,
        r#"select agreement_version, signatory_first_name as first_name, signatory_last_name as last_name,
                  signatory_email as email, signatory_company as company, signatory_country as country,
                  signatory_language as language, accepted_at, vendor_attested_at, vendor_tenant_id
           from customer_agreement where customer_id = $1"#,
        customer_id
    )
    .fetch_optional(db)
    .await
}

/// Records that `step` of the order's run started (once, whatever the attempt). A run that
/// stops stays where it had got to: "Stopped · 30 %", not a full bar.
pub(super) async fn record(
    tx: &mut sqlx::PgConnection,
    order: &OrderRef<'_>,
    step: ProvisioningStep,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into order_progress (order_id, run, step, percent)
         select $1, $2, $3,
                case when $3 = 'failed'::provisioning_step
                     then coalesce((select max(percent) from order_progress
                                    where order_id = $1 and run = $2 and step <> 'failed'), 0)
                     else $4 end
         on conflict (order_id, run, step) do nothing",
        order.order_id,
        order.run,
        step as ProvisioningStep,
        step.percent()
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Marks the order "Provisioning Failed" with what Partner Center said (the reason and fix are
/// worded from it when read), and tells the partner, by mail and webhook (`order.failed`, with
/// `also`: what else the failure changed, written by the caller before).
pub(super) async fn fail_in(
    tx: &mut sqlx::PgConnection,
    order: &OrderRef<'_>,
    code: i64,
    detail: &str,
    failure: &super::Failure,
    also: &[Event],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update sales_order set status = 'provisioning_failed', failure_code = $2, failure_detail = $3
         where order_id = $1",
        order.order_id,
        code,
        detail
    )
    .execute(&mut *tx)
    .await?;
    record(&mut *tx, order, ProvisioningStep::Failed).await?;
    let mail =
        Mail::written(|locale| mails::provisioning_failed(locale, order.order_number, order.customer_name, failure));
    notifications::ssr::send(&mut *tx, order.partner_email, &mail).await?;
    let events: Vec<Event> =
        std::iter::once(Event::order(OrderEvent::Failed, order.order_id)).chain(also.iter().copied()).collect();
    webhooks::emit(&mut *tx, &events).await?;
    Ok(())
}
