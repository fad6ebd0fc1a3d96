//! Support requests: which plans an account can use, filing with exact consumption and
//! idempotency, the lifecycle, comments and refunds.

use super::authorize;
use crate::domain::contract::Contract;
use crate::domain::eligibility::{
    Candidate, Eligible, Fix, PlanRef, Request, Resolution, Unavailable, fix, parse_plan, resolve,
    would_serve,
};
use crate::domain::policy::{Policy, Scope};
use crate::domain::product::Product;
use crate::domain::request::{
    RefundReason, RequestStatus, can_transition, first_response_due, format_number, parse_number,
    validate_description, validate_title,
};
use crate::domain::{Actor, FieldError, MAX_CODE_CHARS, Permission, Role, at_most, required_text};
use crate::error::{Error, Result, Validator};
use crate::i18n::t_args;
use crate::store::customers::Customer;
use crate::store::outbox::NewMessage;
use crate::store::requests::{Filed, NewRequest, RequestEvent, RequestFilter, SupportRequest};
use crate::store::{Listing, Page, Store};
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};

/// What the eligibility question is about.
pub struct PlanQuery<'a> {
    pub product: &'a str,
    pub version: Option<&'a str>,
    pub customer_id: Option<i64>,
    pub as_of: Date,
}

/// The plans an account can and cannot use for a product, with the contracts behind them.
pub struct Plans {
    pub product: Product,
    pub customer: Option<Customer>,
    pub resolution: Resolution,
    /// What would make each unavailable plan usable, in the order of `resolution.unavailable`.
    pub fixes: Vec<Fix>,
    /// The display names of the organization's admins, who can link its contracts and order
    /// plans (other than the account itself); read only when a plan is unavailable or none
    /// is eligible.
    pub admins: Vec<String>,
    /// The linked contracts (and the unlinked ones listed as `not_linked`), to name plans and
    /// balances.
    pub contracts: Vec<std::sync::Arc<Contract>>,
    /// The names of the organizations holding `contracts`, so two plans of the same name are
    /// told apart (read by [`plans`]; empty when filing).
    pub organizations: std::collections::HashMap<crate::domain::OrganizationId, String>,
    /// Where each Contract ID is in `contracts`.
    index: std::collections::HashMap<crate::domain::identifiers::ContractId, usize>,
}

impl Plans {
    pub fn contract(&self, id: &crate::domain::identifiers::ContractId) -> Option<&Contract> {
        self.index.get(id).map(|&at| &*self.contracts[at])
    }

    /// The name of the organization holding the contract.
    pub fn organization_of(&self, id: &crate::domain::identifiers::ContractId) -> Option<&str> {
        let contract = self.contract(id)?;
        self.organizations
            .get(&contract.organization_id)
            .map(String::as_str)
    }
}

async fn product_and_version(
    store: &Store,
    product: &str,
    version: Option<&str>,
    checks: &mut Validator,
) -> Result<Option<Product>> {
    let too_long = [("product", Some(product)), ("version", version)]
        .into_iter()
        .filter_map(|(field, value)| at_most(field, value?, MAX_CODE_CHARS).err())
        .collect::<Vec<_>>();
    if !too_long.is_empty() {
        too_long.into_iter().for_each(|error| checks.push(error));
        return Ok(None);
    }
    let Some(product) = store.product(product.trim()).await? else {
        checks.push(FieldError::new("product", "unknown_product"));
        return Ok(None);
    };
    match (
        product.scope,
        version.map(str::trim).filter(|v| !v.is_empty()),
    ) {
        (Scope::Cloud, Some(_)) => {
            checks.push(FieldError::new("version", "version_not_applicable"))
        }
        (Scope::OnPremises, None) => checks.push(FieldError::new("version", "version_required")),
        (Scope::OnPremises, Some(name)) if !product.versions.iter().any(|v| v.name == name) => {
            checks.push(FieldError::new("version", "unknown_version"))
        }
        _ => {}
    }
    Ok(Some(product))
}

/// The customer a request is filed for: one of the actor's own CSP organization's customers,
/// and only Admin agents may file for customers.
async fn customer_for(store: &Store, actor: &Actor, customer_id: i64) -> Result<Customer> {
    let customer = store
        .customer(customer_id)
        .await?
        .ok_or_else(|| Error::field("customer_id", "unknown_customer"))?;
    if actor.organization_id != Some(customer.organization_id) {
        return Err(Error::field("customer_id", "unknown_customer"));
    }
    authorize(
        actor,
        Permission::FileForCustomers,
        Some(customer.organization_id),
    )?;
    Ok(customer)
}

