//! Accounts: operators create any; organization admins create and manage their own
//! organization's; everyone manages their own language.

use super::{authorize, blocking};
use crate::domain::account::{Account, validate_password};
use crate::domain::{
    AccountId, AccountKind, Actor, Email, FieldError, Language, OrganizationId, Permission, Role,
    required_text,
};
use crate::error::{Error, Result, Validator};
use crate::secrets;
use crate::store::accounts::{NewAccount, Removal};
use crate::store::{Listing, Page, Store};
use time::OffsetDateTime;

/// A new account as the API and the console send it.
pub struct AccountInput {
    pub email: String,
    pub display_name: String,
    pub kind: AccountKind,
    pub password: String,
    pub organization_id: Option<OrganizationId>,
    pub roles: Vec<Role>,
    pub language: Option<Language>,
}

pub async fn create(
    store: &Store,
    actor: &Actor,
    input: AccountInput,
    now: OffsetDateTime,
) -> Result<Account> {
    authorize(actor, Permission::ManageAccounts, input.organization_id)?;
    let mut checks = Validator::default();
    let email = checks.check(Email::parse("email", &input.email));
    let display_name = checks.check(required_text("display_name", &input.display_name, 200));
    checks.check(validate_password("password", &input.password));
    check_roles(&mut checks, actor, input.organization_id, &input.roles);
    if let Some(org) = input.organization_id
        && store.organization(org).await?.is_none()
    {
        checks.push(FieldError::new("organization_id", "unknown_organization"));
    }
    checks.finish()?;
    let password = input.password;
    let password_hash = blocking(move || secrets::hash_password(&password)).await??;
    let mut roles = input.roles;
    roles.sort();
    roles.dedup();
    let new = NewAccount {
        email: email.unwrap_or_else(|| Email::from_stored(String::new())),
        display_name: display_name.unwrap_or_default(),
        kind: input.kind,
        password_hash,
        language: input.language,
        organization_id: input.organization_id,
        roles,
    };
    let id = store.insert_account(&new, now).await?;
    tracing::info!(actor = %actor.account_id, account = %id, "account created");
    store.account(id).await?.ok_or(Error::NotFound)
}

/// At most one of each role; organization roles need an organization; only operators hand out the operator role.
fn check_roles(
    checks: &mut Validator,
    actor: &Actor,
    organization: Option<OrganizationId>,
    roles: &[Role],
) {
    if roles.len() > Role::COUNT {
        checks.push(FieldError::new("roles", "too_many_roles"));
    }
    if roles.iter().any(|role| role.is_organization_role()) && organization.is_none() {
        checks.push(FieldError::new("roles", "role_requires_organization"));
    }
    if roles.contains(&Role::Operator) && !actor.is_operator() {
        checks.push(FieldError::new("roles", "operator_role_reserved"));
    }
}

/// One account: the account itself, operators, and its organization's admins.
pub async fn get(store: &Store, actor: &Actor, id: AccountId) -> Result<Account> {
    let account = store.account(id).await?.ok_or(Error::NotFound)?;
    if account.id == actor.account_id {
        return Ok(account);
    }
    visible_for_management(actor, &account)?;
    Ok(account)
}

fn visible_for_management(actor: &Actor, account: &Account) -> Result<()> {
    if actor.is_operator() {
        return Ok(());
    }
    match account.organization_id {
        Some(org) if actor.organization_id == Some(org) => {
            authorize(actor, Permission::ManageAccounts, Some(org))
        }
        _ => Err(Error::NotFound),
    }
}

/// Accounts: all of them for operators (optionally one organization's), else the actor's
/// own organization's for its admins.
pub async fn list(
    store: &Store,
    actor: &Actor,
    organization: Option<OrganizationId>,
    page: Page,
) -> Result<Listing<Account>> {
    let scope = if actor.is_operator() {
        organization
    } else {
        let own = actor
            .organization_id
            .ok_or_else(|| Error::forbidden(Permission::ManageAccounts))?;
        if organization.is_some_and(|org| org != own) {
            return Err(Error::NotFound);
        }
        authorize(actor, Permission::ManageAccounts, Some(own))?;
        Some(own)
    };
    store.accounts(scope, page).await
}

/// Replaces an account's roles.
pub async fn set_roles(
    store: &Store,
    actor: &Actor,
    id: AccountId,
    roles: Vec<Role>,
) -> Result<Account> {
    let account = store.account(id).await?.ok_or(Error::NotFound)?;
    visible_for_management(actor, &account)?;
    let mut checks = Validator::default();
    check_roles(&mut checks, actor, account.organization_id, &roles);
    // An organization admin may not take the operator role away from anyone either.
    if !actor.is_operator() && account.roles.contains(&Role::Operator) {
        checks.push(FieldError::new("roles", "operator_role_reserved"));
    }
    checks.finish()?;
    let mut roles = roles;
    roles.sort();
    roles.dedup();
    let entry = crate::store::audit::AuditEntry::new(
        Some(actor.account_id.0),
        "account.roles_changed",
        format!("account:{id}"),
        serde_json::json!({"from": account.roles, "to": roles}),
    );
    store
        .set_roles(id, &roles, &entry, time::OffsetDateTime::now_utc())
        .await?;
    tracing::info!(actor = %actor.account_id, account = %id, roles = ?roles, "roles changed");
    store.account(id).await?.ok_or(Error::NotFound)
}

