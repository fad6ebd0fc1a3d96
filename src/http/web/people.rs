//! People: an organization's Global admins and Partner admins manage the accounts of their
//! organization (the list, roles, adding an account, removing one from the organization).
//! Operators manage every account from the console instead.

use super::flash::{Flash, see_other_with};
use super::{FormErrors, Layout, Pager, console_page, render, see_other};
use crate::actions::accounts::{self, AccountInput};
use crate::actions::organizations;
use crate::domain::account::Account;
use crate::domain::{
    AccountId, AccountKind, FieldError, Language, OrganizationId, Permission, Role,
};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::field_message;
use crate::http::extract::{Path, Query, WebForm};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

const PEOPLE: &str = "/organization/people";

/// The values of the add form, kept when it is shown again with errors (the password aside).
#[derive(Default, Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    language: String,
}

impl PersonForm {
    fn has_role(&self, role: &Role) -> bool {
        self.roles.iter().any(|r| r == role.as_str())
    }
}

/// A roles form that was refused: whose, the roles as ticked, and why.
pub struct RolesRefusal {
    account: AccountId,
    email: String,
    roles: Vec<String>,
    message: String,
}

#[derive(Template)]
#[template(path = "people/list.html")]
pub struct ListPage {
    layout: Layout,
    organization_name: String,
    accounts: Vec<Account>,
    pager: Pager,
    form: PersonForm,
    errors: FormErrors,
    refused: Option<RolesRefusal>,
    organization_roles: [Role; 4],
}

impl ListPage {
    /// Whether `role` is ticked in `account`'s roles form: as refused, or as held.
    fn ticked(&self, account: &Account, role: &Role) -> bool {
        match &self.refused {
            Some(refused) if refused.account == account.id => {
                refused.roles.iter().any(|r| r == role.as_str())
            }
            _ => account.roles.contains(role),
        }
    }

    /// Whether `account` is the viewer's own.
    fn is_viewer(&self, account: &Account) -> bool {
        self.layout
            .actor
            .as_ref()
            .is_some_and(|actor| actor.account_id == account.id)
    }

    /// Whether `account` also holds the operator role (which only operators change).
    fn holds_operator(&self, account: &Account) -> bool {
        account.roles.contains(&Role::Operator)
    }

    /// The refusal of `account`'s roles form, if it is the one refused.
    fn refusal_of(&self, account: &Account) -> Option<&str> {
        self.refused
            .as_ref()
            .filter(|refused| refused.account == account.id)
            .map(|refused| refused.message.as_str())
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    after: Option<String>,
}

/// The organization whose people the actor manages: its own, if its roles allow.
fn own_organization(context: &RequestContext) -> Result<OrganizationId> {
    let actor = context.actor()?;
    let organization = actor
        .organization_id
        .ok_or_else(|| Error::forbidden(Permission::ManageAccounts))?;
    crate::actions::authorize(actor, Permission::ManageAccounts, Some(organization))?;
    Ok(organization)
}

async fn list_page(
    state: &AppState,
    context: &RequestContext,
    after: Option<&str>,
    form: PersonForm,
    errors: FormErrors,
    refused: Option<RolesRefusal>,
) -> Result<ListPage> {
    let actor = context.actor()?;
    let organization = own_organization(context)?;
    let window = console_page(after)?;
    let pager_of = window.clone();
    let listed = accounts::list(&state.store, actor, Some(organization), window).await?;
    let organization_name = organizations::get(&state.store, actor, organization)
        .await?
        .name;
    Ok(ListPage {
        layout: Layout::new(context, "people-title"),
        organization_name,
        pager: Pager::new(&pager_of, &listed),
        accounts: listed.items,
        form,
        errors,
        refused,
        organization_roles: Role::ORGANIZATION_ROLES,
    })
}

/// `GET /organization/people`; operators, who belong to no organization, have the console.
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let actor = context.actor()?;
    if actor.is_operator() && actor.organization_id.is_none() {
        return Ok(see_other("/operator/accounts"));
    }
    let page = list_page(
        &state,
        &context,
        query.after.as_deref(),
        PersonForm::default(),
        FormErrors::default(),
        None,
    )
    .await?;
    render(StatusCode::OK, &page)
}

