//! Operator console: accounts and their roles.

use super::{FormErrors, Layout, Pager, console_page, render, see_other};
use crate::actions::accounts::{self, AccountInput};
use crate::actions::{authorize, organizations};
use crate::domain::account::Account;
use crate::domain::organization::Organization;
use crate::domain::{
    AccountId, AccountKind, FieldError, Language, OrganizationId, Permission, Role,
};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::extract::{Path, Query, WebForm};
use crate::store::Page;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

/// The values of the creation form, kept when it is shown again with errors.
#[derive(Default, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    language: String,
}

impl AccountForm {
    fn has_role(&self, role: &Role) -> bool {
        self.roles.iter().any(|r| r == role.as_str())
    }
}

#[derive(Template)]
#[template(path = "accounts/list.html")]
pub struct ListPage {
    layout: Layout,
    accounts: Vec<Account>,
    organizations: Vec<Organization>,
    pager: Pager,
    filter: Option<OrganizationId>,
    created: Option<Account>,
    form: AccountForm,
    errors: FormErrors,
    organization_roles: [Role; 4],
}

impl ListPage {
    fn organization_name(&self, id: &Option<OrganizationId>) -> String {
        id.and_then(|id| self.organizations.iter().find(|o| o.id == id))
            .map(|o| o.name.clone())
            .unwrap_or_default()
    }

    fn filter_query(&self) -> String {
        self.filter
            .map(|id| format!("&organization_id={id}"))
            .unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    after: Option<String>,
    created: Option<i64>,
    organization_id: Option<i64>,
}

async fn list_page(
    state: &AppState,
    context: &RequestContext,
    query: ListQuery,
    form: AccountForm,
    errors: FormErrors,
) -> Result<ListPage> {
    let actor = context.actor()?;
    authorize(actor, Permission::ManageOrganizations, None)?;
    let page = console_page(query.after.as_deref())?;
    let pager_of = page.clone();
    let filter = query.organization_id.map(OrganizationId);
    let accounts = accounts::list(&state.store, actor, filter, page).await?;
    let organizations = organizations::list(&state.store, actor, Page::first(Page::MAX_LIMIT))
        .await?
        .items;
    let created = match query.created {
        Some(id) => Some(accounts::get(&state.store, actor, AccountId(id)).await?),
        None => None,
    };
    Ok(ListPage {
        layout: Layout::new(context, "accounts-title"),
        pager: Pager::new(&pager_of, &accounts),
        accounts: accounts.items,
        organizations,
        filter,
        created,
        form,
        errors,
        organization_roles: Role::ORGANIZATION_ROLES,
    })
}

/// `GET /operator/accounts`
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let form = AccountForm {
        organization_id: query
            .organization_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        ..AccountForm::default()
    };
    render(
        StatusCode::OK,
        &list_page(&state, &context, query, form, FormErrors::default()).await?,
    )
}

fn parse_roles(raw: &[String], field_errors: &mut Vec<FieldError>) -> Vec<Role> {
    let roles: Vec<Role> = raw.iter().filter_map(|r| Role::parse(r)).collect();
    if roles.len() != raw.len() {
        field_errors.push(FieldError::new("roles", "unknown_role"));
    }
    roles
}

/// `POST /operator/accounts`
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(mut form): WebForm<AccountForm>,
) -> Result<Response> {
    let mut field_errors = Vec::new();
    let kind = AccountKind::parse(&form.kind);
    if kind.is_none() {
        field_errors.push(FieldError::new("kind", "required"));
    }
    let organization_id = match form.organization_id.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(id) => Some(OrganizationId(id)),
            Err(_) => {
                field_errors.push(FieldError::new("organization_id", "unknown_organization"));
                None
            }
        },
    };
    let roles = parse_roles(&form.roles, &mut field_errors);
    let outcome = match (kind, field_errors.is_empty()) {
        (Some(kind), true) => {
            let input = AccountInput {
                email: form.email.clone(),
                display_name: form.display_name.clone(),
                kind,
                password: form.password.clone(),
                organization_id,
                roles,
                language: Language::parse(&form.language),
            };
            accounts::create(
                &state.store,
                context.actor()?,
                input,
                OffsetDateTime::now_utc(),
            )
            .await
        }
        _ => Err(Error::InvalidInput(field_errors)),
    };
    match outcome {
        Ok(account) => Ok(see_other(&format!(
            "/operator/accounts?created={}",
            account.id
        ))),
        Err(error @ (Error::InvalidInput(_) | Error::EmailTaken)) => {
            let status = error.status();
            let errors = match error {
                Error::InvalidInput(fields) => FormErrors(fields),
                _ => FormErrors(vec![FieldError::new("email", "email_taken")]),
            };
            form.password.clear();
            let query = ListQuery {
                after: None,
                created: None,
                organization_id: None,
            };
            render(
                status,
                &list_page(&state, &context, query, form, errors).await?,
            )
        }
        Err(error) => Err(error),
    }
}

#[derive(Deserialize)]
pub struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    return_to: String,
}

/// `POST /operator/accounts/{account_id}/roles`
pub async fn set_roles(
    State(state): State<AppState>,
    context: RequestContext,
    Path(account_id): Path<i64>,
    WebForm(form): WebForm<RolesForm>,
) -> Result<Response> {
    let mut field_errors = Vec::new();
    let roles = parse_roles(&form.roles, &mut field_errors);
    if !field_errors.is_empty() {
        return Err(Error::InvalidInput(field_errors));
    }
    let account =
        accounts::set_roles(&state.store, context.actor()?, AccountId(account_id), roles).await?;
    let target =
        super::local_path(Some(&form.return_to)).unwrap_or_else(|| match account.organization_id {
            Some(org) => format!("/operator/organizations/{org}"),
            None => "/operator/accounts".to_owned(),
        });
    Ok(see_other(&target))
}
