//! Checkout sessions for API projects' end users (spec 003): a subscription to
//! a tier's price, or a one-off cart of products' prices (payment mode).

use std::collections::HashMap;

use stripe::RequestStrategy;
use stripe_checkout::{
    checkout_session::{CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionSubscriptionData},
    CheckoutSessionMode,
};

use super::{calls::Created, StripeApi};
use crate::error::AppError;

/// A hosted Checkout page for an API project's end user or buyer.
#[derive(Debug, Clone)]
pub struct ApiCheckoutSession {
    /// Subscription (one tier price) or a one-off cart.
    pub subscription: bool,
    /// `(price id, quantity)` per line.
    pub lines: Vec<(String, u64)>,
    /// The end user's Stripe customer, when they have one already.
    pub stripe_customer_id: Option<String>,
    pub customer_email: Option<String>,
    pub client_reference_id: Option<String>,
    pub success_url: String,
    pub cancel_url: String,
    /// Set on the session (and on the subscription it creates).
    pub metadata: HashMap<String, String>,
}

impl StripeApi {
    /// `POST /v1/checkout/sessions` for an API project.
    pub async fn create_api_checkout_session(&self, session: ApiCheckoutSession) -> Result<Created, AppError> {
        let lines: Vec<CreateCheckoutSessionLineItems> = session
            .lines
            .into_iter()
            .map(|(price, quantity)| CreateCheckoutSessionLineItems {
                price: Some(price),
                quantity: Some(quantity),
                ..CreateCheckoutSessionLineItems::new()
            })
            .collect();
        let mut request = CreateCheckoutSession::new()
            .mode(if session.subscription { CheckoutSessionMode::Subscription } else { CheckoutSessionMode::Payment })
            .line_items(lines)
            .metadata(session.metadata.clone())
            .success_url(session.success_url)
            .cancel_url(session.cancel_url);
        if session.subscription {
            let data =
                CreateCheckoutSessionSubscriptionData { metadata: Some(session.metadata), ..CreateCheckoutSessionSubscriptionData::new() };
            request = request.subscription_data(data);
        }
        if let Some(customer) = session.stripe_customer_id {
            request = request.customer(customer);
        } else if let Some(email) = session.customer_email {
            request = request.customer_email(email);
        }
        if let Some(reference) = session.client_reference_id {
            request = request.client_reference_id(reference);
        }
        self.send(&request, RequestStrategy::Once).await
    }
}
