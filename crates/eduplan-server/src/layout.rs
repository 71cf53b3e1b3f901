//! School network planning (布局规划) over the store: the projected children of a stage and
//! year by township, the schools with their places, and eduplan-layout's network plan. The CLI
//! calls the same function.

use axum::extract::{Multipart, Path, Query, State};
use axum::Json;
use eduplan_core::layout::{LayoutPoint, PointKind};
use eduplan_layout::network::{plan_with, Area, Candidate, Expand, Objective, School, Spec, Village};
use eduplan_layout::{Distances, Haversine};
use eduplan_project::Stage;
use eduplan_store::Store;
use serde_json::{json, Value as J};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
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
    /// capacitated (default), pmedian, pcenter (the farthest child nearest), mclp (most children
    /// within max_km) or lscp (fewest schools with every child within max_km).
    pub objective: Option<String>,
    /// Comma-separated site ids ruled out (candidates not opened, schools closed).
    pub exclude: Option<String>,
    /// Demand grid spacing in km (default 1, widened to at most 400 points).
    pub grid_km: Option<f64>,
    /// Candidate sites: `auto` (default: the user's sites of the stage if there are any, else a
    /// grid), `user`, `grid` or `both`.
    pub candidates: Option<String>,
    /// Demand points: `auto` (default: the user's villages where a township has any, a grid
    /// elsewhere) or `grid`.
    pub demand: Option<String>,
    /// Expansion steps an existing school may take (扩建; default 0 = none).
    pub expand: Option<usize>,
    /// Classes of one expansion step (default: one per grade — 学前 3, 小学 6, 初中 3, 高中 3).
    pub expand_classes: Option<f64>,
    /// Child-km an added place must save to be worth building (default 1).
    pub expand_km: Option<f64>,
    /// Impose `max_km` (no child assigned farther) instead of only reporting it.
    pub enforce_max: Option<bool>,
    /// Road distances from the road network the server was started with (`--roads`).
    pub roads: Option<bool>,
    /// When `add` is not given: the plan chooses how many new schools, a new place costing
    /// this many child-km (capacitated facility location).
    pub add_km: Option<f64>,
    /// Prove or improve the plan with the MIP (HiGHS) for at most this many seconds (精确求解;
    /// 1–600). Only in builds with the `highs` feature; others answer 400.
    pub exact: Option<f64>,
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
pub async fn solve(store: &Store, q: &LayoutQuery, roads: Option<std::sync::Arc<dyn Distances>>) -> Result<J, ProjectionError> {
    let stage_name = q.stage.clone().unwrap_or_else(|| "小学".into());
    let stage = Stage::parse(&stage_name).ok_or_else(|| bad(format!("未知学段 {stage_name}（学前、小学、初中、高中）"), format!("unknown stage {stage_name} (学前, 小学, 初中, 高中)")))?;
    let objective = match q.objective.as_deref().unwrap_or("capacitated") {
        "capacitated" => Objective::Capacitated,
        "pmedian" => Objective::Pmedian,
        "pcenter" => Objective::Pcenter,
        "mclp" => Objective::Mclp,
        "lscp" => Objective::Lscp,
        o => return Err(bad(format!("未知目标 {o}（capacitated、pmedian、pcenter、mclp、lscp）"), format!("unknown objective {o} (capacitated, pmedian, pcenter, mclp, lscp)"))),
    };
    // every number the user gives must be a finite number ≥ 0 (> 0 for sizes): named if not
    for (name, v, positive) in [("max_km", q.max_km, true), ("grid_km", q.grid_km, true), ("expand_classes", q.expand_classes, true), ("expand_km", q.expand_km, false), ("add_km", q.add_km, false), ("exact", q.exact, true)] {
        if let Some(x) = v.filter(|x| !(x.is_finite() && (*x > 0.0 || (!positive && *x == 0.0)))) {
            let need = if positive { "大于 0" } else { "不小于 0" };
            let need_en = if positive { "> 0" } else { "≥ 0" };
            return Err(bad(format!("参数 {name} 应为{need}的数（不是 {x}）"), format!("{name} must be a number {need_en} (not {x})")));
        }
    }
    if let Some(x) = q.exact.filter(|x| *x > 600.0) {
        return Err(bad(format!("参数 exact 应在 0–600 秒之间（不是 {x}）"), format!("exact must be at most 600 seconds (not {x})")));
    }
    if q.exact.is_some() && !eduplan_layout::mip::AVAILABLE {
        return Err(bad("本服务器未包含精确求解器（HiGHS），请以 --features highs 编译".into(), "this server has no exact MIP solver (HiGHS): build it with --features highs".into()));
    }
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
    // the user's points of the county: sites meant for this stage (or any), villages
    let points = store.layout_points(Some(&county)).await?;
    let new_capacity = class_size * classes;
    let township_at = |lon: f64, lat: f64| areas.iter().find(|x| x.rings.iter().any(|r| eduplan_layout::network::inside(r, (lon, lat)))).map(|x| x.code.clone()).unwrap_or_default();
    let user_sites: Vec<Candidate> = points
        .iter()
        .filter(|p| p.kind == PointKind::Site && p.stage.as_deref().is_none_or(|s| s == stage.name()))
        .map(|p| {
            let capacity = p.capacity.unwrap_or(new_capacity);
            Candidate { id: p.id.clone(), name: p.name.clone(), township: township_at(p.lon, p.lat), lon: p.lon, lat: p.lat, capacity, cost: p.cost.unwrap_or(capacity * cost_per_place) }
        })
        .collect();
    let candidates = match q.candidates.as_deref().unwrap_or("auto") {
        "auto" if user_sites.is_empty() => None,
        "auto" | "user" | "both" => Some(user_sites),
        "grid" => None,
        o => return Err(bad(format!("未知候选校址来源 {o}（auto、user、grid、both）"), format!("unknown candidates {o} (auto, user, grid, both)"))),
    };
    if q.candidates.as_deref() == Some("user") && candidates.as_ref().is_some_and(|c| c.is_empty()) {
        return Err(bad(format!("本县还没有适用于{stage_name}的候选校址，请先添加或导入"), format!("the county has no candidate site for {stage_name} yet: add or import some")));
    }
    let villages: Vec<Village> = match q.demand.as_deref().unwrap_or("auto") {
        "auto" => points.iter().filter(|p| p.kind == PointKind::Village).map(|p| Village { id: p.id.clone(), name: p.name.clone(), lon: p.lon, lat: p.lat, weight: p.weight.unwrap_or(0.0) }).collect(),
        "grid" => Vec::new(),
        o => return Err(bad(format!("未知生源点来源 {o}（auto、grid）"), format!("unknown demand {o} (auto, grid)"))),
    };
    let steps = q.expand.unwrap_or(0);
    if steps > 10 {
        return Err(bad("扩建步数应在 0–10 之间".into(), "expand must be between 0 and 10 steps".into()));
    }
    let step_classes = q.expand_classes.unwrap_or(match stage {
        Stage::Pri => 6.0,
        _ => 3.0,
    });
    let expand = (steps > 0).then_some(Expand { steps, step_places: step_classes * class_size, km_per_place: q.expand_km.unwrap_or(1.0) });
    let use_roads = q.roads.unwrap_or(false);
    let distances: std::sync::Arc<dyn Distances> = match (use_roads, roads) {
        (true, Some(r)) => r,
        (true, None) => return Err(bad("服务器未配置路网（启动时用 --roads 指定 OSM .pbf 文件）".into(), "no road network configured (start the server with --roads FILE.osm.pbf)".into())),
        (false, _) => std::sync::Arc::new(Haversine),
    };
    let spec = Spec {
        areas,
        schools,
        candidates: candidates.clone(),
        also_grid: q.candidates.as_deref() == Some("both"),
        villages,
        expand,
        enforce_max: q.enforce_max.unwrap_or(false),
        add_km: q.add_km,
        grid_km: q.grid_km.unwrap_or(1.0),
        max_points: 150,
        candidate_km: 3.0,
        max_km,
        add: q.add,
        allow_close: q.allow_close.unwrap_or(false),
        exclude: exclude.clone(),
        objective,
        new_capacity,
        cost_per_place,
        class_size,
        exact: q.exact,
    };
    let opts = eduplan_layout::Options { effort: 2, time_limit: 8.0, ..Default::default() };
    let result = tokio::task::spawn_blocking(move || plan_with(&spec, &opts, distances.as_ref())).await.map_err(|e| bad(format!("求解中断：{e}"), format!("the solver stopped: {e}")))?;
    let p = result.map_err(|e| ProjectionError::Invalid(e.to_string().replace(" (问题设置无效)", "").replace("invalid problem: ", "")))?;
    let mut v = serde_json::to_value(&p).expect("a plan serialises");
    let mut all_warnings = warnings;
    all_warnings.extend(p.warnings.iter().cloned());
    v["warnings"] = json!(all_warnings);
    v["stage"] = json!(stage.name());
    v["year"] = json!(year);
    v["base_year"] = json!(base);
    v["scenario"] = json!(a.name);
    v["exact_available"] = json!(eduplan_layout::mip::AVAILABLE);
    v["region"] = json!(county);
    v["params"] = json!({"add": p.add, "max_km": max_km, "allow_close": q.allow_close.unwrap_or(false), "objective": objective, "grid_km": p.grid_km, "exclude": exclude, "new_capacity": new_capacity,
        "candidates": if candidates.is_some() { if q.candidates.as_deref() == Some("both") { "both" } else { "user" } } else { "grid" },
        "villages": points.iter().filter(|p| p.kind == PointKind::Village).count(), "demand": q.demand.as_deref().unwrap_or("auto"),
        "add_km": q.add_km, "expand": steps, "expand_classes": step_classes, "expand_km": q.expand_km.unwrap_or(1.0), "enforce_max": q.enforce_max.unwrap_or(false), "roads": use_roads, "exact": q.exact});
    Ok(v)
}