fn parse_roles(raw: &[String]) -> Result<Vec<Role>> {
    let roles: Vec<Role> = raw.iter().filter_map(|r| Role::parse(r)).collect();
    if roles.len() == raw.len() {
        Ok(roles)
    } else {
        Err(Error::field("roles", "unknown_role"))
    }
}

/// `POST /organization/people`: adds an account to the actor's own organization.
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(mut form): WebForm<PersonForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    if actor.organization_id.is_none() {
        // Not an organization's admin: there is no People page to add to.
        return Err(if actor.is_operator() {
            Error::NotFound
        } else {
            Error::forbidden(Permission::ManageAccounts)
        });
    }
    let organization = own_organization(&context)?;
    let mut field_errors = Vec::new();
    let kind = AccountKind::parse(&form.kind);
    if kind.is_none() {
        field_errors.push(FieldError::new("kind", "required"));
    }
    let roles = parse_roles(&form.roles).unwrap_or_else(|error| {
        if let Error::InvalidInput(fields) = error {
            field_errors.extend(fields);
        }
        Vec::new()
    });
    let outcome = match kind {
        Some(kind) if field_errors.is_empty() => {
            let input = AccountInput {
                email: form.email.clone(),
                display_name: form.display_name.clone(),
                kind,
                password: form.password.clone(),
                organization_id: Some(organization),
                roles,
                language: Language::parse(&form.language),
            };
            accounts::create(&state.store, actor, input, OffsetDateTime::now_utc()).await
        }
        _ => Err(Error::InvalidInput(field_errors)),
    };
    match outcome {
        Ok(account) => Ok(see_other_with(
            PEOPLE,
            &Flash::new("flash-people-added").arg("email", account.email.as_str()),
            state.settings.secure_cookies(),
        )),
        Err(error @ (Error::InvalidInput(_) | Error::EmailTaken)) => {
            let status = error.status();
            let errors = match error {
                Error::InvalidInput(fields) => FormErrors(fields),
                _ => FormErrors(vec![FieldError::new("email", "email_taken")]),
            };
            form.password.clear();
            let page = list_page(&state, &context, None, form, errors, None).await?;
            render(status, &page)
        }
        Err(error) => Err(error),
    }
}

#[derive(Deserialize)]
pub struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
}

/// Roles as a sentence's list ("Global admin and Member"), or "no role".
fn role_list(language: Language, roles: &[Role]) -> String {
    if roles.is_empty() {
        return crate::i18n::t(language, "people-no-role");
    }
    let names: Vec<String> = roles
        .iter()
        .map(|role| crate::http::error::role_name(language, *role))
        .collect();
    crate::i18n::list(language, &names, Role::COUNT)
}

/// `POST /organization/people/{account_id}/roles`: a refusal is shown beside that account's
/// roles on the People page, with the boxes as they were ticked.
pub async fn set_roles(
    State(state): State<AppState>,
    context: RequestContext,
    Path(account_id): Path<i64>,
    WebForm(form): WebForm<RolesForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    let before = accounts::get(&state.store, actor, AccountId(account_id)).await?;
    let outcome = match parse_roles(&form.roles) {
        Ok(roles) => accounts::set_roles(&state.store, actor, before.id, roles).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(after) => {
            let language = context.language;
            let flash = if after.roles == before.roles {
                Flash::new("flash-people-roles-unchanged")
            } else {
                Flash::new("flash-people-roles-changed")
                    .arg("before", role_list(language, &before.roles))
            }
            .arg("email", after.email.as_str())
            .arg("roles", role_list(language, &after.roles));
            let manages = |roles: &[Role]| {
                roles
                    .iter()
                    .any(|role| role.allows(Permission::ManageAccounts))
            };
            let target = if after.id == actor.account_id && !manages(&after.roles) {
                // The actor gave up managing people: the People page is no longer theirs.
                "/".to_owned()
            } else if actor.organization_id.is_some()
                && after.organization_id == actor.organization_id
            {
                PEOPLE.to_owned()
            } else {
                match after.organization_id {
                    Some(org) => format!("/operator/organizations/{org}"),
                    None => "/".to_owned(),
                }
            };
            Ok(see_other_with(
                &target,
                &flash,
                state.settings.secure_cookies(),
            ))
        }
        Err(error @ (Error::InvalidInput(_) | Error::LastGlobalAdmin))
            if actor.organization_id.is_some()
                && before.organization_id == actor.organization_id =>
        {
            let status = error.status();
            let message = match &error {
                Error::InvalidInput(fields) => fields
                    .iter()
                    .map(|field| field_message(context.language, field.code))
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => crate::i18n::t(context.language, "people-last-global-admin"),
            };
            let refused = RolesRefusal {
                account: before.id,
                email: before.email.as_str().to_owned(),
                roles: form.roles,
                message,
            };
            let page = list_page(
                &state,
                &context,
                None,
                PersonForm::default(),
                FormErrors::default(),
                Some(refused),
            )
            .await?;
            render(status, &page)
        }
        Err(error) => Err(error),
    }
}