/// Eligible and unavailable plans for the actor (`GET /api/v1/me/support-plans`).
pub async fn plans(
    store: &Store,
    policy: &Policy,
    actor: &Actor,
    query: &PlanQuery<'_>,
) -> Result<Plans> {
    let mut checks = Validator::default();
    let product = product_and_version(store, query.product, query.version, &mut checks).await?;
    checks.finish()?;
    let product = product.ok_or(Error::NotFound)?;
    let customer = match query.customer_id {
        Some(id) => Some(customer_for(store, actor, id).await?),
        None => None,
    };
    let mut holders = std::collections::HashMap::new();
    let contracts: Vec<std::sync::Arc<Contract>> = store
        .linked_contracts(actor.account_id)
        .await?
        .into_iter()
        .map(|linked| {
            holders
                .entry(linked.contract.organization_id)
                .or_insert(linked.organization_name);
            linked.contract
        })
        .collect();
    // The organization's own contracts the account has not linked: those that would serve are
    // listed as `not_linked`, with who can link them.
    let unlinked = match (actor.organization_id, &customer) {
        (Some(organization), None) if actor.partner_network => {
            serving_unlinked(store, policy, actor, organization, &product, query).await?
        }
        _ => Vec::new(),
    };
    let mut plans = resolved(
        policy,
        actor,
        product,
        query.version,
        customer,
        contracts,
        unlinked,
        query.as_of,
    );
    if !plans.resolution.unavailable.is_empty() || plans.resolution.eligible.is_empty() {
        plans.admins = admins(store, actor).await?;
    }
    // The holders of linked contracts were read with them; the actor's own organization
    // (holding the unlinked ones) may still be to read.
    plans.organizations = holders
        .into_iter()
        .map(|(id, name)| (id, name.to_string()))
        .collect();
    for contract in &plans.contracts {
        let id = contract.organization_id;
        if !plans.organizations.contains_key(&id)
            && let Some(organization) = store.organization(id).await?
        {
            plans.organizations.insert(id, organization.name);
        }
    }
    Ok(plans)
}

/// How many of the organization's unlinked contracts that would serve a request the plans
/// list as `not_linked`: enough to act on (linking one is the fix), and a bounded answer
/// however many contracts the organization owns.
pub const NOT_LINKED_SHOWN: usize = 10;

/// The organization's contracts read in the first page while looking for those (twice as
/// many as are shown); each further page is twice the last, up to [`UNLINKED_PAGE_MAX`].
const UNLINKED_PAGE: i64 = 2 * NOT_LINKED_SHOWN as i64;
const UNLINKED_PAGE_MAX: i64 = 400;

/// The first [`NOT_LINKED_SHOWN`] (oldest first) of the organization's contracts the actor has
/// not linked that would serve the request, read a page at a time along the organization's
/// index until enough are found or none are left.
async fn serving_unlinked(
    store: &Store,
    policy: &Policy,
    actor: &Actor,
    organization: crate::domain::OrganizationId,
    product: &Product,
    query: &PlanQuery<'_>,
) -> Result<Vec<std::sync::Arc<Contract>>> {
    let request = Request {
        product,
        version: query.version.map(str::trim).filter(|v| !v.is_empty()),
        for_customer: false,
        account_is_csp: actor.csp,
    };
    let mut found = Vec::new();
    let mut after = 0;
    let mut size = UNLINKED_PAGE;
    loop {
        let page = store
            .unlinked_contracts(organization, actor.account_id, after, size)
            .await?;
        let Some(last) = page.last() else {
            return Ok(found);
        };
        after = last.id;
        let last_page = (page.len() as i64) < size;
        size = (size * 2).min(UNLINKED_PAGE_MAX);
        let candidates: Vec<Candidate<'_>> = page.iter().map(|c| candidate(policy, c)).collect();
        let serving: Vec<_> = would_serve(
            &request,
            &candidates,
            policy.supported_previous_versions,
            query.as_of,
        )
        .into_iter()
        .cloned()
        .collect();
        drop(candidates);
        for contract in page {
            if serving.contains(&contract.contract_id) {
                found.push(std::sync::Arc::new(contract));
                if found.len() == NOT_LINKED_SHOWN {
                    return Ok(found);
                }
            }
        }
        if last_page {
            return Ok(found);
        }
    }
}