/// GET /api/layout?stage=&year=&scenario=&region=&add=&max_km=&allow_close=&objective=&exclude=&grid_km=
pub async fn get(State(st): State<AppState>, u: AuthUser, Query(q): Query<LayoutQuery>) -> ApiResult<Json<J>> {
    // a regional user plans their own county unless they name another they may see
    let scoped = crate::projections::check_scope(&u, Request { region: q.region.clone(), ..Default::default() })?;
    let q = LayoutQuery { region: scoped.region, ..q };
    Ok(Json(solve(&st.store, &q, st.roads.clone()).await?))
}

/// The county a points request is about: the one named (if the user may see it), else the
/// user's own, else the data's first.
async fn points_county(st: &AppState, u: &AuthUser, region: Option<String>) -> ApiResult<String> {
    let scoped = crate::projections::check_scope(u, Request { region, ..Default::default() })?;
    let counties = st.store.counties().await?;
    match scoped.region.filter(|r| !r.is_empty()) {
        Some(r) if counties.contains(&r) => Ok(r),
        Some(r) => Err(ApiError::bad_request(format!("区划 {r} 不是数据中的县"), format!("{r} is not a county of the data"))),
        None => counties.into_iter().next().ok_or_else(|| ApiError::bad_request("数据中没有县", "no county in the data")),
    }
}

