//! English and Turkish UI text.
//!
//! Every string the UI shows is a [`Msg`] with both translations side by side, so a missing
//! translation is a compile error rather than a blank label. The chosen language lives in the
//! `cm_lang` cookie: the server renders in it, the browser reads it back from `<html lang>` when
//! hydrating, and the switch works as a plain form post without JavaScript.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

mod say;
pub use say::{Arg, Code, Noun, Say, Text, group_digits};

pub const LANG_COOKIE: &str = "cm_lang";

/// A language of the UI and of mail: the Postgres enum `language` holds a person's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "language", rename_all = "lowercase"))]
pub enum Locale {
    #[default]
    En,
    Tr,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Tr => "tr",
        }
    }

    /// The code as the language switch shows it. Written out rather than upper-cased at run time,
    /// which would bring Unicode's case tables into every page's bundle.
    pub fn switch_label(self) -> &'static str {
        match self {
            Self::En => "EN",
            Self::Tr => "TR",
        }
    }

    /// Unknown codes fall back to English rather than failing: a stale cookie must not break a page.
    pub fn from_code(code: &str) -> Self {
        match code.trim().to_ascii_lowercase().as_str() {
            "tr" => Self::Tr,
            _ => Self::En,
        }
    }

    /// The language named in a `Cookie` header, if any.
    pub fn from_cookie_header(header: &str) -> Option<Self> {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .map(|(_, value)| Self::from_code(value))
    }
}

macro_rules! messages {
    ($($key:ident => $en:literal, $tr:literal;)*) => {
        /// A UI string key.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            /// Every key, for the test that checks both languages have each one.
            pub const ALL: &[Msg] = &[$(Msg::$key),*];

            pub fn text(self, locale: Locale) -> &'static str {
                // Two tables indexed by the key: a match over every key and language compiled to
                // 12 KB of code in every page's bundle, the tables are half that.
                const EN: &[&str] = &[$($en),*];
                const TR: &[&str] = &[$($tr),*];
                match locale {
                    Locale::En => EN[self as usize],
                    Locale::Tr => TR[self as usize],
                }
            }
        }
    };
}

