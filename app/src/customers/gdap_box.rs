use leptos::{either::Either, prelude::*};

use super::{CheckGdap, GdapView, RequestGdap, gdap::ROLES};
use crate::{
    components::{Field, FieldMessage, FormMessage, format_date},
    domain::CustomerId,
    i18n::{Msg, t},
};

/// The customer's GDAP relationship on its partner's page: where it stands (with the approval
/// link while it waits, the end and the days left while it runs, "expiring" within 30 days of an
/// end that does not auto-extend), "Check status", and the request form when none is in play.
/// What needs GDAP says so: the tenant's admin centre is offered only while it grants access.
#[component]
pub fn GdapBox(
    customer_id: CustomerId,
    gdap: Option<GdapView>,
    admin_centre: Option<String>,
    request: ServerAction<RequestGdap>,
    check: ServerAction<CheckGdap>,
) -> impl IntoView {
    let error = Signal::derive(move || {
        request.value().get().and_then(Result::err).or_else(|| check.value().get().and_then(Result::err))
    });
    let open = gdap.as_ref().is_some_and(|g| g.status.is_open());
    let state = gdap.map(|g| {
        let waiting = g.status == crate::domain::GdapStatus::Requested;
        view! {
            <p>
                <span class=g.status.tone() data-test="gdap-status">{t(g.status.label())}</span> " "
                {g.days_left.map(|days| view! { <span data-test="gdap-days-left">{days} " " {t(Msg::GdapDaysLeft)}</span> })}
            </p>
            <dl class="facts compact">
                <div><dt>{t(Msg::GdapRoles)}</dt><dd>{g.roles.join(", ")}</dd></div>
                <div>
                    <dt>{t(Msg::GdapDurationDays)}</dt>
                    <dd>{g.duration_days} {g.auto_extend.then(|| view! { " · " {t(Msg::GdapAutoExtends)} })}</dd>
                </div>
                {g.ends_at.map(|end| view! { <div><dt>{t(Msg::GdapEndsOn)}</dt><dd>{format_date(end)}</dd></div> })}
                {waiting.then(|| view! {
                    <div><dt>{t(Msg::GdapRequestExpires)}</dt><dd>{format_date(g.request_expires_at)}</dd></div>
                })}
            </dl>
            {waiting.then(|| view! {
                <p>{t(Msg::GdapApprovalLink)}</p>
                <p><a class="approval-link" href=g.approval_link.clone() target="_blank" rel="noopener">{g.approval_link.clone()}</a></p>
            })}
        }
    });
    let admin = match admin_centre {
        Some(href) => Either::Left(
            view! { <a class="button" href=href target="_blank" rel="noopener">{t(Msg::OpenAdminCentre)}</a> },
        ),
        None => Either::Right(view! { <p class="hint">{t(Msg::GdapNeededForAdminCentre)}</p> }),
    };
    view! {
        <section class="card gdap" aria-labelledby="gdap-heading">
            <h2 id="gdap-heading">{t(Msg::GdapHeading)}</h2>
            {match state {
                Some(state) => Either::Left(state),
                None => Either::Right(view! { <p>{t(Msg::GdapNone)}</p> }),
            }}
            {admin}
            <FormMessage error fields=&["roles", "duration_days", "auto_extend"] />
            {open.then(|| view! {
                <ActionForm action=check attr:class="inline-form">
                    <input type="hidden" name="customer_id" value=customer_id.to_string() />
                    <button type="submit" class="button" disabled=move || check.pending().get()>{t(Msg::CheckGdapStatus)}</button>
                </ActionForm>
            })}
            {(!open).then(|| view! {
                <ActionForm action=request attr:class="stacked-form">
                    <input type="hidden" name="customer_id" value=customer_id.to_string() />
                    <fieldset>
                        <legend>{t(Msg::GdapRoles)}</legend>
                        {ROLES
                            .iter()
                            .map(|role| view! {
                                <label class="check">
                                    <input type="checkbox" name="roles[]" value=role.id checked=role.default />
                                    " " {role.name}
                                </label>
                            })
                            .collect_view()}
                        <FieldMessage error field="roles" />
                    </fieldset>
                    <Field name="duration_days" label=Msg::GdapDurationDays input_type="number" value="730".to_owned() hint=Msg::GdapDurationHint error />
                    <label class="check">
                        <input type="checkbox" name="auto_extend" value="on" checked=true aria-describedby="auto_extend-hint auto_extend-error" />
                        " " {t(Msg::GdapAutoExtend)}
                    </label>
                    <p class="hint" id="auto_extend-hint">{t(Msg::GdapAutoExtendHint)}</p>
                    <FieldMessage error field="auto_extend" />
                    <button type="submit" class="button primary" disabled=move || request.pending().get()>{t(Msg::RequestGdap)}</button>
                </ActionForm>
            })}
        </section>
    }
}
