//! Supervision assessments (督导评估) at the edge: the figures an assessment needs, computed from
//! the store, and GET /api/assess/{method}.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use eduplan_assess::evidence::{apply_evidence, Checked};
use eduplan_assess::problems::Review;
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
use crate::reports::ReportFormat;

/// The assessments eduplan runs.
pub const METHODS: [&str; 5] = ["balance-quality", "balance-basic", "preschool", "class-size", "funds"];

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum AssessError {
    /// Not one of [`METHODS`].
    #[error("unknown method {0}; known: balance-quality, balance-basic, preschool, class-size, funds")]
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

/// An assessment run: its JSON, the schools it covered, the problems it found.
pub struct Run {
    /// The assessment (the JSON of docs/supervision.md), with `findings`: the open findings of
    /// earlier years and whether this year's data shows their problem gone.
    pub json: J,
    /// The schools in scope.
    pub schools: Vec<SchoolMeta>,
    /// Problems found and subjects judged.
    pub review: Review,
    /// The county assessed.
    pub scope: String,
}

/// Runs an assessment of a county (or the only county in the data) for a year.
pub async fn run(store: &Store, method: &str, year: i32, region: Option<&str>, std: &Standards) -> Result<J, AssessError> {
    Ok(run_full(store, method, year, region, std).await?.json)
}

/// [`run`], keeping the schools and the problems for findings.
pub async fn run_full(store: &Store, method: &str, year: i32, region: Option<&str>, std: &Standards) -> Result<Run, AssessError> {
    if !METHODS.contains(&method) {
        return Err(AssessError::Method(method.to_string()));
    }
    if method == "funds" {
        return run_funds(store, year, region, std).await;
    }
    let cat = eduplan_assess::catalogue(std);
    let codes: Vec<String> = match method {
        "balance-quality" => eduplan_assess::needed_codes(std),
        "balance-basic" => std.balance_basic.indicators.iter().cloned().chain(["enrolled_count".to_string()]).collect(),
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
    let mut json = match method {
        "balance-quality" => serde_json::to_value(eduplan_assess::balance_quality(std, year, &scope, &schools, &c.figures)).expect("serialisable"),
        "balance-basic" => serde_json::to_value(eduplan_assess::balance_basic(std, year, &scope, &schools, &c.figures, &cat)).expect("serialisable"),
        "preschool" => serde_json::to_value(eduplan_assess::preschool(std, year, &scope, &c.figures)).expect("serialisable"),
        _ => eduplan_assess::class_size(year, &scope, &schools, &c.figures),
    };
    if method == "class-size" {
        json["trend"] = class_trend(store, year, &scope, std).await?;
    }
    // items judged on site (现场核查) count like computed ones
    let checked: Vec<Checked> = store
        .evidence(method, year, &scope)
        .await
        .map_err(IndicatorError::from)?
        .into_iter()
        .map(|e| Checked { id: e.id, code: e.code, passed: e.passed, note: e.note, file: e.file_name, by: e.recorded_by, at: e.recorded_at })
        .collect();
    apply_evidence(&mut json, &checked);
    let review = eduplan_assess::problems::review(&json, &schools, std);
    link_findings(store, method, year, &scope, &mut json, &review).await?;
    Ok(Run { json, schools, review, scope })
}

/// Next year's assessment says, for every finding still open, whether its problem is gone.
async fn link_findings(store: &Store, method: &str, year: i32, scope: &str, json: &mut J, review: &Review) -> Result<(), AssessError> {
    let today = crate::findings::today();
    let linked: Vec<J> = crate::findings::open_earlier(store, method, year, scope)
        .await?
        .iter()
        .map(|f| {
            let mut v = crate::findings::to_json(f, &today);
            let gone = review.status(&f.new.source_key);
            v["gone"] = serde_json::json!(gone);
            v["proposal"] = serde_json::json!(gone.filter(|g| *g).map(|_| "close"));
            v
        })
        .collect();
    json["findings"] = J::Array(linked);
    json["problems"] = review.problems.len().into();
    Ok(())
}

/// 资金执行进度 of the projects of the current version of every plan of the county, as of today
/// (China time).
async fn run_funds(store: &Store, year: i32, region: Option<&str>, std: &Standards) -> Result<Run, AssessError> {
    let plans: Vec<eduplan_store::PlanInfo> = store.plans().await.map_err(IndicatorError::from)?.into_iter().filter(|p| p.current).collect();
    let regions: std::collections::BTreeSet<String> = plans.iter().map(|p| p.meta.region.chars().take(6).collect()).filter(|r: &String| !r.is_empty()).collect();
    let scope = match region {
        Some(r) => r.to_string(),
        None if regions.len() <= 1 => regions.into_iter().next().unwrap_or_default(),
        None => return Err(AssessError::Scope(regions.into_iter().collect::<Vec<_>>().join(", "))),
    };
    let prefix = eduplan_core::schema::region_prefix(&scope).to_string();
    let (mut projects, mut entries) = (Vec::new(), Vec::new());
    for p in plans.iter().filter(|p| p.meta.region.is_empty() || p.meta.region.starts_with(&prefix) || prefix.starts_with(eduplan_core::schema::region_prefix(&p.meta.region))) {
        let book = store.plan_book(p.id).await.map_err(IndicatorError::from)?;
        projects.extend(book.projects);
        entries.extend(book.funds);
    }
    // schools (for a project's township), from the year's data when there is any
    let mut schools = Vec::new();
    if let Some(vid) = store.current_version_id(year).await.map_err(IndicatorError::from)? {
        let t = store.load_rows(vid, SheetKind::Schools, None).await.map_err(IndicatorError::from)?;
        schools = t
            .rows
            .iter()
            .map(|r| SchoolMeta { school_id: t.get(r, "school_id").display(), name: t.get(r, "name").display(), school_type: t.get(r, "type").display(), township: t.get(r, "region").display() })
            .collect();
    }
    let mut json = eduplan_assess::funds(std, year, &scope, &crate::findings::today(), &projects, &entries);
    let review = eduplan_assess::problems::review(&json, &schools, std);
    link_findings(store, "funds", year, &scope, &mut json, &review).await?;
    Ok(Run { json, schools, review, scope })
}

/// A table of an assessment: sheet name, header, rows.
pub type Sheet = (String, Vec<String>, Vec<Vec<eduplan_core::data::Value>>);

/// The indicator codes of an assessment's levels, in order (Q1–Q7, or the eight of 基本均衡).
pub fn level_codes(a: &J) -> Vec<String> {
    a["levels"].as_object().and_then(|l| l.values().next()).and_then(|l| l["cv"].as_object()).map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

/// An assessment as tables (学校, 差异系数, 项目), for Excel and the CLI's table.
pub fn tables(a: &J, std: &Standards) -> Vec<Sheet> {
    use eduplan_core::data::Value as V;
    let yes = |v: &J| match v.as_bool() {
        Some(true) => "达标",
        Some(false) => "未达标",
        None => "待核查",
    };
    let num = |v: &J| v.as_f64().map(V::Num).unwrap_or(V::Null);
    let text = |v: &J| V::Text(v.as_str().unwrap_or_default().to_string());
    let codes = level_codes(a);
    let per_school = a["method"] == "balance-quality";
    let (mut school_rows, mut cv_rows) = (Vec::new(), Vec::new());
    for (level, l) in a["levels"].as_object().into_iter().flatten().filter(|_| a["method"] != "class-size") {
        for code in &codes {
            cv_rows.push(vec![V::Text(level.clone()), V::Text(code.clone()), num(&l["cv"][code]), num(&l["cv_threshold"]), V::Text(yes(&l["cv_passed"][code]).into())]);
        }
        for sch in l["schools"].as_array().into_iter().flatten() {
            let mut r = vec![V::Text(level.clone()), text(&sch["school_id"]), text(&sch["name"]), num(&sch["students"])];
            r.extend(codes.iter().map(|c| num(&sch["values"][c])));
            if per_school {
                r.push(V::Text(yes(&sch["passed"]).into()));
                let short: Vec<String> = sch["shortfalls"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| {
                        let unit = std.balance_quality.indicator.iter().find(|q| &q.code == k).map(|q| q.unit.as_str()).unwrap_or("");
                        format!("{k} +{} {unit}", v.as_f64().map(|x| x.to_string()).unwrap_or_else(|| "—".into()))
                    })
                    .collect();
                r.push(V::Text(short.join("；")));
            }
            school_rows.push(r);
        }
    }
    let item_rows: Vec<Vec<V>> = a["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| vec![text(&i["code"]), text(&i["name"]), V::Text(yes(&i["passed"]).into()), num(&i["value"]), num(&i["threshold"]), text(&i["detail"])])
        .collect();
    let mut head: Vec<String> = ["学段", "学校标识码", "学校名称", "在校生"].map(String::from).to_vec();
    head.extend(codes.iter().cloned());
    if per_school {
        head.extend(["达标", "差距"].map(String::from));
    }
    let mut out = Vec::new();
    if !school_rows.is_empty() {
        out.push(("学校".to_string(), head, school_rows));
        out.push(("差异系数".to_string(), ["学段", "指标", "差异系数", "标准", "达标"].map(String::from).to_vec(), cv_rows));
    }
    if a["method"] == "class-size" {
        let rows = a["levels"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, l)| vec![V::Text(k.clone()), num(&l["classes"]), num(&l["big"]), num(&l["big_share"]), num(&l["huge_share"]), num(&l["over_standard"])])
            .collect();
        out.push(("大班额".to_string(), ["学段", "班级数", "大班额", "大班额占比%", "超大班额占比%", "超标准班额"].map(String::from).to_vec(), rows));
        let rows = a["schools"].as_array().into_iter().flatten().map(|s| vec![text(&s["school_id"]), text(&s["name"]), num(&s["big"])]).collect();
        out.push(("学校".to_string(), ["学校标识码", "学校名称", "大班额班级数"].map(String::from).to_vec(), rows));
    }
    if a["method"] == "funds" {
        let mut head: Vec<String> = ["项目编号", "名称", "下达(万元)"].map(String::from).to_vec();
        let dates: Vec<String> = a["items"].as_array().into_iter().flatten().filter_map(|i| i["name"].as_str().map(|n| n.split(' ').next().unwrap_or(n).to_string())).collect();
        head.extend(dates.iter().map(|d| format!("{d} 支出进度%")));
        head.push("结论".into());
        let rows = a["projects"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                let mut r = vec![text(&p["project"]), text(&p["name"]), num(&p["released"])];
                r.extend(p["checkpoints"].as_array().into_iter().flatten().map(|c| num(&c["value"])));
                r.push(V::Text(yes(&p["passed"]).into()));
                r
            })
            .collect();
        out.push(("项目资金".to_string(), head, rows));
    }
    out.push(("项目".to_string(), ["代码", "项目", "结果", "数值", "标准", "说明"].map(String::from).to_vec(), item_rows));
    let findings: Vec<Vec<V>> = a["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let now = match f["gone"].as_bool() {
                Some(true) => "已消除，建议复查销号",
                Some(false) => "仍存在",
                None => "未评估",
            };
            vec![num(&f["id"]), num(&f["year"]), text(&f["problem"]), text(&f["state_zh"]), text(&f["deadline"]), V::Text(now.into())]
        })
        .collect();
    if !findings.is_empty() {
        out.push(("往年问题".to_string(), ["编号", "年度", "问题", "状态", "期限", "本年度"].map(String::from).to_vec(), findings));
    }
    out
}

