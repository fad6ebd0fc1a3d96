//! Memberships: operators add, end, remove and import them; an organization's accounts read
//! their own.

use super::authorize;
use crate::domain::csv_import::parse_memberships_csv;
use crate::domain::membership::{Competency, Membership, MembershipInput, validate};
use crate::domain::{Actor, OrganizationId, Permission};
use crate::error::{Error, Result};
use crate::store::{Listing, Page, Store};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};

pub async fn competencies(store: &Store) -> Result<Vec<Competency>> {
    store.competencies().await
}

pub async fn list(
    store: &Store,
    actor: &Actor,
    organization: OrganizationId,
    page: Page,
) -> Result<Listing<Membership>> {
    authorize(actor, Permission::ViewBenefits, Some(organization))?;
    store
        .organization(organization)
        .await?
        .ok_or(Error::NotFound)?;
    store.memberships_page(organization, page).await
}

pub async fn add(
    store: &Store,
    actor: &Actor,
    organization: OrganizationId,
    input: &MembershipInput,
    now: OffsetDateTime,
) -> Result<Membership> {
    authorize(actor, Permission::ManageOrganizations, None)?;
    store
        .organization(organization)
        .await?
        .ok_or(Error::NotFound)?;
    let competencies = store.competencies().await?;
    let valid = validate(input, &competencies).map_err(Error::InvalidInput)?;
    let membership = store
        .insert_membership(organization, &valid, Some(actor.account_id.0), now)
        .await?;
    tracing::info!(actor = %actor.account_id, %organization, membership = membership.id, "membership added");
    Ok(membership)
}

/// Sets a membership's last day (inclusive); it cannot end before it starts.
pub async fn end(
    store: &Store,
    actor: &Actor,
    organization: OrganizationId,
    id: i64,
    end: &str,
) -> Result<Membership> {
    authorize(actor, Permission::ManageOrganizations, None)?;
    let membership = store
        .membership(organization, id)
        .await?
        .ok_or(Error::NotFound)?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let end = Date::parse(end.trim(), &format).map_err(|_| Error::field("end", "invalid_date"))?;
    if end < membership.start {
        return Err(Error::field("end", "end_before_start"));
    }
    store
        .end_membership(
            organization,
            id,
            end,
            Some(actor.account_id.0),
            OffsetDateTime::now_utc(),
        )
        .await?;
    tracing::info!(actor = %actor.account_id, %organization, membership = id, %end, "membership ended");
    store
        .membership(organization, id)
        .await?
        .ok_or(Error::NotFound)
}

/// One membership of an organization, as the operators see it.
pub async fn get(
    store: &Store,
    actor: &Actor,
    organization: OrganizationId,
    id: i64,
) -> Result<Membership> {
    authorize(actor, Permission::ManageOrganizations, None)?;
    store
        .membership(organization, id)
        .await?
        .ok_or(Error::NotFound)
}

/// Removes a membership entered by mistake; one that an activation came from can only end.
pub async fn remove(
    store: &Store,
    actor: &Actor,
    organization: OrganizationId,
    id: i64,
) -> Result<()> {
    authorize(actor, Permission::ManageOrganizations, None)?;
    store
        .membership(organization, id)
        .await?
        .ok_or(Error::NotFound)?;
    if store
        .delete_membership(
            organization,
            id,
            Some(actor.account_id.0),
            OffsetDateTime::now_utc(),
        )
        .await?
    {
        tracing::info!(actor = %actor.account_id, %organization, membership = id, "membership removed");
        Ok(())
    } else {
        Err(Error::MembershipInUse)
    }
}

/// Checks a whole CSV file, partner IDs included, then imports every row in one transaction,
/// or none with the report of every problem. `progress` is told the line checked and the
/// file's number of lines.
pub async fn import(
    store: &Store,
    actor: &Actor,
    csv: &str,
    now: OffsetDateTime,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<usize> {
    authorize(actor, Permission::ManageOrganizations, None)?;
    let competencies = store.competencies().await?;
    // One query and a map, so each row's partner ID is found in constant time.
    let organizations: HashMap<String, OrganizationId> = store
        .organization_ids_by_partner_id()
        .await?
        .into_iter()
        .collect();
    let rows = parse_memberships_csv(csv, &competencies, &organizations, progress)
        .map_err(Error::ImportRejected)?;
    let rows: Vec<_> = rows
        .into_iter()
        .map(|row| (row.organization, row.membership))
        .collect();
    let count = store
        .insert_memberships(&rows, Some(actor.account_id.0), now)
        .await?;
    tracing::info!(actor = %actor.account_id, count, "memberships imported");
    Ok(count)
}
