//! School network planning (布局规划) over the store: the projected children of a stage and
//! year by township, the schools with their places, and eduplan-layout's network plan. The CLI
//! calls the same function.

use axum::extract::{Query, State};
use axum::Json;
use eduplan_layout::network::{plan, Area, Objective, School, Spec};
use eduplan_project::Stage;
use eduplan_store::Store;
use serde_json::{json, Value as J};

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::projections::{project, ProjectionError, Request};
use crate::AppState;

/// A planning request; every field has a default.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LayoutQuery {
    /// 学前, 小学 (default), 初中 or 高中.
    pub stage: Option<String>,
    /// The projection year planned for (default: base year + 5).
    pub year: Option<i32>,
    /// Projection scenario (default 基准).
    pub scenario: Option<String>,
    /// A county (default: the data's only or first county).
    pub region: Option<String>,
    /// New schools to open (default: the fewest that give every child a place).
    pub add: Option<usize>,
    /// 最远上学距离 in km (default 学前 1.5, 小学 3, 初中 5, 高中 10).
    pub max_km: Option<f64>,
    /// Existing schools may close (撤并).
    pub allow_close: Option<bool>,
    /// capacitated (default) or pmedian.
    pub objective: Option<String>,
    /// Comma-separated site ids ruled out (candidates not opened, schools closed).
    pub exclude: Option<String>,
    /// Demand grid spacing in km (default 1, widened to at most 400 points).
    pub grid_km: Option<f64>,
}

fn bad(zh: String, en: String) -> ProjectionError {
    ProjectionError::Invalid(format!("{zh} / {en}"))
}

/// Rings of a GeoJSON Polygon or MultiPolygon (outer rings only).
fn rings(geojson: &str) -> Vec<Vec<(f64, f64)>> {
    let Ok(v) = serde_json::from_str::<J>(geojson) else { return Vec::new() };
    let ring = |r: &J| -> Vec<(f64, f64)> { r.as_array().into_iter().flatten().filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))).collect() };
    match v["type"].as_str() {
        Some("Polygon") => v["coordinates"].get(0).map(ring).into_iter().collect(),
        Some("MultiPolygon") => v["coordinates"].as_array().into_iter().flatten().filter_map(|poly| poly.get(0).map(ring)).collect(),
        _ => Vec::new(),
    }
}

