//! Demo data for trying Hub out: an OWNER, an ADMIN and a customer with a small
//! business (see [`business`]). Idempotent; the passwords are fixed and public, so never run it
//! against a real deployment.

mod business;

use entity::{AccountKind, StaffRole};

use crate::{
    auth::{password, RequestMeta},
    domain::identity::{accounts, setup, Email},
    error::AppError,
    Services,
};

pub const OWNER_EMAIL: &str = "owner@demo.hub.local";
pub const OWNER_PASSWORD: &str = "demo-owner-password";
pub const ADMIN_EMAIL: &str = "admin@demo.hub.local";
pub const ADMIN_PASSWORD: &str = "demo-admin-password";
pub const CUSTOMER_EMAIL: &str = "customer@demo.hub.local";
pub const CUSTOMER_PASSWORD: &str = "demo-customer-password";

/// What was seeded, to print.
pub struct DemoReport {
    lines: Vec<String>,
}

impl DemoReport {
    pub fn print(&self) {
        println!("Demo data:");
        for line in &self.lines {
            println!("  {line}");
        }
    }
}

/// Creates whatever demo accounts are missing.
pub async fn seed(services: &Services) -> Result<DemoReport, AppError> {
    let meta = RequestMeta::default();
    let mut lines = Vec::new();
    if setup::required(services).await? {
        let hash = password::hash(OWNER_PASSWORD.into()).await?;
        setup::create_first_owner(services, email(OWNER_EMAIL), "Olivia Owner".into(), hash, &meta).await?;
    }
    if accounts::find_by_email(&services.db, OWNER_EMAIL).await?.is_some() {
        lines.push(format!("OWNER     {OWNER_EMAIL} / {OWNER_PASSWORD}"));
    } else {
        lines.push("OWNER     (skipped: this database already had an owner)".into());
    }
    for (address, pw, name, kind, role, label) in [
        (ADMIN_EMAIL, ADMIN_PASSWORD, "Adam Admin", AccountKind::Staff, Some(StaffRole::Admin), "ADMIN   "),
        (CUSTOMER_EMAIL, CUSTOMER_PASSWORD, "Cora Customer", AccountKind::Customer, None, "CUSTOMER"),
    ] {
        if accounts::find_by_email(&services.db, address).await?.is_none() {
            let hash = password::hash(pw.into()).await?;
            let new = accounts::NewAccount { email: email(address), name: name.into(), password_hash: Some(hash), kind, role };
            accounts::insert(&services.db, new).await?;
        }
        lines.push(format!("{label}  {address} / {pw}"));
    }
    if let Some(customer) = accounts::find_by_email(&services.db, CUSTOMER_EMAIL).await? {
        if business::seed(services, customer.id).await? {
            lines.push(
                "          the customer has a PRO subscription, two orders, two agents, two weeks of token usage and a pending approval"
                    .into(),
            );
        }
    }
    Ok(DemoReport { lines })
}

fn email(address: &str) -> Email {
    Email::parse("email", address).expect("demo addresses are valid")
}
