//! Operator console: the audit log with its filters, under a banner saying whether the hash
//! chain still verifies.

use super::{Arg, FormErrors, Layout, Pager, console_page, encode_component, escape, render};
use crate::actions::audit;
use crate::domain::membership::parse_date;
use crate::domain::policy::Policy;
use crate::domain::request::{RefundReason, RequestStatus};
use crate::domain::{FieldError, Language, Role};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::extract::Query;
use crate::store::audit::{AuditFilter, AuditNames, AuditRecord, ChainBreak};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::{Duration, OffsetDateTime, Time};

/// The filters as typed, kept to refill the form and the pager's links.
#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    after: Option<String>,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
pub struct ListPage {
    layout: Layout,
    form: AuditQuery,
    errors: FormErrors,
    entries: Vec<AuditRecord>,
    /// What each entry says happened, as a sentence with links.
    sentences: Vec<askama::filters::Safe<String>>,
    pager: Pager,
    /// How many entries of the chain this instance found intact, and where it first breaks.
    checked: usize,
    broken: Option<ChainBreak>,
    /// When this instance last walked the whole chain.
    walked_at: Option<String>,
    actions: &'static [&'static str],
}

impl ListPage {
    fn error(&self, field: &str) -> Option<String> {
        self.errors.get(&self.layout.language, field)
    }

    /// Why the chain broke, in the page's language.
    fn break_reason(&self, chain_break: &ChainBreak) -> String {
        if chain_break.reason.contains("before this one") {
            self.layout.t("audit-chain-reason-previous")
        } else {
            self.layout.t("audit-chain-reason-changed")
        }
    }

    fn filtered(&self) -> bool {
        [
            &self.form.actor,
            &self.form.action,
            &self.form.subject,
            &self.form.since,
            &self.form.until,
        ]
        .iter()
        .any(|value| !value.trim().is_empty())
    }

    /// The filters as query parameters, for the pager's links.
    fn filter_query(&self) -> String {
        [
            ("actor", &self.form.actor),
            ("action", &self.form.action),
            ("subject", &self.form.subject),
            ("since", &self.form.since),
            ("until", &self.form.until),
        ]
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| format!("&{name}={}", encode_component(value.trim())))
        .collect()
    }

    /// A link that filters the log by one value.
    fn filter_link(&self, name: &str, value: &str) -> String {
        format!("/operator/audit?{name}={}", encode_component(value))
    }

    /// The entries with their sentences.
    fn rows(&self) -> impl Iterator<Item = (&AuditRecord, &askama::filters::Safe<String>)> {
        self.entries.iter().zip(&self.sentences)
    }
}

/// Turns audit entries into sentences: "Carla Contoso linked contract 2105-7752-8", each name a
/// link (an account to what it did, an organization, contract or request to its page).
struct Sentences<'a> {
    layout: &'a Layout,
    policy: &'a Policy,
    names: &'a AuditNames,
}

