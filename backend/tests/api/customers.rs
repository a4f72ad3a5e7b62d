use entity::audit_event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::*;

pub const CREATE: &str = "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { setPasswordToken setPasswordPath customer { id email name company phone status notes createdAt } } }";
pub const SET_PASSWORD: &str =
    "mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) { accessToken user { id email kind } } }";
const CUSTOMER: &str = "query($id: UUID!) { customer(id: $id) { id email name company phone status notes } }";
const UPDATE: &str =
    "mutation($id: UUID!, $i: UpdateCustomerInput!) { updateCustomer(id: $id, input: $i) { id name company phone status notes } }";
const LIST: &str = "query($s: String, $st: CustomerStatus, $f: Int) { customers(first: $f, search: $s, status: $st) { totalCount pageInfo { hasNextPage } edges { node { email company status } } } }";

/// Creates a customer as `staff`; returns (id, set-password token).
pub async fn create_customer(app: &TestApp, staff: &str, email: &str, company: Option<&str>) -> (String, String) {
    let res = app.gql(CREATE, json!({ "i": { "email": email, "name": "Cleo Customer", "company": company } }), Some(staff)).await;
    (
        res.data("createCustomer.customer.id").as_str().unwrap().to_owned(),
        res.data("createCustomer.setPasswordToken").as_str().unwrap().to_owned(),
    )
}

/// Creates a customer and sets their password; returns (id, access token).
pub async fn signed_in_customer(app: &TestApp, staff: &str, email: &str) -> (String, String) {
    let (id, token) = create_customer(app, staff, email, Some("Acme")).await;
    let res = app.gql_with(&reqwest::Client::new(), SET_PASSWORD, json!({ "t": token, "p": "customer-password-1" }), None).await;
    (id, res.data("setPassword.accessToken").as_str().unwrap().to_owned())
}

fn fields(res: &Gql) -> Vec<String> {
    assert_eq!(res.code(), "VALIDATION_ERROR", "{}", res.body);
    let list = res.body["errors"][0]["extensions"]["fields"].as_array().unwrap();
    list.iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_created_customer_sets_a_password_once_and_reads_only_their_own_record() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let created = app
        .gql(CREATE, json!({ "i": { "email": "Maria@Acme.com", "name": "Maria", "company": "Acme", "notes": "VIP" } }), Some(&owner))
        .await;
    assert_eq!(created.data("createCustomer.customer.email"), "maria@acme.com");
    assert_eq!(created.data("createCustomer.customer.status"), "ACTIVE");
    let id = created.data("createCustomer.customer.id").as_str().unwrap().to_owned();
    let token = created.data("createCustomer.setPasswordToken").as_str().unwrap().to_owned();
    assert!(token.starts_with("hubs_"));
    assert_eq!(created.data("createCustomer.setPasswordPath"), &Value::from(format!("/set-password?token={token}")));

    // No password yet: signing in fails.
    assert_eq!(app.login_raw("maria@acme.com", "customer-password-1").await.code(), "UNAUTHORIZED");
    let weak = app.gql(SET_PASSWORD, json!({ "t": token, "p": "short" }), None).await;
    assert_eq!(fields(&weak), ["password"]);
    let set = app.gql(SET_PASSWORD, json!({ "t": token, "p": "customer-password-1" }), None).await;
    assert_eq!(set.data("setPassword.user.kind"), "CUSTOMER");
    assert_eq!(set.data("setPassword.user.id"), &Value::from(id.clone()));
    assert!(set.headers.get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("hub_refresh=")));
    let again = app.gql(SET_PASSWORD, json!({ "t": token, "p": "other-password-1" }), None).await;
    assert_eq!(again.code(), "NOT_FOUND");

    let (customer, _) = app.login("maria@acme.com", "customer-password-1").await;
    let own = app.gql(CUSTOMER, json!({ "id": id }), Some(&customer)).await;
    assert_eq!(own.data("customer.company"), "Acme");
    assert!(own.data("customer.notes").is_null(), "notes are for staff");
    assert_eq!(app.gql(CUSTOMER, json!({ "id": id }), Some(&owner)).await.data("customer.notes"), "VIP");

    let (other, _) = create_customer(&app, &owner, "bob@globex.com", None).await;
    let res = app.gql(CUSTOMER, json!({ "id": other }), Some(&customer)).await;
    assert_eq!(res.code(), "NOT_FOUND");
    assert!(res.body["data"].is_null());
    assert_eq!(app.gql(LIST, json!({}), Some(&customer)).await.code(), "FORBIDDEN");
    let res = app.gql(CREATE, json!({ "i": { "email": "x@example.com", "name": "X" } }), Some(&customer)).await;
    assert_eq!(res.code(), "FORBIDDEN");
    assert_eq!(app.gql(UPDATE, json!({ "id": id, "i": { "company": "Mine" } }), Some(&customer)).await.code(), "FORBIDDEN");
    assert_eq!(app.gql(CUSTOMER, json!({ "id": id }), None).await.code(), "UNAUTHORIZED");

    // The audit log names the creation without the token.
    let entries =
        audit_event::Entity::find().filter(audit_event::Column::Action.eq("customer.created")).all(&app.services.db).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert!(!entries.iter().any(|e| e.details.as_ref().unwrap().to_string().contains(&token)));
}

