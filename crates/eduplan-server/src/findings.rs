//! Findings (督导问题) and rectification (整改) at the edge: creating findings from an
//! assessment, checking open findings against a later assessment, JSON, and the /api/findings
//! routes. Who may do what is eduplan-core's [`eduplan_core::finding`]; this module only works
//! out which [`Actor`] a logged-in user is for a given finding.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use eduplan_assess::problems::Review;
use eduplan_core::finding::{Action, Actor, Escalation, FindingState};
use eduplan_store::{Finding, FindingFilter, NewFinding, Role, ScopeKind, Store};
use serde::Deserialize;
use serde_json::{json, Value as J};

use crate::assess::{standards, AssessError};
use crate::auth::{region_prefix, AuthUser};
use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub use eduplan_store::today;

/// A finding as JSON (the API's and the CLI's form).
pub fn to_json(f: &Finding, today: &str) -> J {
    let n = &f.new;
    let proposal = (f.check.is_some_and(|(_, gone)| gone) && f.state != FindingState::Closed).then_some("close");
    json!({
        "id": f.id, "key": n.source_key, "method": n.method, "year": n.year, "code": n.code, "level": n.level,
        "school_id": n.school_id, "region": n.region, "problem": n.problem, "requirement": n.requirement,
        "severity": n.severity.as_str(), "severity_zh": n.severity.zh(), "responsible": n.responsible, "deadline": n.deadline,
        "state": f.state.as_str(), "state_zh": f.state.zh(), "overdue": f.overdue(today),
        "escalation": f.escalation.map(|e| e.as_str()), "escalation_zh": f.escalation.map(|e| e.zh()),
        "check": f.check.map(|(year, gone)| json!({"year": year, "gone": gone})), "proposal": proposal,
        "created_by": f.created_by, "created_at": f.created_at, "updated_at": f.updated_at,
    })
}

/// The findings an assessment's problems become (one per problem), due on `deadline`.
pub fn new_findings(r: &Review, year: i32, deadline: &str, school_names: &std::collections::BTreeMap<String, String>, responsible: Option<&str>) -> Vec<NewFinding> {
    r.problems
        .iter()
        .map(|p| NewFinding {
            source_key: p.key.clone(),
            method: p.method.clone(),
            year,
            code: p.code.clone(),
            level: p.level.clone(),
            school_id: p.school_id.clone(),
            region: p.region.clone(),
            problem: p.problem.clone(),
            requirement: p.requirement.clone(),
            severity: p.severity,
            responsible: match (responsible, school_names.get(&p.school_id)) {
                (Some(r), _) => r.to_string(),
                (None, Some(name)) => name.clone(),
                (None, None) => "县教育局".to_string(),
            },
            deadline: deadline.to_string(),
        })
        .collect()
}

/// What generating findings did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Generated {
    /// Problems the assessment found.
    pub problems: usize,
    /// Ids of the findings created.
    pub created: Vec<i64>,
    /// Problems that already had an open finding.
    pub skipped: usize,
}

/// Runs an assessment and turns each of its problems into a finding (one open finding per
/// problem: re-running creates nothing twice).
pub async fn generate(store: &Store, method: &str, year: i32, region: Option<&str>, deadline: &str, responsible: Option<&str>, who: &str) -> Result<Generated, AssessError> {
    let std = standards(None)?;
    let run = crate::assess::run_full(store, method, year, region, &std).await?;
    let names = run.schools.iter().map(|s| (s.school_id.clone(), s.name.clone())).collect();
    let new = new_findings(&run.review, year, deadline, &names, responsible);
    let (created, skipped) = store.create_findings(&new, who).await.map_err(crate::indicators::IndicatorError::from)?;
    Ok(Generated { problems: new.len(), created, skipped })
}

