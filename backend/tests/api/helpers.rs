//! `spawn_app` and request helpers shared by the API tests.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
};

use base64::{engine::general_purpose::STANDARD, Engine};
use hub::{config::Config, Services};
use reqwest::{header::HeaderMap, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{json, Value};
use tokio::sync::oneshot;

pub const OWNER_EMAIL: &str = "owner@example.com";
pub const OWNER_PASSWORD: &str = "owner-password-1";

pub struct TestApp {
    pub addr: SocketAddr,
    /// SQL statements the app has sent so far (reset it with `store(0)`).
    pub statements: Arc<AtomicUsize>,
    pub client: reqwest::Client,
    pub services: Services,
    /// The webhook outbox worker, when the test turned `webhooks.worker` on.
    worker: Option<hub::jobs::outbox::Worker>,
    /// The mail worker, when the test set `mail.smtp_url` and turned `mail.worker` on.
    mail_worker: Option<hub::jobs::outbox::Worker>,
    dir: tempfile::TempDir,
    _shutdown: oneshot::Sender<()>,
}

/// One GraphQL answer.
pub struct Gql {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Gql {
    /// `data.<path>` (dot-separated), panicking with the errors if there were any.
    pub fn data(&self, path: &str) -> &Value {
        assert!(self.body["errors"].is_null(), "unexpected errors: {}", self.body["errors"]);
        let mut v = &self.body["data"];
        for part in path.split('.') {
            v = &v[part];
        }
        v
    }

    /// The `extensions.code` of the first error.
    pub fn code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("no error code in {}", self.body))
    }

    pub fn message(&self) -> &str {
        self.body["errors"][0]["message"].as_str().unwrap_or_default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app with a fresh database; `tweak` adjusts the config first. The
/// webhook outbox worker is off unless `tweak` turns it on (its polling would
/// add statements to tests that count them).
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let spa = dir.path().join("dist");
    std::fs::create_dir_all(&spa).unwrap();
    std::fs::write(spa.join("index.html"), "<!doctype html><title>Hub SPA</title>").unwrap();

    let mut config = Config::default();
    config.bind = "127.0.0.1:0".parse().unwrap();
    config.data_dir = dir.path().to_path_buf();
    config.spa_dir = spa;
    config.master_key = Some(hub::config::SecretString::new(STANDARD.encode([7u8; 32])));
    config.database_url = hub::config::SecretString::new(database_url(dir.path()).await);
    config.webhooks.worker = false;
    config.mail.worker = false;
    // Tests run jobs directly (hub::jobs::run); a ticking scheduler would race them.
    config.scheduler.enabled = false;
    tweak(&mut config);
    start(config, dir).await
}

/// Serves `config` (whose database and data folder live in `dir`).
async fn start(config: Config, dir: tempfile::TempDir) -> TestApp {
    let mut services = Services::start(config).await.expect("services start");
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    services.db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let served = services.clone();
    tokio::spawn(async move {
        hub::app::serve(served, listener, async move {
            let _ = rx.await;
        })
        .await
        .expect("server runs");
    });
    let worker = services.config.webhooks.worker.then(|| hub::jobs::outbox::spawn(services.clone()));
    let mail_worker = (services.config.mail.worker && services.mailer.is_some()).then(|| hub::jobs::mail::spawn(services.clone()));
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    TestApp { addr, statements, client, services, worker, mail_worker, dir, _shutdown: tx }
}

pub async fn database_url(dir: &std::path::Path) -> String {
    match std::env::var("HUB_TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("hub_test_{}", uuid::Uuid::new_v4().simple());
            let conn = Database::connect(&admin).await.expect("connect to the PostgreSQL admin URL");
            conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
            conn.close().await.ok();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}/hub.db", dir.display()),
    }
}

impl TestApp {
    /// Stops this Hub (server and worker; the worker finishes its batch) and
    /// starts a new one on the same database and data folder, as after a restart.
    pub async fn restart(self) -> TestApp {
        let TestApp { services, worker, mail_worker, dir, _shutdown, .. } = self;
        drop(_shutdown);
        if let Some(worker) = worker {
            worker.stop().await;
        }
        if let Some(worker) = mail_worker {
            worker.stop().await;
        }
        let config = (*services.config).clone();
        services.db.close().await.ok();
        start(config, dir).await
    }

