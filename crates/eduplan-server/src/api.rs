//! JSON handlers under /api. Wire types are built here by hand from domain values (the core
//! knows no JSON). Every handler takes [`AuthUser`] except login.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use eduplan_core::diff::YearDiff;
use eduplan_core::import::{needed_years, plan_import};
use eduplan_core::issue::Issue;
use eduplan_core::schema::{enums, grade_stage, SheetKind};
use serde::Deserialize;
use serde_json::{json, Value as J};
use sqlx::Row as _;

use crate::auth::{region_prefix, AuthUser};
use crate::error::{ApiError, ApiResult};
use crate::{AppState, Staged};

fn user_json(u: &eduplan_store::User) -> J {
    json!({"username": u.username, "display_name": u.display_name, "role": u.role.as_str(),
           "scope_kind": u.scope_kind.as_str(), "scope": u.scope})
}

#[derive(Deserialize)]
pub struct LoginBody {
    username: String,
    password: String,
}

/// POST /api/auth/login
pub async fn login(State(st): State<AppState>, Json(b): Json<LoginBody>) -> ApiResult<Json<J>> {
    match st.store.login(&b.username, &b.password).await? {
        Some((token, user)) => Ok(Json(json!({"token": token, "user": user_json(&user)}))),
        None => Err(ApiError::unauthorized_with("用户名或密码错误", "wrong user name or password")),
    }
}

/// POST /api/auth/logout
pub async fn logout(State(st): State<AppState>, u: AuthUser) -> ApiResult<Json<J>> {
    st.store.logout(&u.token).await?;
    Ok(Json(json!({})))
}

/// GET /api/me
pub async fn me(u: AuthUser) -> Json<J> {
    Json(user_json(&u.user))
}

async fn version_for(st: &AppState, year: Option<i32>) -> ApiResult<(i32, i64)> {
    let cur = st.store.current_versions().await?;
    let v = match year {
        Some(y) => cur.into_iter().find(|v| v.year == y),
        None => cur.into_iter().last(),
    };
    v.map(|v| (v.year, v.id)).ok_or_else(|| ApiError::not_found("该学年没有数据", "no data for that school year"))
}

/// GET /api/meta
pub async fn meta(State(st): State<AppState>, u: AuthUser) -> ApiResult<Json<J>> {
    let years = st.store.years().await?;
    let mut regions = Vec::new();
    let mut top = J::Null;
    if let Some(&y) = years.last() {
        let (_, vid) = version_for(&st, Some(y)).await?;
        let q = st.store.sql("SELECT code, name, parent, urban_rural FROM regions WHERE version_id = $1 ORDER BY code");
        let rows = sqlx::query(&q).bind(vid).fetch_all(st.store.pool()).await.map_err(ApiError::internal)?;
        let codes: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
        for r in &rows {
            let code: String = r.get(0);
            let parent: Option<String> = r.get(2);
            let level = if code.len() == 9 {
                "township"
            } else if code.ends_with("0000") {
                "province"
            } else if code.ends_with("00") {
                "city"
            } else {
                "county"
            };
            let visible = u.sees_region(&code) || (u.user.scope_kind == eduplan_store::ScopeKind::All);
            if !visible {
                continue;
            }
            let is_top = parent.as_ref().is_none_or(|p| !codes.contains(p));
            let item = json!({"code": code, "name": r.get::<String, _>(1), "parent": parent,
                              "urban_rural": r.get::<Option<String>, _>(3), "level": level});
            if is_top && top.is_null() {
                top = json!({"code": item["code"], "name": item["name"]});
            }
            regions.push(item);
        }
    }
    Ok(Json(json!({"years": years, "current_year": years.last(), "top_region": top, "regions": regions,
                   "school_types": enums::SCHOOL_TYPE})))
}

