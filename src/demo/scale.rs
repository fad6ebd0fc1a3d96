//! Data at size: `sportello demo --scale N` adds an organization with one member and N charged
//! support requests spread over contracts of 1,000 incidents, with their ledger, history and
//! audit rows, written in batches (1,000,000 requests take minutes, not hours).

use crate::domain::identifiers::{AccessId, ContractId};
use crate::domain::policy::Scope;
use crate::domain::{AccountKind, Email, Role};
use crate::error::Result;
use crate::secrets;
use crate::store::Store;
use crate::store::accounts::NewAccount;
use crate::store::bulk::{BulkFiler, BulkRequest};
use crate::store::contracts::NewContract;
use crate::store::organizations::NewOrganization;
use time::{Duration, OffsetDateTime};

/// Incidents per loaded contract; each is filled completely except the last.
pub const REQUESTS_PER_CONTRACT: u64 = 1000;
/// Requests per transaction.
const REQUESTS_PER_TRANSACTION: u64 = 50_000;

/// What a scale load created.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub email: String,
    pub contracts: u64,
    pub requests: u64,
}

/// Loads `requests` support requests filed over the past year by a new member of a new
/// organization (`scale-<id>@sportello.demo`, password [`super::DEMO_PASSWORD`]), charged
/// to contracts of the `premier` plan; `progress` hears the running count.
pub async fn load(
    store: &Store,
    requests: u64,
    now: OffsetDateTime,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Loaded> {
    let serial = store.organization_count().await? + 1;
    let organization = store
        .insert_organization(
            &NewOrganization {
                name: format!("Scale load {serial} ({requests} requests)"),
                partner_id: Some(format!("9{serial:08}")),
                csp: false,
            },
            now,
        )
        .await?
        .id;
    let email = format!("scale-{}@sportello.demo", organization.0);
    let password_hash =
        crate::actions::blocking(|| secrets::hash_password(super::DEMO_PASSWORD)).await??;
    let account = store
        .insert_account(
            &NewAccount {
                email: Email::parse("email", &email)?,
                display_name: format!("Scale load {serial}"),
                kind: AccountKind::Work,
                password_hash,
                language: None,
                organization_id: Some(organization),
                roles: vec![Role::Member],
            },
            now,
        )
        .await?;
    let contract_count = requests.div_ceil(REQUESTS_PER_CONTRACT);
    let mut contracts = Vec::with_capacity(contract_count as usize);
    let mut rng = rand::rng();
    for _ in 0..contract_count {
        let code = ContractId::generate(&mut rng);
        let id = store
            .issue_contract(
                &NewContract {
                    contract_id: code.clone(),
                    access_id: AccessId::generate(&mut rng),
                    organization_id: organization,
                    plan_code: "premier".into(),
                    scopes: vec![Scope::OnPremises, Scope::Cloud],
                    allotted: Some(REQUESTS_PER_CONTRACT as i64),
                    start: (now - Duration::days(365)).date(),
                    end: (now + Duration::days(30)).date(),
                },
                None,
                now,
            )
            .await?;
        contracts.push((id, code.to_string()));
    }
    let filer = BulkFiler {
        created_by: account,
        organization,
        product_code: "azure-vm".into(),
        contact: email.clone(),
    };
    // Filed evenly over the past year, oldest first, so ids and times rise together.
    let step_ms = (365 * 24 * 3600 * 1000) / requests.max(1) as i64;
    let start = now - Duration::days(365);
    let title = |id: i64| format!("Scale request {id}: the nightly job stops halfway");
    let mut done = 0;
    while done < requests {
        let batch_end = (done + REQUESTS_PER_TRANSACTION).min(requests);
        let batch: Vec<BulkRequest> = (done..batch_end)
            .map(|n| {
                let (contract, code) = &contracts[(n / REQUESTS_PER_CONTRACT) as usize];
                BulkRequest {
                    contract: *contract,
                    contract_code: code.clone(),
                    created_at: start + Duration::milliseconds(n as i64 * step_ms),
                }
            })
            .collect();
        store.bulk_file(&filer, &batch, &title).await?;
        done = batch_end;
        progress(done);
    }
    Ok(Loaded {
        email,
        contracts: contract_count,
        requests,
    })
}
