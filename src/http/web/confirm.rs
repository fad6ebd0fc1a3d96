//! The page a destructive action shows before it is taken: what will happen and to whom, a
//! button that posts the action and a way back. It is a plain page and a plain form, so it
//! works without JavaScript.

use super::{Layout, render};
use crate::error::Result;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Template)]
#[template(path = "confirm/show.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    /// Where the form posts the action.
    pub action: String,
    /// Where "Cancel" and the breadcrumb lead: the page the action was started from.
    pub cancel: String,
    pub back_label: String,
    /// What will happen, a sentence each.
    pub consequences: Vec<String>,
    /// Who it reaches (accounts, holders), under `affected_title`; may be empty.
    pub affected_title: String,
    pub affected: Vec<String>,
    pub confirm_label: String,
    /// Values the action needs, carried as hidden fields.
    pub fields: Vec<(String, String)>,
}

impl ConfirmPage {
    pub fn respond(&self) -> Result<Response> {
        render(StatusCode::OK, self)
    }
}
