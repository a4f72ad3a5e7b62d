//! The bridge provisioning driver: a registered child project builds the tenant
//! server. Which project is a setting of the installation
//! (`provisioning.bridge_project`), like the driver itself: an operator has one
//! builder, and every order goes to it. The order becomes a signed
//! `vendors/provision` call (logged OUTBOUND in the sync log); the child's
//! answer gives the server details, and any refusal becomes the failure reason.

use entity::{project, LogLevel};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use super::{
    driver::{ProvisionFailure, ProvisionRequest, Provisioner, RunFuture, ServerDetails},
    provisioning::JobLog,
    validate,
};
use crate::{
    domain::projects::vendors::{self, Provisioned},
    Services,
};

/// The SSH port assumed when the child does not name one.
pub const DEFAULT_SSH_PORT: i32 = 22;

/// Provisions through the `vendors/provision` endpoint of one bridge project.
#[derive(Clone)]
pub struct BridgeDriver {
    pub services: Services,
    /// The project's slug (`provisioning.bridge_project`); unset fails every run.
    pub project: Option<String>,
}

fn fail(message: impl Into<String>) -> ProvisionFailure {
    ProvisionFailure(message.into())
}

async fn note(log: &JobLog, level: LogLevel, message: String) -> Result<(), ProvisionFailure> {
    log.line(level, message).await.map_err(|e| fail(format!("could not write the log: {e}")))
}

/// `acme.example.com` → `acme-example-com`: the site slug children key telemetry on.
fn slug_of(domain: &str) -> String {
    let slug: String = domain.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).take(64).collect();
    slug.trim_matches('-').to_owned()
}

fn payload(request: &ProvisionRequest, customer: Value) -> Value {
    json!({
        "site_uuid": request.order_id,
        "site_slug": slug_of(&request.domain),
        "site_name": request.domain,
        "domain": request.domain,
        "order": { "id": request.order_id, "tier": request.tier, "tools": request.tools },
        "customer": customer,
    })
}

/// `server_ip` (required), `ssh_port` (22 when absent) and `dashboard_url` (else
/// `url`, else `https://{domain}`) from the child's answer, each checked.
fn server_details(request: &ProvisionRequest, done: &Provisioned) -> Result<ServerDetails, ProvisionFailure> {
    let bad = |field: &str, why: &str| fail(format!("the child's answer is unusable: {field} {why}"));
    let ip = vendors::data_text(done, "server_ip").ok_or_else(|| bad("server_ip", "is missing"))?;
    let server_ip = validate::ip("server_ip", &ip).map_err(|e| bad("server_ip", &e.message))?;
    let ssh_port = match done.data.get("ssh_port") {
        None | Some(Value::Null) => DEFAULT_SSH_PORT,
        Some(port) => {
            let port = port.as_i64().and_then(|p| i32::try_from(p).ok()).unwrap_or(0);
            validate::port("ssh_port", port).map_err(|e| bad("ssh_port", &e.message))?
        }
    };
    let url =
        vendors::data_text(done, "dashboard_url").or_else(|| done.url.clone()).unwrap_or_else(|| format!("https://{}", request.domain));
    let dashboard_url = validate::http_url("dashboard_url", &url).map_err(|e| bad("dashboard_url", &e.message))?;
    Ok(ServerDetails { server_ip, ssh_port, dashboard_url })
}

impl BridgeDriver {
    async fn project(&self) -> Result<project::Model, ProvisionFailure> {
        let slug = self.project.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let slug = slug.ok_or_else(|| fail("the bridge driver has no project: set provisioning.bridge_project"))?;
        let found = project::Entity::find().filter(project::Column::Slug.eq(slug)).one(&self.services.db).await;
        let found = found.map_err(|e| fail(format!("could not read the bridge project: {e}")))?;
        found.ok_or_else(|| fail(format!("the bridge project {slug} is not registered")))
    }

    async fn provision(&self, request: &ProvisionRequest, log: &JobLog) -> Result<ServerDetails, ProvisionFailure> {
        let project = self.project().await?;
        let customer = vendors::customer_block(&self.services, request.customer_id).await;
        let customer = customer.map_err(|e| fail(format!("could not read the customer: {e}")))?;
        note(log, LogLevel::Info, format!("Asking {} ({}) to provision {}", project.slug, project.base_url, request.domain)).await?;
        let done = vendors::provision(&self.services, &project, &payload(request, customer)).await;
        let done = done.map_err(|e| fail(format!("{} could not provision {}: {}", project.slug, request.domain, e.message)))?;
        note(log, LogLevel::Info, format!("{} answered HTTP {} in {} ms", project.slug, done.status, done.latency_ms)).await?;
        if let (Some(vendor), Some(site)) = (done.vendor_id, done.site_id) {
            note(log, LogLevel::Info, format!("Vendor {vendor}, site {site} created")).await?;
        }
        let server = server_details(request, &done)?;
        note(log, LogLevel::Info, format!("Server at {}, SSH port {}", server.server_ip, server.ssh_port)).await?;
        Ok(server)
    }
}

impl Provisioner for BridgeDriver {
    fn name(&self) -> &'static str {
        "bridge"
    }

    fn run<'a>(&'a self, request: &'a ProvisionRequest, log: &'a JobLog) -> RunFuture<'a> {
        Box::pin(self.provision(request, log))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> ProvisionRequest {
        ProvisionRequest {
            order_id: uuid::Uuid::nil(),
            customer_id: uuid::Uuid::nil(),
            tier: "Build".into(),
            domain: "acme.example.com".into(),
            tools: vec![],
        }
    }

    fn answer(data: Value) -> Provisioned {
        vendors::read_answer(200, 1, &json!({ "success": true, "data": data }))
    }

    #[test]
    fn slugs_follow_the_domain() {
        assert_eq!(slug_of("Acme.Example.com."), "acme-example-com");
    }

    #[test]
    fn the_answer_gives_the_server_details_with_defaults() {
        let server = server_details(&request(), &answer(json!({ "server_ip": "203.0.113.7" }))).unwrap();
        assert_eq!(
            server,
            ServerDetails { server_ip: "203.0.113.7".into(), ssh_port: 22, dashboard_url: "https://acme.example.com".into() }
        );
        let data = json!({ "server_ip": "203.0.113.7", "ssh_port": 2222, "url": "https://acme.shop.example" });
        assert_eq!(server_details(&request(), &answer(data)).unwrap().dashboard_url, "https://acme.shop.example");
    }

    #[test]
    fn an_unusable_answer_fails_with_the_field() {
        let missing = server_details(&request(), &answer(json!({}))).unwrap_err();
        assert_eq!(missing.0, "the child's answer is unusable: server_ip is missing");
        let port = server_details(&request(), &answer(json!({ "server_ip": "203.0.113.7", "ssh_port": 70000 }))).unwrap_err();
        assert!(port.0.starts_with("the child's answer is unusable: ssh_port"), "{}", port.0);
    }
}
