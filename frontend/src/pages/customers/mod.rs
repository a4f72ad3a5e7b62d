//! /customers: the staff list of customer accounts (SUPPORT and above), with
//! search, a status filter and paging; ADMIN and above also get the form
//! that creates a customer.

mod create;
pub mod detail;

use crate::auth::use_auth;
use crate::components::guard::{is_staff, RequireRole};
use crate::components::list::{count_label, when, LoadError, Pager, Paging, StatusBadge, PAGE_SIZE};
use crate::domain::CustomerStatus;
use crate::gql::{customers, Customers};
use crate::model::StaffRole;
use create::NewCustomer;
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn CustomersPage() -> impl IntoView {
    view! {
        <RequireRole allow=is_staff>
            <CustomerList/>
        </RequireRole>
    }
}

#[component]
fn CustomerList() -> impl IntoView {
    let auth = use_auth();
    let search_input = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let status = RwSignal::new(None::<CustomerStatus>);
    let paging = Paging::new();
    let list = LocalResource::new(move || {
        let variables = customers::Variables {
            first: Some(PAGE_SIZE),
            after: paging.after.get(),
            search: Some(search.get()).filter(|s| !s.is_empty()),
            status: status.get(),
        };
        async move { auth.call::<Customers>(variables).await.map(|d| d.customers) }
    });
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        paging.reset();
        search.set(search_input.get_untracked().trim().to_owned());
    };
    let on_status = move |ev| {
        paging.reset();
        status.set(CustomerStatus::parse(&event_target_value(&ev)));
    };
    let can_create = Memo::new(move |_| auth.user().is_some_and(|u| u.has_role_at_least(StaffRole::Admin)));

    view! {
        <section class="card">
            <h1>"Customers"</h1>
            <form class="filters" role="search" on:submit=on_search data-testid="customer-filters">
                <div class="field">
                    <label for="customer-search">"Search"</label>
                    <input id="customer-search" type="search" placeholder="Name, e-mail or company" bind:value=search_input/>
                </div>
                <div class="field">
                    <label for="customer-status">"Status"</label>
                    <select id="customer-status" on:change=on_status data-testid="customer-status-filter">
                        <option value="">"Any status"</option>
                        {CustomerStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="secondary">"Search"</button>
            </form>
            {move || match list.get() {
                None => Either::Left(view! { <p class="loading" aria-busy="true">"Loading customers…"</p> }.into_any()),
                Some(Err(error)) => Either::Left(view! { <LoadError error what="customers"/> }.into_any()),
                Some(Ok(page)) => Either::Right(view! {
                    <p class="hint" data-testid="total-count">{count_label(page.total_count, "customer")}</p>
                    <CustomerTable rows=page.nodes/>
                    <Pager paging has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor/>
                }),
            }}
        </section>
        <Show when=move || can_create.get()>
            <NewCustomer on_created=move || list.refetch()/>
        </Show>
    }
}

#[component]
fn CustomerTable(rows: Vec<customers::CustomersCustomersNodes>) -> impl IntoView {
    if rows.is_empty() {
        return Either::Left(view! { <p data-testid="empty">"No customers match."</p> });
    }
    Either::Right(view! {
        <div class="table-wrap">
            <table data-testid="customer-table">
                <thead>
                    <tr><th>"Name"</th><th>"E-mail"</th><th>"Company"</th><th>"Status"</th><th>"Created"</th></tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|c| view! {
                        <tr data-testid="customer-row">
                            <td><A href=format!("/customers/{}", c.id)>{c.name}</A></td>
                            <td>{c.email}</td>
                            <td>{c.company.unwrap_or_default()}</td>
                            <td><StatusBadge wire=c.status.as_str() label=c.status.label()/></td>
                            <td>{when(&c.created_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    })
}
