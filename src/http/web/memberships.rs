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
    memberships::end(
        &state.store,
        context.actor()?,
        OrganizationId(org_id),
        membership_id,
        &form.end,
    )
    .await?;
    Ok(see_other(&format!("/operator/organizations/{org_id}")))
}

#[derive(Deserialize)]
pub struct RemoveForm {}

/// `POST /operator/organizations/{org_id}/memberships/{membership_id}/remove`
pub async fn remove(
    State(state): State<AppState>,
    context: RequestContext,
    Path((org_id, membership_id)): Path<(i64, i64)>,
    WebForm(_): WebForm<RemoveForm>,
) -> Result<Response> {
    memberships::remove(
        &state.store,
        context.actor()?,
        OrganizationId(org_id),
        membership_id,
    )
    .await?;
    Ok(see_other(&format!("/operator/organizations/{org_id}")))
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
