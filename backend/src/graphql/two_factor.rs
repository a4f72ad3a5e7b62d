//! TOTP set-up, confirmation, disabling and backup codes.

use async_graphql::{Context, Object};

use super::{
    context::ContextExt,
    error::GqlResultExt,
    types::{BackupCodes, TwoFactorSetup},
};
use crate::{auth::capability::ManageOwnSecurity, domain::identity::two_factor};

#[derive(Default)]
pub struct TwoFactorMutation;

#[Object]
impl TwoFactorMutation {
    /// Offers a new TOTP secret with its otpauth URI and QR code.
    async fn begin_two_factor_setup(&self, ctx: &Context<'_>) -> async_graphql::Result<TwoFactorSetup> {
        let cap = ctx.actor().grant::<ManageOwnSecurity>().gql()?;
        let offer = two_factor::begin_setup(ctx.services(), &cap).await.gql()?;
        Ok(TwoFactorSetup { secret: offer.secret, otpauth_uri: offer.otpauth_uri, qr_code_png: offer.qr_png_base64 })
    }

    /// Turns two-factor on with a current code; answers ten backup codes.
    async fn confirm_two_factor_setup(&self, ctx: &Context<'_>, code: String) -> async_graphql::Result<BackupCodes> {
        let cap = ctx.actor().grant::<ManageOwnSecurity>().gql()?;
        let codes = two_factor::confirm_setup(ctx.services(), &cap, &code, ctx.meta()).await.gql()?;
        Ok(BackupCodes { codes })
    }

    /// Turns two-factor off; needs a current TOTP code.
    async fn disable_two_factor(&self, ctx: &Context<'_>, code: String) -> async_graphql::Result<bool> {
        let cap = ctx.actor().grant::<ManageOwnSecurity>().gql()?;
        two_factor::disable(ctx.services(), &cap, &code, ctx.meta()).await.gql()?;
        Ok(true)
    }

    /// Replaces the backup codes with ten new ones.
    async fn regenerate_backup_codes(&self, ctx: &Context<'_>) -> async_graphql::Result<BackupCodes> {
        let cap = ctx.actor().grant::<ManageOwnSecurity>().gql()?;
        let codes = two_factor::regenerate_backup_codes(ctx.services(), &cap, ctx.meta()).await.gql()?;
        Ok(BackupCodes { codes })
    }
}
