//! /orders: every order for staff (filters, search, paging; MANAGER and above
//! can create one), "My orders" for a customer — the server scopes `orders`
//! to the caller, so the same query serves both.

mod actions;
mod commands;
mod create;
pub mod detail;
mod log;
mod registration;
mod webhooks;

use crate::auth::use_auth;
use crate::components::guard::is_staff;
use crate::components::list::{count_label, when, LoadError, Pager, Paging, StatusBadge, PAGE_SIZE};
use crate::domain::OrderStatus;
use crate::gql::{orders, Orders};
use crate::model::StaffRole;
use create::NewOrder;
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OrdersPage() -> impl IntoView {
    let auth = use_auth();
    let staff = Memo::new(move |_| auth.user().is_some_and(|u| is_staff(&u)));
    let can_create = Memo::new(move |_| auth.user().is_some_and(|u| u.has_role_at_least(StaffRole::Manager)));
    let search_input = RwSignal::new(String::new());
    let tier_input = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let tier = RwSignal::new(String::new());
    // `/orders?status=FAILED` (the staff overview links here) starts filtered.
    let from_link = use_query_map().with_untracked(|q| q.get("status")).and_then(|s| OrderStatus::parse(&s));
    let status = RwSignal::new(from_link);
    let paging = Paging::new();
    let list = LocalResource::new(move || {
        let variables = orders::Variables {
            first: Some(PAGE_SIZE),
            after: paging.after.get(),
            status: status.get(),
            tier: Some(tier.get()).filter(|t| !t.is_empty()),
            search: Some(search.get()).filter(|s| !s.is_empty()),
        };
        async move { auth.call::<Orders>(variables).await.map(|d| d.orders) }
    });
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        paging.reset();
        search.set(search_input.get_untracked().trim().to_owned());
        tier.set(tier_input.get_untracked().trim().to_owned());
    };
    let on_status = move |ev| {
        paging.reset();
        status.set(OrderStatus::parse(&event_target_value(&ev)));
    };

    view! {
        <section class="card">
            <h1 data-testid="orders-title">{move || if staff.get() { "Orders" } else { "My orders" }}</h1>
            <Show when=move || staff.get()>
                <form class="filters" role="search" on:submit=on_search data-testid="order-filters">
                    <div class="field">
                        <label for="order-search">"Search"</label>
                        <input id="order-search" type="search" placeholder="Domain, customer name or e-mail" bind:value=search_input/>
                    </div>
                    <div class="field">
                        <label for="order-status">"Status"</label>
                        <select id="order-status" on:change=on_status data-testid="order-status-filter">
                            <option value="">"Any status"</option>
                            {OrderStatus::ALL.iter().map(|s| {
                                view! { <option value=s.as_str() selected=from_link == Some(*s)>{s.label()}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="order-tier">"Tier"</label>
                        <input id="order-tier" type="text" placeholder="Any tier" bind:value=tier_input data-testid="order-tier-filter"/>
                    </div>
                    <button type="submit" class="secondary">"Search"</button>
                </form>
            </Show>
            {move || match list.get() {
                None => Either::Left(view! { <p class="loading" aria-busy="true">"Loading orders…"</p> }.into_any()),
                Some(Err(error)) => Either::Left(view! { <LoadError error what="orders"/> }.into_any()),
                Some(Ok(page)) => Either::Right(view! {
                    <p class="hint" data-testid="total-count">{count_label(page.total_count, "order")}</p>
                    <OrderTable rows=page.nodes staff=staff.get_untracked()/>
                    <Pager paging has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor/>
                }),
            }}
        </section>
        <Show when=move || can_create.get()>
            <NewOrder/>
        </Show>
    }
}

#[component]
fn OrderTable(rows: Vec<orders::OrdersOrdersNodes>, staff: bool) -> impl IntoView {
    if rows.is_empty() {
        return Either::Left(view! { <p data-testid="empty">"No orders yet."</p> });
    }
    Either::Right(view! {
        <div class="table-wrap">
            <table data-testid="order-table">
                <thead>
                    <tr>
                        <th>"Domain"</th>
                        {staff.then(|| view! { <th>"Customer"</th> })}
                        <th>"Tier"</th><th>"Status"</th><th>"Created"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|o| view! {
                        <tr data-testid="order-row" data-order-id=o.id.clone()>
                            <td><A href=format!("/orders/{}", o.id)>{o.domain}</A></td>
                            {staff.then(|| view! {
                                <td>{o.customer.map(|c| view! { <A href=format!("/customers/{}", c.id)>{c.name}</A> })}</td>
                            })}
                            <td>{o.tier}</td>
                            <td><StatusBadge wire=o.status.as_str() label=o.status.label()/></td>
                            <td>{when(&o.created_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    })
}