/// Checks every finding not yet closed, of this method and an earlier year, against the
/// assessment of `year`: records whether its problem is gone (a proposal to re-inspect and
/// close) or still there. Returns (finding id, gone) for each finding the assessment judged.
pub async fn check(store: &Store, method: &str, year: i32, region: Option<&str>, who: &str) -> Result<Vec<(i64, bool)>, AssessError> {
    let std = standards(None)?;
    let run = crate::assess::run_full(store, method, year, region, &std).await?;
    let mut out = Vec::new();
    for f in open_earlier(store, method, year, &run.scope).await? {
        if let Some(gone) = run.review.status(&f.new.source_key) {
            store.record_finding_check(f.id, year, gone, who).await.map_err(crate::indicators::IndicatorError::from)?;
            out.push((f.id, gone));
        }
    }
    Ok(out)
}

/// Findings not closed, of `method`, from years before `year`, within `scope`.
pub async fn open_earlier(store: &Store, method: &str, year: i32, scope: &str) -> Result<Vec<Finding>, AssessError> {
    let all = store
        .findings(&FindingFilter { method: Some(method.to_string()), region_prefix: Some(region_prefix(scope)), ..Default::default() })
        .await
        .map_err(crate::indicators::IndicatorError::from)?;
    Ok(all.into_iter().filter(|f| f.state != FindingState::Closed && f.new.year < year).collect())
}

/// Which actor a user is for a finding; `None` when the finding is outside what they see.
pub fn actor_for(u: &AuthUser, f: &Finding) -> Option<Actor> {
    let sees = match u.user.scope_kind {
        ScopeKind::All => true,
        ScopeKind::Region => f.new.region.starts_with(&region_prefix(&u.user.scope)),
        ScopeKind::School => !f.new.school_id.is_empty() && f.new.school_id == u.user.scope,
    };
    if !sees || u.user.role == Role::Public {
        return None;
    }
    Some(match u.user.role {
        Role::Admin | Role::Supervisor => Actor::Supervisor,
        Role::School => Actor::School,
        _ => Actor::Viewer,
    })
}

async fn visible(st: &AppState, u: &AuthUser, id: i64) -> ApiResult<(Finding, Actor)> {
    let f = st.store.finding(id).await?;
    // a finding outside the user's scope answers as if it did not exist
    let a = actor_for(u, &f).ok_or_else(|| ApiError::not_found(format!("未找到整改问题 {id}"), format!("no finding {id}")))?;
    Ok((f, a))
}

fn filter_for(u: &AuthUser) -> ApiResult<FindingFilter> {
    if u.user.role == Role::Public {
        return Err(ApiError::forbidden("公众不能查看整改问题", "the public cannot see findings"));
    }
    Ok(match u.user.scope_kind {
        ScopeKind::All => FindingFilter::default(),
        ScopeKind::Region => FindingFilter { region_prefix: Some(region_prefix(&u.user.scope)), ..Default::default() },
        ScopeKind::School => FindingFilter { school_id: Some(u.user.scope.clone()), ..Default::default() },
    })
}

fn require_supervisor(u: &AuthUser) -> ApiResult<()> {
    if matches!(u.user.role, Role::Admin | Role::Supervisor) {
        Ok(())
    } else {
        Err(ApiError::forbidden("仅督导室和系统管理员可以办理", "supervision office and administrators only"))
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    year: Option<i32>,
    method: Option<String>,
    overdue: Option<bool>,
}

/// GET /api/findings: the findings the user sees, with counts by state and overdue.
pub async fn list(State(st): State<AppState>, u: AuthUser, Query(q): Query<ListQuery>) -> ApiResult<Json<J>> {
    let mut f = filter_for(&u)?;
    f.year = q.year;
    f.method = q.method.clone();
    let all = st.store.findings(&f).await?;
    let today = today();
    let mut counts = serde_json::Map::new();
    for s in FindingState::ALL {
        counts.insert(s.as_str().into(), json!(all.iter().filter(|x| x.state == s).count()));
    }
    counts.insert("overdue".into(), json!(all.iter().filter(|x| x.overdue(&today)).count()));
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(FindingState::parse(s).ok_or_else(|| ApiError::bad_request(format!("未知状态 {s}"), format!("unknown state {s}")))?),
        None => None,
    };
    let shown: Vec<J> = all
        .iter()
        .filter(|x| state.is_none_or(|s| x.state == s))
        .filter(|x| q.overdue != Some(true) || x.overdue(&today))
        .map(|x| to_json(x, &today))
        .collect();
    Ok(Json(json!({"today": today, "counts": counts, "findings": shown})))
}