/// A contract as the eligibility rules see it, with its plan's terms from the policy.
fn candidate<'a>(policy: &Policy, contract: &'a Contract) -> Candidate<'a> {
    Candidate {
        contract,
        recent_versions_only: policy
            .benefit(&contract.plan_code)
            .is_some_and(|b| b.recent_versions_only),
    }
}

/// The display names of the accounts that administer the actor's organization, other than
/// the actor (the first hundred, by email).
async fn admins(store: &Store, actor: &Actor) -> Result<Vec<String>> {
    let Some(organization) = actor.organization_id else {
        return Ok(Vec::new());
    };
    let roles: Vec<Role> = Role::ORGANIZATION_ROLES
        .into_iter()
        .filter(|role| role.allows(Permission::ManageContracts))
        .collect();
    store
        .names_with_roles(organization, actor.account_id, &roles, 100)
        .await
}

/// The plans for filing: like [`plans`], but reading only the contract the request names (if
/// the account linked it), so filing costs the same however many contracts an account holds.
async fn chosen_plan(
    store: &Store,
    policy: &Policy,
    actor: &Actor,
    product: Product,
    input: &FileInput,
    plan: &PlanRef,
    as_of: Date,
) -> Result<Plans> {
    let customer = match input.customer_id {
        Some(id) => Some(customer_for(store, actor, id).await?),
        None => None,
    };
    if let PlanRef::Contract(id) = plan
        && let Some(terms) = store.caches.terms_by_code(id.as_str())
    {
        // Terms remembered from an earlier read let an eligible filing go ahead without a
        // read: the writer checks the account's link and the balance as it writes. Any
        // other answer is decided on a fresh read of the account's own link, so a refusal
        // never tells anything about a contract the caller does not hold.
        let plans = resolved(
            policy,
            actor,
            product,
            input.version.as_deref(),
            customer,
            vec![terms.contract],
            Vec::new(),
            as_of,
        );
        if plans.resolution.allows(plan) {
            return Ok(plans);
        }
        return read_plan(
            store,
            policy,
            actor,
            plans.product,
            plans.customer,
            input,
            id,
            as_of,
        )
        .await;
    }
    match plan {
        PlanRef::Contract(id) => {
            read_plan(store, policy, actor, product, customer, input, id, as_of).await
        }
        PlanRef::Csp => Ok(resolved(
            policy,
            actor,
            product,
            input.version.as_deref(),
            customer,
            Vec::new(),
            Vec::new(),
            as_of,
        )),
    }
}

/// The plans for filing on contract `id`, from a read of the account's link to it.
#[allow(clippy::too_many_arguments)]
async fn read_plan(
    store: &Store,
    policy: &Policy,
    actor: &Actor,
    product: Product,
    customer: Option<Customer>,
    input: &FileInput,
    id: &crate::domain::identifiers::ContractId,
    as_of: Date,
) -> Result<Plans> {
    let contracts = store
        .linked_contract(actor.account_id, id)
        .await?
        .into_iter()
        .collect();
    Ok(resolved(
        policy,
        actor,
        product,
        input.version.as_deref(),
        customer,
        contracts,
        Vec::new(),
        as_of,
    ))
}