messages! {
    ChargePurchase => "Purchase", "Satın alma";
    ChargeIncrease => "Licence increase", "Lisans artışı";
    ChargeRenewal => "Renewal", "Yenileme";
    ChargeMonth => "Month of an annual term", "Yıllık dönemin ayı";
    Unpaid => "Unpaid", "Ödenmedi";
    Paid => "Paid", "Ödendi";
    MonthlySpend => "Monthly spend (last 12 months)", "Aylık harcama (son 12 ay)";
    Month => "Month", "Ay";
    ThisYear => "Last 12 months", "Son 12 ay";
    YearBefore => "A year before", "Bir yıl önce";
    ChangeFromYearBefore => "Change", "Değişim";
    ShowFigures => "Figures", "Rakamlar";
    ThisMonthByCustomer => "This month's charges by customer", "Bu ayın tutarları, müşteriye göre";
    NoChargesThisMonth => "No charges this month yet.", "Bu ay henüz tutar yok.";
    Share => "Share", "Pay";
    Amount => "Amount", "Tutar";
    RetailPrices => "Retail prices", "Satış fiyatları";
    RetailPricesHelp => "Set your markup per product. Your customers see these prices in their portal; your statements use the distributor's prices.", "Ürün başına kâr marjınızı belirleyin. Müşterileriniz portalda bu fiyatları görür; ekstreleriniz distribütör fiyatlarıyla düzenlenir.";
    Statements => "Statements", "Ekstreler";
    Statement => "Statement", "Ekstre";
    UnbilledCharges => "Unbilled charges", "Faturalanmamış tutarlar";
    NoUnbilledCharges => "No charges since the last statement.", "Son ekstreden bu yana tutar yok.";
    UnpaidStatements => "Unpaid statements", "Ödenmemiş ekstreler";
    OpenOrdersAtTermValue => "Orders in process (term value)", "İşlemdeki siparişler (dönem değeri)";
    CreditUsage => "Credit usage", "Kredi kullanımı";
    ServicePeriod => "Service period", "Hizmet dönemi";
    Issued => "issued", "düzenlendi";
    DownloadCsv => "Download CSV", "CSV indir";
    Print => "Print", "Yazdır";
    Markup => "Markup", "Kâr marjı";
    CustomerPriceMonthly => "Customer price (monthly)", "Müşteri fiyatı (aylık)";
    StatementsIssued => "Statements issued", "Düzenlenen ekstreler";
    RunBilling => "Run billing", "Faturalamayı çalıştır";
    RunBillingHint => "The month to bill, as YYYY-MM. Billing runs by itself on the 1st for the month before; running it again issues nothing twice.", "Faturalanacak ay, YYYY-AA biçiminde. Faturalama her ayın 1'inde önceki ay için kendiliğinden çalışır; tekrar çalıştırmak hiçbir şeyi iki kez düzenlemez.";
    RecordWireTransfer => "Record wire transfer", "Havaleyi kaydet";
    Payment => "Payment", "Ödeme";
    PaymentReference => "Transfer reference", "Havale referansı";
    MarkPaid => "Mark paid", "Ödendi olarak işaretle";
    StepUpdatingSubscription => "Updating the licence count", "Lisans sayısı güncelleniyor";
    StepCancellingSubscription => "Cancelling the subscription", "Abonelik iptal ediliyor";
    OrderNew => "New", "Yeni";
    KindSales => "Sales", "Satış";
    KindChange => "Change", "Değişiklik";
    CancellationOrder => "Cancellation Order", "İptal Siparişi";
    OrderKindLabel => "Kind", "Tür";
    CustomerNoSubscriptions => "Nothing ordered yet", "Henüz sipariş yok";
    AllStatuses => "All statuses", "Tüm durumlar";
    AllKinds => "All kinds", "Tüm türler";
    NoOrdersMatch => "No orders match this filter.", "Bu filtreye uyan sipariş yok.";
    OpenCustomerPortal => "Open the customer portal", "Müşteri portalını aç";
    OpenCustomerPortalHelp => "You see and manage the portal as the customer's admin does. What you do there is recorded under your name.", "Portalı müşterinin yöneticisi gibi görür ve yönetirsiniz. Orada yaptıklarınız sizin adınıza kaydedilir.";
    InProcessOrders => "Orders in process", "İşlemdeki siparişler";
    ActingAs => "You are in the customer portal as", "Müşteri portalındasınız:";
    BackToControlPanel => "Back to Control Panel", "Kontrol Paneline dön";
    ManageSubscription => "Manage Subscription", "Aboneliği Yönet";
    RenewsOn => "Renews on", "Yenileme tarihi";
    EndsOn => "Ends on", "Bitiş tarihi";
    AutoRenew => "Auto-renew", "Otomatik yenileme";
    On => "On", "Açık";
    Off => "Off", "Kapalı";
    AtRenewal => "At renewal", "Yenilemede";
    ChangeOrderPlaced => "The change is being provisioned as order", "Değişiklik şu siparişle işleniyor:";
    PerLicencePerTerm => "per licence per term", "lisans başına dönem ücreti";
    ChangeLicenceCount => "Change the licence count", "Lisans sayısını değiştir";
    ChangeLicencesHint => "Raise it at any time. Seats added in the last 7 days (168 hours) can also be removed.", "İstediğiniz zaman artırabilirsiniz. Son 7 günde (168 saat) eklenen lisanslar azaltılabilir.";
    UpdateLicences => "Update licences", "Lisansları güncelle";
    CancelSubscription => "Cancel Subscription", "Aboneliği İptal Et";
    DecreaseHeading => "Lowering the licence count", "Lisans sayısını azaltma";
    DecreaseWindowPassed => "No seats can be removed now: under Microsoft's new-commerce rules only seats added in the last 7 days (168 hours) can be removed, and these were added earlier. To pay for fewer licences, turn auto-renew off, or set a lower licence count for the renewal.", "Şu an lisans azaltılamaz: Microsoft'un yeni ticaret kurallarına göre yalnızca son 7 günde (168 saat) eklenen lisanslar azaltılabilir ve bu lisanslar daha önce eklendi. Daha az lisans için otomatik yenilemeyi kapatın veya yenileme için daha düşük bir lisans sayısı belirleyin.";
    RemovableExplained => "Seats added in the last 7 days (168 hours) can still be removed:", "Son 7 günde (168 saat) eklenen lisanslar hâlâ azaltılabilir:";
    RemovableUntil => "removable until", "şu zamana kadar azaltılabilir:";
    TurnAutoRenewOff => "Turn auto-renew off", "Otomatik yenilemeyi kapat";
    TurnAutoRenewOn => "Turn auto-renew on", "Otomatik yenilemeyi aç";
    LicencesAtRenewal => "Licences at renewal", "Yenilemedeki lisans sayısı";
    LicencesAtRenewalHint => "Takes effect on the renewal date; leave empty to renew with the current count.", "Yenileme tarihinde geçerli olur; mevcut sayıyla yenilemek için boş bırakın.";
    ScheduleForRenewal => "Schedule for renewal", "Yenileme için planla";
    CancellationRequested => "Your cancellation request went to your partner as order", "İptal talebiniz iş ortağınıza şu siparişle iletildi:";
    CancellationWaiting => "This subscription waits for your partner to approve its cancellation.", "Bu aboneliğin iptali iş ortağınızın onayını bekliyor.";
    CancelRefundProrated => "Cancelling within 7 days of purchase or renewal is refunded by the day:", "Satın alma veya yenilemeden sonraki 7 gün içinde iptal, gün bazında iade edilir:";
    UnusedDaysOf => "unused days of", "kullanılmamış gün /";
    CancelNoRefund => "No refund: more than 7 days have passed since the purchase or renewal, so the full term stays billed until", "İade yok: satın alma veya yenilemeden bu yana 7 günden fazla geçti, dönemin tamamı şu tarihe kadar faturalanır:";
    AddonsFollow => "Its add-ons are cancelled with it:", "Eklentileri de birlikte iptal edilir:";
    CancelGoesToPartner => "Your partner approves the cancellation; until then the subscription is pending cancellation.", "İptali iş ortağınız onaylar; o zamana kadar abonelik iptal bekliyor durumundadır.";
    ConfirmCancellation => "Confirm cancellation", "İptali onayla";
    Subscription => "Subscription", "Abonelik";
    Refund => "Refund", "İade";
    CancellationDecisionHelp => "The customer asked to cancel this subscription. “Open Order” approves it and cancels it at Microsoft; rejecting keeps it active.", "Müşteri bu aboneliğin iptalini istedi. “Open Order” onaylar ve Microsoft'ta iptal eder; reddetmek aboneliği aktif tutar.";
    OpenOrder => "Open Order", "Siparişi Onayla (Open Order)";
    RejectCancellation => "Reject", "Reddet";
    BillingOrders => "Orders", "Siparişler";
    BillingOrdersHelp => "Every order: sales, licence changes and cancellations.", "Tüm siparişler: satış, lisans değişiklikleri ve iptaller.";
    // Live progress and what a completed order hands over.
    LiveOrderCompleted => "provisioned; its licences are active.", "provizyon tamamlandı; lisansları aktif.";
    LiveOrderFailed => "provisioning failed. Open the order to see why and what fixes it.", "provizyon başarısız. Nedenini ve çözümünü görmek için siparişi açın.";
    LiveLicencesReady => "done: Microsoft CSP shows your licences as they are now.", "tamamlandı: Microsoft CSP lisanslarınızın güncel hâlini gösteriyor.";
    LiveOrderFailedCustomer => "could not be provisioned yet; your partner has been told what to fix.", "henüz provizyon yapılamadı; iş ortağınıza neyin düzeltileceği bildirildi.";
    ViewOrder => "View order", "Siparişi görüntüle";
    Dismiss => "Dismiss", "Kapat";
    LicencesProvisioned => "Licences provisioned", "Lisanslar provizyon edildi";
    LogIntoO365 => "Log into O365", "O365'e giriş yap";
    ViewPassword => "View Password", "Şifreyi Görüntüle";
    AdminUserName => "Administrator", "Yönetici";
    OneTimePassword => "One-time password", "Tek kullanımlık parola";
    PasswordShownOnce => "Copy it now: it is shown only once and is not kept. The administrator chooses a new one at the first sign-in.", "Şimdi kopyalayın: yalnızca bir kez gösterilir ve saklanmaz. Yönetici ilk girişte yenisini belirler.";
    PasswordAlreadyViewed => "The one-time password was already viewed and is no longer kept. The customer's contact received it by e-mail.", "Tek kullanımlık parola zaten görüntülendi ve artık saklanmıyor. Müşterinin iletişim kişisine e-postayla gönderildi.";
    Actions => "Actions", "İşlemler";
    // The Control Panel's home (issue #20).
    FailedProvisioning => "Provisioning failed", "Provizyon başarısız";
    NoFailedProvisioning => "No order failed at provisioning.", "Provizyonda başarısız olan sipariş yok.";
    AwaitingCreditApprovalTodo => "Waiting for credit approval", "Kredi onayı bekleyenler";
    CancellationsToOpen => "Cancellation requests to open", "Açılacak iptal talepleri";
    NoCancellationsToOpen => "No cancellation request is waiting.", "Bekleyen iptal talebi yok.";
    RelationshipsPending => "Reseller relationships not accepted", "Kabul edilmemiş bayi ilişkileri";
    NoRelationshipsPending => "Every customer with a tenant has accepted the reseller relationship.", "Tenant'ı olan tüm müşteriler bayi ilişkisini kabul etti.";
    RenewalsAhead => "Renewals in the next 30 days", "Önümüzdeki 30 gündeki yenilemeler";
    NoRenewalsAhead => "No subscription renews in the next 30 days.", "Önümüzdeki 30 günde yenilenecek abonelik yok.";
    AutoRenewIsOff => "auto-renew off", "otomatik yenileme kapalı";
    // Bulk actions (issue #20).
    BulkDone => "done", "tamamlandı";
    BulkRefused => "refused", "reddedildi";
    BulkItemDone => "Done", "Yapıldı";
    WithSelected => "With the selected", "Seçilenlerle";
    SelectItem => "Select", "Seç";
    BulkRenewalHelp => "Select subscriptions, then set their renewal together; each is checked on its own and reported below.", "Abonelikleri seçin, ardından yenilemelerini birlikte ayarlayın; her biri ayrı denetlenir ve aşağıda raporlanır.";
    BulkCancellationsHelp => "Select cancellation requests in status New to open or reject several at once.", "Birden fazlasını birlikte açmak veya reddetmek için durumu Yeni olan iptal taleplerini seçin.";
    OfTheLimitInUse => "of the limit in use", "limitin kullanımda olan kısmı";
    NoOrdersInFlight => "No order is on its way.", "Yolda olan sipariş yok.";
    UnbilledThisMonth => "Unbilled this month", "Bu ay faturalanmamış";
    ChargesCount => "charges", "tutar kalemi";
    // GDAP (issue #19).
    GdapHeading => "Delegated admin (GDAP)", "Yetkilendirilmiş yönetici (GDAP)";
    GdapRequested => "Approval pending", "Onay bekliyor";
    GdapActive => "Active", "Etkin";
    GdapExpiring => "Expiring", "Süresi doluyor";
    GdapExpired => "Expired", "Süresi doldu";
    GdapTerminated => "Terminated", "Sonlandırıldı";
    GdapNone => "No GDAP relationship. Supporting the tenant (its admin centre) needs one, approved by the customer's Global admin; ordering needs only the reseller relationship.",
        "GDAP ilişkisi yok. Tenant'a destek vermek (yönetim merkezi) için, müşterinin Genel Yöneticisinin onayladığı bir ilişki gerekir; sipariş için yalnızca bayi ilişkisi yeterlidir.";
    GdapRoles => "Roles", "Roller";
    GdapDurationDays => "Duration (days)", "Süre (gün)";
    GdapDurationHint => "From 1 to 730 days.", "1 ile 730 gün arası.";
    GdapAutoExtend => "Auto-extend by 180 days", "180 gün otomatik uzat";
    GdapAutoExtendHint => "Not allowed with Global Administrator.", "Genel Yönetici ile izin verilmez.";
    RequestGdap => "Request GDAP relationship", "GDAP ilişkisi talep et";
    GdapApprovalLink => "Send this approval link to the customer's Global admin:", "Bu onay bağlantısını müşterinin Genel Yöneticisine gönderin:";
    GdapRequestExpires => "Unapproved, the request lapses on", "Onaylanmazsa talep şu tarihte düşer:";
    GdapEndsOn => "Ends on", "Bitiş";
    GdapAutoExtends => "auto-extends", "otomatik uzar";
    GdapDaysLeft => "days left", "gün kaldı";
    CheckGdapStatus => "Check status", "Durumu denetle";
    OpenAdminCentre => "Open the tenant's admin centre", "Tenant'ın yönetim merkezini aç";
    GdapNeededForAdminCentre => "Opening the tenant's admin centre needs an active GDAP relationship.", "Tenant'ın yönetim merkezini açmak için etkin bir GDAP ilişkisi gerekir.";
    GdapEndsIn => "GDAP ends in", "GDAP bitişine";
    Days => "days", "gün";
    // The back office's home (issue #20).
    NeedsAttention => "Needs your attention", "İlgilenmeniz gerekenler";
    ApplicationsWaiting => "Applications waiting for a decision", "Karar bekleyen başvurular";
    NoApplicationsWaiting => "No application is waiting.", "Bekleyen başvuru yok.";
    CreditApprovalsWaiting => "Orders waiting for credit approval", "Kredi onayı bekleyen siparişler";
    NoCreditApprovalsWaiting => "No order is waiting for credit approval.", "Kredi onayı bekleyen sipariş yok.";
    PartnersNearLimit => "Partners near their credit limit", "Kredi limitine yaklaşan iş ortakları";
    NoPartnersNearLimit => "Every partner uses less than 80 % of its credit limit.", "Tüm iş ortakları kredi limitlerinin %80'inden azını kullanıyor.";
    UndeliveredMail => "Mail not delivered", "Teslim edilemeyen e-postalar";
    NoUndeliveredMail => "All mail has gone out.", "Tüm e-postalar gönderildi.";
    SeeAll => "See all", "Tümünü gör";
    // Global search (issue #20).
    SearchEverything => "Search", "Ara";
    GlobalSearchPlaceholder => "Search customers, orders, subscriptions", "Müşteri, sipariş, abonelik ara";
    SearchResults => "Search", "Arama";
    SearchButton => "Search", "Ara";
    SearchHelp => "Customers by name, tax number or tenant domain; orders by number; subscriptions by product or customer. Press / on any page to search.", "Müşteriler ad, vergi numarası veya tenant alan adıyla; siparişler numarasıyla; abonelikler ürün veya müşteri adıyla. Herhangi bir sayfada / tuşuyla aramaya başlayın.";
    NoSearchResults => "Nothing found for", "Sonuç bulunamadı:";
    SearchMoreResults => "Only the first 10 are shown: type more of the name or the number to narrow the search.", "Yalnızca ilk 10 sonuç gösteriliyor: aramayı daraltmak için adın veya numaranın devamını yazın.";
    SearchCustomers => "Search customers (name or tenant)", "Müşteri ara (ad veya tenant)";
    NoCustomersMatch => "No customer matches the search.", "Aramayla eşleşen müşteri yok.";
    Subscriptions => "Subscriptions", "Abonelikler";
    InProcess => "in process", "işlemde";
    Licences => "Licences", "Lisanslar";
    // After a count: "1 Licence", "5 Licences"; Turkish keeps the noun singular after a number.
    LicenceCountOne => "Licence", "Lisans";
    LicenceCountMany => "Licences", "Lisans";
    OrderLines => "Order lines", "Sipariş satırları";
    Charges => "Charges", "Tutarlar";
    Partner => "Partner", "İş Ortağı";
    NoStatementsIssued => "No statements yet. Each partner's statement for a month is issued on the 1st of the next month, or at once with “Run billing” above.", "Henüz ekstre yok. Her iş ortağının aylık ekstresi sonraki ayın 1'inde ya da yukarıdaki “Faturalamayı çalıştır” ile hemen düzenlenir.";
    SubscriptionPending => "in process", "işlemde";
    SubscriptionActive => "Active", "Aktif";
    SubscriptionPendingCancellation => "Pending cancellation", "İptal bekliyor";
    SubscriptionCancelled => "Cancelled", "İptal edildi";
    SubscriptionSuspended => "Suspended", "Askıya alındı";
    SubscriptionExpired => "Expired", "Süresi doldu";
    // Provisioning.
    StepValidating => "Validating the order", "Sipariş doğrulanıyor";
    StepCreatingTenant => "Creating the Microsoft tenant", "Microsoft tenant'ı oluşturuluyor";
    StepVerifyingRelationship => "Verifying the reseller relationship", "Bayi ilişkisi doğrulanıyor";
    StepAcceptingAgreement => "Accepting the customer agreement", "Müşteri sözleşmesi kabul ediliyor";
    StepCreatingSubscriptions => "Creating the subscriptions", "Abonelikler oluşturuluyor";
    StepAssigningLicences => "Assigning licences", "Lisanslar atanıyor";
    StepCompleted => "Completed", "Tamamlandı";
    StepFailed => "Stopped", "Durdu";
    ProvisioningProgress => "Provisioning progress", "Provizyon ilerlemesi";
    FailureReason => "What happened", "Ne oldu";
    FailureFix => "What fixes it", "Nasıl düzelir";
    PartnerIdWarning => "Microsoft does not accept your Partner ID on orders", "Microsoft, Partner ID'nizi siparişlerde kabul etmiyor";
    VendorCode => "Partner Center code", "Partner Center kodu";
    ResubmitForProvisioning => "Resubmit for Provisioning", "Provizyon için Yeniden Gönder";
    Resubmitted => "Resubmitted: provisioning starts again.", "Yeniden gönderildi: provizyon yeniden başlıyor.";

    // Ordering: catalog, cart, checkout and orders.
    AddOns => "Add-ons", "Ek paketler";
    AddOnsOffered => "Add-ons for the products in your cart", "Sepetinizdeki ürünler için ek paketler";
    AddToCart => "Add to cart", "Sepete ekle";
    AddedToCart => "Added to the cart.", "Sepete eklendi.";
    CartUpdated => "Cart updated.", "Sepet güncellendi.";
    Cart => "Cart", "Sepet";
    CartEmpty => "Your cart is empty. Choose a billing option in Cloud Services, then add products.", "Sepetiniz boş. Bulut Servisleri'nde önce bir faturalama seçeneği seçin, sonra ürün ekleyin.";
    BillingOption => "Billing option", "Ödeme seçeneği";
    ChooseBillingOption => "Billing option first:", "Önce ödeme seçeneği:";
    ChooseBillingFirst => "Choose a billing option first", "Önce bir faturalama seçeneği seçin";
    Order => "Order", "Sipariş";
    Quantity => "Quantity", "Adet";
    UnitPrice => "Unit price", "Birim fiyat";
    LineTotal => "Line total", "Satır toplamı";
    Subtotal => "Subtotal", "Ara toplam";
    Vat => "KDV (VAT 20%)", "KDV (%20)";
    Total => "Total", "Toplam";
    Remove => "Remove", "Kaldır";
    Update => "Update", "Güncelle";
    Continue => "Continue", "Devam";
    SkipToContent => "Skip to content", "İçeriğe geç";
    ContinueShopping => "Add more products", "Ürün eklemeye devam et";
    ProceedToCheckOut => "Proceed to Check Out", "Siparişi Tamamla";
    CheckOut => "Check out", "Sipariş tamamlama";
    CheckoutSteps => "Checkout steps", "Sipariş adımları";
    Customer => "Customer", "Müşteri";
    Review => "Review", "Gözden geçir";
    ExistingCustomer => "Existing Customer", "Mevcut Müşteri";
    NewCustomer => "New Customer", "Yeni Müşteri";
    ChooseCustomer => "Choose a customer…", "Müşteri seçin…";
    ChooseCustomerFirst => "Choose the customer first.", "Önce müşteriyi seçin.";
    TenantFirst => "Give the tenant information first.", "Önce tenant bilgisini girin.";
    GoBack => "Back", "Geri";
    BackToCart => "Back to cart", "Sepete dön";
    Change => "Change", "Değiştir";
    Phone => "Phone", "Telefon";
    MpnHint => "The 7-digit Microsoft Partner ID (location PartnerID) this order is placed under. It is verified with Microsoft before submit.", "Siparişin verileceği 7 haneli Microsoft Partner ID (lokasyon PartnerID). Göndermeden önce Microsoft'ta doğrulanır.";
    ExistingTenant => "Customer has an existing Microsoft Tenant", "Müşterinin mevcut bir Microsoft Tenant'ı var";
    NewTenant => "My customer requires a New Microsoft Customer Tenant", "Müşterim için yeni bir Microsoft Tenant'ı gerekiyor";
    ExistingTenantShort => "existing tenant", "mevcut tenant";
    NewTenantShort => "new tenant", "yeni tenant";
    CustomerTenantIs => "This customer's tenant:", "Bu müşterinin tenant'ı:";
    InitialDomain => "Initial domain (*.onmicrosoft.com)", "İlk etki alanı (*.onmicrosoft.com)";
    InitialDomainHint => "Exactly as in the Microsoft 365 admin center → Settings → Domains: the default domain ending in .onmicrosoft.com.", "Microsoft 365 yönetim merkezi → Ayarlar → Etki alanları'ndaki gibi: .onmicrosoft.com ile biten varsayılan etki alanı.";
    NewTenantPrefix => "Domain prefix for the new tenant", "Yeni tenant için etki alanı ön eki";
    PrefixHint => "Letters and digits only; it cannot be changed once the tenant exists. Maximum length", "Yalnızca harf ve rakam; tenant oluştuktan sonra değiştirilemez. En fazla uzunluk";
    RelationshipNeededHint => "If the customer has used any Microsoft cloud service (trials too), its Global admin must first accept you through your", "Müşteri daha önce herhangi bir Microsoft bulut hizmeti kullandıysa (denemeler dahil), Global admin'i önce şu bağlantıyı onaylamalıdır:";
    RelationshipLink => "Reseller relationship link", "Bayi ilişkisi bağlantısı";
    RelationshipIntro => "Customers that already use Microsoft cloud services accept you once through this link; new tenants need nothing.", "Microsoft bulut hizmeti kullanan müşteriler bu bağlantıyla sizi bir kez onaylar; yeni tenant'lar için gerekmez.";
    RelationshipNeeded => "Send this link to the customer's Global admin. Once they accept, submit the order again.", "Bu bağlantıyı müşterinin Global admin'ine gönderin. Onayladıktan sonra siparişi tekrar gönderin.";
    SendReadyText => "Message to send", "Gönderilecek mesaj";
    Copy => "Copy link", "Bağlantıyı kopyala";
    CopyMessage => "Copy message", "Mesajı kopyala";
    Copied => "Copied.", "Kopyalandı.";
    AcceptanceStatus => "Your customers' tenants", "Müşterilerinizin tenant'ları";
    NoTenantsYet => "None of your customers has a Microsoft tenant yet.", "Henüz hiçbir müşterinizin Microsoft tenant'ı yok.";
    OverCreditNotice => "This order is over your available marketplace credit, so it will wait for credit approval before provisioning. Available:", "Bu sipariş kullanılabilir marketplace kredinizi aşıyor; provizyondan önce kredi onayı bekleyecek. Kullanılabilir:";
    PaymentMethod => "Payment method", "Ödeme yöntemi";
    WireTransfer => "Wire Transfer", "Havale/EFT";
    Submit => "Submit", "Gönder";
    Submitting => "Submitting…", "Gönderiliyor…";
    OrderNumber => "Order number", "Sipariş numarası";
    NoOrdersYet => "No orders yet. Start in Cloud Services.", "Henüz sipariş yok. Bulut Servisleri'nden başlayın.";
    Date => "Date", "Tarih";
    ProvisioningQueued => "Your order is in the provisioning queue; it starts as soon as a provisioning worker takes it.", "Siparişiniz provizyon kuyruğunda; bir provizyon işçisi aldığında başlar.";
    AwaitingCreditExplained => "This order is over your available credit. Credit control will approve or reject it; you will be e-mailed either way.", "Bu sipariş kullanılabilir kredinizi aşıyor. Kredi departmanı onaylayacak ya da reddedecek; her iki durumda e-posta alacaksınız.";
    CreditDecisionNote => "Credit control's note", "Kredi departmanının notu";
    Commits => "Commits", "Taahhüt";
    DecisionReason => "Reason (required to reject; e-mailed to the partner)", "Gerekçe (ret için zorunlu; iş ortağına e-postalanır)";
    ApproveOrder => "Approve", "Onayla";
    RejectOrder => "Reject", "Reddet";
    OrderSubmitted => "Submitted", "Gönderildi";
    OrderAwaitingCreditApproval => "Awaiting Credit Approval", "Kredi Onayı Bekliyor";
    OrderProvisioning => "Provisioning", "Provizyon sürüyor";
    OrderCompleted => "Completed", "Tamamlandı";
    OrderProvisioningFailed => "Provisioning Failed", "Provizyon Başarısız";
    OrderRejected => "Rejected", "Reddedildi";
    OrderCancelled => "Cancelled", "İptal edildi";

    AppName => "cloudmarket", "cloudmarket";
    Tagline => "Order, provision, manage and bill cloud services for your customers.", "Müşterileriniz için bulut servislerini sipariş edin, provizyonlayın, yönetin ve faturalayın.";
    LandingOrder => "Order Microsoft 365 and other cloud services from one catalog.", "Microsoft 365 ve diğer bulut servislerini tek katalogdan sipariş edin.";
    LandingProvision => "Provisioning runs automatically and shows its progress live.", "Provizyon otomatik çalışır, ilerlemesi canlı görünür.";
    LandingManage => "Customers manage their licences from their own portal.", "Müşteriler lisanslarını kendi portallarından yönetir.";
    LandingBill => "Monthly statements with KDV, and your credit limit at a glance.", "KDV'li aylık ekstreler ve kredi limitiniz tek bakışta.";
    GoToWorkspace => "Go to your workspace", "Çalışma alanınıza gidin";
    SignIn => "Sign in", "Giriş yap";
    SignOut => "Sign out", "Çıkış yap";
    SigningIn => "Signing in…", "Giriş yapılıyor…";
    Email => "E-mail", "E-posta";
    Password => "Password", "Şifre";
    SignInTitle => "Sign in to cloudmarket", "cloudmarket'e giriş yapın";
    SignInHelp => "Partners, customer admins and distributor staff sign in here.", "İş ortakları, müşteri yöneticileri ve distribütör çalışanları buradan giriş yapar.";
    ChangePassword => "Change password", "Şifre değiştir";
    ChangePasswordForced => "Your password is temporary. Choose a new one to continue.", "Şifreniz geçicidir. Devam etmek için yeni bir şifre belirleyin.";
    CurrentPassword => "Current password", "Mevcut şifre";
    NewPassword => "New password", "Yeni şifre";
    ConfirmPassword => "Repeat the new password", "Yeni şifreyi tekrarlayın";
    PasswordRules => "At least 10 characters, different from the current one.", "En az 10 karakter ve mevcut şifreden farklı olmalı.";
    SavePassword => "Save password", "Şifreyi kaydet";
    Saving => "Saving…", "Kaydediliyor…";
    PasswordChanged => "Your password has been changed.", "Şifreniz değiştirildi.";
    SetYourPassword => "Set your password", "Şifrenizi belirleyin";
    SetYourPasswordHelp => "Choose the password for your cloudmarket account. This link works once.", "cloudmarket hesabınızın şifresini seçin. Bu bağlantı yalnızca bir kez çalışır.";
    PasswordSetSignIn => "Your password is set. Sign in with it.", "Şifreniz belirlendi. Onunla giriş yapın.";
    SecretWithheld => "(sent only to the recipient; never shown here)", "(yalnızca alıcıya gönderilir; burada asla gösterilmez)";
    CarriesSignInLink => "set-password link", "şifre belirleme bağlantısı";
    CarriesOneTimePassword => "one-time password", "tek kullanımlık şifre";
    LinkShownNoMailServer => "No mail server is configured, so this link is shown here to credit control until it is sent.", "Posta sunucusu yapılandırılmadığı için bu bağlantı gönderilene kadar burada kredi kontrolüne gösterilir.";
    Language => "Language", "Dil";
    English => "English", "English";
    Turkish => "Türkçe", "Türkçe";
    MainNavigation => "Main navigation", "Ana menü";
    ControlPanel => "Control Panel", "Kontrol Paneli";
    CloudServices => "Cloud Services", "Bulut Servisleri";
    Customers => "Customers", "Müşteriler";
    Billing => "Billing", "Faturalama";
    CustomerPortal => "Customer portal", "Müşteri portalı";
    MicrosoftCsp => "Microsoft CSP", "Microsoft CSP";
    Account => "Account", "Hesap";
    BackOffice => "Back office", "Yönetim paneli";
    Applications => "Applications", "Başvurular";
    Partners => "Partners", "İş Ortakları";
    Orders => "Orders", "Siparişler";
    Outbox => "Outbox", "Giden kutusu";
    Loading => "Loading…", "Yükleniyor…";
    SignedInAs => "Signed in as", "Giriş yapan";
    Welcome => "Welcome", "Hoş geldiniz";
    Vendor => "Vendor", "Üretici";
    ProductGroup => "Product group", "Ürün grubu";
    Product => "Product", "Ürün";
    Monthly => "Monthly", "Aylık";
    Annual => "Annual", "Yıllık";
    AnnualBilledMonthly => "Annual, billed monthly", "Yıllık, aylık faturalı";
    // The back office's price list import (issue #19).
    PriceList => "Price list", "Fiyat listesi";
    PriceListHelp => "Paste a CSV with the columns sku,billing_cycle,unit_price,currency,effective_from (billing_cycle is monthly, annual or annual_monthly; dates as YYYY-MM-DD, today or later). Preview it, then apply: a subscription moves to a new price at its next renewal.",
        "sku,billing_cycle,unit_price,currency,effective_from sütunlarıyla bir CSV yapıştırın (billing_cycle monthly, annual veya annual_monthly; tarihler YYYY-AA-GG biçiminde, bugün veya sonrası). Önizleyin, sonra uygulayın: abonelikler yeni fiyata bir sonraki yenilemede geçer.";
    PriceListCsv => "Prices (CSV)", "Fiyatlar (CSV)";
    PreviewPrices => "Preview", "Önizle";
    PriceListFile => "Or take the prices from a CSV file", "Ya da fiyatları bir CSV dosyasından alın";
    PriceListFileUnreadable => "The file could not be read as text: save it as CSV (UTF-8) and choose it again.",
        "Dosya metin olarak okunamadı: CSV (UTF-8) olarak kaydedip yeniden seçin.";
    PriceListFileTooLarge => "The file is over 200 KB: split the price list into smaller files and import them one after the other.",
        "Dosya 200 KB'tan büyük: fiyat listesini daha küçük dosyalara bölüp sırayla içe aktarın.";
    ApplyPrices => "Apply the price list", "Fiyat listesini uygula";
    PricesApplied => "Price list applied", "Fiyat listesi uygulandı";
    PriceListFixLines => "Correct the lines marked below and preview again: nothing is saved while a line is wrong.",
        "Aşağıda işaretli satırları düzeltip yeniden önizleyin: hatalı satır varken hiçbir şey kaydedilmez.";
    PriceInEffect => "Price in effect then", "O tarihte geçerli fiyat";
    NewPrice => "New price", "Yeni fiyat";
    EffectiveFrom => "Effective from", "Geçerlilik başlangıcı";
    CsvLine => "Line", "Satır";
    AddOnFor => "Add-on for", "Eklentisi olduğu ürün";
    SearchCatalog => "Search the catalog", "Katalogda ara";
    SearchPlaceholder => "Product, vendor or SKU", "Ürün, üretici veya SKU";
    NoProductsMatch => "No product matches your search. Try a vendor name such as Microsoft.", "Aramanızla eşleşen ürün yok. Microsoft gibi bir üretici adı deneyin.";
    PricesPerLicence => "Prices are per licence per month (Monthly; Annual, billed monthly) or per year (Annual), in USD, excluding VAT. Annual, billed monthly is a one-year term paid monthly, 5 % above Annual.",
        "Fiyatlar lisans başına aylık (Aylık; Yıllık, aylık faturalı) veya yıllık (Yıllık), USD cinsinden ve KDV hariçtir. Yıllık, aylık faturalı seçeneği aylık ödenen bir yıllık dönemdir ve Yıllık fiyatın %5 üzerindedir.";
    CustomerName => "Customer", "Müşteri";
    Tenant => "Microsoft tenant", "Microsoft tenant";
    Relationship => "Reseller relationship", "Bayi ilişkisi";
    RelationshipAccepted => "Accepted", "Kabul edildi";
    RelationshipPending => "Not accepted yet", "Henüz kabul edilmedi";
    NoTenant => "No tenant yet (a new one is created with the first order)", "Henüz tenant yok (ilk siparişte yenisi oluşturulur)";
    NoCustomers => "You have no customers yet. A customer is added with its first order.", "Henüz müşteriniz yok. Müşteri ilk siparişiyle eklenir.";
    CreditLimit => "Marketplace credit limit", "Marketplace kredi limiti";
    CreditLimitHelp => "Separate from your distributor account limit; VAT is added on top.", "Distribütör cari hesap limitinizden ayrıdır; KDV ayrıca eklenir.";
    NoStatements => "No statements yet. Your first monthly statement is issued after the month of your first order.", "Henüz ekstre yok. İlk aylık ekstreniz, ilk siparişinizin olduğu ayın ardından düzenlenir.";
    NoSubscriptions => "No Microsoft CSP subscriptions yet. Subscriptions your partner orders for your company appear here.", "Henüz Microsoft CSP aboneliği yok. İş ortağınızın şirketiniz için sipariş ettiği abonelikler burada görünür.";
    Company => "Company", "Şirket";
    YourPartner => "Your partner", "İş ortağınız";
    NoOrders => "No orders yet. Orders from every partner will be listed here.", "Henüz sipariş yok. Tüm iş ortaklarının siparişleri burada listelenir.";
    NoMail => "The outbox is empty. E-mails the product sends (credentials, order confirmations) appear here.", "Giden kutusu boş. Ürünün gönderdiği e-postalar (giriş bilgileri, sipariş onayları) burada görünür.";
    MpnId => "MPN ID", "MPN ID";
    CustomersCount => "Customers", "Müşteri sayısı";
    To => "To", "Alıcı";
    Subject => "Subject", "Konu";
    Status => "Status", "Durum";
    Created => "Created", "Oluşturulma";
    Attempts => "Delivery attempts", "Gönderim denemesi";
    LastError => "Last error", "Son hata";
    Forbidden => "Your account does not have access to this page.", "Hesabınızın bu sayfaya erişimi yok.";
    SandboxControlsNeedOperations => "The sandbox's clock and faults can be changed only by a signed-in operations user, or with the sandbox token (CLOUDMARKET_SANDBOX_TOKEN) as a bearer token.", "Sanal ortamın saati ve hataları yalnızca oturum açmış bir operasyon kullanıcısı ya da taşıyıcı belirteç olarak sanal ortam belirteciyle (CLOUDMARKET_SANDBOX_TOKEN) değiştirilebilir.";
    SandboxClockOnlyForward => "The sandbox clock only moves forward: give an offset at least as large as the current one (GET /sandbox/clock shows it).", "Sanal ortam saati yalnızca ileri alınabilir: en az şimdiki kadar büyük bir fark verin (GET /sandbox/clock gösterir).";
    LiveStreamsTooMany => "Too many live progress views are open in this session. Close a tab and reload.", "Bu oturumda çok fazla canlı ilerleme görünümü açık. Bir sekmeyi kapatıp sayfayı yenileyin.";
    NotFound => "This page does not exist.", "Bu sayfa mevcut değil.";
    BackHome => "Back to the start page", "Başlangıç sayfasına dön";
    ProductsInCatalog => "products in the catalog", "katalogdaki ürün";
    OpenCatalog => "Open Cloud Services", "Bulut Servislerini aç";
    OpenCustomers => "Open Customers", "Müşterileri aç";
    OpenBilling => "Open Billing", "Faturalamayı aç";
    Available => "Available", "Kullanılabilir";
    PartnerStatusApproved => "Approved", "Onaylı";
    BecomePartner => "Become a partner", "İş Ortağımız Olun";
    BecomePartnerIntro => "Apply for a cloudmarket partner account. Credit control reviews every application; approved partners get a marketplace credit limit of 5,000 USD + VAT and their portal credentials by e-mail.", "cloudmarket iş ortağı hesabı için başvurun. Her başvuru kredi kontrol tarafından incelenir; onaylanan iş ortaklarına 5.000 USD + KDV marketplace limiti tanımlanır ve portal giriş bilgileri e-posta ile gönderilir.";
    ApplicationType => "How do you apply?", "Nasıl başvuruyorsunuz?";
    TabDealer => "I am an Armada dealer", "Armada Bayisiyim";
    TabNewPartner => "I want to become a new partner", "Yeni İş Ortağı Olmak İstiyorum";
    CompanyInformation => "Company information", "Firma bilgileri";
    ContactInformation => "Partner contact information", "İş ortağı iletişim bilgileri";
    CompanyName => "Company name", "Firma adı";
    TaxNumber => "Tax number", "Vergi numarası";
    TaxNumberHint => "10 digits; sole proprietors give their 11-digit T.C. identity number.", "10 hane; şahıs firmaları 11 haneli T.C. kimlik numarasını girer.";
    Address => "Address", "Adres";
    CompanyPhone => "Company phone", "Firma telefonu";
    DealerCode => "Armada dealer account code (cari kodu)", "Armada cari kodu";
    DealerCredit => "My company has Armada credit approval (kredi onayı)", "Firmamın Armada kredi onayı var";
    ContactName => "Contact name", "Yetkili adı soyadı";
    ContactEmail => "Contact e-mail", "Yetkili e-posta adresi";
    CustomerAgreement => "Microsoft Customer Agreement", "Microsoft Müşteri Sözleşmesi";
    CustomerAgreementHint => "Microsoft takes orders only for customers whose signatory has accepted this agreement. It is asked once per customer.",
        "Microsoft yalnızca imza yetkilisi bu sözleşmeyi kabul etmiş müşterilerin siparişlerini alır. Her müşteri için bir kez sorulur.";
    ReadCustomerAgreement => "Read the Microsoft Customer Agreement", "Microsoft Müşteri Sözleşmesi'ni okuyun";
    AgreementVersion => "version", "sürüm";
    SignatoryFirstName => "Signatory's first name", "İmzacının adı";
    SignatoryLastName => "Signatory's last name", "İmzacının soyadı";
    SignatoryEmail => "Signatory's e-mail", "İmzacının e-posta adresi";
    SignatoryCompany => "Signatory's company", "İmzacının şirketi";
    SignatoryCountry => "Country (two-letter code, e.g. TR)", "Ülke (iki harfli kod, örn. TR)";
    SignatoryLanguage => "Language (two-letter code, e.g. tr)", "Dil (iki harfli kod, örn. tr)";
    AgreementAcceptedConfirm => "The signatory has read and accepted the Microsoft Customer Agreement",
        "İmzacı Microsoft Müşteri Sözleşmesi'ni okudu ve kabul etti";
    ContactEmailHint => "The portal credentials are sent here; it becomes your username.", "Portal giriş bilgileri bu adrese gönderilir; kullanıcı adınız olur.";
    ContactPhone => "Contact phone", "Yetkili telefonu";
    MpnIdHint => "Your 7-digit Microsoft Partner ID (location PartnerID).", "7 haneli Microsoft Partner ID'niz (lokasyon PartnerID).";
    Documents => "Documents", "Belgeler";
    DocumentsHint => "PDF, JPEG or PNG, at most 10 MB each.", "PDF, JPEG veya PNG, her biri en fazla 10 MB.";
    DocTaxCertificate => "tax registration certificate (recent, notarised)", "vergi levhası (son tarihli, noter tasdikli)";
    DocSignatureCircular => "signature circular (sole proprietors: signature declaration)", "imza sirküleri (şahıs firmaları için imza beyannamesi)";
    DocTradeRegistryGazette => "trade registry gazette (sole proprietors: inspection slip)", "ticaret sicil gazetesi (şahıs firmaları için yoklama fişi)";
    DocOwnerId => "copy of the owner's ID", "firma sahibinin kimlik fotokopisi";
    DocCustomerIntroduction => "customer introduction form", "müşteri tanıtım formu";
    DocMembershipAgreement => "membership agreement form", "üyelik sözleşmesi formu";
    SubmitApplication => "Submit application", "Başvuruyu gönder";
    ApplicationNumber => "Application number", "Başvuru numarası";
    ApplicationTitle => "Your partner application", "İş ortaklığı başvurunuz";
    ApplicationSaved => "Keep this page's address: it shows your application's status at any time. We have also e-mailed it to you.", "Bu sayfanın adresini saklayın: başvurunuzun durumunu her zaman gösterir. Adresi size e-posta ile de gönderdik.";
    ApprovedNext => "Approved. Your portal credentials have been e-mailed to the contact address; sign in and choose a new password.", "Onaylandı. Portal giriş bilgileriniz yetkili e-posta adresine gönderildi; giriş yapıp yeni şifrenizi belirleyin.";
    StatusSubmitted => "Submitted, waiting for review", "Gönderildi, inceleme bekliyor";
    StatusApproved => "Approved", "Onaylandı";
    StatusRejected => "Rejected", "Reddedildi";
    Reason => "Reason", "Gerekçe";
    SubmittedAt => "Submitted", "Gönderilme";
    View => "View", "Görüntüle";
    Download => "Download", "İndir";
    Approve => "Approve", "Onayla";
    Reject => "Reject", "Reddet";
    RejectReason => "Reason (e-mailed to the applicant)", "Gerekçe (başvurana e-posta ile gönderilir)";
    ApproveHint => "Creates the partner and its admin user, and e-mails the credentials.", "İş ortağını ve yönetici kullanıcısını oluşturur, giriş bilgilerini e-posta ile gönderir.";
    PossibleDuplicate => "Possible duplicate", "Olası mükerrer";
    DuplicateHint => "Another application or partner has the same tax number or dealer code.", "Aynı vergi numarası veya cari koda sahip başka bir başvuru ya da iş ortağı var.";
    All => "All", "Tümü";
    KindDealer => "Armada dealer", "Armada bayisi";
    KindNewPartner => "New partner", "Yeni iş ortağı";
    Kind => "Type", "Tür";
    Save => "Save", "Kaydet";
    Decision => "Decision", "Karar";
    NoApplicationsMatch => "No application has this status.", "Bu durumda başvuru yok.";
    Filter => "Filter", "Filtre";
    // Webhooks (Control Panel → Settings → Webhooks, issue #17).
    Webhooks => "Webhooks", "Webhook'lar";
    WebhooksIntro => "Your systems are told when something happens: each event is posted to your HTTPS endpoints, signed as Standard Webhooks describes.", "Bir şey olduğunda sistemlerinize haber verilir: her olay, Standard Webhooks'un tarif ettiği biçimde imzalanarak HTTPS uç noktalarınıza gönderilir.";
    WebhookEndpoints => "Webhook endpoints", "Webhook uç noktaları";
    WebhookEndpoint => "Webhook endpoint", "Webhook uç noktası";
    NoWebhookEndpoints => "No endpoints yet. Add one below to receive events.", "Henüz uç nokta yok. Olayları almak için aşağıdan bir tane ekleyin.";
    AddWebhookEndpoint => "Add endpoint", "Uç nokta ekle";
    WebhookUrl => "Endpoint URL", "Uç nokta adresi";
    WebhookUrlHint => "An https:// address on the public internet, e.g. https://psa.example.com/hooks/cloudmarket.", "Genel internette bir https:// adresi; örneğin https://psa.example.com/hooks/cloudmarket.";
    WebhookDescription => "Description", "Açıklama";
    WebhookDescriptionHint => "Optional: what this endpoint feeds, so your colleagues know.", "İsteğe bağlı: bu uç noktanın neyi beslediği, ekip arkadaşlarınız bilsin diye.";
    WebhookEvents => "Events", "Olaylar";
    WebhookLimit => "Endpoints per partner, at most:", "İş ortağı başına en fazla uç nokta:";
    WebhookEnabled => "Enabled", "Etkin";
    WebhookDisabled => "Disabled", "Devre dışı";
    WebhookEnabledLabel => "Enabled: send events to this endpoint", "Etkin: olayları bu uç noktaya gönder";
    WebhookSettings => "Endpoint settings", "Uç nokta ayarları";
    Saved => "Saved.", "Kaydedildi.";
    WebhookSigningTitle => "Verifying what you receive", "Gelenleri doğrulama";
    WebhookSigningHelp => "Every delivery carries the headers webhook-id, webhook-timestamp and webhook-signature (v1, then the base64 HMAC-SHA256 of id.timestamp.body under your whsec_ secret). Any Standard Webhooks library verifies them; the same webhook-id on a second delivery means you already have it.", "Her gönderim webhook-id, webhook-timestamp ve webhook-signature başlıklarını taşır (v1, ardından whsec_ sırrınızla id.timestamp.gövde üzerinden base64 HMAC-SHA256). Her Standard Webhooks kütüphanesi bunları doğrular; ikinci bir gönderimde aynı webhook-id, onu zaten aldığınız anlamına gelir.";
    WebhookRetryHelp => "Answer with a 2xx status within 15 seconds. Any other answer is retried with growing pauses for about a day; every attempt is in the endpoint's delivery log.", "15 saniye içinde 2xx durum koduyla yanıt verin. Başka her yanıt, giderek uzayan aralarla yaklaşık bir gün boyunca yeniden denenir; her deneme uç noktanın gönderim kaydında görünür.";
    WebhookDeliveryLog => "Delivery log", "Gönderim kaydı";
    NoWebhookDeliveries => "Nothing sent yet. “Send test event” shows what a delivery looks like.", "Henüz bir şey gönderilmedi. “Test olayı gönder” bir gönderimin nasıl göründüğünü gösterir.";
    SendTestEvent => "Send test event", "Test olayı gönder";
    Redeliver => "Redeliver", "Yeniden gönder";
    Refresh => "Refresh", "Yenile";
    WebhookEvent => "Event", "Olay";
    WebhookResponseCode => "Response", "Yanıt";
    WebhookDuration => "Duration", "Süre";
    WebhookAttempts => "Attempts", "Denemeler";
    WebhookResponseBody => "Start of the response", "Yanıtın başı";
    WebhookSigningSecret => "Signing secret", "İmzalama sırrı";
    WebhookSecretTitle => "Your new signing secret", "Yeni imzalama sırrınız";
    WebhookSecretShownOnce => "Copy it into your receiver now: it is shown only this once and cannot be read again. If it is lost, rotate it.", "Şimdi alıcınıza kopyalayın: yalnızca bu kez gösterilir ve bir daha okunamaz. Kaybolursa yenisini oluşturun.";
    WebhookSecretHidden => "The secret was shown once, when it was made; it is stored sealed and cannot be shown again.", "Sır yalnızca oluşturulduğunda bir kez gösterildi; mühürlü saklanır ve yeniden gösterilemez.";
    WebhookPreviousSecretUntil => "The previous secret also signs every delivery until", "Önceki sır da her gönderimi şu zamana kadar imzalar:";
    WebhookRotateHelp => "Rotating makes a new secret and shows it once. The current one keeps signing beside it (both signatures are sent) for", "Yenileme yeni bir sır oluşturur ve bir kez gösterir. Mevcut sır yanında imzalamaya devam eder (iki imza da gönderilir), süre:";
    Hours => "hours.", "saat.";
    RotateSecret => "Rotate secret", "Sırrı yenile";
    DeleteWebhookEndpoint => "Delete endpoint", "Uç noktayı sil";
    WebhookConfirmDeleteLabel => "Yes, delete this endpoint and its delivery log for good; deliveries still waiting are not sent.", "Evet, bu uç noktayı ve gönderim kaydını kalıcı olarak sil; bekleyen gönderimler yapılmaz.";
    WebhookEventOrderSubmitted => "Order submitted", "Sipariş gönderildi";
    WebhookEventOrderAwaitingApproval => "Order awaiting credit approval", "Sipariş kredi onayı bekliyor";
    WebhookEventOrderCompleted => "Order completed", "Sipariş tamamlandı";
    WebhookEventOrderFailed => "Order failed", "Sipariş başarısız oldu";
    WebhookEventSubscriptionChanged => "Subscription changed", "Abonelik değişti";
    WebhookEventCancellationRequested => "Cancellation requested", "İptal talep edildi";
    WebhookEventCancellationDecided => "Cancellation decided", "İptal karara bağlandı";
    WebhookEventStatementIssued => "Statement issued", "Ekstre düzenlendi";
    WebhookEventCreditDecided => "Credit decision", "Kredi kararı";
    WebhookEventTest => "Test event", "Test olayı";
    WebhookDeliveryPending => "Pending", "Bekliyor";
    WebhookDeliverySucceeded => "Delivered", "Teslim edildi";
    WebhookDeliveryFailed => "Failed", "Başarısız";
    WebhookOutcomeDelivered => "Delivered", "Teslim edildi";
    WebhookOutcomeHttpError => "Answered with an error", "Hata ile yanıtlandı";
    WebhookOutcomeUnreachable => "Not reached (DNS, connection, TLS or timeout)", "Ulaşılamadı (DNS, bağlantı, TLS veya zaman aşımı)";
    WebhookOutcomeAddressRefused => "Refused: not a public address", "Reddedildi: genel bir adres değil";
    WebhookOutcomeEndpointDisabled => "Not sent: the endpoint is disabled", "Gönderilmedi: uç nokta devre dışı";
    WebhookOutcomeSecretUnavailable => "Not sent: the signing secret cannot be opened", "Gönderilmedi: imzalama sırrı açılamıyor";
    // Operations: the job queue.
    Jobs => "Jobs", "İşler";
    JobsHelp => "Background work such as provisioning. A dead job has used up its attempts or cannot succeed; once the cause is fixed, Retry gives it a fresh set of attempts.", "Provizyon gibi arka plan işleri. Ölü bir iş denemelerini tüketmiş ya da başarılı olamayacak durumdadır; sebep giderildiğinde Yeniden dene ona yeni bir deneme hakkı verir.";
    JobQueue => "Job queue", "İş kuyruğu";
    JobsQueued => "Queued", "Sırada";
    JobsRunning => "Running", "Çalışıyor";
    JobsDead => "Dead", "Ölü";
    DeadJobs => "Dead jobs", "Ölü işler";
    NoDeadJobs => "No dead jobs: every job has succeeded or is still being tried.", "Ölü iş yok: her iş başarılı oldu ya da hâlâ deneniyor.";
    CredentialsRefused => "Partner Center refused the marketplace's credentials", "Partner Center, pazaryerinin kimlik bilgilerini reddetti";
    CredentialsRefusedHelp => "Jobs that call Partner Center stop until this is fixed, and their orders wait in Provisioning. Check CLOUDMARKET_PARTNER_CENTER_TENANT, CLOUDMARKET_PARTNER_CENTER_APP_ID and CLOUDMARKET_PARTNER_CENTER_APP_SECRET. For 900421 (no multi-factor authentication), a partner admin signs in again with MFA to consent, and the new refresh token goes in CLOUDMARKET_PARTNER_CENTER_REFRESH_TOKEN. Restart the servers, then Retry the dead jobs below.", "Partner Center'ı çağıran işler bu düzeltilene kadar durur; siparişleri Hazırlanıyor durumunda bekler. CLOUDMARKET_PARTNER_CENTER_TENANT, CLOUDMARKET_PARTNER_CENTER_APP_ID ve CLOUDMARKET_PARTNER_CENTER_APP_SECRET ayarlarını kontrol edin. 900421 (çok faktörlü kimlik doğrulama yok) için bir iş ortağı yöneticisi MFA ile yeniden oturum açıp onay verir ve yeni yenileme belirteci CLOUDMARKET_PARTNER_CENTER_REFRESH_TOKEN'a yazılır. Sunucuları yeniden başlatın, ardından aşağıdaki ölü işleri Yeniden deneyin.";
    CredentialsRefusedJobs => "Dead jobs stopped by it", "Bu yüzden duran ölü işler";
    MissingSettings => "Settings missing", "Eksik ayarlar";
    MissingSettingsHelp => "Set the variable shown and restart the server.", "Gösterilen değişkeni ayarlayıp sunucuyu yeniden başlatın.";
    MissingMailServer => "No mail server is configured: mail is not sent and waits in the Outbox.", "E-posta sunucusu ayarlanmamış: e-postalar gönderilmiyor, Giden kutusunda bekliyor.";
    MissingPartnerCenter => "No Partner Center is configured and the sandbox is off: MPN IDs cannot be checked and orders cannot be provisioned.", "Partner Center ayarlanmamış ve sandbox kapalı: MPN ID'leri doğrulanamıyor ve siparişler hazırlanamıyor.";
    JobKind => "Job", "İş";
    JobReference => "Reference", "Referans";
    JobAttempts => "Attempts", "Deneme";
    JobLastError => "Last error", "Son hata";
    JobFinishedAt => "Given up at", "Bırakıldığı an";
    RetryJob => "Retry", "Yeniden dene";
    TheMpnId => "the MPN ID", "MPN ID";
    MailLanguageHint => "Mail to you is written in the language you choose with EN | TR at the top of the page.", "Size gönderilen e-postalar, sayfanın üstündeki EN | TR ile seçtiğiniz dilde yazılır.";
    TheDomain => "the domain", "Alan adı";
    TheTenant => "the tenant", "Tenant";
    // Settings: the partner API's keys, and where webhooks are set up.
    Settings => "Settings", "Ayarlar";
    SettingsHelp => "Connect your own systems (PSA, RMM, billing, scripts) to cloudmarket.", "Kendi sistemlerinizi (PSA, RMM, faturalama, betikler) cloudmarket'e bağlayın.";
    ApiKeys => "API keys", "API anahtarları";
    ApiKeysHelp => "Keys your systems call the partner API with. Each key sees only your company's customers, orders and billing, and only what its scopes allow.", "Sistemlerinizin iş ortağı API'sini çağırdığı anahtarlar. Her anahtar yalnızca şirketinizin müşterilerini, siparişlerini ve faturalarını, kapsamlarının izin verdiği kadarıyla görür.";
    WebhooksHelp => "Addresses of your systems that cloudmarket tells when an order, a subscription or a statement changes.", "Bir sipariş, abonelik veya ekstre değiştiğinde cloudmarket'in haber verdiği sistem adresleriniz.";
    ApiReference => "API reference", "API başvuru belgesi";
    OpenApiDocument => "OpenAPI document", "OpenAPI belgesi";
    NewApiKey => "New API key", "Yeni API anahtarı";
    KeyName => "Name", "Ad";
    KeyNameHint => "What the key is for, e.g. “PSA sync”.", "Anahtarın ne için olduğu; örneğin “PSA eşitleme”.";
    Scopes => "Scopes", "Kapsamlar";
    ScopeRead => "Read", "Okuma";
    ScopeReadHint => "The catalog, customers, orders and subscriptions.", "Katalog, müşteriler, siparişler ve abonelikler.";
    ScopeOrders => "Orders", "Siparişler";
    ScopeOrdersHint => "Create customers, place and check orders, resubmit failed ones.", "Müşteri oluşturma, sipariş verme ve kontrol etme, başarısız siparişleri yeniden gönderme.";
    ScopeSubscriptions => "Subscriptions", "Abonelikler";
    ScopeSubscriptionsHint => "Licence counts, renewals, cancellations and cancellation orders.", "Lisans sayıları, yenilemeler, iptaller ve iptal siparişleri.";
    ScopeBilling => "Billing", "Faturalama";
    ScopeBillingHint => "Credit usage, unbilled charges and statements.", "Kredi kullanımı, faturalanmamış tutarlar ve ekstreler.";
    KeyLanguage => "Language of its messages", "Mesajlarının dili";
    KeyLanguageHint => "Errors are worded in this language unless a call asks for another with Accept-Language.", "Bir çağrı Accept-Language ile başka bir dil istemedikçe hata mesajları bu dilde yazılır.";
    CreateKey => "Create key", "Anahtar oluştur";
    KeyCreated => "Your new API key", "Yeni API anahtarınız";
    KeyShownOnce => "Copy it now and keep it somewhere safe: it is shown only this once. We keep only a fingerprint of it.", "Şimdi kopyalayıp güvenli bir yerde saklayın: yalnızca bu kez gösterilir. Biz yalnızca parmak izini saklarız.";
    KeyAlreadyShown => "This key's secret was already shown once and is not kept. If it is lost, revoke the key and create a new one.", "Bu anahtarın gizli değeri bir kez gösterildi ve saklanmıyor. Kaybolduysa anahtarı iptal edip yenisini oluşturun.";
    KeyPrefix => "Key", "Anahtar";
    LastUsed => "Last used", "Son kullanım";
    NeverUsed => "Never", "Hiç";
    KeyActive => "Active", "Etkin";
    KeyRevoked => "Revoked", "İptal edildi";
    RevokeKey => "Revoke", "İptal et";
    RevokeKeyConfirm => "Calls made with this key are refused at once, and a revoked key cannot be turned back on.", "Bu anahtarla yapılan çağrılar hemen reddedilir ve iptal edilen anahtar yeniden etkinleştirilemez.";
    ConfirmRevoke => "Revoke the key", "Anahtarı iptal et";
    NoApiKeys => "No API keys yet. Create one to connect your systems.", "Henüz API anahtarı yok. Sistemlerinizi bağlamak için bir tane oluşturun.";
    CreatedBy => "Created by", "Oluşturan";
    // Invoicing (issue #21): what the browser itself shows (the invoicing pages are written on the
    // server, their words are `Say` entries there).
    Invoices => "Invoices", "Faturalar";
    PartnerInvoicing => "Invoicing details", "Fatura bilgileri";
    EInvoiceRegistration => "e-Fatura registration", "e-Fatura kaydı";
    EInvoiceRegistrationHint => "A partner registered with GİB for e-Fatura gets e-Fatura invoices; any other gets e-Arşiv invoices.", "GİB'e e-Fatura için kayıtlı iş ortağı e-Fatura alır; diğerleri e-Arşiv fatura alır.";
    ProfileEArchive => "Not registered: e-Arşiv invoices", "Kayıtlı değil: e-Arşiv fatura";
    ProfileBasic => "Registered: e-Fatura, basic (TEMELFATURA)", "Kayıtlı: e-Fatura, temel (TEMELFATURA)";
    ProfileCommercial => "Registered: e-Fatura, commercial (TICARIFATURA)", "Kayıtlı: e-Fatura, ticari (TICARIFATURA)";
    TaxOffice => "Tax office", "Vergi dairesi";
    MissingIntegrator => "No e-Fatura integrator is configured and the sandbox is off: invoices are issued and archived but not sent to GİB.", "e-Fatura entegratörü ayarlanmamış ve sandbox kapalı: faturalar düzenlenip arşivleniyor ama GİB'e gönderilmiyor.";
}

