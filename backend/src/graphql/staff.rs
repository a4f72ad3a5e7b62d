//! Staff members and invitations.

use async_graphql::{Context, InputObject, Object};
use uuid::Uuid;

use super::{
    connection::{paged, Paged},
    context::ContextExt,
    error::GqlResultExt,
    identity::signed_in,
    types::{AuthSession, Invitation, InvitationCreated, InvitationPreview, StaffRole, User},
};
use crate::{
    auth::capability::{ManageStaff, ReactivateStaff, RevokeInvitations, ViewStaff},
    domain::identity::{invitations, staff},
};

#[derive(InputObject)]
pub struct UpdateStaffInput {
    pub name: Option<String>,
    pub role: Option<StaffRole>,
}

#[derive(Default)]
pub struct StaffQuery;

#[Object]
impl StaffQuery {
    /// Staff accounts (ADMIN and above).
    async fn staff_members(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> async_graphql::Result<Paged<User>> {
        let cap = ctx.actor().grant::<ViewStaff>().gql()?;
        paged(first, after, |page| staff::list(ctx.services(), &cap, page)).await
    }

    /// Staff invitations, newest first (ADMIN and above).
    async fn invitations(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> async_graphql::Result<Paged<Invitation>> {
        let cap = ctx.actor().grant::<ViewStaff>().gql()?;
        paged(first, after, |page| invitations::list(ctx.services(), &cap, page)).await
    }

    /// An open invitation, looked up by its token (for the accept page).
    async fn invitation(&self, ctx: &Context<'_>, token: String) -> async_graphql::Result<InvitationPreview> {
        let inv = invitations::preview(ctx.services(), &token).await.gql()?;
        Ok(InvitationPreview { email: inv.email, role: inv.role.into(), expires_at: inv.expires_at })
    }
}

#[derive(Default)]
pub struct StaffMutation;

#[Object]
impl StaffMutation {
    /// Invites a person to join the staff with `role` (OWNER only). The token in
    /// the answer is shown once; the accept link is `/accept-invitation?token=…`.
    async fn invite_staff(&self, ctx: &Context<'_>, email: String, role: StaffRole) -> async_graphql::Result<InvitationCreated> {
        let cap = ctx.actor().grant::<ManageStaff>().gql()?;
        let (inv, token) = invitations::invite(ctx.services(), &cap, &email, role.into(), ctx.meta()).await.gql()?;
        Ok(InvitationCreated { invitation: inv.into(), token })
    }

    /// Accepts an invitation, choosing name and password; signs the new member in.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        token: String,
        name: String,
        password: String,
    ) -> async_graphql::Result<AuthSession> {
        let tokens = invitations::accept(ctx.services(), &token, &name, &password, ctx.meta()).await.gql()?;
        Ok(signed_in(ctx, tokens))
    }

    /// Changes a staff member's name or role (OWNER only).
    async fn update_staff(&self, ctx: &Context<'_>, id: Uuid, input: UpdateStaffInput) -> async_graphql::Result<User> {
        let cap = ctx.actor().grant::<ManageStaff>().gql()?;
        let changes = staff::StaffChanges { name: input.name, role: input.role.map(Into::into) };
        staff::update(ctx.services(), &cap, id, changes, ctx.meta()).await.map(Into::into).gql()
    }

    /// Deactivates a staff member; their sessions and tokens stop working at once (OWNER only).
    async fn deactivate_staff(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<User> {
        let cap = ctx.actor().grant::<ManageStaff>().gql()?;
        staff::deactivate(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }

    /// Revokes a pending invitation (ADMIN and above): its accept link stops
    /// working at once. Answers the revoked invitation; an accepted one is `CONFLICT`.
    async fn revoke_invitation(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Invitation> {
        let cap = ctx.actor().grant::<RevokeInvitations>().gql()?;
        invitations::revoke(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }

    /// Reactivates a deactivated staff member with their role (ADMIN and above;
    /// an OWNER's account only by an OWNER). They sign in again with their password.
    async fn reactivate_staff(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<User> {
        let cap = ctx.actor().grant::<ReactivateStaff>().gql()?;
        staff::reactivate(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }
}
