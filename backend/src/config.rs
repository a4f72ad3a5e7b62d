//! One typed configuration, read from defaults, then an optional TOML file
//! (`--config` or `HUB_CONFIG`), then `HUB_*` environment variables (nested keys
//! with `__`, e.g. `HUB_RATE_LIMIT__PER_MINUTE=120`), then `DATABASE_URL`.

use std::{fmt, net::SocketAddr, path::PathBuf};

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use serde::{Deserialize, Serialize};

/// A configuration value that must never be printed or logged.
#[derive(Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Config {
    /// Address `hub serve` listens on.
    pub bind: SocketAddr,
    /// `sqlite://./data/hub.db` (default) or `postgres://…`.
    pub database_url: SecretString,
    /// Where the SQLite file and a generated master key live.
    pub data_dir: PathBuf,
    /// The built SPA (Trunk's dist folder).
    pub spa_dir: PathBuf,
    /// The URL people reach Hub at; `https://…` turns on Secure cookies.
    pub public_url: Option<String>,
    /// 32 bytes, base64. Encrypts recoverable secrets and signs access tokens.
    /// When unset, one is generated into `data_dir/master.key` on first start;
    /// several replicas must share one through this setting.
    pub master_key: Option<SecretString>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub behind_proxy: bool,
    /// Force the Secure cookie flag on or off; by default it follows `public_url`.
    pub cookie_secure: Option<bool>,
    pub auth: AuthConfig,
    pub rate_limit: RateLimitConfig,
    pub graphql: GraphqlConfig,
    pub log: LogConfig,
    pub provisioning: ProvisioningConfig,
    pub stripe: StripeConfig,
    pub webhooks: WebhooksConfig,
    pub mail: MailConfig,
    pub scheduler: SchedulerConfig,
    pub cron: CronConfig,
    pub alerts: AlertsConfig,
    pub usage_check: UsageCheckConfig,
    pub api_products: ApiProductsConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AuthConfig {
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_days: u64,
    pub pending_login_ttl_secs: u64,
    pub invitation_ttl_days: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RateLimitConfig {
    /// Requests per minute per session, API token, or (anonymous) IP.
    pub per_minute: u32,
    /// Attempts per minute per IP at `login` and `verifyTwoFactor`.
    pub auth_per_minute: u32,
    /// Requests per minute per source on the machine-to-machine shims (Stripe
    /// webhooks, the signed bridge, tenant hosts): spec 002 §7's 100.
    pub webhooks_per_minute: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct GraphqlConfig {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_body_bytes: usize,
    /// How often a live subscription re-checks its credential; it ends once the
    /// session is signed out, revoked, deactivated or expired.
    pub subscription_recheck_secs: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: String,
    /// An `EnvFilter` directive; `RUST_LOG` wins when set.
    pub filter: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ProvisioningConfig {
    /// Which driver provisions orders: `simulated` (default) or `bridge`.
    pub driver: ProvisioningDriver,
    /// The pause between steps of the simulated provisioning driver, in ms.
    pub simulated_step_ms: u64,
    /// The slug of the registered bridge project whose `vendors/provision`
    /// builds tenant servers, when `driver = "bridge"`.
    pub bridge_project: Option<String>,
}

/// The provisioning drivers (`domain/orders/driver.rs`, `bridge_driver.rs`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProvisioningDriver {
    #[default]
    Simulated,
    Bridge,
}

impl Default for ProvisioningConfig {
    fn default() -> Self {
        Self { driver: ProvisioningDriver::Simulated, simulated_step_ms: 700, bridge_project: None }
    }
}

/// Stripe (docs/operations.md). Without `secret_key` every outbound call answers
/// `STRIPE_ERROR` "Stripe is not configured"; without `webhook_secret` the
/// webhook refuses events the same way (Stripe retries them later).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct StripeConfig {
    /// `sk_live_…` / `sk_test_…` (or a restricted `rk_…` key).
    pub secret_key: Option<SecretString>,
    /// `whsec_…`: verifies the `Stripe-Signature` of webhook events.
    pub webhook_secret: Option<SecretString>,
    /// Where the Stripe API is; tests point it at a local fake.
    pub api_base: String,
    /// Where Checkout sends the customer after paying; `{CHECKOUT_SESSION_ID}`
    /// is filled in by Stripe. Default: `{public_url}/billing?checkout=success`.
    pub success_url: Option<String>,
    /// Where Checkout sends the customer who gives up. Default: `{public_url}/billing?checkout=cancelled`.
    pub cancel_url: Option<String>,
    /// Where the billing portal's "return" link leads. Default: `{public_url}/billing`.
    pub portal_return_url: Option<String>,
}

impl Default for StripeConfig {
    fn default() -> Self {
        Self {
            secret_key: None,
            webhook_secret: None,
            api_base: "https://api.stripe.com/".into(),
            success_url: None,
            cancel_url: None,
            portal_return_url: None,
        }
    }
}

/// The outbound webhook outbox (tenant Safety Wrappers, spec 001 §8.2).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct WebhooksConfig {
    /// Run the delivery worker in this process (`hub serve`). Every replica may
    /// run one: a delivery is leased to one worker at a time.
    pub worker: bool,
    /// How often the worker looks for due deliveries when nothing woke it, in ms.
    pub poll_interval_ms: u64,
    /// Attempts per delivery before it is FAILED.
    pub max_attempts: u32,
    /// The first retry delay, in ms; later ones grow from it (30 s, 2 m, 10 m,
    /// 30 m, 1 h, 2 h, 4 h, 8 h, 8 h with the default), each ±20 % jitter.
    pub base_backoff_ms: u64,
    /// Disable an endpoint after this many deliveries in a row were FAILED.
    pub auto_disable_after: u32,
    /// Deliveries claimed and sent at once by one worker.
    pub batch_size: u32,
    /// How long a claimed delivery stays leased to its worker, in seconds;
    /// longer than one HTTP attempt (15 s), so a lease outlives its send.
    pub lease_secs: u64,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self {
            worker: true,
            poll_interval_ms: 5_000,
            max_attempts: 10,
            base_backoff_ms: 30_000,
            auto_disable_after: 5,
            batch_size: 16,
            lease_secs: 60,
        }
    }
}