/// The current language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub locale: RwSignal<Locale>,
}

impl I18n {
    pub fn get(self) -> Locale {
        self.locale.get()
    }
}

/// Provides the language context: from the request cookie on the server, from `<html lang>`
/// (which the server rendered from that same cookie) in the browser.
pub fn provide_i18n() -> I18n {
    let initial = initial_locale();
    let i18n = I18n { locale: RwSignal::new(initial) };
    provide_context(i18n);
    i18n
}

#[cfg(feature = "ssr")]
pub fn request_locale() -> Locale {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .find_map(Locale::from_cookie_header)
        })
        .unwrap_or_default()
}

fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        request_locale()
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|html| html.get_attribute("lang"))
                .map(|code| Locale::from_code(&code))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            Locale::default()
        }
    }
}

/// The reader's language for text built once (a row's amount, a date): read without following
/// later switches, and English where there is no page (mail, logs).
///
/// On the server outside a page (a server function's answer) it is the request's language.
pub fn current_locale() -> Locale {
    match use_context::<I18n>() {
        Some(i18n) => i18n.locale.get_untracked(),
        #[cfg(feature = "ssr")]
        None => request_locale(),
        #[cfg(not(feature = "ssr"))]
        None => Locale::default(),
    }
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(provide_i18n)
}

