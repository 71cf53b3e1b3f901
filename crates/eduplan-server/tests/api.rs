//! The API in process (no socket): auth on every route, scopes, the upload → check → apply flow,
//! and the OpenAPI document against the router's route list.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use eduplan_core::import::plan_import;
use eduplan_server::{router, ROUTES};
use eduplan_store::{Role, ScopeKind, Store};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

struct App {
    router: axum::Router,
    _dir: tempfile::TempDir,
}

async fn app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("t.db").to_str().unwrap()).await.unwrap();
    let ds = eduplan_synth::generate(&eduplan_synth::Options { counties: 1, seed: 5, years: (2023, 2024) });
    let plan = plan_import(ds, vec![], &Default::default());
    assert!(plan.ok());
    store.apply(&plan, "test", "seed").await.unwrap();
    store.upsert_user("admin", "管理员", "admin123", Role::Admin, ScopeKind::All, "").await.unwrap();
    App { router: router(store), _dir: dir }
}

async fn call(app: &App, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn upload(app: &App, token: &str, name: &str, content: &str) -> (StatusCode, Value) {
    upload_with(app, token, name, content, false).await
}

async fn upload_with(app: &App, token: &str, name: &str, content: &str, ignore_unknown: bool) -> (StatusCode, Value) {
    let boundary = "XBOUNDARYX";
    let flag = if ignore_unknown {
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"ignore_unknown_columns\"\r\n\r\ntrue\r\n")
    } else {
        String::new()
    };
    let body = format!(
        "{flag}--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    let req = Request::builder()
        .method("POST")
        .uri("/api/imports")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

async fn login(app: &App, user: &str, pw: &str) -> String {
    let (s, v) = call(app, "POST", "/api/auth/login", None, Some(json!({"username": user, "password": pw}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn every_route_but_login_needs_a_session() {
    let app = app().await;
    for (method, path) in ROUTES {
        if *path == "/api/auth/login" || *path == "/api/openapi.json" {
            continue;
        }
        let uri = path.replace("{id}", "1");
        let (s, v) = call(&app, &method.to_uppercase(), &uri, None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {uri}");
        assert_eq!(v["error"]["code"], "unauthorized");
        assert!(v["error"]["message_zh"].as_str().is_some_and(|m| !m.is_empty()));
        let (s, _) = call(&app, &method.to_uppercase(), &uri, Some("forged-token"), None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {uri} with a forged token");
    }
    let (s, v) = call(&app, "POST", "/api/auth/login", None, Some(json!({"username": "admin", "password": "nope"}))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["error"]["message_en"], "wrong user name or password");
}

#[tokio::test]
async fn openapi_documents_every_route_and_its_refs_resolve() {
    let doc = eduplan_server::openapi::document();
    for (method, path) in ROUTES {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} is not documented");
    }
    let documented: usize = doc["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(documented, ROUTES.len(), "the document names a route the router does not have");
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = vec![];
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let ptr = r.trim_start_matches('#');
        assert!(doc.pointer(ptr).is_some(), "unresolved $ref {r}");
    }
}

#[tokio::test]
async fn upload_check_apply_changes_a_school() {
    let app = app().await;
    let t = login(&app, "admin", "admin123").await;
    let (s, list) = call(&app, "GET", "/api/schools?year=2024&type=%E5%B0%8F%E5%AD%A6", Some(&t), None).await;
    assert_eq!(s, StatusCode::OK);
    let items = list["items"].as_array().unwrap();
    assert!(items.iter().all(|i| i["type"] == "小学"));
    let id = items[0]["school_id"].as_str().unwrap().to_string();
    let other = items[1]["school_id"].as_str().unwrap().to_string();
    let (_, school) = call(&app, "GET", &format!("/api/schools/{id}?year=2024"), Some(&t), None).await;
    let enrolled: i64 = school["grades"].as_array().unwrap().iter().map(|g| g["enrolled"].as_i64().unwrap()).sum();
    assert_eq!(school["history"].as_array().unwrap().last().unwrap()["students"].as_i64(), Some(enrolled));

    // row 3 (the second data row) has a bad number: the report names it, nothing is staged
    let header = "学年,学校标识码,体育运动场馆面积,网络多媒体教室";
    let bad = format!("{header}\n2024,{id},12345.5,8\n2024,{other},100,abc\n");
    let (s, rep) = upload(&app, &t, "办学条件.csv", &bad).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(rep["ok"], false);
    let errs = rep["errors"].as_array().unwrap();
    assert_eq!(errs.len(), 1, "{rep}");
    assert_eq!(errs[0]["row"], 3);
    assert_eq!(errs[0]["column"], "网络多媒体教室");
    assert_eq!(errs[0]["value"], "abc");
    let (s, _) = call(&app, "POST", &format!("/api/imports/{}/apply", rep["id"].as_str().unwrap()), Some(&t), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "an upload with errors cannot be applied");

    // an unknown column blocks unless the user asks to drop it
    let typo = format!("{header},备注\n2024,{id},12345.5,8,x\n");
    let (_, rep) = upload(&app, &t, "办学条件.csv", &typo).await;
    assert_eq!(rep["ok"], false);
    assert_eq!(rep["errors"][0]["column"], "备注");
    let (_, rep) = upload_with(&app, &t, "办学条件.csv", &typo, true).await;
    assert_eq!(rep["ok"], true, "{rep}");

    let good = format!("{header}\n2024,{id},12345.5,8\n");
    let (_, rep) = upload(&app, &t, "办学条件.csv", &good).await;
    assert_eq!(rep["ok"], true, "{rep}");
    assert_eq!(rep["diff"][0]["previous_version"], 1);
    assert_eq!(rep["diff"][0]["schools_changed"][0]["school_id"], id.as_str());
    let (s, applied) = call(&app, "POST", &format!("/api/imports/{}/apply", rep["id"].as_str().unwrap()), Some(&t), None).await;
    assert_eq!(s, StatusCode::OK, "{applied}");
    assert_eq!(applied["versions"][0]["version"], 2);
    let (_, school) = call(&app, "GET", &format!("/api/schools/{id}?year=2024"), Some(&t), None).await;
    assert_eq!(school["conditions"]["area_sport"], 12345.5);
    assert_eq!(school["conditions"]["mm_rooms"], 8);
    let (_, versions) = call(&app, "GET", "/api/versions", Some(&t), None).await;
    let v2 = versions["items"].as_array().unwrap().iter().find(|v| v["year"] == 2024 && v["version"] == 2).unwrap().clone();
    assert_eq!(v2["created_by"], "admin");
    assert_eq!(v2["source"], "办学条件.csv");
    let (_, diff) = call(&app, "GET", &format!("/api/versions/{}/diff", v2["id"]), Some(&t), None).await;
    assert_eq!(diff["schools_changed"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn school_users_see_and_submit_only_their_school() {
    let app = app().await;
    let t = login(&app, "admin", "admin123").await;
    let (_, list) = call(&app, "GET", "/api/schools?year=2024", Some(&t), None).await;
    let items = list["items"].as_array().unwrap();
    let mine = items[0]["school_id"].as_str().unwrap().to_string();
    let theirs = items[1]["school_id"].as_str().unwrap().to_string();
    // a school account, created on the same database as `eduplan user add` would
    let store = Store::open(app._dir.path().join("t.db").to_str().unwrap()).await.unwrap();
    store.upsert_user("school1", "学校填报员", "school123", Role::School, ScopeKind::School, &mine).await.unwrap();
    let ts = login(&app, "school1", "school123").await;
    let (_, list) = call(&app, "GET", "/api/schools?year=2024", Some(&ts), None).await;
    let ids: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["school_id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![mine.as_str()]);
    let (s, _) = call(&app, "GET", &format!("/api/schools/{theirs}?year=2024"), Some(&ts), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call(&app, "GET", &format!("/api/schools/{mine}?year=2024"), Some(&ts), None).await;
    assert_eq!(s, StatusCode::OK);
    // submitting another school's row, or the school list, is refused
    let (_, rep) = upload(&app, &ts, "办学条件.csv", &format!("学年,学校标识码,图书\n2024,{theirs},100\n")).await;
    assert_eq!(rep["ok"], false);
    assert_eq!(rep["errors"][0]["row"], 2);
    let (_, rep) = upload(&app, &ts, "办学条件.csv", &format!("学年,学校标识码,图书\n2024,{mine},100\n")).await;
    assert_eq!(rep["ok"], true, "{rep}");
    let (s, _) = call(&app, "GET", "/api/export?year=2024", Some(&ts), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn indicators_custom_formulas_map_and_export() {
    let app = app().await;
    let t = login(&app, "admin", "admin123").await;
    // a county figure: value = numerator / denominator × 100, rounded half up to 2 decimals
    let (s, v) = call(&app, "GET", "/api/indicators?year=2024&level=county&codes=pre_ger", Some(&t), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let f = &v["items"][0];
    assert_eq!((f["code"].as_str(), f["level"].as_str(), f["stage"].as_str(), f["status"].as_str()), (Some("pre_ger"), Some("county"), Some("学前"), Some("ok")));
    let want = (f["numerator"].as_f64().unwrap() / f["denominator"].as_f64().unwrap() * 10000.0).round() / 100.0;
    assert_eq!(f["value"].as_f64().unwrap(), want);
    assert!(v["years"].as_array().unwrap().len() == 2);
    let (s, v) = call(&app, "GET", "/api/indicators?year=2024&codes=nope", Some(&t), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // an alias answers with the catalogue code
    let (_, v) = call(&app, "GET", "/api/indicators?year=2024&level=county&codes=GER", Some(&t), None).await;
    assert!(v["items"].as_array().unwrap().iter().all(|x| x["code"] == "uis_ger") && !v["items"].as_array().unwrap().is_empty());

    // a formula error points at the token, in both languages
    let (s, v) = call(&app, "POST", "/api/indicators/custom/check", Some(&t), Some(json!({"numerator": "students.migrnt[level=初中]", "denominator": "students[level=初中]"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["position"], json!({"side": "numerator", "start": 9, "end": 15, "token": "migrnt"}));
    assert!(v["error"]["message_zh"].as_str().unwrap().contains("migrnt") && v["error"]["message_en"].as_str().unwrap().contains("no field"));
    let (s, v) = call(&app, "POST", "/api/indicators/custom/check", Some(&t), Some(json!({"numerator": "students.migrant[level=初中]", "denominator": "population[age=12..14]"}))).await;
    assert_eq!((s, v["stage"].as_str()), (StatusCode::OK, Some("初中")));

    // only administrators and planners define indicators
    let store = Store::open(app._dir.path().join("t.db").to_str().unwrap()).await.unwrap();
    store.upsert_user("school1", "学校填报员", "school123", Role::School, ScopeKind::School, "3607210001").await.unwrap();
    let ts = login(&app, "school1", "school123").await;
    let def = json!({"code": "jun_migrant_share", "name": "初中随迁子女占比", "unit": "%", "scale": 100,
                     "numerator": "students.migrant[level=初中]", "denominator": "students[level=初中]"});
    let (s, _) = call(&app, "POST", "/api/indicators/custom", Some(&ts), Some(def.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = call(&app, "POST", "/api/indicators/custom", Some(&t), Some(def.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["item"]["created_by"], "admin");
    let (s, _) = call(&app, "POST", "/api/indicators/custom", Some(&t), Some(def.clone())).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let mut taken = def.clone();
    taken["code"] = json!("ptr");
    assert_eq!(call(&app, "POST", "/api/indicators/custom", Some(&t), Some(taken)).await.0, StatusCode::CONFLICT);
    let mut bad = def.clone();
    bad["code"] = json!("初中");
    assert_eq!(call(&app, "POST", "/api/indicators/custom", Some(&t), Some(bad)).await.0, StatusCode::BAD_REQUEST);

    // usable like a catalogue indicator: listed, computed at every level, in the user's scope
    let (_, v) = call(&app, "GET", "/api/indicators?year=2024&codes=jun_migrant_share", Some(&t), None).await;
    let cat = v["catalogue"].as_array().unwrap().iter().find(|c| c["code"] == "jun_migrant_share").unwrap().clone();
    assert_eq!((cat["custom"].as_bool(), cat["numerator"].as_str()), (Some(true), Some("students.migrant[level=初中]")));
    let items = v["items"].as_array().unwrap();
    let county = items.iter().find(|x| x["level"] == "county").unwrap();
    assert_eq!(county["stage"], "初中");
    let want = (county["numerator"].as_f64().unwrap() / county["denominator"].as_f64().unwrap() * 10000.0).round() / 100.0;
    assert_eq!(county["value"].as_f64().unwrap(), want);
    let schools: f64 = items.iter().filter(|x| x["level"] == "school").filter_map(|x| x["numerator"].as_f64()).sum();
    assert_eq!(schools, county["numerator"].as_f64().unwrap(), "the county's numerator is the sum over its schools");
    let (_, v) = call(&app, "GET", "/api/indicators?year=2024&codes=jun_migrant_share", Some(&ts), None).await;
    assert!(v["items"].as_array().unwrap().iter().all(|x| x["level"] == "school" && x["scope"] == "3607210001"), "a school user sees its own school only");

    let (s, _) = call(&app, "DELETE", "/api/indicators/custom/jun_migrant_share", Some(&ts), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call(&app, "DELETE", "/api/indicators/custom/jun_migrant_share", Some(&t), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, v) = call(&app, "GET", "/api/indicators/custom", Some(&t), None).await;
    assert!(v["items"].as_array().unwrap().is_empty());
    assert!(v["elements"].as_array().unwrap().iter().any(|e| e["table"] == "students"));

    // the township map: one polygon per township
    let (_, g) = call(&app, "GET", "/api/regions/geo", Some(&t), None).await;
    let feats = g["features"].as_array().unwrap();
    assert_eq!(feats.len(), 18);
    assert!(feats.iter().all(|f| f["geometry"]["type"] == "Polygon" && f["properties"]["code"].as_str().unwrap().len() == 9));

    // Excel export of the same figures
    let req = Request::builder().uri("/api/indicators/export?year=2024&level=county&codes=pre_ger").header("authorization", format!("Bearer {t}")).body(Body::empty()).unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
}

async fn raw(app: &App, method: &str, uri: &str, token: &str, content_type: Option<&str>, body: Vec<u8>) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri).header("authorization", format!("Bearer {token}"));
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let res = app.router.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = res.status();
    (status, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// The text of a PDF as poppler's pdftotext reads it, whitespace removed (lines wrap anywhere).
fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF: {:?}", String::from_utf8_lossy(&bytes[..bytes.len().min(200)]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext").args(["-raw", "-enc", "UTF-8"]).arg(&path).arg("-").output().expect("pdftotext (poppler-utils) is needed");
    String::from_utf8(out.stdout).unwrap().chars().filter(|c| !c.is_whitespace()).collect()
}

fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a .docx is a zip");
    let mut s = String::new();
    z.by_name("word/document.xml").unwrap().read_to_string(&mut s).unwrap();
    s
}

#[tokio::test]
async fn findings_from_an_assessment_through_rectification_with_school_scope() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("t.db").to_str().unwrap()).await.unwrap();
    let ds = eduplan_synth::generate(&eduplan_synth::Options { counties: 1, seed: 5, years: (2023, 2024) });
    store.apply(&plan_import(ds, vec![], &Default::default()), "test", "seed").await.unwrap();
    store.upsert_user("dudao", "督导室", "dudao123", Role::Supervisor, ScopeKind::All, "").await.unwrap();
    store.upsert_user("plan", "规划科", "plan123", Role::Planner, ScopeKind::All, "").await.unwrap();
    store.upsert_user("pub", "公众", "pub123", Role::Public, ScopeKind::All, "").await.unwrap();
    let app = App { router: router(store.clone()), _dir: dir };
    let sup = login(&app, "dudao", "dudao123").await;

    // only the supervision office turns problems into findings
    let body = json!({"method": "balance-quality", "year": 2023, "deadline": "2020-01-01"});
    let (s, _) = call(&app, "POST", "/api/findings/generate", Some(&login(&app, "plan", "plan123").await), Some(body.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, g) = call(&app, "POST", "/api/findings/generate", Some(&sup), Some(json!({"method": "balance-quality", "year": 2023, "deadline": "明年"}))).await;
    assert_eq!(s, StatusCode::CONFLICT, "a bad date is refused: {g}");
    let (s, g) = call(&app, "POST", "/api/findings/generate", Some(&sup), Some(body.clone())).await;
    assert_eq!(s, StatusCode::OK, "{g}");
    let created = g["created"].as_array().unwrap().len();
    let (_, a2023) = call(&app, "GET", "/api/assess/balance-quality?year=2023", Some(&sup), None).await;
    assert!(created > 0);
    assert_eq!(created as u64, a2023["problems"].as_u64().unwrap(), "one finding per problem of the assessment");
    let (_, again) = call(&app, "POST", "/api/findings/generate", Some(&sup), Some(body)).await;
    assert_eq!((again["created"].as_array().unwrap().len(), again["skipped"].as_u64()), (0, Some(created as u64)), "re-running adds nothing");

    // the deadline has passed: all overdue
    let (_, list) = call(&app, "GET", "/api/findings", Some(&sup), None).await;
    assert_eq!(list["counts"]["open"], created);
    assert_eq!(list["counts"]["overdue"], created);
    let (_, overdue) = call(&app, "GET", "/api/findings?overdue=true", Some(&sup), None).await;
    assert_eq!(overdue["findings"].as_array().unwrap().len(), created);

    // two schools with findings, a school user for each
    let findings = list["findings"].as_array().unwrap();
    let mut schools: Vec<&str> = findings.iter().filter_map(|f| f["school_id"].as_str()).filter(|s| !s.is_empty()).collect();
    schools.sort();
    schools.dedup();
    assert!(schools.len() >= 2, "the synthetic county has several failing schools");
    let (x, y) = (schools[0], schools[1]);
    store.upsert_user("sx", "学校X", "school123", Role::School, ScopeKind::School, x).await.unwrap();
    let sx = login(&app, "sx", "school123").await;
    let (_, mine) = call(&app, "GET", "/api/findings", Some(&sx), None).await;
    let mine = mine["findings"].as_array().unwrap().clone();
    assert!(!mine.is_empty() && mine.iter().all(|f| f["school_id"] == x), "a school sees its own findings only");
    let own = mine[0]["id"].as_i64().unwrap();
    let other = findings.iter().find(|f| f["school_id"] == y).unwrap()["id"].as_i64().unwrap();
    let county = findings.iter().find(|f| f["school_id"] == "").unwrap()["id"].as_i64().unwrap();
    for id in [other, county] {
        let (s, _) = call(&app, "GET", &format!("/api/findings/{id}"), Some(&sx), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "another school's or the county's finding is invisible");
        let (s, _) = call(&app, "POST", &format!("/api/findings/{id}/act"), Some(&sx), Some(json!({"action": "start"}))).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "and cannot be touched");
        assert_eq!(store.finding(id).await.unwrap().state, eduplan_core::finding::FindingState::Open);
    }
    let (s, _) = call(&app, "GET", "/api/findings", Some(&login(&app, "pub", "pub123").await), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the public sees no findings");

    // illegal transitions: 409; a school closing its own: 403
    let act = |id: i64, action: &str, text: &str| (format!("/api/findings/{id}/act"), json!({"action": action, "text": text}));
    let (u, b) = act(own, "close", "");
    let (s, v) = call(&app, "POST", &u, Some(&sup), Some(b)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["error"]["message_zh"].as_str().unwrap().contains("待整改"));
    let (_, detail) = call(&app, "GET", &format!("/api/findings/{own}"), Some(&sx), None).await;
    assert_eq!(detail["actions"], json!(["start"]), "the school is offered only what it may do");
    let (u, b) = act(own, "start", "");
    assert_eq!(call(&app, "POST", &u, Some(&sx), Some(b)).await.0, StatusCode::OK);
    let (u, b) = act(own, "submit", "");
    assert_eq!(call(&app, "POST", &u, Some(&sx), Some(b)).await.0, StatusCode::CONFLICT, "submitting needs what was done");
    let (u, b) = act(own, "submit", "已新增多媒体教室 3 间");
    let (s, v) = call(&app, "POST", &u, Some(&sx), Some(b)).await;
    assert_eq!((s, v["state"].as_str(), v["overdue"].as_bool()), (StatusCode::OK, Some("pending_review"), Some(false)));
    let (u, b) = act(own, "close", "");
    assert_eq!(call(&app, "POST", &u, Some(&sx), Some(b)).await.0, StatusCode::FORBIDDEN, "re-inspection belongs to the supervision office");
    let (s, _) = call(&app, "POST", &format!("/api/findings/{own}/escalate"), Some(&sx), Some(json!({"escalation": "notice"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = call(&app, "POST", &format!("/api/findings/{own}/escalate"), Some(&sup), Some(json!({"escalation": "约谈", "text": "逾期"}))).await;
    assert_eq!((s, v["escalation_zh"].as_str()), (StatusCode::OK, Some("约谈")));

    // evidence: the school uploads, the supervision office downloads the same bytes
    let boundary = "XB";
    let mp = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"验收单.txt\"\r\nContent-Type: text/plain\r\n\r\n验收合格\r\n--{boundary}--\r\n");
    let (s, up) = raw(&app, "POST", &format!("/api/findings/{own}/attachments"), &sx, Some(&format!("multipart/form-data; boundary={boundary}")), mp.into_bytes()).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&up));
    let aid = serde_json::from_slice::<Value>(&up).unwrap()["id"].as_i64().unwrap();
    let (s, bytes) = raw(&app, "GET", &format!("/api/findings/{own}/attachments/{aid}"), &sup, None, vec![]).await;
    assert_eq!((s, String::from_utf8(bytes).unwrap().as_str()), (StatusCode::OK, "验收合格"));

    let (u, b) = act(own, "close", "");
    let (s, v) = call(&app, "POST", &u, Some(&sup), Some(b)).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("closed")));
    let (_, detail) = call(&app, "GET", &format!("/api/findings/{own}"), Some(&sup), None).await;
    let kinds: Vec<&str> = detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["create", "start", "submit", "escalate", "attach", "close"]);
    assert_eq!(detail["events"][2]["actor"], "sx", "every step says who");

    // next year's assessment links every open finding of 2023 to whether its problem is gone
    let (_, a2024) = call(&app, "GET", "/api/assess/balance-quality?year=2024", Some(&sup), None).await;
    let linked = a2024["findings"].as_array().unwrap();
    assert_eq!(linked.len(), created - 1, "every 2023 finding but the closed one");
    assert!(linked.iter().all(|f| f["gone"].is_boolean() || f["gone"].is_null()));
    let (s, chk) = call(&app, "POST", "/api/findings/check", Some(&sup), Some(json!({"method": "balance-quality", "year": 2024}))).await;
    assert_eq!(s, StatusCode::OK);
    let checked = chk["checked"].as_array().unwrap();
    assert!(!checked.is_empty(), "2024 judges the 2023 problems again");
    for c in checked {
        let f = linked.iter().find(|f| f["id"] == c["id"]).unwrap();
        assert_eq!(f["gone"], c["gone"], "the check records what the assessment shows");
        let (_, d) = call(&app, "GET", &format!("/api/findings/{}", c["id"]), Some(&sup), None).await;
        assert_eq!(d["check"]["year"], 2024);
        assert_eq!(d["proposal"].as_str() == Some("close"), c["gone"] == true);
    }

    // the self-assessment report and the tables
    let (s, docx) = raw(&app, "GET", "/api/assess/balance-quality/docx?year=2024", &sup, None, vec![]).await;
    assert_eq!(s, StatusCode::OK);
    let text = docx_text(&docx);
    assert!(text.contains("县域义务教育优质均衡发展督导评估自评报告"));
    let school = a2024["levels"]["小学"]["schools"][0]["name"].as_str().unwrap();
    assert!(text.contains(school), "every school is in the report");
    assert!(text.contains("往年问题整改情况"));
    let (s, xlsx) = raw(&app, "GET", "/api/assess/balance-quality/xlsx?year=2024", &sup, None, vec![]).await;
    assert_eq!((s, &xlsx[..2]), (StatusCode::OK, b"PK".as_slice()));
    let (s, _) = raw(&app, "GET", "/api/assess/balance-quality/docx?year=2024", &sx, None, vec![]).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "school users cannot see the county report");
    // the same report as PDF says the same
    let (s, pdf) = raw(&app, "GET", "/api/assess/balance-quality/pdf?year=2024", &sup, None, vec![]).await;
    assert_eq!(s, StatusCode::OK);
    let text = pdf_text(&pdf);
    assert!(text.contains("县域义务教育优质均衡发展督导评估自评报告") && text.contains("往年问题整改情况"), "the PDF report: {text}");
    for s in a2024["levels"]["小学"]["schools"].as_array().unwrap() {
        let name = s["name"].as_str().unwrap();
        assert!(text.contains(name), "{name} is in the PDF");
    }
    let (s, _) = raw(&app, "GET", "/api/assess/balance-quality/pdf?year=2024", &sx, None, vec![]).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "school users cannot see the county report as PDF either");

    // an item judged on site: recorded with its evidence, it decides the item and a failure
    // becomes a problem like any other
    let mp = |passed: &str, note: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"year\"\r\n\r\n2024\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\nS1\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"passed\"\r\n\r\n{passed}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n{note}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"问卷.txt\"\r\nContent-Type: text/plain\r\n\r\n满意度 80%\r\n--{boundary}--\r\n"
        )
        .into_bytes()
    };
    let ct = format!("multipart/form-data; boundary={boundary}");
    let (s, _) = raw(&app, "POST", "/api/assess/balance-quality/evidence", &sx, Some(&ct), mp("false", "x")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "schools do not judge items");
    let before = a2024["items"].as_array().unwrap().iter().find(|i| i["code"] == "S1").unwrap().clone();
    assert!(before["passed"].is_null());
    let (s, rec) = raw(&app, "POST", "/api/assess/balance-quality/evidence", &sup, Some(&ct), mp("false", "问卷满意度 80%，低于 85%")).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&rec));
    let rec: Value = serde_json::from_slice(&rec).unwrap();
    let (_, after) = call(&app, "GET", "/api/assess/balance-quality?year=2024", Some(&sup), None).await;
    let s1 = after["items"].as_array().unwrap().iter().find(|i| i["code"] == "S1").unwrap();
    assert_eq!(s1["passed"], false);
    assert!(s1["detail"].as_str().unwrap().contains("问卷.txt"));
    assert_eq!(after["passed"], false);
    assert_eq!(after["problems"].as_u64().unwrap(), a2024["problems"].as_u64().unwrap() + 1, "the failing item is a problem now");
    let (s, file) = raw(&app, "GET", &format!("/api/evidence/{}", rec["id"]), &sup, None, vec![]).await;
    assert_eq!((s, String::from_utf8(file).unwrap().as_str()), (StatusCode::OK, "满意度 80%"));
    let (s, _) = raw(&app, "POST", "/api/assess/balance-quality/evidence", &sup, Some(&ct), mp("maybe", "x")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // 基本均衡 through the same route
    let (s, bb) = call(&app, "GET", "/api/assess/balance-basic?year=2024", Some(&sup), None).await;
    assert_eq!(s, StatusCode::OK, "{bb}");
    assert_eq!(bb["method"], "balance-basic");
    let codes: Vec<&str> = bb["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["B1", "B2"]);
}

#[tokio::test]
async fn a_plan_workbook_feeds_the_funds_assessment() {
    use eduplan_core::plan::{FundEntry, PlanBook, Project};
    let app = app().await;
    let admin = login(&app, "admin", "admin123").await;
    let p = |id: &str| Project { row: 2, id: id.into(), name: format!("工程{id}"), kind: "新建".into(), school_id: String::new(), new_places: 0, investment: 1000.0, start_year: 2024, end_year: 2024, status: String::new() };
    let f = |project: &str, date: &str, released: f64, spent: f64| FundEntry { row: 2, project: project.into(), date: date.into(), released, spent };
    // A: 1000 released, 700 by 06-30, all by 09-30; B: 1000 released, 300 by 06-30 (30% < 50%)
    // county by 06-30: 1000 / 2000 = 50% (passes exactly), by 09-30 1900 / 2000 = 95%
    let book = PlanBook {
        targets: vec![],
        projects: vec![p("A"), p("B")],
        funds: vec![f("A", "2024-02-01", 1000.0, 0.0), f("A", "2024-06-30", 0.0, 700.0), f("A", "2024-08-01", 0.0, 300.0),
                    f("B", "2024-02-01", 1000.0, 0.0), f("B", "2024-05-01", 0.0, 300.0), f("B", "2024-09-30", 0.0, 600.0), f("B", "2024-12-31", 0.0, 100.0)],
    };
    let bytes = eduplan_ingest::plan::write_plan_workbook(&book).unwrap();
    let boundary = "PB";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n十四五规划\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"region\"\r\n\r\n360721\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"规划.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes();
    body.extend(&bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let ct = format!("multipart/form-data; boundary={boundary}");
    let (s, v) = raw(&app, "POST", "/api/plans", &admin, Some(&ct), body).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&v));
    let plan: Value = serde_json::from_slice(&v).unwrap();
    assert_eq!((plan["version"].as_i64(), plan["projects"].as_i64(), plan["funds"].as_i64()), (Some(1), Some(2), Some(7)));
    let (_, detail) = call(&app, "GET", &format!("/api/plans/{}", plan["id"]), Some(&admin), None).await;
    assert_eq!(detail["projects"][1]["spent"], 1000.0);

    let (s, a) = call(&app, "GET", "/api/assess/funds?year=2024&region=360721", Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["items"][0]["value"], 50.0);
    assert_eq!(a["items"][0]["passed"], true, "exactly 50% passes");
    assert_eq!(a["items"][1]["value"], 95.0);
    assert_eq!(a["passed"], false, "project B is late");
    assert_eq!(a["problems"], 1);
    // the engine's 资金执行进度 of the year agrees: all 2000 released were spent by 31 December
    let (_, figs) = call(&app, "GET", "/api/indicators?year=2024&level=county&codes=fund_exec", Some(&admin), None).await;
    let f = figs["items"].as_array().unwrap().iter().find(|f| f["scope"] == "360721").expect("a county figure");
    assert_eq!((f["value"].as_f64(), f["numerator"].as_f64(), f["denominator"].as_f64()), (Some(100.0), Some(2000.0), Some(2000.0)));

    // a broken workbook: located errors, nothing stored
    let mut bad = book.clone();
    bad.funds[0].project = "Z".into();
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n十四五规划\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"坏.xlsx\"\r\n\r\n").into_bytes();
    body.extend(eduplan_ingest::plan::write_plan_workbook(&bad).unwrap());
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let (s, v) = raw(&app, "POST", "/api/plans", &admin, Some(&ct), body).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let e: Value = serde_json::from_slice(&v).unwrap();
    let first = &e["error"]["errors"][0];
    assert_eq!((first["sheet"].as_str(), first["row"].as_u64(), first["column"].as_str()), (Some("资金"), Some(2), Some("项目编号")), "{e}");
    let (_, list) = call(&app, "GET", "/api/plans", Some(&admin), None).await;
    assert_eq!(list["plans"].as_array().unwrap().len(), 1, "nothing stored from the broken workbook");
}

#[tokio::test]
async fn plan_targets_are_tracked_against_the_computed_indicators() {
    use eduplan_core::plan::{Cmp, PlanBook, TargetRow};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("t.db").to_str().unwrap()).await.unwrap();
    let ds = eduplan_synth::generate(&eduplan_synth::Options { counties: 1, seed: 5, years: (2023, 2024) });
    store.apply(&plan_import(ds, vec![], &Default::default()), "test", "seed").await.unwrap();
    store.upsert_user("admin", "管理员", "admin123", Role::Admin, ScopeKind::All, "").await.unwrap();
    let app = App { router: router(store.clone()), _dir: dir };
    let admin = login(&app, "admin", "admin123").await;
    let (_, figs) = call(&app, "GET", "/api/indicators?year=2024&level=county&codes=pre_ger", Some(&admin), None).await;
    let fig = figs["items"].as_array().unwrap().iter().find(|f| f["code"] == "pre_ger").unwrap().clone();
    let (county, ger) = (fig["scope"].as_str().unwrap().to_string(), fig["value"].as_f64().unwrap());
    let row = |row, indicator: &str, base: f64, target: f64, kind: &str| TargetRow { row, indicator: indicator.into(), scope: String::new(), base_year: Some(2020), base_value: Some(base), target_year: 2025, target_value: target, cmp: Cmp::Ge, unit: "%".into(), kind: kind.into(), source: String::new() };
    // base 2020 → target 2025, so 2024 expects base + 4/5 (target − base)
    // (1) base ger − 10, target ger + 1: expects ger − 10 + 0.8 × 11 = ger − 1.2 → 按进度
    // (2) base ger − 1, target ger + 4 (约束性): expects ger − 1 + 4 = ger + 3 → 预警
    // (3) target ger − 1: already met
    // (4) a count only a person can give: 省级示范园 3 所, entered by hand
    let book = PlanBook {
        targets: vec![
            row(2, "pre_ger", ger - 10.0, ger + 1.0, "预期性"),
            row(3, "pre_ger", ger - 1.0, ger + 4.0, "约束性"),
            row(4, "pre_ger", ger - 5.0, ger - 1.0, "预期性"),
            TargetRow { row: 5, indicator: "省级示范园".into(), scope: String::new(), base_year: None, base_value: None, target_year: 2025, target_value: 3.0, cmp: Cmp::Ge, unit: "所".into(), kind: "预期性".into(), source: String::new() },
        ],
        ..Default::default()
    };
    let meta = eduplan_store::PlanMeta { name: "十四五".into(), issuer: String::new(), region: county.clone(), period: Some((2021, 2025)), draft: false };
    let p = store.import_plan(&meta, &book, None, "t").await.unwrap();
    let (s, v) = call(&app, "POST", &format!("/api/plans/{}/actuals", p.id), Some(&admin), Some(json!({"indicator": "省级示范园", "year": 2024, "value": 2, "note": ""}))).await;
    assert_eq!(s, StatusCode::CONFLICT, "evidence required: {v}");
    let (s, _) = call(&app, "POST", &format!("/api/plans/{}/actuals", p.id), Some(&admin), Some(json!({"indicator": "省级示范园", "year": 2024, "value": 2, "note": "省教育厅认定文件"}))).await;
    assert_eq!(s, StatusCode::OK);
    let (s, st) = call(&app, "GET", &format!("/api/plans/{}/status?year=2024&history=true", p.id), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{st}");
    let t = st["targets"].as_array().unwrap();
    let r2 = |x: f64| (x * 100.0).round() / 100.0;
    assert_eq!(t[0]["actual"].as_f64(), Some(r2(ger)), "the actual is the county's computed indicator");
    assert_eq!(t[0]["expected"].as_f64(), Some(r2(ger - 10.0 + 0.8 * 11.0)));
    assert_eq!(t[0]["status"], "按进度");
    assert_eq!(t[1]["status"], "预警");
    assert_eq!(t[2]["status"], "已达成");
    assert_eq!((t[3]["actual"].as_f64(), t[3]["actual_source"].as_str(), t[3]["status"].as_str()), (Some(2.0), Some("manual"), Some("滞后")));
    assert!(t[3]["actual_note"].as_str().unwrap().starts_with("省教育厅认定文件"), "the evidence travels with the value");
    assert_eq!(t[0]["history"].as_array().unwrap().iter().map(|h| h["year"].as_i64().unwrap()).collect::<Vec<_>>(), [2023, 2024]);
    for k in ["target", "metric", "indicator", "baseline", "target_value", "target_year", "cmp", "actual", "expected", "status"] {
        assert!(t[0].get(k).is_some(), "field {k}");
    }
    assert_eq!(st["counts"], json!({"on_track": 1, "at_risk": 1, "met": 1, "behind": 1}));
    let (s, docx) = raw(&app, "GET", "/api/plans/report?year=2024", &admin, None, vec![]).await;
    assert_eq!(s, StatusCode::OK);
    let text = docx_text(&docx);
    assert!(text.contains("2024年度规划实施监测报告") && text.contains("预警 1 项"), "the monitoring report");
    let (s, pdf) = raw(&app, "GET", "/api/plans/report?year=2024&format=pdf", &admin, None, vec![]).await;
    assert_eq!(s, StatusCode::OK);
    let text = pdf_text(&pdf);
    assert!(text.contains("2024年度规划实施监测报告") && text.contains("预警1项"), "the monitoring report as PDF: {text}");
    let (s, _) = raw(&app, "GET", "/api/plans/report?year=2024&format=odt", &admin, None, vec![]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "an unknown format is refused");
}

#[tokio::test]
async fn a_draft_from_the_plan_text_is_reviewed_then_published() {
    let app = app().await;
    let admin = login(&app, "admin", "admin123").await;
    let boundary = "RB";
    // our own wording: three targets
    let text = "到2027年，学前三年毛入园率达到95%以上，新建公办幼儿园6所，新增学位2160个。";
    let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n学前行动计划\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"period_start\"\r\n\r\n2021\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"period_end\"\r\n\r\n2027\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"计划.txt\"\r\n\r\n{text}\r\n--{boundary}--\r\n");
    let (s, v) = raw(&app, "POST", "/api/plans", &admin, Some(&format!("multipart/form-data; boundary={boundary}")), body.into_bytes()).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&v));
    let plan: Value = serde_json::from_slice(&v).unwrap();
    assert_eq!((plan["draft"].as_bool(), plan["targets"].as_i64(), plan["doc_name"].as_str()), (Some(true), Some(3), Some("计划.txt")));
    let id = plan["id"].as_i64().unwrap();
    let (_, p) = call(&app, "GET", &format!("/api/plans/{id}"), Some(&admin), None).await;
    let rows: Vec<(u64, String)> = p["targets"].as_array().unwrap().iter().map(|t| (t["row"].as_u64().unwrap(), t["indicator"].as_str().unwrap().to_string())).collect();
    let ger = rows.iter().find(|r| r.1 == "pre_ger").unwrap().0;
    let other: Vec<u64> = rows.iter().filter(|r| r.1 != "pre_ger").map(|r| r.0).collect();
    let rv = |row: u64, body: Value| (format!("/api/plans/{id}/targets/{row}/review"), body);
    let (u, b) = rv(ger, json!({"decision": "edit", "target_value": 96, "kind": "约束性"}));
    assert_eq!(call(&app, "POST", &u, Some(&admin), Some(b)).await.0, StatusCode::OK);
    let (u, b) = rv(other[0], json!({"decision": "reject"}));
    assert_eq!(call(&app, "POST", &u, Some(&admin), Some(b)).await.0, StatusCode::OK);
    let (u, b) = rv(other[1], json!({"decision": "maybe"}));
    assert_eq!(call(&app, "POST", &u, Some(&admin), Some(b)).await.0, StatusCode::BAD_REQUEST);
    let (_, p) = call(&app, "GET", &format!("/api/plans/{id}"), Some(&admin), None).await;
    let t = p["targets"].as_array().unwrap().iter().find(|t| t["indicator"] == "pre_ger").unwrap();
    assert_eq!((t["target_value"].as_f64(), t["review"].as_str()), (Some(96.0), Some("edited")));
    let (s, v) = call(&app, "POST", &format!("/api/plans/{id}/publish"), Some(&admin), None).await;
    assert_eq!((s, v["draft"].as_bool(), v["status"].as_str()), (StatusCode::OK, Some(false), Some("published")));
    // published: no more edits, and the rejected one is not tracked
    let (u, b) = rv(ger, json!({"decision": "accept"}));
    assert_eq!(call(&app, "POST", &u, Some(&admin), Some(b)).await.0, StatusCode::CONFLICT);
    let (_, st) = call(&app, "GET", &format!("/api/plans/{id}/status?year=2024&history=true"), Some(&admin), None).await;
    assert_eq!(st["targets"].as_array().unwrap().len(), 2);
    // no baselines in the text: the history runs from the plan period's start (2021), over the stored years
    let years: Vec<i64> = st["targets"][0]["history"].as_array().unwrap().iter().map(|h| h["year"].as_i64().unwrap()).collect();
    assert_eq!(years, [2023, 2024]);
    let audit = call(&app, "GET", "/api/audit", Some(&admin), None).await.1;
    assert!(audit.to_string().contains("plan.target.edited"), "the extracted target stays in the audit log");
}

#[tokio::test]
async fn the_class_size_trend_agrees_with_the_engine() {
    let app = app().await;
    let admin = login(&app, "admin", "admin123").await;
    let (s, a) = call(&app, "GET", "/api/assess/class-size?year=2024", Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let trend = a["trend"].as_array().unwrap();
    assert_eq!(trend.iter().map(|t| t["year"].as_i64().unwrap()).collect::<Vec<_>>(), [2023, 2024]);
    let last = &trend[1]["levels"];
    for stage in ["全部", "小学", "初中"] {
        assert_eq!(last[stage]["big"].as_f64(), a["levels"][stage]["big"].as_f64().or(Some(0.0)), "{stage}: the trend's last year is the engine's big_class_count");
        assert_eq!(last[stage]["classes"].as_f64(), a["levels"][stage]["classes"].as_f64(), "{stage}");
    }
    assert!(last["全部"]["huge"].as_u64().unwrap() <= last["全部"]["big"].as_u64().unwrap());
}
