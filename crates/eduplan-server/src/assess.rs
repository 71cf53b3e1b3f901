//! Supervision assessments (督导评估) at the edge: the figures an assessment needs, computed from
//! the store, and GET /api/assess/{method}.

use axum::extract::{Path, Query, State};
use axum::Json;
use eduplan_assess::{SchoolMeta, Standards};
use eduplan_core::schema::SheetKind;
use eduplan_engine::Level;
use eduplan_store::Store;
use serde::Deserialize;
use serde_json::Value as J;

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::indicators::{compute, IndicatorError, Levels};
use crate::AppState;

/// The assessments eduplan runs.
pub const METHODS: [&str; 3] = ["balance-quality", "preschool", "class-size"];

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum AssessError {
    /// Not one of [`METHODS`].
    #[error("unknown method {0}; known: balance-quality, preschool, class-size")]
    Method(String),
    /// Several counties and no region said which.
    #[error("the data holds several counties ({0}); pass a county code as the region")]
    Scope(String),
    /// Computing the figures failed.
    #[error(transparent)]
    Indicators(#[from] IndicatorError),
    /// A standards file is broken.
    #[error(transparent)]
    Standards(#[from] eduplan_assess::StandardsError),
}

/// The standards in use: national, with the province file named by `EDUPLAN_STANDARDS` (or
/// `extra`) merged over them.
pub fn standards(extra: Option<&std::path::Path>) -> Result<Standards, AssessError> {
    let env = std::env::var_os("EDUPLAN_STANDARDS").map(std::path::PathBuf::from);
    match extra.map(|p| p.to_path_buf()).or(env) {
        Some(p) => {
            let text = std::fs::read_to_string(&p).map_err(|e| eduplan_assess::StandardsError(format!("{}: {e}", p.display())))?;
            Ok(Standards::with_override(Some(&text))?)
        }
        None => Ok(Standards::builtin()),
    }
}

/// Runs an assessment of a county (or the only county in the data) for a year.
pub async fn run(store: &Store, method: &str, year: i32, region: Option<&str>, std: &Standards) -> Result<J, AssessError> {
    if !METHODS.contains(&method) {
        return Err(AssessError::Method(method.to_string()));
    }
    let cat = eduplan_assess::catalogue(std);
    let codes: Vec<String> = match method {
        "balance-quality" => eduplan_assess::needed_codes(std),
        "preschool" => ["pre_ger", "pre_puhui_cov", "pre_public_share", "cert_share", "ptr"].map(String::from).to_vec(),
        _ => ["big_class_share", "huge_class_share", "big_class_count", "over_std_class"].map(String::from).to_vec(),
    };
    let levels = Levels { levels: vec![Level::School, Level::Township, Level::County], upper_if_several_counties: false };
    let mut c = compute(store, &cat, year, &levels, Some(&codes)).await?;
    let counties: std::collections::BTreeSet<String> = c.school_region.values().map(|t| t.chars().take(6).collect()).collect();
    let scope = match region {
        Some(r) => r.to_string(),
        None if counties.len() == 1 => counties.into_iter().next().unwrap_or_default(),
        None => return Err(AssessError::Scope(counties.into_iter().collect::<Vec<_>>().join(", "))),
    };
    c.retain_region(&scope);
    // the schools sheet only: `compute` has already read the whole year for the figures
    let vid = store.current_version_id(year).await.map_err(IndicatorError::from)?.ok_or(IndicatorError::NoYear(year))?;
    let t = store.load_rows(vid, SheetKind::Schools, None).await.map_err(IndicatorError::from)?;
    let t = &t;
    let schools: Vec<SchoolMeta> = t
        .rows
        .iter()
        .map(|r| SchoolMeta {
            school_id: t.get(r, "school_id").display(),
            name: t.get(r, "name").display(),
            school_type: t.get(r, "type").display(),
            township: t.get(r, "region").display(),
        })
        .filter(|s| s.township.starts_with(eduplan_core::schema::region_prefix(&scope)))
        .collect();
    Ok(match method {
        "balance-quality" => serde_json::to_value(eduplan_assess::balance_quality(std, year, &scope, &schools, &c.figures)).expect("serialisable"),
        "preschool" => serde_json::to_value(eduplan_assess::preschool(std, year, &scope, &c.figures)).expect("serialisable"),
        _ => eduplan_assess::class_size(year, &scope, &schools, &c.figures),
    })
}

#[derive(Deserialize)]
pub struct AssessQuery {
    year: Option<i32>,
    region: Option<String>,
}

/// GET /api/assess/{method}?year=&region=
pub async fn get(State(st): State<AppState>, u: AuthUser, Path(method): Path<String>, Query(q): Query<AssessQuery>) -> ApiResult<Json<J>> {
    let years = st.store.years().await?;
    let year = q.year.or(years.last().copied()).ok_or_else(|| ApiError::not_found("还没有任何学年的数据", "no school year stored yet"))?;
    if let Some(r) = &q.region {
        if !u.sees_region(r) {
            return Err(ApiError::forbidden("无权查看该地区", "this region is outside your scope"));
        }
    }
    if u.user.scope_kind == eduplan_store::ScopeKind::School {
        return Err(ApiError::forbidden("学校用户不能查看县域评估", "school users cannot see the county assessment"));
    }
    let std = standards(None).map_err(ApiError::internal)?;
    let region = q.region.clone().or_else(|| (u.user.scope_kind == eduplan_store::ScopeKind::Region).then(|| u.user.scope.clone()));
    match run(&st.store, &method, year, region.as_deref(), &std).await {
        Ok(v) => Ok(Json(v)),
        Err(AssessError::Method(m)) => Err(ApiError::not_found(format!("未知的评估方法 {m}"), format!("unknown assessment method {m}"))),
        Err(AssessError::Scope(c)) => Err(ApiError::bad_request(format!("数据包含多个县（{c}），请指定 region"), format!("several counties ({c}); pass region"))),
        Err(AssessError::Indicators(IndicatorError::NoYear(y))) => Err(ApiError::not_found(format!("{y} 学年没有数据"), format!("no data for school year {y}"))),
        Err(e) => Err(ApiError::internal(e)),
    }
}