/// The self-assessment report (自评报告) of a run, ready for Word or PDF.
pub async fn report(store: &Store, run: &Run, std: &Standards) -> Result<eduplan_report::Document, AssessError> {
    let year = run.json["year"].as_i64().unwrap_or_default() as i32;
    let vid = store.current_version_id(year).await.map_err(IndicatorError::from)?.ok_or(IndicatorError::NoYear(year))?;
    let regions = store.load_rows(vid, SheetKind::Regions, None).await.map_err(IndicatorError::from)?;
    let region_name = regions.rows.iter().find(|r| regions.get(r, "code").display() == run.scope).map(|r| regions.get(r, "name").display()).unwrap_or_else(|| run.scope.clone());
    let cat = eduplan_assess::catalogue(std);
    let mut names: std::collections::BTreeMap<String, String> = std.balance_quality.indicator.iter().map(|q| (q.code.clone(), q.name.clone())).collect();
    for c in &std.balance_basic.indicators {
        if let Some(i) = cat.get(c) {
            names.insert(c.clone(), i.name.clone());
        }
    }
    let ctx = eduplan_report::Context {
        region_name,
        date: crate::findings::today(),
        names,
        units: std.balance_quality.indicator.iter().map(|q| (q.code.clone(), q.unit.clone())).collect(),
        problems: run.review.problems.iter().map(|p| (p.problem.clone(), p.requirement.clone())).collect(),
    };
    Ok(eduplan_report::self_assessment(&run.json, &ctx))
}

