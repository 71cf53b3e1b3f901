//! Projections over the store and the API: the base year agrees with the indicator engine,
//! scenarios are saved and checked, plan projects add places, targets are judged.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use eduplan_core::import::plan_import;
use eduplan_core::plan::{Cmp, PlanBook, Project, TargetRow};
use eduplan_server::projections::{self, Request as PRequest};
use eduplan_store::{PlanMeta, Role, ScopeKind, Store};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

async fn store(dir: &tempfile::TempDir) -> Store {
    let store = Store::open(dir.path().join("p.db").to_str().unwrap()).await.unwrap();
    let ds = eduplan_synth::generate(&eduplan_synth::Options { counties: 1, seed: 3, years: (2015, 2024) });
    let plan = plan_import(ds, vec![], &Default::default());
    assert!(plan.ok());
    store.apply(&plan, "test", "seed").await.unwrap();
    store.upsert_user("admin", "管理员", "admin123", Role::Admin, ScopeKind::All, "").await.unwrap();
    store.upsert_user("school", "学校", "school123", Role::School, ScopeKind::School, "3607210001").await.unwrap();
    store
}

fn target(row: u32, indicator: &str, year: i32, value: f64, cmp: Cmp) -> TargetRow {
    TargetRow { row, indicator: indicator.into(), scope: String::new(), base_year: None, base_value: None, target_year: year, target_value: value, cmp, unit: "%".into(), kind: "预期性".into(), source: format!("{indicator} {value}") }
}

async fn county(store: &Store) -> String {
    let y = store.load_year(2024).await.unwrap().unwrap();
    let t = y.table(eduplan_core::schema::SheetKind::Regions);
    t.rows.iter().map(|r| t.get(r, "code").display()).find(|c| c.len() == 6).unwrap()
}

#[tokio::test]
async fn the_base_year_is_what_the_engine_computes() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let county = county(&store).await;
    let a = projections::project(&store, &PRequest { to: Some(2030), ..Default::default() }).await.unwrap();
    assert_eq!(a.projection.base_year, 2024);
    let cat = eduplan_server::indicators::catalogue(&store, None).await.unwrap();
    let codes: Vec<String> = ["enrolled_count", "school_age_pop", "places", "place_gap", "big_class_count", "pre_ger", "sen_ger", "ce_retention"].iter().map(|s| s.to_string()).collect();
    let levels = eduplan_server::indicators::Levels { levels: vec![eduplan_engine::Level::Township, eduplan_engine::Level::County], upper_if_several_counties: false };
    let figs = eduplan_server::indicators::compute(&store, &cat, 2024, &levels, Some(&codes)).await.unwrap().figures;
    let fig = |code: &str, scope: &str, stage: &str| figs.iter().find(|f| f.code == code && f.scope == scope && f.stage == stage).and_then(|f| f.value).unwrap_or(0.0);
    let mut checked = 0;
    for r in a.projection.rows.iter().filter(|r| r.year == 2024 && r.level != "school") {
        // the engine's 高中 is 普高 only; the projection's is 普高 and 中职 together
        if r.stage == "高中" {
            continue;
        }
        assert_eq!(r.enrolled, fig("enrolled_count", &r.scope, r.stage), "{} {}", r.scope, r.stage);
        assert_eq!(r.school_age_pop, Some(fig("school_age_pop", &r.scope, r.stage)), "{} {}", r.scope, r.stage);
        assert_eq!(r.big_classes, fig("big_class_count", &r.scope, r.stage), "{} {}", r.scope, r.stage);
        assert!((r.places - fig("places", &r.scope, r.stage)).abs() <= 0.5, "{} {}: {} vs {}", r.scope, r.stage, r.places, fig("places", &r.scope, r.stage));
        assert!((r.place_gap - fig("place_gap", &r.scope, r.stage)).abs() <= 0.5, "{} {}", r.scope, r.stage);
        checked += 1;
    }
    assert!(checked > 40, "{checked}");
    // and the projected indicators of the base year are the engine's
    for (code, stage) in [("pre_ger", "学前"), ("sen_ger", "高中"), ("ce_retention", "初中")] {
        let v = eduplan_project::reach::projected_value(&a.inputs, &a.projection, code, &county, 2024).unwrap();
        assert!((v - fig(code, &county, stage)).abs() < 0.005, "{code}: {v} vs {}", fig(code, &county, stage));
    }
}

