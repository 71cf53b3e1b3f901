//! Indicators at the edge: the catalogue in use (built-in, a province's file, the users' own
//! indicators), loading the years a computation needs from the store, the wire form of a figure
//! (shared by the CLI and the API), and the /api/indicators endpoints.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use eduplan_core::data::YearData;
use eduplan_core::schema::{region_prefix, SheetKind};
use eduplan_engine::formula::{check_code, compile, CustomDef, FormulaError};
use eduplan_engine::{round_half_up, Catalogue, Engine, Figure, Level};
use eduplan_store::{CustomIndicator, Store};
use serde::Deserialize;
use serde_json::{json, Value as J};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// Cohort indicators reach back this many years (九年义务教育巩固率: t−8).
pub const MAX_LAG: i32 = 8;
/// UIS flow rates of year t read t+1.
pub const MAX_LEAD: i32 = 1;

/// What went wrong computing.
#[derive(Debug, thiserror::Error)]
pub enum IndicatorError {
    /// The year is not stored.
    #[error("no data for school year {0}")]
    NoYear(i32),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] eduplan_store::StoreError),
    /// The engine failed.
    #[error(transparent)]
    Engine(#[from] eduplan_engine::EngineError),
    /// A catalogue file or a saved formula is broken.
    #[error("catalogue: {0}")]
    Catalogue(String),
}

/// The catalogue in use: the built-in one, the province file named by `EDUPLAN_CATALOGUE` (or
/// `extra`), and every user-defined indicator in the store.
pub async fn catalogue(store: &Store, extra: Option<&std::path::Path>) -> Result<Catalogue, IndicatorError> {
    catalogue_with(&store.custom_indicators().await?, extra)
}

/// The catalogue with user-defined indicators already read from the store.
pub fn catalogue_with(custom: &[CustomIndicator], extra: Option<&std::path::Path>) -> Result<Catalogue, IndicatorError> {
    let mut cat = Catalogue::builtin();
    let env = std::env::var_os("EDUPLAN_CATALOGUE").map(std::path::PathBuf::from);
    if let Some(p) = extra.map(|p| p.to_path_buf()).or(env) {
        let text = std::fs::read_to_string(&p).map_err(|e| IndicatorError::Catalogue(format!("{}: {e}", p.display())))?;
        let file = Catalogue::parse(&text).map_err(|e| IndicatorError::Catalogue(format!("{}: {e}", p.display())))?;
        cat.extend(file).map_err(|e| IndicatorError::Catalogue(e.to_string()))?;
    }
    let defs: Vec<CustomDef> = custom.iter().cloned().map(def_of).collect();
    cat.add_custom(&defs).map_err(|e| IndicatorError::Catalogue(e.to_string()))?;
    Ok(cat)
}

fn def_of(c: CustomIndicator) -> CustomDef {
    CustomDef { code: c.code, name: c.name, name_en: c.name_en, unit: c.unit, scale: c.scale, numerator: c.numerator, denominator: c.denominator }
}

/// Figures of a year, with each school's township for scope filters.
pub struct Computed {
    /// The figures.
    pub figures: Vec<Figure>,
    /// 学校标识码 → township code, in that year.
    pub school_region: HashMap<String, String>,
}

impl Computed {
    /// Keeps the figures about a region (province, city, county or township code) or what lies
    /// under it.
    pub fn retain_region(&mut self, region: &str) {
        let p = region_prefix(region).to_string();
        let sr = &self.school_region;
        self.figures.retain(|f| match f.level {
            Level::School => sr.get(&f.scope).is_some_and(|tw| tw.starts_with(&p)),
            _ => region_prefix(&f.scope).starts_with(&p),
        });
    }
}

/// Levels asked for: the named one, or `all` (school, township, county, and city and province
/// when the data holds several counties).
#[derive(Debug, Clone, PartialEq)]
pub struct Levels {
    /// Levels always computed.
    pub levels: Vec<Level>,
    /// Add city and province when there are several counties.
    pub upper_if_several_counties: bool,
}

/// Parses a level name ("school", "township", "county", "city", "province" or "all").
pub fn parse_levels(s: &str) -> Option<Levels> {
    match s {
        "all" | "" => Some(Levels { levels: vec![Level::School, Level::Township, Level::County], upper_if_several_counties: true }),
        other => Level::parse(other).map(|l| Levels { levels: vec![l], upper_if_several_counties: false }),
    }
}

