//! Plans (规划) at the edge: importing a plan workbook (指标目标, 项目, 资金), listing plans and
//! their content as JSON.

use axum::extract::{Multipart, Path, State};
use axum::Json;
use eduplan_core::plan::PlanBook;
use eduplan_store::{PlanInfo, PlanMeta};
use serde_json::{json, Value as J};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// A plan version as JSON.
pub fn info_json(p: &PlanInfo) -> J {
    json!({"id": p.id, "name": p.meta.name, "version": p.version, "current": p.current, "issuer": p.meta.issuer, "region": p.meta.region,
           "period": p.meta.period.map(|(a, b)| json!([a, b])), "doc_name": p.doc_name, "status": p.status, "draft": p.meta.draft,
           "created_by": p.created_by, "created_at": p.created_at, "targets": p.counts.0, "projects": p.counts.1, "funds": p.counts.2})
}

/// A plan version with its content.
pub fn book_json(p: &PlanInfo, b: &PlanBook) -> J {
    let mut v = info_json(p);
    v["targets"] = b
        .targets
        .iter()
        .map(|t| json!({"indicator": t.indicator, "scope": t.scope, "base_year": t.base_year, "base_value": t.base_value, "target_year": t.target_year,
                        "target_value": t.target_value, "cmp": t.cmp.symbol(), "unit": t.unit, "kind": t.kind, "source": t.source}))
        .collect();
    v["projects"] = b
        .projects
        .iter()
        .map(|j| json!({"project": j.id, "name": j.name, "kind": j.kind, "school_id": j.school_id, "new_places": j.new_places, "investment": j.investment,
                        "start_year": j.start_year, "end_year": j.end_year, "status": j.status,
                        // + 0.0: an empty f64 sum is −0.0
                        "released": b.funds.iter().filter(|f| f.project == j.id).map(|f| f.released).sum::<f64>() + 0.0,
                        "spent": b.funds.iter().filter(|f| f.project == j.id).map(|f| f.spent).sum::<f64>() + 0.0}))
        .collect();
    v["funds"] = b.funds.iter().map(|f| json!({"project": f.project, "date": f.date, "released": f.released, "spent": f.spent})).collect();
    v
}

/// The targets extracted from a plan's own text, as the rows of a draft plan: the linked
/// catalogue indicator where there is one (else the plan's own metric name), the sentence as the
/// source.
pub fn book_from_text(doc: &str, text: &str) -> PlanBook {
    use eduplan_core::plan::{Cmp, TargetRow};
    let targets = eduplan_plan::extract(doc, text)
        .into_iter()
        .enumerate()
        .map(|(i, t)| TargetRow {
            row: i as u32 + 1,
            indicator: t.indicator.clone().unwrap_or_else(|| t.metric.clone()),
            scope: t.scope.clone().unwrap_or_default(),
            base_year: t.baseline.as_ref().and_then(|b| b.year),
            base_value: t.baseline.as_ref().map(|b| b.value),
            target_year: t.year.unwrap_or(0),
            target_value: t.value,
            cmp: match t.cmp {
                eduplan_plan::Cmp::Ge => Cmp::Ge,
                eduplan_plan::Cmp::Le => Cmp::Le,
                _ => Cmp::Eq,
            },
            unit: t.unit.clone(),
            kind: t.kind.clone().unwrap_or_default(),
            source: t.sentence.clone(),
        })
        .collect();
    PlanBook { targets, ..Default::default() }
}

