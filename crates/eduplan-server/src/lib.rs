//! eduplan-server: the web application. A JSON API under /api (described by /api/openapi.json),
//! every route behind the [`auth::AuthUser`] extractor except login, and the Vue UI built into
//! web/dist embedded in the binary with an index.html fallback for client-side routes.
//!
//! Not here: any domain rule. Handlers read the store, call eduplan-core and convert to JSON.

pub mod api;
pub mod assess;
pub mod auth;
pub mod error;
pub mod findings;
pub mod indicators;
pub mod layout;
pub mod openapi;
pub mod plans;
pub mod projections;
pub mod reports;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::DefaultBodyLimit;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use eduplan_core::import::ImportPlan;
use eduplan_store::Store;

/// An upload checked and waiting for the user to apply it.
pub struct Staged {
    /// The checked plan.
    pub plan: ImportPlan,
    /// Uploaded file name (recorded as the version's source).
    pub file_name: String,
    /// Who uploaded it (only they may apply it).
    pub username: String,
    /// When it was checked.
    pub at: std::time::Instant,
}

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Store,
    /// Checked uploads by id.
    pub staged: Arc<Mutex<HashMap<String, Staged>>>,
    /// Road distances for network planning, when the server was started with a road network.
    pub roads: Option<Arc<dyn eduplan_layout::Distances>>,
    /// The fonts of PDF reports, read on the first PDF.
    pub fonts: Arc<reports::FontCache>,
}

/// How the server runs beyond its store.
#[derive(Clone, Default)]
pub struct ServerOptions {
    /// Road distances for network planning (布局规划): `eduplan serve --roads FILE.osm.pbf`.
    pub roads: Option<Arc<dyn eduplan_layout::Distances>>,
    /// Folders searched for the Chinese fonts of PDF reports before the system's:
    /// `eduplan serve --font-dir DIR`.
    pub font_dirs: Vec<std::path::PathBuf>,
}

#[derive(rust_embed::RustEmbed)]
#[folder = "../../web/dist/"]
struct Assets;

/// Every API route: (method, path as in OpenAPI). The router and the OpenAPI document are both
/// checked against this list by a test.
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/auth/login"),
    ("post", "/api/auth/logout"),
    ("get", "/api/me"),
    ("get", "/api/meta"),
    ("get", "/api/overview"),
    ("get", "/api/schools"),
    ("get", "/api/schools/{id}"),
    ("post", "/api/imports"),
    ("post", "/api/imports/{id}/apply"),
    ("get", "/api/versions"),
    ("get", "/api/versions/{id}/diff"),
    ("get", "/api/template"),
    ("get", "/api/export"),
    ("get", "/api/audit"),
    ("get", "/api/indicators"),
    ("get", "/api/indicators/export"),
    ("get", "/api/indicators/custom"),
    ("post", "/api/indicators/custom"),
    ("post", "/api/indicators/custom/check"),
    ("delete", "/api/indicators/custom/{code}"),
    ("get", "/api/regions/geo"),
    ("get", "/api/assess/{method}"),
    ("get", "/api/assess/{method}/docx"),
    ("get", "/api/assess/{method}/pdf"),
    ("get", "/api/assess/{method}/xlsx"),
    ("post", "/api/assess/{method}/evidence"),
    ("get", "/api/evidence/{id}"),
    ("get", "/api/plans"),
    ("post", "/api/plans"),
    ("get", "/api/plans/report"),
    ("get", "/api/plans/{id}"),
    ("get", "/api/plans/{id}/status"),
    ("post", "/api/plans/{id}/actuals"),
    ("post", "/api/plans/{id}/targets/{row}/review"),
    ("post", "/api/plans/{id}/publish"),
    ("get", "/api/projections"),
    ("get", "/api/projections/xlsx"),
    ("get", "/api/projections/reach"),
    ("get", "/api/projections/backtest"),
    ("get", "/api/layout"),
    ("get", "/api/layout/points"),
    ("post", "/api/layout/points"),
    ("post", "/api/layout/points/import"),
    ("delete", "/api/layout/points/{kind}/{id}"),
    ("get", "/api/scenarios"),
    ("put", "/api/scenarios/{name}"),
    ("delete", "/api/scenarios/{name}"),
    ("get", "/api/findings"),
    ("post", "/api/findings/generate"),
    ("post", "/api/findings/check"),
    ("get", "/api/findings/{id}"),
    ("post", "/api/findings/{id}/act"),
    ("post", "/api/findings/{id}/comment"),
    ("post", "/api/findings/{id}/escalate"),
    ("post", "/api/findings/{id}/deadline"),
    ("post", "/api/findings/{id}/attachments"),
    ("get", "/api/findings/{id}/attachments/{aid}"),
    ("get", "/api/openapi.json"),
];

/// The application router.
pub fn router(store: Store) -> Router {
    router_with(store, ServerOptions::default())
}

