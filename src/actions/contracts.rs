//! Support contracts: linking with diagnostic answers, balances and ledgers, link management.

use super::authorize;
use crate::config::Settings;
use crate::domain::Language;
use crate::domain::contract::{Contract, ContractStatus};
use crate::domain::forecast::Forecast;
use crate::domain::identifiers::{AccessId, ContractId};
use crate::domain::policy::Policy;
use crate::domain::{AccountId, Actor, OrganizationId, Permission};
use crate::error::{Error, Result};
use crate::secrets::same_secret;
use crate::store::contracts::{ContractView, LEDGER_PAGE, LedgerPage};
use crate::store::links::{LinkHolder, LinkOutcome, LinkedContract};
use crate::store::throttle::Reservation;
use crate::store::{Listing, Page, Store};
use time::{Date, OffsetDateTime};

const ACCOUNT_SCOPE: &str = "link_account";
const ADDRESS_SCOPE: &str = "link_address";

/// A contract with what its viewer may see of it.
#[derive(Debug, Clone)]
pub struct ContractDetail {
    pub contract: Contract,
    /// The owning organization's name.
    pub organization_name: String,
    /// The latest ledger entries, each as the viewer may see it, and the cursor of older ones.
    pub ledger: LedgerPage,
    /// The viewer administers the owning organization: Access ID, links, rotation.
    pub administered: bool,
    /// The accounts holding links (for administrators only; empty otherwise).
    pub holders: Vec<LinkHolder>,
    /// When the viewer linked it, if they did.
    pub linked_at: Option<OffsetDateTime>,
    /// Net incidents used on each day of the term (consumes less refunds), in day order.
    pub usage_by_day: Vec<(time::Date, i64)>,
    /// When the incidents run out at the recent pace, or how many expire unused.
    pub forecast: Option<crate::domain::forecast::Forecast>,
}

/// Reserves a link attempt against the per-account and per-address limits; the attempt
/// counts as a failure unless it is released.
async fn reserve(
    store: &Store,
    settings: &Settings,
    actor: &Actor,
    address: &str,
    now: OffsetDateTime,
) -> Result<Vec<i64>> {
    let account = actor.account_id.to_string();
    let subjects = [(ACCOUNT_SCOPE, account.as_str()), (ADDRESS_SCOPE, address)];
    let limits = [
        settings.link_failures_per_account,
        settings.link_failures_per_address,
    ];
    let reservation = store
        .reserve_attempt(&subjects, now - settings.throttle_window, now, |counts| {
            counts
                .iter()
                .zip(limits)
                .position(|(count, limit)| *count >= limit)
        })
        .await?;
    match reservation {
        Reservation::Granted { ids, .. } => Ok(ids),
        Reservation::Refused { oldest, .. } => {
            Err(super::sessions::too_many(settings, oldest, now))
        }
    }
}

/// Links a contract to the actor's own account. `Ok((contract, true))`: linked now;
/// `Ok((contract, false))`: it already was. Unknown and malformed IDs count toward the
/// throttle; the Access ID is never logged.
/// The two IDs as typed, and where the attempt came from (for the throttle).
pub struct LinkAttempt<'a> {
    pub contract_id: &'a str,
    pub access_id: &'a str,
    pub client_address: &'a str,
}

pub async fn link(
    store: &Store,
    policy: &Policy,
    settings: &Settings,
    actor: &Actor,
    attempt: LinkAttempt<'_>,
    now: OffsetDateTime,
) -> Result<(Contract, bool)> {
    let LinkAttempt {
        contract_id,
        access_id,
        client_address,
    } = attempt;
    // Reserved before the IDs are even parsed: concurrent attempts never run more checks
    // than the limits allow. Unknown and malformed IDs confirm the reservation as a failure.
    let reserved = reserve(store, settings, actor, client_address, now).await?;
    let failed = async |error: Error| {
        tracing::info!(account = %actor.account_id, code = error.code(), "failed contract link");
        store.confirm_failures(&reserved).await?;
        Err(error)
    };
    let parsed =
        ContractId::parse(contract_id).and_then(|c| AccessId::parse(access_id).map(|a| (c, a)));
    let (contract_id, access_id) = match parsed {
        Ok(ids) => ids,
        Err(error) => {
            return failed(Error::MalformedId {
                field: error.field(),
                reason: error.reason(),
            })
            .await;
        }
    };
    let contract = match store.contract_by_code(&contract_id).await? {
        Some(contract) if same_secret(contract.access_id.as_str(), access_id.as_str()) => contract,
        // An old-form Access ID counts only as issued: one that matches nothing fails the
        // current check character.
        _ if access_id.is_legacy() => {
            return failed(Error::MalformedId {
                field: "access_id",
                reason: "bad_check_character",
            })
            .await;
        }
        _ => return failed(Error::ContractNotFound).await,
    };
    store.release_attempts(&reserved).await?;
    attach(store, policy, actor, contract, "ids", now).await
}

