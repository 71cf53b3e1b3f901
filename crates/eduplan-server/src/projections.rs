//! Projections (预测) over the store: the inputs read from the stored years and the current
//! plans' projects, scenarios by name, the rows as JSON and Excel, target reachability and the
//! backtest. The CLI calls the same functions.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Json;
use eduplan_project::backtest::backtest;
use eduplan_project::reach::{reach, TargetIn};
use eduplan_project::scenario::BASELINE;
use eduplan_project::{run, Inputs, PlannedPlaces, Projection, Scenario};
use eduplan_store::Store;
use serde_json::{json, Value as J};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// Why a projection could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] eduplan_store::StoreError),
    /// The request or a saved scenario does not make sense ("中文 / English").
    #[error("{0}")]
    Invalid(String),
}

impl From<ProjectionError> for ApiError {
    fn from(e: ProjectionError) -> ApiError {
        match e {
            ProjectionError::Store(s) => s.into(),
            ProjectionError::Invalid(m) => match m.split_once(" / ") {
                Some((zh, en)) => ApiError::bad_request(zh.to_string(), en.to_string()),
                None => ApiError::bad_request(m.clone(), m),
            },
        }
    }
}

type PResult<T> = Result<T, ProjectionError>;

/// The scenario of a name: the built-in baseline (基准, or no name), else a saved one.
pub async fn scenario(store: &Store, name: Option<&str>) -> PResult<(String, Scenario)> {
    match name.filter(|n| !n.is_empty() && *n != BASELINE) {
        None => Ok((BASELINE.to_string(), Scenario::default())),
        Some(n) => {
            let saved = store.scenario(n).await?;
            let sc = Scenario::from_json(&saved.params).map_err(|e| ProjectionError::Invalid(format!("情景 {n}：{} / scenario {n}: {}", e.zh, e.en)))?;
            Ok((n.to_string(), sc))
        }
    }
}

/// The projects of every current, published plan with new places, located by the plan's region.
pub async fn planned_places(store: &Store) -> PResult<Vec<PlannedPlaces>> {
    let mut out = Vec::new();
    for p in store.plans().await?.into_iter().filter(|p| p.current && !p.meta.draft) {
        let book = store.plan_book(p.id).await?;
        for j in book.projects.iter().filter(|j| j.new_places > 0) {
            out.push(PlannedPlaces { project: j.id.clone(), name: j.name.clone(), school_id: j.school_id.clone(), places: j.new_places as f64, year: j.end_year, region: p.meta.region.clone() });
        }
    }
    Ok(out)
}

/// Reads the stored years up to the base year (the latest stored year not after `base`, or the
/// latest of all) and the plans' projects.
pub async fn inputs(store: &Store, base: Option<i32>) -> PResult<Inputs> {
    let years = store.years().await?;
    let base = match base {
        Some(b) => years.iter().rev().find(|y| **y <= b).copied().ok_or_else(|| ProjectionError::Invalid(format!("{b} 年及以前没有数据 / no data up to {b}")))?,
        None => *years.last().ok_or_else(|| ProjectionError::Invalid("还没有任何学年的数据 / no school year stored yet".into()))?,
    };
    let mut data = Vec::new();
    for y in years.iter().filter(|y| **y <= base) {
        if let Some(d) = store.load_year(*y).await? {
            data.push(d);
        }
    }
    Inputs::from_years(&data, base, planned_places(store).await?).map_err(ProjectionError::Invalid)
}

/// A projection request: scenario, years, region and level.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Request {
    /// Scenario name (基准 when absent).
    pub scenario: Option<String>,
    /// First year shown; the base year is the latest stored year not after it.
    pub from: Option<i32>,
    /// The horizon (base + 15 when absent).
    pub to: Option<i32>,
    /// A county or township code: it and what lies below it.
    pub region: Option<String>,
    /// school, township, county or all.
    pub level: Option<String>,
}

/// A run and what the answer needs.
pub struct Answer {
    /// Scenario name.
    pub name: String,
    /// Its parameters.
    pub scenario: Scenario,
    /// The inputs it ran on.
    pub inputs: Inputs,
    /// The result.
    pub projection: Projection,
    /// The first year shown.
    pub from: i32,
}

