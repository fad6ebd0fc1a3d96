//! Operator console: the products requests are filed for, with their versions.

use super::{FormErrors, Layout, Pager, console_page, render, see_other};
use crate::actions::{authorize, products};
use crate::domain::Permission;
use crate::domain::policy::Scope;
use crate::domain::product::{Product, ProductInput, VersionInput};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::extract::{Query, WebForm};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

/// How many version rows the add form offers.
const VERSION_ROWS: usize = 3;

/// One version row of the form, as typed.
#[derive(Default, Clone)]
pub struct VersionRow {
    name: String,
    released: String,
    mainstream_end: String,
    extended_end: String,
}

impl VersionRow {
    fn is_empty(&self) -> bool {
        [
            &self.name,
            &self.released,
            &self.mainstream_end,
            &self.extended_end,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

/// The values of the add form; version fields repeat once per row.
#[derive(Default, Deserialize)]
pub struct ProductForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    workload: String,
    #[serde(default)]
    version_name: Vec<String>,
    #[serde(default)]
    version_released: Vec<String>,
    #[serde(default)]
    version_mainstream_end: Vec<String>,
    #[serde(default)]
    version_extended_end: Vec<String>,
}

impl ProductForm {
    /// Always [`VERSION_ROWS`] rows (or more, if more were sent), as typed.
    fn rows(&self) -> Vec<VersionRow> {
        let count = [
            self.version_name.len(),
            self.version_released.len(),
            self.version_mainstream_end.len(),
            self.version_extended_end.len(),
            VERSION_ROWS,
        ]
        .into_iter()
        .max()
        .unwrap_or(VERSION_ROWS);
        let at = |values: &Vec<String>, i: usize| values.get(i).cloned().unwrap_or_default();
        (0..count)
            .map(|i| VersionRow {
                name: at(&self.version_name, i),
                released: at(&self.version_released, i),
                mainstream_end: at(&self.version_mainstream_end, i),
                extended_end: at(&self.version_extended_end, i),
            })
            .collect()
    }

    fn input(&self) -> ProductInput {
        ProductInput {
            code: self.code.clone(),
            name: self.name.clone(),
            scope: self.scope.clone(),
            workload: self.workload.clone(),
            versions: self
                .rows()
                .into_iter()
                .filter(|row| !row.is_empty())
                .map(|row| VersionInput {
                    name: row.name,
                    released: row.released,
                    mainstream_end: row.mainstream_end,
                    extended_end: row.extended_end,
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "products/list.html")]
pub struct ListPage {
    layout: Layout,
    products: Vec<Product>,
    pager: Pager,
    created: Option<String>,
    form: ProductForm,
    rows: Vec<VersionRow>,
    errors: FormErrors,
    version_notice: Option<String>,
    version_error: Option<String>,
}

impl ListPage {
    fn scope_text(&self, scope: &Scope) -> String {
        self.layout.t(&format!("product-scope-{}", scope.as_str()))
    }

    fn error(&self, field: &str) -> Option<String> {
        self.errors.get(&self.layout.language, field)
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    after: Option<String>,
    created: Option<String>,
    /// A release added (`added=<product code>`) or refused (`refused=<error code>`).
    added: Option<String>,
    refused: Option<String>,
}

async fn list_page(
    state: &AppState,
    context: &RequestContext,
    after: Option<&str>,
    created: Option<String>,
    form: ProductForm,
    errors: FormErrors,
) -> Result<ListPage> {
    authorize(context.actor()?, Permission::OperateProgram, None)?;
    let page = console_page(after)?;
    let pager_of = page.clone();
    let products = products::page(&state.store, page).await?;
    let created = match created {
        Some(code) => state.store.product(&code).await?.map(|p| p.name),
        None => None,
    };
    Ok(ListPage {
        layout: Layout::new(context, "products-title"),
        pager: Pager::new(&pager_of, &products),
        products: products.items,
        created,
        rows: form.rows(),
        form,
        errors,
        version_notice: None,
        version_error: None,
    })
}

/// `GET /operator/products`
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let mut page = list_page(
        &state,
        &context,
        query.after.as_deref(),
        query.created,
        ProductForm::default(),
        FormErrors::default(),
    )
    .await?;
    page.version_notice = query.added.map(|code| {
        page.layout
            .t1("products-version-added", "product", code.as_str())
    });
    page.version_error = query
        .refused
        .filter(|code| code.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(|code| crate::http::error::field_message(page.layout.language, &code));
    render(StatusCode::OK, &page)
}

/// `POST /operator/products`: version rows left empty are ignored.
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(form): WebForm<ProductForm>,
) -> Result<Response> {
    let input = form.input();
    match products::create(
        &state.store,
        context.actor()?,
        &input,
        OffsetDateTime::now_utc(),
    )
    .await
    {
        Ok(product) => Ok(see_other(&format!(
            "/operator/products?created={}",
            super::encode_component(&product.code)
        ))),
        Err(Error::InvalidInput(fields)) => {
            let page = list_page(&state, &context, None, None, form, FormErrors(fields)).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(error) => Err(error),
    }
}

/// A new release as typed into a product's row.
#[derive(Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    released: String,
    #[serde(default)]
    mainstream_end: String,
    #[serde(default)]
    extended_end: String,
}

/// `POST /operator/products/{code}/versions`
pub async fn add_version(
    State(state): State<AppState>,
    context: RequestContext,
    crate::http::extract::Path(code): crate::http::extract::Path<String>,
    WebForm(form): WebForm<VersionForm>,
) -> Result<Response> {
    let input = crate::domain::product::VersionInput {
        name: form.name,
        released: form.released,
        mainstream_end: form.mainstream_end,
        extended_end: form.extended_end,
    };
    match products::add_version(
        &state.store,
        context.actor()?,
        &code,
        input,
        OffsetDateTime::now_utc(),
    )
    .await
    {
        Ok(product) => Ok(see_other(&format!(
            "/operator/products?added={}",
            super::encode_component(&product.code)
        ))),
        Err(Error::InvalidInput(fields)) => {
            let reason = fields.first().map_or("required", |f| f.code);
            Ok(see_other(&format!("/operator/products?refused={reason}")))
        }
        Err(error) => Err(error),
    }
}