/// Query of the points endpoints.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PointsQuery {
    /// The county (default: the user's or the data's first).
    pub region: Option<String>,
}

/// GET /api/layout/points?region=: the county's candidate sites and villages.
pub async fn list_points(State(st): State<AppState>, u: AuthUser, Query(q): Query<PointsQuery>) -> ApiResult<Json<J>> {
    let county = points_county(&st, &u, q.region).await?;
    let pts = st.store.layout_points(Some(&county)).await?;
    Ok(Json(json!({"region": county, "points": pts.iter().map(LayoutPoint::to_json).collect::<Vec<_>>()})))
}

/// POST /api/layout/points: add or change one point (JSON; `county` defaults as in the list).
pub async fn save_point(State(st): State<AppState>, u: AuthUser, Json(body): Json<J>) -> ApiResult<Json<J>> {
    u.require_planner()?;
    let region = body.get("county").and_then(J::as_str).filter(|c| !c.is_empty()).map(str::to_string);
    let county = points_county(&st, &u, region).await?;
    // a point placed on the map has no id yet: the next free S<n> / V<n>
    let mut body = body;
    if body.get("id").and_then(J::as_str).is_none_or(|s| s.trim().is_empty()) {
        let kind = body.get("kind").and_then(J::as_str).and_then(PointKind::parse).unwrap_or(PointKind::Site);
        let prefix = if kind == PointKind::Site { "S" } else { "V" };
        let taken: Vec<String> = st.store.layout_points(Some(&county)).await?.into_iter().filter(|p| p.kind == kind).map(|p| p.id).collect();
        let n = (1..).find(|n| !taken.contains(&format!("{prefix}{n}"))).expect("a free id");
        body["id"] = json!(format!("{prefix}{n}"));
    }
    let mut p = LayoutPoint::from_json(&body).map_err(|e| match e.split_once(" / ") {
        Some((zh, en)) => ApiError::bad_request(zh.to_string(), en.to_string()),
        None => ApiError::bad_request(e.clone(), e),
    })?;
    p.county = county;
    st.store.save_layout_points(std::slice::from_ref(&p), false, &u.user.username).await?;
    Ok(Json(p.to_json()))
}

