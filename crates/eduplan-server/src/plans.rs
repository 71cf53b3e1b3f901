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
                        "released": b.funds.iter().filter(|f| f.project == j.id).map(|f| f.released).sum::<f64>(),
                        "spent": b.funds.iter().filter(|f| f.project == j.id).map(|f| f.spent).sum::<f64>()}))
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

/// GET /api/plans/{id}: a plan version with its targets, projects and funds.
pub async fn get(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>) -> ApiResult<Json<J>> {
    let p = st.store.plan(id).await?;
    if !(p.meta.region.is_empty() || u.sees_region(&p.meta.region)) {
        return Err(ApiError::not_found(format!("未找到规划 {id}"), format!("no plan {id}")));
    }
    Ok(Json(book_json(&p, &st.store.plan_book(id).await?)))
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
