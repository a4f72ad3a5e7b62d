//! The MANAGER+ actions on an order. Each is offered only when the order's
//! state machine would allow it; the server still decides, and a CONFLICT
//! (somebody else moved the order meanwhile) is shown as it comes.

use crate::auth::use_auth;
use crate::components::form::FormAlert;
use crate::domain::{AutomationMode, OrderStatus};
use crate::error::ApiError;
use crate::gql::{
    cancel_order, mark_order_awaiting_dns, provision_order, set_automation_mode, CancelOrder, MarkOrderAwaitingDns, ProvisionOrder,
    SetAutomationMode,
};
use leptos::prelude::*;

#[derive(Clone, Copy)]
enum Act {
    Provision,
    Cancel,
    AwaitDns,
    Mode(AutomationMode),
}

#[component]
pub fn OrderActions(
    id: String,
    status: OrderStatus,
    mode: AutomationMode,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let id = StoredValue::new(id);
    let run = Action::new_local(move |act: &Act| {
        let (act, id) = (*act, id.get_value());
        async move {
            match act {
                Act::Provision => auth.call::<ProvisionOrder>(provision_order::Variables { id }).await.map(drop),
                Act::Cancel => auth.call::<CancelOrder>(cancel_order::Variables { id }).await.map(drop),
                Act::AwaitDns => auth.call::<MarkOrderAwaitingDns>(mark_order_awaiting_dns::Variables { id }).await.map(drop),
                Act::Mode(mode) => auth.call::<SetAutomationMode>(set_automation_mode::Variables { id, mode }).await.map(drop),
            }?;
            on_changed();
            Ok::<_, ApiError>(())
        }
    });
    let error = Signal::derive(move || run.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())));
    let pending = run.pending();
    let has_any = status.can_provision() || status.can_cancel();

    view! {
        <section class="card" aria-labelledby="order-actions-title" data-testid="order-actions">
            <h2 id="order-actions-title">"Actions"</h2>
            {(!has_any).then(|| view! { <p class="hint">"This order is finished; nothing more can be done with it."</p> })}
            <div class="actions">
                {status.can_provision().then(|| view! {
                    <button type="button" class="primary" disabled=pending data-testid="action-provision"
                        on:click=move |_| { run.dispatch(Act::Provision); }>
                        {if status == OrderStatus::Failed { "Retry provisioning" } else { "Provision" }}
                    </button>
                })}
                {status.can_mark_awaiting_dns().then(|| view! {
                    <button type="button" class="secondary" disabled=pending data-testid="action-awaiting-dns"
                        on:click=move |_| { run.dispatch(Act::AwaitDns); }>"Mark awaiting DNS"</button>
                })}
                {status.can_cancel().then(|| view! {
                    <button type="button" class="danger" disabled=pending data-testid="action-cancel"
                        on:click=move |_| {
                            if window().confirm_with_message("Cancel this order? This cannot be undone.").unwrap_or(false) {
                                run.dispatch(Act::Cancel);
                            }
                        }>"Cancel order"</button>
                })}
                {status.can_change_automation().then(|| view! {
                    <label for="action-mode">"Automation"</label>
                    <select id="action-mode" data-testid="action-mode" disabled=pending on:change=move |ev| {
                        if let Some(m) = AutomationMode::parse(&event_target_value(&ev)) {
                            run.dispatch(Act::Mode(m));
                        }
                    }>
                        {AutomationMode::ALL.iter().map(|m| view! {
                            <option value=m.as_str() selected=*m == mode>{m.label()}</option>
                        }).collect_view()}
                    </select>
                })}
            </div>
            <FormAlert error/>
        </section>
    }
}