/// Loads the year, the years before it that cohort indicators need and the year after it that
/// UIS flow rates read, and computes.
pub async fn compute(store: &Store, cat: &Catalogue, year: i32, levels: &Levels, codes: Option<&[String]>) -> Result<Computed, IndicatorError> {
    let mut years: Vec<YearData> = Vec::new();
    for y in (year - MAX_LAG)..=(year + MAX_LEAD) {
        if let Some(d) = store.load_year(y).await? {
            years.push(d);
        }
    }
    let Some(this) = years.iter().find(|d| d.year == year) else {
        return Err(IndicatorError::NoYear(year));
    };
    let t = this.table(SheetKind::Schools);
    let school_region = t.rows.iter().map(|r| (t.get(r, "school_id").display(), t.get(r, "region").display())).collect();
    // the current plans' project funds, for 资金执行进度 (only when asked for, or for everything)
    let wants_funds = codes.is_none_or(|c| c.iter().any(|c| c == "fund_exec"));
    let funds = if wants_funds { fund_facts(store).await? } else { Vec::new() };
    let engine = Engine::with_funds(&years, &funds);
    let mut lv = levels.levels.clone();
    if levels.upper_if_several_counties && engine.counties(year) > 1 {
        lv.extend([Level::City, Level::Province]);
    }
    let figures = engine.compute(cat, year, &lv, codes).await?;
    Ok(Computed { figures, school_region })
}

/// The funds of every current plan's projects as engine facts: at the project's school, else at
/// the plan's county.
pub async fn fund_facts(store: &Store) -> Result<Vec<eduplan_engine::facts::FundFact>, IndicatorError> {
    let mut out = Vec::new();
    for p in store.plans().await?.into_iter().filter(|p| p.current) {
        let book = store.plan_book(p.id).await?;
        let county: String = p.meta.region.chars().take(6).collect();
        for f in &book.funds {
            let school = book.projects.iter().find(|j| j.id == f.project).map(|j| j.school_id.clone()).filter(|s| !s.is_empty());
            out.push(eduplan_engine::facts::FundFact { date: f.date.clone(), school_id: school, county: county.clone(), released: f.released, spent: f.spent });
        }
    }
    Ok(out)
}

/// The wire form of a figure (the CLI's JSON and the API's): value rounded half up to 2
/// decimals; numerator and denominator to 4.
pub fn figure_json(f: &Figure) -> J {
    let r4 = |x: Option<f64>| x.map(|v| round_half_up(v, 4));
    json!({
        "code": f.code, "name": f.name, "scope": f.scope, "level": f.level.as_str(), "year": f.year,
        "stage": f.stage, "value": f.value.map(|v| round_half_up(v, 2)), "unit": f.unit,
        "numerator": r4(f.numerator), "denominator": r4(f.denominator), "status": f.status(),
        "reason": f.reason.as_ref().map(|r| format!("{} / {}", r.0, r.1)),
    })
}

/// The columns of a figure in tables and exports.
pub const FIGURE_COLUMNS: [&str; 12] = ["code", "name", "scope", "level", "year", "stage", "value", "unit", "numerator", "denominator", "status", "reason"];

/// Figures as an Excel workbook (one row per figure, the JSON fields as columns).
pub fn figures_xlsx(figures: &[Figure]) -> Result<Vec<u8>, eduplan_ingest::write::WriteError> {
    use eduplan_core::data::Value;
    let rows: Vec<Vec<Value>> = figures
        .iter()
        .map(|f| {
            let j = figure_json(f);
            FIGURE_COLUMNS
                .iter()
                .map(|c| match &j[*c] {
                    J::Number(n) => Value::Num(n.as_f64().unwrap_or(0.0)),
                    J::Null => Value::Null,
                    J::String(s) => Value::Text(s.clone()),
                    v => Value::Text(v.to_string()),
                })
                .collect()
        })
        .collect();
    eduplan_ingest::write::result_xlsx("指标", &FIGURE_COLUMNS, &rows)
}

/// The catalogue as the API lists it.
pub fn catalogue_json(cat: &Catalogue, custom: &[CustomIndicator]) -> Vec<J> {
    cat.indicator
        .iter()
        .map(|i| {
            let mut levels: Vec<&str> = i.levels.iter().map(|l| l.as_str()).collect();
            if i.levels.contains(&Level::County) {
                levels.extend(["city", "province"]);
            }
            let mut j = json!({"code": i.code, "name": i.name, "name_en": i.name_en, "unit": i.unit, "formula": i.formula,
                               "levels": levels, "stages": i.stages, "aliases": i.aliases, "custom": i.custom, "scale": i.scale,
                               "kind": format!("{:?}", i.kind).to_lowercase()});
            if let Some(c) = custom.iter().find(|c| c.code == i.code) {
                j["numerator"] = json!(c.numerator);
                j["denominator"] = json!(c.denominator);
                j["created_by"] = json!(c.created_by);
            }
            j
        })
        .collect()
}