#[tokio::test]
async fn projects_add_places_and_targets_are_judged() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let county = county(&store).await;
    let a0 = projections::project(&store, &PRequest { to: Some(2030), ..Default::default() }).await.unwrap();
    let school = a0.inputs.schools.iter().find(|s| s.ty == "小学").unwrap().clone();
    let book = PlanBook {
        targets: vec![target(2, "pre_ger", 2028, 50.0, Cmp::Ge), target(3, "pre_ger", 2028, 150.0, Cmp::Ge), target(4, "tq_above_per100", 2028, 4.0, Cmp::Ge)],
        projects: vec![Project { row: 2, id: "XM1".into(), name: format!("{}扩建", school.name), kind: "改扩建".into(), school_id: school.id.clone(), new_places: 450, investment: 2000.0, start_year: 2025, end_year: 2027, status: String::new() }],
        funds: vec![],
    };
    let meta = PlanMeta { name: "十五五规划".into(), issuer: "县教育局".into(), region: county.clone(), period: Some((2026, 2030)), draft: false };
    store.import_plan(&meta, &book, None, "admin").await.unwrap();
    let a = projections::project(&store, &PRequest { to: Some(2030), ..Default::default() }).await.unwrap();
    let places = |a: &projections::Answer, y: i32| a.projection.row(&school.id, y, eduplan_project::Stage::Pri).unwrap().places;
    assert_eq!(places(&a, 2026), places(&a0, 2026), "not before it is finished");
    assert_eq!(places(&a, 2027), places(&a0, 2027) + 450.0, "the project's 450 places from 2027");
    let county_places = |a: &projections::Answer| a.projection.row(&county, 2027, eduplan_project::Stage::Pri).unwrap().places;
    assert_eq!(county_places(&a), county_places(&a0) + 450.0);
    let r = projections::reach_json(&store, &a).await.unwrap();
    let r = r.as_array().unwrap();
    assert_eq!(r.len(), 3);
    assert_eq!((r[0]["reached"].as_bool(), r[1]["reached"].as_bool(), r[2]["reached"].as_bool()), (Some(true), Some(false), None));
    assert_eq!(r[0]["indicator_name"], "学前三年毛入园率");
    assert_eq!(r[0]["scope"], county.as_str());
}

struct App {
    router: axum::Router,
    _dir: tempfile::TempDir,
}

async fn call(app: &App, method: &str, uri: &str, token: &str, body: Option<Value>) -> (StatusCode, Value, Vec<u8>) {
    let req = Request::builder().method(method).uri(uri).header("authorization", format!("Bearer {token}"));
    let req = match body {
        Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), bytes)
}

