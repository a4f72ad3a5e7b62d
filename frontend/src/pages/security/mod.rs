//! /security: the signed-in user's two-factor settings, password and API
//! tokens. (E-mail notifications live on /preferences.)
//!
//! The 2FA state is read fresh with `me` rather than taken from the session,
//! because another tab (or an admin) may have changed it since sign-in.

mod api_tokens;
mod password;
mod two_factor;

use crate::auth::use_auth;
use crate::error::ApiError;
use crate::gql::{me, Me};
use crate::model::CurrentUser;
use api_tokens::ApiTokensSection;
use leptos::prelude::*;
use password::PasswordSection;
use two_factor::TwoFactorSection;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let auth = use_auth();
    let me = LocalResource::new(move || async move {
        let user: CurrentUser = auth.call::<Me>(me::Variables).await?.me.into();
        let fresh = user.clone();
        auth.update_user(move |u| *u = fresh);
        Ok::<_, ApiError>(user)
    });

    view! {
        <h1>"Security"</h1>
        <section class="card" aria-labelledby="two-factor-title">
            <h2 id="two-factor-title">"Two-factor authentication"</h2>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
                <ErrorBoundary fallback=|errors| {
                    view! {
                        <p class="alert" role="alert">
                            {move || {
                                errors.get().into_iter().next()
                                    .map(|(_, e)| e.to_string())
                                    .unwrap_or_default()
                            }}
                        </p>
                    }
                }>
                    {move || Suspend::new(async move {
                        let user = me.await?;
                        Ok::<_, ApiError>(view! { <TwoFactorSection enabled=user.two_factor_enabled/> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
        <PasswordSection/>
        <ApiTokensSection/>
    }
}