/// GET /api/findings/{id}: the finding, its history and its evidence files.
pub async fn get(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>) -> ApiResult<Json<J>> {
    let (f, actor) = visible(&st, &u, id).await?;
    let events = st.store.finding_events(id).await?;
    let files = st.store.finding_attachments(id).await?;
    let mut v = to_json(&f, &today());
    v["events"] = events.iter().map(|e| json!({"at": e.at, "actor": e.actor, "kind": e.kind, "from_state": e.from_state, "to_state": e.to_state, "text": e.text})).collect();
    v["attachments"] = files.iter().map(|a| json!({"id": a.id, "name": a.name, "mime": a.mime, "size": a.size, "uploaded_by": a.uploaded_by, "uploaded_at": a.uploaded_at})).collect();
    // what this user may do now, so the UI shows only those buttons
    let actions: Vec<&str> = Action::ALL.iter().filter(|a| eduplan_core::finding::transition(f.state, **a, actor, "x").is_ok()).map(|a| a.as_str()).collect();
    v["actions"] = json!(actions);
    v["may_comment"] = json!(eduplan_core::finding::may_comment(actor));
    v["may_manage"] = json!(eduplan_core::finding::may_manage(actor) && f.state != FindingState::Closed);
    Ok(Json(v))
}

#[derive(Deserialize)]
pub struct ActBody {
    action: String,
    #[serde(default)]
    text: String,
}

/// POST /api/findings/{id}/act {action: start|submit|close|reject, text}.
pub async fn act(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>, Json(b): Json<ActBody>) -> ApiResult<Json<J>> {
    let (_, actor) = visible(&st, &u, id).await?;
    let action = Action::parse(&b.action).ok_or_else(|| ApiError::bad_request(format!("未知操作 {}", b.action), format!("unknown action {}", b.action)))?;
    let f = st.store.act_on_finding(id, action, actor, &u.user.username, &b.text).await?;
    Ok(Json(to_json(&f, &today())))
}

#[derive(Deserialize)]
pub struct TextBody {
    #[serde(default)]
    text: String,
}

/// POST /api/findings/{id}/comment {text}.
pub async fn comment(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>, Json(b): Json<TextBody>) -> ApiResult<Json<J>> {
    let (_, actor) = visible(&st, &u, id).await?;
    st.store.comment_finding(id, actor, &u.user.username, &b.text).await?;
    Ok(Json(json!({"ok": true})))
}

#[derive(Deserialize)]
pub struct EscalateBody {
    escalation: String,
    #[serde(default)]
    text: String,
}

/// POST /api/findings/{id}/escalate {escalation: interview|notice|accountability, text}.
pub async fn escalate(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>, Json(b): Json<EscalateBody>) -> ApiResult<Json<J>> {
    let (_, actor) = visible(&st, &u, id).await?;
    let e = Escalation::parse(&b.escalation).ok_or_else(|| ApiError::bad_request(format!("未知问责方式 {}", b.escalation), format!("unknown escalation {}", b.escalation)))?;
    let f = st.store.escalate_finding(id, e, actor, &u.user.username, &b.text).await?;
    Ok(Json(to_json(&f, &today())))
}

#[derive(Deserialize)]
pub struct DeadlineBody {
    deadline: String,
    #[serde(default)]
    reason: String,
}