/// Whether the actor administers `contract`: `forbidden_role` for those inside its
/// organization who may not, `not_found` for everyone else (who must not learn it exists).
fn may_manage(actor: &Actor, contract: &Contract) -> Result<()> {
    if actor.can(Permission::ManageContracts, Some(contract.organization_id)) {
        Ok(())
    } else if actor.sees_organization(contract.organization_id) {
        Err(Error::forbidden(Permission::ManageContracts))
    } else {
        Err(Error::NotFound)
    }
}

/// The contract with its holders, for one who administers it (the confirmation pages of
/// rotating and revoking); refused exactly as [`rotate`] and [`revoke`] refuse.
pub async fn administered(
    store: &Store,
    actor: &Actor,
    contract_id: &str,
) -> Result<ContractDetail> {
    let contract = find(store, contract_id).await?;
    may_manage(actor, &contract)?;
    show(store, actor, contract_id, OffsetDateTime::now_utc().date()).await
}

/// An admin of the contract's organization links it to their own account without typing its
/// IDs ("Use this contract myself"): the same link, limit and audit entry as [`link`], with
/// `via: "admin"`. Anyone else gets `not_found` (or `forbidden_role` inside the organization).
pub async fn link_myself(
    store: &Store,
    policy: &Policy,
    actor: &Actor,
    contract_id: &str,
    now: OffsetDateTime,
) -> Result<(Contract, bool)> {
    let contract = find(store, contract_id).await?;
    may_manage(actor, &contract)?;
    attach(store, policy, actor, contract, "admin", now).await
}

/// Links `contract` to the actor's account (`via`: how the actor proved they may).
async fn attach(
    store: &Store,
    policy: &Policy,
    actor: &Actor,
    contract: Contract,
    via: &str,
    now: OffsetDateTime,
) -> Result<(Contract, bool)> {
    if store.is_linked(contract.id, actor.account_id).await? {
        return Ok((contract, false));
    }
    usable(&contract, now.date())?;
    match store
        .link(
            contract.id,
            actor.account_id,
            policy.max_linked_accounts,
            &crate::store::audit::AuditEntry::new(
                Some(actor.account_id.0),
                "contract.linked",
                format!("contract:{}", contract.contract_id),
                serde_json::json!({"account": actor.account_id.0, "via": via}),
            ),
            now,
        )
        .await?
    {
        LinkOutcome::Linked => {
            tracing::info!(account = %actor.account_id, contract = %contract.contract_id, via, "contract linked");
            Ok((contract, true))
        }
        LinkOutcome::AlreadyLinked => Ok((contract, false)),
        LinkOutcome::LimitReached => {
            let organization = store
                .organization(contract.organization_id)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            Err(Error::LinkLimitReached {
                limit: policy.max_linked_accounts,
                organization,
            })
        }
    }
}

/// Expired and exhausted contracts cannot be linked (or used).
pub fn usable(contract: &Contract, today: Date) -> Result<()> {
    match contract.status(today) {
        ContractStatus::Expired => Err(Error::ContractExpired { end: contract.end }),
        ContractStatus::Exhausted => Err(Error::ContractExhausted {
            used: contract.used,
            allotted: contract.allotted.unwrap_or_default(),
        }),
        ContractStatus::Active | ContractStatus::NotStarted => Ok(()),
    }
}

/// The contracts the actor linked.
pub async fn linked(store: &Store, actor: &Actor) -> Result<Vec<LinkedContract>> {
    store.linked_contracts(actor.account_id).await
}