#[derive(Deserialize)]
pub struct AssessQuery {
    /// School year (default: the latest).
    pub year: Option<i32>,
    /// County code.
    pub region: Option<String>,
}

async fn run_for(st: &AppState, u: &AuthUser, method: &str, q: &AssessQuery) -> ApiResult<(Run, Standards)> {
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
    let r = run_full(&st.store, method, year, region.as_deref(), &std).await.map_err(api_error)?;
    Ok((r, std))
}

/// How an assessment failure answers an API client (the assessment and findings routes).
pub(crate) fn api_error(e: AssessError) -> ApiError {
    match e {
        AssessError::Method(m) => ApiError::not_found(format!("未知的评估方法 {m}"), format!("unknown assessment method {m}")),
        AssessError::Scope(c) => ApiError::bad_request(format!("数据包含多个县（{c}），请指定 region"), format!("several counties ({c}); pass region")),
        AssessError::Indicators(IndicatorError::NoYear(y)) => ApiError::not_found(format!("{y} 学年没有数据"), format!("no data for school year {y}")),
        AssessError::Indicators(IndicatorError::Store(e)) => e.into(),
        e => ApiError::internal(e),
    }
}

/// GET /api/assess/{method}?year=&region=
pub async fn get(State(st): State<AppState>, u: AuthUser, Path(method): Path<String>, Query(q): Query<AssessQuery>) -> ApiResult<Json<J>> {
    Ok(Json(run_for(&st, &u, &method, &q).await?.0.json))
}