/// Reads an uploaded plan: a plan workbook (checked; `Err` with every located error), or the plan
/// document, whose extracted targets make a draft (`true`).
pub fn read_plan(name: &str, bytes: &[u8]) -> Result<(PlanBook, bool), Vec<eduplan_core::issue::Issue>> {
    let lower = name.to_lowercase();
    if lower.ends_with(".xlsx") || lower.ends_with(".xls") {
        match eduplan_ingest::plan::read_plan_workbook(name, bytes) {
            Ok(b) => return Ok((b, false)),
            // an indicator table of the plan itself, not the workbook: extract from it
            Err(issues) if !(issues.len() == 1 && issues[0].row.is_none() && issues[0].sheet.is_empty()) => return Err(issues),
            Err(_) => {}
        }
    }
    let text = eduplan_plan::read_bytes(name, bytes).map_err(|e| vec![eduplan_core::issue::Issue::error("", None, "", "", format!("无法读取规划文件：{e}"), format!("cannot read the plan: {e}"))])?;
    Ok((book_from_text(name, &text), true))
}

/// GET /api/plans: every plan version, newest first.
pub async fn list(State(st): State<AppState>, u: AuthUser) -> ApiResult<Json<J>> {
    let plans: Vec<J> = st.store.plans().await?.iter().filter(|p| p.meta.region.is_empty() || u.sees_region(&p.meta.region)).map(info_json).collect();
    Ok(Json(json!({"plans": plans})))
}

/// GET /api/plans/{id}: a plan version with its targets (each with its `row` and `review`),
/// projects and funds.
pub async fn get(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>) -> ApiResult<Json<J>> {
    let p = st.store.plan(id).await?;
    if !(p.meta.region.is_empty() || u.sees_region(&p.meta.region)) {
        return Err(ApiError::not_found(format!("未找到规划 {id}"), format!("no plan {id}")));
    }
    let book = st.store.plan_book(id).await?;
    let reviews = st.store.target_reviews(id).await?;
    let mut v = book_json(&p, &book);
    for (t, j) in book.targets.iter().zip(v["targets"].as_array_mut().into_iter().flatten()) {
        j["row"] = json!(t.row);
        j["review"] = json!(reviews.get(&t.row));
    }
    Ok(Json(v))
}

#[derive(serde::Deserialize)]
pub struct ReviewBody {
    decision: String,
    indicator: Option<String>,
    target_value: Option<f64>,
    target_year: Option<i32>,
    cmp: Option<String>,
    unit: Option<String>,
    kind: Option<String>,
    scope: Option<String>,
    base_year: Option<i32>,
    base_value: Option<f64>,
}

/// POST /api/plans/{id}/targets/{row}/review {decision: accept|reject|edit, …fields to change}:
/// the review of an extracted target of a draft plan (admin, planner).
pub async fn review(State(st): State<AppState>, u: AuthUser, Path((id, row)): Path<(i64, u32)>, Json(b): Json<ReviewBody>) -> ApiResult<Json<J>> {
    u.require_planner()?;
    let r = match b.decision.as_str() {
        "accept" => eduplan_store::TargetReview::Accept,
        "reject" => eduplan_store::TargetReview::Reject,
        "edit" => {
            let book = st.store.plan_book(id).await?;
            let mut t = book.targets.into_iter().find(|t| t.row == row).ok_or_else(|| ApiError::not_found(format!("没有第 {row} 项目标"), format!("no target {row}")))?;
            if let Some(x) = b.indicator { t.indicator = x; }
            if let Some(x) = b.target_value { t.target_value = x; }
            if let Some(x) = b.target_year { t.target_year = x; }
            if let Some(x) = b.cmp {
                t.cmp = eduplan_core::plan::Cmp::parse(&x).ok_or_else(|| ApiError::bad_request(format!("比较 {x} 应为 ≥、≤ 或 ="), format!("cmp {x} must be ≥, ≤ or =")))?;
            }
            if let Some(x) = b.unit { t.unit = x; }
            if let Some(x) = b.kind { t.kind = x; }
            if let Some(x) = b.scope { t.scope = x; }
            if b.base_year.is_some() { t.base_year = b.base_year; }
            if b.base_value.is_some() { t.base_value = b.base_value; }
            eduplan_store::TargetReview::Edit(t)
        }
        other => return Err(ApiError::bad_request(format!("未知审核结论 {other}"), format!("unknown decision {other}: accept, reject or edit"))),
    };
    st.store.review_target(id, row, &r, &u.user.username).await?;
    Ok(Json(json!({"ok": true})))
}