/// Runs a request.
pub async fn project(store: &Store, q: &Request) -> PResult<Answer> {
    let (name, sc) = scenario(store, q.scenario.as_deref()).await?;
    let inputs = inputs(store, q.from).await?;
    let base = inputs.base_year;
    let to = q.to.unwrap_or(base + 15);
    if to < base || to > base + 30 {
        return Err(ProjectionError::Invalid(format!("预测终止年应在 {base}–{} 之间 / the horizon must be {base}–{}", base + 30, base + 30)));
    }
    if let Some(l) = &q.level {
        if !["all", "school", "township", "county"].contains(&l.as_str()) {
            return Err(ProjectionError::Invalid(format!("未知层级 {l}（school、township、county、all）/ unknown level {l} (school, township, county, all)")));
        }
    }
    let projection = run(&inputs, &sc, to);
    Ok(Answer { name, scenario: sc, from: q.from.unwrap_or(base).max(base), inputs, projection })
}

/// The rows a request selects.
pub fn selected<'a>(a: &'a Answer, q: &Request) -> Vec<&'a eduplan_project::Row> {
    a.projection.select(q.region.as_deref().filter(|r| !r.is_empty()), q.level.as_deref().unwrap_or("all"), a.from)
}

/// The JSON answer: base year, scenario, rows, population and warnings.
pub fn answer_json(a: &Answer, q: &Request) -> J {
    let rows = selected(a, q);
    let region = q.region.as_deref().filter(|r| !r.is_empty());
    let population: Vec<&eduplan_project::run::PopRow> = a.projection.population.iter().filter(|p| p.year >= a.from && region.is_none_or(|r| p.scope.starts_with(r))).collect();
    let mut sc = serde_json::to_value(&a.scenario).expect("a scenario serialises");
    sc["name"] = json!(a.name);
    json!({
        "base_year": a.projection.base_year, "from": a.from, "to": a.projection.to, "scenario": sc,
        "rows": rows, "population": population, "warnings": a.projection.warnings,
    })
}

/// The fields of a row, in order, with their Chinese headers.
pub const COLUMNS: [(&str, &str); 19] = [
    ("scope", "范围代码"),
    ("scope_name", "名称"),
    ("level", "层级"),
    ("parent", "上级"),
    ("year", "学年"),
    ("stage", "学段"),
    ("school_age_pop", "适龄人口"),
    ("enrolled", "在校生"),
    ("classes_needed", "所需班级数"),
    ("places", "学位"),
    ("place_gap", "学位缺口"),
    ("spare", "富余学位"),
    ("big_classes", "大班额班级数（维持现状）"),
    ("teachers_needed", "教职工需求"),
    ("teachers_available", "现有教职工（扣除退休）"),
    ("recruitment", "当年需补充"),
    ("cost", "经费需求（万元）"),
    ("cost_operating", "公用经费（万元）"),
    ("cost_construction", "新建学位经费（万元）"),
];

/// Rows as Excel (a sheet of rows with Chinese headers, and the scenario's parameters).
pub fn answer_xlsx(a: &Answer, q: &Request) -> Result<Vec<u8>, eduplan_ingest::write::WriteError> {
    use eduplan_core::data::Value as V;
    let rows: Vec<Vec<V>> = selected(a, q)
        .iter()
        .map(|r| {
            let j = serde_json::to_value(r).expect("a row serialises");
            COLUMNS
                .iter()
                .map(|(c, _)| match &j[*c] {
                    J::Number(n) => V::Num(n.as_f64().unwrap_or(0.0)),
                    J::String(s) => V::Text(s.clone()),
                    _ => V::Null,
                })
                .collect()
        })
        .collect();
    let headers: Vec<String> = COLUMNS.iter().map(|c| c.1.to_string()).collect();
    let params = vec![vec![V::Text(a.name.clone()), V::Text(a.scenario.to_json()), V::Int(a.projection.base_year as i64)]];
    eduplan_ingest::write::tables_xlsx(&[
        ("预测".to_string(), headers, rows),
        ("情景".to_string(), vec!["情景".into(), "参数".into(), "基期".into()], params),
    ])
}

