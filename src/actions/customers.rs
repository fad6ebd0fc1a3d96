//! A CSP organization's customers, managed by its admins and Admin agents.

use super::authorize;
use crate::domain::{Actor, FieldError, OrganizationId, Permission, required_text};
use crate::error::{Error, Result, Validator};
use crate::store::customers::Customer;
use crate::store::{Listing, Page, Store};
use time::OffsetDateTime;

/// The longest domain name (RFC 1035), in characters as sent.
pub const MAX_DOMAIN_CHARS: usize = 253;

/// A customer domain: lower case labels separated by dots, like `fabrikam.com`.
fn parse_domain(raw: &str) -> Result<String, FieldError> {
    crate::domain::at_most("domain", raw, MAX_DOMAIN_CHARS)?;
    let domain = raw.trim().trim_end_matches('.').to_lowercase();
    let valid = domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if domain.is_empty() {
        Err(FieldError::new("domain", "required"))
    } else if valid {
        Ok(domain)
    } else {
        Err(FieldError::new("domain", "invalid_domain"))
    }
}

async fn csp_organization(
    store: &Store,
    actor: &Actor,
    organization: OrganizationId,
) -> Result<()> {
    authorize(actor, Permission::ManageCustomers, Some(organization))?;
    let organization = store
        .organization(organization)
        .await?
        .ok_or(Error::NotFound)?;
    if !organization.csp {
        return Err(Error::NotCsp);
    }
    Ok(())
}

pub async fn create(
    store: &Store,
    actor: &Actor,
    organization: OrganizationId,
    name: &str,
    domain: &str,
    now: OffsetDateTime,
) -> Result<Customer> {
    csp_organization(store, actor, organization).await?;
    let mut checks = Validator::default();
    let name = checks.check(required_text("name", name, 200));
    let domain = checks.check(parse_domain(domain));
    checks.finish()?;
    let customer = store
        .insert_customer(
            organization,
            &name.unwrap_or_default(),
            &domain.unwrap_or_default(),
            now,
        )
        .await?;
    tracing::info!(actor = %actor.account_id, %organization, customer = customer.id, "customer added");
    Ok(customer)
}

pub async fn list(
    store: &Store,
    actor: &Actor,
    organization: OrganizationId,
    page: Page,
) -> Result<Listing<Customer>> {
    csp_organization(store, actor, organization).await?;
    store.customers_page(organization, page).await
}

/// One customer of the actor's own CSP organization.
pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<Customer> {
    let customer = store.customer(id).await?.ok_or(Error::NotFound)?;
    if !actor.sees_organization(customer.organization_id) {
        return Err(Error::NotFound);
    }
    csp_organization(store, actor, customer.organization_id).await?;
    Ok(customer)
}

#[cfg(test)]
mod tests {
    use super::parse_domain;

    #[test]
    fn domains_are_normalized_and_checked() {
        assert_eq!(parse_domain(" Fabrikam.COM. "), Ok("fabrikam.com".into()));
        for bad in ["fabrikam", "-a.com", "a..com", "a b.com", "a_b.com"] {
            assert!(parse_domain(bad).is_err(), "{bad}");
        }
    }
}