#[derive(Deserialize)]
pub struct IndicatorQuery {
    year: Option<i32>,
    region: Option<String>,
    level: Option<String>,
    codes: Option<String>,
}

fn cat_error(e: IndicatorError) -> ApiError {
    match e {
        IndicatorError::NoYear(y) => ApiError::not_found(format!("{y} 学年没有数据"), format!("no data for school year {y}")),
        other => ApiError::internal(other),
    }
}

/// The figures a user asked for and may see.
async fn scoped(st: &AppState, u: &AuthUser, q: &IndicatorQuery) -> ApiResult<(i32, Catalogue, Vec<CustomIndicator>, Computed)> {
    let years = st.store.years().await?;
    let year = q.year.or(years.last().copied()).ok_or_else(|| ApiError::not_found("还没有任何学年的数据", "no school year stored yet"))?;
    let levels = parse_levels(q.level.as_deref().unwrap_or("all"))
        .ok_or_else(|| ApiError::bad_request("level 应为 school/township/county/city/province/all", "level must be school, township, county, city, province or all"))?;
    let custom = st.store.custom_indicators().await?;
    let cat = catalogue_with(&custom, None).map_err(cat_error)?;
    let codes: Option<Vec<String>> = q.codes.as_ref().map(|c| c.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect());
    if let Some(cs) = &codes {
        if let Err(bad) = cat.resolve(cs) {
            return Err(ApiError::bad_request(format!("未知的指标代码：{}", bad.join(", ")), format!("unknown indicator codes: {}", bad.join(", "))));
        }
    }
    let mut c = compute(&st.store, &cat, year, &levels, codes.as_deref()).await.map_err(cat_error)?;
    if let Some(r) = &q.region {
        c.retain_region(r);
    }
    let sr = &c.school_region;
    c.figures.retain(|f| match f.level {
        Level::School => sr.get(&f.scope).is_some_and(|tw| u.sees_school(&f.scope, tw)),
        _ => u.sees_region(&f.scope),
    });
    Ok((year, cat, custom, c))
}

/// GET /api/indicators: figures in the user's scope, with the catalogue.
pub async fn list(State(st): State<AppState>, u: AuthUser, Query(q): Query<IndicatorQuery>) -> ApiResult<Json<J>> {
    let (year, cat, custom, c) = scoped(&st, &u, &q).await?;
    let years = st.store.years().await?;
    Ok(Json(json!({"year": year, "years": years, "catalogue": catalogue_json(&cat, &custom),
                   "items": c.figures.iter().map(figure_json).collect::<Vec<_>>()})))
}

/// GET /api/indicators/export: the same figures as an Excel workbook.
pub async fn export(State(st): State<AppState>, u: AuthUser, Query(q): Query<IndicatorQuery>) -> ApiResult<Response> {
    let (year, _, _, c) = scoped(&st, &u, &q).await?;
    let bytes = figures_xlsx(&c.figures).map_err(ApiError::internal)?;
    let what = q.codes.as_deref().filter(|c| !c.contains(',') && !c.is_empty()).unwrap_or("全部");
    Ok(crate::api::xlsx_response(bytes, &format!("指标-{what}-{year}.xlsx")))
}

#[derive(Deserialize)]
pub struct CheckBody {
    numerator: String,
    #[serde(default)]
    denominator: String,
}

#[derive(Deserialize)]
pub struct DefineBody {
    code: String,
    name: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    unit: String,
    #[serde(default = "one")]
    scale: f64,
    numerator: String,
    #[serde(default)]
    denominator: String,
}

fn one() -> f64 {
    1.0
}

fn formula_error(e: FormulaError) -> ApiError {
    ApiError::bad_request(e.zh.clone(), e.en.clone()).with_detail(json!({"position": {"side": e.side.as_str(), "start": e.start, "end": e.end, "token": e.token}}))
}

/// POST /api/indicators/custom/check: parses both formulas; 400 points at the bad token.
pub async fn check(_u: AuthUser, Json(b): Json<CheckBody>) -> ApiResult<Json<J>> {
    let def = CustomDef { code: "check".into(), name: String::new(), name_en: String::new(), unit: String::new(), scale: 1.0, numerator: b.numerator, denominator: b.denominator };
    let c = compile(&def).map_err(formula_error)?;
    Ok(Json(json!({"ok": true, "stage": c.stage, "levels": c.indicator.levels.iter().map(|l| l.as_str()).collect::<Vec<_>>()})))
}

