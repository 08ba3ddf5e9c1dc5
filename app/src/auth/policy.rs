//! Who may do what, in one table. The page guard (areas), the navigation (items) and every
//! server function (permissions) read it, so hiding a link and refusing a request never
//! disagree. Shared with the browser, which only uses it to decide what to show.

use serde::{Deserialize, Serialize};

use super::{Area, Role};
use crate::i18n::Msg;

/// What a caller asks to do. Each server function names one (`auth::ssr::caller`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Permission {
    /// The "Cloud Services" catalog and its products.
    BrowseCatalog,
    /// A partner's own business: cart, checkout, its customers, orders, prices and billing.
    Resell,
    /// One order's page; a partner sees only its own (the query scopes it).
    ViewOrder,
    /// The distributor's overview: every order, every partner, the outbox.
    Oversee,
    /// One statement or invoice; a partner sees only its own.
    ViewStatement,
    /// Credit control: credit decisions and limits, partner applications, statements and payments.
    ControlCredit,
    /// Operations: the job queue.
    OperateJobs,
    /// The customer portal: a customer admin, or a partner admin acting as its customer.
    ActForCustomer,
}

impl Permission {
    /// The roles holding this permission: the policy table.
    pub const fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Self::BrowseCatalog | Self::ViewOrder => &[PartnerAdmin, CreditControl, Operations],
            Self::Resell => &[PartnerAdmin],
            Self::Oversee => &[CreditControl, Operations],
            Self::ViewStatement => &[PartnerAdmin, CreditControl],
            Self::ControlCredit => &[CreditControl],
            Self::OperateJobs => &[Operations],
            // A partner admin only while acting as one of its customers (checked per request).
            Self::ActForCustomer => &[CustomerAdmin, PartnerAdmin],
        }
    }

    pub fn allows(self, role: Role) -> bool {
        self.roles().contains(&role)
    }
}

impl Area {
    /// Whether a user of `role` may open pages of this area; `acting` is a partner admin who
    /// opened one of its customers' portals.
    pub fn admits(self, role: Role, acting: bool) -> bool {
        role.area() == self || (self == Self::CustomerPortal && acting && role == Role::PartnerAdmin)
    }
}

/// One link of an area's navigation, shown to the roles holding its permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NavItem {
    pub area: Area,
    pub href: &'static str,
    pub label: Msg,
    pub permission: Permission,
}

const fn item(area: Area, href: &'static str, label: Msg, permission: Permission) -> NavItem {
    NavItem { area, href, label, permission }
}

/// Every area's navigation, in order.
pub const NAV: &[NavItem] = &[
    item(Area::ControlPanel, "/cp/catalog", Msg::CloudServices, Permission::BrowseCatalog),
    item(Area::ControlPanel, "/cp/cart", Msg::Cart, Permission::Resell),
    item(Area::ControlPanel, "/cp/orders", Msg::Orders, Permission::Resell),
    item(Area::ControlPanel, "/cp/customers", Msg::Customers, Permission::Resell),
    item(Area::ControlPanel, "/cp/billing", Msg::Billing, Permission::Resell),
    // Settings: API keys and webhooks.
    item(Area::ControlPanel, "/cp/settings", Msg::Settings, Permission::Resell),
    item(Area::CustomerPortal, "/portal/csp", Msg::MicrosoftCsp, Permission::ActForCustomer),
    item(Area::CustomerPortal, "/portal/account", Msg::Account, Permission::ActForCustomer),
    item(Area::BackOffice, "/backoffice/applications", Msg::Applications, Permission::ControlCredit),
    item(Area::BackOffice, "/backoffice/partners", Msg::Partners, Permission::Oversee),
    item(Area::BackOffice, "/backoffice/orders", Msg::Orders, Permission::Oversee),
    item(Area::BackOffice, "/backoffice/statements", Msg::Statements, Permission::ControlCredit),
    // Invoicing (issue #21).
    item(Area::BackOffice, "/backoffice/invoices", Msg::Invoices, Permission::ControlCredit),
    // Dated price lists (issue #19).
    item(Area::BackOffice, "/backoffice/price-list", Msg::PriceList, Permission::ControlCredit),
    item(Area::BackOffice, "/backoffice/outbox", Msg::Outbox, Permission::Oversee),
    item(Area::BackOffice, "/backoffice/jobs", Msg::Jobs, Permission::OperateJobs),
];

/// The links a user of `role` sees in `area`.
pub fn nav(area: Area, role: Role) -> impl Iterator<Item = &'static NavItem> {
    NAV.iter().filter(move |i| i.area == area && i.permission.allows(role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_sees_only_the_links_it_may_follow() {
        let hrefs = |area, role| nav(area, role).map(|i| i.href).collect::<Vec<_>>();
        assert_eq!(hrefs(Area::ControlPanel, Role::PartnerAdmin).len(), 6);
        assert!(hrefs(Area::ControlPanel, Role::PartnerAdmin).contains(&"/cp/settings"));
        let credit = hrefs(Area::BackOffice, Role::CreditControl);
        assert!(credit.contains(&"/backoffice/applications") && credit.contains(&"/backoffice/statements"));
        assert!(!credit.contains(&"/backoffice/jobs"));
        assert!(credit.contains(&"/backoffice/price-list"));
        assert!(!hrefs(Area::BackOffice, Role::Operations).contains(&"/backoffice/price-list"));
        let operations = hrefs(Area::BackOffice, Role::Operations);
        assert!(operations.contains(&"/backoffice/jobs") && operations.contains(&"/backoffice/outbox"));
        assert!(!operations.contains(&"/backoffice/applications") && !operations.contains(&"/backoffice/statements"));
        assert_eq!(hrefs(Area::CustomerPortal, Role::CustomerAdmin), ["/portal/csp", "/portal/account"]);
    }

    #[test]
    fn every_nav_item_is_open_to_a_role_of_its_area() {
        for item in NAV {
            assert!(
                item.permission.roles().iter().any(|r| item.area.admits(*r, true)),
                "{} is shown to nobody who may open its area",
                item.href
            );
        }
    }

    #[test]
    fn areas_admit_their_own_roles_and_acting_partners_only_in_the_portal() {
        assert!(Area::BackOffice.admits(Role::Operations, false));
        assert!(!Area::BackOffice.admits(Role::PartnerAdmin, true));
        assert!(Area::CustomerPortal.admits(Role::PartnerAdmin, true));
        assert!(!Area::CustomerPortal.admits(Role::PartnerAdmin, false));
        assert!(!Area::ControlPanel.admits(Role::CustomerAdmin, false));
    }
}
