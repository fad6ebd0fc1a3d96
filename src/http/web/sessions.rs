//! Sign-in and sign-out pages, the language switch, and the home redirect.

use super::{FormErrors, Layout, local_path, render, see_other};
use crate::actions::{accounts as account_actions, sessions};
use crate::domain::{Actor, Language};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::{
    LANGUAGE_COOKIE, RequestContext, SESSION_COOKIE, Via, build_cookie, removal_cookie,
};
use crate::http::error::problem;
use crate::http::extract::{Query, WebForm};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::OffsetDateTime;

/// Where an actor lands after signing in.
pub fn home_path(actor: &Actor) -> &'static str {
    use crate::domain::Role;
    let admin = actor
        .roles
        .iter()
        .any(|role| matches!(role, Role::GlobalAdmin | Role::PartnerAdmin));
    let agent = actor.roles.contains(&Role::AdminAgent);
    if actor.is_operator() {
        "/operator/organizations"
    } else if actor.csp && (agent || admin) && !(admin && actor.partner_network) {
        // A CSP organization's Admin agents work for its customers, and so do the admins of an
        // organization that is a CSP and nothing else.
        "/customers"
    } else if actor.partner_network {
        "/benefits"
    } else {
        "/support"
    }
}

/// `GET /`
pub async fn home(context: RequestContext) -> Result<Response> {
    Ok(see_other(home_path(context.actor()?)))
}

#[derive(Template)]
#[template(path = "sessions/sign_in.html")]
pub struct SignInPage {
    layout: Layout,
    email: String,
    next: String,
    switching: bool,
    error: Option<String>,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    switch: Option<String>,
}

/// `GET /sign-in`: the form; signed-in visitors go home unless they chose to switch accounts.
pub async fn form(context: RequestContext, Query(query): Query<SignInQuery>) -> Result<Response> {
    let switching = query.switch.is_some();
    if let (Some(actor), false) = (&context.actor, switching) {
        return Ok(see_other(home_path(actor)));
    }
    let page = SignInPage {
        layout: Layout::new(&context, "sign-in-title"),
        email: String::new(),
        next: local_path(query.next.as_deref()).unwrap_or_default(),
        switching,
        error: None,
        errors: FormErrors::default(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /sign-in`: a new session (the old one, if any, ends: no session fixation).
pub async fn sign_in(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(form): WebForm<SignInForm>,
) -> Result<Response> {
    if let Via::Session(old) = &context.via {
        sessions::sign_out(&state.store, old).await?;
    }
    let outcome = sessions::sign_in(
        &state.store,
        &state.settings,
        &form.email,
        &form.password,
        &context.client_address,
        OffsetDateTime::now_utc(),
    )
    .await;
    match outcome {
        Ok(signed_in) => {
            let cookie = build_cookie(
                SESSION_COOKIE,
                signed_in.session_token,
                true,
                state.settings.secure_cookies(),
            );
            let actor = sessions::actor(&state.store, signed_in.account.id)
                .await?
                .ok_or(Error::InvalidCredentials)?;
            let target =
                local_path(Some(&form.next)).unwrap_or_else(|| home_path(&actor).to_owned());
            let mut response = see_other(&target);
            response.headers_mut().append(SET_COOKIE, cookie);
            if actor.language.is_none() {
                // The language the account signed in with becomes its own, so the notices it
                // is sent read like the pages it sees (My account changes it).
                account_actions::set_language(&state.store, &actor, context.language).await?;
            }
            if let Some(language) = actor.language {
                let cookie = build_cookie(
                    LANGUAGE_COOKIE,
                    language.code().to_owned(),
                    false,
                    state.settings.secure_cookies(),
                );
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            Ok(response)
        }
        Err(
            error @ (Error::InvalidCredentials
            | Error::InvalidInput(_)
            | Error::TooManyAttempts { .. }),
        ) => {
            let mut anonymous = context.clone();
            anonymous.actor = None;
            let status = error.status();
            let detail = problem(context.language, &error).detail;
            let errors = match error {
                Error::InvalidInput(fields) => FormErrors(fields),
                _ => FormErrors::default(),
            };
            let page = SignInPage {
                layout: Layout::new(&anonymous, "sign-in-title"),
                email: form.email,
                next: local_path(Some(&form.next)).unwrap_or_default(),
                switching: false,
                error: Some(detail),
                errors,
            };
            let mut response = render(status, &page)?;
            if let Via::Session(_) = context.via {
                response
                    .headers_mut()
                    .append(SET_COOKIE, removal_cookie(SESSION_COOKIE));
            }
            Ok(response)
        }
        Err(error) => Err(error),
    }
}

#[derive(Deserialize)]
pub struct EmptyForm {}

/// `POST /sign-out`
pub async fn sign_out(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(_): WebForm<EmptyForm>,
) -> Result<Response> {
    if let Via::Session(token) = &context.via {
        sessions::sign_out(&state.store, token).await?;
    }
    let mut response = see_other("/sign-in");
    response
        .headers_mut()
        .append(SET_COOKIE, removal_cookie(SESSION_COOKIE));
    Ok(response)
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    return_to: String,
}

/// `POST /language`: remembers the choice in a cookie and, when signed in, on the account.
pub async fn language(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(form): WebForm<LanguageForm>,
) -> Result<Response> {
    let language =
        Language::parse(&form.lang).ok_or_else(|| Error::field("lang", "unknown_language"))?;
    if let Some(actor) = &context.actor {
        account_actions::set_language(&state.store, actor, language).await?;
    }
    let target = local_path(Some(&form.return_to)).unwrap_or_else(|| "/".to_owned());
    let cookie = build_cookie(
        LANGUAGE_COOKIE,
        language.code().to_owned(),
        false,
        state.settings.secure_cookies(),
    );
    Ok(([(SET_COOKIE, cookie)], see_other(&target)).into_response())
}