/// The current published plans' targets linked to catalogue indicators.
pub async fn plan_targets(store: &Store) -> PResult<Vec<TargetIn>> {
    let mut out = Vec::new();
    for p in store.plans().await?.into_iter().filter(|p| p.current && !p.meta.draft) {
        let book = store.plan_book(p.id).await?;
        let reviews = store.target_reviews(p.id).await?;
        let end = p.meta.period.map(|(_, e)| e).unwrap_or(0);
        for t in book.targets.iter().filter(|t| reviews.get(&t.row).map(String::as_str) != Some("rejected")) {
            let text = if t.source.is_empty() { t.indicator.clone() } else { t.source.clone() };
            let scope = if t.scope.is_empty() { p.meta.region.clone() } else { t.scope.clone() };
            let target_year = if t.target_year == 0 { end } else { t.target_year };
            out.push(TargetIn { plan: p.meta.name.clone(), target: text, indicator: t.indicator.clone(), scope, target_year, target_value: t.target_value, cmp: t.cmp });
        }
    }
    Ok(out)
}

/// Every current plan target with its projected value and verdict, with indicator names.
pub async fn reach_json(store: &Store, a: &Answer) -> PResult<J> {
    let targets = plan_targets(store).await?;
    let cat = eduplan_engine::Catalogue::builtin();
    let rows: Vec<J> = reach(&a.inputs, &a.projection, &targets)
        .into_iter()
        .map(|r| {
            let mut j = serde_json::to_value(&r).expect("serialises");
            j["indicator_name"] = json!(cat.get(&r.indicator).map(|i| i.name.clone()));
            j
        })
        .collect();
    Ok(J::Array(rows))
}

/// The projection far enough for every current plan target (or to the longest horizon allowed)
/// and every target's verdict: what `GET /api/projections/reach` and `project reach` give.
pub async fn reach_answer(store: &Store, scenario: Option<String>) -> PResult<(Answer, J)> {
    let targets = plan_targets(store).await?;
    let q = Request { scenario, to: targets.iter().map(|t| t.target_year).max(), ..Default::default() };
    let a = match project(store, &q).await {
        // a target year beyond the horizon allowed: project as far as the default
        Err(ProjectionError::Invalid(_)) if q.to.is_some() => project(store, &Request { to: None, ..q }).await?,
        other => other?,
    };
    let v = reach_json(store, &a).await?;
    Ok((a, v))
}

/// Backtest from `base` to `to` with the stored years.
pub async fn backtest_json(store: &Store, scenario_name: Option<&str>, base: i32, to: i32) -> PResult<J> {
    let (_, sc) = scenario(store, scenario_name).await?;
    let mut data = Vec::new();
    for y in store.years().await?.into_iter().filter(|y| *y <= to) {
        if let Some(d) = store.load_year(y).await? {
            data.push(d);
        }
    }
    let rows = backtest(&data, planned_places(store).await?, &sc, base, to).map_err(ProjectionError::Invalid)?;
    Ok(json!({"base": base, "to": to, "rows": rows}))
}

/// A regional user sees their region (by default) or a region inside it; a school's staff see none.
pub(crate) fn check_scope(u: &AuthUser, q: Request) -> ApiResult<Request> {
    use eduplan_store::ScopeKind;
    match (u.user.scope_kind, q.region.as_deref().filter(|r| !r.is_empty())) {
        (ScopeKind::All, _) => Ok(q),
        (ScopeKind::Region, None) => Ok(Request { region: Some(u.user.scope.clone()), ..q }),
        (ScopeKind::Region, Some(r)) if u.sees_region(r) => Ok(q),
        _ => Err(ApiError::forbidden("预测仅对教育局用户开放，或请选择您有权查看的区划", "projections are for bureau users; choose a region you may see")),
    }
}

