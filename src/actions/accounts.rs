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
use crate::store::accounts::NewAccount;
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

pub async fn set_language(store: &Store, actor: &Actor, language: Language) -> Result<()> {
    store.set_language(actor.account_id, language).await
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