/// Per-school facts of one version, as the list, overview and history need them.
struct SchoolFacts {
    school_id: String,
    name: String,
    ty: String,
    ownership: String,
    puhui: Option<bool>,
    region: String,
    urban_rural: String,
    students: i64,
    by_stage: BTreeMap<String, i64>,
    classes: i64,
    big: i64,
    huge: i64,
    staff: i64,
    teachers: i64,
}

fn stage_of(school_type: &str, grade: &str) -> &'static str {
    if school_type == "特殊教育学校" {
        "特教"
    } else {
        grade_stage(grade).unwrap_or("其他")
    }
}

/// Schools of a version that the user sees and that are open that year (not yet 撤并, already
/// opened).
async fn school_facts(st: &AppState, vid: i64, u: &AuthUser) -> ApiResult<Vec<SchoolFacts>> {
    let s = &st.store;
    let pool = s.pool();
    let year = s.version(vid).await?.year as i64;
    let q = s.sql(
        "SELECT school_id, name, type, ownership, puhui, region, urban_rural FROM schools WHERE version_id = $1 \
         AND (closed IS NULL OR closed > $2) AND (opened IS NULL OR opened <= $2) ORDER BY school_id",
    );
    let rows = sqlx::query(&q).bind(vid).bind(year).fetch_all(pool).await.map_err(ApiError::internal)?;
    let mut out: Vec<SchoolFacts> = Vec::new();
    let mut idx: HashMap<String, usize> = HashMap::new();
    for r in rows {
        let id: String = r.get(0);
        let region: String = r.get(5);
        if !u.sees_school(&id, &region) {
            continue;
        }
        idx.insert(id.clone(), out.len());
        out.push(SchoolFacts {
            school_id: id,
            name: r.get(1),
            ty: r.get(2),
            ownership: r.get(3),
            puhui: r.get::<Option<i64>, _>(4).map(|b| b != 0),
            region,
            urban_rural: r.get(6),
            students: 0,
            by_stage: BTreeMap::new(),
            classes: 0,
            big: 0,
            huge: 0,
            staff: 0,
            teachers: 0,
        });
    }
    let q = s.sql("SELECT school_id, grade, CAST(SUM(enrolled) AS BIGINT) FROM students WHERE version_id = $1 GROUP BY school_id, grade");
    for r in sqlx::query(&q).bind(vid).fetch_all(pool).await.map_err(ApiError::internal)? {
        if let Some(&i) = idx.get(&r.get::<String, _>(0)) {
            let e: i64 = r.get::<Option<i64>, _>(2).unwrap_or(0);
            let f = &mut out[i];
            f.students += e;
            let stage = stage_of(&f.ty, &r.get::<String, _>(1));
            *f.by_stage.entry(stage.to_string()).or_default() += e;
        }
    }
    let q = s.sql(
        "SELECT school_id, CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN size >= 56 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN size >= 66 THEN 1 ELSE 0 END) AS BIGINT) FROM classes WHERE version_id = $1 GROUP BY school_id",
    );
    for r in sqlx::query(&q).bind(vid).fetch_all(pool).await.map_err(ApiError::internal)? {
        if let Some(&i) = idx.get(&r.get::<String, _>(0)) {
            out[i].classes = r.get(1);
            out[i].big = r.get::<Option<i64>, _>(2).unwrap_or(0);
            out[i].huge = r.get::<Option<i64>, _>(3).unwrap_or(0);
        }
    }
    let q = s.sql(
        "SELECT school_id, CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN role = '专任教师' THEN 1 ELSE 0 END) AS BIGINT) \
         FROM staff WHERE version_id = $1 GROUP BY school_id",
    );
    for r in sqlx::query(&q).bind(vid).fetch_all(pool).await.map_err(ApiError::internal)? {
        if let Some(&i) = idx.get(&r.get::<String, _>(0)) {
            out[i].staff = r.get(1);
            out[i].teachers = r.get::<Option<i64>, _>(2).unwrap_or(0);
        }
    }
    Ok(out)
}

fn in_region(f: &SchoolFacts, region: &Option<String>) -> bool {
    region.as_ref().is_none_or(|r| f.region.starts_with(&region_prefix(r)))
}

