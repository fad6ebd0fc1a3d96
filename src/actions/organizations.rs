//! Organizations: operators create and list them; members read their own.

use super::authorize;
use crate::domain::organization::{Organization, parse_partner_id};
use crate::domain::{Actor, FieldError, OrganizationId, Permission, required_text};
use crate::error::{Error, Result, Validator};
use crate::store::organizations::NewOrganization;
use crate::store::{Listing, Page, Store};
use time::OffsetDateTime;

/// What a new organization is made of, as the API and the console send it.
pub struct OrganizationInput {
    pub name: String,
    /// `Some` enrolls the organization in the partner network with this partner ID.
    pub partner_id: Option<String>,
    pub csp: bool,
}

pub async fn create(
    store: &Store,
    actor: &Actor,
    input: OrganizationInput,
    now: OffsetDateTime,
) -> Result<Organization> {
    authorize(actor, Permission::ManageOrganizations, None)?;
    let mut checks = Validator::default();
    let name = checks.check(required_text("name", &input.name, 200));
    let partner_id = match input.partner_id.as_deref() {
        Some(raw) => checks.check(parse_partner_id("partner_id", raw)).map(Some),
        None => Some(None),
    };
    if input.partner_id.is_none() && !input.csp {
        checks.push(FieldError::new("partner_id", "enrollment_required"));
    }
    checks.finish()?;
    let new = NewOrganization {
        name: name.unwrap_or_default(),
        partner_id: partner_id.flatten(),
        csp: input.csp,
    };
    let organization = store.insert_organization(&new, now).await?;
    tracing::info!(actor = %actor.account_id, organization = %organization.id, "organization created");
    Ok(organization)
}

/// One organization, for its own accounts and operators; `not_found` for anyone else.
pub async fn get(store: &Store, actor: &Actor, id: OrganizationId) -> Result<Organization> {
    authorize(actor, Permission::ViewOrganization, Some(id))?;
    store.organization(id).await?.ok_or(Error::NotFound)
}

pub async fn list(store: &Store, actor: &Actor, page: Page) -> Result<Listing<Organization>> {
    authorize(actor, Permission::ManageOrganizations, None)?;
    store.organizations(page).await
}