/// Mail over SMTP (docs/operations.md). Without `smtp_url` mail is off: nothing
/// is queued and nobody is mailed.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MailConfig {
    /// `smtp://user:pass@host:587` (STARTTLS, required except to a loopback
    /// host) or `smtps://user:pass@host:465` (TLS from the first byte).
    pub smtp_url: Option<SecretString>,
    /// The `From` address, e.g. `Hub <hub@example.com>`.
    pub from: String,
    /// Run the mail worker in this process. Every replica may run one: a mail
    /// is leased to one worker at a time and an alert is claimed once.
    pub worker: bool,
    /// Within this many minutes a recipient gets one mail per alert type and subject.
    pub alert_cooldown_minutes: u64,
    /// How often the worker looks for due mail and unmailed alerts, in ms.
    pub poll_interval_ms: u64,
    /// Attempts per mail before it is FAILED.
    pub max_attempts: u32,
    /// The first retry delay in ms; later ones grow like the webhook outbox's.
    pub base_backoff_ms: u64,
    /// How long a claimed mail stays leased to its worker, in seconds (longer
    /// than one SMTP conversation, which times out after 30 s).
    pub lease_secs: u64,
}

impl MailConfig {
    /// Whether mail is configured at all.
    pub fn enabled(&self) -> bool {
        self.smtp_url.as_ref().is_some_and(|u| !u.expose().trim().is_empty())
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "Hub <hub@localhost>".into(),
            worker: true,
            alert_cooldown_minutes: 30,
            poll_interval_ms: 10_000,
            max_attempts: 8,
            base_backoff_ms: 30_000,
            lease_secs: 90,
        }
    }
}

/// The built-in scheduler of `hub serve` (jobs/scheduler.rs, docs/operations.md).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SchedulerConfig {
    /// Run the jobs on their schedules in this process. Every replica may: a
    /// tick runs once across replicas (the `job_runs` claim).
    pub enabled: bool,
    /// Per-job cron expressions (`sec min hour day month weekday`, UTC) that
    /// replace the defaults, by job name (`approval-expiry` or `approval_expiry`);
    /// `"off"` leaves a job to the cron route only.
    pub jobs: std::collections::BTreeMap<String, String>,
    /// `stats-cleanup` deletes telemetry, sync logs, finished webhook deliveries
    /// and job runs older than this many days.
    pub retention_days: u32,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self { enabled: true, jobs: Default::default(), retention_days: 90 }
    }
}

/// `POST /api/v1/cron/{job}` for external schedulers; off without a secret.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CronConfig {
    /// Sent as `Authorization: Bearer <secret>`.
    pub secret: Option<SecretString>,
}