/// Which of `contracts` (and the CSP plan) can serve a request for `product` and `version`,
/// and why the others cannot. The CSP plan comes from the actor's organization as read when
/// the actor was authenticated. `unlinked` (the organization's contracts the account has not
/// linked that would serve, as [`serving_unlinked`] found them) are listed as unavailable,
/// `not_linked`.
#[allow(clippy::too_many_arguments)]
fn resolved(
    policy: &Policy,
    actor: &Actor,
    product: Product,
    version: Option<&str>,
    customer: Option<Customer>,
    mut contracts: Vec<std::sync::Arc<Contract>>,
    unlinked: Vec<std::sync::Arc<Contract>>,
    as_of: Date,
) -> Plans {
    let candidates: Vec<Candidate<'_>> = contracts.iter().map(|c| candidate(policy, c)).collect();
    let request = Request {
        product: &product,
        version: version.map(str::trim).filter(|v| !v.is_empty()),
        for_customer: customer.is_some(),
        account_is_csp: actor.csp,
    };
    let mut resolution = resolve(
        &request,
        &candidates,
        policy.supported_previous_versions,
        as_of,
    );
    drop(candidates);
    for contract in unlinked {
        resolution
            .unavailable
            .push((contract.contract_id.clone(), Unavailable::NotLinked));
        contracts.push(contract);
    }
    let fixes = resolution
        .unavailable
        .iter()
        .map(|(contract_id, reason)| {
            let contract = contracts
                .iter()
                .find(|c| &c.contract_id == contract_id)
                .expect("every unavailable plan is one of the contracts read");
            fix(
                *reason,
                contract,
                &product,
                policy.supported_previous_versions,
                as_of,
                actor.can(Permission::ManageContracts, Some(contract.organization_id)),
            )
        })
        .collect();
    let index = contracts
        .iter()
        .enumerate()
        .map(|(at, contract)| (contract.contract_id.clone(), at))
        .collect();
    Plans {
        product,
        customer,
        resolution,
        fixes,
        admins: Vec::new(),
        contracts,
        organizations: std::collections::HashMap::new(),
        index,
    }
}

/// A request as the client sends it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileInput {
    pub title: String,
    pub description: String,
    pub product: String,
    pub version: Option<String>,
    pub severity: String,
    pub plan: String,
    pub customer_id: Option<i64>,
    pub contact: Option<String>,
}

