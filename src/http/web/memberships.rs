//! Operator console: an organization's memberships, and the CSV import.

use super::{FormErrors, Layout, render, see_other};
use crate::actions::memberships;
use crate::domain::OrganizationId;
use crate::domain::membership::MembershipInput;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::{ImportProblem, problem};
use crate::http::extract::{Path, WebForm};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

/// `POST /operator/organizations/{org_id}/memberships`: errors show on the organization page.
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    Path(org_id): Path<i64>,
    WebForm(input): WebForm<MembershipInput>,
) -> Result<Response> {
    let organization = OrganizationId(org_id);
    let input = MembershipInput {
        competency: input.competency.filter(|c| !c.trim().is_empty()),
        ..input
    };
    match memberships::add(
        &state.store,
        context.actor()?,
        organization,
        &input,
        OffsetDateTime::now_utc(),
    )
    .await
    {
        Ok(membership) => Ok(see_other(&format!(
            "/operator/organizations/{org_id}?membership={}",
            membership.id
        ))),
        Err(Error::InvalidInput(fields)) => {
            super::organizations::show_page(
                &state,
                &context,
                organization,
                None,
                input,
                FormErrors(fields),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => Err(error),
    }
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    end: String,
}

/// `POST /operator/organizations/{org_id}/memberships/{membership_id}/end`
pub async fn end(
    State(state): State<AppState>,
    context: RequestContext,
    Path((org_id, membership_id)): Path<(i64, i64)>,
    WebForm(form): WebForm<EndForm>,
) -> Result<Response> {
    let ended = memberships::end(
        &state.store,
        context.actor()?,
        OrganizationId(org_id),
        membership_id,
        &form.end,
    )
    .await?;
    let flash = super::flash::Flash::new("flash-membership-ended").arg(
        "membership",
        membership_name(
            &memberships::competencies(&state.store).await?,
            context.language,
            &ended,
        ),
    );
    Ok(super::flash::see_other_with(
        &format!("/operator/organizations/{org_id}"),
        &flash,
        state.settings.secure_cookies(),
    ))
}

#[derive(Deserialize)]
pub struct RemoveForm {}

/// A membership as pages name it: "Gold · Cloud platform, 2026-01-01 – 2026-12-31".
fn membership_name(
    competencies: &[crate::domain::membership::Competency],
    language: crate::domain::Language,
    membership: &crate::domain::membership::Membership,
) -> String {
    let offer = crate::i18n::t(language, &format!("offer-{}", membership.offer.as_str()));
    let competency = membership.competency.as_ref().map(|code| {
        competencies
            .iter()
            .find(|c| &c.code == code)
            .map_or_else(|| code.clone(), |c| c.name.clone())
    });
    match competency {
        Some(competency) => format!(
            "{offer} · {competency}, {} – {}",
            membership.start, membership.end
        ),
        None => format!("{offer}, {} – {}", membership.start, membership.end),
    }
}

/// `GET /operator/organizations/{org_id}/memberships/{membership_id}/remove`: what removing
/// will do.
pub async fn confirm_remove(
    State(state): State<AppState>,
    context: RequestContext,
    Path((org_id, membership_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let actor = context.actor()?;
    // The membership first: it asks for the operator's permission, so anyone else is refused
    // (403) before the organization lookup could tell whether it exists.
    let membership =
        memberships::get(&state.store, actor, OrganizationId(org_id), membership_id).await?;
    let organization =
        crate::actions::organizations::get(&state.store, actor, OrganizationId(org_id)).await?;
    let layout = Layout::new(&context, "confirm-remove-membership-title");
    let name = membership_name(
        &memberships::competencies(&state.store).await?,
        context.language,
        &membership,
    );
    let page = super::confirm::ConfirmPage {
        action: format!("/operator/organizations/{org_id}/memberships/{membership_id}/remove"),
        cancel: format!("/operator/organizations/{org_id}"),
        back_label: organization.name.clone(),
        consequences: vec![
            layout.t2(
                "confirm-remove-membership-what",
                "membership",
                &name,
                "organization",
                &organization.name,
            ),
            layout.t1(
                "confirm-remove-membership-benefits",
                "organization",
                &organization.name,
            ),
            layout.t("confirm-remove-membership-instead"),
        ],
        affected_title: String::new(),
        affected: Vec::new(),
        confirm_label: layout.t("confirm-remove-membership"),
        fields: Vec::new(),
        layout,
    };
    page.respond()
}

/// `POST /operator/organizations/{org_id}/memberships/{membership_id}/remove`
pub async fn remove(
    State(state): State<AppState>,
    context: RequestContext,
    Path((org_id, membership_id)): Path<(i64, i64)>,
    WebForm(_): WebForm<RemoveForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    let membership =
        memberships::get(&state.store, actor, OrganizationId(org_id), membership_id).await?;
    memberships::remove(&state.store, actor, OrganizationId(org_id), membership_id).await?;
    let flash = super::flash::Flash::new("flash-membership-removed").arg(
        "membership",
        membership_name(
            &memberships::competencies(&state.store).await?,
            context.language,
            &membership,
        ),
    );
    Ok(super::flash::see_other_with(
        &format!("/operator/organizations/{org_id}"),
        &flash,
        state.settings.secure_cookies(),
    ))
}

#[derive(Template)]
#[template(path = "memberships/import.html")]
pub struct ImportPage {
    layout: Layout,
    imported: Option<usize>,
    error: Option<String>,
    problems: Vec<ImportProblem>,
}

/// `GET /operator/memberships/import`
pub async fn import_form(context: RequestContext) -> Result<Response> {
    crate::actions::authorize(
        context.actor()?,
        crate::domain::Permission::ManageOrganizations,
        None,
    )?;
    let page = ImportPage {
        layout: Layout::new(&context, "import-title"),
        imported: None,
        error: None,
        problems: vec![],
    };
    render(StatusCode::OK, &page)
}

/// `POST /operator/memberships/import` (multipart: `csrf_token`, `file`)
pub async fn import(
    State(state): State<AppState>,
    context: RequestContext,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response> {
    let actor = context.actor()?;
    crate::actions::authorize(actor, crate::domain::Permission::ManageOrganizations, None)?;
    let mut multipart =
        multipart.map_err(|rejection| Error::MalformedBody(rejection.body_text()))?;
    let mut csrf = String::new();
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| Error::MalformedBody(error.body_text()))?
    {
        match field.name() {
            Some("csrf_token") => {
                csrf = field
                    .text()
                    .await
                    .map_err(|error| Error::MalformedBody(error.body_text()))?
            }
            Some("file") => {
                file = Some(
                    field
                        .bytes()
                        .await
                        .map_err(|error| Error::MalformedBody(error.body_text()))?
                        .to_vec(),
                )
            }
            _ => {}
        }
    }
    context.check_csrf(&csrf)?;
    let text = String::from_utf8(file.unwrap_or_default())
        .map_err(|_| Error::field("file", "not_text"))?;
    let outcome = memberships::import(
        &state.store,
        actor,
        &text,
        OffsetDateTime::now_utc(),
        &|_, _| {},
    )
    .await;
    let layout = Layout::new(&context, "import-title");
    match outcome {
        Ok(count) => render(
            StatusCode::OK,
            &ImportPage {
                layout,
                imported: Some(count),
                error: None,
                problems: vec![],
            },
        ),
        Err(error @ Error::ImportRejected(_)) => {
            let problem = problem(context.language, &error);
            let page = ImportPage {
                layout,
                imported: None,
                error: Some(problem.detail),
                problems: problem.problems,
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(error) => Err(error),
    }
}
