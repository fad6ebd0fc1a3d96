//! Demo data: organizations in each program, accounts with every role and both kinds, and
//! (in [`states`]) every state of benefits, contracts and requests. Loading is idempotent:
//! what already exists (by email, name or title) is left alone.

pub mod scale;
mod states;

use crate::domain::membership::{Offer, ValidMembership};
use crate::domain::policy::Policy;
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
    /// (offer, competency) of its membership, running from 60 days ago for a year.
    membership: Option<(&'static str, Option<&'static str>)>,
}

const ORGANIZATIONS: &[DemoOrganization] = &[
    DemoOrganization {
        name: "Northwind Traders (Action Pack)",
        partner_id: Some("1000101"),
        csp: false,
        membership: Some(("action_pack", None)),
    },
    DemoOrganization {
        name: "Fabrikam (Silver, cloud)",
        partner_id: Some("1000202"),
        csp: false,
        membership: Some(("silver", Some("cloud_platform"))),
    },
    DemoOrganization {
        name: "Tailspin Toys (Silver, data center)",
        partner_id: Some("1000303"),
        csp: false,
        membership: Some(("silver", Some("data_center"))),
    },
    DemoOrganization {
        name: "Contoso (Gold, cloud)",
        partner_id: Some("1000404"),
        csp: false,
        membership: Some(("gold", Some("cloud_productivity"))),
    },
    DemoOrganization {
        name: "Wingtip (Gold, data platform)",
        partner_id: Some("1000505"),
        csp: false,
        membership: Some(("gold", Some("data_platform"))),
    },
    DemoOrganization {
        name: "Adatum Cloud Reseller (CSP only)",
        partner_id: None,
        csp: true,
        membership: None,
    },
    DemoOrganization {
        name: "Litware (partner network and CSP)",
        partner_id: Some("1000707"),
        csp: true,
        membership: Some(("silver", Some("security"))),
    },
];

/// A demo account: email, display name, kind, index into [`ORGANIZATIONS`], roles, and what
/// a newcomer signed in as it will see.
type DemoAccount = (
    &'static str,
    &'static str,
    AccountKind,
    Option<usize>,
    &'static [Role],
    &'static str,
);

const ACCOUNTS: &[DemoAccount] = &[
    (
        "operator@sportello.demo",
        "Olivia Operator",
        AccountKind::Work,
        None,
        &[Role::Operator],
        "the console: Fabrikam's activation waiting, every request status in the queue, audit log, outbox",
    ),
    (
        "admin@northwind.demo",
        "Nadia Northwind",
        AccountKind::Work,
        Some(0),
        &[Role::GlobalAdmin],
        "Action Pack: Partner product support available, no cloud plan",
    ),
    (
        "admin@fabrikam.demo",
        "Fabio Fabrikam",
        AccountKind::Work,
        Some(1),
        &[Role::PartnerAdmin],
        "Signature cloud support activating (waits for an operator)",
    ),
    (
        "admin@tailspin.demo",
        "Tina Tailspin",
        AccountKind::Work,
        Some(2),
        &[Role::GlobalAdmin],
        "Signature cloud support rejected, with the reason",
    ),
    (
        "admin@contoso.demo",
        "Carla Contoso",
        AccountKind::Work,
        Some(3),
        &[Role::GlobalAdmin],
        "Partner product support active with its IDs; the organization's requests",
    ),
    (
        "partner.admin@contoso.demo",
        "Paolo Contoso",
        AccountKind::Work,
        Some(3),
        &[Role::PartnerAdmin],
        "the same as Contoso's global admin",
    ),
    (
        "engineer@contoso.demo",
        "Elena Contoso",
        AccountKind::Work,
        Some(3),
        &[Role::Member],
        "five requests: open, in progress, waiting on you, resolved, closed",
    ),
    (
        "admin@wingtip.demo",
        "Walter Wingtip",
        AccountKind::Work,
        Some(4),
        &[Role::GlobalAdmin],
        "benefits available; an expired Premier and an exhausted Advanced contract",
    ),
    (
        "agent@adatum.demo",
        "Aldo Adatum",
        AccountKind::Work,
        Some(5),
        &[Role::AdminAgent],
        "CSP only: customers and a request for Fabrikam Retail; benefits refused",
    ),
    (
        "admin@adatum.demo",
        "Anna Adatum",
        AccountKind::Work,
        Some(5),
        &[Role::GlobalAdmin],
        "CSP only: customers; benefits answer not_partner_network",
    ),
    (
        "admin@litware.demo",
        "Luca Litware",
        AccountKind::Work,
        Some(6),
        &[Role::GlobalAdmin],
        "partner network and CSP: benefits and customers",
    ),
    (
        "agent@litware.demo",
        "Lia Litware",
        AccountKind::Work,
        Some(6),
        &[Role::AdminAgent],
        "files for Litware's customers",
    ),
    (
        "consultant@personal.demo",
        "Piero Personal",
        AccountKind::Personal,
        None,
        &[],
        "a personal account: links a contract with its two IDs",
    ),
];

