use leptos::{either::Either, prelude::*};

use super::{BulkRenewal, SubscriptionCards, SubscriptionView};
use crate::{
    components::{BulkResults, ErrorAlert, FieldMessage, PlainBulkSummary},
    domain::CustomerId,
    i18n::{Msg, t},
};

/// A customer's subscriptions on the partner's customer page, selectable, with the renewal
/// settings to give the selected ones at once ("Turn auto-renew on/off", a licence count at
/// renewal), and each one's result after. A plain form without JavaScript: the clicked button
/// says which action, and the page comes back with how many were done and refused.
#[component]
pub fn BulkRenewalForm(
    customer_id: CustomerId,
    subscriptions: Vec<SubscriptionView>,
    bulk: ServerAction<BulkRenewal>,
) -> impl IntoView {
    if subscriptions.is_empty() {
        return Either::Left(view! { <SubscriptionCards subscriptions /> });
    }
    let error = Signal::derive(move || bulk.value().get().and_then(Result::err));
    let refused = move || {
        error
            .get()
            .filter(|e| e.field_message("renewal_quantity").is_none())
            .map(|error| view! { <ErrorAlert error /> })
    };
    let results = move || bulk.value().get().and_then(Result::ok).map(|outcomes| view! { <BulkResults outcomes /> });
    let busy = move || bulk.pending().get();
    Either::Right(view! {
        <ActionForm action=bulk attr:class="bulk-form" attr:aria-describedby="bulk-renewal-help">
            <input type="hidden" name="customer_id" value=customer_id.to_string() />
            <p class="hint" id="bulk-renewal-help">{t(Msg::BulkRenewalHelp)}</p>
            <div class="bulk-bar" role="group" aria-labelledby="bulk-renewal-with">
                <span id="bulk-renewal-with" class="muted">{t(Msg::WithSelected)}</span>
                <button type="submit" name="action" value="auto_renew_on" class="button" disabled=busy>
                    {t(Msg::TurnAutoRenewOn)}
                </button>
                <button type="submit" name="action" value="auto_renew_off" class="button" disabled=busy>
                    {t(Msg::TurnAutoRenewOff)}
                </button>
                <label for="bulk-renewal-quantity">{t(Msg::LicencesAtRenewal)}</label>
                <input
                    id="bulk-renewal-quantity"
                    name="renewal_quantity"
                    type="number"
                    min="1"
                    inputmode="numeric"
                    aria-describedby="renewal_quantity-error"
                />
                <button type="submit" name="action" value="renewal_quantity" class="button" disabled=busy>
                    {t(Msg::ScheduleForRenewal)}
                </button>
            </div>
            <FieldMessage error field="renewal_quantity" />
            {refused}
            {results}
            <PlainBulkSummary />
            <SubscriptionCards subscriptions select=true />
        </ActionForm>
    })
}
