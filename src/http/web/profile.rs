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
    /// Every time zone the database knows, by name.
    zones: Vec<String>,
}

impl ProfilePage {
    fn zone_chosen(&self, zone: &str) -> bool {
        self.account.time_zone.as_deref() == Some(zone)
    }
}

/// The time zone names offered on the account page, sorted.
fn zone_names() -> Vec<String> {
    let mut zones: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.as_str().to_owned())
        .filter(|name| name.contains('/') && !name.starts_with("Etc/"))
        .collect();
    zones.push("UTC".to_owned());
    zones.sort();
    zones.dedup();
    zones
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
        zones: zone_names(),
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
pub struct PreferencesForm {
    #[serde(default)]
    language: String,
    #[serde(default)]
    time_zone: String,
}

/// `POST /account/preferences`: the account's language and time zone; nothing changes when
/// either is refused.
pub async fn save_preferences(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(form): WebForm<PreferencesForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    let language = crate::domain::Language::parse(&form.language)
        .ok_or_else(|| Error::field("language", "unknown_language"))?;
    match accounts::set_time_zone(&state.store, actor, Some(&form.time_zone)).await {
        Ok(()) => {}
        Err(Error::InvalidInput(fields)) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&state, &context, None, FormErrors(fields)).await?,
            );
        }
        Err(error) => return Err(error),
    }
    accounts::set_language(&state.store, actor, language).await?;
    let zone = crate::domain::account::time_zone(&form.time_zone).map_or_else(
        || crate::i18n::t(language, "preferences-zone-browser"),
        |(name, _)| name,
    );
    let flash = super::flash::Flash::new("flash-preferences-saved")
        .arg(
            "language",
            match language {
                crate::domain::Language::En => "English",
                crate::domain::Language::It => "Italiano",
            },
        )
        .arg("zone", zone);
    let mut response = super::flash::see_other_with(
        "/account#preferences-heading",
        &flash,
        state.settings.secure_cookies(),
    );
    response.headers_mut().append(
        axum::http::header::SET_COOKIE,
        crate::http::context::build_cookie(
            crate::http::context::LANGUAGE_COOKIE,
            language.code().to_owned(),
            false,
            state.settings.secure_cookies(),
        ),
    );
    Ok(response)
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
        |at| layout.t1("confirm-revoke-token-last-used", "at", layout.when_text(at)),
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