/// `GET /organization/people/{account_id}/remove`: what removing the account will do.
pub async fn confirm_remove(
    State(state): State<AppState>,
    context: RequestContext,
    Path(account_id): Path<i64>,
) -> Result<Response> {
    let actor = context.actor()?;
    let (account, organization, contracts) =
        accounts::removal_preview(&state.store, actor, AccountId(account_id)).await?;
    let organization_name = organizations::get(&state.store, actor, organization)
        .await?
        .name;
    let mut layout = Layout::new(&context, "confirm-remove-person-title");
    layout.title = layout.t2(
        "confirm-remove-person-title",
        "email",
        account.email.as_str(),
        "organization",
        &organization_name,
    );
    let who = format!("{} ({})", account.display_name, account.email.as_str());
    let mut consequences = vec![
        layout.t2(
            "confirm-remove-person-what",
            "who",
            &who,
            "organization",
            &organization_name,
        ),
        layout.t1(
            "confirm-remove-person-roles",
            "roles",
            role_list(
                context.language,
                &account
                    .roles
                    .iter()
                    .copied()
                    .filter(|role| role.is_organization_role())
                    .collect::<Vec<_>>(),
            ),
        ),
        layout.t1(
            "confirm-remove-person-links",
            "count",
            contracts.len().to_string(),
        ),
        layout.t("confirm-remove-person-keeps"),
    ];
    if account.id == actor.account_id {
        consequences.push(layout.t("confirm-remove-person-yourself"));
    }
    let back = if actor.organization_id == Some(organization) {
        PEOPLE.to_owned()
    } else {
        format!("/operator/organizations/{organization}")
    };
    let page = super::confirm::ConfirmPage {
        action: format!("{PEOPLE}/{}/remove", account.id),
        cancel: back,
        back_label: layout.t("people-title"),
        consequences,
        affected_title: layout.t("confirm-remove-person-contracts"),
        affected: contracts,
        confirm_label: layout.t("people-remove-confirm"),
        fields: Vec::new(),
        layout,
    };
    page.respond()
}

#[derive(Deserialize)]
pub struct RemoveForm {}

/// `POST /organization/people/{account_id}/remove`
pub async fn remove(
    State(state): State<AppState>,
    context: RequestContext,
    Path(account_id): Path<i64>,
    WebForm(_): WebForm<RemoveForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    let account = accounts::get(&state.store, actor, AccountId(account_id)).await?;
    let organization = account.organization_id.ok_or(Error::NotFound)?;
    let organization_name = organizations::get(&state.store, actor, organization)
        .await?
        .name;
    let removed = accounts::remove_from_organization(
        &state.store,
        actor,
        organization,
        account.id,
        OffsetDateTime::now_utc(),
    )
    .await?;
    let flash = Flash::new("flash-people-removed")
        .arg("email", removed.account.email.as_str())
        .arg("organization", organization_name)
        .arg("links", removed.removal.revoked_contracts.len().to_string());
    let target = if removed.account.id == actor.account_id {
        // The actor left the organization: the People page is no longer theirs.
        "/".to_owned()
    } else if actor.organization_id == Some(organization) {
        PEOPLE.to_owned()
    } else {
        format!("/operator/organizations/{organization}")
    };
    Ok(see_other_with(
        &target,
        &flash,
        state.settings.secure_cookies(),
    ))
}