/// An account taken out of its organization, and what it lost.
pub struct Removed {
    /// The account as it is now: no organization, no organization roles.
    pub account: Account,
    pub organization: OrganizationId,
    pub removal: Removal,
}

/// Takes an account out of `organization` (operators, and the organization's Global admins
/// and Partner admins): it keeps signing in as an account of no organization, loses its
/// organization roles and its links to the organization's contracts. Never the organization's
/// last Global admin (`last_global_admin`); an account of another organization is `not_found`.
pub async fn remove_from_organization(
    store: &Store,
    actor: &Actor,
    organization: OrganizationId,
    id: AccountId,
    now: OffsetDateTime,
) -> Result<Removed> {
    authorize(actor, Permission::ManageAccounts, Some(organization))?;
    let account = store.account(id).await?.ok_or(Error::NotFound)?;
    if account.organization_id != Some(organization) {
        return Err(Error::NotFound);
    }
    let entry = crate::store::audit::AuditEntry::new(
        Some(actor.account_id.0),
        "account.removed_from_organization",
        format!("account:{id}"),
        serde_json::json!({"organization": organization.0}),
    );
    let removal = store
        .remove_from_organization(id, organization, actor.account_id, &entry, now)
        .await?;
    tracing::info!(actor = %actor.account_id, account = %id, organization = %organization, "account removed from organization");
    let account = store.account(id).await?.ok_or(Error::NotFound)?;
    Ok(Removed {
        account,
        organization,
        removal,
    })
}

/// What removing `id` from its organization would do, for the page that asks first: the
/// account, the organization and the Contract IDs of the organization's contracts it holds
/// links to. Refused exactly as [`remove_from_organization`] would be, the last Global admin
/// included, so the question is never asked for a removal that cannot happen.
pub async fn removal_preview(
    store: &Store,
    actor: &Actor,
    id: AccountId,
) -> Result<(Account, OrganizationId, Vec<String>)> {
    let account = store.account(id).await?.ok_or(Error::NotFound)?;
    let organization = account.organization_id.ok_or(Error::NotFound)?;
    authorize(actor, Permission::ManageAccounts, Some(organization))?;
    if account.roles.contains(&Role::GlobalAdmin) {
        let admins = store.global_admins(organization).await?;
        if admins <= 1 {
            return Err(Error::LastGlobalAdmin);
        }
    }
    let contracts = store
        .linked_contracts(id)
        .await?
        .into_iter()
        .filter(|linked| linked.contract.organization_id == organization)
        .map(|linked| linked.contract.contract_id.to_string())
        .collect();
    Ok((account, organization, contracts))
}

pub async fn set_language(store: &Store, actor: &Actor, language: Language) -> Result<()> {
    store.set_language(actor.account_id, language).await
}

/// Saves the time zone the account reads times in (an IANA name such as `Europe/Rome`, stored
/// by its canonical name); `None` or an empty name goes back to the browser's.
pub async fn set_time_zone(store: &Store, actor: &Actor, name: Option<&str>) -> Result<()> {
    let name = match name.map(str::trim).filter(|name| !name.is_empty()) {
        // The longest IANA name is 32 characters; the API documents 64.
        Some(name) if name.chars().count() > 64 => {
            return Err(Error::field("time_zone", "too_long"));
        }
        Some(name) => Some(
            crate::domain::account::time_zone(name)
                .ok_or_else(|| Error::field("time_zone", "unknown_time_zone"))?
                .0,
        ),
        None => None,
    };
    store.set_time_zone(actor.account_id, name.as_deref()).await
}

/// Bootstraps an operator from the command line (no actor yet).
pub async fn create_operator(
    store: &Store,
    email: &str,
    password: &str,
    now: OffsetDateTime,
) -> Result<Account> {
    let mut checks = Validator::default();
    let email = checks.check(Email::parse("email", email));
    checks.check(validate_password("password", password));
    checks.finish()?;
    let email = email.unwrap_or_else(|| Email::from_stored(String::new()));
    let password = password.to_owned();
    let password_hash = blocking(move || secrets::hash_password(&password)).await??;
    let display_name = email
        .as_str()
        .split('@')
        .next()
        .unwrap_or_default()
        .to_owned();
    let new = NewAccount {
        email,
        display_name,
        kind: AccountKind::Work,
        password_hash,
        language: None,
        organization_id: None,
        roles: vec![Role::Operator],
    };
    let id = store.insert_account(&new, now).await?;
    store.account(id).await?.ok_or(Error::NotFound)
}
