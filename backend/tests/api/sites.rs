//! Licences and licensed sites (spec 000): adding a site provisions it on a real
//! (fake) child that verifies Hub's signature; a child that is down or refuses
//! leaves the site FAILED for a retry; licence limits; customer isolation.

use entity::audit_event;
use sea_orm::EntityTrait;
use serde_json::{json, Value};

use crate::customers::signed_in_customer;
use crate::fake_child::{FakeChild, PROVISION};
use crate::helpers::*;

pub const SITE_FIELDS: &str =
    "uuid licenseId licenseKey projectSlug customerId name slug domain status vendorId childSiteId url details lastError attempts provisionedAt";
const CREATE_LICENSE: &str =
    "mutation($i: CreateLicenseInput!) { createLicense(input: $i) { id key plan maxSites sitesUsed status projectSlug } }";
const SLUG: &str = "shopcore-api";

pub async fn create_license(app: &TestApp, staff: &str, customer: &str, project: &str, max_sites: i32) -> Gql {
    let input = json!({ "customerId": customer, "projectSlug": project, "plan": "PRO", "maxSites": max_sites });
    app.gql(CREATE_LICENSE, json!({ "i": input }), Some(staff)).await
}

/// A licence of `customer` on `project`; returns its id.
pub async fn license(app: &TestApp, staff: &str, customer: &str, project: &str, max_sites: i32) -> String {
    create_license(app, staff, customer, project, max_sites).await.data("createLicense.id").as_str().unwrap().to_owned()
}

pub async fn add_site(app: &TestApp, token: &str, license: &str, slug: &str) -> Gql {
    let query = format!("mutation($l: UUID!, $i: AddSiteInput!) {{ addSite(licenseId: $l, input: $i) {{ {SITE_FIELDS} }} }}");
    let input = json!({ "name": "Velori", "slug": slug, "domain": format!("{slug}.example.com") });
    app.gql(&query, json!({ "l": license, "i": input }), Some(token)).await
}

async fn retry(app: &TestApp, token: &str, uuid: &str) -> Gql {
    let query = format!("mutation($u: UUID!) {{ retrySiteProvisioning(uuid: $u) {{ {SITE_FIELDS} }} }}");
    app.gql(&query, json!({ "u": uuid }), Some(token)).await
}

/// The OUTBOUND sync log of `project`, newest first.
pub async fn outbound_logs(app: &TestApp, staff: &str, project: &str) -> Vec<Value> {
    let res = app
        .gql(
            "query($p: String) { syncLogs(first: 50, project: $p, direction: OUTBOUND) { edges { node { direction projectSlug endpoint status latencyMs errorCode errorMessage } } } }",
            json!({ "p": project }),
            Some(staff),
        )
        .await;
    res.data("syncLogs.edges").as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
}

