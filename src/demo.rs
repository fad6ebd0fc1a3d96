//! Demo data: organizations in each program, accounts with every role and both kinds.
//! Loading is idempotent: what already exists (by email or partner ID) is left alone.

use crate::domain::{AccountKind, Email, OrganizationId, Role};
use crate::error::{Error, Result};
use crate::secrets;
use crate::store::Store;
use crate::store::accounts::NewAccount;
use crate::store::organizations::NewOrganization;
use time::OffsetDateTime;

/// The password of every demo account; printed when the demo loads.
pub const DEMO_PASSWORD: &str = "sportello-demo";

struct DemoOrganization {
    name: &'static str,
    partner_id: Option<&'static str>,
    csp: bool,
}

const ORGANIZATIONS: &[DemoOrganization] = &[
    DemoOrganization {
        name: "Northwind Traders (Action Pack)",
        partner_id: Some("1000101"),
        csp: false,
    },
    DemoOrganization {
        name: "Fabrikam (Silver, cloud)",
        partner_id: Some("1000202"),
        csp: false,
    },
    DemoOrganization {
        name: "Tailspin Toys (Silver, data center)",
        partner_id: Some("1000303"),
        csp: false,
    },
    DemoOrganization {
        name: "Contoso (Gold, cloud)",
        partner_id: Some("1000404"),
        csp: false,
    },
    DemoOrganization {
        name: "Wingtip (Gold, data platform)",
        partner_id: Some("1000505"),
        csp: false,
    },
    DemoOrganization {
        name: "Adatum Cloud Reseller (CSP only)",
        partner_id: None,
        csp: true,
    },
    DemoOrganization {
        name: "Litware (partner network and CSP)",
        partner_id: Some("1000707"),
        csp: true,
    },
];

/// A demo account: email, display name, kind, index into [`ORGANIZATIONS`], roles.
type DemoAccount = (
    &'static str,
    &'static str,
    AccountKind,
    Option<usize>,
    &'static [Role],
);

const ACCOUNTS: &[DemoAccount] = &[
    (
        "operator@sportello.demo",
        "Olivia Operator",
        AccountKind::Work,
        None,
        &[Role::Operator],
    ),
    (
        "admin@northwind.demo",
        "Nadia Northwind",
        AccountKind::Work,
        Some(0),
        &[Role::GlobalAdmin],
    ),
    (
        "admin@fabrikam.demo",
        "Fabio Fabrikam",
        AccountKind::Work,
        Some(1),
        &[Role::PartnerAdmin],
    ),
    (
        "admin@tailspin.demo",
        "Tina Tailspin",
        AccountKind::Work,
        Some(2),
        &[Role::GlobalAdmin],
    ),
    (
        "admin@contoso.demo",
        "Carla Contoso",
        AccountKind::Work,
        Some(3),
        &[Role::GlobalAdmin],
    ),
    (
        "partner.admin@contoso.demo",
        "Paolo Contoso",
        AccountKind::Work,
        Some(3),
        &[Role::PartnerAdmin],
    ),
    (
        "engineer@contoso.demo",
        "Elena Contoso",
        AccountKind::Work,
        Some(3),
        &[Role::Member],
    ),
    (
        "admin@wingtip.demo",
        "Walter Wingtip",
        AccountKind::Work,
        Some(4),
        &[Role::GlobalAdmin],
    ),
    (
        "agent@adatum.demo",
        "Aldo Adatum",
        AccountKind::Work,
        Some(5),
        &[Role::AdminAgent],
    ),
    (
        "admin@adatum.demo",
        "Anna Adatum",
        AccountKind::Work,
        Some(5),
        &[Role::GlobalAdmin],
    ),
    (
        "admin@litware.demo",
        "Luca Litware",
        AccountKind::Work,
        Some(6),
        &[Role::GlobalAdmin],
    ),
    (
        "agent@litware.demo",
        "Lia Litware",
        AccountKind::Work,
        Some(6),
        &[Role::AdminAgent],
    ),
    (
        "consultant@personal.demo",
        "Piero Personal",
        AccountKind::Personal,
        None,
        &[],
    ),
];

/// Loads what is missing and prints the sign-ins.
pub async fn load(store: &Store, now: OffsetDateTime) -> Result<()> {
    let (existing, _) = store
        .organizations(crate::store::Page::new(
            Some(crate::store::Page::MAX_LIMIT),
            None,
        ))
        .await?;
    let mut organization_ids: Vec<OrganizationId> = Vec::new();
    for demo in ORGANIZATIONS {
        let id = match existing.iter().find(|o| o.name == demo.name) {
            Some(found) => found.id,
            None => {
                let new = NewOrganization {
                    name: demo.name.to_owned(),
                    partner_id: demo.partner_id.map(str::to_owned),
                    csp: demo.csp,
                };
                store.insert_organization(&new, now).await?.id
            }
        };
        organization_ids.push(id);
    }
    let password_hash =
        crate::actions::blocking(|| secrets::hash_password(DEMO_PASSWORD)).await??;
    let mut created = 0;
    for (email, display_name, kind, organization, roles) in ACCOUNTS {
        let email = Email::parse("email", email)?;
        if store.credentials(&email).await?.is_some() {
            continue;
        }
        let new = NewAccount {
            email,
            display_name: (*display_name).to_owned(),
            kind: *kind,
            password_hash: password_hash.clone(),
            language: None,
            organization_id: organization.and_then(|index| organization_ids.get(index).copied()),
            roles: roles.to_vec(),
        };
        match store.insert_account(&new, now).await {
            Ok(_) | Err(Error::EmailTaken) => created += 1,
            Err(error) => return Err(error),
        }
    }
    println!(
        "Demo data ready ({created} accounts added). Sign in with password \"{DEMO_PASSWORD}\" as:"
    );
    for (email, display_name, _, organization, roles) in ACCOUNTS {
        let place = organization
            .and_then(|index| ORGANIZATIONS.get(index))
            .map_or("no organization", |o| o.name);
        let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        println!(
            "  {email:<30} {display_name:<18} {place} [{}]",
            roles.join(", ")
        );
    }
    Ok(())
}
