//! Operator console: organizations.

use super::{FormErrors, Layout, Pager, console_page, render, see_other};
use crate::actions::organizations::{self, OrganizationInput};
use crate::actions::{accounts, authorize, memberships};
use crate::domain::account::Account;
use crate::domain::membership::{Competency, Membership, MembershipInput};
use crate::domain::organization::Organization;
use crate::domain::{OrganizationId, Permission};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::extract::{Path, Query, WebForm};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

/// The values of the creation form, kept when it is shown again with errors.
#[derive(Default, Deserialize)]
pub struct OrganizationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    partner_id: String,
    csp: Option<String>,
}

#[derive(Template)]
#[template(path = "organizations/list.html")]
pub struct ListPage {
    layout: Layout,
    organizations: Vec<Organization>,
    pager: Pager,
    created: Option<Organization>,
    form: OrganizationForm,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct ListQuery {
    after: Option<String>,
    created: Option<i64>,
}

async fn list_page(
    state: &AppState,
    context: &RequestContext,
    after: Option<&str>,
    created: Option<Organization>,
    form: OrganizationForm,
    errors: FormErrors,
) -> Result<ListPage> {
    let page = console_page(after)?;
    let pager_of = page.clone();
    let listing = organizations::list(&state.store, context.actor()?, page).await?;
    Ok(ListPage {
        layout: Layout::new(context, "organizations-title"),
        pager: Pager::new(&pager_of, &listing),
        organizations: listing.items,
        created,
        form,
        errors,
    })
}

/// `GET /operator/organizations`
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let actor = context.actor()?;
    let created = match query.created {
        Some(id) => state.store.organization(OrganizationId(id)).await?,
        None => None,
    };
    authorize(actor, Permission::ManageOrganizations, None)?;
    let page = list_page(
        &state,
        &context,
        query.after.as_deref(),
        created,
        OrganizationForm::default(),
        FormErrors::default(),
    )
    .await?;
    render(StatusCode::OK, &page)
}

/// `POST /operator/organizations`
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(form): WebForm<OrganizationForm>,
) -> Result<Response> {
    let partner_id = Some(form.partner_id.trim())
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    let input = OrganizationInput {
        name: form.name.clone(),
        partner_id,
        csp: form.csp.is_some(),
    };
    match organizations::create(
        &state.store,
        context.actor()?,
        input,
        OffsetDateTime::now_utc(),
    )
    .await
    {
        Ok(organization) => Ok(see_other(&format!(
            "/operator/organizations?created={}",
            organization.id
        ))),
        Err(error @ (Error::InvalidInput(_) | Error::PartnerIdTaken)) => {
            let status = error.status();
            let errors = match error {
                Error::InvalidInput(fields) => FormErrors(fields),
                _ => FormErrors(vec![crate::domain::FieldError::new(
                    "partner_id",
                    "partner_id_taken",
                )]),
            };
            render(
                status,
                &list_page(&state, &context, None, None, form, errors).await?,
            )
        }
        Err(error) => Err(error),
    }
}

#[derive(Template)]
#[template(path = "organizations/show.html")]
pub struct ShowPage {
    layout: Layout,
    organization: Organization,
    accounts: Vec<Account>,
    /// The organization has more accounts than the page shows.
    more_accounts: bool,
    memberships: Vec<Membership>,
    pager: Pager,
    competencies: Vec<Competency>,
    today: time::Date,
    form: MembershipInput,
    errors: FormErrors,
}

impl ShowPage {
    fn competency_name(&self, code: &Option<String>) -> String {
        match code {
            Some(code) => self
                .competencies
                .iter()
                .find(|c| &c.code == code)
                .map_or_else(|| code.clone(), |c| c.name.clone()),
            None => "—".to_owned(),
        }
    }

    fn is_active(&self, membership: &Membership) -> bool {
        membership.active_on(self.today)
    }

    fn offer_name(&self, offer: &crate::domain::membership::Offer) -> String {
        self.layout.t(&format!("offer-{}", offer.as_str()))
    }
}

/// The organization page, with the membership form showing `form` and `errors`.
pub async fn show_page(
    state: &AppState,
    context: &RequestContext,
    organization: OrganizationId,
    after: Option<&str>,
    form: MembershipInput,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response> {
    let actor = context.actor()?;
    authorize(actor, Permission::ManageOrganizations, None)?;
    let organization = organizations::get(&state.store, actor, organization).await?;
    let accounts = accounts::list(
        &state.store,
        actor,
        Some(organization.id),
        console_page(None)?,
    )
    .await?;
    let window = console_page(after)?;
    let pager_of = window.clone();
    let memberships = memberships::list(&state.store, actor, organization.id, window).await?;
    let competencies = state.store.competencies().await?;
    let mut layout = Layout::new(context, "organizations-title");
    layout.title = organization.name.clone();
    let page = ShowPage {
        layout,
        organization,
        more_accounts: accounts.next.is_some(),
        accounts: accounts.items,
        pager: Pager::new(&pager_of, &memberships),
        memberships: memberships.items,
        competencies,
        today: OffsetDateTime::now_utc().date(),
        form,
        errors,
    };
    render(status, &page)
}

#[derive(Deserialize)]
pub struct ShowQuery {
    /// Where the memberships list starts.
    after: Option<String>,
}

/// `GET /operator/organizations/{org_id}?after=`
pub async fn show(
    State(state): State<AppState>,
    context: RequestContext,
    Path(org_id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> Result<Response> {
    show_page(
        &state,
        &context,
        OrganizationId(org_id),
        query.after.as_deref(),
        MembershipInput::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}
