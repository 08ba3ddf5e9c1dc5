//! The invoicing pages in the browser: each shows the body the server wrote for it (`pages`), so
//! the bundle holds only this much of them. Their forms are plain HTML forms; a page reloads after
//! one is posted, with or without JavaScript.

use leptos::prelude::*;

use super::{ServerPage, invoice_page, invoices_page, my_invoices_page, partner_invoicing_page, rates_page};
use crate::{
    components::{loaded, named_title, route_param},
    domain::{InvoiceNumber, PartnerId},
    error::AppError,
    i18n::{Msg, Say, t},
};

/// A page whose body the server wrote.
#[component]
fn Written(page: Resource<Result<ServerPage, AppError>>, #[prop(optional)] printable: bool) -> impl IntoView {
    view! {
        {loaded(page, move |page: ServerPage| view! {
            {named_title(page.title)}
            <div class="server-page" inner_html=page.html></div>
            {printable.then(|| view! { <PrintButton /> })}
        })}
    }
}

/// Prints the page (the print stylesheet leaves the invoice alone on the sheet).
#[component]
fn PrintButton() -> impl IntoView {
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! { <p class="actions no-print"><button type="button" class="button" on:click=print>{t(Msg::Print)}</button></p> }
}

/// Back office → Invoices: issue a month's invoices, the statements waiting, every invoice.
#[component]
pub fn InvoicesPage() -> impl IntoView {
    view! { <Written page=Resource::new(|| (), |_| invoices_page()) /> }
}

/// Billing → Invoices: the partner's own.
#[component]
pub fn MyInvoicesPage() -> impl IntoView {
    view! { <Written page=Resource::new(|| (), |_| my_invoices_page()) /> }
}

/// One invoice (the partner's, or any for credit control).
#[component]
pub fn InvoicePage() -> impl IntoView {
    let number = route_param::<InvoiceNumber>("number");
    let page = Resource::new(number, |number| async move {
        match number {
            Some(number) => invoice_page(number).await,
            None => Err(AppError::not_found(Say::InvoiceNotFound)),
        }
    });
    view! { <Written page printable=true /> }
}

/// Back office → Invoices → Exchange rates.
#[component]
pub fn RatesPage() -> impl IntoView {
    view! { <Written page=Resource::new(|| (), |_| rates_page()) /> }
}

/// Back office → Partners → a partner → Invoicing details.
#[component]
pub fn PartnerInvoicingPage() -> impl IntoView {
    let id = route_param::<PartnerId>("id");
    let page = Resource::new(id, |id| async move {
        match id {
            Some(id) => partner_invoicing_page(id).await,
            None => Err(AppError::not_found(Say::PartnerNotFound)),
        }
    });
    view! { <Written page /> }
}
