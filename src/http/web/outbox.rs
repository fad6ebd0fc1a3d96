//! Operator console: the notification outbox, newest first, with each message's delivery state.

use super::{Layout, Pager, console_page, render};
use crate::actions::audit;
use crate::error::Result;
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::extract::Query;
use crate::store::outbox::Message;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "outbox/list.html")]
pub struct ListPage {
    layout: Layout,
    messages: Vec<Message>,
    pager: Pager,
    smtp: bool,
}

impl ListPage {
    /// The kind as people say it; the code itself for a kind without a message.
    fn kind_text(&self, kind: &str) -> String {
        let key = format!("outbox-kind-{kind}");
        let text = self.layout.t(&key);
        if text == key { kind.to_owned() } else { text }
    }

    /// `(badge class, label)` for where the message stands.
    fn delivery(&self, message: &Message) -> (&'static str, String) {
        if let Some(at) = message.sent_at {
            (
                "badge-ok",
                self.layout
                    .t1("outbox-sent", "at", self.layout.when_text(at)),
            )
        } else if message.last_error.is_some() {
            (
                "badge-danger",
                self.layout.t1("outbox-failed", "count", message.attempts),
            )
        } else if self.smtp {
            ("badge-info", self.layout.t("outbox-waiting"))
        } else {
            ("badge-muted", self.layout.t("outbox-kept"))
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    after: Option<String>,
}

/// `GET /operator/outbox?after=`
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let actor = context.actor()?;
    let page = console_page(query.after.as_deref())?;
    let pager_of = page.clone();
    let messages = audit::outbox(&state.store, actor, page).await?;
    let page = ListPage {
        layout: Layout::new(&context, "outbox-title"),
        pager: Pager::new(&pager_of, &messages),
        messages: messages.items,
        smtp: state.settings.smtp_url.is_some(),
    };
    render(StatusCode::OK, &page)
}