#[derive(Deserialize)]
pub struct YearRegion {
    year: Option<i32>,
    region: Option<String>,
}

const STAGES: [&str; 6] = ["学前", "小学", "初中", "高中", "中职", "特教"];

/// GET /api/overview
pub async fn overview(State(st): State<AppState>, u: AuthUser, Query(q): Query<YearRegion>) -> ApiResult<Json<J>> {
    let (year, vid) = version_for(&st, q.year).await?;
    let facts: Vec<SchoolFacts> = school_facts(&st, vid, &u).await?.into_iter().filter(|f| in_region(f, &q.region)).collect();
    let sum = |g: &dyn Fn(&SchoolFacts) -> i64| facts.iter().map(g).sum::<i64>();
    let totals = json!({"schools": facts.len(), "students": sum(&|f| f.students), "classes": sum(&|f| f.classes),
        "staff": sum(&|f| f.staff), "teachers": sum(&|f| f.teachers), "big_classes": sum(&|f| f.big), "huge_classes": sum(&|f| f.huge)});
    let by_stage: Vec<J> = STAGES
        .iter()
        .map(|s| {
            let schools = facts.iter().filter(|f| f.by_stage.get(*s).copied().unwrap_or(0) > 0).count();
            json!({"stage": s, "schools": schools, "students": sum(&|f| f.by_stage.get(*s).copied().unwrap_or(0)),
                   "classes": J::Null})
        })
        .collect();
    let by_type: Vec<J> = enums::SCHOOL_TYPE
        .iter()
        .map(|t| {
            let fs: Vec<&SchoolFacts> = facts.iter().filter(|f| f.ty == *t).collect();
            json!({"type": t, "schools": fs.len(), "students": fs.iter().map(|f| f.students).sum::<i64>()})
        })
        .filter(|j| j["schools"].as_u64() != Some(0))
        .collect();
    let by_ur: Vec<J> = enums::URBAN_RURAL
        .iter()
        .map(|t| {
            let fs: Vec<&SchoolFacts> = facts.iter().filter(|f| f.urban_rural == *t).collect();
            json!({"urban_rural": t, "schools": fs.len(), "students": fs.iter().map(|f| f.students).sum::<i64>()})
        })
        .collect();
    // townships of the latest region list in scope
    let q2 = st.store.sql("SELECT code, name, urban_rural FROM regions WHERE version_id = $1 ORDER BY code");
    let mut townships = Vec::new();
    let mut region_name = J::Null;
    let mut region_code = J::Null;
    for r in sqlx::query(&q2).bind(vid).fetch_all(st.store.pool()).await.map_err(ApiError::internal)? {
        let code: String = r.get(0);
        let name: String = r.get(1);
        if q.region.as_deref() == Some(code.as_str()) || (q.region.is_none() && region_code.is_null() && code.len() == 6 && u.sees_region(&code)) {
            region_code = json!(code);
            region_name = json!(name);
        }
        if code.len() != 9 || !q.region.as_ref().is_none_or(|p| code.starts_with(&region_prefix(p))) {
            continue;
        }
        let fs: Vec<&SchoolFacts> = facts.iter().filter(|f| f.region == code).collect();
        if fs.is_empty() && !u.sees_region(&code) {
            continue;
        }
        townships.push(json!({"code": code, "name": name, "urban_rural": r.get::<Option<String>, _>(2),
                              "schools": fs.len(), "students": fs.iter().map(|f| f.students).sum::<i64>()}));
    }
    // history: students by stage in every year's current version
    let mut history = Vec::new();
    for v in st.store.current_versions().await? {
        let fs = school_facts(&st, v.id, &u).await?;
        for s in STAGES {
            let n: i64 = fs.iter().filter(|f| in_region(f, &q.region)).map(|f| f.by_stage.get(s).copied().unwrap_or(0)).sum();
            history.push(json!({"year": v.year, "stage": s, "students": n}));
        }
    }
    Ok(Json(json!({"year": year, "region": {"code": region_code, "name": region_name}, "totals": totals,
        "by_stage": by_stage, "by_type": by_type, "by_urban_rural": by_ur, "history": history, "townships": townships})))
}