/// Removes the actor's own link.
pub async fn unlink(
    store: &Store,
    actor: &Actor,
    contract_id: &str,
    now: OffsetDateTime,
) -> Result<()> {
    let contract = find(store, contract_id).await?;
    if store
        .revoke_link(
            contract.id,
            actor.account_id,
            actor.account_id,
            &crate::store::audit::AuditEntry::new(
                Some(actor.account_id.0),
                "contract.unlinked",
                format!("contract:{}", contract.contract_id),
                serde_json::json!({"account": actor.account_id.0}),
            ),
            now,
        )
        .await?
    {
        tracing::info!(account = %actor.account_id, contract = %contract.contract_id, "contract unlinked");
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// A forecast in one sentence, in `language` (the contract page, the low-balance mail).
pub fn forecast_sentence(forecast: &Forecast, language: Language) -> String {
    use crate::i18n::t_args;
    let pace = |per_30_days: f64| {
        let text = if per_30_days.fract() == 0.0 {
            format!("{per_30_days:.0}")
        } else {
            format!("{per_30_days:.1}")
        };
        match language {
            Language::It => text.replace('.', ","),
            Language::En => text,
        }
    };
    match forecast {
        Forecast::RunsOut { on, per_30_days } => t_args(
            language,
            "forecast-runs-out",
            &[("date", on.to_string()), ("pace", pace(*per_30_days))],
        ),
        Forecast::ExpiresUnused {
            unused,
            end,
            per_30_days,
        } => t_args(
            language,
            "forecast-expires-unused",
            &[
                ("count", unused.to_string()),
                ("end", end.to_string()),
                ("pace", pace(*per_30_days)),
            ],
        ),
        Forecast::Exhausted => t_args(language, "forecast-exhausted", &[]),
        Forecast::Ended { unused } => {
            t_args(language, "forecast-ended", &[("count", unused.to_string())])
        }
    }
}

async fn find(store: &Store, contract_id: &str) -> Result<Contract> {
    let code = ContractId::parse(contract_id).map_err(|_| Error::NotFound)?;
    store.contract_by_code(&code).await?.ok_or(Error::NotFound)
}

/// One contract with its latest ledger entries, for an account that linked it, the owning
/// organization's admins, or operators; anyone else gets `not_found`. Each ledger entry names
/// its request and person only to those who may open that request ([`crate::domain::contract::LedgerEntry::seen_by`]).
/// Three indexed reads (four for the contract's admins, who also see its links): the contract,
/// its latest ledger entries and its use per day, from which the forecast on `today` is drawn.
pub async fn show(
    store: &Store,
    actor: &Actor,
    contract_id: &str,
    today: time::Date,
) -> Result<ContractDetail> {
    let (view, administered) = visible(store, actor, contract_id).await?;
    let holders = if administered {
        store.link_holders(view.contract.id).await?
    } else {
        Vec::new()
    };
    let ledger = seen_page(
        store
            .ledger_page(view.contract.id, None, LEDGER_PAGE)
            .await?,
        actor,
        view.contract.organization_id,
    );
    let usage_by_day = store.usage_by_day(view.contract.id).await?;
    let forecast = crate::domain::forecast::forecast(&view.contract, &usage_by_day, today);
    Ok(ContractDetail {
        ledger,
        contract: view.contract,
        organization_name: view.organization_name,
        administered,
        holders,
        linked_at: view.linked_at,
        usage_by_day,
        forecast,
    })
}

/// A page of a contract's ledger (oldest first): the `limit` entries before the entry
/// `before`, or the latest; for those who may see the contract ([`show`]).
pub async fn ledger(
    store: &Store,
    actor: &Actor,
    contract_id: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<(Contract, LedgerPage)> {
    let (view, _) = visible(store, actor, contract_id).await?;
    let page = store
        .ledger_page(
            view.contract.id,
            before,
            limit.clamp(1, crate::store::Page::MAX_LIMIT),
        )
        .await?;
    let page = seen_page(page, actor, view.contract.organization_id);
    Ok((view.contract, page))
}

/// The contract a viewer may see, and whether they administer it; `not_found` otherwise.
async fn visible(store: &Store, actor: &Actor, contract_id: &str) -> Result<(ContractView, bool)> {
    let code = ContractId::parse(contract_id).map_err(|_| Error::NotFound)?;
    let view = store
        .contract_view(&code, actor.account_id)
        .await?
        .ok_or(Error::NotFound)?;
    let administered = actor.can(
        Permission::ManageContracts,
        Some(view.contract.organization_id),
    );
    if !administered && view.linked_at.is_none() && !actor.is_operator() {
        return Err(Error::NotFound);
    }
    Ok((view, administered))
}

fn seen_page(page: LedgerPage, actor: &Actor, owner: OrganizationId) -> LedgerPage {
    LedgerPage {
        entries: page
            .entries
            .into_iter()
            .map(|entry| entry.seen_by(actor, owner))
            .collect(),
        older: page.older,
    }
}

/// The contracts an organization owns (its admins and operators), a page at a time.
pub async fn of_organization(
    store: &Store,
    actor: &Actor,
    organization: OrganizationId,
    page: Page,
) -> Result<Listing<Contract>> {
    if !actor.is_operator() {
        authorize(actor, Permission::ManageContracts, Some(organization))?;
    }
    store.contracts_page(organization, page).await
}

/// An organization admin removes someone's link.
pub async fn revoke(
    store: &Store,
    actor: &Actor,
    contract_id: &str,
    account: AccountId,
    now: OffsetDateTime,
) -> Result<()> {
    let contract = find(store, contract_id).await?;
    may_manage(actor, &contract)?;
    if store
        .revoke_link(
            contract.id,
            account,
            actor.account_id,
            &crate::store::audit::AuditEntry::new(
                Some(actor.account_id.0),
                "contract.link_revoked",
                format!("contract:{}", contract.contract_id),
                serde_json::json!({"account": account.0}),
            ),
            now,
        )
        .await?
    {
        tracing::info!(actor = %actor.account_id, contract = %contract.contract_id, account = %account, "link revoked");
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// An organization admin replaces a leaked Access ID: links stay, the old ID stops working.
pub async fn rotate(store: &Store, actor: &Actor, contract_id: &str) -> Result<AccessId> {
    let contract = find(store, contract_id).await?;
    may_manage(actor, &contract)?;
    let access_id = AccessId::generate(&mut rand::rng());
    store
        .rotate_access_id(
            contract.id,
            &access_id,
            &crate::store::audit::AuditEntry::new(
                Some(actor.account_id.0),
                "contract.access_id_rotated",
                format!("contract:{}", contract.contract_id),
                serde_json::json!({}),
            ),
            time::OffsetDateTime::now_utc(),
        )
        .await?;
    tracing::info!(actor = %actor.account_id, contract = %contract.contract_id, "access id rotated");
    Ok(access_id)
}