    /// Starts another Hub on the same database with the same configuration and
    /// master key: a second replica (events cross between them on PostgreSQL).
    pub async fn replica(&self) -> TestApp {
        let config = (*self.services.config).clone();
        start(config, tempfile::tempdir().expect("temp dir")).await
    }

    /// A second Hub's services on this app's database and settings: another
    /// replica, for tests of what must happen once across replicas.
    pub async fn twin(&self) -> Services {
        Services::start((*self.services.config).clone()).await.expect("a twin starts on the same database")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// POSTs a GraphQL operation with an optional Bearer token, through the
    /// client's cookie store (like a browser).
    pub async fn gql(&self, query: &str, variables: Value, token: Option<&str>) -> Gql {
        self.gql_with(&self.client, query, variables, token).await
    }

    /// The same through another client (another browser, or none's cookies).
    pub async fn gql_with(&self, client: &reqwest::Client, query: &str, variables: Value, token: Option<&str>) -> Gql {
        let mut req = client.post(self.url("/graphql")).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.json().await.expect("JSON body");
        Gql { status, headers, body }
    }

    /// Runs first-run setup for the default OWNER; returns its access token.
    pub async fn setup_owner(&self) -> String {
        let res = self
            .gql(
                "mutation($i: SetupInput!) { setup(input: $i) { accessToken user { role } } }",
                json!({ "i": { "name": "Olive Owner", "email": OWNER_EMAIL, "password": OWNER_PASSWORD } }),
                None,
            )
            .await;
        assert_eq!(res.data("setup.user.role"), "OWNER");
        res.data("setup.accessToken").as_str().unwrap().to_owned()
    }

    /// Logs in without a second factor; returns (access token, refresh token).
    pub async fn login(&self, email: &str, password: &str) -> (String, String) {
        let res = self.login_raw(email, password).await;
        assert_eq!(res.data("login.requiresTwoFactor"), false);
        (
            res.data("login.session.accessToken").as_str().unwrap().to_owned(),
            res.data("login.session.refreshToken").as_str().unwrap().to_owned(),
        )
    }

    pub async fn login_raw(&self, email: &str, password: &str) -> Gql {
        self.gql(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { requiresTwoFactor pendingToken session { accessToken refreshToken user { email role } } } }",
            json!({ "e": email, "p": password }),
            None,
        )
        .await
    }

    /// Creates an account directly through the domain (customers have no sign-up yet).
    pub async fn create_account(&self, email: &str, password: &str, kind: entity::AccountKind, role: Option<entity::StaffRole>) {
        let hash = hub::auth::password::hash(password.into()).await.unwrap();
        let new = hub::domain::identity::accounts::NewAccount {
            email: hub::domain::identity::Email::parse("email", email).unwrap(),
            name: "Test Person".into(),
            password_hash: Some(hash),
            kind,
            role,
        };
        hub::domain::identity::accounts::insert(&self.services.db, new).await.unwrap();
    }

    /// Invites `email` as `role` and accepts; returns the new member's access token.
    pub async fn invite_and_accept(&self, owner_token: &str, email: &str, role: &str) -> String {
        let invited = self
            .gql(
                "mutation($e: String!, $r: StaffRole!) { inviteStaff(email: $e, role: $r) { token invitation { role } } }",
                json!({ "e": email, "r": role }),
                Some(owner_token),
            )
            .await;
        let token = invited.data("inviteStaff.token").as_str().unwrap().to_owned();
        let accepted = self
            .gql_with(
                &reqwest::Client::new(),
                "mutation($t: String!) { acceptInvitation(token: $t, name: \"New Member\", password: \"member-password-1\") { accessToken user { role } } }",
                json!({ "t": token }),
                None,
            )
            .await;
        assert_eq!(accepted.data("acceptInvitation.user.role"), role);
        accepted.data("acceptInvitation.accessToken").as_str().unwrap().to_owned()
    }
}

pub const ME: &str = "{ me { id email name kind role active twoFactorEnabled } }";