impl Sentences<'_> {
    fn of(&self, entry: &AuditRecord) -> askama::filters::Safe<String> {
        let details = match serde_json::from_str::<serde_json::Value>(&entry.details) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        let text = |name: &str| details.get(name).map(detail_text).unwrap_or_default();
        let subject_id = entry.subject.split_once(':').map_or("", |(_, id)| id);
        let actor = self.actor(entry);
        let t = |key: &str, mut args: Vec<(&str, Arg)>| {
            args.push(("actor", Arg::Markup(actor.clone())));
            self.layout.t_rich(key, &args)
        };
        let organization =
            || Arg::Markup(self.organization(details.get("organization").and_then(|v| v.as_i64())));
        let contract = || Arg::Markup(self.contract(subject_id));
        let account = |id: Option<i64>| Arg::Markup(self.account(id));
        let request = || Arg::Markup(self.request(subject_id.parse().ok()));
        let benefit = || Arg::Text(self.benefit(&text("benefit")));
        let roles = |name: &str| Arg::Text(self.roles(details.get(name)));
        match entry.action.as_str() {
            "account.roles_changed" => t(
                "audit-did-account-roles-changed",
                vec![
                    ("account", account(subject_id.parse().ok())),
                    ("from", roles("from")),
                    ("to", roles("to")),
                ],
            ),
            "account.removed_from_organization" => t(
                "audit-did-account-removed",
                vec![
                    ("account", account(subject_id.parse().ok())),
                    ("organization", organization()),
                ],
            ),
            "benefit.activation_requested" => t(
                "audit-did-activation-requested",
                vec![("benefit", benefit()), ("organization", organization())],
            ),
            "benefit.activated" => t(
                match (
                    entry.actor_id.is_some(),
                    details.get("allotted").is_some_and(|v| !v.is_null()),
                ) {
                    (true, true) => "audit-did-activated",
                    (true, false) => "audit-did-activated-unlimited",
                    (false, true) => "audit-did-activated-automatically",
                    (false, false) => "audit-did-activated-automatically-unlimited",
                },
                vec![
                    ("benefit", benefit()),
                    ("organization", organization()),
                    ("contract", Arg::Markup(self.contract(&text("contract_id")))),
                    ("allotted", Arg::Text(text("allotted"))),
                ],
            ),
            "benefit.activation_rejected" => t(
                "audit-did-activation-rejected",
                vec![
                    ("benefit", benefit()),
                    ("organization", organization()),
                    ("reason", Arg::Text(text("reason"))),
                ],
            ),
            "contract.access_id_rotated" => t(
                "audit-did-access-id-rotated",
                vec![("contract", contract())],
            ),
            "contract.linked" => t(
                if text("via") == "admin" {
                    "audit-did-linked-as-admin"
                } else {
                    "audit-did-linked"
                },
                vec![("contract", contract())],
            ),
            "contract.unlinked" => t("audit-did-unlinked", vec![("contract", contract())]),
            "contract.link_revoked" => t(
                if text("reason") == "removed_from_organization" {
                    "audit-did-link-revoked-removed"
                } else {
                    "audit-did-link-revoked"
                },
                vec![
                    ("contract", contract()),
                    (
                        "account",
                        account(details.get("account").and_then(|v| v.as_i64())),
                    ),
                ],
            ),
            "contract.ordered" => t(
                if details.get("allotted").is_some_and(|v| !v.is_null()) {
                    "audit-did-contract-ordered"
                } else {
                    "audit-did-contract-ordered-unlimited"
                },
                vec![
                    ("contract", contract()),
                    ("organization", organization()),
                    ("plan", Arg::Text(self.benefit(&text("plan")))),
                    ("allotted", Arg::Text(text("allotted"))),
                    ("start", Arg::Markup(self.day(&text("start")))),
                    ("end", Arg::Markup(self.day(&text("end")))),
                ],
            ),
            "membership.added" => t(
                "audit-did-membership-added",
                vec![
                    (
                        "organization",
                        Arg::Markup(self.organization(subject_id.parse().ok())),
                    ),
                    ("offer", Arg::Text(self.offer(&text("offer")))),
                    ("competency", Arg::Text(text("competency"))),
                ],
            ),
            "membership.ended" => t(
                "audit-did-membership-ended",
                vec![
                    (
                        "organization",
                        Arg::Markup(self.organization(subject_id.parse().ok())),
                    ),
                    ("membership", Arg::Text(text("membership"))),
                    ("end", Arg::Markup(self.day(&text("end")))),
                ],
            ),
            "membership.removed" => t(
                "audit-did-membership-removed",
                vec![
                    (
                        "organization",
                        Arg::Markup(self.organization(subject_id.parse().ok())),
                    ),
                    ("membership", Arg::Text(text("membership"))),
                ],
            ),
            "membership.imported" => t(
                "audit-did-memberships-imported",
                vec![("rows", Arg::Text(text("rows")))],
            ),
            "policy.loaded" => self.layout.t_rich(
                "audit-did-policy-loaded",
                &[(
                    "source",
                    Arg::Markup(format!("<code>{}</code>", escape(subject_id))),
                )],
            ),
            "product.version_added" => t(
                "audit-did-version-added",
                vec![
                    ("version", Arg::Text(text("version"))),
                    ("product", Arg::Markup(self.product(subject_id))),
                ],
            ),
            "request.filed" => t("audit-did-request-filed", vec![("request", request())]),
            "request.refunded" => t(
                "audit-did-request-refunded",
                vec![
                    ("request", request()),
                    ("reason", Arg::Text(self.refund_reason(&text("reason")))),
                ],
            ),
            "request.status_changed" => t(
                "audit-did-status-changed",
                vec![
                    ("request", request()),
                    ("from", Arg::Text(self.status(&text("from")))),
                    ("to", Arg::Text(self.status(&text("to")))),
                ],
            ),
            "session.sign_in_failed" => self.layout.t_rich(
                if details.get("known_account").and_then(|v| v.as_bool()) == Some(true) {
                    "audit-did-sign-in-failed-known"
                } else {
                    "audit-did-sign-in-failed-unknown"
                },
                &[
                    ("email", Arg::Markup(self.layout.email(subject_id).0)),
                    ("address", Arg::Text(text("address"))),
                ],
            ),
            // An action this version does not describe (written by a newer one): its code and
            // particulars as they are.
            other => {
                let mut html = format!(
                    "<span class=\"audit-raw\">{actor} <code>{}</code>",
                    escape(other)
                );
                for (name, value) in &details {
                    if !value.is_null() {
                        html.push_str(&format!(
                            " · {}: {}",
                            escape(name),
                            escape(&detail_text(value))
                        ));
                    }
                }
                html.push_str("</span>");
                askama::filters::Safe(html)
            }
        }
    }

    /// Who did it: their name, linking to everything they did; "Sportello" when no one did.
    fn actor(&self, entry: &AuditRecord) -> String {
        match entry.actor_id {
            Some(id) => self.account(Some(id)),
            None => escape(&self.layout.t("audit-actor-system")),
        }
    }

    fn account(&self, id: Option<i64>) -> String {
        let Some(id) = id else {
            return escape(&self.layout.t("audit-someone"));
        };
        match self.names.accounts.get(&id) {
            Some((name, email)) => format!(
                r#"<a href="/operator/audit?actor={}" title="{}">{}</a>"#,
                encode_component(email),
                escape(email),
                escape(name)
            ),
            None => escape(&self.layout.t1("audit-actor-id", "id", id)),
        }
    }

    fn organization(&self, id: Option<i64>) -> String {
        let Some(id) = id else {
            return escape(&self.layout.t("audit-some-organization"));
        };
        match self.names.organizations.get(&id) {
            Some(name) => format!(
                r#"<a href="/operator/organizations/{id}">{}</a>"#,
                escape(name)
            ),
            None => escape(&self.layout.t1("audit-organization-id", "id", id)),
        }
    }

    fn contract(&self, code: &str) -> String {
        format!(
            r#"<a href="/contracts/{}" class="nowrap">{}</a>"#,
            encode_component(code),
            escape(code)
        )
    }

    fn request(&self, id: Option<i64>) -> String {
        match id.and_then(|id| self.names.requests.get(&id)) {
            Some(number) => format!(
                r#"<a href="/support/requests/{}" class="nowrap">{}</a>"#,
                encode_component(number),
                escape(number)
            ),
            None => escape(&self.layout.t1(
                "audit-request-id",
                "id",
                id.map(|id| id.to_string()).unwrap_or_default(),
            )),
        }
    }

    fn product(&self, code: &str) -> String {
        let name = self.names.products.get(code).map_or(code, String::as_str);
        format!(r#"<a href="/operator/products">{}</a>"#, escape(name))
    }

    fn day(&self, raw: &str) -> String {
        match parse_date(raw) {
            Some(day) => self.layout.day(&day).0,
            None => escape(raw),
        }
    }

    fn benefit(&self, code: &str) -> String {
        self.policy
            .plan_name(code, self.layout.language == Language::It)
            .unwrap_or(code)
            .to_owned()
    }

    fn offer(&self, code: &str) -> String {
        self.layout.t(&format!("offer-{code}"))
    }

    fn roles(&self, value: Option<&serde_json::Value>) -> String {
        let roles: Vec<String> = value
            .and_then(|v| v.as_array())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item.as_str())
                    .map(|code| match Role::parse(code) {
                        Some(role) => self.layout.role_name(&role),
                        None => code.to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if roles.is_empty() {
            self.layout.t("audit-no-roles")
        } else {
            crate::i18n::list(self.layout.language, &roles, roles.len())
        }
    }

    fn status(&self, code: &str) -> String {
        match RequestStatus::parse(code) {
            Some(_) => self.layout.t(&format!("request-status-{code}")),
            None => code.to_owned(),
        }
    }

    fn refund_reason(&self, code: &str) -> String {
        match RefundReason::parse(code) {
            Some(_) => self.layout.t(&format!("refund-reason-{code}")),
            None => code.to_owned(),
        }
    }
}

/// A detail's value as text: strings bare, lists joined with commas (so long lists wrap).
fn detail_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(detail_text).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

/// The first moment of `day` in UTC.
fn day_start(day: time::Date) -> OffsetDateTime {
    day.with_time(Time::MIDNIGHT).assume_utc()
}

/// Reads the filters; every refused field is reported at once.
async fn read(
    state: &AppState,
    context: &RequestContext,
    query: &AuditQuery,
) -> Result<std::result::Result<AuditFilter, Vec<FieldError>>> {
    let actor = context.actor()?;
    let mut errors = Vec::new();
    let mut filter = AuditFilter::default();
    if !query.actor.trim().is_empty() {
        match audit::account_id(&state.store, actor, &query.actor).await {
            Ok(id) => filter.actor_id = Some(id),
            Err(Error::InvalidInput(fields)) => errors.extend(fields),
            Err(error) => return Err(error),
        }
    }
    let text = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
    filter.action = text(&query.action);
    filter.subject = text(&query.subject);
    let mut day = |field: &'static str, value: &str| match value.trim() {
        "" => None,
        raw => {
            let date = parse_date(raw);
            if date.is_none() {
                errors.push(FieldError::new(field, "invalid_date"));
            }
            date
        }
    };
    let since = day("since", &query.since);
    let until = day("until", &query.until);
    if let (Some(since), Some(until)) = (since, until)
        && until < since
    {
        errors.push(FieldError::new("until", "end_before_start"));
    }
    // Both days are included: `until` reaches the last millisecond of its day.
    filter.since = since.map(day_start);
    filter.until = until.map(|day| match day.next_day() {
        Some(next) => day_start(next) - Duration::milliseconds(1),
        // The calendar's last day: everything from its start on.
        None => day_start(day).saturating_add(Duration::days(1)),
    });
    Ok(if errors.is_empty() {
        Ok(filter)
    } else {
        Err(errors)
    })
}