/// Files a request. Returns it and whether it is a replay of an earlier one with the same
/// `Idempotency-Key` (then nothing was charged again).
pub async fn file(
    store: &Store,
    policy: &Policy,
    actor: &Actor,
    input: &FileInput,
    idempotency_key: Option<&str>,
    now: OffsetDateTime,
) -> Result<(SupportRequest, bool)> {
    // Replay comes first: a retry answers with the first result whatever happened to the
    // contract, the plan or the account's links since, so it is looked up before any check.
    if let Some(key) = idempotency_key
        && (key.is_empty() || key.len() > 200)
    {
        return Err(Error::InvalidInput(vec![FieldError::new(
            "idempotency_key",
            "invalid_idempotency_key",
        )]));
    }
    let idempotency = idempotency_key.map(|key| (key.to_owned(), body_digest(input)));
    if let Some((key, digest)) = &idempotency
        && let Some(seen) = store.replay(actor.account_id, key, digest).await?
    {
        return answer(store, actor, None, seen).await;
    }
    let mut checks = Validator::default();
    let title = checks.check(validate_title(&input.title));
    let description = checks.check(validate_description(&input.description));
    let severity = policy.severity(input.severity.trim());
    if let Err(error) = at_most("severity", &input.severity, MAX_CODE_CHARS) {
        checks.push(error);
    } else if severity.is_none() {
        checks.push(FieldError::new("severity", "unknown_severity"));
    }
    let contact = match input
        .contact
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        // Bounded as sent, as the API's schema states it.
        Some(contact) => checks
            .check(at_most(
                "contact",
                input.contact.as_deref().unwrap_or_default(),
                200,
            ))
            .and_then(|()| checks.check(required_text("contact", contact, 200))),
        None => Some(actor.email.clone()),
    };
    let plan = parse_plan(&input.plan);
    if let Err(error) = at_most("plan", &input.plan, MAX_CODE_CHARS) {
        checks.push(error);
    } else if plan.is_none() {
        checks.push(FieldError::new("plan", "unknown_plan"));
    }
    let product =
        product_and_version(store, &input.product, input.version.as_deref(), &mut checks).await?;
    checks.finish()?;
    let (Some(plan), Some(product), Some(severity)) = (plan, product, severity) else {
        return Err(Error::Other(anyhow::anyhow!(
            "validated request lost a field"
        )));
    };
    let plans = chosen_plan(store, policy, actor, product, input, &plan, now.date()).await?;
    let product = &plans.product;
    let contract = match &plan {
        PlanRef::Csp => {
            if !plans
                .resolution
                .eligible
                .iter()
                .any(|e| matches!(e, Eligible::Csp))
            {
                return Err(Error::PlanNotEligible { reason: "not_csp" });
            }
            None
        }
        PlanRef::Contract(id) => {
            if let Some((_, reason)) = plans.resolution.unavailable.iter().find(|(c, _)| c == id) {
                // No incidents left is answered the same whether seen here or by the guarded
                // consume under concurrency: `contract_exhausted`.
                if *reason == crate::domain::eligibility::Unavailable::Exhausted
                    && let Some(contract) = plans.contract(id)
                {
                    return Err(Error::ContractExhausted {
                        used: contract.used,
                        allotted: contract.allotted.unwrap_or_default(),
                    });
                }
                return Err(Error::PlanNotEligible {
                    reason: reason.as_str(),
                });
            }
            let eligible =
                plans.resolution.eligible.iter().any(
                    |e| matches!(e, Eligible::Contract { contract_id, .. } if contract_id == id),
                );
            if !eligible {
                return Err(Error::PlanNotEligible {
                    reason: if input.customer_id.is_some() {
                        "customer_needs_csp"
                    } else {
                        "not_linked"
                    },
                });
            }
            plans.contract(id).cloned()
        }
    };
    let new = NewRequest {
        title: title.unwrap_or_default(),
        description: description.unwrap_or_default(),
        product_code: product.code.clone(),
        version: input
            .version
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
        severity: severity.code.clone(),
        plan: match &plan {
            PlanRef::Csp => "csp".to_owned(),
            PlanRef::Contract(id) => id.to_string(),
        },
        charge_contract: contract
            .as_ref()
            .filter(|c| c.allotted.is_some())
            .map(|c| c.id),
        contract_id: contract.as_ref().map(|c| c.id),
        created_by: actor.account_id,
        organization_id: actor.organization_id,
        customer_id: plans.customer.as_ref().map(|c| c.id),
        contact: contact.unwrap_or_default(),
        first_response_due: first_response_due(now, severity.first_response_hours),
        idempotency,
    };
    let language = actor.language.unwrap_or_default();
    let year = now.year();
    // The creation notice is rendered now, outside the write; the number goes in its slot
    // once the request has an id (`store::filing`).
    let slot = crate::store::filing::NUMBER_SLOT.to_string();
    let created = NewMessage {
        kind: "request_created".into(),
        account_id: Some(actor.account_id.0),
        recipient: actor.email.clone(),
        subject: t_args(
            language,
            "mail-request-created-subject",
            &[("number", slot.clone())],
        ),
        body: t_args(
            language,
            "mail-request-created-body",
            &[("number", slot.clone()), ("title", new.title.clone())],
        ),
        dedupe_key: Some(format!("request-{slot}-created")),
    };
    let thresholds = policy.low_balance_thresholds.clone();
    let contract_code = contract
        .as_ref()
        .map(|c| c.contract_id.to_string())
        .unwrap_or_default();
    let contract_row = contract.as_ref().map(|c| c.id).unwrap_or_default();
    // Near a threshold the notice also says when the incidents run out at the recent pace:
    // the contract's use per day is read then (one indexed query), not on every filing.
    let near_threshold = contract
        .as_ref()
        .and_then(Contract::remaining)
        .is_some_and(|left| {
            policy
                .low_balance_thresholds
                .iter()
                .any(|t| i64::from(*t) < left && left - i64::from(*t) <= 8)
        });
    let outlook = match contract.as_ref().filter(|_| near_threshold) {
        Some(c) => Some((c.clone(), store.usage_by_day(c.id).await?)),
        None => None,
    };
    let today = now.date();
    let (account, email) = (actor.account_id.0, actor.email.clone());
    // Rendered only when a filing leaves a threshold's count of incidents: once per contract
    // and threshold, however many filings there are.
    let low_balance = move |remaining: i64| {
        let threshold = u32::try_from(remaining)
            .ok()
            .filter(|r| thresholds.contains(r))?;
        // The forecast as of this filing: the balance it leaves, and one more used today.
        let forecast = outlook.as_ref().and_then(|(contract, usage)| {
            let mut after = contract.clone();
            after.used = after.allotted? - remaining;
            let mut usage = usage.clone();
            usage.push((today, 1));
            crate::domain::forecast::forecast(&after, &usage, today)
        });
        let mut body = t_args(
            language,
            "mail-low-balance-body",
            &[
                ("contract_id", contract_code.clone()),
                ("remaining", remaining.to_string()),
            ],
        );
        if let Some(forecast) = forecast {
            body.push(' ');
            body.push_str(&super::contracts::forecast_sentence(&forecast, language));
        }
        Some(NewMessage {
            kind: "contract_low_balance".into(),
            account_id: Some(account),
            recipient: email.clone(),
            subject: t_args(
                language,
                "mail-low-balance-subject",
                &[("contract_id", contract_code.clone())],
            ),
            body,
            dedupe_key: Some(format!("contract-{contract_row}-low-{threshold}")),
        })
    };
    let audit_details = serde_json::json!({"plan": new.plan, "charged": new.charge_contract.is_some(), "contract": new.contract_id,
                                           "customer": new.customer_id, "severity": new.severity})
        .to_string();
    let charged = new.charge_contract.is_some();
    let stored = new.stored_as(
        0,
        &actor.email,
        plans.customer.as_ref().map(|c| c.name.as_str()),
        now,
    );
    let filing = crate::store::filing::Filing {
        new,
        created,
        low_balance: Box::new(low_balance),
        audit_details,
        year,
        now: crate::store::to_millis(now),
    };
    let filed = store.file_request(filing).await?;
    if let Filed::Created(id) = filed {
        tracing::info!(account = %actor.account_id, request = id, charged, "support request filed");
        // What was stored is known: the answer needs no read.
        return Ok((
            SupportRequest {
                id,
                number: format_number(stored.created_at.year(), id),
                ..stored
            },
            false,
        ));
    }
    answer(store, actor, contract.as_ref(), filed).await
}

