//! What the product says when it refuses or explains something: a message key with its
//! arguments ([`Say`]), rendered in the reader's language only when it is shown.
//!
//! Each entry is written once with its arguments and both texts. The texts are `format!`
//! strings over the arguments by name, so a text that leaves out an argument or names one that
//! does not exist is a compile error, in either language. English plurals are written as
//! `{count: "one", "many"}` (Turkish does not inflect a noun after a number).
//!
//! Entries marked `#[cfg(feature = "ssr")]` are said only by the server: the browser bundle never
//! holds their text, and receives them already rendered (see [`Text`]). The rest are also said
//! by the browser itself (a licence count checked as it is typed).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Locale, Msg};

/// One value a message shows, as the reader's language writes it.
pub trait Arg {
    fn shown(&self, locale: Locale) -> String;
    /// The value for machines (the partner API, logs): no grouping, no translation.
    fn raw(&self) -> String;
    /// Whether a count is exactly one, for English plurals.
    fn is_one(&self) -> bool {
        false
    }
}

impl Arg for String {
    fn shown(&self, _: Locale) -> String {
        self.clone()
    }
    fn raw(&self) -> String {
        self.clone()
    }
}

macro_rules! count_arg {
    ($($t:ty),*) => {$(
        impl Arg for $t {
            fn shown(&self, locale: Locale) -> String {
                group_digits(&self.to_string(), locale)
            }
            fn raw(&self) -> String {
                self.to_string()
            }
            fn is_one(&self) -> bool {
                *self == 1
            }
        }
    )*};
}
count_arg!(i32, i64, usize);

impl Arg for Msg {
    fn shown(&self, locale: Locale) -> String {
        self.text(locale).to_owned()
    }
    fn raw(&self) -> String {
        format!("{self:?}")
    }
}

/// A vendor's code (Partner Center's 800015): an identifier, never grouped like a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code(pub i64);

impl Arg for Code {
    fn shown(&self, _: Locale) -> String {
        self.0.to_string()
    }
    fn raw(&self) -> String {
        self.0.to_string()
    }
}

/// Thousands grouped as each language writes them: `10,000` and `10.000`. Years and four-digit
/// numbers stay whole in both, as both languages write them in running text.
pub fn group_digits(digits: &str, locale: Locale) -> String {
    let (sign, digits) = digits.strip_prefix('-').map_or(("", digits), |rest| ("-", rest));
    if digits.len() <= 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return format!("{sign}{digits}");
    }
    let separator = match locale {
        Locale::En => ',',
        Locale::Tr => '.',
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(separator);
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// Words a message can name inside a sentence: a form's field. English uses it after "the",
/// Turkish at the start of a sentence, so each has its own form in each language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Noun {
    Address,
    CompanyAddress,
    ContactName,
    ContactPersonName,
    DealerCode,
    KeyName,
    SignatoryFirstName,
    SignatoryLastName,
}

impl Arg for Noun {
    fn shown(&self, locale: Locale) -> String {
        let (en, tr) = match self {
            Self::Address => ("address", "Adres"),
            Self::CompanyAddress => ("company address", "Şirket adresi"),
            Self::ContactName => ("contact name", "Yetkili adı soyadı"),
            Self::ContactPersonName => ("contact person's name", "İletişim kişisinin adı"),
            Self::DealerCode => ("dealer account code", "Bayi hesap kodu"),
            Self::KeyName => ("key's name", "Anahtarın adı"),
            Self::SignatoryFirstName => ("signatory's first name", "İmzacının adı"),
            Self::SignatoryLastName => ("signatory's last name", "İmzacının soyadı"),
        };
        match locale {
            Locale::En => en.to_owned(),
            Locale::Tr => tr.to_owned(),
        }
    }
    fn raw(&self) -> String {
        format!("{self:?}")
    }
}

/// One text of an entry: a plain `format!` string, or an English plural by a count argument.
macro_rules! say_text {
    ($locale:ident, $text:literal, $($arg:ident),*) => {
        format!($text $(, $arg = Arg::shown($arg, $locale))*)
    };
    ($locale:ident, { $count:ident : $one:literal, $many:literal }, $($arg:ident),*) => {
        if Arg::is_one($count) { say_text!($locale, $one, $($arg),*) } else { say_text!($locale, $many, $($arg),*) }
    };
}

