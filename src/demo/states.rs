//! Demo data that shows every state a newcomer should meet: a benefit activating, one
//! rejected, contracts expired and exhausted, support requests in each status and a CSP
//! request. Each step looks before it creates, so loading again changes nothing.

use crate::actions;
use crate::actions::orders::OrderInput;
use crate::actions::requests::FileInput;
use crate::domain::policy::{Allotment, Policy};
use crate::domain::{Actor, Email, OrganizationId};
use crate::error::Result;
use crate::store::audit::AuditEntry;
use crate::store::requests::RequestFilter;
use crate::store::{Page, Store};
use time::{Duration, OffsetDateTime};

/// The demo organizations these states belong to.
pub struct Organizations {
    pub fabrikam: OrganizationId,
    pub tailspin: OrganizationId,
    pub contoso: OrganizationId,
    pub wingtip: OrganizationId,
    pub adatum: OrganizationId,
}

pub async fn load(
    store: &Store,
    policy: &Policy,
    organizations: &Organizations,
    now: OffsetDateTime,
) -> Result<()> {
    let operator = actor(store, "operator@sportello.demo").await?;
    activating(store, organizations.fabrikam, now).await?;
    rejected(store, policy, &operator, organizations.tailspin, now).await?;
    wingtip_contracts(store, policy, &operator, organizations.wingtip, now).await?;
    contoso_requests(store, policy, &operator, organizations.contoso, now).await?;
    csp_request(store, policy, organizations.adatum, now).await?;
    Ok(())
}