/// The application with options (a road network …).
pub fn router_with(store: Store, opts: ServerOptions) -> Router {
    let state = AppState { store, staged: Arc::new(Mutex::new(HashMap::new())), roads: opts.roads, fonts: Arc::new(reports::FontCache::new(opts.font_dirs)) };
    Router::new()
        .route("/api/auth/login", post(api::login))
        .route("/api/auth/logout", post(api::logout))
        .route("/api/me", get(api::me))
        .route("/api/meta", get(api::meta))
        .route("/api/overview", get(api::overview))
        .route("/api/schools", get(api::schools))
        .route("/api/schools/{id}", get(api::school))
        .route("/api/imports", post(api::upload))
        .route("/api/imports/{id}/apply", post(api::apply))
        .route("/api/versions", get(api::versions))
        .route("/api/versions/{id}/diff", get(api::version_diff))
        .route("/api/template", get(api::template))
        .route("/api/export", get(api::export))
        .route("/api/audit", get(api::audit))
        .route("/api/indicators", get(indicators::list))
        .route("/api/indicators/export", get(indicators::export))
        .route("/api/indicators/custom", get(indicators::custom_list).post(indicators::define))
        .route("/api/indicators/custom/check", post(indicators::check))
        .route("/api/indicators/custom/{code}", axum::routing::delete(indicators::undefine))
        .route("/api/regions/geo", get(indicators::geo))
        .route("/api/assess/{method}", get(assess::get))
        .route("/api/assess/{method}/docx", get(assess::docx))
        .route("/api/assess/{method}/pdf", get(assess::pdf))
        .route("/api/assess/{method}/xlsx", get(assess::xlsx))
        .route("/api/assess/{method}/evidence", post(assess::record_evidence))
        .route("/api/evidence/{id}", get(assess::evidence_file))
        .route("/api/plans", get(plans::list).post(plans::import))
        .route("/api/plans/report", get(plans::report))
        .route("/api/plans/{id}", get(plans::get))
        .route("/api/plans/{id}/status", get(plans::status_route))
        .route("/api/plans/{id}/actuals", post(plans::record_actual))
        .route("/api/plans/{id}/targets/{row}/review", post(plans::review))
        .route("/api/plans/{id}/publish", post(plans::publish))
        .route("/api/projections", get(projections::get))
        .route("/api/projections/xlsx", get(projections::xlsx))
        .route("/api/projections/reach", get(projections::reach_route))
        .route("/api/projections/backtest", get(projections::backtest_route))
        .route("/api/layout", get(layout::get))
        .route("/api/layout/points", get(layout::list_points).post(layout::save_point))
        .route("/api/layout/points/import", post(layout::import_points))
        .route("/api/layout/points/{kind}/{id}", axum::routing::delete(layout::delete_point))
        .route("/api/scenarios", get(projections::list_scenarios))
        .route("/api/scenarios/{name}", axum::routing::put(projections::save_scenario).delete(projections::delete_scenario))
        .route("/api/findings", get(findings::list))
        .route("/api/findings/generate", post(findings::generate_route))
        .route("/api/findings/check", post(findings::check_route))
        .route("/api/findings/{id}", get(findings::get))
        .route("/api/findings/{id}/act", post(findings::act))
        .route("/api/findings/{id}/comment", post(findings::comment))
        .route("/api/findings/{id}/escalate", post(findings::escalate))
        .route("/api/findings/{id}/deadline", post(findings::deadline))
        .route("/api/findings/{id}/attachments", post(findings::attach))
        .route("/api/findings/{id}/attachments/{aid}", get(findings::download))
        .route("/api/openapi.json", get(|| async { axum::Json(openapi::document()) }))
        .route("/api/{*rest}", get(api_not_found).post(api_not_found))
        .fallback(static_handler)
        .layer(DefaultBodyLimit::max(256 * 1024 * 1024))
        .with_state(state)
}

async fn api_not_found() -> error::ApiError {
    error::ApiError::not_found("接口不存在", "no such API route")
}

async fn static_handler(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let file = if path.is_empty() { "index.html" } else { path };
    if let Some(c) = Assets::get(file) {
        let mime = mime_guess::from_path(file).first_or_octet_stream();
        let cache = if file.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        return ([(header::CONTENT_TYPE, mime.as_ref().to_string()), (header::CACHE_CONTROL, cache.to_string())], c.data.into_owned())
            .into_response();
    }
    // client-side routes (/schools/123, /data) get the app page
    match Assets::get("index.html") {
        Some(c) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8".to_string())], c.data.into_owned()).into_response(),
        None => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!doctype html><meta charset=utf-8><title>eduplan</title><h1>eduplan</h1>\
             <p>界面尚未构建：请在 web/ 下运行 npm ci && npm run build，然后重新编译。</p>\
             <p>The UI is not built: run npm ci && npm run build in web/, then rebuild. The API is at /api.</p>",
        )
            .into_response(),
    }
}

/// Serves the application until Ctrl-C.
pub async fn serve(store: Store, addr: &str) -> anyhow::Result<()> {
    serve_with(store, addr, ServerOptions::default()).await
}

/// Serves the application with options until Ctrl-C.
pub async fn serve_with(store: Store, addr: &str, opts: ServerOptions) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, router_with(store, opts))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
