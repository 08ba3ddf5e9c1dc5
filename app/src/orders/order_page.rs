use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::{
    ChangeView, DecideCredit, OrderDetail, OrderKind, OrderLineView, OrderStatus, OrderSummary, ResubmitOrder,
    ViewAdminPassword, get_order, list_all_orders, list_my_orders,
};
use crate::{
    components::TotalsBox,
    components::{
        EmptyState, ErrorAlert, Field, FormMessage, PageHeader, TableWrap, format_datetime, format_money, loaded,
        numbered_title,
    },
    domain::Totals,
    i18n::{Msg, current_locale, t},
    live::use_live,
    provisioning::{Failure, ProgressView},
};

#[component]
fn StatusBadge(status: OrderStatus) -> impl IntoView {
    view! { <span class=status.tone()>{t(status.label())}</span> }
}

/// The partner's orders.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let orders = Resource::new(|| (), |_| list_my_orders());
    view! {
        <PageHeader title=Msg::Orders />
        {loaded(orders, |orders: Vec<OrderSummary>| {
            if orders.is_empty() {
                return view! { <EmptyState msg=Msg::NoOrdersYet /> }.into_any();
            }
            view! { <OrderTable orders base="/cp/orders" show_partner=false /> }.into_any()
        })}
    }
}