/// `GET /operator/audit?actor=&action=&subject=&since=&until=&after=`
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<AuditQuery>,
) -> Result<Response> {
    let actor = context.actor()?;
    let page = console_page(query.after.as_deref())?;
    let (status, pager, entries, errors) = match read(&state, &context, &query).await? {
        Ok(filter) => {
            let pager_of = page.clone();
            let listing = audit::entries(&state.store, actor, &filter, page).await?;
            let pager = Pager::new(&pager_of, &listing);
            (StatusCode::OK, pager, listing.items, FormErrors::default())
        }
        Err(fields) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Pager::single(),
            Vec::new(),
            FormErrors(fields),
        ),
    };
    let (chain, shown_break) = audit::chain(&state.store, actor, &entries).await?;
    let names = audit::names(&state.store, actor, &entries).await?;
    let layout = Layout::new(&context, "audit-title");
    let sentences = {
        let say = Sentences {
            layout: &layout,
            policy: &state.policy,
            names: &names,
        };
        entries.iter().map(|entry| say.of(entry)).collect()
    };
    let walked_at = chain.full_walk_at.map(super::date_time);
    let page = ListPage {
        layout,
        form: query,
        errors,
        entries,
        sentences,
        pager,
        checked: chain.count,
        // A break among the entries shown is as real as one the walk found.
        broken: chain.broken.or(shown_break),
        walked_at,
        actions: audit::KNOWN_ACTIONS,
    };
    render(status, &page)
}

