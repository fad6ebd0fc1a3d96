//! The HTTP server: one router for the JSON API, the web pages and the operational endpoints.

pub mod api;
pub mod body;
pub mod context;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod server;
pub mod web;

use crate::config::Settings;
use crate::domain::policy::Policy;
use crate::store::Store;
use axum::Router;
use axum::extract::State;
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get};
use std::sync::Arc;
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Shared by every handler. One `Arc`: extracting the state for a handler costs one counter
/// change, not one per part.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] holds.
pub struct Shared {
    pub store: Store,
    pub settings: Arc<Settings>,
    pub policy: Arc<Policy>,
    pub metrics: Arc<metrics::Metrics>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(store: Store, settings: Settings, policy: Arc<Policy>) -> Self {
        Self(Arc::new(Shared {
            store,
            settings: Arc::new(settings),
            policy,
            metrics: metrics::Metrics::new(),
        }))
    }
}

/// The application routes, recorded as they are added so tests can check that every route
/// has a row in the authorization matrix and (under `/api/v1`) an OpenAPI description.
pub struct Routes {
    router: Router<AppState>,
    table: Vec<(Method, &'static str)>,
}

impl Routes {
    fn new() -> Self {
        Self {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    fn add(mut self, method: Method, path: &'static str, route: MethodRouter<AppState>) -> Self {
        self.table.push((method, path));
        self.router = self.router.route(path, route);
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::GET, path, axum::routing::get(handler))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::POST, path, axum::routing::post(handler))
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::PUT, path, axum::routing::put(handler))
    }

    pub fn delete<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        handler: H,
    ) -> Self {
        self.add(Method::DELETE, path, axum::routing::delete(handler))
    }
}

fn routes() -> Routes {
    web::routes(api::routes(Routes::new()))
}

/// Every application route as (method, path template).
pub fn route_table() -> Vec<(Method, &'static str)> {
    routes().table
}

/// The largest request body accepted (membership CSV imports included).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The whole application.
pub fn router(state: AppState) -> Router {
    let application =
        routes()
            .router
            .fallback(not_found)
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                context::authenticate,
            ));
    let operations = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(
            "/metrics",
            get(metrics::export).with_state(state.metrics.clone()),
        )
        .route("/static/{*file}", get(web::assets::serve));
    application
        .merge(operations)
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn(body::read_whole))
        .layer(axum::middleware::from_fn(web::security_headers))
        .layer(TraceLayer::new_for_http())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .with_state(state)
}

async fn not_found() -> crate::error::Error {
    crate::error::Error::NotFound
}

/// `GET /healthz`: the process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