/// POST /api/plans/{id}/publish: a reviewed draft becomes the tracked plan (admin, planner).
pub async fn publish(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>) -> ApiResult<Json<J>> {
    u.require_planner()?;
    Ok(Json(info_json(&st.store.publish_plan(id, &u.user.username).await?)))
}

/// POST /api/plans (multipart: `file` the workbook, `name`, `issuer`, `region`, `period_start`,
/// `period_end`, optional `doc` the plan document): a new version of the plan; 400 with every
/// located error and nothing stored when the workbook is wrong.
pub async fn import(State(st): State<AppState>, u: AuthUser, mut mp: Multipart) -> ApiResult<Json<J>> {
    u.require_planner()?;
    let bad = |e: axum::extract::multipart::MultipartError| ApiError::bad_request(format!("上传失败：{e}"), format!("upload failed: {e}"));
    let (mut fields, mut file, mut doc) = (std::collections::HashMap::new(), None, None);
    while let Some(f) = mp.next_field().await.map_err(bad)? {
        let name = f.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" | "doc" => {
                let fname = f.file_name().unwrap_or("plan.xlsx").to_string();
                let bytes = f.bytes().await.map_err(bad)?.to_vec();
                if name == "file" {
                    file = Some((fname, bytes));
                } else {
                    doc = Some((fname, bytes));
                }
            }
            _ => {
                fields.insert(name, f.text().await.map_err(bad)?.trim().to_string());
            }
        }
    }
    let (fname, bytes) = file.ok_or_else(|| ApiError::bad_request("没有收到规划工作簿", "no plan workbook in the upload"))?;
    let field = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let year = |k: &str| -> ApiResult<Option<i32>> {
        let v = field(k);
        if v.is_empty() {
            return Ok(None);
        }
        v.parse().map(Some).map_err(|_| ApiError::bad_request(format!("{k} 应为年份"), format!("{k} must be a year")))
    };
    let meta = PlanMeta { name: field("name"), issuer: field("issuer"), region: field("region"), period: year("period_start")?.zip(year("period_end")?), draft: false };
    if !meta.region.is_empty() && !u.sees_region(&meta.region) {
        return Err(ApiError::forbidden("无权导入该地区的规划", "this region is outside your scope"));
    }
    let (book, draft) = read_plan(&fname, &bytes).map_err(|issues| {
        ApiError::bad_request(format!("规划工作簿有 {} 个错误，未导入", issues.len()), format!("the plan workbook has {} errors; nothing imported", issues.len()))
            .with_detail(json!({"errors": issues.iter().map(crate::api::issue_json).collect::<Vec<_>>()}))
    })?;
    let meta = PlanMeta { draft, ..meta };
    // an extracted plan keeps its own document
    let doc = doc.or_else(|| draft.then(|| (fname.clone(), bytes.clone())));
    let p = st.store.import_plan(&meta, &book, doc.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())), &u.user.username).await?;
    Ok(Json(info_json(&p)))
}