#[tokio::test]
async fn staff_roles_have_their_customer_powers() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;

    let (id, _) = create_customer(&app, &admin, "maria@acme.com", Some("Acme")).await;
    for staff in [&manager, &support] {
        let res = app.gql(CREATE, json!({ "i": { "email": "x@example.com", "name": "X" } }), Some(staff)).await;
        assert_eq!(res.code(), "FORBIDDEN");
    }
    assert_eq!(app.gql(CUSTOMER, json!({ "id": id }), Some(&support)).await.data("customer.email"), "maria@acme.com");
    assert_eq!(app.gql(LIST, json!({}), Some(&support)).await.data("customers.totalCount"), 1);
    let res = app.gql(UPDATE, json!({ "id": id, "i": { "status": "SUSPENDED" } }), Some(&support)).await;
    assert_eq!(res.code(), "FORBIDDEN");

    let updated = app
        .gql(UPDATE, json!({ "id": id, "i": { "status": "SUSPENDED", "phone": "+49 30 1234567", "name": "Maria W." } }), Some(&manager))
        .await;
    assert_eq!(updated.data("updateCustomer.status"), "SUSPENDED");
    assert_eq!(updated.data("updateCustomer.phone"), "+49 30 1234567");
    assert_eq!(updated.data("updateCustomer.name"), "Maria W.");
    assert_eq!(updated.data("updateCustomer.company"), "Acme", "fields not sent stay");
    let cleared = app.gql(UPDATE, json!({ "id": id, "i": { "company": "" } }), Some(&manager)).await;
    assert!(cleared.data("updateCustomer.company").is_null());

    let entry = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("customer.updated"))
        .one(&app.services.db)
        .await
        .unwrap()
        .expect("audited");
    let details = entry.details.unwrap();
    assert_eq!(details["before"]["status"], "ACTIVE");
    assert_eq!(details["after"]["status"], "SUSPENDED");
}

#[tokio::test]
async fn bad_input_names_its_fields_and_a_taken_email_conflicts() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let res = app
        .gql(CREATE, json!({ "i": { "email": "nope", "name": " ", "phone": "call me", "company": "x".repeat(201) } }), Some(&owner))
        .await;
    assert_eq!(fields(&res), ["email", "name", "company", "phone"]);
    let (id, _) = create_customer(&app, &owner, "maria@acme.com", None).await;
    let dup = app.gql(CREATE, json!({ "i": { "email": "MARIA@acme.com", "name": "Other" } }), Some(&owner)).await;
    assert_eq!(dup.code(), "CONFLICT");
    assert_eq!(app.gql(LIST, json!({}), Some(&owner)).await.data("customers.totalCount"), 1, "nothing half-created");
    let res = app.gql(UPDATE, json!({ "id": id, "i": { "name": "", "phone": "1" } }), Some(&owner)).await;
    assert_eq!(fields(&res), ["name", "phone"]);
    let missing = app.gql(UPDATE, json!({ "id": uuid::Uuid::new_v4(), "i": { "company": "X" } }), Some(&owner)).await;
    assert_eq!(missing.code(), "NOT_FOUND");
    assert_eq!(app.gql(LIST, json!({ "s": "x".repeat(201) }), Some(&owner)).await.code(), "VALIDATION_ERROR");
}

#[tokio::test]
async fn search_and_status_filter_the_list() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    create_customer(&app, &owner, "maria@acme.com", Some("Acme Marketing GmbH")).await;
    let (bob, _) = create_customer(&app, &owner, "bob@globex.com", Some("Globex")).await;
    create_customer(&app, &owner, "carl@example.com", Some("50% Off_Shop")).await;
    app.gql(UPDATE, json!({ "id": bob, "i": { "status": "SUSPENDED" } }), Some(&owner)).await.data("updateCustomer.id");

    let count = |res: Gql| res.data("customers.totalCount").as_u64().unwrap();
    assert_eq!(count(app.gql(LIST, json!({ "s": "MARKETING" }), Some(&owner)).await), 1, "company, any case");
    assert_eq!(count(app.gql(LIST, json!({ "s": "Globex.COM" }), Some(&owner)).await), 1, "e-mail");
    assert_eq!(count(app.gql(LIST, json!({ "s": "cleo" }), Some(&owner)).await), 3, "name");
    assert_eq!(count(app.gql(LIST, json!({ "s": "%" }), Some(&owner)).await), 1, "wildcards are literal");
    assert_eq!(count(app.gql(LIST, json!({ "s": "f_s" }), Some(&owner)).await), 1);
    assert_eq!(count(app.gql(LIST, json!({ "s": "nobody" }), Some(&owner)).await), 0);
    let suspended = app.gql(LIST, json!({ "st": "SUSPENDED" }), Some(&owner)).await;
    assert_eq!(suspended.data("customers.edges")[0]["node"]["email"], "bob@globex.com");
    assert_eq!(count(suspended), 1);
    assert_eq!(count(app.gql(LIST, json!({ "st": "ACTIVE", "s": "acme" }), Some(&owner)).await), 1);

    let page = app.gql(LIST, json!({ "f": 2 }), Some(&owner)).await;
    assert_eq!(page.data("customers.totalCount"), 3);
    assert_eq!(page.data("customers.pageInfo.hasNextPage"), true);
    let emails: Vec<_> = page.data("customers.edges").as_array().unwrap().iter().map(|e| e["node"]["email"].clone()).collect();
    assert_eq!(emails, ["carl@example.com", "bob@globex.com"], "newest first");
}