#[cfg(test)]
mod tests {
    use super::{AuditNames, AuditRecord, Layout, Sentences};
    use crate::domain::Language;

    fn layout(language: Language) -> Layout {
        Layout {
            language,
            actor: None,
            csrf_token: String::new(),
            path: "/operator/audit".into(),
            title: String::new(),
            flash: None,
            refresh: None,
            time_zone: jiff::tz::TimeZone::UTC,
            time_zone_from_browser: false,
            now: time::OffsetDateTime::UNIX_EPOCH,
            section: None,
        }
    }

    /// Every action the service writes has a sentence in both languages, with every argument
    /// filled in.
    #[test]
    fn every_known_action_reads_as_a_sentence() {
        let policy =
            crate::domain::policy::parse(crate::domain::policy::DEFAULT_TOML).expect("policy");
        let mut names = AuditNames::default();
        names
            .accounts
            .insert(7, ("Carla Contoso".into(), "carla@contoso.com".into()));
        names.organizations.insert(3, "Contoso".into());
        names.requests.insert(12, "SR-2026-000012".into());
        let details = r#"{"account": 7, "organization": 3, "benefit": "product_support",
            "contract_id": "2105-7752-8", "allotted": 20, "reason": "goodwill", "via": "ids",
            "plan": "product_support", "start": "2026-01-01", "end": "2027-01-31",
            "offer": "gold", "competency": "cloud_platform", "membership": 4, "rows": 2,
            "version": "2025", "from": "open", "to": "resolved", "address": "192.0.2.1",
            "known_account": true}"#;
        // And with an unlimited allotment.
        let unlimited = details.replace(r#""allotted": 20"#, r#""allotted": null"#);
        for (language, details) in [
            (Language::En, details),
            (Language::It, details),
            (Language::En, unlimited.as_str()),
            (Language::It, unlimited.as_str()),
        ] {
            let layout = layout(language);
            let say = Sentences {
                layout: &layout,
                policy: &policy,
                names: &names,
            };
            for action in crate::actions::audit::KNOWN_ACTIONS {
                let subject = match action.split('.').next() {
                    Some("account") => "account:7",
                    Some("contract") => "contract:2105-7752-8",
                    Some("membership") => "organization:3",
                    Some("request") => "request:12",
                    Some("product") => "product:sql-server",
                    Some("session") => "email:carla@contoso.com",
                    Some("policy") => "policy:default",
                    _ => "activation:1",
                };
                let entry = AuditRecord {
                    id: 1,
                    chain: 0,
                    at: time::OffsetDateTime::UNIX_EPOCH,
                    actor_id: Some(7),
                    actor_email: Some("carla@contoso.com".into()),
                    action: (*action).into(),
                    subject: subject.into(),
                    details: details.into(),
                    prev_hash: String::new(),
                    hash: String::new(),
                };
                let sentence = say.of(&entry).0;
                assert!(
                    !sentence.contains("audit-raw") && !sentence.contains("audit-did"),
                    "{action} in {language:?}: {sentence}"
                );
                assert!(
                    !sentence.contains('{')
                        && !sentence.contains('\u{E000}')
                        && !sentence.contains("null"),
                    "{action} in {language:?} leaves an argument out: {sentence}"
                );
                if !matches!(*action, "policy.loaded" | "session.sign_in_failed") {
                    assert!(
                        sentence.contains(r#"title="carla@contoso.com">Carla Contoso</a>"#),
                        "{action} in {language:?} names who did it: {sentence}"
                    );
                }
            }
        }
    }
}