/// When conditions become alerts.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AlertsConfig {
    /// How often tenant hosts heartbeat (spec 001 §6: every 5 minutes).
    pub tenant_heartbeat_secs: u64,
    /// A tenant that missed this many heartbeats is TENANT_OFFLINE (WARNING)…
    pub tenant_offline_after_missed: u32,
    /// …and CRITICAL after this many.
    pub tenant_critical_after_missed: u32,
    /// A child project silent this long is PROJECT_HEARTBEAT_STALE.
    pub project_stale_after_secs: u64,
    /// Disk usage (percent) at or over which a tenant server is STORAGE_QUOTA.
    pub storage_quota_percent: u32,
    /// Errors in one site telemetry report at or over which SITE_ERRORS is raised.
    pub site_errors_per_report: i64,
}

/// The API products' usage check (`POST /api/data`): group commit and key cache.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct UsageCheckConfig {
    /// The most checks decided in one transaction.
    pub max_batch: usize,
    /// Checks that may wait for a batch before callers wait to enqueue.
    pub queue_capacity: usize,
    /// How long a resolved key is trusted without a change event (a backstop:
    /// changes drop the cache on every replica at once).
    pub key_cache_secs: u64,
    /// The most keys (and unknown keys) remembered.
    pub key_cache_entries: u64,
}

impl Default for UsageCheckConfig {
    fn default() -> Self {
        Self { max_batch: 512, queue_capacity: 8192, key_cache_secs: 60, key_cache_entries: 100_000 }
    }
}

impl Default for AlertsConfig {
    fn default() -> Self {
        Self {
            tenant_heartbeat_secs: 300,
            tenant_offline_after_missed: 3,
            tenant_critical_after_missed: 12,
            project_stale_after_secs: 900,
            storage_quota_percent: 90,
            site_errors_per_report: 50,
        }
    }
}

/// API products (spec 003).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ApiProductsConfig {
    /// After `rotateApiKey`, the old secret keeps working this many hours.
    pub rotation_grace_hours: u32,
}

impl Default for ApiProductsConfig {
    fn default() -> Self {
        Self { rotation_grace_hours: 24 }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".parse().expect("valid default address"),
            database_url: SecretString::new("sqlite://./data/hub.db"),
            data_dir: PathBuf::from("./data"),
            spa_dir: PathBuf::from("./dist"),
            public_url: None,
            master_key: None,
            behind_proxy: false,
            cookie_secure: None,
            auth: AuthConfig {
                access_token_ttl_secs: 15 * 60,
                refresh_token_ttl_days: 30,
                pending_login_ttl_secs: 5 * 60,
                invitation_ttl_days: 7,
            },
            rate_limit: RateLimitConfig { per_minute: 60, auth_per_minute: 10, webhooks_per_minute: 100 },
            graphql: GraphqlConfig { max_depth: 12, max_complexity: 2_000, max_body_bytes: 256 * 1024, subscription_recheck_secs: 15 },
            log: LogConfig { format: "text".into(), filter: "info,sqlx=warn,sea_orm=warn".into() },
            provisioning: ProvisioningConfig::default(),
            stripe: StripeConfig::default(),
            webhooks: WebhooksConfig::default(),
            mail: MailConfig::default(),
            scheduler: SchedulerConfig::default(),
            cron: CronConfig::default(),
            alerts: AlertsConfig::default(),
            usage_check: UsageCheckConfig::default(),
            api_products: ApiProductsConfig::default(),
        }
    }
}

impl Config {
    /// Reads the layered configuration; `file` overrides `HUB_CONFIG`.
    pub fn load(file: Option<PathBuf>) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        let file = file.or_else(|| std::env::var_os("HUB_CONFIG").map(PathBuf::from));
        if let Some(path) = file {
            figment = figment.merge(Toml::file_exact(path));
        }
        figment = figment.merge(Env::prefixed("HUB_").ignore(&["CONFIG"]).split("__"));
        if let Ok(url) = std::env::var("DATABASE_URL") {
            figment = figment.merge(Serialized::default("database_url", url));
        }
        figment.extract().map_err(Box::new)
    }

    /// Whether the refresh cookie carries the Secure flag.
    pub fn secure_cookies(&self) -> bool {
        self.cookie_secure.unwrap_or_else(|| self.public_url.as_deref().is_some_and(|u| u.starts_with("https://")))
    }

    /// Hub's public address without a trailing slash, for links in mails and
    /// the pages Stripe sends people back to; `http://{bind}` when unset.
    pub fn public_base(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    pub fn is_postgres(&self) -> bool {
        let url = self.database_url.expose();
        url.starts_with("postgres://") || url.starts_with("postgresql://")
    }
}