/// POST /api/findings/{id}/deadline {deadline, reason}.
pub async fn deadline(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>, Json(b): Json<DeadlineBody>) -> ApiResult<Json<J>> {
    let (_, actor) = visible(&st, &u, id).await?;
    let f = st.store.set_finding_deadline(id, &b.deadline, actor, &u.user.username, &b.reason).await?;
    Ok(Json(to_json(&f, &today())))
}

/// POST /api/findings/{id}/attachments (multipart, field `file`).
pub async fn attach(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>, mut mp: Multipart) -> ApiResult<Json<J>> {
    let (_, actor) = visible(&st, &u, id).await?;
    while let Some(field) = mp.next_field().await.map_err(|e| ApiError::bad_request(format!("上传失败：{e}"), format!("upload failed: {e}")))? {
        let name = field.file_name().unwrap_or("附件").to_string();
        let mime = field.content_type().map(|m| m.to_string()).unwrap_or_else(|| mime_guess::from_path(&name).first_or_octet_stream().to_string());
        let bytes = field.bytes().await.map_err(|e| ApiError::bad_request(format!("上传失败：{e}"), format!("upload failed: {e}")))?;
        let a = st.store.attach_to_finding(id, &name, &mime, &bytes, actor, &u.user.username).await?;
        return Ok(Json(json!({"id": a.id, "name": a.name, "size": a.size, "mime": a.mime})));
    }
    Err(ApiError::bad_request("没有收到文件", "no file in the upload"))
}

/// GET /api/findings/{id}/attachments/{aid}: the file itself.
pub async fn download(State(st): State<AppState>, u: AuthUser, Path((id, aid)): Path<(i64, i64)>) -> ApiResult<impl IntoResponse> {
    visible(&st, &u, id).await?;
    let (a, bytes) = st.store.finding_attachment(id, aid).await?;
    let disposition = format!("attachment; filename*=UTF-8''{}", crate::api::percent_encode(&a.name));
    Ok(([(header::CONTENT_TYPE, a.mime), (header::CONTENT_DISPOSITION, disposition)], bytes))
}

#[derive(Deserialize)]
pub struct GenerateBody {
    method: String,
    year: i32,
    region: Option<String>,
    deadline: String,
    responsible: Option<String>,
}

/// POST /api/findings/generate {method, year, region, deadline, responsible}: every problem of
/// the assessment becomes a finding (supervision office only).
pub async fn generate_route(State(st): State<AppState>, u: AuthUser, Json(b): Json<GenerateBody>) -> ApiResult<Json<J>> {
    require_supervisor(&u)?;
    let region = b.region.clone().or_else(|| (u.user.scope_kind == ScopeKind::Region).then(|| u.user.scope.clone()));
    if let Some(r) = &region {
        if !u.sees_region(r) {
            return Err(ApiError::forbidden("无权查看该地区", "this region is outside your scope"));
        }
    }
    let g = generate(&st.store, &b.method, b.year, region.as_deref(), &b.deadline, b.responsible.as_deref(), &u.user.username).await.map_err(crate::assess::api_error)?;
    Ok(Json(serde_json::to_value(g).expect("serialisable")))
}

#[derive(Deserialize)]
pub struct CheckBody {
    method: String,
    year: i32,
    region: Option<String>,
}

/// POST /api/findings/check {method, year, region}: open findings of earlier years against this
/// year's assessment (supervision office only).
pub async fn check_route(State(st): State<AppState>, u: AuthUser, Json(b): Json<CheckBody>) -> ApiResult<Json<J>> {
    require_supervisor(&u)?;
    let region = b.region.clone().or_else(|| (u.user.scope_kind == ScopeKind::Region).then(|| u.user.scope.clone()));
    let r = check(&st.store, &b.method, b.year, region.as_deref(), &u.user.username).await.map_err(crate::assess::api_error)?;
    Ok(Json(json!({"checked": r.iter().map(|(id, gone)| json!({"id": id, "gone": gone})).collect::<Vec<_>>()})))
}