/// The digest of a request body that an `Idempotency-Key` is bound to.
fn body_digest(input: &FileInput) -> String {
    let canonical = serde_json::to_string(input).unwrap_or_default();
    format!("{:x}", Sha256::digest(canonical.as_bytes()))
}

/// What filing (or replaying) answers: the request and whether it is a replay.
async fn answer(
    store: &Store,
    actor: &Actor,
    contract: Option<&Contract>,
    filed: Filed,
) -> Result<(SupportRequest, bool)> {
    match filed {
        Filed::Created(id) => Ok((
            store.support_request(id).await?.ok_or(Error::NotFound)?,
            false,
        )),
        Filed::Replayed(id) => {
            let request = store.support_request(id).await?.ok_or(Error::NotFound)?;
            // Keys are per account; the request is the account's own.
            if request.created_by != actor.account_id {
                return Err(Error::NotFound);
            }
            Ok((request, true))
        }
        Filed::KeyReused => Err(Error::IdempotencyKeyReused),
        Filed::NotLinked => Err(Error::PlanNotEligible {
            reason: "not_linked",
        }),
        Filed::Exhausted => {
            let current = match contract {
                Some(c) => store.contract(c.id).await?,
                None => None,
            };
            Err(Error::ContractExhausted {
                used: current.as_ref().map_or(0, |c| c.used),
                allotted: current.and_then(|c| c.allotted).unwrap_or_default(),
            })
        }
    }
}

/// A request by its number, for its creator, its organization's admins and operators.
pub async fn get(store: &Store, actor: &Actor, number: &str) -> Result<SupportRequest> {
    let (year, id) = parse_number(number).ok_or(Error::NotFound)?;
    let request = store.support_request(id).await?.ok_or(Error::NotFound)?;
    if request.created_at.year() != year {
        return Err(Error::NotFound);
    }
    if crate::domain::request::openable_by(actor, request.created_by, request.organization_id) {
        Ok(request)
    } else {
        Err(Error::NotFound)
    }
}

pub async fn events(store: &Store, request: &SupportRequest) -> Result<Vec<RequestEvent>> {
    store.request_events(request.id).await
}

/// The actor's own requests (and, for organization admins, their organization's).
pub async fn mine(store: &Store, actor: &Actor, page: Page) -> Result<Listing<SupportRequest>> {
    let filter = match actor.organization_id {
        Some(org) if actor.can(Permission::ManageContracts, Some(org)) => RequestFilter {
            organization: Some(org),
            ..Default::default()
        },
        _ => RequestFilter {
            created_by: Some(actor.account_id),
            ..Default::default()
        },
    };
    store.support_requests(&filter, page).await
}

/// The operators' queue.
pub async fn queue(
    store: &Store,
    actor: &Actor,
    filter: RequestFilter,
    page: Page,
) -> Result<Listing<SupportRequest>> {
    authorize(actor, Permission::OperateProgram, None)?;
    store.support_requests(&filter, page).await
}