async fn login(app: &App, user: &str, pw: &str) -> String {
    let req = Request::builder().method("POST").uri("/api/auth/login").header("content-type", "application/json").body(Body::from(json!({"username": user, "password": pw}).to_string())).unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let v: Value = serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    v["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn scenarios_and_projections_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let county = county(&store).await;
    let app = App { router: eduplan_server::router(store), _dir: dir };
    let admin = login(&app, "admin", "admin123").await;

    let (s, list, _) = call(&app, "GET", "/api/scenarios", &admin, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!((list[0]["name"].as_str(), list[0]["builtin"].as_bool()), (Some("基准"), Some(true)));
    assert_eq!(list[0]["params"]["staff_ratio"]["小学"], 19.0);
    // a wrong field is refused and named; the baseline cannot be overwritten
    let (s, e, _) = call(&app, "PUT", "/api/scenarios/%E4%BD%8E%E7%94%9F%E8%82%B2", &admin, Some(json!({"births": {"mode": "change", "change_pct": -90}}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["field"], "births.change_pct", "{e}");
    let (s, _, _) = call(&app, "PUT", "/api/scenarios/%E5%9F%BA%E5%87%86", &admin, Some(json!({}))).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, saved, _) = call(&app, "PUT", "/api/scenarios/%E4%BD%8E%E7%94%9F%E8%82%B2", &admin, Some(json!({"description": "出生每年减少 10%", "births": {"mode": "change", "change_pct": -10}}))).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    assert_eq!(saved["params"]["births"]["change_pct"], -10.0);

    // the low-births scenario has fewer children in kindergarten by the horizon, the same pupils in the base year
    let get = |sc: &str| format!("/api/projections?scenario={sc}&to=2034&level=county");
    let (s, base, _) = call(&app, "GET", &get("%E5%9F%BA%E5%87%86"), &admin, None).await;
    assert_eq!(s, StatusCode::OK, "{base}");
    let (_, low, _) = call(&app, "GET", &get("%E4%BD%8E%E7%94%9F%E8%82%B2"), &admin, None).await;
    let pick = |v: &Value, y: i64, st: &str| v["rows"].as_array().unwrap().iter().find(|r| r["year"] == y && r["stage"] == st && r["scope"] == county.as_str()).unwrap()["enrolled"].as_f64().unwrap();
    assert_eq!(pick(&base, 2024, "学前"), pick(&low, 2024, "学前"));
    // children aged 3–5 in 2034 were born in 2029–2031: 0.9^5…0.9^7 (0.59…0.48) of the base births
    let ratio = pick(&low, 2034, "学前") / pick(&base, 2034, "学前");
    assert!((0.45..0.6).contains(&ratio), "{ratio}");
    assert_eq!(base["scenario"]["name"], "基准");
    assert_eq!(base["population"].as_array().unwrap().iter().filter(|p| p["level"] == "county").count(), 11, "2024–2034");
    assert!(base["rows"].as_array().unwrap().iter().all(|r| r["level"] == "county"));

    let (s, _, bytes) = call(&app, "GET", "/api/projections/xlsx?to=2030", &admin, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(&bytes[..2], b"PK");
    let (s, bt, _) = call(&app, "GET", "/api/projections/backtest?base=2020&to=2024", &admin, None).await;
    assert_eq!(s, StatusCode::OK, "{bt}");
    assert!(bt["rows"].as_array().unwrap().iter().any(|r| r["stage"] == "小学" && r["horizon"] == 4 && r["level"] == "county"));
    let (s, e, _) = call(&app, "GET", "/api/projections/backtest?base=2024&to=2024", &admin, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, _, _) = call(&app, "GET", "/api/projections?to=2090", &admin, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // a school's staff see no projections; deleting keeps the parameters in the audit log
    let school = login(&app, "school", "school123").await;
    let (s, _, _) = call(&app, "GET", "/api/projections", &school, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = call(&app, "DELETE", "/api/scenarios/%E4%BD%8E%E7%94%9F%E8%82%B2", &admin, None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, list, _) = call(&app, "GET", "/api/scenarios", &admin, None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (s, _, _) = call(&app, "GET", &get("%E4%BD%8E%E7%94%9F%E8%82%B2"), &admin, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_network_plan_gives_every_child_a_place_and_respects_exclusions() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let app = App { router: eduplan_server::router(store), _dir: dir };
    let admin = login(&app, "admin", "admin123").await;
    let (s, v, _) = call(&app, "GET", "/api/layout?year=2029", &admin, None).await;
    assert_eq!(s, StatusCode::OK, "{}", v["error"]);
    assert_eq!((v["stage"].as_str(), v["year"].as_i64(), v["base_year"].as_i64()), (Some("小学"), Some(2029), Some(2024)));
    let sites = v["sites"].as_array().unwrap();
    let new: Vec<&Value> = sites.iter().filter(|x| x["status"] == "new").collect();
    assert_eq!(new.len() as u64, v["params"]["add"].as_u64().unwrap());
    // the capacitated plan respects every open school's places
    for x in sites.iter().filter(|x| x["status"] == "kept" || x["status"] == "new") {
        assert!(x["load_after"].as_f64().unwrap() <= x["capacity"].as_f64().unwrap() + 0.5, "{x}");
    }
    assert_eq!(v["after"]["place_gap"], 0.0);
    assert!(v["before"]["place_gap"].as_f64().unwrap() >= v["after"]["place_gap"].as_f64().unwrap());
    // the children served add up to the county's projected pupils of 小学 in 2029
    let served: f64 = v["demand"].as_array().unwrap().iter().map(|d| d["children"].as_f64().unwrap()).sum();
    let (_, p, _) = call(&app, "GET", "/api/projections?to=2029&level=county", &admin, None).await;
    let enrolled = p["rows"].as_array().unwrap().iter().find(|r| r["year"] == 2029 && r["stage"] == "小学").unwrap()["enrolled"].as_f64().unwrap();
    assert!((served - enrolled).abs() / enrolled < 0.01, "{served} vs {enrolled}");
    // one zone per open school, each made of its demand points' cells
    let zones = v["zones"]["features"].as_array().unwrap();
    assert_eq!(zones.len(), sites.iter().filter(|x| x["status"] == "kept" || x["status"] == "new").count());
    // ruling out the recommended site gives a plan without it
    if let Some(first) = new.first() {
        let id = first["id"].as_str().unwrap();
        let (s, w, _) = call(&app, "GET", &format!("/api/layout?year=2029&exclude={id}"), &admin, None).await;
        assert_eq!(s, StatusCode::OK, "{}", w["error"]);
        assert!(w["sites"].as_array().unwrap().iter().all(|x| x["id"] != id || x["status"] != "new"));
    }
    // a scenario that gives only the 小学 class size keeps the standard 50 for 初中: a new junior
    // school of 24 classes has 1,200 places
    let (s, _, _) = call(&app, "PUT", "/api/scenarios/small", &admin, Some(json!({"class_size": {"小学": 40}}))).await;
    assert_eq!(s, StatusCode::OK);
    let (s, j, _) = call(&app, "GET", "/api/layout?stage=%E5%88%9D%E4%B8%AD&year=2026&scenario=small", &admin, None).await;
    assert_eq!(s, StatusCode::OK, "{}", j["error"]);
    assert_eq!(j["params"]["new_capacity"], 1200.0);
    let (s, e, _) = call(&app, "GET", "/api/layout?stage=大学", &admin, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    // no new school: the county's spare places elsewhere take the children, farther away
    let (s, e, _) = call(&app, "GET", "/api/layout?year=2029&add=0", &admin, None).await;
    assert_eq!(s, StatusCode::OK, "{}", e["error"]);
    assert_eq!(e["params"]["add"], 0);
    assert!(e["sites"].as_array().unwrap().iter().all(|x| x["status"] != "new"));
    // every answer says whether this server can prove plans with the MIP
    assert_eq!(e["exact_available"], cfg!(feature = "highs"));
    assert_eq!(e["solution"]["method"], "heuristic");
    // exact: seconds in (0, 600], named when not; refused by a server without HiGHS
    for bad in ["0", "-1", "700"] {
        let (s, x, _) = call(&app, "GET", &format!("/api/layout?year=2029&exact={bad}"), &admin, None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "exact={bad}");
        assert!(x["error"].to_string().contains("exact"), "{x}");
    }
    if !cfg!(feature = "highs") {
        let (s, x, _) = call(&app, "GET", "/api/layout?year=2029&exact=10", &admin, None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(x.to_string().contains("HiGHS"), "{x}");
    }
}

async fn import_points(app: &App, token: &str, name: &str, content: &str, kind: &str) -> (StatusCode, Value) {
    let b = "XB";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--{b}--\r\n"
    );
    let req = Request::builder()
        .method("POST")
        .uri("/api/layout/points/import")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", format!("multipart/form-data; boundary={b}"))
        .body(Body::from(body))
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_users_sites_villages_and_expansions_shape_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let county = county(&store).await;
    let app = App { router: eduplan_server::router(store), _dir: dir };
    let admin = login(&app, "admin", "admin123").await;
    let school = login(&app, "school", "school123").await;
    let (_, base, _) = call(&app, "GET", "/api/layout?year=2029", &admin, None).await;
    assert_eq!(base["params"]["candidates"], "grid");
    let grid_new = base["sites"].as_array().unwrap().iter().find(|x| x["status"] == "new").expect("the baseline opens a school").clone();
    // the bureau's own site where the grid put its school; an empty id gets S1
    let site = json!({"kind": "site", "name": "城东地块", "lon": grid_new["lon"], "lat": grid_new["lat"], "stage": "小学", "capacity": 1500});
    let (s, _, _) = call(&app, "POST", "/api/layout/points", &school, Some(site.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "school staff do not place sites");
    let (s, saved, _) = call(&app, "POST", "/api/layout/points", &admin, Some(site)).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    assert_eq!((saved["id"].as_str(), saved["county"].as_str()), (Some("S1"), Some(county.as_str())));
    let (s, e, _) = call(&app, "POST", "/api/layout/points", &admin, Some(json!({"kind": "site", "name": "x", "lon": 500, "lat": 25}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(e["error"]["message_zh"].as_str().unwrap().contains("经度") && e["error"]["message_en"].as_str().unwrap().contains("longitude"), "{e}");
    let (_, v, _) = call(&app, "GET", "/api/layout?year=2029", &admin, None).await;
    assert_eq!(v["params"]["candidates"], "user", "{}", v["error"]);
    let new: Vec<&Value> = v["sites"].as_array().unwrap().iter().filter(|x| x["status"] == "new").collect();
    assert_eq!(new.len(), 1);
    assert_eq!((new[0]["id"].as_str(), new[0]["capacity"].as_f64()), (Some("S1"), Some(1500.0)));
    // both: the user's site and the grid's
    let (_, b, _) = call(&app, "GET", "/api/layout?year=2029&candidates=both", &admin, None).await;
    let ids: Vec<&str> = b["sites"].as_array().unwrap().iter().filter(|x| x["kind"] == "candidate").map(|x| x["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"S1") && ids.iter().any(|i| i.starts_with('C')), "{ids:?}");
    // villages where the baseline's first three demand points are; children shared 2 : 1 : 1
    let d = base["demand"].as_array().unwrap();
    let town = d[0]["township"].as_str().unwrap();
    let pts: Vec<&Value> = d.iter().filter(|x| x["township"] == town).take(3).collect();
    let csv = format!("名称,经度,纬度,人口\n甲村,{},{},200\n乙村,{},{},100\n丙村,{},{},100\n", pts[0]["lon"], pts[0]["lat"], pts[1]["lon"], pts[1]["lat"], pts[2]["lon"], pts[2]["lat"]);
    let (s, r) = import_points(&app, &admin, "村庄.csv", &csv, "village").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!((r["saved"].as_u64(), r["villages"].as_u64()), (Some(3), Some(3)));
    // a bad file: every error located, nothing stored
    let (s, e) = import_points(&app, &admin, "坏.csv", "名称,经度,纬度\n丁村,abc,25\n", "village").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let errs = e["error"]["errors"].as_array().unwrap_or_else(|| panic!("{e}"));
    assert!(e["error"]["message_zh"].as_str().unwrap().contains("第 2 行 经度「abc」应为数字"), "{e}");
    assert_eq!((errs[0]["row"].as_u64(), errs[0]["column"].as_str()), (Some(2), Some("经度")), "{e}");
    let (_, list, _) = call(&app, "GET", "/api/layout/points", &admin, None).await;
    assert_eq!(list["points"].as_array().unwrap().len(), 4, "one site, three villages");
    let (_, v, _) = call(&app, "GET", "/api/layout?year=2029", &admin, None).await;
    assert_eq!(v["params"]["villages"], 3);
    let of = |name: &str| v["demand"].as_array().unwrap().iter().filter(|x| x["name"] == name).map(|x| x["children"].as_f64().unwrap()).sum::<f64>();
    let all: f64 = v["demand"].as_array().unwrap().iter().filter(|x| x["township"] == town).map(|x| x["children"].as_f64().unwrap()).sum();
    assert!(all > 0.0 && (of("甲村") / all - 0.5).abs() < 0.01 && (of("乙村") / all - 0.25).abs() < 0.01, "{} {} {all}", of("甲村"), of("乙村"));
    assert!(v["demand"].as_array().unwrap().iter().filter(|x| x["township"] == town).all(|x| !x["name"].as_str().unwrap().is_empty()));
    // no new school, schools may expand by one class per grade (6 × 45 = 270 places) up to 3 times
    let (s, x, _) = call(&app, "GET", "/api/layout?year=2029&add=0&expand=3&candidates=grid&demand=grid", &admin, None).await;
    assert_eq!(s, StatusCode::OK, "{}", x["error"]);
    assert!(x["expanded"].as_u64().unwrap() >= 1, "{}", x["expanded"]);
    assert_eq!(x["after"]["place_gap"], 0.0);
    for site in x["sites"].as_array().unwrap().iter().filter(|s| s["status"] == "expanded") {
        let added = site["added_places"].as_f64().unwrap();
        assert!(added > 0.0 && added % 270.0 == 0.0 && added <= 810.0, "{site}");
        assert!(site["load_after"].as_f64().unwrap() <= site["capacity"].as_f64().unwrap() + 0.5);
        assert!(site["cost"].as_f64().unwrap() > 0.0);
    }
    assert_eq!(x["added_places"].as_f64().unwrap(), x["sites"].as_array().unwrap().iter().map(|s| s["added_places"].as_f64().unwrap()).sum::<f64>());
    // priced new places: free ones open more schools than dear ones, and the answer says so
    let (s, cheap, _) = call(&app, "GET", "/api/layout?year=2029&candidates=grid&demand=grid&add_km=0", &admin, None).await;
    assert_eq!(s, StatusCode::OK, "{}", cheap["error"]);
    let (_, dear, _) = call(&app, "GET", "/api/layout?year=2029&candidates=grid&demand=grid&add_km=50", &admin, None).await;
    let opened = |v: &Value| v["sites"].as_array().unwrap().iter().filter(|x| x["status"] == "new").count() as u64;
    assert_eq!((cheap["params"]["add"].as_u64(), dear["params"]["add"].as_u64()), (Some(opened(&cheap)), Some(opened(&dear))));
    assert!(opened(&cheap) > opened(&dear), "{} vs {}", opened(&cheap), opened(&dear));
    assert_eq!(cheap["after"]["place_gap"], 0.0);
    assert_eq!(dear["after"]["place_gap"], 0.0);
    assert_eq!(cheap["params"]["add_km"], 0.0);
    // an imposed limit nobody can keep is refused with the reason; roads need a road network
    let (s, e, _) = call(&app, "GET", "/api/layout?year=2029&enforce_max=true&max_km=0.3", &admin, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("0.3 公里"), "{e}");
    for bad in ["max_km=0", "add_km=-1", "expand_km=-2", "grid_km=-1", "expand_classes=0"] {
        let (s, e, _) = call(&app, "GET", &format!("/api/layout?year=2029&{bad}"), &admin, None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {e}");
        assert!(e["error"]["message_en"].as_str().unwrap().contains(bad.split('=').next().unwrap()), "{bad}: {e}");
    }
    let (s, e, _) = call(&app, "GET", "/api/layout?year=2029&roads=true", &admin, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(e.to_string().contains("--roads"), "{e}");
    let (s, _, _) = call(&app, "DELETE", "/api/layout/points/village/V9", &admin, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = call(&app, "DELETE", "/api/layout/points/site/S1", &admin, None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, list, _) = call(&app, "GET", "/api/layout/points", &admin, None).await;
    assert_eq!(list["points"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_regional_planner_plans_and_places_points_in_their_own_county_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("two.db").to_str().unwrap()).await.unwrap();
    let ds = eduplan_synth::generate(&eduplan_synth::Options { counties: 2, seed: 4, years: (2021, 2024) });
    let plan = plan_import(ds, vec![], &Default::default());
    assert!(plan.ok());
    store.apply(&plan, "test", "seed").await.unwrap();
    let y = store.load_year(2024).await.unwrap().unwrap();
    let t = y.table(eduplan_core::schema::SheetKind::Regions);
    let mut counties: Vec<String> = t.rows.iter().map(|r| t.get(r, "code").display()).filter(|c| c.len() == 6 && !c.ends_with("00")).collect();
    counties.sort();
    assert_eq!(counties.len(), 2, "{counties:?}");
    let (first, second) = (counties[0].clone(), counties[1].clone());
    store.upsert_user("planner2", "二县规划", "plan123", Role::Planner, ScopeKind::Region, &second).await.unwrap();
    store.upsert_user("admin", "管理员", "admin123", Role::Admin, ScopeKind::All, "").await.unwrap();
    let app = App { router: eduplan_server::router(store), _dir: dir };
    let planner = login(&app, "planner2", "plan123").await;
    let admin = login(&app, "admin", "admin123").await;
    // without a region they plan their county, not the data's first
    let (s, v, _) = call(&app, "GET", "/api/layout?year=2026", &planner, None).await;
    assert_eq!(s, StatusCode::OK, "{}", v["error"]);
    assert_eq!(v["region"].as_str(), Some(second.as_str()));
    let own: std::collections::HashSet<&str> = v["sites"].as_array().unwrap().iter().filter(|x| x["kind"] == "existing").map(|x| x["township"].as_str().unwrap()).collect();
    assert!(own.iter().all(|t| t.starts_with(&second)), "{own:?}");
    let (s, _, _) = call(&app, "GET", &format!("/api/layout?year=2026&region={first}"), &planner, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // their points go to their county; the admin's default is the data's first county
    let site = json!({"kind": "site", "name": "二县地块", "lon": 115.0, "lat": 27.0});
    let (s, p, _) = call(&app, "POST", "/api/layout/points", &planner, Some(site.clone())).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["county"].as_str(), Some(second.as_str()));
    let (s, _, _) = call(&app, "POST", "/api/layout/points", &planner, Some(json!({"county": first, "kind": "site", "name": "越权", "lon": 115.0, "lat": 27.0}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, l, _) = call(&app, "GET", "/api/layout/points", &admin, None).await;
    assert_eq!((l["region"].as_str(), l["points"].as_array().unwrap().len()), (Some(first.as_str()), 0));
    let (_, l, _) = call(&app, "GET", &format!("/api/layout/points?region={second}"), &admin, None).await;
    assert_eq!(l["points"].as_array().unwrap().len(), 1);
    let (s, _, _) = call(&app, "POST", "/api/layout/points", &admin, Some(json!({"county": "999999", "kind": "site", "name": "无此县", "lon": 115.0, "lat": 27.0}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a county not in the data");
}