#[derive(Deserialize)]
pub struct SchoolQuery {
    year: Option<i32>,
    q: Option<String>,
    #[serde(rename = "type")]
    ty: Option<String>,
    region: Option<String>,
    urban_rural: Option<String>,
    ownership: Option<String>,
}

/// GET /api/schools
pub async fn schools(State(st): State<AppState>, u: AuthUser, Query(q): Query<SchoolQuery>) -> ApiResult<Json<J>> {
    let (_, vid) = version_for(&st, q.year).await?;
    let names: HashMap<String, String> = region_names(&st, vid).await?;
    let empty = |o: &Option<String>| o.as_deref().is_none_or(|s| s.trim().is_empty());
    let items: Vec<J> = school_facts(&st, vid, &u)
        .await?
        .into_iter()
        .filter(|f| empty(&q.q) || f.name.contains(q.q.as_deref().unwrap_or("").trim()) || f.school_id.contains(q.q.as_deref().unwrap_or("").trim()))
        .filter(|f| empty(&q.ty) || q.ty.as_deref() == Some(f.ty.as_str()))
        .filter(|f| empty(&q.region) || in_region(f, &q.region))
        .filter(|f| empty(&q.urban_rural) || q.urban_rural.as_deref() == Some(f.urban_rural.as_str()))
        .filter(|f| empty(&q.ownership) || q.ownership.as_deref() == Some(f.ownership.as_str()))
        .map(|f| {
            json!({"school_id": f.school_id, "name": f.name, "type": f.ty, "ownership": f.ownership, "puhui": f.puhui,
                   "region": f.region, "region_name": names.get(&f.region), "urban_rural": f.urban_rural,
                   "students": f.students, "classes": f.classes, "teachers": f.teachers, "staff": f.staff, "big_classes": f.big})
        })
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

async fn region_names(st: &AppState, vid: i64) -> ApiResult<HashMap<String, String>> {
    let q = st.store.sql("SELECT code, name FROM regions WHERE version_id = $1");
    let rows = sqlx::query(&q).bind(vid).fetch_all(st.store.pool()).await.map_err(ApiError::internal)?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

#[derive(Deserialize)]
pub struct YearOnly {
    year: Option<i32>,
}

fn jv(v: &eduplan_core::data::Value) -> J {
    use eduplan_core::data::Value as V;
    match v {
        V::Null => J::Null,
        V::Int(i) => json!(i),
        V::Num(f) => json!(f),
        V::Text(s) => json!(s),
        V::Bool(b) => json!(b),
    }
}

/// GET /api/schools/{id}
pub async fn school(State(st): State<AppState>, u: AuthUser, Path(id): Path<String>, Query(q): Query<YearOnly>) -> ApiResult<Json<J>> {
    let (year, vid) = version_for(&st, q.year).await?;
    let store = &st.store;
    let pool = store.pool();
    let cols = SheetKind::Schools.columns();
    let sel = cols.iter().map(|c| format!("\"{}\"", c.en)).collect::<Vec<_>>().join(", ");
    let qs = store.sql(&format!("SELECT {sel} FROM schools WHERE version_id = $1 AND school_id = $2"));
    let row = sqlx::query(&qs).bind(vid).bind(&id).fetch_optional(pool).await.map_err(ApiError::internal)?;
    let Some(row) = row else {
        return Err(ApiError::not_found(format!("学校 {id} 在 {year} 学年不存在"), format!("school {id} does not exist in {year}")));
    };
    let region: String = row.get(5);
    if !u.sees_school(&id, &region) {
        return Err(ApiError::forbidden("无权查看该学校", "this school is outside your scope"));
    }
    let names = region_names(&st, vid).await?;
    let mut school = serde_json::Map::new();
    for (i, c) in cols.iter().enumerate() {
        let v = match c.kind {
            eduplan_core::schema::ValueKind::Decimal { .. } => row.get::<Option<f64>, _>(i).map(|f| json!(f)).unwrap_or(J::Null),
            eduplan_core::schema::ValueKind::Bool => row.get::<Option<i64>, _>(i).map(|b| json!(b != 0)).unwrap_or(J::Null),
            eduplan_core::schema::ValueKind::Int { .. } | eduplan_core::schema::ValueKind::Year => {
                row.get::<Option<i64>, _>(i).map(|f| json!(f)).unwrap_or(J::Null)
            }
            _ => row.get::<Option<String>, _>(i).map(|f| json!(f)).unwrap_or(J::Null),
        };
        school.insert(c.en.to_string(), v);
    }
    school.insert("region_name".into(), json!(names.get(&region)));
    // the year's rows of this school, read through the store's typed loader
    let data = load_school_year(&st, vid, &id).await?;
    let t = data.table(SheetKind::Classes);
    let mut classes: Vec<(usize, String, i64)> = t
        .rows
        .iter()
        .map(|r| {
            let g = t.get(r, "grade").display();
            (eduplan_core::schema::grade_order(&g).unwrap_or(99), t.get(r, "class").display(), t.get(r, "size").as_i64().unwrap_or(0))
        })
        .collect();
    classes.sort();
    let mut class_count: HashMap<String, i64> = HashMap::new();
    for r in &t.rows {
        *class_count.entry(t.get(r, "grade").display()).or_default() += 1;
    }
    let s = data.table(SheetKind::Students);
    let mut grades: Vec<(usize, J)> = s
        .rows
        .iter()
        .map(|r| {
            let g = s.get(r, "grade").display();
            let mut m = serde_json::Map::new();
            for c in ["grade", "enrolled", "female", "entrants", "graduates", "migrant", "left_behind", "disabled", "dropouts"] {
                m.insert(c.into(), jv(s.get(r, c)));
            }
            m.insert("classes".into(), json!(class_count.get(&g).copied().unwrap_or(0)));
            (eduplan_core::schema::grade_order(&g).unwrap_or(99), J::Object(m))
        })
        .collect();
    grades.sort_by_key(|g| g.0);
    let sf = data.table(SheetKind::Staff);
    let mut by_role: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_degree: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_title: BTreeMap<String, i64> = BTreeMap::new();
    let (mut backbone, mut certified, mut age_sum, mut age_n) = (0, 0, 0i64, 0i64);
    for r in &sf.rows {
        *by_role.entry(sf.get(r, "role").display()).or_default() += 1;
        let teacher = sf.get(r, "role").as_str() == Some("专任教师");
        if teacher {
            *by_degree.entry(sf.get(r, "degree").display()).or_default() += 1;
            *by_title.entry(sf.get(r, "title").display()).or_default() += 1;
            if sf.get(r, "certified").as_bool() == Some(true) {
                certified += 1;
            }
            if !matches!(sf.get(r, "backbone").as_str(), None | Some("无")) {
                backbone += 1;
            }
        }
        if let Some(b) = sf.get(r, "birth_year").as_i64() {
            age_sum += year as i64 - b;
            age_n += 1;
        }
    }
    let teachers = by_role.get("专任教师").copied().unwrap_or(0);
    let avg_age = if age_n > 0 { json!(((age_sum as f64 / age_n as f64) * 10.0).round() / 10.0) } else { J::Null };
    let staff = json!({"total": sf.rows.len(), "teachers": teachers, "by_role": by_role, "by_degree": by_degree,
        "by_title": by_title, "backbone": backbone, "certified": certified, "avg_age": avg_age});
    let co = data.table(SheetKind::Conditions);
    let conditions = co.rows.first().map(|r| {
        let mut m = serde_json::Map::new();
        for c in SheetKind::Conditions.columns().iter().skip(2) {
            m.insert(c.en.into(), jv(co.get(r, c.en)));
        }
        J::Object(m)
    });
    // ten-year history of this school
    let mut history = Vec::new();
    for v in store.current_versions().await? {
        let p1 = store.ph(1);
        let p2 = store.ph(2);
        let qh = format!(
            "SELECT (SELECT CAST(COALESCE(SUM(enrolled), 0) AS BIGINT) FROM students WHERE version_id = {p1} AND school_id = {p2}), \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM classes WHERE version_id = {p1} AND school_id = {p2}), \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM staff WHERE version_id = {p1} AND school_id = {p2} AND role = '专任教师'), \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM classes WHERE version_id = {p1} AND school_id = {p2} AND size >= 56), \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM schools WHERE version_id = {p1} AND school_id = {p2})"
        );
        let r = sqlx::query(&qh).bind(v.id).bind(&id).fetch_one(pool).await.map_err(ApiError::internal)?;
        if r.get::<i64, _>(4) == 0 {
            continue;
        }
        history.push(json!({"year": v.year, "students": r.get::<i64, _>(0), "classes": r.get::<i64, _>(1),
                            "teachers": r.get::<i64, _>(2), "big_classes": r.get::<i64, _>(3)}));
    }
    Ok(Json(json!({"year": year, "school": school, "grades": grades.into_iter().map(|g| g.1).collect::<Vec<_>>(),
        "classes": classes.into_iter().map(|(o, c, s)| json!({"grade": eduplan_core::schema::enums::GRADE.get(o), "class": c, "size": s})).collect::<Vec<_>>(),
        "staff": staff, "conditions": conditions, "history": history})))
}

/// The school-keyed sheets of one school in one version (typed, through the schema).
async fn load_school_year(st: &AppState, vid: i64, school_id: &str) -> ApiResult<eduplan_core::data::YearData> {
    let mut y = eduplan_core::data::YearData::empty(0);
    for s in [SheetKind::Students, SheetKind::Classes, SheetKind::Staff, SheetKind::Conditions] {
        let t = st.store.load_rows(vid, s, Some(school_id)).await?;
        *y.table_mut(s) = t;
    }
    Ok(y)
}

pub(crate) fn issue_json(i: &Issue) -> J {
    json!({"file": i.file, "sheet": i.sheet, "row": i.row, "column": i.column, "value": i.value,
           "message_zh": i.zh, "message_en": i.en})
}

/// Wire form of a year's diff.
pub fn diff_json(d: &YearDiff, previous_version: Option<i64>) -> J {
    let sc = |v: &Vec<eduplan_core::diff::SchoolChange>| -> Vec<J> {
        v.iter()
            .map(|s| {
                json!({"school_id": s.school_id, "name": s.name,
                       "changes": s.changes.iter().map(|c| json!({"field": c.field, "before": c.before, "after": c.after})).collect::<Vec<_>>()})
            })
            .collect()
    };
    json!({"year": d.year, "previous_version": previous_version,
        "schools_added": sc(&d.schools_added), "schools_removed": sc(&d.schools_removed), "schools_changed": sc(&d.schools_changed),
        "sheets": d.sheets.iter().map(|s| json!({"sheet": s.sheet, "rows_before": s.rows_before, "rows_after": s.rows_after})).collect::<Vec<_>>(),
        "figures": d.figures.iter().map(|f| json!({"figure": f.figure, "before": f.before, "after": f.after})).collect::<Vec<_>>()})
}

/// Users scoped to a region or a school may only send rows inside their scope, and never the
/// complete 区划/学校 lists (which would drop everything outside it).
fn scope_issues(u: &AuthUser, ds: &eduplan_core::data::Dataset, school_regions: &HashMap<String, String>) -> Vec<Issue> {
    let mut out = Vec::new();
    if u.user.scope_kind == eduplan_store::ScopeKind::All {
        return out;
    }
    for t in ds.tables.values() {
        if !t.sheet.has_year() {
            out.push(Issue::error(t.sheet.zh(), None, "", "", "区划和学校名单只能由全域用户提交", "only users scoped to everything may submit the region and school lists"));
            continue;
        }
        let (col, zh_col) = if t.sheet.col_index("school_id").is_some() { ("school_id", "学校标识码") } else { ("region", "区划代码") };
        for r in &t.rows {
            let key = t.get(r, col).display();
            let inside = if col == "school_id" {
                school_regions.get(&key).is_some_and(|region| u.sees_school(&key, region))
            } else {
                u.sees_region(&key)
            };
            if !inside {
                out.push(Issue::error(t.sheet.zh(), r.source, zh_col, &key, "超出本账号的管辖范围", "outside the scope of your account"));
            }
        }
    }
    out
}

/// POST /api/imports: check an uploaded file; the plan is kept for apply.
pub async fn upload(State(st): State<AppState>, u: AuthUser, mut mp: Multipart) -> ApiResult<Json<J>> {
    u.require_import()?;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut opts = eduplan_ingest::ReadOptions::default();
    while let Some(field) = mp.next_field().await.map_err(|e| ApiError::bad_request(format!("上传失败：{e}"), format!("upload failed: {e}")))? {
        if field.name() == Some("ignore_unknown_columns") {
            opts.ignore_unknown_columns = field.text().await.is_ok_and(|v| v == "true" || v == "1");
        } else if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.xlsx").to_string();
            let bytes = field.bytes().await.map_err(|e| ApiError::bad_request(format!("上传失败：{e}"), format!("upload failed: {e}")))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let (name, bytes) = file.ok_or_else(|| ApiError::bad_request("缺少文件（字段 file）", "missing file (field \"file\")"))?;
    let n2 = name.clone();
    let read = tokio::task::spawn_blocking(move || eduplan_ingest::read_bytes(&n2, &bytes, opts))
        .await
        .map_err(ApiError::internal)?;
    let mut issues = read.issues;
    let stored_years = st.store.years().await?;
    let stored = st.store.stored(&needed_years(&read.dataset, &stored_years)).await?;
    let school_regions: HashMap<String, String> = stored
        .values()
        .flat_map(|(_, y)| {
            let t = y.table(SheetKind::Schools);
            t.rows.iter().map(move |r| (t.get(r, "school_id").display(), t.get(r, "region").display()))
        })
        .collect();
    issues.extend(scope_issues(&u, &read.dataset, &school_regions));
    let plan = plan_import(read.dataset, issues, &stored);
    let id = uuid::Uuid::new_v4().to_string();
    let body = json!({
        "id": id, "file_name": name, "ok": plan.ok(),
        "errors": plan.errors().map(issue_json).collect::<Vec<_>>(),
        "warnings": plan.warnings().map(issue_json).collect::<Vec<_>>(),
        "years": plan.years.iter().map(|y| y.year).collect::<Vec<_>>(),
        "diff": plan.years.iter().map(|y| diff_json(&y.diff, y.previous_version)).collect::<Vec<_>>(),
    });
    if plan.ok() {
        let mut staged = st.staged.lock().expect("staged lock");
        if staged.len() >= 16 {
            if let Some(oldest) = staged.iter().min_by_key(|(_, s)| s.at).map(|(k, _)| k.clone()) {
                staged.remove(&oldest);
            }
        }
        staged.insert(id, Staged { plan, file_name: name, username: u.user.username.clone(), at: std::time::Instant::now() });
    }
    Ok(Json(body))
}

/// POST /api/imports/{id}/apply
pub async fn apply(State(st): State<AppState>, u: AuthUser, Path(id): Path<String>) -> ApiResult<Json<J>> {
    u.require_import()?;
    let staged = st.staged.lock().expect("staged lock").remove(&id);
    let Some(s) = staged else {
        return Err(ApiError::not_found("没有待应用的导入（已应用或已过期）", "no pending import with that id (applied or expired)"));
    };
    if s.username != u.user.username {
        return Err(ApiError::forbidden("只能应用自己上传的文件", "you can only apply your own upload"));
    }
    let written = st.store.apply(&s.plan, &u.user.username, &s.file_name).await?;
    Ok(Json(json!({"versions": written.iter().map(|v| json!({"id": v.id, "year": v.year, "version": v.version})).collect::<Vec<_>>()})))
}

/// GET /api/versions (county-wide summaries only for users scoped to everything)
pub async fn versions(State(st): State<AppState>, u: AuthUser) -> ApiResult<Json<J>> {
    let mut items = Vec::new();
    let all = u.user.scope_kind == eduplan_store::ScopeKind::All;
    for v in st.store.versions().await? {
        let s = if all { st.store.summary(v.id).await? } else { Default::default() };
        items.push(json!({"id": v.id, "year": v.year, "version": v.version, "created_at": v.created_at,
            "created_by": v.created_by, "source": v.source, "current": v.current,
            "summary": {"schools": s.schools, "students": s.students, "classes": s.classes, "staff": s.staff}}));
    }
    Ok(Json(json!({"items": items})))
}

/// GET /api/versions/{id}/diff: the version against the one before it in the same year.
pub async fn version_diff(State(st): State<AppState>, u: AuthUser, Path(id): Path<i64>) -> ApiResult<Json<J>> {
    if u.user.scope_kind != eduplan_store::ScopeKind::All {
        return Err(ApiError::forbidden("仅全域用户可查看整年差异", "only users scoped to everything may see a whole year's diff"));
    }
    let v = st.store.version(id).await?;
    let prev = st.store.versions().await?.into_iter().find(|p| p.year == v.year && p.version == v.version - 1);
    let after = st.store.load_version(id).await?;
    let before = match &prev {
        Some(p) => Some(st.store.load_version(p.id).await?),
        None => None,
    };
    let d = eduplan_core::diff::diff_year(before.as_ref(), &after);
    Ok(Json(diff_json(&d, prev.map(|p| p.version))))
}

/// A file name for `filename*=UTF-8''…` (RFC 5987): everything but letters, digits, `.` and `-`
/// percent-encoded.
pub(crate) fn percent_encode(name: &str) -> String {
    name.bytes().map(|b| if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

pub(crate) fn xlsx_response(bytes: Vec<u8>, file_name: &str) -> Response {
    let encoded = percent_encode(file_name);
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"eduplan.xlsx\"; filename*=UTF-8''{encoded}")),
        ],
        bytes,
    )
        .into_response()
}

/// GET /api/template
pub async fn template(_u: AuthUser) -> ApiResult<Response> {
    let b = eduplan_ingest::template_bytes().map_err(ApiError::internal)?;
    Ok(xlsx_response(b, "eduplan-模板.xlsx"))
}

/// GET /api/export?year=Y
pub async fn export(State(st): State<AppState>, u: AuthUser, Query(q): Query<YearOnly>) -> ApiResult<Response> {
    if u.user.scope_kind != eduplan_store::ScopeKind::All {
        return Err(ApiError::forbidden("仅全域用户可导出整年数据", "only users scoped to everything may export a whole year"));
    }
    let (year, vid) = version_for(&st, q.year).await?;
    let data = st.store.load_version(vid).await?;
    let b = eduplan_ingest::xlsx_bytes(&eduplan_ingest::write::combine_years(&[data])).map_err(ApiError::internal)?;
    Ok(xlsx_response(b, &format!("eduplan-{year}.xlsx")))
}

/// GET /api/audit (administrators)
pub async fn audit(State(st): State<AppState>, u: AuthUser) -> ApiResult<Json<J>> {
    u.require_admin()?;
    let rows = st.store.audit_log(200).await?;
    Ok(Json(json!({"items": rows.iter().map(|(at, actor, action, entity, detail)|
        json!({"at": at, "actor": actor, "action": action, "entity": entity, "detail": detail})).collect::<Vec<_>>()})))
}