/// "Licence" or "Licences" after a count of `n`.
pub fn licences(n: impl Into<i64>) -> Msg {
    if n.into() == 1 { Msg::LicenceCountOne } else { Msg::LicenceCountMany }
}

/// A reactive translated string for use in views and attributes.
pub fn t(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || msg.text(i18n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_is_read_from_the_cookie_header() {
        assert_eq!(Locale::from_cookie_header("a=1; cm_lang=tr; b=2"), Some(Locale::Tr));
        assert_eq!(Locale::from_cookie_header("cm_lang=en"), Some(Locale::En));
        assert_eq!(Locale::from_cookie_header("other=tr"), None);
    }

    #[test]
    fn unknown_locale_codes_fall_back_to_english() {
        assert_eq!(Locale::from_code("de"), Locale::En);
        assert_eq!(Locale::from_code(" TR "), Locale::Tr);
    }

    /// Words Turkish writes as English does: names of products, brands and languages.
    const SAME_IN_BOTH: &[Msg] =
        &[Msg::AppName, Msg::English, Msg::Turkish, Msg::MicrosoftCsp, Msg::Tenant, Msg::MpnId];

    #[test]
    fn every_key_is_written_in_turkish_too() {
        let mut untranslated = Vec::new();
        for &msg in Msg::ALL {
            let (en, tr) = (msg.text(Locale::En), msg.text(Locale::Tr));
            assert!(!en.trim().is_empty() && !tr.trim().is_empty(), "{msg:?} has an empty text");
            if en == tr && !SAME_IN_BOTH.contains(&msg) {
                untranslated.push(msg);
            }
        }
        assert!(untranslated.is_empty(), "the Turkish UI would show English for {untranslated:?}");
        assert!(Msg::ALL.len() > 300, "{}", Msg::ALL.len());
    }

    #[test]
    fn every_message_has_text_in_both_languages() {
        for msg in [Msg::SignIn, Msg::CloudServices, Msg::MicrosoftCsp, Msg::Outbox] {
            assert!(!msg.text(Locale::En).is_empty());
            assert!(!msg.text(Locale::Tr).is_empty());
        }
        assert_eq!(Msg::CloudServices.text(Locale::Tr), "Bulut Servisleri");
    }

    #[test]
    fn a_count_of_one_licence_is_singular() {
        assert_eq!(licences(1).text(Locale::En), "Licence");
        assert_eq!(licences(0).text(Locale::En), "Licences");
        assert_eq!(licences(5).text(Locale::En), "Licences");
        assert_eq!(licences(5).text(Locale::Tr), "Lisans");
    }
}