/// GET /api/assess/{method}/docx: the self-assessment report (自评报告) as Word.
pub async fn docx(State(st): State<AppState>, u: AuthUser, Path(method): Path<String>, Query(q): Query<AssessQuery>) -> ApiResult<Response> {
    report_download(st, u, method, q, ReportFormat::Docx).await
}

/// GET /api/assess/{method}/pdf: the self-assessment report (自评报告) as PDF.
pub async fn pdf(State(st): State<AppState>, u: AuthUser, Path(method): Path<String>, Query(q): Query<AssessQuery>) -> ApiResult<Response> {
    report_download(st, u, method, q, ReportFormat::Pdf).await
}

async fn report_download(st: AppState, u: AuthUser, method: String, q: AssessQuery, format: ReportFormat) -> ApiResult<Response> {
    let (run, std) = run_for(&st, &u, &method, &q).await?;
    let doc = report(&st.store, &run, &std).await.map_err(ApiError::internal)?;
    crate::reports::download(doc, format, &st.fonts, &format!("{}-{}-自评报告", run.scope, run.json["year"])).await
}

/// GET /api/assess/{method}/xlsx: the assessment's tables as Excel.
pub async fn xlsx(State(st): State<AppState>, u: AuthUser, Path(method): Path<String>, Query(q): Query<AssessQuery>) -> ApiResult<Response> {
    let (run, std) = run_for(&st, &u, &method, &q).await?;
    let bytes = eduplan_ingest::write::tables_xlsx(&tables(&run.json, &std)).map_err(ApiError::internal)?;
    Ok(crate::api::xlsx_response(bytes, &format!("{}-{}-{method}.xlsx", run.scope, run.json["year"])))
}