/// Moves a request through its lifecycle, with an optional comment.
pub async fn change_status(
    store: &Store,
    actor: &Actor,
    number: &str,
    to: &str,
    comment: Option<&str>,
    now: OffsetDateTime,
) -> Result<SupportRequest> {
    let request = get(store, actor, number).await?;
    let to_status =
        RequestStatus::parse(to).ok_or_else(|| Error::field("status", "unknown_status"))?;
    let from_status = RequestStatus::parse(&request.status)
        .ok_or_else(|| anyhow::anyhow!("request has status {:?}", request.status))?;
    let by_operator = actor.is_operator();
    if !can_transition(from_status, to_status, by_operator) {
        return Err(Error::TransitionNotAllowed {
            from: request.status.clone(),
            to: to_status.as_str().to_owned(),
        });
    }
    let comment =
        match comment.filter(|c| !c.trim().is_empty()) {
            Some(text) => Some(validate_description(text).map_err(|error| {
                Error::InvalidInput(vec![FieldError::new("comment", error.code)])
            })?),
            None => None,
        };
    let language = store
        .account(request.created_by)
        .await?
        .and_then(|a| a.language)
        .unwrap_or_default();
    let status_name = crate::i18n::t(language, &format!("request-status-{}", to_status.as_str()));
    let message = NewMessage {
        kind: "request_status".into(),
        account_id: Some(request.created_by.0),
        recipient: request.created_by_email.clone(),
        subject: t_args(
            language,
            "mail-request-status-subject",
            &[
                ("number", request.number.clone()),
                ("status", status_name.clone()),
            ],
        ),
        body: t_args(
            language,
            "mail-request-status-body",
            &[("number", request.number.clone()), ("status", status_name)],
        ),
        dedupe_key: None,
    };
    let moved = store
        .change_request_status(
            request.id,
            &request.status,
            to_status.as_str(),
            actor.account_id,
            comment.as_deref(),
            by_operator,
            &message,
            now,
        )
        .await?;
    if !moved {
        return Err(Error::TransitionNotAllowed {
            from: request.status,
            to: to_status.as_str().to_owned(),
        });
    }
    tracing::info!(actor = %actor.account_id, request = request.id, to = to_status.as_str(), "request status changed");
    store
        .support_request(request.id)
        .await?
        .ok_or(Error::NotFound)
}

/// Adds a comment; an operator's first comment counts as the first response.
pub async fn comment(
    store: &Store,
    actor: &Actor,
    number: &str,
    body: &str,
    now: OffsetDateTime,
) -> Result<SupportRequest> {
    let request = get(store, actor, number).await?;
    if request.status == RequestStatus::Closed.as_str() {
        return Err(Error::TransitionNotAllowed {
            from: request.status,
            to: "comment".into(),
        });
    }
    let body = validate_description(body)
        .map_err(|error| Error::InvalidInput(vec![FieldError::new("body", error.code)]))?;
    // The customer side answering a request that waits on it hands it back to support.
    if !actor.is_operator() && request.status == RequestStatus::WaitingOnCustomer.as_str() {
        return change_status(
            store,
            actor,
            number,
            RequestStatus::InProgress.as_str(),
            Some(&body),
            now,
        )
        .await;
    }
    store
        .comment_request(
            request.id,
            actor.account_id,
            &body,
            actor.is_operator(),
            now,
        )
        .await?;
    store
        .support_request(request.id)
        .await?
        .ok_or(Error::NotFound)
}

/// An operator marks a request not chargeable: its incident returns to the contract, once.
pub async fn refund(
    store: &Store,
    actor: &Actor,
    number: &str,
    reason: &str,
    now: OffsetDateTime,
) -> Result<SupportRequest> {
    authorize(actor, Permission::OperateProgram, None)?;
    let reason = RefundReason::parse(reason.trim())
        .ok_or_else(|| Error::field("reason", "unknown_refund_reason"))?;
    let request = get(store, actor, number).await?;
    if !store
        .refund_request(request.id, reason.as_str(), actor.account_id, now)
        .await?
    {
        return Err(Error::NotRefundable);
    }
    tracing::info!(actor = %actor.account_id, request = request.id, reason = reason.as_str(), "request refunded");
    store
        .support_request(request.id)
        .await?
        .ok_or(Error::NotFound)
}
