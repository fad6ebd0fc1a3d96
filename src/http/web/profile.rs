//! The signed-in account's own page: who am I, my organization and roles, my API tokens.

use super::{FormErrors, Layout, render, see_other};
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

/// `POST /account/tokens/{token_id}/revoke`
pub async fn revoke_token(
    State(state): State<AppState>,
    context: RequestContext,
    Path(token_id): Path<i64>,
    WebForm(_): WebForm<RevokeForm>,
) -> Result<Response> {
    tokens::revoke(
        &state.store,
        context.actor()?,
        TokenId(token_id),
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(see_other("/account"))
}