/// GET /api/indicators/custom: every user-defined indicator.
pub async fn custom_list(State(st): State<AppState>, _u: AuthUser) -> ApiResult<Json<J>> {
    let items = st.store.custom_indicators().await?;
    Ok(Json(json!({"items": items.iter().map(custom_json).collect::<Vec<_>>(), "elements": elements_json()})))
}

fn custom_json(c: &CustomIndicator) -> J {
    let stage = compile(&def_of(c.clone())).map(|x| x.stage).unwrap_or_default();
    json!({"code": c.code, "name": c.name, "name_en": c.name_en, "unit": c.unit, "scale": c.scale, "numerator": c.numerator,
           "denominator": c.denominator, "stage": stage, "created_by": c.created_by, "created_at": c.created_at})
}

fn elements_json() -> J {
    J::Array(
        eduplan_engine::formula::elements()
            .into_iter()
            .map(|(t, zh, fields, filters)| json!({"table": t, "name": zh, "fields": fields, "filters": filters}))
            .collect(),
    )
}

/// POST /api/indicators/custom: defines an indicator (admin, planner).
pub async fn define(State(st): State<AppState>, u: AuthUser, Json(b): Json<DefineBody>) -> ApiResult<(StatusCode, Json<J>)> {
    u.require_planner()?;
    let code = b.code.trim().to_string();
    check_code(&code).map_err(|(zh, en)| ApiError::bad_request(zh, en))?;
    if b.name.trim().is_empty() {
        return Err(ApiError::bad_request("请填写指标名称", "the indicator needs a name"));
    }
    if !b.scale.is_finite() || b.scale == 0.0 {
        return Err(ApiError::bad_request("倍数应为非零数字", "scale must be a non-zero number"));
    }
    let def = CustomDef { code: code.clone(), name: b.name.trim().into(), name_en: b.name_en.trim().into(), unit: b.unit.trim().into(), scale: b.scale, numerator: b.numerator, denominator: b.denominator };
    compile(&def).map_err(formula_error)?;
    let cat = catalogue(&st.store, None).await.map_err(cat_error)?;
    if cat.get(&code).is_some() {
        return Err(ApiError::conflict(format!("指标代码 {code} 已存在"), format!("indicator code {code} exists")));
    }
    let c = CustomIndicator {
        code,
        name: def.name,
        name_en: def.name_en,
        unit: def.unit,
        scale: def.scale,
        numerator: def.numerator,
        denominator: def.denominator,
        created_by: String::new(),
        created_at: String::new(),
    };
    let saved = st.store.add_custom_indicator(&c, &u.user.username).await?;
    Ok((StatusCode::CREATED, Json(json!({"item": custom_json(&saved)}))))
}

/// DELETE /api/indicators/custom/{code} (admin, planner).
pub async fn undefine(State(st): State<AppState>, u: AuthUser, Path(code): Path<String>) -> ApiResult<StatusCode> {
    u.require_planner()?;
    if st.store.delete_custom_indicator(&code, &u.user.username).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("没有自定义指标 {code}"), format!("no user-defined indicator {code}")))
    }
}

/// GET /api/regions/geo: township boundaries of the latest year as a GeoJSON FeatureCollection
/// (empty when the data provides none).
pub async fn geo(State(st): State<AppState>, u: AuthUser) -> ApiResult<Json<J>> {
    let years = st.store.years().await?;
    let mut features = Vec::new();
    if let Some(&y) = years.last() {
        // the regions sheet only: a province's year holds a million other rows
        if let Some(vid) = st.store.current_version_id(y).await? {
            let t = st.store.load_rows(vid, SheetKind::Regions, None).await?;
            for r in &t.rows {
                let code = t.get(r, "code").display();
                let Some(b) = t.get(r, "boundary").as_str() else { continue };
                if !u.sees_region(&code) {
                    continue;
                }
                let Ok(g) = serde_json::from_str::<J>(b) else { continue };
                let geometry = if g["type"] == "Feature" { g["geometry"].clone() } else { g };
                features.push(json!({"type": "Feature", "geometry": geometry, "properties": {
                    "code": code, "name": t.get(r, "name").display(), "parent": t.get(r, "parent").as_str(),
                    "urban_rural": t.get(r, "urban_rural").as_str()}}));
            }
        }
    }
    Ok(Json(json!({"type": "FeatureCollection", "features": features})))
}