/// What `status` needs to know about one target's actual values, by year.
type Actuals = std::collections::BTreeMap<i32, (f64, &'static str, String)>;

fn figure_value(figs: &[eduplan_engine::Figure], code: &str, scope: &str) -> Option<f64> {
    let level = if scope.len() > 6 { eduplan_engine::Level::Township } else { eduplan_engine::Level::County };
    let mine: Vec<&eduplan_engine::Figure> = figs.iter().filter(|f| f.code == code && f.level == level && f.scope == scope).collect();
    mine.iter().find(|f| f.stage == "全部").or(mine.first()).and_then(|f| f.value)
}

/// The yearly tracking of a plan (规划监测): for each target its actual (the computed indicator of
/// its scope, or a manual entry), the value expected on the straight path from baseline to
/// target, and its progress (已达成, 按进度, 滞后, 预警). With `history`, every year from the
/// baseline (or the first stored year) to `year`.
pub async fn status(store: &eduplan_store::Store, plan_id: i64, year: Option<i32>, history: bool) -> Result<J, crate::indicators::IndicatorError> {
    use eduplan_core::plan::{expected, progress};
    let p = store.plan(plan_id).await?;
    let book = store.plan_book(plan_id).await?;
    let stored = store.years().await?;
    let year = year.or(stored.last().copied()).ok_or(crate::indicators::IndicatorError::NoYear(0))?;
    let cat = crate::indicators::catalogue(store, None).await?;
    let codes: Vec<String> = book.targets.iter().filter(|t| cat.get(&t.indicator).is_some()).map(|t| t.indicator.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    // from the earliest baseline, else the plan period's first year (a plan's text rarely gives
    // baselines), else this year
    let first = book.targets.iter().filter_map(|t| t.base_year).min().or(p.meta.period.map(|(s, _)| s)).unwrap_or(year).max(stored.first().copied().unwrap_or(year));
    let years: Vec<i32> = if history { (first..=year).filter(|y| stored.contains(y)).collect() } else { vec![year] };
    let levels = crate::indicators::Levels { levels: vec![eduplan_engine::Level::Township, eduplan_engine::Level::County], upper_if_several_counties: false };
    let mut figs_by_year = std::collections::BTreeMap::new();
    if !codes.is_empty() {
        for &y in &years {
            if stored.contains(&y) {
                figs_by_year.insert(y, crate::indicators::compute(store, &cat, y, &levels, Some(&codes)).await?.figures);
            }
        }
    }
    let manual = store.manual_actuals(&p.meta.name).await?;
    let reviews = store.target_reviews(plan_id).await?;
    let default_scope = p.meta.region.clone();
    let end = p.meta.period.map(|(_, e)| e).unwrap_or(year);
    let mut counts = std::collections::BTreeMap::new();
    let mut rows = Vec::new();
    // a rejected extraction is not a target
    for t in book.targets.iter().filter(|t| reviews.get(&t.row).map(String::as_str) != Some("rejected")) {
        let mut t = t.clone();
        if t.target_year == 0 {
            t.target_year = end;
        }
        let scope = if t.scope.is_empty() { default_scope.clone() } else { t.scope.clone() };
        let mut actuals: Actuals = Actuals::new();
        for (y, figs) in &figs_by_year {
            if let Some(v) = figure_value(figs, &t.indicator, &scope) {
                actuals.insert(*y, (v, "computed", String::new()));
            }
        }
        for m in manual.iter().filter(|m| m.indicator == t.indicator) {
            actuals.insert(m.year, (m.value, "manual", format!("{}（{} {}）", m.note, m.recorded_by, m.recorded_at.get(..10).unwrap_or(&m.recorded_at))));
        }
        let actual = actuals.get(&year).cloned();
        let pr = progress(&t, year, actual.as_ref().map(|a| a.0));
        *counts.entry(pr.as_str()).or_insert(0) += 1;
        let r2 = |x: f64| eduplan_engine::round_half_up(x, 2);
        rows.push(json!({
            "target": t.row, "metric": cat.get(&t.indicator).map(|i| i.name.clone()).unwrap_or_else(|| t.indicator.clone()),
            "indicator": cat.get(&t.indicator).map(|_| t.indicator.clone()), "scope": scope,
            "baseline": t.base_value.map(|v| json!({"year": t.base_year, "value": v})),
            "target_value": t.target_value, "target_year": t.target_year, "cmp": t.cmp.symbol(), "unit": t.unit, "kind": t.kind,
            "actual": actual.as_ref().map(|a| r2(a.0)), "actual_source": actual.as_ref().map(|a| a.1),
            "actual_note": actual.as_ref().filter(|a| a.1 == "manual").map(|a| a.2.clone()),
            "expected": r2(expected(&t, year)), "status": pr.zh(), "status_en": pr.as_str(), "source": t.source,
            "history": years.iter().map(|y| json!({"year": y, "actual": actuals.get(y).map(|a| r2(a.0)), "expected": r2(expected(&t, *y))})).collect::<Vec<_>>(),
        }));
    }
    let mut v = info_json(&p);
    v["year"] = json!(year);
    v["counts"] = json!(counts);
    v["targets"] = json!(rows);
    Ok(v)
}

#[derive(serde::Deserialize)]
pub struct StatusQuery {
    year: Option<i32>,
    history: Option<bool>,
}

/// GET /api/plans/{id}/status?year=&history=: the plan's targets tracked in a year.
pub async fn status_route(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>, axum::extract::Query(q): axum::extract::Query<StatusQuery>) -> ApiResult<Json<J>> {
    let p = st.store.plan(id).await?;
    if !(p.meta.region.is_empty() || u.sees_region(&p.meta.region)) {
        return Err(ApiError::not_found(format!("未找到规划 {id}"), format!("no plan {id}")));
    }
    status(&st.store, id, q.year, q.history.unwrap_or(false)).await.map(Json).map_err(|e| match e {
        crate::indicators::IndicatorError::Store(s) => s.into(),
        crate::indicators::IndicatorError::NoYear(_) => ApiError::not_found("还没有任何学年的数据", "no school year stored yet"),
        e => ApiError::internal(e),
    })
}

#[derive(serde::Deserialize)]
pub struct ActualBody {
    indicator: String,
    year: i32,
    value: f64,
    #[serde(default)]
    note: String,
}

/// POST /api/plans/{id}/actuals {indicator, year, value, note}: a target's actual entered by hand.
pub async fn record_actual(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>, Json(b): Json<ActualBody>) -> ApiResult<Json<J>> {
    u.require_planner()?;
    let p = st.store.plan(id).await?;
    if !st.store.plan_book(id).await?.targets.iter().any(|t| t.indicator == b.indicator) {
        return Err(ApiError::bad_request(format!("规划中没有指标 {}", b.indicator), format!("the plan has no target on {}", b.indicator)));
    }
    let a = st.store.record_actual(&p.meta.name, &b.indicator, b.year, b.value, &b.note, &u.user.username).await?;
    Ok(Json(json!({"indicator": a.indicator, "year": a.year, "value": a.value, "note": a.note})))
}

#[derive(serde::Deserialize)]
pub struct ReportQuery {
    year: Option<i32>,
    /// docx (default) or pdf.
    format: Option<crate::reports::ReportFormat>,
}

/// GET /api/plans/report?year=&format=: the annual monitoring report (年度规划实施监测报告) of the
/// current version of every plan the user sees, as Word (format=docx, the default) or PDF.
pub async fn report(State(st): State<AppState>, u: AuthUser, axum::extract::Query(q): axum::extract::Query<ReportQuery>) -> ApiResult<axum::response::Response> {
    let mut all = Vec::new();
    for p in st.store.plans().await?.into_iter().filter(|p| p.current && (p.meta.region.is_empty() || u.sees_region(&p.meta.region))) {
        all.push(status(&st.store, p.id, q.year, false).await.map_err(ApiError::internal)?);
    }
    if all.is_empty() {
        return Err(ApiError::not_found("还没有规划", "no plan stored yet"));
    }
    let region = all[0]["region"].as_str().unwrap_or_default().to_string();
    let year = all[0]["year"].as_i64().unwrap_or_default() as i32;
    let doc = eduplan_report::monitoring_report(&region, year, &all, &eduplan_store::today());
    crate::reports::download(doc, q.format.unwrap_or(crate::reports::ReportFormat::Docx), &st.fonts, &format!("{year}年度规划实施监测报告")).await
}