/// Orders as a table. Inside a bulk form (`select`), each Cancellation Order still in status New
/// has a checkbox named for the form's list of order numbers.
#[component]
pub fn OrderTable(
    orders: Vec<OrderSummary>,
    base: &'static str,
    show_partner: bool,
    #[prop(optional)] select: bool,
) -> impl IntoView {
    view! {
        <TableWrap label=Msg::Orders>
            <table class="data-table">
                <thead>
                    <tr>
                        {select.then(|| view! { <th scope="col"><span class="visually-hidden">{t(Msg::SelectItem)}</span></th> })}
                        <th scope="col">{t(Msg::OrderNumber)}</th>
                        <th scope="col">{t(Msg::OrderKindLabel)}</th>
                        {show_partner.then(|| view! { <th scope="col">{t(Msg::Partners)}</th> })}
                        <th scope="col">{t(Msg::Customer)}</th>
                        <th scope="col">{t(Msg::Status)}</th>
                        <th scope="col" class="num">{t(Msg::Total)}</th>
                        <th scope="col">{t(Msg::Date)}</th>
                    </tr>
                </thead>
                <tbody>
                    {orders
                        .into_iter()
                        .map(|o| view! {
                            <tr>
                                {select.then(|| {
                                    let open = o.kind == OrderKind::Cancellation && o.status == OrderStatus::New;
                                    view! {
                                        <td class="select-cell">
                                            {open.then(|| view! {
                                                <label class="select-item">
                                                    <input type="checkbox" name="order_numbers[]" value=o.order_number.to_string() />
                                                    <span class="visually-hidden">{t(Msg::SelectItem)} " " {o.order_number}</span>
                                                </label>
                                            })}
                                        </td>
                                    }
                                })}
                                <th scope="row"><a href=format!("{base}/{}", o.order_number)>{o.order_number}</a></th>
                                <td>{t(o.kind.label())}</td>
                                {show_partner.then(|| view! { <td>{o.partner_name.clone()}</td> })}
                                <td>{o.customer_name}</td>
                                <td><StatusBadge status=o.status /></td>
                                <td class="num">{format_money(o.total, o.currency)}</td>
                                <td>{format_datetime(o.created_at)}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
}

/// One order, with its number, status, lines and tenant (partner and distributor staff). While it
/// provisions, each step arrives live and the page refetches the order.
#[component]
pub fn OrderPage() -> impl IntoView {
    let number_param = crate::components::route_param::<crate::domain::OrderNumber>("number");
    let number = move || number_param().unwrap_or(crate::domain::OrderNumber(0));
    // Only the partner who placed the order may view the new tenant's password.
    let partner_view = use_location().pathname.get_untracked().starts_with("/cp/");
    let resubmit = ServerAction::<ResubmitOrder>::new();
    let decide = ServerAction::<crate::subscriptions::DecideCancellation>::new();
    // Out here so a refetch of the order does not forget the password just shown.
    let view_password = ServerAction::<ViewAdminPassword>::new();
    let changes = use_live().changes(move || Some(number().get()));
    let order = Resource::new(
        move || (number(), resubmit.version().get(), decide.version().get(), changes.get()),
        |(n, _, _, _)| get_order(n),
    );
    view! {
        {loaded(order, move |order: OrderDetail| {
            let s = &order.summary;
            let totals = Totals { subtotal: order.subtotal, vat: order.vat, total: s.total };
            let waiting = match (s.status, order.job_state.as_deref()) {
                (OrderStatus::Submitted, Some("queued")) if order.progress.is_empty() => Some(Msg::ProvisioningQueued),
                (OrderStatus::AwaitingCreditApproval, _) => Some(Msg::AwaitingCreditExplained),
                _ => None,
            };
            let show_progress = !order.progress.is_empty();
            view! {
                <header class="page-header">
                    <p class="eyebrow">{t(Msg::OrderNumber)}</p>
                    {numbered_title(Msg::Order, s.order_number.to_string())}
                    <h1 class="order-number">{s.order_number}</h1>
                    <p class="subtitle">{s.customer_name.clone()} " · " <StatusBadge status=s.status /></p>
                </header>
                {waiting.map(|msg| view! { <p class="alert alert-info" role="status">{t(msg)}</p> })}
                {show_progress.then(|| view! { <Progress percent=order.percent() steps=order.progress.clone() /> })}
                {order.o365_link.clone().map(|link| view! {
                    <Handover
                        order_number=s.order_number
                        link
                        password_pending=partner_view && order.password_pending
                        password_viewed=partner_view && order.password_viewed
                        view_password
                    />
                })}
                {order.change.clone().map(|change| view! { <ChangeBox change currency=s.currency /> })}
                {(partner_view && order.kind == OrderKind::Cancellation && s.status == OrderStatus::New).then(|| view! {
                    <CancellationDecision order_number=s.order_number decide />
                })}
                {order.failure.clone().filter(|_| order.kind != OrderKind::Sales).map(|failure| view! {
                    <FailureNote failure />
                })}
                {order.failure.clone().filter(|_| order.kind == OrderKind::Sales).map(|failure| view! {
                    <FailurePanel
                        failure
                        order_number=s.order_number
                        mpn_id=order.mpn_id.clone()
                        tenant=if order.new_tenant { order.tenant_domain.trim_end_matches(crate::domain::ONMICROSOFT).to_owned() } else { order.tenant_domain.clone() }
                        new_tenant=order.new_tenant
                        resubmit
                    />
                })}
                {order.decision_reason.clone().map(|reason| view! {
                    <p class="alert alert-info">{t(Msg::CreditDecisionNote)} ": " {reason}</p>
                })}
                <dl class="facts">
                    <div><dt>{t(Msg::Tenant)}</dt><dd>{order.tenant_domain.clone()} " · " {if order.new_tenant { t(Msg::NewTenantShort) } else { t(Msg::ExistingTenantShort) }}</dd></div>
                    <div><dt>{t(Msg::MpnId)}</dt><dd>{order.mpn_id.clone()}</dd></div>
                    <div><dt>{t(Msg::PaymentMethod)}</dt><dd>{t(Msg::WireTransfer)}</dd></div>
                    <div><dt>{t(Msg::Date)}</dt><dd>{format_datetime(s.created_at)}</dd></div>
                </dl>
                <LinesTable lines=order.lines.clone() currency=s.currency />
                <TotalsBox totals currency=s.currency />
            }
        })}
    }
}

/// What a change or cancellation order does to its subscription.
#[component]
fn ChangeBox(change: ChangeView, currency: crate::domain::Currency) -> impl IntoView {
    let to =
        if change.to_quantity == 0 { t(Msg::SubscriptionCancelled).into_any() } else { change.to_quantity.into_any() };
    view! {
        <dl class="facts change-box">
            <div><dt>{t(Msg::Subscription)}</dt><dd>{change.product_name}</dd></div>
            <div><dt>{t(Msg::Licences)}</dt><dd data-test="change-licences">{change.from_quantity} " → " {to}</dd></div>
            <div><dt>{t(Msg::Refund)}</dt><dd>{format_money(change.refund, currency)}</dd></div>
        </dl>
    }
}

/// A cancellation order in status New: "Open Order" approves it, or the partner rejects it.
#[component]
fn CancellationDecision(
    order_number: crate::domain::OrderNumber,
    decide: ServerAction<crate::subscriptions::DecideCancellation>,
) -> impl IntoView {
    let error = move || decide.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> });
    view! {
        <section class="card decision" aria-labelledby="decision-title">
            <h2 id="decision-title">{t(Msg::CancellationOrder)}</h2>
            <p>{t(Msg::CancellationDecisionHelp)}</p>
            {error}
            <div class="actions">
                {[("approve", Msg::OpenOrder, "button primary"), ("reject", Msg::RejectCancellation, "button")]
                    .into_iter()
                    .map(|(decision, label, class)| view! {
                        <ActionForm action=decide attr:class="inline-form">
                            <input type="hidden" name="order_number" value=order_number.to_string() />
                            <input type="hidden" name="decision" value=decision />
                            <button type="submit" class=class disabled=move || decide.pending().get()>
                                {t(label)}
                            </button>
                        </ActionForm>
                    })
                    .collect_view()}
            </div>
        </section>
    }
}

/// Why a change or cancellation order failed; nothing to resubmit: the customer asks again.
#[component]
fn FailureNote(failure: Failure) -> impl IntoView {
    view! {
        <section class="alert alert-error failure" role="alert">
            <p><strong>{t(Msg::FailureReason)} ": "</strong> {failure.reason.render(current_locale())}</p>
            {failure.code.map(|code| view! { <p>{t(Msg::VendorCode)} ": " {code}</p> })}
            <p><strong>{t(Msg::FailureFix)} ": "</strong> {failure.fix.render(current_locale())}</p>
        </section>
    }
}

/// An order's (or a cart's) lines: product, billing option, quantity, unit price, line total.
#[component]
pub fn LinesTable(lines: Vec<OrderLineView>, currency: crate::domain::Currency) -> impl IntoView {
    view! {
        <TableWrap label=Msg::OrderLines>
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{t(Msg::Product)}</th>
                        <th scope="col">{t(Msg::BillingOption)}</th>
                        <th scope="col" class="num">{t(Msg::Quantity)}</th>
                        <th scope="col" class="num">{t(Msg::UnitPrice)}</th>
                        <th scope="col" class="num">{t(Msg::LineTotal)}</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|l| view! {
                        <tr>
                            <th scope="row">{l.product_name} <span class="sku">{l.sku}</span></th>
                            <td>{t(l.billing_cycle.label())}</td>
                            <td class="num">{l.quantity}</td>
                            <td class="num">{format_money(l.unit_price, currency)}</td>
                            <td class="num">{format_money(l.line_total, currency)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
}

/// The progress bar with the named steps done so far.
#[component]
fn Progress(percent: i32, steps: Vec<ProgressView>) -> impl IntoView {
    view! {
        <section class="progress card" aria-labelledby="progress-title">
            <h2 id="progress-title">{t(Msg::ProvisioningProgress)}</h2>
            <progress max="100" value=percent.to_string() aria-labelledby="progress-title">{percent} "%"</progress>
            <ol class="step-list">
                {steps.into_iter().map(|p| view! {
                    <li data-step=format!("{:?}", p.step)>
                        {t(p.step.label())} <span class="muted">" · " {p.percent} "% · " {format_datetime(p.recorded_at)}</span>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// What a completed order hands over: the licences are live, "Log into O365", and for a new
/// tenant the one-time admin password, shown once.
#[component]
fn Handover(
    order_number: crate::domain::OrderNumber,
    link: String,
    password_pending: bool,
    password_viewed: bool,
    view_password: ServerAction<ViewAdminPassword>,
) -> impl IntoView {
    let shown = move || view_password.value().get();
    view! {
        <section class="card handover" aria-labelledby="handover-title">
            <h2 id="handover-title">{t(Msg::LicencesProvisioned)}</h2>
            <p class="actions">
                <a class="button" href=link target="_blank" rel="noopener">{t(Msg::LogIntoO365)}</a>
                {(password_pending || shown().is_some()).then(|| view! {
                    <button
                        type="button"
                        class="button primary"
                        disabled=move || view_password.pending().get() || shown().is_some()
                        on:click=move |_| {
                            view_password.dispatch(ViewAdminPassword { order_number });
                        }
                    >
                        {t(Msg::ViewPassword)}
                    </button>
                })}
            </p>
            {move || match shown() {
                Some(Ok(credentials)) => view! {
                    <dl class="facts credentials">
                        <div><dt>{t(Msg::AdminUserName)}</dt><dd>{credentials.user_name}</dd></div>
                        <div><dt>{t(Msg::OneTimePassword)}</dt><dd><code class="password">{credentials.password}</code></dd></div>
                    </dl>
                    <p class="alert alert-info">{t(Msg::PasswordShownOnce)}</p>
                }
                .into_any(),
                Some(Err(error)) => view! { <ErrorAlert error /> }.into_any(),
                None if password_viewed => view! { <p class="muted">{t(Msg::PasswordAlreadyViewed)}</p> }.into_any(),
                None => ().into_any(),
            }}
        </section>
    }
}

/// Why provisioning stopped, the vendor's code, what fixes it, and the corrected resubmission.
#[component]
fn FailurePanel(
    failure: Failure,
    order_number: crate::domain::OrderNumber,
    mpn_id: String,
    tenant: String,
    new_tenant: bool,
    resubmit: ServerAction<ResubmitOrder>,
) -> impl IntoView {
    let error = Signal::derive(move || resubmit.value().get().and_then(Result::err));
    view! {
        <section class="alert alert-error failure" role="alert">
            <p><strong>{t(Msg::FailureReason)} ": "</strong> {failure.reason.render(current_locale())}</p>
            {failure.code.map(|code| view! { <p>{t(Msg::VendorCode)} ": " {code}</p> })}
            <p><strong>{t(Msg::FailureFix)} ": "</strong> {failure.fix.render(current_locale())}</p>
        </section>
        <ActionForm action=resubmit attr:class="checkout-form">
            <input type="hidden" name="order_number" value=order_number.to_string() />
            <FormMessage error fields=&["mpn_id", "tenant"] />
            <Field name="mpn_id" label=Msg::MpnId value=mpn_id error />
            <Field
                name="tenant"
                label=if new_tenant { Msg::NewTenantPrefix } else { Msg::InitialDomain }
                value=tenant
                error
            />
            <button type="submit" class="button primary" disabled=move || resubmit.pending().get()>
                {t(Msg::ResubmitForProvisioning)}
            </button>
        </ActionForm>
    }
}

/// Every partner's orders; credit control approves or rejects those over the partner's credit.
#[component]
pub fn BackOfficeOrdersPage() -> impl IntoView {
    let decide = ServerAction::<DecideCredit>::new();
    let orders = Resource::new(move || decide.version().get(), |_| list_all_orders());
    let feedback = move || decide.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> });
    view! {
        <PageHeader title=Msg::Orders />
        {feedback}
        {loaded(orders, move |orders: Vec<OrderSummary>| {
            if orders.is_empty() {
                return view! { <EmptyState msg=Msg::NoOrders /> }.into_any();
            }
            let (waiting, rest): (Vec<_>, Vec<_>) =
                orders.into_iter().partition(|o| o.status == OrderStatus::AwaitingCreditApproval);
            view! {
                {(!waiting.is_empty()).then(|| view! {
                    <section aria-labelledby="awaiting-credit">
                        <h2 id="awaiting-credit">{t(Msg::OrderAwaitingCreditApproval)}</h2>
                        <ul class="decision-list">
                            {waiting.into_iter().map(|o| view! { <CreditDecision order=o decide /> }).collect_view()}
                        </ul>
                    </section>
                })}
                {(!rest.is_empty()).then(|| view! { <OrderTable orders=rest base="/backoffice/orders" show_partner=true /> })}
            }
            .into_any()
        })}
    }
}

#[component]
fn CreditDecision(order: OrderSummary, decide: ServerAction<DecideCredit>) -> impl IntoView {
    let reason_id = format!("reason-{}", order.order_number);
    view! {
        <li class="card">
            <p>
                <a href=format!("/backoffice/orders/{}", order.order_number)><strong>{order.order_number}</strong></a>
                " · " {order.partner_name.clone()} " → " {order.customer_name.clone()}
            </p>
            <p>{t(Msg::Commits)} " " <strong>{format_money(order.term_value, order.currency)}</strong></p>
            <div class="decision-forms">
                <ActionForm action=decide attr:class="inline-form">
                    <input type="hidden" name="order_number" value=order.order_number.to_string() />
                    <input type="hidden" name="decision" value="approve" />
                    <button type="submit" class="button primary">{t(Msg::ApproveOrder)}</button>
                </ActionForm>
                <ActionForm action=decide attr:class="inline-form">
                    <input type="hidden" name="order_number" value=order.order_number.to_string() />
                    <input type="hidden" name="decision" value="reject" />
                    <label for=reason_id.clone()>{t(Msg::DecisionReason)}</label>
                    <input id=reason_id name="reason" maxlength="1000" />
                    <button type="submit" class="button danger">{t(Msg::RejectOrder)}</button>
                </ActionForm>
            </div>
        </li>
    }
}