/// A demo account as an actor, so the demo goes through the same actions as people do.
async fn actor(store: &Store, email: &str) -> Result<Actor> {
    let credentials = store
        .credentials(&Email::parse("email", email)?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo account {email} missing"))?;
    Ok(actions::sessions::actor(store, credentials.account_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo account {email} missing"))?)
}

/// Requests an activation with no job behind it, so it stays `activating` until an operator
/// acts; `None` when the organization already asked for this benefit once.
async fn request_once(
    store: &Store,
    organization: OrganizationId,
    benefit: &'static str,
    admin: &str,
    now: OffsetDateTime,
) -> Result<Option<i64>> {
    if store
        .activations_of(organization)
        .await?
        .iter()
        .any(|a| a.benefit_code == benefit)
    {
        return Ok(None);
    }
    let Some(membership) = store.memberships(organization).await?.into_iter().next() else {
        return Ok(None);
    };
    let admin = actor(store, admin).await?;
    let new = crate::store::activations::NewActivation {
        organization_id: organization,
        benefit_code: benefit,
        membership_id: membership.id,
        requested_by: admin.account_id,
    };
    let entry = AuditEntry::new(
        Some(admin.account_id.0),
        "benefit.activation_requested",
        String::new(),
        serde_json::json!({"benefit": benefit, "organization": organization.0, "demo": true}),
    );
    let (activation, created) = store.request_activation(&new, None, &entry, now).await?;
    Ok(created.then_some(activation.id))
}

/// Fabrikam's Signature cloud support waits in the queue: `activating`.
async fn activating(store: &Store, fabrikam: OrganizationId, now: OffsetDateTime) -> Result<()> {
    request_once(
        store,
        fabrikam,
        "signature_cloud",
        "admin@fabrikam.demo",
        now,
    )
    .await?;
    Ok(())
}

/// Tailspin's Signature cloud support was refused, with a reason its admin can act on.
async fn rejected(
    store: &Store,
    policy: &Policy,
    operator: &Actor,
    tailspin: OrganizationId,
    now: OffsetDateTime,
) -> Result<()> {
    let Some(id) = request_once(
        store,
        tailspin,
        "signature_cloud",
        "admin@tailspin.demo",
        now,
    )
    .await?
    else {
        return Ok(());
    };
    let reason = "The program agreement for this year is not signed yet. Sign it in the \
                  partner center, then request the activation again.";
    actions::activations::reject(store, policy, operator, id, reason, now).await?;
    Ok(())
}

/// Links a demo contract to an account, as the account itself would.
async fn link(
    store: &Store,
    policy: &Policy,
    contract: &crate::domain::contract::Contract,
    account: &Actor,
    now: OffsetDateTime,
) -> Result<()> {
    let entry = AuditEntry::new(
        Some(account.account_id.0),
        "contract.linked",
        format!("contract:{}", contract.contract_id),
        serde_json::json!({"account": account.account_id.0, "demo": true}),
    );
    store
        .link(
            contract.id,
            account.account_id,
            policy.max_linked_accounts,
            &entry,
            now,
        )
        .await?;
    Ok(())
}

/// Wingtip holds a Premier contract that ended 10 days ago and an Advanced one with no
/// incidents left, both linked to its admin.
async fn wingtip_contracts(
    store: &Store,
    policy: &Policy,
    operator: &Actor,
    wingtip: OrganizationId,
    now: OffsetDateTime,
) -> Result<()> {
    let admin = actor(store, "admin@wingtip.demo").await?;
    let existing = store.contracts_of(wingtip).await?;
    let expired = match existing.iter().find(|c| c.plan_code == "premier") {
        Some(found) => found.clone(),
        None => {
            let order = OrderInput {
                plan: "premier".into(),
                allotment: Allotment::Limited(20),
                start: Some(now.date() - Duration::days(404)),
                term_days: Some(395),
            };
            actions::orders::create(store, policy, operator, wingtip, &order, now).await?
        }
    };
    link(store, policy, &expired, &admin, now).await?;
    let exhausted = match existing.iter().find(|c| c.plan_code == "advanced") {
        Some(found) => found.clone(),
        None => {
            let order = OrderInput {
                plan: "advanced".into(),
                allotment: Allotment::Limited(2),
                start: Some(now.date() - Duration::days(30)),
                term_days: None,
            };
            actions::orders::create(store, policy, operator, wingtip, &order, now).await?
        }
    };
    link(store, policy, &exhausted, &admin, now).await?;
    // Used up: whatever is left (both incidents on the first load) is consumed.
    let left = exhausted
        .allotted
        .map_or(0, |allotted| allotted - exhausted.used);
    for _ in 0..left {
        store
            .consume(exhausted.id, None, Some(admin.account_id), now)
            .await?;
    }
    Ok(())
}

/// A demo request and the statuses an operator moves it through.
struct DemoRequest {
    title: &'static str,
    description: &'static str,
    product: &'static str,
    version: Option<&'static str>,
    severity: &'static str,
    steps: &'static [&'static str],
}

const CONTOSO_REQUESTS: &[DemoRequest] = &[
    DemoRequest {
        title: "Availability group failover takes minutes",
        description: "Planned failover of our SQL Server 2022 availability group takes over \
                      three minutes; it used to take seconds.",
        product: "sql-server",
        version: Some("2022"),
        severity: "B",
        steps: &[],
    },
    DemoRequest {
        title: "Backups to URL fail intermittently",
        description: "About one backup in ten to Azure Blob storage fails with error 3201.",
        product: "sql-server",
        version: Some("2022"),
        severity: "C",
        steps: &["in_progress"],
    },
    DemoRequest {
        title: "Cluster node leaves after patching",
        description: "After the latest cumulative update one node of our Windows Server 2022 \
                      cluster drops out every night.",
        product: "windows-server",
        version: Some("2022"),
        severity: "A",
        steps: &["in_progress", "waiting_on_customer"],
    },
    DemoRequest {
        title: "Query plan regression after upgrade",
        description: "A reporting query went from 2 seconds to 40 after moving to SQL Server \
                      2019 compatibility level.",
        product: "sql-server",
        version: Some("2019"),
        severity: "B",
        steps: &["in_progress", "resolved"],
    },
    DemoRequest {
        title: "License key not accepted on reinstall",
        description: "Reinstalling SQL Server 2022 on new hardware, setup refuses our key.",
        product: "sql-server",
        version: Some("2022"),
        severity: "C",
        steps: &["in_progress", "resolved", "closed"],
    },
];

/// What an operator writes when moving a demo request to `status`.
fn step_comment(status: &str) -> Option<&'static str> {
    match status {
        "in_progress" => Some("Thanks, we are looking into it."),
        "waiting_on_customer" => {
            Some("Please attach the cluster log from the night it happened (Get-ClusterLog).")
        }
        "resolved" => Some("Fixed by the steps in our last message; tell us if it comes back."),
        _ => None,
    }
}

/// Titles of the requests an account already filed.
async fn filed_titles(store: &Store, account: &Actor) -> Result<Vec<String>> {
    let filter = RequestFilter {
        created_by: Some(account.account_id),
        ..Default::default()
    };
    let requests = store
        .support_requests(&filter, Page::first(Page::MAX_LIMIT))
        .await?;
    Ok(requests.items.into_iter().map(|r| r.title).collect())
}

/// Contoso's engineer has a request in every status on the organization's active contract.
async fn contoso_requests(
    store: &Store,
    policy: &Policy,
    operator: &Actor,
    contoso: OrganizationId,
    now: OffsetDateTime,
) -> Result<()> {
    let engineer = actor(store, "engineer@contoso.demo").await?;
    let Some(contract) = store
        .contracts_of(contoso)
        .await?
        .into_iter()
        .find(|c| c.plan_code == "product_support")
    else {
        return Ok(());
    };
    let filed = filed_titles(store, &engineer).await?;
    for demo in CONTOSO_REQUESTS {
        if filed.iter().any(|title| title == demo.title) {
            continue;
        }
        let input = FileInput {
            title: demo.title.into(),
            description: demo.description.into(),
            product: demo.product.into(),
            version: demo.version.map(str::to_owned),
            severity: demo.severity.into(),
            plan: contract.contract_id.to_string(),
            customer_id: None,
            contact: None,
        };
        let (request, _) =
            actions::requests::file(store, policy, &engineer, &input, None, now).await?;
        for step in demo.steps {
            actions::requests::change_status(
                store,
                operator,
                &request.number,
                step,
                step_comment(step),
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// Adatum's Admin agent filed for its customer Fabrikam Retail under the CSP plan.
async fn csp_request(
    store: &Store,
    policy: &Policy,
    adatum: OrganizationId,
    now: OffsetDateTime,
) -> Result<()> {
    const TITLE: &str = "Virtual machines stuck in 'Updating'";
    let agent = actor(store, "agent@adatum.demo").await?;
    if filed_titles(store, &agent)
        .await?
        .iter()
        .any(|t| t == TITLE)
    {
        return Ok(());
    }
    let Some(customer) = store
        .customers(adatum)
        .await?
        .into_iter()
        .find(|c| c.domain == "fabrikam-retail.example")
    else {
        return Ok(());
    };
    let input = FileInput {
        title: TITLE.into(),
        description: "Two of Fabrikam Retail's Azure VMs have shown 'Updating' for a day and \
                      cannot be started or stopped."
            .into(),
        product: "azure-vm".into(),
        version: None,
        severity: "B".into(),
        plan: "csp".into(),
        customer_id: Some(customer.id),
        contact: None,
    };
    actions::requests::file(store, policy, &agent, &input, None, now).await?;
    Ok(())
}