/// Loads what is missing and prints the sign-ins.
pub async fn load(store: &Store, policy: &Policy, now: OffsetDateTime) -> Result<()> {
    let existing = store
        .organizations(crate::store::Page::first(crate::store::Page::MAX_LIMIT))
        .await?
        .items;
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
    for (email, display_name, kind, organization, roles, _) in ACCOUNTS {
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
            Ok(_) => created += 1,
            // Another process loaded the same account meanwhile.
            Err(Error::EmailTaken) => {}
            Err(error) => return Err(error),
        }
    }
    add_memberships(store, &organization_ids, now).await?;
    activate_contoso(store, policy, organization_ids.get(3).copied(), now).await?;
    add_products(store, now).await?;
    add_customers(store, organization_ids.get(5).copied(), now).await?;
    if let [_, fabrikam, tailspin, contoso, wingtip, adatum, ..] = organization_ids[..] {
        let organizations = states::Organizations {
            fabrikam,
            tailspin,
            contoso,
            wingtip,
            adatum,
        };
        states::load(store, policy, &organizations, now).await?;
    }
    println!(
        "Demo data ready ({created} accounts added). Sign in with password \"{DEMO_PASSWORD}\" as:"
    );
    for (email, display_name, _, organization, roles, sees) in ACCOUNTS {
        let place = organization
            .and_then(|index| ORGANIZATIONS.get(index))
            .map_or("no organization", |o| o.name);
        let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        println!(
            "  {email:<30} {display_name:<18} {place} [{}]",
            roles.join(", ")
        );
        println!("  {:<30} sees: {sees}", "");
    }
    Ok(())
}

/// Gives each demo organization its membership, unless it already has one.
async fn add_memberships(
    store: &Store,
    organizations: &[OrganizationId],
    now: OffsetDateTime,
) -> Result<()> {
    for (demo, organization) in ORGANIZATIONS.iter().zip(organizations) {
        let Some((offer, competency)) = demo.membership else {
            continue;
        };
        if !store.memberships(*organization).await?.is_empty() {
            continue;
        }
        let membership = ValidMembership {
            offer: Offer::parse(offer).ok_or_else(|| anyhow::anyhow!("demo offer {offer}"))?,
            competency: competency.map(str::to_owned),
            start: now.date() - time::Duration::days(60),
            end: now.date() + time::Duration::days(305),
        };
        store
            .insert_membership(*organization, &membership, None, now)
            .await?;
    }
    Ok(())
}

