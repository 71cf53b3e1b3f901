//! Indicators at the edge: loading the years a computation needs from the store, the wire form
//! of a figure (shared by the CLI and the API), and GET /api/indicators.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::Json;
use eduplan_core::data::YearData;
use eduplan_core::schema::{region_prefix, SheetKind};
use eduplan_engine::{round_half_up, Catalogue, Engine, Figure, Level};
use serde::Deserialize;
use serde_json::{json, Value as J};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// Cohort indicators reach back this many years (九年义务教育巩固率: t−8).
pub const MAX_LAG: i32 = 8;

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
}

/// Figures of a year, with each school's township for scope filters.
pub struct Computed {
    /// The figures.
    pub figures: Vec<Figure>,
    /// 学校标识码 → township code, in that year.
    pub school_region: HashMap<String, String>,
}

impl Computed {
    /// Keeps the figures about a region (county or township code) or what lies under it.
    pub fn retain_region(&mut self, region: &str) {
        let p = region_prefix(region).to_string();
        let sr = &self.school_region;
        self.figures.retain(|f| match f.level {
            Level::School => sr.get(&f.scope).is_some_and(|tw| tw.starts_with(&p)),
            _ => f.scope.starts_with(&p),
        });
    }
}

/// Loads the year and the years before it that cohort indicators need, and computes.
pub async fn compute(store: &eduplan_store::Store, cat: &Catalogue, year: i32, levels: &[Level], codes: Option<&[String]>) -> Result<Computed, IndicatorError> {
    let mut years: Vec<YearData> = Vec::new();
    for y in (year - MAX_LAG)..=year {
        if let Some(d) = store.load_year(y).await? {
            years.push(d);
        }
    }
    let Some(last) = years.last().filter(|d| d.year == year) else {
        return Err(IndicatorError::NoYear(year));
    };
    let t = last.table(SheetKind::Schools);
    let school_region = t.rows.iter().map(|r| (t.get(r, "school_id").display(), t.get(r, "region").display())).collect();
    let figures = Engine::new(&years).compute(cat, year, levels, codes).await?;
    Ok(Computed { figures, school_region })
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

/// Parses a level list ("school", "township", "county" or "all").
pub fn parse_levels(s: &str) -> Option<Vec<Level>> {
    Some(match s {
        "school" => vec![Level::School],
        "township" => vec![Level::Township],
        "county" => vec![Level::County],
        "all" | "" => vec![Level::School, Level::Township, Level::County],
        _ => return None,
    })
}

#[derive(Deserialize)]
pub struct IndicatorQuery {
    year: Option<i32>,
    region: Option<String>,
    level: Option<String>,
    codes: Option<String>,
}

/// GET /api/indicators: figures in the user's scope.
pub async fn list(State(st): State<AppState>, u: AuthUser, Query(q): Query<IndicatorQuery>) -> ApiResult<Json<J>> {
    let years = st.store.years().await?;
    let year = q.year.or(years.last().copied()).ok_or_else(|| ApiError::not_found("还没有任何学年的数据", "no school year stored yet"))?;
    let levels = parse_levels(q.level.as_deref().unwrap_or("all")).ok_or_else(|| ApiError::bad_request("level 应为 school/township/county/all", "level must be school, township, county or all"))?;
    let cat = Catalogue::builtin();
    let codes: Option<Vec<String>> = q.codes.map(|c| c.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect());
    let mut c = compute(&st.store, &cat, year, &levels, codes.as_deref()).await.map_err(|e| match e {
        IndicatorError::NoYear(y) => ApiError::not_found(format!("{y} 学年没有数据"), format!("no data for school year {y}")),
        other => ApiError::internal(other),
    })?;
    if let Some(r) = &q.region {
        c.retain_region(r);
    }
    let sr = &c.school_region;
    c.figures.retain(|f| match f.level {
        Level::School => sr.get(&f.scope).is_some_and(|tw| u.sees_school(&f.scope, tw)),
        _ => u.sees_region(&f.scope),
    });
    let catalogue: Vec<J> = cat
        .indicator
        .iter()
        .map(|i| json!({"code": i.code, "name": i.name, "name_en": i.name_en, "unit": i.unit, "formula": i.formula,
                        "levels": i.levels.iter().map(|l| l.as_str()).collect::<Vec<_>>()}))
        .collect();
    Ok(Json(json!({"year": year, "catalogue": catalogue, "items": c.figures.iter().map(figure_json).collect::<Vec<_>>()})))
}
