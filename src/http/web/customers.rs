//! Customers of a CSP organization (its admins and Admin agents): the list, adding one, and
//! a customer's page with Service management (filing requests under the CSP plan).

use super::requests::RequestText;
use super::{FormErrors, Layout, Pager, console_page, render, see_other};
use crate::actions::{customers, requests};
use crate::domain::Permission;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::extract::{Path, Query, WebForm};
use crate::store::Page;
use crate::store::customers::Customer;
use crate::store::requests::SupportRequest;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

/// The values of the add form, kept when it is shown again with errors.
#[derive(Default, Deserialize)]
pub struct CustomerForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    domain: String,
}

#[derive(Template)]
#[template(path = "customers/list.html")]
pub struct ListPage {
    layout: Layout,
    customers: Vec<Customer>,
    pager: Pager,
    created: Option<Customer>,
    may_file: bool,
    form: CustomerForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    after: Option<String>,
    created: Option<i64>,
}

async fn list_page(
    state: &AppState,
    context: &RequestContext,
    after: Option<&str>,
    created: Option<i64>,
    form: CustomerForm,
    errors: FormErrors,
) -> Result<ListPage> {
    let actor = context.actor()?;
    let Some(organization) = actor.organization_id else {
        // No organization, no customers: the same answer as for a role that may not.
        return Err(Error::forbidden(Permission::ManageCustomers));
    };
    let window = console_page(after)?;
    let pager_of = window.clone();
    let customers = customers::list(&state.store, actor, organization, window).await?;
    let created = match created {
        Some(id) => match customers::get(&state.store, actor, id).await {
            Ok(customer) => Some(customer),
            Err(Error::NotFound) => None,
            Err(error) => return Err(error),
        },
        None => None,
    };
    Ok(ListPage {
        layout: Layout::new(context, "customers-title"),
        pager: Pager::new(&pager_of, &customers),
        customers: customers.items,
        created,
        may_file: actor.can(Permission::FileForCustomers, Some(organization)),
        form,
        errors,
    })
}

/// `GET /customers`
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let page = list_page(
        &state,
        &context,
        query.after.as_deref(),
        query.created,
        CustomerForm::default(),
        FormErrors::default(),
    )
    .await?;
    render(StatusCode::OK, &page)
}

/// `POST /customers`
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(form): WebForm<CustomerForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    let Some(organization) = actor.organization_id else {
        return Err(Error::forbidden(Permission::ManageCustomers));
    };
    match customers::create(
        &state.store,
        actor,
        organization,
        &form.name,
        &form.domain,
        OffsetDateTime::now_utc(),
    )
    .await
    {
        Ok(customer) => Ok(see_other(&format!("/customers?created={}", customer.id))),
        Err(Error::InvalidInput(fields)) => {
            let page = list_page(&state, &context, None, None, form, FormErrors(fields)).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(error) => Err(error),
    }
}

#[derive(Template)]
#[template(path = "customers/show.html")]
pub struct ShowPage {
    layout: Layout,
    customer: Customer,
    may_file: bool,
    text: RequestText,
    requests: Vec<SupportRequest>,
}

/// `GET /customers/{customer_id}`
pub async fn show(
    State(state): State<AppState>,
    context: RequestContext,
    Path(customer_id): Path<String>,
) -> Result<Response> {
    let actor = context.actor()?;
    // Parsed here rather than by the extractor so that signing in is asked for first.
    let id = customer_id.parse::<i64>().map_err(|_| Error::NotFound)?;
    let customer = customers::get(&state.store, actor, id).await?;
    // The requests this account may see (its own; an admin's, the organization's), for this
    // customer. One page is plenty for a customer's page; the full list is under Support.
    let mine = requests::mine(&state.store, actor, Page::first(Page::MAX_LIMIT)).await?;
    let requests: Vec<SupportRequest> = mine
        .items
        .into_iter()
        .filter(|r| r.customer_id == Some(customer.id))
        .collect();
    let text = RequestText::load(
        &state,
        context.language,
        &requests.iter().collect::<Vec<_>>(),
    )
    .await?;
    let mut layout = Layout::new(&context, "customers-title");
    layout.title = customer.name.clone();
    let page = ShowPage {
        layout,
        may_file: actor.can(Permission::FileForCustomers, Some(customer.organization_id)),
        customer,
        text,
        requests,
    };
    render(StatusCode::OK, &page)
}