/// DELETE /api/layout/points/{kind}/{id}?region=
pub async fn delete_point(State(st): State<AppState>, u: AuthUser, Path((kind, id)): Path<(String, String)>, Query(q): Query<PointsQuery>) -> ApiResult<axum::http::StatusCode> {
    u.require_planner()?;
    let kind = PointKind::parse(&kind).ok_or_else(|| ApiError::bad_request(format!("类型 {kind} 应为 site 或 village"), format!("kind {kind} must be site or village")))?;
    let county = points_county(&st, &u, q.region).await?;
    st.store.delete_layout_point(&county, kind, &id, &u.user.username).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// POST /api/layout/points/import (multipart: `file` CSV or Excel, optional `kind` site|village
/// for files without a 类型 column, `replace` true to make the file the whole list of its kinds,
/// `region`). All or nothing: any error leaves the stored points as they were.
pub async fn import_points(State(st): State<AppState>, u: AuthUser, mut mp: Multipart) -> ApiResult<Json<J>> {
    u.require_planner()?;
    let bad = |e: axum::extract::multipart::MultipartError| ApiError::bad_request(format!("上传失败：{e}"), format!("upload failed: {e}"));
    let (mut file, mut kind, mut replace, mut region) = (None, None, false, None);
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("points.csv").to_string();
                file = Some((name, field.bytes().await.map_err(bad)?.to_vec()));
            }
            Some("kind") => kind = PointKind::parse(&field.text().await.map_err(bad)?),
            Some("replace") => replace = field.text().await.is_ok_and(|v| v == "true" || v == "1"),
            Some("region") => region = Some(field.text().await.map_err(bad)?).filter(|r| !r.is_empty()),
            _ => {}
        }
    }
    let (name, bytes) = file.ok_or_else(|| ApiError::bad_request("缺少文件（字段 file）", "missing file (field \"file\")"))?;
    let county = points_county(&st, &u, region).await?;
    let pts = eduplan_ingest::points::read_points(&name, &bytes, &county, kind).map_err(|issues| {
        let row = |i: &eduplan_core::issue::Issue, zh: bool| match (i.row, zh) {
            (Some(r), true) => format!("第 {r} 行"),
            (Some(r), false) => format!("row {r}"),
            (None, _) => String::new(),
        };
        let (zh, en) = issues.first().map(|i| (format!("{} {}「{}」{}", row(i, true), i.column, i.value, i.zh), format!("{} {} \"{}\": {}", row(i, false), i.column, i.value, i.en))).unwrap_or_default();
        ApiError::bad_request(format!("{name} 有 {} 处错误，未导入：{zh}", issues.len()), format!("{} errors in {name}, nothing imported: {en}", issues.len()))
            .with_detail(json!({"errors": issues.iter().map(crate::api::issue_json).collect::<Vec<_>>()}))
    })?;
    let (saved, deleted) = st.store.save_layout_points(&pts, replace, &u.user.username).await?;
    Ok(Json(json!({"region": county, "file_name": name, "saved": saved, "deleted": deleted,
        "sites": pts.iter().filter(|p| p.kind == PointKind::Site).count(), "villages": pts.iter().filter(|p| p.kind == PointKind::Village).count()})))
}
