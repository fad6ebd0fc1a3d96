//! The signed-in account's own page: who am I, my organization and roles, my API tokens.

use super::{FormErrors, Layout, render};
use crate::actions::{accounts, organizations, tokens};
use crate::domain::account::Account;
use crate::domain::ids::TokenId;
use crate::domain::organization::Organization;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::extract::{Path, WebForm};
use crate::store::tokens::TokenInfo;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

#[derive(Template)]
#[template(path = "profile/show.html")]
pub struct ProfilePage {
    layout: Layout,
    account: Account,
    organization: Option<Organization>,
    tokens: Vec<TokenInfo>,
    new_token: Option<String>,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    context: &RequestContext,
    new_token: Option<String>,
    errors: FormErrors,
) -> Result<ProfilePage> {
    let actor = context.actor()?;
    let account = accounts::get(&state.store, actor, actor.account_id).await?;
    let organization = match account.organization_id {
        Some(org) => Some(organizations::get(&state.store, actor, org).await?),
        None => None,
    };
    Ok(ProfilePage {
        layout: Layout::new(context, "profile-title"),
        account,
        organization,
        tokens: tokens::list(&state.store, actor).await?,
        new_token,
        errors,
    })
}

/// `GET /account`
pub async fn show(State(state): State<AppState>, context: RequestContext) -> Result<Response> {
    render(
        StatusCode::OK,
        &page(&state, &context, None, FormErrors::default()).await?,
    )
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

/// `POST /account/tokens`: shows the new secret once, on this page.
pub async fn create_token(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(form): WebForm<TokenForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    match tokens::create(&state.store, actor, &form.name, OffsetDateTime::now_utc()).await {
        Ok((secret, _)) => render(
            StatusCode::CREATED,
            &page(&state, &context, Some(secret), FormErrors::default()).await?,
        ),
        Err(Error::InvalidInput(fields)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, &context, None, FormErrors(fields)).await?,
        ),
        Err(error) => Err(error),
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {}

/// `GET /account/tokens/{token_id}/revoke`: what revoking the token will do.
pub async fn confirm_revoke_token(
    State(state): State<AppState>,
    context: RequestContext,
    Path(token_id): Path<i64>,
) -> Result<Response> {
    let token = tokens::list(&state.store, context.actor()?)
        .await?
        .into_iter()
        .find(|token| token.id == TokenId(token_id))
        .ok_or(crate::error::Error::NotFound)?;
    let mut layout = Layout::new(&context, "confirm-revoke-token-title");
    layout.title = layout.t1("confirm-revoke-token-title", "name", &token.name);
    let last_used = token.last_used_at.map_or_else(
        || layout.t("confirm-revoke-token-never-used"),
        |at| layout.t1("confirm-revoke-token-last-used", "at", super::date_time(at)),
    );
    let page = super::confirm::ConfirmPage {
        action: format!("/account/tokens/{token_id}/revoke"),
        cancel: "/account#tokens-heading".to_owned(),
        back_label: layout.t("nav-account"),
        consequences: vec![
            layout.t1("confirm-revoke-token-what", "name", &token.name),
            last_used,
        ],
        affected_title: String::new(),
        affected: Vec::new(),
        confirm_label: layout.t("tokens-revoke"),
        fields: Vec::new(),
        layout,
    };
    page.respond()
}

/// `POST /account/tokens/{token_id}/revoke`
pub async fn revoke_token(
    State(state): State<AppState>,
    context: RequestContext,
    Path(token_id): Path<i64>,
    WebForm(_): WebForm<RevokeForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    let name = tokens::list(&state.store, actor)
        .await?
        .into_iter()
        .find(|token| token.id == TokenId(token_id))
        .map(|token| token.name);
    tokens::revoke(
        &state.store,
        actor,
        TokenId(token_id),
        OffsetDateTime::now_utc(),
    )
    .await?;
    let flash = super::flash::Flash::new("flash-token-revoked")
        .arg("name", name.unwrap_or_else(|| format!("#{token_id}")));
    Ok(super::flash::see_other_with(
        "/account#tokens-heading",
        &flash,
        state.settings.secure_cookies(),
    ))
}