fn field_names(res: &Gql) -> Vec<String> {
    assert_eq!(res.code(), "VALIDATION_ERROR", "{}", res.body);
    res.body["errors"][0]["extensions"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn an_added_site_is_provisioned_by_the_child_over_a_signed_call() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    let child = FakeChild::registered(&app, &manager, SLUG).await;
    let (customer, customer_token) = signed_in_customer(&app, &owner, "c@example.com").await;
    let created = create_license(&app, &manager, &customer, SLUG, 3).await;
    assert_eq!(created.data("createLicense.status"), "ACTIVE");
    assert!(created.data("createLicense.key").as_str().unwrap().starts_with("lic_"));
    let license = created.data("createLicense.id").as_str().unwrap().to_owned();

    // The licence's customer adds the site; the child provisions it at once.
    let res = add_site(&app, &customer_token, &license, "velori-live").await;
    let site = res.data("addSite");
    assert_eq!(site["status"], "ACTIVE", "{site}");
    assert_eq!((site["vendorId"].as_i64(), site["childSiteId"].as_i64()), (Some(101), Some(81)));
    assert_eq!(site["url"], "https://velori.shop.example");
    assert_eq!((site["attempts"].as_i64(), site["lastError"].is_null()), (Some(1), true));
    assert!(site["details"].is_null(), "the child's raw answer is for staff");
    assert!(site["provisionedAt"].is_string());
    let uuid = site["uuid"].as_str().unwrap();

    // The child saw one POST it could verify with its own credentials.
    let calls = child.received();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert!(call.verified, "the child must verify Hub's signature");
    assert_eq!((call.method.as_str(), call.path.as_str(), call.project.as_str()), ("POST", PROVISION, SLUG));
    assert!(call.key.starts_with("pk_"));
    let body = call.json();
    assert_eq!(body["site_uuid"], uuid);
    assert_eq!((body["site_slug"].as_str(), body["domain"].as_str()), (Some("velori-live"), Some("velori-live.example.com")));
    assert_eq!(body["license"]["key"], site["licenseKey"]);
    assert_eq!((body["license"]["plan"].as_str(), body["license"]["max_sites"].as_i64()), (Some("PRO"), Some(3)));
    assert_eq!((body["customer"]["id"].as_str(), body["customer"]["email"].as_str()), (Some(customer.as_str()), Some("c@example.com")));
    assert_eq!(body["attempt"], 1);

    let staff_view =
        app.gql(&format!("query($u: UUID!) {{ site(uuid: $u) {{ {SITE_FIELDS} }} }}"), json!({ "u": uuid }), Some(&manager)).await;
    assert_eq!(staff_view.data("site.details")["vendor_id"], 101);
    let licenses = app.gql("query { licenses(first: 5) { totalCount nodes { sitesUsed } } }", json!({}), Some(&customer_token)).await;
    assert_eq!(licenses.data("licenses.nodes")[0]["sitesUsed"], 1);

    let logs = outbound_logs(&app, &manager, SLUG).await;
    assert_eq!(logs.len(), 1);
    assert_eq!(
        (logs[0]["direction"].as_str(), logs[0]["endpoint"].as_str(), logs[0]["status"].as_i64()),
        (Some("OUTBOUND"), Some(PROVISION), Some(201))
    );
    assert!(logs[0]["errorCode"].is_null());
    let audit = audit_event::Entity::find().all(&app.services.db).await.unwrap();
    for action in ["license.created", "site.added", "site.provisioned"] {
        assert!(audit.iter().any(|e| e.action == action), "{action} is audited");
    }
}

#[tokio::test]
async fn a_site_survives_a_child_that_is_down_and_a_retry_provisions_it() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    let mut child = FakeChild::registered(&app, &manager, SLUG).await;
    let (customer, customer_token) = signed_in_customer(&app, &owner, "c@example.com").await;
    let license = license(&app, &manager, &customer, SLUG, 3).await;
    child.stop().await;

    let res = add_site(&app, &manager, &license, "velori-live").await;
    let site = res.data("addSite");
    assert_eq!(site["status"], "FAILED");
    assert!(site["lastError"].as_str().unwrap().contains("unreachable"), "{site}");
    let uuid = site["uuid"].as_str().unwrap().to_owned();
    let kept =
        app.gql("query($l: UUID) { sites(first: 5, licenseId: $l) { totalCount } }", json!({ "l": license }), Some(&customer_token)).await;
    assert_eq!(kept.data("sites.totalCount"), 1, "the site row is kept");

    let logs = outbound_logs(&app, &manager, SLUG).await;
    assert_eq!(logs.len(), 1);
    assert_eq!((logs[0]["status"].as_i64(), logs[0]["errorCode"].as_str()), (Some(0), Some("UNREACHABLE")));
    assert!(logs[0]["errorMessage"].as_str().unwrap().contains("unreachable"));

    assert_eq!(retry(&app, &customer_token, &uuid).await.code(), "FORBIDDEN");
    child.restart().await;
    let retried = retry(&app, &manager, &uuid).await;
    let site = retried.data("retrySiteProvisioning");
    assert_eq!((site["status"].as_str(), site["attempts"].as_i64()), (Some("ACTIVE"), Some(2)));
    assert!(site["lastError"].is_null());
    assert_eq!(retry(&app, &manager, &uuid).await.code(), "CONFLICT", "an ACTIVE site is not retried");

    let calls = child.received();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].verified);
    assert_eq!((calls[0].json()["site_uuid"].as_str(), calls[0].json()["attempt"].as_i64()), (Some(uuid.as_str()), Some(2)));
    let logs = outbound_logs(&app, &manager, SLUG).await;
    assert_eq!((logs.len(), logs[0]["status"].as_i64()), (2, Some(201)));
}

#[tokio::test]
async fn a_child_refusal_fails_the_site_with_the_childs_words() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let child = FakeChild::registered(&app, &owner, SLUG).await;
    let (customer, _) = signed_in_customer(&app, &owner, "c@example.com").await;
    let license = license(&app, &owner, &customer, SLUG, 5).await;
    child.answer_provision(422, json!({ "success": false, "error": { "message": "the domain is taken" } }));
    let site = add_site(&app, &owner, &license, "velori-live").await.data("addSite").clone();
    assert_eq!(site["status"], "FAILED");
    assert_eq!(site["lastError"], "shopcore-api could not provision the site: HTTP 422: the domain is taken");
    let logs = outbound_logs(&app, &owner, SLUG).await;
    assert_eq!((logs[0]["status"].as_i64(), logs[0]["errorCode"].as_str()), (Some(422), Some("CHILD_ERROR")));

    // Hub signs with the current secret: a child still holding the old one refuses.
    app.gql("mutation { rotateProjectSecret(slug: \"shopcore-api\") { secret } }", json!({}), Some(&owner))
        .await
        .data("rotateProjectSecret");
    let site = add_site(&app, &owner, &license, "velori-two").await.data("addSite").clone();
    assert_eq!(
        (site["status"].as_str(), site["lastError"].as_str()),
        (Some("FAILED"), Some("shopcore-api could not provision the site: HTTP 401: bad signature"))
    );
    assert!(!child.received()[1].verified);
}