/// Plans the network for a stage and year; the JSON the API and the CLI give.
pub async fn solve(store: &Store, q: &LayoutQuery) -> Result<J, ProjectionError> {
    let stage_name = q.stage.clone().unwrap_or_else(|| "小学".into());
    let stage = Stage::parse(&stage_name).ok_or_else(|| bad(format!("未知学段 {stage_name}（学前、小学、初中、高中）"), format!("unknown stage {stage_name} (学前, 小学, 初中, 高中)")))?;
    let objective = match q.objective.as_deref().unwrap_or("capacitated") {
        "capacitated" => Objective::Capacitated,
        "pmedian" => Objective::Pmedian,
        o => return Err(bad(format!("未知目标 {o}（capacitated、pmedian）"), format!("unknown objective {o} (capacitated, pmedian)"))),
    };
    let years = store.years().await?;
    let base = *years.last().ok_or_else(|| bad("还没有任何学年的数据".into(), "no school year stored yet".into()))?;
    let year = q.year.unwrap_or(base + 5);
    let a = project(store, &Request { scenario: q.scenario.clone(), to: Some(year.max(base)), ..Default::default() }).await?;
    if year < base {
        return Err(bad(format!("规划年份应不早于基期 {base}"), format!("the year must not be before the base year {base}")));
    }
    let counties = a.inputs.counties();
    let county = match &q.region {
        Some(r) if counties.contains(r) => r.clone(),
        Some(r) => return Err(bad(format!("区划 {r} 不是数据中的县"), format!("{r} is not a county of the data"))),
        None => counties.first().cloned().ok_or_else(|| bad("数据中没有县".into(), "no county in the data".into()))?,
    };
    let mut warnings = Vec::new();
    // children: the township's school-age children × the county's enrolment ratio of the stage
    let row = |scope: &str| a.projection.row(scope, year, stage);
    let c = row(&county).ok_or_else(|| bad(format!("县 {county} 没有 {stage_name} 预测"), format!("no projection of {stage_name} for {county}")))?;
    let ratio = c.school_age_pop.filter(|p| *p > 0.0).map(|p| c.enrolled / p).unwrap_or(1.0);
    let mut areas = Vec::new();
    for t in a.inputs.townships().into_iter().filter(|t| t.parent.as_deref() == Some(county.as_str())) {
        let children = row(&t.code).and_then(|r| r.school_age_pop).unwrap_or(0.0) * ratio;
        areas.push(Area { code: t.code.clone(), rings: t.boundary.as_deref().map(rings).unwrap_or_default(), children });
    }
    if areas.iter().all(|x| x.rings.is_empty()) {
        warnings.push("乡镇没有边界数据，生源点取学校位置 / townships have no boundaries: demand sits at the schools".to_string());
    }
    // schools of the stage with coordinates, places and classes of the year
    let mut schools = Vec::new();
    let mut missing = 0;
    for s in a.inputs.schools.iter().filter(|s| s.county == county) {
        let Some(r) = a.projection.row(&s.id, year, stage) else { continue };
        match s.lonlat {
            Some((lon, lat)) => schools.push(School { id: s.id.clone(), name: s.name.clone(), township: s.township.clone(), lon, lat, capacity: r.places, classes: r.classes_kept, enrolled: r.enrolled }),
            None => missing += 1,
        }
    }
    if missing > 0 {
        warnings.push(format!("{missing} 所学校没有经纬度，未参与布局 / {missing} schools have no coordinates and are left out"));
    }
    let sc = &a.scenario;
    let max_km = q.max_km.unwrap_or(match stage {
        Stage::Pre => 1.5,
        Stage::Pri => 3.0,
        Stage::Jun => 5.0,
        Stage::Sen => 10.0,
    });
    // a new school of the planning standard (建标〔2002〕102号): 学前 12 classes of 30, 小学/初中
    // 24, 高中 36 of the scenario's class size (the default scenario's where it gives none)
    let default_sc = eduplan_project::Scenario::default();
    let class_size = match stage {
        Stage::Pre => 30.0,
        _ => eduplan_project::Scenario::stage_value(&sc.class_size, &default_sc.class_size, stage).max(1.0),
    };
    let classes = match stage {
        Stage::Pre => 12.0,
        Stage::Pri | Stage::Jun => 24.0,
        Stage::Sen => 36.0,
    };
    let cost_per_place = eduplan_project::Scenario::stage_value(&sc.cost_per_place, &default_sc.cost_per_place, stage) / 10000.0;
    let exclude: Vec<String> = q.exclude.as_deref().unwrap_or("").split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    let spec = Spec {
        areas,
        schools,
        candidates: None,
        grid_km: q.grid_km.unwrap_or(1.0),
        max_points: 150,
        candidate_km: 3.0,
        max_km,
        add: q.add,
        allow_close: q.allow_close.unwrap_or(false),
        exclude: exclude.clone(),
        objective,
        new_capacity: class_size * classes,
        cost_per_place,
        class_size,
    };
    let opts = eduplan_layout::Options { effort: 2, time_limit: 8.0, ..Default::default() };
    let result = tokio::task::spawn_blocking(move || plan(&spec, &opts)).await.map_err(|e| bad(format!("求解中断：{e}"), format!("the solver stopped: {e}")))?;
    let p = result.map_err(|e| ProjectionError::Invalid(e.to_string().replace(" (问题设置无效)", "").replace("invalid problem: ", "")))?;
    let mut v = serde_json::to_value(&p).expect("a plan serialises");
    let mut all_warnings = warnings;
    all_warnings.extend(p.warnings.iter().cloned());
    v["warnings"] = json!(all_warnings);
    v["stage"] = json!(stage.name());
    v["year"] = json!(year);
    v["base_year"] = json!(base);
    v["scenario"] = json!(a.name);
    v["region"] = json!(county);
    v["params"] = json!({"add": p.add, "max_km": max_km, "allow_close": q.allow_close.unwrap_or(false), "objective": objective, "grid_km": p.grid_km, "exclude": exclude, "new_capacity": class_size * classes});
    Ok(v)
}

/// GET /api/layout?stage=&year=&scenario=&region=&add=&max_km=&allow_close=&objective=&exclude=&grid_km=
pub async fn get(State(st): State<AppState>, u: AuthUser, Query(q): Query<LayoutQuery>) -> ApiResult<Json<J>> {
    // a regional user plans their own county unless they name another they may see
    let scoped = crate::projections::check_scope(&u, Request { region: q.region.clone(), ..Default::default() })?;
    let q = LayoutQuery { region: scoped.region, ..q };
    Ok(Json(solve(&st.store, &q).await?))
}