/// POST /api/assess/{method}/evidence (multipart: `year`, `region`, `code`, `passed` true|false,
/// `note`, `file`): an item's on-site result with its evidence (supervision office).
pub async fn record_evidence(State(st): State<AppState>, u: AuthUser, Path(method): Path<String>, mut mp: axum::extract::Multipart) -> ApiResult<Json<J>> {
    if !matches!(u.user.role, eduplan_store::Role::Admin | eduplan_store::Role::Supervisor) {
        return Err(ApiError::forbidden("仅督导室和系统管理员可以录入核查结果", "supervision office and administrators only"));
    }
    if !METHODS.contains(&method.as_str()) {
        return Err(ApiError::not_found(format!("未知的评估方法 {method}"), format!("unknown assessment method {method}")));
    }
    let bad = |e: axum::extract::multipart::MultipartError| ApiError::bad_request(format!("上传失败：{e}"), format!("upload failed: {e}"));
    let (mut fields, mut file) = (std::collections::HashMap::new(), None);
    while let Some(f) = mp.next_field().await.map_err(bad)? {
        let name = f.name().unwrap_or_default().to_string();
        if name == "file" {
            let fname = f.file_name().unwrap_or("佐证材料").to_string();
            let mime = f.content_type().map(str::to_string).unwrap_or_else(|| mime_guess::from_path(&fname).first_or_octet_stream().to_string());
            file = Some((fname, mime, f.bytes().await.map_err(bad)?.to_vec()));
        } else {
            fields.insert(name, f.text().await.map_err(bad)?);
        }
    }
    let field = |k: &str| fields.get(k).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let year: i32 = field("year").and_then(|y| y.parse().ok()).ok_or_else(|| ApiError::bad_request("缺少学年 year", "year missing"))?;
    let code = field("code").ok_or_else(|| ApiError::bad_request("缺少项目代码 code", "code missing"))?;
    let passed = match field("passed").as_deref() {
        Some("true" | "1" | "yes" | "是" | "达标") => true,
        Some("false" | "0" | "no" | "否" | "未达标") => false,
        _ => return Err(ApiError::bad_request("passed 须为 true 或 false", "passed must be true or false")),
    };
    let region = field("region").or_else(|| (u.user.scope_kind == eduplan_store::ScopeKind::Region).then(|| u.user.scope.clone()));
    // the county as the assessment itself resolves it
    let (run, _) = run_for(&st, &u, &method, &AssessQuery { year: Some(year), region }).await?;
    let known = run.json["items"].as_array().into_iter().flatten().any(|i| i["code"] == code.as_str());
    if !known {
        return Err(ApiError::bad_request(format!("{method} 没有项目 {code}"), format!("{method} has no item {code}")));
    }
    let f = file.as_ref().map(|(n, m, b)| (n.as_str(), m.as_str(), b.as_slice()));
    let e = st.store.record_evidence(&method, year, &run.scope, &code, passed, &field("note").unwrap_or_default(), f, &u.user.username).await?;
    Ok(Json(serde_json::json!({"id": e.id, "code": e.code, "passed": e.passed, "note": e.note, "file": e.file_name, "scope": e.scope, "year": e.year})))
}

/// GET /api/evidence/{id}: an on-site result's evidence file.
pub async fn evidence_file(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>) -> ApiResult<Response> {
    let (e, bytes) = st.store.evidence_file(id).await?;
    if !u.sees_region(&e.scope) {
        return Err(ApiError::not_found(format!("未找到核查记录 {id}"), format!("no evidence {id}")));
    }
    let disposition = format!("attachment; filename*=UTF-8''{}", crate::api::percent_encode(&e.file_name));
    Ok(([(header::CONTENT_TYPE, e.file_mime), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

/// The 大班额 trend of a county over the five school years up to `year` (those stored).
async fn class_trend(store: &Store, year: i32, scope: &str, std: &Standards) -> Result<J, AssessError> {
    let prefix = eduplan_core::schema::region_prefix(scope).to_string();
    let mut years = Vec::new();
    for y in (year - 4)..=year {
        let Some(vid) = store.current_version_id(y).await.map_err(IndicatorError::from)? else { continue };
        let schools = store.load_rows(vid, SheetKind::Schools, None).await.map_err(IndicatorError::from)?;
        let mine: std::collections::HashMap<String, String> = schools
            .rows
            .iter()
            .filter(|r| schools.get(r, "region").display().starts_with(&prefix))
            .map(|r| (schools.get(r, "school_id").display(), schools.get(r, "type").display()))
            .collect();
        let classes = store.load_rows(vid, SheetKind::Classes, None).await.map_err(IndicatorError::from)?;
        let rows: Vec<(String, i64)> = classes
            .rows
            .iter()
            .filter(|r| classes.get(r, "year").as_i64() == Some(y as i64))
            .filter_map(|r| {
                let ty = mine.get(&classes.get(r, "school_id").display())?;
                let size = classes.get(r, "size").as_i64()?;
                Some((eduplan_engine::facts::student_stage(ty, &classes.get(r, "grade").display()), size))
            })
            .collect();
        years.push((y, rows));
    }
    Ok(eduplan_assess::class_trend(std, &years))
}