#[tokio::test]
async fn licences_bound_the_sites_that_can_be_added() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let _child = FakeChild::registered(&app, &owner, SLUG).await;
    let (customer, customer_token) = signed_in_customer(&app, &owner, "c@example.com").await;

    let bad = app
        .gql(
            CREATE_LICENSE,
            json!({ "i": { "customerId": owner_id(&app, &owner).await, "projectSlug": "nope", "plan": " ", "maxSites": 0 } }),
            Some(&owner),
        )
        .await;
    assert_eq!(field_names(&bad), ["plan", "maxSites", "customerId", "projectSlug"]);
    assert_eq!(create_license(&app, &support, &customer, SLUG, 1).await.code(), "FORBIDDEN");
    assert_eq!(create_license(&app, &customer_token, &customer, SLUG, 1).await.code(), "FORBIDDEN");

    let one = license(&app, &owner, &customer, SLUG, 1).await;
    let invalid = app
        .gql(
            "mutation($l: UUID!) { addSite(licenseId: $l, input: { name: \" \", slug: \"No Slug\", domain: \"not a domain\" }) { uuid } }",
            json!({ "l": one }),
            Some(&owner),
        )
        .await;
    assert_eq!(field_names(&invalid), ["name", "slug", "domain"]);
    assert_eq!(add_site(&app, &support, &one, "velori-live").await.code(), "FORBIDDEN");
    assert_eq!(add_site(&app, &customer_token, &one, "velori-live").await.data("addSite.status"), "ACTIVE");
    let full = add_site(&app, &customer_token, &one, "velori-two").await;
    assert_eq!(full.code(), "CONFLICT", "{}", full.body);
    assert!(full.message().contains("no free site"), "{}", full.message());

    // A taken slug is refused and leaves the seat free.
    let other = license(&app, &owner, &customer, SLUG, 2).await;
    assert_eq!(field_names(&add_site(&app, &owner, &other, "velori-live").await), ["slug"]);
    let seats = app
        .gql("query($s: String) { licenses(first: 5, projectSlug: $s) { nodes { id sitesUsed } } }", json!({ "s": SLUG }), Some(&owner))
        .await;
    let used: Vec<i64> = seats.data("licenses.nodes").as_array().unwrap().iter().map(|l| l["sitesUsed"].as_i64().unwrap()).collect();
    assert_eq!(used, [0, 1], "newest first: the second licence has no site");

    let suspended = app
        .gql("mutation($id: UUID!) { setLicenseStatus(id: $id, status: SUSPENDED) { status } }", json!({ "id": other }), Some(&owner))
        .await;
    assert_eq!(suspended.data("setLicenseStatus.status"), "SUSPENDED");
    let refused = add_site(&app, &owner, &other, "velori-three").await;
    assert_eq!((refused.code(), refused.message()), ("CONFLICT", "the licence is SUSPENDED, not ACTIVE"));
}

async fn owner_id(app: &TestApp, token: &str) -> String {
    app.gql(ME, json!({}), Some(token)).await.data("me.id").as_str().unwrap().to_owned()
}

#[tokio::test]
async fn customers_reach_only_their_own_licences_and_sites() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let _child = FakeChild::registered(&app, &owner, SLUG).await;
    let (a, a_token) = signed_in_customer(&app, &owner, "a@example.com").await;
    let (_, b_token) = signed_in_customer(&app, &owner, "b@example.com").await;
    let a_license = license(&app, &owner, &a, SLUG, 2).await;
    let uuid = add_site(&app, &a_token, &a_license, "velori-live").await.data("addSite.uuid").as_str().unwrap().to_owned();

    let list = "query { licenses(first: 5) { totalCount } sites(first: 5) { totalCount nodes { uuid details } } }";
    let one = format!("query($u: UUID!) {{ site(uuid: $u) {{ {SITE_FIELDS} }} }}");
    let b = app.gql(list, json!({}), Some(&b_token)).await;
    assert_eq!((b.data("licenses.totalCount"), b.data("sites.totalCount")), (&json!(0), &json!(0)));
    assert_eq!(app.gql(&one, json!({ "u": uuid }), Some(&b_token)).await.code(), "NOT_FOUND");
    assert_eq!(add_site(&app, &b_token, &a_license, "b-site").await.code(), "NOT_FOUND");

    let a_view = app.gql(list, json!({}), Some(&a_token)).await;
    assert_eq!((a_view.data("licenses.totalCount"), a_view.data("sites.totalCount")), (&json!(1), &json!(1)));
    assert!(a_view.data("sites.nodes")[0]["details"].is_null());
    assert_eq!(app.gql(&one, json!({ "u": uuid }), Some(&a_token)).await.data("site.uuid"), uuid.as_str());
    let staff = app.gql(list, json!({}), Some(&support)).await;
    assert_eq!(staff.data("sites.nodes")[0]["details"]["site_id"], 81);
}