/// GET /api/projections?scenario=&from=&to=&region=&level=
pub async fn get(State(st): State<AppState>, u: AuthUser, Query(q): Query<Request>) -> ApiResult<Json<J>> {
    let q = check_scope(&u, q)?;
    let a = project(&st.store, &q).await?;
    Ok(Json(answer_json(&a, &q)))
}

/// GET /api/projections/xlsx?…: the same rows as Excel.
pub async fn xlsx(State(st): State<AppState>, u: AuthUser, Query(q): Query<Request>) -> ApiResult<Response> {
    let q = check_scope(&u, q)?;
    let a = project(&st.store, &q).await?;
    let bytes = answer_xlsx(&a, &q).map_err(ApiError::internal)?;
    Ok(crate::api::xlsx_response(bytes, &format!("预测-{}-{}-{}.xlsx", a.name, a.projection.base_year, a.projection.to)))
}

/// GET /api/projections/reach?scenario=: the plans' targets against the projection.
pub async fn reach_route(State(st): State<AppState>, u: AuthUser, Query(q): Query<Request>) -> ApiResult<Json<J>> {
    let q = check_scope(&u, q)?;
    Ok(Json(reach_answer(&st.store, q.scenario).await?.1))
}

/// Query of a backtest.
#[derive(Debug, serde::Deserialize)]
pub struct BacktestQuery {
    base: i32,
    to: i32,
    scenario: Option<String>,
}

/// GET /api/projections/backtest?base=&to=&scenario=
pub async fn backtest_route(State(st): State<AppState>, u: AuthUser, Query(q): Query<BacktestQuery>) -> ApiResult<Json<J>> {
    check_scope(&u, Request::default())?;
    Ok(Json(backtest_json(&st.store, q.scenario.as_deref(), q.base, q.to).await?))
}

fn scenario_json(name: &str, builtin: bool, sc: &Scenario, by: &str, at: &str) -> J {
    json!({"name": name, "builtin": builtin, "description": sc.description, "params": sc, "updated_by": by, "updated_at": at})
}

/// GET /api/scenarios: the built-in baseline and every saved scenario (with every parameter).
pub async fn list_scenarios(State(st): State<AppState>, _u: AuthUser) -> ApiResult<Json<J>> {
    let mut out = vec![scenario_json(BASELINE, true, &Scenario::default(), "", "")];
    for s in st.store.scenarios().await? {
        match Scenario::from_json(&s.params) {
            Ok(sc) => out.push(scenario_json(&s.name, false, &sc, &s.updated_by, &s.updated_at)),
            Err(e) => out.push(json!({"name": s.name, "builtin": false, "error": e.to_string(), "updated_by": s.updated_by, "updated_at": s.updated_at})),
        }
    }
    Ok(Json(J::Array(out)))
}

/// PUT /api/scenarios/{name} with the parameters: saves (planning section and administrators).
pub async fn save_scenario(State(st): State<AppState>, u: AuthUser, Path(name): Path<String>, Json(params): Json<J>) -> ApiResult<Json<J>> {
    u.require_planner()?;
    if name == BASELINE {
        return Err(ApiError::conflict("基准情景为内置情景，不能修改；请另存为新情景", "the baseline scenario is built in; save under another name"));
    }
    let text = params.to_string();
    let sc = Scenario::from_json(&text).map_err(|e| ApiError::bad_request(format!("情景参数 {}：{}", e.field, e.zh), format!("scenario field {}: {}", e.field, e.en)).with_detail(json!({"field": e.field})))?;
    let saved = st.store.save_scenario(&name, &text, &u.user.username).await?;
    Ok(Json(scenario_json(&saved.name, false, &sc, &saved.updated_by, &saved.updated_at)))
}

/// DELETE /api/scenarios/{name}
pub async fn delete_scenario(State(st): State<AppState>, u: AuthUser, Path(name): Path<String>) -> ApiResult<axum::http::StatusCode> {
    u.require_planner()?;
    if name == BASELINE {
        return Err(ApiError::conflict("基准情景为内置情景，不能删除", "the baseline scenario is built in and cannot be deleted"));
    }
    st.store.delete_scenario(&name, &u.user.username).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
