//! Demo data for trying the product: SPEC §6's accounts, organisations and catalog.

use anyhow::Context;
use sqlx::PgPool;
use uuid::Uuid;

use app::auth::{Role, ssr::hash_password};

pub const DEMO_PASSWORD: &str = "demo-password";

pub struct DemoUser {
    pub email: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub organisation_id: Uuid,
    pub who: &'static str,
}

const DISTRIBUTOR: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000001);
const PARTNER: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000002);
const CONTOSO: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000003);

pub const DEMO_USERS: [DemoUser; 4] = [
    DemoUser {
        email: "credit@distributor.example",
        display_name: "Deniz Kredi",
        role: Role::CreditControl,
        organisation_id: DISTRIBUTOR,
        who: "distributor credit control",
    },
    DemoUser {
        email: "ops@distributor.example",
        display_name: "Ozan Operasyon",
        role: Role::Operations,
        organisation_id: DISTRIBUTOR,
        who: "distributor operations",
    },
    DemoUser {
        email: "partner@reseller.example",
        display_name: "Pelin Partner",
        role: Role::PartnerAdmin,
        organisation_id: PARTNER,
        who: "partner admin (approved, 5,000 USD limit)",
    },
    DemoUser {
        email: "admin@contoso.example",
        display_name: "Cem Contoso",
        role: Role::CustomerAdmin,
        organisation_id: CONTOSO,
        who: "customer admin of Contoso Ltd (existing tenant)",
    },
];

/// Loads the demo data. Safe to run at every start and from several processes at once.
pub async fn load(pool: &PgPool) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::raw_sql(include_str!("../demo/demo.sql"))
        .execute(&mut *tx)
        .await
        .context("loading demo organisations and catalog")?;
    for user in &DEMO_USERS {
        let exists =
            sqlx::query_scalar!("select exists(select 1 from app_user where email = $1) as \"exists!\"", user.email)
                .fetch_one(&mut *tx)
                .await?;
        if exists {
            continue;
        }
        let hash = hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
        sqlx::query!(
            "insert into app_user (user_id, organisation_id, email, display_name, role, password_hash)
             values ($1, $2, $3, $4, $5, $6) on conflict (email) do nothing",
            Uuid::new_v4(),
            user.organisation_id,
            user.email,
            user.display_name,
            user.role as Role,
            hash
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The sign-in table printed at start, so a new user can try every role.
pub fn logins_table(site: &str) -> String {
    let mut out =
        format!("\ncloudmarket is running at http://{site}\n\nDemo logins (password for all: {DEMO_PASSWORD}):\n");
    for user in &DEMO_USERS {
        out.push_str(&format!("  {:<28} {}\n", user.email, user.who));
    }
    out
}
