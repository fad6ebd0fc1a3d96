//! Operator console: the audit log with its filters, under a banner saying whether the hash
//! chain still verifies.

use super::{FormErrors, Layout, Pager, console_page, encode_component, render};
use crate::actions::audit;
use crate::domain::FieldError;
use crate::domain::membership::parse_date;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::extract::Query;
use crate::store::audit::{AuditFilter, AuditRecord, ChainBreak};
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

    fn actor_text(&self, entry: &AuditRecord) -> String {
        match (&entry.actor_email, entry.actor_id) {
            (Some(email), _) => email.clone(),
            (None, Some(id)) => self.layout.t1("audit-actor-id", "id", id),
            (None, None) => self.layout.t("audit-actor-system"),
        }
    }

    /// What the actor filter link should carry: the email when known, else the id.
    fn actor_filter(&self, entry: &AuditRecord) -> Option<String> {
        entry
            .actor_email
            .clone()
            .or_else(|| entry.actor_id.map(|id| id.to_string()))
    }

    /// The details as `name: value` pairs (the raw text when it is not a JSON object).
    fn details(&self, entry: &AuditRecord) -> Vec<(String, String)> {
        match serde_json::from_str::<serde_json::Value>(&entry.details) {
            Ok(serde_json::Value::Object(map)) => map
                .into_iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(name, value)| (name, detail_text(value)))
                .collect(),
            _ if entry.details.is_empty() || entry.details == "null" => Vec::new(),
            _ => vec![(String::new(), entry.details.clone())],
        }
    }
}

/// A detail's value as text: strings bare, lists joined with commas (so long lists wrap).
fn detail_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text,
        serde_json::Value::Array(items) => items
            .into_iter()
            .map(detail_text)
            .collect::<Vec<_>>()
            .join(", "),
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
    let layout = Layout::new(&context, "audit-title");
    let walked_at = chain.full_walk_at.map(super::date_time);
    let page = ListPage {
        layout,
        form: query,
        errors,
        entries,
        pager,
        checked: chain.count,
        // A break among the entries shown is as real as one the walk found.
        broken: chain.broken.or(shown_break),
        walked_at,
        actions: audit::KNOWN_ACTIONS,
    };
    render(status, &page)
}
