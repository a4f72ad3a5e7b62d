//! Provisioning drivers. A driver turns an order into a running server and
//! reports progress line by line; the built-in *simulated* driver walks through
//! realistic steps without touching anything; the *bridge* driver
//! (`bridge_driver.rs`) asks a registered child project to build the server.

use std::{future::Future, pin::Pin, time::Duration};

use entity::LogLevel;

use super::provisioning::JobLog;

/// What a driver is asked to build.
#[derive(Debug, Clone)]
pub struct ProvisionRequest {
    pub order_id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub tier: String,
    pub domain: String,
    pub tools: Vec<String>,
}

/// Where the built server can be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerDetails {
    pub server_ip: String,
    pub ssh_port: i32,
    pub dashboard_url: String,
}

/// Why a run failed, in words fit for staff (it becomes the order's failure reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionFailure(pub String);

pub type RunFuture<'a> = Pin<Box<dyn Future<Output = Result<ServerDetails, ProvisionFailure>> + Send + 'a>>;

/// A way of provisioning servers. Object-safe so the driver can be chosen at run time.
pub trait Provisioner: Send + Sync {
    /// Stored on the job (`provisioning_jobs.driver`).
    fn name(&self) -> &'static str;
    /// Builds the server, writing progress to `log`.
    fn run<'a>(&'a self, request: &'a ProvisionRequest, log: &'a JobLog) -> RunFuture<'a>;
}

/// Pretends to provision, one log line per step after `step` each. Domains under
/// `.invalid` (RFC 2606) fail at the DNS step, so failures can be exercised.
#[derive(Debug, Clone)]
pub struct SimulatedDriver {
    pub step: Duration,
}

impl Provisioner for SimulatedDriver {
    fn name(&self) -> &'static str {
        "simulated"
    }

    fn run<'a>(&'a self, request: &'a ProvisionRequest, log: &'a JobLog) -> RunFuture<'a> {
        Box::pin(async move {
            let ip = simulated_ip(request.order_id);
            let step = move |message: String| async move {
                tokio::time::sleep(self.step).await;
                log.line(LogLevel::Info, message).await.map_err(|e| ProvisionFailure(format!("could not write the log: {e}")))
            };
            step(format!("Allocating a server for {}", request.domain)).await?;
            step(format!("Server allocated at {ip}")).await?;
            step(format!("Configuring DNS: A {} → {ip}", request.domain)).await?;
            if request.domain.ends_with(".invalid") {
                return Err(ProvisionFailure(format!("DNS configuration failed: {} cannot be resolved", request.domain)));
            }
            step("Installing Docker".into()).await?;
            for tool in &request.tools {
                step(format!("Deploying {tool}")).await?;
            }
            step("Registering the agents host".into()).await?;
            step(format!("Health check passed for https://{}", request.domain)).await?;
            Ok(ServerDetails { server_ip: ip, ssh_port: 22_022, dashboard_url: format!("https://{}", request.domain) })
        })
    }
}

/// An address from TEST-NET-1 (192.0.2.0/24, RFC 5737), stable per order.
fn simulated_ip(order_id: uuid::Uuid) -> String {
    let host = 1 + order_id.as_bytes()[15] % 254;
    format!("192.0.2.{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulated_addresses_are_documentation_addresses() {
        for _ in 0..100 {
            let ip: std::net::Ipv4Addr = simulated_ip(uuid::Uuid::new_v4()).parse().unwrap();
            assert_eq!(ip.octets()[..3], [192, 0, 2]);
            assert!((1..=254).contains(&ip.octets()[3]));
        }
    }
}
