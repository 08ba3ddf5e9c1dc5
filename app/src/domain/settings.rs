//! A setting that only some features need, which this process runs without: reported at start,
//! on the back office's Jobs and Outbox pages, never a reason to refuse a start.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MissingSetting {
    /// No mail server: mail stays pending in the outbox.
    MailServer,
    /// No Partner Center and no sandbox: MPN IDs cannot be checked, orders not provisioned.
    PartnerCenter,
    /// No e-Fatura integrator and no sandbox: invoices are issued and archived but stay drafts.
    Integrator,
}

impl MissingSetting {
    /// The environment variable that supplies it.
    pub const fn variable(self) -> &'static str {
        match self {
            Self::MailServer => "CLOUDMARKET_SMTP_URL",
            Self::PartnerCenter => "CLOUDMARKET_PARTNER_CENTER_URL",
            Self::Integrator => "CLOUDMARKET_INTEGRATOR_URL",
        }
    }

    /// For the operator's log at start (the pages say it in the reader's language).
    pub const fn consequence(self) -> &'static str {
        match self {
            Self::MailServer => "CLOUDMARKET_SMTP_URL is not set: mail stays pending in Back office → Outbox",
            Self::PartnerCenter => {
                "CLOUDMARKET_PARTNER_CENTER_URL is not set and the sandbox is off: MPN IDs cannot be checked and \
                 orders cannot be provisioned"
            }
            Self::Integrator => {
                "CLOUDMARKET_INTEGRATOR_URL is not set and the sandbox is off: invoices are issued and archived but not \
                 sent to GİB"
            }
        }
    }
}