macro_rules! says {
    ($( $(#[$meta:meta])* $key:ident $({ $($arg:ident : $ty:ty),* $(,)? })? => $en:tt, $tr:tt; )*) => {
        /// A message the product says, with its arguments, in no language yet.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Say {
            $( $(#[$meta])* $key $({ $($arg: $ty),* })?, )*
        }

        impl Say {
            /// The message's stable name, for machines and tests: `"OrderNotFound"`.
            pub fn key(&self) -> &'static str {
                match self {
                    $( $(#[$meta])* Say::$key { .. } => stringify!($key), )*
                }
            }

            /// The message in `locale`.
            pub fn render(&self, locale: Locale) -> String {
                match self {
                    $(
                        $(#[$meta])*
                        Say::$key $({ $($arg),* })? => match locale {
                            Locale::En => say_text!(locale, $en, $($($arg),*)?),
                            Locale::Tr => say_text!(locale, $tr, $($($arg),*)?),
                        },
                    )*
                }
            }

            /// The arguments by name, in their machine form.
            pub fn args(&self) -> Vec<(&'static str, String)> {
                match self {
                    $(
                        $(#[$meta])*
                        #[allow(unused_variables)]
                        Say::$key $({ $($arg),* })? => vec![$($( (stringify!($arg), Arg::raw($arg)) ),*)?],
                    )*
                }
            }

            /// Every entry with sample arguments, for the test that reads each in both languages.
            #[cfg(test)]
            pub fn samples() -> Vec<Say> {
                vec![$( $(#[$meta])* Say::$key $({ $($arg: <$ty as tests::Sample>::sample()),* })?, )*]
            }
        }
    };
}

says! {
    // Who may do what.
    SignInToContinue => "Please sign in to continue.", "Devam etmek için lütfen oturum açın.";
    NoAccess => "Your account does not have access to this.", "Hesabınızın buna erişimi yok.";
    SomethingWentWrong => "Something went wrong on our side. Please try again; if it keeps happening, contact support.",
        "Bizim tarafımızda bir sorun oluştu. Lütfen tekrar deneyin; sürerse destek ekibine başvurun.";
    ServerUnreachable => "The server could not be reached. Check your connection and try again.",
        "Sunucuya ulaşılamadı. Bağlantınızı kontrol edip tekrar deneyin.";
    // Operations: the database briefly unreachable (a restart, a failover); answered with 503.
    BrieflyUnavailable => "The marketplace is briefly unavailable. Nothing was lost: try again in a moment.",
        "Pazar yeri kısa bir süreliğine kullanılamıyor. Hiçbir şey kaybolmadı: birazdan tekrar deneyin.";
    CheckTheForm => "Please check the form.", "Lütfen formu kontrol edin.";
    #[cfg(feature = "ssr")]
    FormIncomplete { detail: String } => "The form was incomplete: {detail}", "Form eksik gönderildi: {detail}";
    #[cfg(feature = "ssr")]
    FormUnreadable { detail: String } => "The form could not be read: {detail}", "Form okunamadı: {detail}";
    #[cfg(feature = "ssr")]
    FormTooLarge => "The form is too large to send. Shorten the text and try again.",
        "Form gönderilemeyecek kadar büyük. Metni kısaltıp tekrar deneyin.";
    #[cfg(feature = "ssr")]
    ControlCharacterRefused => "This contains a control character (such as NUL) that cannot be saved. Remove it and try again.",
        "Bu metin kaydedilemeyen bir kontrol karakteri (NUL gibi) içeriyor. Karakteri silip tekrar deneyin.";

    // Not found: another tenant's id reads as missing, never as someone else's.
    #[cfg(feature = "ssr")]
    OrderNotFound => "That order was not found.", "Sipariş bulunamadı.";
    CustomerNotFound => "That customer was not found.", "Müşteri bulunamadı.";
    #[cfg(feature = "ssr")]
    ProductNotFound => "That product was not found.", "Ürün bulunamadı.";
    #[cfg(feature = "ssr")]
    ProductOptionNotFound => "That product (at this billing option) was not found.", "Ürün (bu faturalama seçeneğiyle) bulunamadı.";
    #[cfg(feature = "ssr")]
    CartLineNotFound => "That cart line was not found.", "Sepet satırı bulunamadı.";
    #[cfg(feature = "ssr")]
    StatementNotFound => "That statement was not found.", "Ekstre bulunamadı.";
    PartnerNotFound => "That partner was not found.", "İş ortağı bulunamadı.";
    #[cfg(feature = "ssr")]
    YourPartnerAccountNotFound => "Your partner account was not found.", "İş ortağı hesabınız bulunamadı.";
    #[cfg(feature = "ssr")]
    YourCompanyNotFound => "Your company was not found.", "Şirketiniz bulunamadı.";
    SubscriptionNotFound => "That subscription was not found.", "Abonelik bulunamadı.";
    #[cfg(feature = "ssr")]
    CancellationOrderNotFound => "That cancellation order was not found.", "İptal siparişi bulunamadı.";
    #[cfg(feature = "ssr")]
    JobNotFound => "That job was not found.", "İş bulunamadı.";
    #[cfg(feature = "ssr")]
    ApplicationNotFound => "The application was not found.", "Başvuru bulunamadı.";

    // What is typed.
    EnterEmail => "Enter your e-mail address.", "E-posta adresinizi girin.";
    EmailInvalid => "Enter a valid e-mail address, like name@company.com.", "ad@sirket.com gibi geçerli bir e-posta adresi girin.";
    #[cfg(feature = "ssr")]
    EnterPassword => "Enter your password.", "Parolanızı girin.";
    #[cfg(feature = "ssr")]
    WrongCredentials => "The e-mail address or the password is not correct.", "E-posta adresi veya parola hatalı.";
    #[cfg(feature = "ssr")]
    EnterCurrentPassword => "Enter your current password.", "Mevcut parolanızı girin.";
    #[cfg(feature = "ssr")]
    WrongCurrentPassword => "The current password is not correct.", "Mevcut parola hatalı.";
    PasswordTooShort { min: usize } => "Use at least {min} characters.", "En az {min} karakter kullanın.";
    PasswordTooLong { max: usize } => "Use at most {max} characters.", "En fazla {max} karakter kullanın.";
    PasswordUnchanged => "Choose a password different from the current one.", "Mevcut parolanızdan farklı bir parola seçin.";
    PasswordsDiffer => "The two new passwords do not match.", "İki yeni parola birbirini tutmuyor.";
    #[cfg(feature = "ssr")]
    PasswordLinkExpired => "This link has expired or was already used. Ask credit control for a new one, or sign in if you have already set your password.",
        "Bu bağlantının süresi dolmuş ya da bağlantı zaten kullanılmış. Kredi kontrolünden yenisini isteyin veya parolanızı belirlediyseniz oturum açın.";
    #[cfg(feature = "ssr")]
    SignInTooManyFromClient => "Too many sign-in attempts from your network. Wait a minute and try again.",
        "Ağınızdan çok fazla oturum açma denemesi yapıldı. Bir dakika bekleyip yeniden deneyin.";
    #[cfg(feature = "ssr")]
    SignInSlowedDown { minutes: i64 } => "Too many wrong passwords for this address from your network. Wait {minutes} minutes and try again.",
        "Bu adres için ağınızdan çok fazla yanlış parola girildi. {minutes} dakika bekleyip yeniden deneyin.";
    EnterMpnId => "Enter the Microsoft Partner ID (MPN ID).", "Microsoft Partner ID'yi (MPN ID) girin.";
    MpnIdFormat => "The MPN ID is the 7-digit number of your Microsoft partner location, e.g. 1234567.",
        "MPN ID, Microsoft iş ortağı konumunuzun 7 haneli numarasıdır; örneğin 1234567.";
    EnterTaxNumber => "Enter the tax number.", "Vergi numarasını girin.";
    TaxNumberFormat => "A tax number has 10 digits (11 for sole proprietors: the T.C. identity number).",
        "Vergi numarası 10 hanelidir (şahıs şirketlerinde 11: T.C. kimlik numarası).";
    EnterPhone => "Enter a phone number.", "Bir telefon numarası girin.";
    PhoneDigitsOnly => "Use digits only, e.g. +90 212 555 01 02.", "Yalnızca rakam kullanın; örneğin +90 212 555 01 02.";
    PhoneIncomplete => "This does not look like a full phone number; include the area code.",
        "Bu tam bir telefon numarasına benzemiyor; alan kodunu da yazın.";
    EnterText { what: Noun } => "Enter the {what}.", "{what} boş bırakılamaz.";
    TextTooLong { what: Noun, max: usize } => "The {what} can be at most {max} characters.", "{what} en fazla {max} karakter olabilir.";
    ControlCharacter { code: String } => "This contains a control character (U+{code}) that cannot be saved. Remove it and try again.",
        "Bu metin kaydedilemeyen bir kontrol karakteri (U+{code}) içeriyor. Karakteri silip tekrar deneyin.";
    NumberUnreadable => "Enter a number such as 5000 or 12,5.", "5000 veya 12,5 gibi bir sayı girin.";
    NumberAmbiguous { typed: String, thousands: String, decimal: String } =>
        "Write {typed} as {thousands} if you mean thousands, or as {decimal} if not.",
        "Binlik demek istiyorsanız {typed} yerine {thousands}, istemiyorsanız {decimal} yazın.";
    EnterAmount => "Enter an amount such as 5000 or 5000.00.", "5000 veya 5000,00 gibi bir tutar girin.";
    AmountNegative => "The amount cannot be negative.", "Tutar negatif olamaz.";
    AmountTwoDecimals => "Use at most two decimals.", "En fazla iki ondalık basamak kullanın.";
    AmountTooLarge { max: String } => "The amount can be at most {max}.", "Tutar en fazla {max} olabilir.";
    EnterPrefix => "Enter a domain prefix for the new tenant, e.g. acmeltd.", "Yeni tenant için bir alan adı öneki girin; örneğin acmeltd.";
    PrefixCharacters => "Use letters (a–z) and digits only: no spaces, dots, hyphens or accented letters.",
        "Yalnızca harf (a–z) ve rakam kullanın: boşluk, nokta, tire veya Türkçe karakter olmasın.";
    PrefixTooLong { max: usize } => "The prefix can be at most {max} characters.", "Önek en fazla {max} karakter olabilir.";
    InitialDomainFormat => "Enter the tenant's initial domain exactly, e.g. contoso.onmicrosoft.com (Microsoft 365 admin center → Settings → Domains: the default domain).",
        "Tenant'ın ilk alan adını tam olarak girin; örneğin contoso.onmicrosoft.com (Microsoft 365 yönetim merkezi → Ayarlar → Etki alanları: varsayılan alan adı).";
    LicencesWholeNumber => "Enter the number of licences as a whole number.", "Lisans sayısını tam sayı olarak girin.";
    LicencesAtLeastOne => "Order at least 1 licence.", "En az 1 lisans sipariş edin.";
    LicencesPerLineMax { max: i32 } => "At most {max} licences per line; contact us for larger orders.",
        "Satır başına en fazla {max} lisans; daha büyük siparişler için bizimle iletişime geçin.";
    SeatLimit { product: String, max: i32 } =>
        { max: "{product} is sold with at most {max} licence per customer: enter {max} or fewer.",
               "{product} is sold with at most {max} licences per customer: enter {max} or fewer." },
        "{product} müşteri başına en fazla {max} lisansla satılır: {max} veya daha az girin.";
    EnterCompanyName => "Enter the company name.", "Firma adını girin.";
    CompanyNameLength => "The company name must be 2 to 100 characters.", "Firma adı 2 ile 100 karakter arasında olmalıdır.";
    CompanyNameLetters => "The company name must contain letters.", "Firma adı harf içermelidir.";
    CompanyNameCharacter { bad: String } => "The company name cannot contain “{bad}”: use letters, digits, spaces and . , & - ' ( ) /.",
        "Firma adı “{bad}” içeremez: harf, rakam, boşluk ve . , & - ' ( ) / kullanın.";
    ChooseCycle => "Choose “Monthly”, “Annual” or “Annual, billed monthly” first.", "Önce “Aylık”, “Yıllık” veya “Yıllık, aylık faturalı” seçin.";
    // A price list's lines (issue #19), each refused with what to write instead.
    #[cfg(feature = "ssr")]
    PriceListEmpty => "Paste at least one price line.", "En az bir fiyat satırı yapıştırın.";
    #[cfg(feature = "ssr")]
    PriceLineColumns => "Give five columns: sku,billing_cycle,unit_price,currency,effective_from.",
        "Beş sütun yazın: sku,billing_cycle,unit_price,currency,effective_from.";
    #[cfg(feature = "ssr")]
    PriceLineUnknownSku { sku: String } => "No product has the SKU {sku}.", "{sku} SKU'lu bir ürün yok.";
    #[cfg(feature = "ssr")]
    PriceLineCycle { cycle: String } => "“{cycle}” is not a billing option: write monthly, annual or annual_monthly.",
        "“{cycle}” bir faturalama seçeneği değil: monthly, annual veya annual_monthly yazın.";
    #[cfg(feature = "ssr")]
    PriceLineAmount { price: String } => "“{price}” is not a price: write an amount above zero with at most two decimals, such as 7.20.",
        "“{price}” bir fiyat değil: sıfırdan büyük, en fazla iki ondalıklı bir tutar yazın; örneğin 7.20.";
    #[cfg(feature = "ssr")]
    PriceLineCurrency { currency: String, expected: String } => "“{currency}” is not this product's currency: its prices are in {expected}.",
        "“{currency}” bu ürünün para birimi değil: fiyatları {expected} cinsindendir.";
    #[cfg(feature = "ssr")]
    PriceLineDate { date: String } => "“{date}” is not a date: write it as YYYY-MM-DD, such as 2026-07-01.",
        "“{date}” bir tarih değil: YYYY-AA-GG biçiminde yazın; örneğin 2026-07-01.";
    #[cfg(feature = "ssr")]
    PriceLinePastDate { date: String } => "{date} has passed: a price takes effect today or later.",
        "{date} geçmiş bir tarih: fiyat bugünden veya sonrasından itibaren geçerli olabilir.";
    #[cfg(feature = "ssr")]
    PriceLineRepeated { line: usize } => "The same product, option and date as line {line}.",
        "{line}. satırla aynı ürün, seçenek ve tarih.";
    #[cfg(feature = "ssr")]
    PriceListRefused { count: usize } => { count: "{count} line of the price list is wrong: nothing was saved.",
        "{count} lines of the price list are wrong: nothing was saved." },
        "Fiyat listesinin {count} satırı hatalı: hiçbir şey kaydedilmedi.";

    ChoosePayment => "Choose the payment method “Wire Transfer”.", "“Havale/EFT” ödeme yöntemini seçin.";
    PeriodFormat => "Give the month as YYYY-MM, for example 2026-11.", "Ayı YYYY-AA biçiminde yazın; örneğin 2026-11.";
    MarkupFormat => "Give the markup as a percentage from 0 to 500, such as 15 or 12.5.",
        "Kâr marjını 0 ile 500 arasında bir yüzde olarak yazın; örneğin 15 veya 12,5.";
    KeepsOneLicence => "A subscription keeps at least one licence; to stop it, use “Cancel Subscription”.",
        "Bir abonelikte en az bir lisans kalır; aboneliği sonlandırmak için “Aboneliği İptal Et”i kullanın.";
    RemovalWindowPassed { removable: i32, requested: i32 } =>
        "Only seats added in the last 7 days (168 hours) can be removed: {removable} of the {requested} can go now. Turn auto-renew off, or schedule the lower count for the renewal.",
        "Yalnızca son 7 günde (168 saat) eklenen lisanslar azaltılabilir: {requested} lisansın {removable} tanesi şimdi azaltılabilir. Otomatik yenilemeyi kapatın veya düşük sayıyı yenileme için planlayın.";
    ChooseCustomerOrNew => "Choose the customer from the list, or pick “New Customer”.", "Listeden müşteriyi seçin ya da “Yeni Müşteri”yi seçin.";
    ChooseCustomerMode => "Choose “Existing Customer” or “New Customer”.", "“Mevcut Müşteri” veya “Yeni Müşteri” seçin.";
    MicrosoftEmailRefused => "Use the customer's own e-mail address: @microsoft.com addresses are not accepted.",
        "Müşterinin kendi e-posta adresini kullanın: @microsoft.com adresleri kabul edilmez.";
    CountryCodeFormat => "Enter the country as its two-letter code, for example TR.", "Ülkeyi iki harfli koduyla yazın; örneğin TR.";
    LanguageCodeFormat => "Enter the language as its two-letter code, for example tr.", "Dili iki harfli koduyla yazın; örneğin tr.";
    #[cfg(feature = "ssr")]
    AgreementNeeded { customer: String } =>
        "{customer} has not accepted the Microsoft Customer Agreement, and Microsoft takes no order without it: enter the person who signs it for {customer} and confirm that they accepted it.",
        "{customer} Microsoft Müşteri Sözleşmesi'ni kabul etmedi ve Microsoft bu kabul olmadan sipariş almıyor: {customer} adına sözleşmeyi imzalayan kişiyi girin ve kabul ettiğini onaylayın.";
    #[cfg(feature = "ssr")]
    AgreementNotConfirmed => "Confirm that the signatory has read and accepted the Microsoft Customer Agreement.",
        "İmzacının Microsoft Müşteri Sözleşmesi'ni okuyup kabul ettiğini onaylayın.";
    ChooseApplicationKind => "Choose how you apply.", "Nasıl başvurduğunuzu seçin.";
    ConfirmArmadaCredit => "Confirm that your company has Armada credit approval; without it, apply as a new partner.",
        "Şirketinizin Armada kredi onayı olduğunu onaylayın; onay yoksa yeni iş ortağı olarak başvurun.";
    AttachDocument { what: Msg } => "Attach the {what}.", "Şu belgeyi ekleyin: {what}.";
    DocumentTooLarge { what: Msg } => "The {what} is larger than 10 MB; send a smaller scan.",
        "Bu belge 10 MB'tan büyük; daha küçük bir tarama gönderin: {what}.";
    DocumentEmpty { what: Msg } => "The {what} file is empty.", "Bu belgenin dosyası boş: {what}.";
    DocumentType { what: Msg } => "The {what} is not a PDF, JPEG or PNG file (checked by its content, not its name).",
        "Bu belge PDF, JPEG veya PNG dosyası değil (adına değil içeriğine bakıldı): {what}.";

    // Checkout (SPEC B–E).
    #[cfg(feature = "ssr")]
    ChooseOwnCustomer => "Choose one of your customers from the list.", "Listeden müşterilerinizden birini seçin.";
    #[cfg(feature = "ssr")]
    PartnerCenterUnreachable { what: Msg } => "Partner Center could not be reached to check {what}. Nothing was lost: try again in a minute.",
        "{what} doğrulanırken Partner Center'a ulaşılamadı. Hiçbir şey kaybolmadı: bir dakika sonra tekrar deneyin.";
    #[cfg(feature = "ssr")]
    MpnNotFound => "Partner Center does not know this MPN ID (800015). Check the ID in Partner Center → Account settings → Identifiers: use your location's PartnerID.",
        "Partner Center bu MPN ID'yi tanımıyor (800015). Kimliği Partner Center → Hesap ayarları → Tanımlayıcılar bölümünde kontrol edin: konumunuzun PartnerID'sini kullanın.";
    #[cfg(feature = "ssr")]
    MpnNotIndirectReseller => "This MPN ID is not enrolled as an indirect reseller (800016). Enrol the location as an indirect reseller in Partner Center, or use another ID.",
        "Bu MPN ID dolaylı bayi olarak kayıtlı değil (800016). Konumu Partner Center'da dolaylı bayi olarak kaydedin veya başka bir kimlik kullanın.";
    #[cfg(feature = "ssr")]
    PartnerAgreementNotSigned => "The Microsoft Partner Agreement is not signed for this MPN ID (900123). Sign it in Partner Center → Legal, then try again.",
        "Bu MPN ID için Microsoft İş Ortağı Sözleşmesi imzalanmamış (900123). Partner Center → Yasal bölümünde imzalayıp tekrar deneyin.";
    #[cfg(feature = "ssr")]
    MpnRefused { code: Code } => "Partner Center refused this MPN ID ({code}).", "Partner Center bu MPN ID'yi reddetti ({code}).";
    // Partner of record (Microsoft's validateresellers): the reason, then the one fix.
    #[cfg(feature = "ssr")]
    PartnerIdInactive { partner_id: String } => "Microsoft reports Partner ID {partner_id} as inactive, so it cannot be the partner of record on an order or a change. Reactivate the Partner ID in Partner Center, or contact the distributor.",
        "Microsoft, {partner_id} numaralı Partner ID'yi etkin değil olarak bildiriyor; bu nedenle siparişlerde ve değişikliklerde kayıtlı iş ortağı olamaz. Partner ID'yi Partner Center'da yeniden etkinleştirin veya distribütörle iletişime geçin.";
    #[cfg(feature = "ssr")]
    PartnerIdNotAuthorised { partner_id: String } => "Partner ID {partner_id} is not authorised by Microsoft as an indirect reseller of this distributor, so it cannot be the partner of record on an order or a change. Contact the distributor to be authorised in Partner Center, or correct the Partner ID.",
        "{partner_id} numaralı Partner ID, Microsoft'ta bu distribütörün dolaylı bayisi olarak yetkilendirilmemiş; bu nedenle siparişlerde ve değişikliklerde kayıtlı iş ortağı olamaz. Partner Center'da yetkilendirilmek için distribütörle iletişime geçin veya Partner ID'yi düzeltin.";
    #[cfg(feature = "ssr")]
    PartnerIdUnknown { partner_id: String } => "Microsoft does not know Partner ID {partner_id}, so it cannot be the partner of record on an order or a change. Correct the Partner ID (Partner Center → Account settings → Identifiers), or contact the distributor.",
        "Microsoft {partner_id} numaralı Partner ID'yi tanımıyor; bu nedenle siparişlerde ve değişikliklerde kayıtlı iş ortağı olamaz. Partner ID'yi düzeltin (Partner Center → Hesap ayarları → Tanımlayıcılar) veya distribütörle iletişime geçin.";
    #[cfg(feature = "ssr")]
    ApplicantPartnerIdInactive { partner_id: String } => "The applicant's Partner ID {partner_id} is inactive at Microsoft, so the partner could not order. Ask the applicant to reactivate it in Partner Center, then approve; nothing was saved.",
        "Başvuranın {partner_id} numaralı Partner ID'si Microsoft'ta etkin değil; bu hâliyle iş ortağı sipariş veremez. Başvurandan kimliği Partner Center'da yeniden etkinleştirmesini isteyin, sonra onaylayın; hiçbir şey kaydedilmedi.";
    #[cfg(feature = "ssr")]
    ApplicantPartnerIdNotAuthorised { partner_id: String } => "The applicant's Partner ID {partner_id} is not authorised at Microsoft as our indirect reseller, so the partner could not order. Authorise it in Partner Center (or ask the applicant for the right Partner ID), then approve; nothing was saved.",
        "Başvuranın {partner_id} numaralı Partner ID'si Microsoft'ta dolaylı bayimiz olarak yetkilendirilmemiş; bu hâliyle iş ortağı sipariş veremez. Kimliği Partner Center'da yetkilendirin (veya başvurandan doğru Partner ID'yi isteyin), sonra onaylayın; hiçbir şey kaydedilmedi.";
    #[cfg(feature = "ssr")]
    ApplicantPartnerIdUnknown { partner_id: String } => "Microsoft does not know the applicant's Partner ID {partner_id}. Ask the applicant for the right Partner ID, or reject the application; nothing was saved.",
        "Microsoft, başvuranın {partner_id} numaralı Partner ID'sini tanımıyor. Başvurandan doğru Partner ID'yi isteyin veya başvuruyu reddedin; hiçbir şey kaydedilmedi.";
    #[cfg(feature = "ssr")]
    DomainTaken { domain: String } => "{domain} is already taken. Choose another prefix, or, if it is this customer's own tenant, pick “Customer has an existing Microsoft Tenant”.",
        "{domain} alınmış. Başka bir önek seçin ya da bu müşterinin kendi tenant'ıysa “Müşterinin mevcut bir Microsoft Tenant'ı var” seçeneğini seçin.";
    #[cfg(feature = "ssr")]
    NoSuchTenant { domain: String, code: Code } => "Microsoft has no tenant {domain} ({code}). Check the spelling with the customer, or choose “My customer requires a New Microsoft Customer Tenant”.",
        "Microsoft'ta {domain} adlı bir tenant yok ({code}). Yazımı müşteriyle kontrol edin ya da “Müşterim için yeni bir Microsoft Tenant'ı gerekiyor” seçeneğini seçin.";
    #[cfg(feature = "ssr")]
    TenantNotRelated { domain: String, code: Code } => "{domain} has not accepted you as its reseller yet ({code}). Send the customer's Global admin your reseller relationship link; you can submit once they accept.",
        "{domain} sizi henüz bayisi olarak kabul etmedi ({code}). Müşterinin Genel yöneticisine bayi ilişkisi bağlantınızı gönderin; kabul ettiğinde gönderebilirsiniz.";
    #[cfg(feature = "ssr")]
    CustomerFirst => "Choose the customer first (step 1 of checkout).", "Önce müşteriyi seçin (ödemenin 1. adımı).";
    #[cfg(feature = "ssr")]
    TenantFirst => "Give the tenant information first (step 2 of checkout).", "Önce tenant bilgilerini girin (ödemenin 2. adımı).";
    #[cfg(feature = "ssr")]
    ChooseTenantMode => "Choose “Customer has an existing Microsoft Tenant” or “My customer requires a New Microsoft Customer Tenant”.",
        "“Müşterinin mevcut bir Microsoft Tenant'ı var” veya “Müşterim için yeni bir Microsoft Tenant'ı gerekiyor” seçeneğini seçin.";
    #[cfg(feature = "ssr")]
    CustomerHasTenant { customer: String, domain: String } => "{customer} already has the tenant {domain}; its orders use that tenant.",
        "{customer} müşterisinin zaten {domain} tenant'ı var; siparişleri bu tenant'ı kullanır.";
    #[cfg(feature = "ssr")]
    DomainAvailable { domain: String } => "{domain} is available.", "{domain} kullanılabilir.";
    #[cfg(feature = "ssr")]
    DomainTakenShort { domain: String } => "{domain} is already taken.", "{domain} alınmış.";
    #[cfg(feature = "ssr")]
    CheckoutChangedElsewhere => "This checkout was changed or submitted in another tab. Review it again before submitting.",
        "Bu ödeme başka bir sekmede değiştirildi veya gönderildi. Göndermeden önce yeniden gözden geçirin.";
    #[cfg(feature = "ssr")]
    CheckoutOutOfDate => "The checkout form is out of date: reload the page.", "Ödeme formu güncel değil: sayfayı yenileyin.";
    #[cfg(feature = "ssr")]
    CartEmpty => "Your cart is empty: add products from Cloud Services first.", "Sepetiniz boş: önce Bulut Servisleri'nden ürün ekleyin.";
    #[cfg(feature = "ssr")]
    TenantTaken => "This tenant already belongs to another customer in the marketplace.", "Bu tenant pazaryerinde başka bir müşteriye ait.";
    #[cfg(feature = "ssr")]
    NoLongerSold { sku: String } => "{sku} is no longer sold at this billing option: remove it from the cart.",
        "{sku} artık bu faturalama seçeneğiyle satılmıyor: sepetten çıkarın.";
    #[cfg(feature = "ssr")]
    AddOnNeedsBase { add_on: String, base: String } => "“{add_on}” is an add-on of “{base}”: add “{base}” to this order, or order the add-on once “{base}” is active for this customer.",
        "“{add_on}”, “{base}” ürününün eklentisidir: “{base}” ürününü bu siparişe ekleyin ya da eklentiyi “{base}” bu müşteride etkin olduğunda sipariş edin.";
    #[cfg(feature = "ssr")]
    AlreadyHasProduct { customer: String, product: String } => "{customer} already has {product} (active or being provisioned). To add licences, use “Manage Subscription” in the customer's portal instead of a new order.",
        "{customer} müşterisinde {product} zaten var (etkin veya hazırlanıyor). Lisans eklemek için yeni sipariş yerine müşteri portalındaki “Aboneliği Yönet”i kullanın.";
    #[cfg(feature = "ssr")]
    AlreadyHasOneOfThese { customer: String } => "{customer} already has one of these products (active or being provisioned). To add licences, use “Manage Subscription” in the customer's portal instead of a new order.",
        "{customer} müşterisinde bu ürünlerden biri zaten var (etkin veya hazırlanıyor). Lisans eklemek için yeni sipariş yerine müşteri portalındaki “Aboneliği Yönet”i kullanın.";

    // Orders and their provisioning (SPEC F–G).
    #[cfg(feature = "ssr")]
    NoNewTenantPassword => "This order used the customer's existing tenant: there is no new password to show.",
        "Bu sipariş müşterinin mevcut tenant'ını kullandı: gösterilecek yeni bir parola yok.";
    #[cfg(feature = "ssr")]
    PasswordAlreadyShown => "The one-time password was already shown once and is no longer kept. The customer's contact received it by e-mail; if it is lost, reset it in the Microsoft 365 admin center.",
        "Tek kullanımlık parola bir kez gösterildi ve artık saklanmıyor. Müşterinin iletişim kişisi parolayı e-postayla aldı; kaybolduysa Microsoft 365 yönetim merkezinde sıfırlayın.";
    #[cfg(feature = "ssr")]
    OrderAlreadyDecided { order: String } => "Order {order} is no longer awaiting credit approval: someone has already decided on it.",
        "{order} numaralı sipariş artık kredi onayı beklemiyor: başka biri karar verdi.";
    #[cfg(feature = "ssr")]
    OrderNotFailed { order: String } => "Order {order} is not waiting for a correction: only a failed order can be resubmitted.",
        "{order} numaralı sipariş düzeltme beklemiyor: yalnızca başarısız bir sipariş yeniden gönderilebilir.";
    #[cfg(feature = "ssr")]
    OrderWasAChange { order: String } => "Order {order} changed a subscription: ask for the change again in the customer portal instead.",
        "{order} numaralı sipariş bir aboneliği değiştirdi: değişikliği müşteri portalında yeniden isteyin.";
    #[cfg(feature = "ssr")]
    GiveRejectionReason => "Give the partner a reason for the rejection.", "İş ortağına ret gerekçesini yazın.";
    #[cfg(feature = "ssr")]
    ReasonTooLong { max: usize } => "The reason can be at most {max} characters.", "Gerekçe en fazla {max} karakter olabilir.";
    #[cfg(feature = "ssr")]
    RefusedNoRelationship => "The customer's tenant has not accepted you as its reseller (20002).",
        "Müşterinin tenant'ı sizi bayisi olarak kabul etmedi (20002).";
    #[cfg(feature = "ssr")]
    RefusedNoTenant => "Microsoft has no tenant with this domain (60003).", "Microsoft'ta bu alan adına sahip bir tenant yok (60003).";
    #[cfg(feature = "ssr")]
    RefusedCustomerAgreement => "The customer has not accepted the Microsoft Customer Agreement (13605).",
        "Müşteri Microsoft Müşteri Sözleşmesi'ni kabul etmedi (13605).";
    #[cfg(feature = "ssr")]
    RefusedUnavailable { detail: String } => "Partner Center did not answer after many tries over several hours ({detail}).",
        "Partner Center birkaç saat boyunca yapılan birçok denemeye yanıt vermedi ({detail}).";
    #[cfg(feature = "ssr")]
    RefusedDomainTakenMeanwhile => "The new tenant's domain was taken before it could be created.",
        "Yeni tenant'ın alan adı, tenant oluşturulamadan başkası tarafından alındı.";
    #[cfg(feature = "ssr")]
    RefusedOther { code: Code, detail: String } => "Partner Center refused the order ({code}): {detail}",
        "Partner Center siparişi reddetti ({code}): {detail}";
    #[cfg(feature = "ssr")]
    RefusedDecreaseWindow => "Microsoft refused the decrease: the seats were added more than 168 hours ago (800090).",
        "Microsoft azaltmayı reddetti: lisanslar 168 saatten daha önce eklenmiş (800090).";
    #[cfg(feature = "ssr")]
    ChangeFailedFix { product: String, count: i32 } =>
        { count: "Nothing changed at Microsoft: {product} keeps {count} licence. Once the cause is dealt with, ask for the change again.",
                 "Nothing changed at Microsoft: {product} keeps {count} licences. Once the cause is dealt with, ask for the change again." },
        "Microsoft'ta hiçbir şey değişmedi: {product} {count} lisansla kalıyor. Sorun giderildiğinde değişikliği yeniden isteyin.";
    #[cfg(feature = "ssr")]
    FixMpnId => "Correct the MPN ID on this order, then press “Resubmit for Provisioning”.",
        "Bu siparişteki MPN ID'yi düzeltin, ardından “Provizyon için Yeniden Gönder”e basın.";
    #[cfg(feature = "ssr")]
    FixRelationship => "Send the customer's Global admin your reseller relationship link; once they accept, then press “Resubmit for Provisioning”.",
        "Müşterinin Genel yöneticisine bayi ilişkisi bağlantınızı gönderin; kabul ettiğinde “Provizyon için Yeniden Gönder”e basın.";
    #[cfg(feature = "ssr")]
    FixTenantDomain => "Correct the tenant domain on this order with the customer, then press “Resubmit for Provisioning”.",
        "Bu siparişteki tenant alan adını müşteriyle birlikte düzeltin, ardından “Provizyon için Yeniden Gönder”e basın.";
    #[cfg(feature = "ssr")]
    FixCustomerAgreement => "Ask the customer to accept it, then press “Resubmit for Provisioning”.",
        "Müşteriden sözleşmeyi kabul etmesini isteyin, ardından “Provizyon için Yeniden Gönder”e basın.";
    #[cfg(feature = "ssr")]
    FixWhenBack => "Nothing needs correcting on the order: when Partner Center is back, then press “Resubmit for Provisioning”.",
        "Siparişte düzeltilecek bir şey yok: Partner Center yeniden erişilebilir olduğunda “Provizyon için Yeniden Gönder”e basın.";
    #[cfg(feature = "ssr")]
    FixPrefix => "Choose another domain prefix on this order, then press “Resubmit for Provisioning”.",
        "Bu sipariş için başka bir alan adı öneki seçin, ardından “Provizyon için Yeniden Gönder”e basın.";
    #[cfg(feature = "ssr")]
    FixCheckOrder => "Check the order's details, then press “Resubmit for Provisioning”.",
        "Siparişin ayrıntılarını kontrol edin, ardından “Provizyon için Yeniden Gönder”e basın.";

    // Subscriptions (SPEC H).
    #[cfg(feature = "ssr")]
    SubscriptionChanging { order: String } => "Order {order} is still changing this subscription; wait until it is done.",
        "{order} numaralı sipariş bu aboneliği hâlâ değiştiriyor; bitmesini bekleyin.";
    #[cfg(feature = "ssr")]
    SubscriptionStillProvisioning => "This subscription is still being provisioned; try again once it is active.",
        "Bu abonelik hâlâ hazırlanıyor; etkin olduğunda tekrar deneyin.";
    #[cfg(feature = "ssr")]
    SubscriptionAwaitsCancellation => "This subscription is waiting for its cancellation to be approved.",
        "Bu abonelik iptalinin onaylanmasını bekliyor.";
    #[cfg(feature = "ssr")]
    SubscriptionNotActive => "This subscription is no longer active.", "Bu abonelik artık etkin değil.";
    #[cfg(feature = "ssr")]
    SubscriptionNoTerm => "This subscription has no term yet; try again once it is active.",
        "Bu aboneliğin henüz bir dönemi yok; etkin olduğunda tekrar deneyin.";
    #[cfg(feature = "ssr")]
    AnotherChangeUnderWay => "Another change of this subscription is under way; wait until it is done.",
        "Bu abonelikte başka bir değişiklik sürüyor; bitmesini bekleyin.";
    #[cfg(feature = "ssr")]
    AlreadyHasLicences { count: i32 } =>
        { count: "The subscription already has {count} licence.", "The subscription already has {count} licences." },
        "Abonelikte zaten {count} lisans var.";
    #[cfg(feature = "ssr")]
    OnlyActiveRenews => "Only an active subscription renews.", "Yalnızca etkin bir abonelik yenilenir.";
    #[cfg(feature = "ssr")]
    GdapUnknownRole => "Choose the roles from the list.", "Rolleri listeden seçin.";
    #[cfg(feature = "ssr")]
    GdapChooseRole => "Choose at least one role.", "En az bir rol seçin.";
    #[cfg(feature = "ssr")]
    GdapDuration { max: i32 } => "Give the duration in whole days, from 1 to {max}.", "Süreyi 1 ile {max} arasında tam gün olarak yazın.";
    #[cfg(feature = "ssr")]
    GdapNoAutoExtendWithGlobalAdmin => "Microsoft does not auto-extend a relationship that includes Global Administrator: untick auto-extend or that role.",
        "Microsoft, Genel Yönetici (Global Administrator) rolünü içeren bir ilişkiyi otomatik uzatmaz: otomatik uzatmayı ya da o rolü kaldırın.";
    #[cfg(feature = "ssr")]
    GdapAlreadyOpen => "This customer already has a GDAP relationship requested or active; a new one can be requested once it has ended.",
        "Bu müşterinin talep edilmiş ya da etkin bir GDAP ilişkisi var; yenisi, o sona erdiğinde talep edilebilir.";
    #[cfg(feature = "ssr")]
    GdapNeedsTenant => "The customer has no Microsoft tenant related to us yet: order for it first, or have its admin accept the reseller relationship.",
        "Müşterinin bize bağlı bir Microsoft tenant'ı henüz yok: önce sipariş verin ya da yöneticisinin bayi ilişkisini kabul etmesini sağlayın.";
    #[cfg(feature = "ssr")]
    GdapRefused { code: i64 } => "Microsoft refused the GDAP request (code {code}): check the roles and the duration, then ask again.",
        "Microsoft GDAP talebini reddetti (kod {code}): rolleri ve süreyi denetleyip yeniden talep edin.";
    #[cfg(feature = "ssr")]
    SelectAtLeastOne => "Select at least one item first.", "Önce en az bir öğe seçin.";
    #[cfg(feature = "ssr")]
    SelectAtMost { max: usize } => "Select at most {max} items at once.", "Tek seferde en fazla {max} öğe seçin.";
    #[cfg(feature = "ssr")]
    CancellationAlreadyDecided { order: String } => "Cancellation order {order} was already decided.",
        "{order} numaralı iptal siparişi için zaten karar verildi.";

    // Billing and credit (SPEC I).
    #[cfg(feature = "ssr")]
    StatementAlreadyPaid { statement: String } => "Statement {statement} is already paid.", "{statement} numaralı ekstre zaten ödendi.";
    #[cfg(feature = "ssr")]
    GiveTransferReference { max: usize } => "Give the wire transfer's reference (at most {max} characters).",
        "Havalenin referansını yazın (en fazla {max} karakter).";

    // Operations and onboarding (SPEC J–K).
    #[cfg(feature = "ssr")]
    JobNotDead => "This job is not dead any more: someone has already retried it.", "Bu iş artık ölü değil: başka biri yeniden denedi.";
    #[cfg(feature = "ssr")]
    ApplicationsTooManyForEmail => "Applications for this e-mail address were already received today. Follow them through the link in our e-mail, or try again tomorrow.",
        "Bu e-posta adresi için bugün zaten başvuru alındı. E-postamızdaki bağlantıdan takip edin ya da yarın yeniden deneyin.";
    #[cfg(feature = "ssr")]
    ApplicationsTooManyFromClient => "Too many applications were sent from your network today. Try again tomorrow, or contact us.",
        "Bugün ağınızdan çok fazla başvuru gönderildi. Yarın yeniden deneyin ya da bizimle iletişime geçin.";
    #[cfg(feature = "ssr")]
    ApplicationUploadsBusy => "Many applications are being uploaded right now. Please send the form again in a minute.",
        "Şu anda çok sayıda başvuru yükleniyor. Lütfen formu bir dakika sonra yeniden gönderin.";
    #[cfg(feature = "ssr")]
    ApplicationFormUnreadable => "The form could not be read completely (the files may be too large in total). Please try again.",
        "Form tam olarak okunamadı (dosyaların toplamı çok büyük olabilir). Lütfen tekrar deneyin.";
    #[cfg(feature = "ssr")]
    ApplicationAlreadyApproved { application: String } => "Application {application} was already approved.",
        "{application} numaralı başvuru zaten onaylandı.";
    #[cfg(feature = "ssr")]
    ApplicationAlreadyRejected { application: String } => "Application {application} was already rejected.",
        "{application} numaralı başvuru zaten reddedildi.";
    #[cfg(feature = "ssr")]
    ApplicantEmailInUse { email: String } => "A user with the e-mail address {email} already exists. Ask the applicant for another address, or reject with that reason.",
        "{email} e-posta adresiyle bir kullanıcı zaten var. Başvurandan başka bir adres isteyin ya da bu gerekçeyle reddedin.";
    #[cfg(feature = "ssr")]
    ApplicationReasonTooShort { min: usize } => "Write the reason the applicant will read (at least {min} characters).",
        "Başvuranın okuyacağı gerekçeyi yazın (en az {min} karakter).";
    #[cfg(feature = "ssr")]
    ApplicationReasonTooLong { max: usize } => "Keep the reason under {max} characters.", "Gerekçe {max} karakterden kısa olmalıdır.";

    // Webhooks (issue #17).
    #[cfg(feature = "ssr")]
    WebhookUrlInvalid => "Enter the endpoint's full address, like https://psa.example.com/hooks/cloudmarket.",
        "Uç noktanın tam adresini girin; örneğin https://psa.example.com/hooks/cloudmarket.";
    #[cfg(feature = "ssr")]
    WebhookUrlTooLong { max: usize } => "The address can be at most {max} characters.", "Adres en fazla {max} karakter olabilir.";
    #[cfg(feature = "ssr")]
    WebhookUrlHttps => "Use an https:// address: deliveries carry your customers' data and must be encrypted.",
        "https:// ile başlayan bir adres kullanın: gönderimler müşterilerinizin verilerini taşır ve şifrelenmelidir.";
    #[cfg(feature = "ssr")]
    WebhookUrlCredentials => "Leave the user name and password out of the address: every delivery is signed instead.",
        "Kullanıcı adını ve parolayı adrese yazmayın: bunun yerine her gönderim imzalanır.";
    #[cfg(feature = "ssr")]
    WebhookUrlPrivate { host: String } => "{host} is a private, loopback or link-local address: deliveries go only to addresses on the public internet.",
        "{host} özel, geri döngü veya bağlantı yerel bir adres: gönderimler yalnızca genel internetteki adreslere yapılır.";
    #[cfg(feature = "ssr")]
    WebhookUrlUnresolvable { host: String } => "{host} could not be found (DNS). Check the address, or add the endpoint once its DNS is set up.",
        "{host} bulunamadı (DNS). Adresi kontrol edin ya da DNS kaydı hazır olduğunda uç noktayı ekleyin.";
    #[cfg(feature = "ssr")]
    WebhookDescriptionTooLong { max: usize } => "The description can be at most {max} characters.", "Açıklama en fazla {max} karakter olabilir.";
    #[cfg(feature = "ssr")]
    WebhookEventUnknown { event: String } => "“{event}” is not an event you can choose.", "“{event}” seçilebilecek bir olay değil.";
    #[cfg(feature = "ssr")]
    WebhookChooseEvents => "Choose at least one event to send to this endpoint.", "Bu uç noktaya gönderilecek en az bir olay seçin.";
    #[cfg(feature = "ssr")]
    WebhookEndpointLimit { max: i64 } => "You already have {max} endpoints, the most a partner can have: delete one you no longer use first.",
        "Bir iş ortağının sahip olabileceği en fazla sayı olan {max} uç noktanız zaten var: önce kullanmadığınız birini silin.";
    #[cfg(feature = "ssr")]
    WebhookEndpointNotFound => "That webhook endpoint was not found.", "Webhook uç noktası bulunamadı.";
    #[cfg(feature = "ssr")]
    WebhookDeliveryNotFound => "That delivery was not found.", "Gönderim bulunamadı.";
    #[cfg(feature = "ssr")]
    WebhookEndpointDisabled => "This endpoint is disabled: enable it in its settings to send to it.",
        "Bu uç nokta devre dışı: gönderim yapmak için ayarlarından etkinleştirin.";
    #[cfg(feature = "ssr")]
    WebhookConfirmDelete => "Tick the box to confirm: the endpoint and its delivery log are deleted for good.",
        "Onaylamak için kutuyu işaretleyin: uç nokta ve gönderim kaydı kalıcı olarak silinir.";
    // The partner API (/api/v1) and its keys.
    #[cfg(feature = "ssr")]
    ChooseScope => "Tick at least one scope: what the key may do.", "En az bir kapsam işaretleyin: anahtarın neler yapabileceği.";
    #[cfg(feature = "ssr")]
    ApiKeyNotFound => "That API key was not found.", "API anahtarı bulunamadı.";
    #[cfg(feature = "ssr")]
    ApiKeyMissing => "Send your API key as “Authorization: Bearer cmk_…”. Keys are made in the Control Panel under Settings → API keys.",
        "API anahtarınızı “Authorization: Bearer cmk_…” olarak gönderin. Anahtarlar Kontrol Paneli'nde Ayarlar → API anahtarları bölümünde oluşturulur.";
    #[cfg(feature = "ssr")]
    ApiKeyInvalid => "This API key is unknown or was revoked. Use a live key from Settings → API keys.",
        "Bu API anahtarı bilinmiyor ya da iptal edildi. Ayarlar → API anahtarları bölümündeki etkin bir anahtarı kullanın.";
    #[cfg(feature = "ssr")]
    ApiScopeMissing { scope: Msg } => "This key does not have the scope “{scope}”. Create a key with it under Settings → API keys.",
        "Bu anahtarın “{scope}” kapsamı yok. Ayarlar → API anahtarları bölümünde bu kapsamla bir anahtar oluşturun.";
    #[cfg(feature = "ssr")]
    ApiRateLimited { limit: i64, seconds: i64 } => "This key has made its {limit} calls for this minute. Try again in {seconds} seconds.",
        "Bu anahtar bu dakikaki {limit} çağrısını yaptı. {seconds} saniye sonra tekrar deneyin.";
    #[cfg(feature = "ssr")]
    ApiPathNotFound => "There is no such resource in the partner API. The reference is at /api/v1/docs.",
        "İş ortağı API'sinde böyle bir kaynak yok. Başvuru belgesi /api/v1/docs adresindedir.";
    #[cfg(feature = "ssr")]
    ApiJsonExpected => "Send the body as JSON (Content-Type: application/json).", "Gövdeyi JSON olarak gönderin (Content-Type: application/json).";
    #[cfg(feature = "ssr")]
    ApiBodyUnreadable { detail: String } => "The body could not be read as this operation's request: {detail}",
        "Gövde bu işlemin isteği olarak okunamadı: {detail}";
    #[cfg(feature = "ssr")]
    ApiQueryUnreadable { detail: String } => "The query could not be read: {detail}", "Sorgu okunamadı: {detail}";
    #[cfg(feature = "ssr")]
    ApiLimitRange { max: i64 } => "Ask for 1 to {max} items per page.", "Sayfa başına 1 ile {max} arasında öğe isteyin.";
    #[cfg(feature = "ssr")]
    ApiCursorUnknown => "This cursor is not one this list gave: pass the next_cursor of the page before, or leave it out to start again.",
        "Bu imleç bu listenin verdiği bir imleç değil: önceki sayfanın next_cursor değerini gönderin ya da baştan başlamak için boş bırakın.";
    #[cfg(feature = "ssr")]
    ApiDateFormat => "Give the day as YYYY-MM-DD, for example 2026-12-01.", "Günü YYYY-AA-GG biçiminde yazın; örneğin 2026-12-01.";
    #[cfg(feature = "ssr")]
    IdempotencyKeyMissing => "Send an Idempotency-Key header (a UUID, say) with every POST and PATCH, so a retry never does anything twice.",
        "Her POST ve PATCH isteğiyle bir Idempotency-Key başlığı (örneğin bir UUID) gönderin; böylece yeniden deneme hiçbir şeyi iki kez yapmaz.";
    #[cfg(feature = "ssr")]
    IdempotencyKeyFormat => "The Idempotency-Key must be 1 to 255 visible ASCII characters.", "Idempotency-Key 1 ile 255 arasında görünür ASCII karakter olmalıdır.";
    #[cfg(feature = "ssr")]
    IdempotencyKeyReused => "This Idempotency-Key was already used for another request. Use a new key for a new request.",
        "Bu Idempotency-Key başka bir istek için zaten kullanıldı. Yeni bir istek için yeni bir anahtar kullanın.";
    #[cfg(feature = "ssr")]
    IdempotencyKeyInProgress => "The first request with this Idempotency-Key is still being answered. Try again in a moment.",
        "Bu Idempotency-Key ile yapılan ilk istek hâlâ yanıtlanıyor. Biraz sonra tekrar deneyin.";
    #[cfg(feature = "ssr")]
    ApiCustomerOneOf => "Name the customer: customer_id for one of yours, or customer for a new one (not both).",
        "Müşteriyi belirtin: müşterilerinizden biri için customer_id ya da yeni bir müşteri için customer (ikisi birden değil).";
    #[cfg(feature = "ssr")]
    ApiTenantRequired => "Name the customer's tenant: an existing one (kind existing, its domain) or a new one (kind new, a prefix).",
        "Müşterinin tenant'ını belirtin: mevcut bir tenant (kind existing, alan adı) ya da yeni bir tenant (kind new, önek).";
    #[cfg(feature = "ssr")]
    ApiSkuFormat => "Give the product's SKU (at most 100 characters), as the catalog lists it.", "Ürünün SKU'sunu katalogdaki gibi yazın (en fazla 100 karakter).";
    #[cfg(feature = "ssr")]
    ApiNothingToChange => "Say what to change: auto_renew, renewal_quantity, or both.", "Neyin değişeceğini belirtin: auto_renew, renewal_quantity ya da ikisi.";

    // The partner API's reference page.
    #[cfg(feature = "ssr")]
    ApiDocTitle => "Partner API reference", "İş ortağı API başvuru belgesi";
    #[cfg(feature = "ssr")]
    ApiDocIntro => "Everything the Control Panel does, for your own systems: the catalog, customers, orders, subscriptions and billing, over JSON at /api/v1. The operations below are generated from the product's code, as is the OpenAPI document.",
        "Kontrol Paneli'nin yaptığı her şey, kendi sistemleriniz için: katalog, müşteriler, siparişler, abonelikler ve faturalama, /api/v1 altında JSON ile. Aşağıdaki işlemler, OpenAPI belgesi gibi ürünün kodundan üretilir.";
    #[cfg(feature = "ssr")]
    ApiDocKeysLink => "Your API keys", "API anahtarlarınız";
    #[cfg(feature = "ssr")]
    ApiDocConventions => "Conventions", "Kurallar";
    #[cfg(feature = "ssr")]
    ApiDocAuthentication => "Authentication: send a key made in Control Panel → Settings → API keys as `Authorization: Bearer cmk_…`. A key acts for your company only, with its scopes: `read`, `orders`, `subscriptions`, `billing`. A revoked key is refused at once (401); a missing scope is 403; another company's id is 404. Every call is audited with the key as its actor.",
        "Kimlik doğrulama: Kontrol Paneli → Ayarlar → API anahtarları bölümünde oluşturulan bir anahtarı `Authorization: Bearer cmk_…` olarak gönderin. Anahtar yalnızca şirketiniz adına, kapsamlarıyla çalışır: `read`, `orders`, `subscriptions`, `billing`. İptal edilen anahtar hemen reddedilir (401); eksik kapsam 403, başka bir şirketin kimliği 404 döner. Her çağrı, anahtar işlemi yapan olarak denetim kaydına yazılır.";
    #[cfg(feature = "ssr")]
    ApiDocIdempotency => "Idempotency: every POST and PATCH needs an `Idempotency-Key` header. The same key with the same request gets the first answer again (`Idempotent-Replayed: true`) and nothing is done twice; the same key with another request is 422. Keys are kept for 24 hours; a refused request leaves nothing and may be retried with its key.",
        "Tekrarlanabilirlik: her POST ve PATCH bir `Idempotency-Key` başlığı ister. Aynı anahtarla aynı istek ilk yanıtı yeniden alır (`Idempotent-Replayed: true`) ve hiçbir şey iki kez yapılmaz; aynı anahtarla başka bir istek 422 döner. Anahtarlar 24 saat saklanır; reddedilen bir istek iz bırakmaz ve aynı anahtarla yeniden denenebilir.";
    #[cfg(feature = "ssr")]
    ApiDocErrors => "Errors are RFC 9457 problem details (`application/problem+json`): `detail` in the language of `Accept-Language` (English or Turkish; else the key's), `key` and `args` for machines, Partner Center's `code` where the refusal is Microsoft's, and `errors` with each refused field. An order with `validate_only` answers every refusal at once and writes nothing.",
        "Hatalar RFC 9457 sorun ayrıntılarıdır (`application/problem+json`): `detail`, `Accept-Language` dilinde (İngilizce veya Türkçe; yoksa anahtarın dili), makineler için `key` ve `args`, ret Microsoft'unsa Partner Center'ın `code` değeri ve reddedilen her alanla `errors`. `validate_only` ile gönderilen sipariş tüm retleri birlikte yanıtlar ve hiçbir şey yazmaz.";
    #[cfg(feature = "ssr")]
    ApiDocPaging => "Lists are pages in a stable order: `limit` (1–100, 25 by default) and `cursor`, the `next_cursor` of the page before (null on the last page).",
        "Listeler sabit bir sırayla sayfalanır: `limit` (1–100, varsayılan 25) ve `cursor`, yani önceki sayfanın `next_cursor` değeri (son sayfada null).";
    #[cfg(feature = "ssr")]
    ApiDocRateLimits => "Rate limits: each key has its calls per minute. Every answer says where it stands in `RateLimit` (calls left, seconds until the minute starts again) and `RateLimit-Policy`; over it, 429 with `Retry-After`.",
        "Hız sınırları: her anahtarın dakika başına bir çağrı hakkı vardır. Her yanıt durumu `RateLimit` (kalan çağrılar, dakikanın yeniden başlamasına kalan saniye) ve `RateLimit-Policy` ile bildirir; aşıldığında `Retry-After` ile 429 döner.";
    #[cfg(feature = "ssr")]
    ApiDocValues => "Values: times are ISO 8601 in UTC (`2026-12-07T09:30:00Z`), days `YYYY-MM-DD`; money is a decimal string with its currency (`{{\"amount\": \"86.40\", \"currency\": \"USD\"}}`), never a float.",
        "Değerler: zamanlar UTC'de ISO 8601'dir (`2026-12-07T09:30:00Z`), günler `YYYY-AA-GG`; para birimiyle birlikte ondalık bir metindir (`{{\"amount\": \"86.40\", \"currency\": \"USD\"}}`), asla kayan noktalı sayı değildir.";
    #[cfg(feature = "ssr")]
    ApiDocOperations => "Operations", "İşlemler";
    #[cfg(feature = "ssr")]
    ApiDocParameters => "Parameters", "Parametreler";
    #[cfg(feature = "ssr")]
    ApiDocBody => "Request body", "İstek gövdesi";
    #[cfg(feature = "ssr")]
    ApiDocResponses => "Responses", "Yanıtlar";
    #[cfg(feature = "ssr")]
    ApiDocSchemas => "Schemas", "Şemalar";
    #[cfg(feature = "ssr")]
    ApiDocField => "Field", "Alan";
    #[cfg(feature = "ssr")]
    ApiDocType => "Type", "Tür";
    #[cfg(feature = "ssr")]
    ApiDocDescription => "Description", "Açıklama";
    #[cfg(feature = "ssr")]
    ApiDocRequired => "required", "zorunlu";
    #[cfg(feature = "ssr")]
    ApiDocAndOf => "and every field of", "ve şunun her alanı:";

    // What pages count.
    ProductsShown { count: usize } => { count: "{count} product shown", "{count} products shown" }, "{count} ürün gösteriliyor";

    // Invoicing (issue #21): refusals, and the printable invoice's words (written on the server).
    InvoiceNotFound => "That invoice was not found.", "Fatura bulunamadı.";
    #[cfg(feature = "ssr")]
    ChooseRateBasis => "Choose TCMB's forex buying or forex selling rate.", "TCMB döviz alış ya da döviz satış kurunu seçin.";
    #[cfg(feature = "ssr")]
    ChooseInvoiceProfile => "Choose the partner's e-Fatura registration.", "İş ortağının e-Fatura kaydını seçin.";
    #[cfg(feature = "ssr")]
    ChooseCurrency => "Choose USD, EUR or GBP.", "USD, EUR ya da GBP seçin.";
    #[cfg(feature = "ssr")]
    SeriesFormat => "A series is three capital letters or digits, such as CMK.", "Seri, CMK gibi üç büyük harf ya da rakamdır.";
    #[cfg(feature = "ssr")]
    SeriesMustDiffer => "e-Arşiv invoices need a series of their own: choose one other than the e-Fatura series.",
        "e-Arşiv faturalarının ayrı bir serisi olmalı: e-Fatura serisinden farklı bir seri seçin.";
    #[cfg(feature = "ssr")]
    EnterRate => "Enter the rate: 1 unit of the currency in TRY, e.g. 40.6712.", "Kuru girin: para biriminin 1 biriminin TRY karşılığı, örneğin 40,6712.";
    #[cfg(feature = "ssr")]
    RateFormat => "A rate is a positive number with at most four decimals for TCMB's (six for an agreed rate), e.g. 40.6712.",
        "Kur, TCMB kurlarında en fazla dört (anlaşmalı kurda altı) ondalıklı pozitif bir sayıdır; örneğin 40,6712.";
    #[cfg(feature = "ssr")]
    SellingBelowBuying => "The selling rate cannot be below the buying rate.", "Satış kuru alış kurundan düşük olamaz.";
    #[cfg(feature = "ssr")]
    DayFormat => "Enter a day as YYYY-MM-DD (or DD.MM.YYYY).", "Günü YYYY-AA-GG (ya da GG.AA.YYYY) biçiminde girin.";
    #[cfg(feature = "ssr")]
    RateDateInFuture => "TCMB has not announced that day's rates yet.", "TCMB o günün kurlarını henüz açıklamadı.";
    #[cfg(feature = "ssr")]
    RatePublishedByTcmb { day: String } => "TCMB published its rates for {day}: they stand, and cannot be entered by hand.",
        "TCMB {day} tarihli kurları yayımladı: bu kurlar geçerlidir ve elle girilemez.";
    #[cfg(feature = "ssr")]
    TcmbUnavailable => "TCMB's rate feed cannot be reached now. Try again later, or enter the missing day's rates by hand.",
        "TCMB kur kaynağına şu an ulaşılamıyor. Daha sonra yeniden deneyin ya da eksik günün kurlarını elle girin.";
    #[cfg(feature = "ssr")]
    RateMissing { currency: String, day: String, date: String } =>
        "No {currency} rate for invoices dated {date}: TCMB's bulletin of {day} is missing. Load TCMB's rates under Exchange rates, or enter that day's rates by hand there.",
        "{date} tarihli faturalar için {currency} kuru yok: TCMB'nin {day} tarihli bülteni eksik. Döviz kurları sayfasında TCMB kurlarını yükleyin ya da o günün kurlarını elle girin.";
    #[cfg(feature = "ssr")]
    IssueDateInFuture => "An invoice cannot be dated in the future.", "Fatura ileri bir tarihle düzenlenemez.";
    #[cfg(feature = "ssr")]
    IssueDateTooOld { days: i64 } => "An invoice is issued within {days} days: choose a later day.",
        "Fatura {days} gün içinde düzenlenir: daha yakın bir gün seçin.";
    #[cfg(feature = "ssr")]
    IssueDateBeforeSeries { series: String, last: String } =>
        "Series {series} already has an invoice dated {last}: numbers follow the dates, so choose {last} or later.",
        "{series} serisinde {last} tarihli bir fatura var: numaralar tarih sırasını izler, {last} ya da sonrasını seçin.";
    #[cfg(feature = "ssr")]
    IssueDateBeforeStatement { date: String } => "The statement was issued on {date}: its invoice cannot be dated earlier.",
        "Ekstre {date} tarihinde düzenlendi: faturası daha önceki bir tarihi taşıyamaz.";
    #[cfg(feature = "ssr")]
    SeriesExhausted { series: String } => "Series {series} has used all its numbers this year: choose another series.",
        "{series} serisi bu yılın tüm numaralarını kullandı: başka bir seri seçin.";
    #[cfg(feature = "ssr")]
    TaxDetailLength { min: usize, max: usize } => "Write {min} to {max} characters.", "{min} ile {max} karakter arasında yazın.";
    #[cfg(feature = "ssr")]
    AddressTooLong { max: usize } => "Keep the address under {max} characters.", "Adres {max} karakterden kısa olmalıdır.";
    #[cfg(feature = "ssr")]
    PartnerTaxDetailsMissing { partner: String } =>
        "{partner}'s tax number, tax office, district or city is missing: complete its invoicing details first (Partners).",
        "{partner} için vergi numarası, vergi dairesi, ilçe ya da il eksik: önce fatura bilgilerini tamamlayın (İş ortakları).";
    #[cfg(feature = "ssr")]
    DistributorTaxDetailsMissing =>
        "Our own tax number, tax office, district or city is missing: complete them under Exchange rates first.",
        "Kendi vergi numaramız, vergi dairemiz, ilçemiz ya da ilimiz eksik: önce Döviz kurları sayfasında tamamlayın.";
    #[cfg(feature = "ssr")]
    RefundWithoutInvoice { customer: String, product: String } =>
        "The refund of {product} for {customer} returns a sale that has no invoice, so no return invoice can refer to it. Invoice the earlier statement first.",
        "{customer} için {product} iadesi, faturası olmayan bir satışı iade ediyor; iade faturası ona atıf yapamaz. Önce önceki ekstreyi faturalayın.";
    #[cfg(feature = "ssr")]
    PaymentOnSalesInvoicesOnly => "Payments are recorded against sales invoices.", "Ödemeler satış faturalarına kaydedilir.";
    #[cfg(feature = "ssr")]
    PaymentOnFailedInvoice { invoice: String } => "Invoice {invoice} was refused by GİB: record the payment against its new invoice.",
        "{invoice} numaralı faturayı GİB reddetti: ödemeyi yeni faturasına kaydedin.";
    #[cfg(feature = "ssr")]
    PaymentOverOutstanding { outstanding: String } => "That is more than is outstanding ({outstanding}).", "Bu tutar kalan borçtan ({outstanding}) fazla.";
    #[cfg(feature = "ssr")]
    PaidOnInFuture => "A payment cannot be dated in the future.", "Ödeme ileri bir tarihli olamaz.";
    #[cfg(feature = "ssr")]
    PaidOnBeforeInvoice { date: String } => "The invoice is dated {date}: a payment of it cannot be earlier.",
        "Fatura {date} tarihli: ödemesi daha önce olamaz.";
    #[cfg(feature = "ssr")]
    InvoiceKindSales => "Sales invoice", "Satış faturası";
    #[cfg(feature = "ssr")]
    InvoiceKindReturn => "Return invoice (IADE)", "İade faturası";
    #[cfg(feature = "ssr")]
    InvoiceKindExchangeDifference => "Exchange difference (kur farkı)", "Kur farkı faturası";
    #[cfg(feature = "ssr")]
    InvoiceDraft => "Draft", "Taslak";
    #[cfg(feature = "ssr")]
    InvoiceSent => "Sent", "Gönderildi";
    #[cfg(feature = "ssr")]
    InvoiceDelivered => "Delivered", "Teslim edildi";
    #[cfg(feature = "ssr")]
    InvoiceAccepted => "Accepted", "Kabul edildi";
    #[cfg(feature = "ssr")]
    InvoiceRejected => "Rejected by the buyer", "Alıcı reddetti";
    #[cfg(feature = "ssr")]
    InvoiceFailed => "Refused by GİB", "GİB reddetti";
    #[cfg(feature = "ssr")]
    InvoiceDraftHint => "being handed to the integrator", "entegratöre iletiliyor";
    #[cfg(feature = "ssr")]
    ForexBuying => "TCMB forex buying", "TCMB döviz alış";
    #[cfg(feature = "ssr")]
    ForexSelling => "TCMB forex selling", "TCMB döviz satış";
    #[cfg(feature = "ssr")]
    AgreedRateShort => "agreed rate", "anlaşmalı kur";
    #[cfg(feature = "ssr")]
    RateSourceTcmb => "TCMB bulletin", "TCMB bülteni";
    #[cfg(feature = "ssr")]
    RateSourceManual => "Entered by hand", "Elle girildi";
    #[cfg(feature = "ssr")]
    PageInvoices => "Invoices", "Faturalar";
    #[cfg(feature = "ssr")]
    PageInvoice { number: String } => "Invoice {number}", "Fatura {number}";
    #[cfg(feature = "ssr")]
    PageExchangeRates => "Exchange rates", "Döviz kurları";
    #[cfg(feature = "ssr")]
    PagePartnerInvoicing { partner: String } => "{partner} · Invoicing details", "{partner} · Fatura bilgileri";
    #[cfg(feature = "ssr")]
    IssueInvoices => "Issue invoices", "Faturaları düzenle";
    #[cfg(feature = "ssr")]
    IssueInvoicesHint => "The month of the statements to invoice, as YYYY-MM. Statements invoiced already are left as they are.",
        "Faturalanacak ekstrelerin ayı, YYYY-AA biçiminde. Faturası düzenlenmiş ekstrelere dokunulmaz.";
    #[cfg(feature = "ssr")]
    IssueDate => "Issue date", "Düzenleme tarihi";
    #[cfg(feature = "ssr")]
    IssueDateHint => "Today unless you choose a day of the last 7. The rate in force that day converts USD to TRY.",
        "Son 7 günden birini seçmezseniz bugün. USD, o gün geçerli kurla TRY'ye çevrilir.";
    #[cfg(feature = "ssr")]
    InvoicesIssued { count: usize } => { count: "{count} invoice issued.", "{count} invoices issued." }, "{count} fatura düzenlendi.";
    #[cfg(feature = "ssr")]
    WaitingStatements => "Statements waiting for their invoices", "Faturasını bekleyen ekstreler";
    #[cfg(feature = "ssr")]
    NoneWaiting => "Every statement is invoiced.", "Tüm ekstreler faturalandı.";
    #[cfg(feature = "ssr")]
    DetailsMissing => "Invoicing details missing", "Fatura bilgileri eksik";
    #[cfg(feature = "ssr")]
    ReadyToInvoice => "Ready to invoice", "Faturalanmaya hazır";
    #[cfg(feature = "ssr")]
    NoInvoicesIssued => "No invoices yet. Issue a month's invoices above once its statements are out.",
        "Henüz fatura yok. Bir ayın ekstreleri düzenlendikten sonra faturalarını yukarıdan düzenleyin.";
    #[cfg(feature = "ssr")]
    NoInvoices => "No invoices yet. Each monthly statement is invoiced by the distributor after it is issued.",
        "Henüz fatura yok. Her aylık ekstre, düzenlendikten sonra distribütör tarafından faturalanır.";
    #[cfg(feature = "ssr")]
    TotalTry => "Total (TRY)", "Toplam (TRY)";
    #[cfg(feature = "ssr")]
    DownloadXml => "Download XML (UBL-TR)", "XML indir (UBL-TR)";
    #[cfg(feature = "ssr")]
    RecordPayment => "Record payment", "Ödemeyi kaydet";
    #[cfg(feature = "ssr")]
    Outstanding { amount: String } => "Outstanding: {amount}", "Kalan: {amount}";
    #[cfg(feature = "ssr")]
    PaidOn => "Payment date", "Ödeme tarihi";
    #[cfg(feature = "ssr")]
    PaidOnHint => "The day the transfer arrived: its TCMB rate decides the exchange difference.",
        "Havalenin geldiği gün: o günün TCMB kuru kur farkını belirler.";
    #[cfg(feature = "ssr")]
    PaymentAmount => "Amount paid (USD)", "Ödenen tutar (USD)";
    #[cfg(feature = "ssr")]
    Saved => "Saved.", "Kaydedildi.";
    #[cfg(feature = "ssr")]
    PaymentRecorded => "The payment is recorded.", "Ödeme kaydedildi.";
    #[cfg(feature = "ssr")]
    RatesLoadedNow => "TCMB's latest rates are loaded.", "TCMB'nin son kurları yüklendi.";
    #[cfg(feature = "ssr")]
    RateInForce { day: String } => "Rate for invoices issued today ({day})", "Bugün ({day}) düzenlenen faturaların kuru";
    #[cfg(feature = "ssr")]
    RateInForceValue { rate: String, kind: String, day: String } => "1 USD = {rate} TRY · {kind} · bulletin of {day}",
        "1 USD = {rate} TRY · {kind} · {day} tarihli bülten";
    #[cfg(feature = "ssr")]
    RateInForceHint => "TCMB announces its rates at 15:30 on business days; they apply from the next day. An invoice takes the last bulletin announced before its date: a Saturday, Sunday or Monday invoice takes Friday's.",
        "TCMB kurlarını iş günleri 15:30'da açıklar; kurlar ertesi günden itibaren geçerlidir. Fatura, tarihinden önce açıklanan son bülteni kullanır: cumartesi, pazar ve pazartesi faturaları cuma gününün kurunu alır.";
    #[cfg(feature = "ssr")]
    RateMissingToday { day: String } => "No rate: TCMB's bulletin of {day} is missing. Load TCMB's rates, or enter that day's rates by hand below.",
        "Kur yok: TCMB'nin {day} tarihli bülteni eksik. TCMB kurlarını yükleyin ya da o günün kurlarını aşağıda elle girin.";
    #[cfg(feature = "ssr")]
    FetchRatesNow => "Load TCMB's rates now", "TCMB kurlarını şimdi yükle";
    #[cfg(feature = "ssr")]
    RateFeed { url: String } => "Feed: {url}", "Kaynak: {url}";
    #[cfg(feature = "ssr")]
    EnterRateHeading => "Enter a rate by hand", "Kuru elle gir";
    #[cfg(feature = "ssr")]
    EnterRateHint => "While TCMB's feed is down, enter the day's rates from TCMB's bulletin. A day TCMB has published keeps TCMB's rates.",
        "TCMB kaynağına ulaşılamadığında günün kurlarını TCMB bülteninden girin. TCMB'nin yayımladığı günlerde TCMB kurları geçerlidir.";
    #[cfg(feature = "ssr")]
    Currency => "Currency", "Para birimi";
    #[cfg(feature = "ssr")]
    RateDate => "Bulletin date", "Bülten tarihi";
    #[cfg(feature = "ssr")]
    SaveRate => "Save the rate", "Kuru kaydet";
    #[cfg(feature = "ssr")]
    NoRates => "No rates yet: load TCMB's rates or enter one by hand.", "Henüz kur yok: TCMB kurlarını yükleyin ya da elle girin.";
    #[cfg(feature = "ssr")]
    RateSource => "Source", "Kaynak";
    #[cfg(feature = "ssr")]
    InvoicingSettings => "Invoicing settings", "Fatura ayarları";
    #[cfg(feature = "ssr")]
    EInvoiceSeries => "e-Fatura series", "e-Fatura serisi";
    #[cfg(feature = "ssr")]
    EArchiveSeries => "e-Arşiv series", "e-Arşiv serisi";
    #[cfg(feature = "ssr")]
    SeriesHint => "Three letters or digits that start every invoice number (CMK2026000000001); numbers run without gaps in each series and year.",
        "Her fatura numarasının başındaki üç harf ya da rakam (CMK2026000000001); numaralar her seri ve yıl içinde boşluksuz ilerler.";
    #[cfg(feature = "ssr")]
    RateBasisLabel => "TCMB rate used", "Kullanılan TCMB kuru";
    #[cfg(feature = "ssr")]
    DistributorTaxDetails => "Our tax details (the seller on every invoice)", "Vergi bilgilerimiz (her faturada satıcı)";
    #[cfg(feature = "ssr")]
    TaxIdentity => "Tax identity (the buyer on its invoices)", "Vergi kimliği (faturalarında alıcı)";
    #[cfg(feature = "ssr")]
    TaxNumberVkn => "Tax number (VKN, or TCKN for a sole proprietor)", "Vergi kimlik numarası (VKN; şahıs şirketi için TCKN)";
    #[cfg(feature = "ssr")]
    District => "District", "İlçe";
    #[cfg(feature = "ssr")]
    City => "City", "İl";
    #[cfg(feature = "ssr")]
    AgreedRateLabel => "Agreed rate (1 USD in TRY)", "Anlaşmalı kur (1 USD, TRY)";
    #[cfg(feature = "ssr")]
    AgreedRateHint => "A fixed rate agreed with this partner replaces TCMB's on its invoices. Leave it empty for TCMB's rate.",
        "Bu iş ortağıyla kararlaştırılan sabit kur, faturalarında TCMB kurunun yerine geçer. TCMB kuru için boş bırakın.";
    #[cfg(feature = "ssr")]
    DocEInvoice => "e-Invoice (e-Fatura)", "e-Fatura";
    #[cfg(feature = "ssr")]
    DocEArchive => "e-Archive invoice (e-Arşiv)", "e-Arşiv Fatura";
    #[cfg(feature = "ssr")]
    DocNumber => "Invoice number", "Fatura no";
    #[cfg(feature = "ssr")]
    DocEttn => "ETTN (the document's UUID)", "ETTN";
    #[cfg(feature = "ssr")]
    DocIssueDate => "Issue date", "Düzenleme tarihi";
    #[cfg(feature = "ssr")]
    DocType => "Type (scenario)", "Tip (senaryo)";
    #[cfg(feature = "ssr")]
    DocStatementPeriod { statement: String, month: String } => "{statement}, {month}", "{statement} numaralı ekstre, {month}";
    #[cfg(feature = "ssr")]
    DocSeller => "Seller", "Satıcı";
    #[cfg(feature = "ssr")]
    DocBuyer => "Buyer", "Alıcı";
    #[cfg(feature = "ssr")]
    DocTaxIds { office: String, number: String } => "Tax office: {office} · Tax number: {number}",
        "Vergi dairesi: {office} · VKN/TCKN: {number}";
    #[cfg(feature = "ssr")]
    DocRate { currency: String, rate: String, kind: String, date: String } =>
        "Exchange rate: 1 {currency} = {rate} TRY ({kind}, bulletin of {date})",
        "Döviz kuru: 1 {currency} = {rate} TRY ({kind}, {date} tarihli bülten)";
    #[cfg(feature = "ssr")]
    DocRateAgreed { currency: String, rate: String } => "Exchange rate: 1 {currency} = {rate} TRY (agreed with the partner)",
        "Döviz kuru: 1 {currency} = {rate} TRY (iş ortağıyla kararlaştırılan kur)";
    #[cfg(feature = "ssr")]
    DocService => "Service", "Hizmet";
    #[cfg(feature = "ssr")]
    DocAmountIn { currency: String } => "Amount ({currency})", "Tutar ({currency})";
    #[cfg(feature = "ssr")]
    DocVatIn { currency: String } => "KDV 20 % ({currency})", "KDV %20 ({currency})";
    #[cfg(feature = "ssr")]
    DocTotalsTitle => "Totals", "Toplamlar";
    #[cfg(feature = "ssr")]
    DocRounding => "TRY amounts are converted line by line and rounded half away from zero to the kuruş; the TRY totals are the sums of the lines.",
        "TRY tutarları satır satır çevrilip kuruşa yuvarlanır (yarım kuruş yukarı); TRY toplamları satırların toplamıdır.";
    #[cfg(feature = "ssr")]
    DocReturns { invoices: String } => "Returns and cancellation credits of the services on invoices {invoices}.",
        "{invoices} numaralı faturalardaki hizmetlerin iadesi ve iptal alacakları.";
    #[cfg(feature = "ssr")]
    DocRefersTo { invoice: String } => "on invoice {invoice}", "{invoice} numaralı faturaya istinaden";
    #[cfg(feature = "ssr")]
    DocPayments => "Payments", "Ödemeler";
    #[cfg(feature = "ssr")]
    DocPaidOn => "Paid on", "Ödeme tarihi";
    #[cfg(feature = "ssr")]
    DocPaymentRate => "Rate that day", "O günkü kur";
    #[cfg(feature = "ssr")]
    DocDifference => "Exchange difference", "Kur farkı";
    #[cfg(feature = "ssr")]
    DocDifferenceInvoiced { amount: String, invoice: String } => "{amount}, invoiced as {invoice}", "{amount}, {invoice} ile faturalandı";
    #[cfg(feature = "ssr")]
    DocDifferenceOwed { amount: String } => "{amount} in the partner's favour: its own kur farkı invoice to us is due",
        "İş ortağı lehine {amount}: bize kendi kur farkı faturasını düzenlemesi gerekir";
    #[cfg(feature = "ssr")]
    DocUnsigned => "The invoice is the archived UBL-TR XML; the integrator seals it with the distributor's financial seal (mali mühür) when sending it to GİB.",
        "Fatura, arşivlenen UBL-TR XML belgesidir; entegratör onu GİB'e gönderirken distribütörün mali mührüyle imzalar.";
}

impl fmt::Display for Say {
    /// English, for logs and the few places with no reader (a panic message, a test).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Locale::En))
    }
}

/// A message on its way to a reader. Where it is made it is a [`Say`]; when it leaves the server
/// (a server function's error, a page's data) it is rendered in the reader's language and sent
/// with its key and arguments, so the browser shows it without holding every message's text,
/// and a machine can still tell one message from another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text {
    /// Made here, for the reader of the request it was made in. Their language is read when it is
    /// made, inside the request, because a page's data is written out for the browser later,
    /// where the request is no longer at hand.
    Say { say: Say, reader: Locale },
    /// Received, as the server worded it.
    Shown { key: String, message: String },
}

impl Text {
    pub fn render(&self, locale: Locale) -> String {
        match self {
            Self::Say { say, .. } => say.render(locale),
            Self::Shown { message, .. } => message.clone(),
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Self::Say { say, .. } => say.key(),
            Self::Shown { key, .. } => key,
        }
    }

    pub fn is(&self, say: &Say) -> bool {
        self.key() == say.key()
    }
}

impl From<Say> for Text {
    fn from(say: Say) -> Self {
        Self::Say { say, reader: super::current_locale() }
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Locale::En))
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (args, message) = match self {
            Self::Say { say, reader } => (say.args(), say.render(*reader)),
            Self::Shown { message, .. } => (Vec::new(), message.clone()),
        };
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("key", self.key())?;
        map.serialize_entry("message", &message)?;
        if !args.is_empty() {
            map.serialize_entry("args", &args.into_iter().collect::<std::collections::BTreeMap<_, _>>())?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            key: String,
            message: String,
        }
        let Wire { key, message } = Wire::deserialize(deserializer)?;
        Ok(Self::Shown { key, message })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A value to fill an argument with when every message is rendered.
    pub trait Sample {
        fn sample() -> Self;
    }
    impl Sample for String {
        fn sample() -> Self {
            "Örnek".into()
        }
    }
    impl Sample for i32 {
        fn sample() -> Self {
            2
        }
    }
    impl Sample for i64 {
        fn sample() -> Self {
            12_345
        }
    }
    impl Sample for usize {
        fn sample() -> Self {
            3
        }
    }
    impl Sample for Code {
        fn sample() -> Self {
            Code(800015)
        }
    }
    impl Sample for Noun {
        fn sample() -> Self {
            Noun::Address
        }
    }
    impl Sample for Msg {
        fn sample() -> Self {
            Msg::MpnId
        }
    }

    /// Messages whose Turkish is English on purpose: none yet.
    const SAME_IN_BOTH: &[&str] = &[];

    #[test]
    fn every_message_is_written_in_both_languages() {
        let samples = Say::samples();
        assert!(samples.len() > 120, "{}", samples.len());
        let mut keys = std::collections::HashSet::new();
        for say in &samples {
            assert!(keys.insert(say.key()), "{} twice", say.key());
            let (en, tr) = (say.render(Locale::En), say.render(Locale::Tr));
            assert!(!en.trim().is_empty() && !tr.trim().is_empty(), "{} has an empty text", say.key());
            assert!(en != tr || SAME_IN_BOTH.contains(&say.key()), "{} is English in Turkish: {tr}", say.key());
        }
    }

    #[test]
    fn english_plurals_follow_the_count() {
        assert_eq!(Say::ProductsShown { count: 1 }.render(Locale::En), "1 product shown");
        assert_eq!(Say::ProductsShown { count: 3 }.render(Locale::En), "3 products shown");
        assert_eq!(Say::ProductsShown { count: 3 }.render(Locale::Tr), "3 ürün gösteriliyor");
        assert_eq!(
            Say::SeatLimit { product: "Teams".into(), max: 1 }.render(Locale::En),
            "Teams is sold with at most 1 licence per customer: enter 1 or fewer."
        );
    }

    #[test]
    fn counts_are_grouped_as_each_language_writes_them() {
        let say = Say::LicencesPerLineMax { max: 10_000 };
        assert_eq!(say.render(Locale::En), "At most 10,000 licences per line; contact us for larger orders.");
        assert!(say.render(Locale::Tr).contains("10.000 lisans"));
        assert_eq!(group_digits("2026", Locale::Tr), "2026");
        assert_eq!(group_digits("-1234567", Locale::En), "-1,234,567");
    }

    #[test]
    fn a_message_leaves_with_its_key_and_arguments_and_arrives_as_text() {
        let text = Text::from(Say::PrefixTooLong { max: 27 });
        let json = serde_json::to_value(&text).expect("serialise");
        assert_eq!(json["key"], "PrefixTooLong");
        assert_eq!(json["args"]["max"], "27");
        assert_eq!(json["message"], "The prefix can be at most 27 characters.");
        let back: Text = serde_json::from_value(json).expect("deserialise");
        assert_eq!(back.key(), "PrefixTooLong");
        assert_eq!(back.render(Locale::Tr), "The prefix can be at most 27 characters.", "arrives as rendered");
        assert!(back.is(&Say::PrefixTooLong { max: 1 }));
    }
}
