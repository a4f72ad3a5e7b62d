//! The Stripe API calls Hub makes, each as an async-stripe request builder
//! (form encoding, auth and API version come from the SDK) with a lenient answer.

use std::{collections::HashMap, str::FromStr};

use serde::Deserialize;
use stripe::RequestStrategy;
use stripe_billing::{
    billing_portal_session::CreateBillingPortalSession,
    invoice::{CreateInvoice, FinalizeInvoiceInvoice},
    invoice_item::CreateInvoiceItem,
    subscription::UpdateSubscription,
};
use stripe_checkout::{
    checkout_session::{CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionSubscriptionData},
    CheckoutSessionMode,
};
use stripe_core::customer::CreateCustomer;
use stripe_types::Currency;
use uuid::Uuid;

use super::{idempotent, StripeApi};
use crate::error::AppError;

/// An object Stripe created: its id and, for sessions, the URL to send a person to.
#[derive(Debug, Clone, Deserialize)]
pub struct Created {
    pub id: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// A Checkout session in subscription mode for one price.
#[derive(Debug, Clone)]
pub struct NewCheckout {
    pub stripe_customer_id: String,
    pub price_id: String,
    pub success_url: String,
    pub cancel_url: String,
    /// Hub's customer id; comes back as the session's `client_reference_id`.
    pub customer_id: Uuid,
    /// Set on the session and on the subscription it creates.
    pub metadata: HashMap<String, String>,
}

/// One line of an invoice Hub bills (usage overage, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    pub description: String,
    pub amount_minor: i64,
    /// ISO 4217, lower case.
    pub currency: String,
}

/// What Hub keeps of an invoice Stripe answered with.
#[derive(Debug, Clone, Deserialize)]
pub struct InvoiceAnswer {
    pub id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub amount_due: i64,
    #[serde(default)]
    pub amount_paid: i64,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub period_start: Option<i64>,
    #[serde(default)]
    pub period_end: Option<i64>,
    #[serde(default)]
    pub hosted_invoice_url: Option<String>,
}

impl StripeApi {
    /// `POST /v1/customers`. Idempotent per Hub customer, so a retried or
    /// concurrent call yields the same Stripe customer.
    pub async fn create_customer(&self, customer_id: Uuid, email: &str, name: &str) -> Result<String, AppError> {
        let metadata = HashMap::from([("hub_customer_id".to_owned(), customer_id.to_string())]);
        let request = CreateCustomer::new().email(email).name(name).metadata(metadata);
        let created: Created = self.send(&request, idempotent(&format!("hub-customer-{customer_id}"))).await?;
        Ok(created.id)
    }

    /// `POST /v1/checkout/sessions`: a hosted Checkout page for one subscription.
    pub async fn create_checkout_session(&self, checkout: NewCheckout) -> Result<Created, AppError> {
        let line =
            CreateCheckoutSessionLineItems { price: Some(checkout.price_id), quantity: Some(1), ..CreateCheckoutSessionLineItems::new() };
        let subscription_data = CreateCheckoutSessionSubscriptionData {
            metadata: Some(checkout.metadata.clone()),
            ..CreateCheckoutSessionSubscriptionData::new()
        };
        let request = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Subscription)
            .customer(checkout.stripe_customer_id)
            .client_reference_id(checkout.customer_id.to_string())
            .line_items(vec![line])
            .metadata(checkout.metadata)
            .subscription_data(subscription_data)
            .success_url(checkout.success_url)
            .cancel_url(checkout.cancel_url);
        self.send(&request, RequestStrategy::Once).await
    }

    /// `POST /v1/billing_portal/sessions`: the URL of the customer's billing portal.
    pub async fn create_portal_session(&self, stripe_customer_id: &str, return_url: &str) -> Result<Created, AppError> {
        let request = CreateBillingPortalSession::new().customer(stripe_customer_id).return_url(return_url);
        self.send(&request, RequestStrategy::Once).await
    }

    /// `POST /v1/subscriptions/{id}` with `cancel_at_period_end=true`.
    pub async fn cancel_at_period_end(&self, stripe_subscription_id: &str) -> Result<Created, AppError> {
        let request = UpdateSubscription::new(stripe_subscription_id).cancel_at_period_end(true);
        self.send(&request, idempotent(&format!("hub-cancel-{stripe_subscription_id}"))).await
    }

    /// Creates an invoice, adds `lines` to it and finalizes it (Stripe then
    /// collects it). Every step is idempotent under `key`, so calling again with
    /// the same key after a failure finishes the same invoice instead of
    /// billing twice.
    pub async fn bill(&self, stripe_customer_id: &str, lines: &[InvoiceLine], key: &str) -> Result<InvoiceAnswer, AppError> {
        let metadata = HashMap::from([("hub_billing_key".to_owned(), key.to_owned())]);
        let request = CreateInvoice::new().customer(stripe_customer_id).auto_advance(true).metadata(metadata);
        let invoice: Created = self.send(&request, idempotent(&format!("{key}:invoice"))).await?;
        for (n, line) in lines.iter().enumerate() {
            let currency = Currency::from_str(&line.currency).unwrap_or(Currency::EUR);
            let item = CreateInvoiceItem::new()
                .customer(stripe_customer_id)
                .invoice(invoice.id.as_str())
                .amount(line.amount_minor)
                .currency(currency)
                .description(line.description.as_str());
            let _: Created = self.send(&item, idempotent(&format!("{key}:item:{n}"))).await?;
        }
        let finalize = FinalizeInvoiceInvoice::new(invoice.id.as_str());
        self.send(&finalize, idempotent(&format!("{key}:finalize"))).await
    }
}