/// Contoso's Partner product support is already active, so its admins see the IDs at once.
async fn activate_contoso(
    store: &Store,
    policy: &Policy,
    contoso: Option<OrganizationId>,
    now: OffsetDateTime,
) -> Result<()> {
    let Some(contoso) = contoso else {
        return Ok(());
    };
    let Some(membership) = store.memberships(contoso).await?.into_iter().next() else {
        return Ok(());
    };
    let admin = store
        .credentials(&Email::parse("email", "admin@contoso.demo")?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo admin missing"))?;
    let new = crate::store::activations::NewActivation {
        organization_id: contoso,
        benefit_code: "product_support",
        membership_id: membership.id,
        requested_by: admin.account_id,
    };
    let (activation, created) = store.request_activation(&new, None, &crate::store::audit::AuditEntry::new(Some(admin.account_id.0), "benefit.activation_requested", String::new(), serde_json::json!({"benefit": "product_support", "organization": contoso.0, "demo": true})), now).await?;
    if created {
        crate::actions::activations::complete(store, policy, activation.id, None, now).await?;
        // Contoso's engineer holds the contract, so filing a request works at once.
        let contract = store
            .activation(activation.id)
            .await?
            .and_then(|a| a.contract_id);
        let engineer = store
            .credentials(&Email::parse("email", "engineer@contoso.demo")?)
            .await?;
        if let (Some(contract), Some(engineer)) = (contract, engineer) {
            let code = store
                .contract(contract)
                .await?
                .map(|c| c.contract_id.to_string())
                .unwrap_or_default();
            let entry = crate::store::audit::AuditEntry::new(
                Some(engineer.account_id.0),
                "contract.linked",
                format!("contract:{code}"),
                serde_json::json!({"account": engineer.account_id.0, "demo": true}),
            );
            store
                .link(
                    contract,
                    engineer.account_id,
                    policy.max_linked_accounts,
                    &entry,
                    now,
                )
                .await?;
        }
    }
    Ok(())
}

/// SQL Server with an old, a previous and a current version; Windows Server; two cloud products.
async fn add_products(store: &Store, now: OffsetDateTime) -> Result<()> {
    use crate::domain::product::{ProductInput, VersionInput, validate_product};
    let year = now.year();
    let version = |name: &str, released: &str, mainstream: String, extended: String| VersionInput {
        name: name.into(),
        released: released.into(),
        mainstream_end: mainstream,
        extended_end: extended,
    };
    let inputs = [
        ProductInput {
            code: "sql-server".into(),
            name: "SQL Server".into(),
            scope: "on_premises".into(),
            workload: "sql-server".into(),
            versions: vec![
                version(
                    "2017",
                    "2017-09-29",
                    "2022-10-11".into(),
                    "2027-10-12".into(),
                ),
                version(
                    "2019",
                    "2019-11-04",
                    format!("{}-12-31", year + 1),
                    format!("{}-01-08", year + 4),
                ),
                version(
                    "2022",
                    "2022-11-16",
                    format!("{}-01-11", year + 2),
                    format!("{}-01-11", year + 5),
                ),
            ],
        },
        ProductInput {
            code: "windows-server".into(),
            name: "Windows Server".into(),
            scope: "on_premises".into(),
            workload: "windows".into(),
            versions: vec![
                version(
                    "2019",
                    "2018-11-13",
                    "2024-01-09".into(),
                    "2029-01-09".into(),
                ),
                version(
                    "2022",
                    "2021-08-18",
                    format!("{}-10-13", year + 1),
                    format!("{}-10-14", year + 4),
                ),
            ],
        },
        ProductInput {
            code: "azure-vm".into(),
            name: "Azure Virtual Machines".into(),
            scope: "cloud".into(),
            workload: "azure".into(),
            versions: vec![],
        },
        ProductInput {
            code: "microsoft-365".into(),
            name: "Microsoft 365".into(),
            scope: "cloud".into(),
            workload: "microsoft-365".into(),
            versions: vec![],
        },
    ];
    for input in inputs {
        if store.product(&input.code).await?.is_some() {
            continue;
        }
        let product = validate_product(&input).map_err(Error::InvalidInput)?;
        store.insert_product(&product, now).await?;
    }
    Ok(())
}

/// Adatum's CSP customers.
async fn add_customers(
    store: &Store,
    adatum: Option<OrganizationId>,
    now: OffsetDateTime,
) -> Result<()> {
    let Some(adatum) = adatum else {
        return Ok(());
    };
    let existing = store.customers(adatum).await?;
    for (name, domain) in [
        ("Fabrikam Retail", "fabrikam-retail.example"),
        ("Proseware", "proseware.example"),
    ] {
        if !existing.iter().any(|c| c.domain == domain) {
            store.insert_customer(adatum, name, domain, now).await?;
        }
    }
    Ok(())
}
