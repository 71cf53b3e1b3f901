//! The store against both backends: SQLite always, PostgreSQL when EDUPLAN_TEST_PG names a
//! server (scripts/test.sh starts one; EDUPLAN_REQUIRE_PG=1 makes its absence a failure).

use eduplan_core::data::{Dataset, RowBuilder, Value};
use eduplan_core::diff::first_difference;
use eduplan_core::import::{needed_years, plan_import, ImportPlan};
use eduplan_core::schema::SheetKind;
use eduplan_ingest::{read_bytes, ReadOptions};
use eduplan_store::{Role, ScopeKind, Store};

struct Backend {
    name: &'static str,
    store: Store,
    _dir: Option<tempfile::TempDir>,
}

async fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut v = vec![Backend { name: "sqlite", store: Store::open(path.to_str().unwrap()).await.unwrap(), _dir: Some(dir) }];
    match std::env::var("EDUPLAN_TEST_PG") {
        Ok(url) => {
            // a fresh database per test, so tests run in parallel without sharing state
            // the server's own database only creates test databases: not migrated, so a store of
            // another version (another checkout on the same server) never trips over it
            sqlx::any::install_default_drivers();
            let admin = sqlx::AnyPool::connect(&url).await.expect("connect to EDUPLAN_TEST_PG");
            let name = database_name();
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
            let base = url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
            v.push(Backend { name: "postgres", store: Store::open(&format!("{base}/{name}")).await.unwrap(), _dir: None });
        }
        Err(_) => {
            assert!(std::env::var("EDUPLAN_REQUIRE_PG").is_err(), "EDUPLAN_REQUIRE_PG is set but EDUPLAN_TEST_PG is not");
            eprintln!("note: EDUPLAN_TEST_PG not set; PostgreSQL tests skipped");
        }
    }
    v
}

/// A database name no other test shares: this process, the test's turn in it, and the clock —
/// each in its own field, so two tests can never add up to the same name (they once did: a
/// counter plus the clock's nanoseconds modulo 997 collided in CI).
fn database_name() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let turn = N.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("eduplan_test_{}_{turn}_{nanos}", std::process::id())
}

async fn check(store: &Store, ds: Dataset, issues: Vec<eduplan_core::issue::Issue>) -> ImportPlan {
    let years = store.years().await.unwrap();
    let stored = store.stored(&needed_years(&ds, &years)).await.unwrap();
    plan_import(ds, issues, &stored)
}

fn demo(years: (i32, i32)) -> Dataset {
    eduplan_synth::generate(&eduplan_synth::Options { counties: 1, seed: 3, years })
}

#[tokio::test]
async fn import_export_import_gives_identical_data() {
    for b in backends().await {
        let ds = demo((2023, 2024));
        // through a real workbook, as a user would
        let bytes = eduplan_ingest::xlsx_bytes(&eduplan_ingest::write::combine_dataset(&ds)).unwrap();
        let read = read_bytes("county.xlsx", &bytes, ReadOptions::default());
        let plan = check(&b.store, read.dataset, read.issues).await;
        assert!(plan.ok(), "{}: {:?}", b.name, plan.errors().next());
        let written = b.store.apply(&plan, "test", "county.xlsx").await.unwrap();
        assert_eq!(written.iter().map(|v| (v.year, v.version)).collect::<Vec<_>>(), vec![(2023, 1), (2024, 1)]);

        let stored = b.store.load_year(2024).await.unwrap().unwrap();
        let mut expected = plan.years[1].data.clone();
        expected.sort();
        assert_eq!(first_difference(&stored, &expected), None, "{}: stored differs from the import", b.name);

        // export 2024, import the export: nothing changes, and the data are identical
        let export = eduplan_ingest::xlsx_bytes(&eduplan_ingest::write::combine_years(std::slice::from_ref(&stored))).unwrap();
        let read = read_bytes("export.xlsx", &export, ReadOptions::default());
        assert!(read.issues.iter().all(|i| !i.is_error()), "{:?}", read.issues.first());
        let plan2 = check(&b.store, read.dataset, read.issues).await;
        assert!(plan2.ok());
        assert_eq!(plan2.years.len(), 1);
        assert!(plan2.years[0].diff.is_empty(), "{}: re-importing the export changes something: {:?}", b.name, plan2.years[0].diff.schools_changed.first());
        assert_eq!(first_difference(&plan2.years[0].data, &stored), None);
    }
}

#[tokio::test]
async fn reimport_creates_a_version_and_keeps_the_old_one() {
    for b in backends().await {
        let ds = demo((2024, 2024));
        let plan = check(&b.store, ds, vec![]).await;
        b.store.apply(&plan, "test", "first").await.unwrap();
        let v1 = b.store.load_year(2024).await.unwrap().unwrap();
        let cond = v1.table(SheetKind::Conditions);
        let row = &cond.rows[0];
        let school = cond.get(row, "school_id").display();
        let old_sport = cond.get(row, "area_sport").as_f64().unwrap();
        let others = cond.rows.len();

        // a one-sheet upload for one school replaces that school's row only
        let mut up = Dataset::default();
        up.table_mut(SheetKind::Conditions).rows.push(
            RowBuilder::new(SheetKind::Conditions).set("year", 2024).set("school_id", school.as_str()).set("area_sport", old_sport + 1000.0).build(),
        );
        let plan = check(&b.store, up, vec![]).await;
        assert!(plan.ok());
        let d = &plan.years[0].diff;
        assert_eq!(d.schools_changed.len(), 1, "{}", b.name);
        assert!(d.schools_changed[0].changes.iter().any(|c| c.field == "办学条件.体育运动场馆面积"));
        let w = b.store.apply(&plan, "test", "fix.csv").await.unwrap();
        assert_eq!(w[0].version, 2);

        let v2 = b.store.load_year(2024).await.unwrap().unwrap();
        let c2 = v2.table(SheetKind::Conditions);
        assert_eq!(c2.rows.len(), others, "other schools' conditions are carried over");
        let r2 = c2.rows.iter().find(|r| c2.get(r, "school_id").display() == school).unwrap();
        assert_eq!(c2.get(r2, "area_sport").as_f64(), Some(old_sport + 1000.0));
        assert_eq!(c2.get(r2, "area_teaching"), &Value::Null, "the upload's empty cells replace the row");

        // version 1 is still readable as it was
        let versions = b.store.versions().await.unwrap();
        let old = versions.iter().find(|v| v.year == 2024 && v.version == 1).unwrap();
        assert!(!old.current);
        let back = b.store.load_version(old.id).await.unwrap();
        assert_eq!(first_difference(&back, &v1), None);
        let log = b.store.audit_log(10).await.unwrap();
        assert!(log.iter().any(|(_, actor, action, entity, _)| actor == "test" && action == "import" && entity == "fix.csv"));
    }
}

#[tokio::test]
async fn a_failed_import_leaves_the_store_unchanged() {
    for b in backends().await {
        let plan = check(&b.store, demo((2024, 2024)), vec![]).await;
        b.store.apply(&plan, "test", "first").await.unwrap();
        let before = b.store.load_year(2024).await.unwrap().unwrap();
        let versions = b.store.versions().await.unwrap();

        // an upload with a class-size mismatch is refused as a whole
        let mut bad = Dataset::default();
        let cl = before.table(SheetKind::Classes);
        let mut row = cl.rows[0].clone();
        let i = SheetKind::Classes.col_index("size").unwrap();
        row.cells[i] = Value::Int(cl.get(&cl.rows[0], "size").as_i64().unwrap() + 3);
        row.source = Some(2);
        bad.table_mut(SheetKind::Classes).rows.push(row);
        let plan = check(&b.store, bad, vec![]).await;
        assert!(!plan.ok());
        assert!(b.store.apply(&plan, "test", "bad").await.is_err());

        // a plan checked against a version that has since been superseded is refused too
        let mut up = Dataset::default();
        up.table_mut(SheetKind::Conditions).rows.push(before.table(SheetKind::Conditions).rows[0].clone());
        let stale = check(&b.store, up.clone(), vec![]).await;
        let fresh = check(&b.store, up, vec![]).await;
        b.store.apply(&fresh, "test", "fresh").await.unwrap();
        let after_fresh = b.store.versions().await.unwrap();
        assert!(b.store.apply(&stale, "test", "stale").await.is_err(), "{}", b.name);
        assert_eq!(b.store.versions().await.unwrap(), after_fresh);
        assert_eq!(after_fresh.len(), versions.len() + 1);
    }
}

#[tokio::test]
async fn users_log_in_and_sessions_know_them() {
    for b in backends().await {
        let u = b.store.upsert_user("zhang", "张老师", "secret1", Role::School, ScopeKind::School, "3607210001").await.unwrap();
        assert_eq!(u.role, Role::School);
        assert!(b.store.login("zhang", "wrong").await.unwrap().is_none());
        assert!(b.store.login("nobody", "secret1").await.unwrap().is_none());
        let (token, user) = b.store.login("zhang", "secret1").await.unwrap().unwrap();
        assert_eq!(user.scope, "3607210001");
        assert_eq!(b.store.session_user(&token).await.unwrap().unwrap().username, "zhang");
        b.store.logout(&token).await.unwrap();
        assert!(b.store.session_user(&token).await.unwrap().is_none());
        assert!(b.store.upsert_user("x", "x", "short", Role::Admin, ScopeKind::All, "").await.is_err());
    }
}

#[tokio::test]
async fn custom_indicators_are_saved_audited_and_deleted_with_their_formulas_kept() {
    for b in backends().await {
        let c = eduplan_store::CustomIndicator {
            code: "jun_migrant_share".into(),
            name: "初中随迁子女占比".into(),
            name_en: "Migrant share".into(),
            unit: "%".into(),
            scale: 100.0,
            numerator: "students.migrant[level=初中]".into(),
            denominator: "students[level=初中]".into(),
            created_by: String::new(),
            created_at: String::new(),
        };
        let saved = b.store.add_custom_indicator(&c, "admin").await.unwrap();
        assert_eq!(saved.created_by, "admin", "{}", b.name);
        let all = b.store.custom_indicators().await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].numerator, c.numerator, "{}", b.name);
        assert_eq!(all[0].scale, 100.0);
        assert!(b.store.add_custom_indicator(&c, "admin").await.is_err(), "{}: a taken code is refused", b.name);
        assert!(b.store.delete_custom_indicator("jun_migrant_share", "planner1").await.unwrap());
        assert!(!b.store.delete_custom_indicator("jun_migrant_share", "planner1").await.unwrap());
        assert!(b.store.custom_indicators().await.unwrap().is_empty());
        let log = b.store.audit_log(10).await.unwrap();
        let del = log.iter().find(|r| r.2 == "indicator.delete").expect("deletion audited");
        assert_eq!(del.1, "planner1");
        assert!(del.4.contains("students.migrant[level=初中]"), "{}: the deleted formula stays in the log", b.name);
        assert!(log.iter().any(|r| r.2 == "indicator.define"));
    }
}

fn new_finding(key: &str, school: &str, deadline: &str) -> eduplan_store::NewFinding {
    eduplan_store::NewFinding {
        source_key: key.into(),
        method: "balance-quality".into(),
        year: 2023,
        code: "resources".into(),
        level: "小学".into(),
        school_id: school.into(),
        region: "360721001".into(),
        problem: format!("{school} 资源配置未达标"),
        requirement: "Q7 +3 间网络多媒体教室".into(),
        severity: eduplan_core::finding::Severity::Major,
        responsible: format!("{school} 学校"),
        deadline: deadline.into(),
    }
}

#[tokio::test]
async fn findings_follow_the_workflow_and_keep_their_whole_history() {
    use eduplan_core::finding::{Action, Actor, Escalation, FindingState};
    use eduplan_store::{FindingFilter, StoreError};
    for b in backends().await {
        let s = &b.store;
        let (ids, skipped) = s.create_findings(&[new_finding("k:A", "A", "2024-06-30"), new_finding("k:B", "B", "2099-12-31")], "dudao").await.unwrap();
        assert_eq!((ids.len(), skipped), (2, 0), "{}", b.name);
        // the same problems again: nothing new while their findings are open
        let (again, skipped) = s.create_findings(&[new_finding("k:A", "A", "2024-06-30")], "dudao").await.unwrap();
        assert_eq!((again.len(), skipped), (0, 1), "{}", b.name);
        // a bad deadline refuses the whole batch
        assert!(s.create_findings(&[new_finding("k:C", "C", "2024-02-30")], "dudao").await.is_err());
        assert_eq!(s.findings(&FindingFilter::default()).await.unwrap().len(), 2, "{}", b.name);

        let a = ids[0];
        // overdue from dates: A's deadline has passed, B's has not
        let all = s.findings(&FindingFilter::default()).await.unwrap();
        let fa = all.iter().find(|f| f.id == a).unwrap();
        assert!(fa.overdue("2024-07-01") && !fa.overdue("2024-06-30"), "{}", b.name);
        assert!(!all.iter().find(|f| f.id == ids[1]).unwrap().overdue("2026-01-01"));

        // an illegal step changes nothing
        let e = s.act_on_finding(a, Action::Close, Actor::Supervisor, "dudao", "").await.unwrap_err();
        assert!(matches!(e, StoreError::Refused(ref w) if !w.forbidden), "{}: {e}", b.name);
        assert_eq!(s.finding(a).await.unwrap().state, FindingState::Open);
        // a school may start and submit, never close
        s.act_on_finding(a, Action::Start, Actor::School, "school", "").await.unwrap();
        assert!(s.act_on_finding(a, Action::Submit, Actor::School, "school", " ").await.is_err(), "submit needs a text");
        let f = s.act_on_finding(a, Action::Submit, Actor::School, "school", "新增 3 间多媒体教室").await.unwrap();
        assert_eq!(f.state, FindingState::PendingReview);
        assert!(!f.overdue("2030-01-01"), "handed in: not overdue however late");
        let e = s.act_on_finding(a, Action::Close, Actor::School, "school", "").await.unwrap_err();
        assert!(matches!(e, StoreError::Refused(ref w) if w.forbidden), "{}", b.name);
        s.act_on_finding(a, Action::Reject, Actor::Supervisor, "dudao", "只完成 2 间").await.unwrap();
        s.escalate_finding(a, Escalation::Notice, Actor::Supervisor, "dudao", "").await.unwrap();
        // the strongest escalation stays
        let f = s.escalate_finding(a, Escalation::Interview, Actor::Supervisor, "dudao", "约谈校长").await.unwrap();
        assert_eq!(f.escalation, Some(Escalation::Notice));
        assert!(s.escalate_finding(a, Escalation::Notice, Actor::School, "school", "").await.is_err());
        let f = s.set_finding_deadline(a, "2025-03-31", Actor::Supervisor, "dudao", "施工周期").await.unwrap();
        assert_eq!(f.new.deadline, "2025-03-31");
        assert!(s.set_finding_deadline(a, "2025-03-31", Actor::School, "school", "").await.is_err());
        s.comment_finding(a, Actor::School, "school", "设备已到货").await.unwrap();
        let att = s.attach_to_finding(a, "验收单.pdf", "application/pdf", b"%PDF-1.4 demo", Actor::School, "school").await.unwrap();
        let (meta, bytes) = s.finding_attachment(a, att.id).await.unwrap();
        assert_eq!((meta.name.as_str(), bytes.as_slice()), ("验收单.pdf", b"%PDF-1.4 demo".as_slice()), "{}", b.name);
        assert!(s.finding_attachment(ids[1], att.id).await.is_err(), "an attachment belongs to its finding");
        s.record_finding_check(a, 2024, true, "dudao").await.unwrap();
        s.act_on_finding(a, Action::Submit, Actor::School, "school", "补齐").await.unwrap();
        let f = s.act_on_finding(a, Action::Close, Actor::Supervisor, "dudao", "").await.unwrap();
        assert_eq!((f.state, f.check), (FindingState::Closed, Some((2024, true))));

        let kinds: Vec<String> = s.finding_events(a).await.unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, ["create", "start", "submit", "reject", "escalate", "escalate", "deadline", "comment", "attach", "check", "submit", "close"], "{}", b.name);
        let audit = s.audit_log(100).await.unwrap();
        assert!(audit.iter().any(|r| r.2 == "finding.reject" && r.1 == "dudao" && r.4.contains("待复查 → 整改中")), "{}", b.name);
        // closed: the same problem may be found again
        let (again, _) = s.create_findings(&[new_finding("k:A", "A", "2025-06-30")], "dudao").await.unwrap();
        assert_eq!(again.len(), 1, "{}", b.name);
        let by_state = s.findings(&FindingFilter { state: Some(FindingState::Closed), ..Default::default() }).await.unwrap();
        assert_eq!(by_state.iter().map(|f| f.id).collect::<Vec<_>>(), [a]);
        let by_school = s.findings(&FindingFilter { school_id: Some("B".into()), year: Some(2023), ..Default::default() }).await.unwrap();
        assert_eq!(by_school.len(), 1);
    }
}

#[tokio::test]
async fn on_site_results_keep_their_history_and_evidence() {
    for b in backends().await {
        let s = &b.store;
        assert!(s.record_evidence("balance-quality", 2024, "360721", "S1", false, " ", None, "dudao").await.is_err(), "a failure needs a note");
        let first = s.record_evidence("balance-quality", 2024, "360721", "S1", false, "满意度 81%", None, "dudao").await.unwrap();
        let pdf: &[u8] = b"%PDF-1.4 survey";
        let second = s.record_evidence("balance-quality", 2024, "360721", "S1", true, "复测 88%", Some(("问卷.pdf", "application/pdf", pdf)), "dudao").await.unwrap();
        s.record_evidence("balance-quality", 2024, "360721", "G9", true, "", None, "dudao").await.unwrap();
        s.record_evidence("balance-quality", 2023, "360721", "G10", true, "", None, "dudao").await.unwrap();
        let now = s.evidence("balance-quality", 2024, "360721").await.unwrap();
        let codes: Vec<(&str, bool)> = now.iter().map(|e| (e.code.as_str(), e.passed)).collect();
        assert_eq!(codes, [("S1", true), ("G9", true)], "{}: the latest per item, this year only", b.name);
        let hist = s.evidence_history("balance-quality", 2024, "360721", "S1").await.unwrap();
        assert_eq!(hist.iter().map(|e| e.id).collect::<Vec<_>>(), [first.id, second.id], "{}: nothing is overwritten", b.name);
        let (e, bytes) = s.evidence_file(second.id).await.unwrap();
        assert_eq!((e.file_name.as_str(), bytes.as_slice()), ("问卷.pdf", pdf), "{}", b.name);
        assert!(s.evidence_file(first.id).await.is_err(), "no file recorded");
        assert!(s.audit_log(20).await.unwrap().iter().any(|r| r.2 == "assess.evidence" && r.4.contains("问卷.pdf")));
    }
}

#[tokio::test]
async fn plans_are_versioned_by_name_with_their_content() {
    use eduplan_core::plan::{Cmp, FundEntry, PlanBook, Project, TargetRow};
    use eduplan_store::PlanMeta;
    let book = PlanBook {
        targets: vec![TargetRow { row: 2, indicator: "pre_ger".into(), scope: "360721".into(), base_year: None, base_value: None, target_year: 2025, target_value: 93.0, cmp: Cmp::Ge, unit: "%".into(), kind: "约束性".into(), source: String::new() }],
        projects: vec![Project { row: 2, id: "XM01".into(), name: "城东幼儿园".into(), kind: "新建".into(), school_id: String::new(), new_places: 360, investment: 2400.0, start_year: 2023, end_year: 2024, status: "在建".into() }],
        funds: vec![FundEntry { row: 2, project: "XM01".into(), date: "2024-03-15".into(), released: 800.0, spent: 120.5 }],
    };
    for b in backends().await {
        let s = &b.store;
        let meta = PlanMeta { name: "十四五规划".into(), issuer: "县政府".into(), region: "360721".into(), period: Some((2021, 2025)), draft: false };
        let v1 = s.import_plan(&meta, &book, Some(("规划.docx", b"PK-doc".as_slice())), "plan").await.unwrap();
        let mut book2 = book.clone();
        book2.funds[0].spent = 500.0;
        let v2 = s.import_plan(&meta, &book2, None, "plan").await.unwrap();
        assert_eq!((v1.version, v2.version, v2.counts), (1, 2, (1, 1, 1)), "{}", b.name);
        let all = s.plans().await.unwrap();
        assert_eq!(all.iter().map(|p| (p.version, p.current)).collect::<Vec<_>>(), [(2, true), (1, false)], "{}", b.name);
        assert_eq!(s.plan_book(v1.id).await.unwrap(), book, "{}: the first version stays as it was", b.name);
        assert_eq!(s.plan_book(v2.id).await.unwrap().funds[0].spent, 500.0);
        assert_eq!((v1.doc_name.as_str(), v1.meta.period), ("规划.docx", Some((2021, 2025))));
        assert!(s.import_plan(&PlanMeta::default(), &book, None, "plan").await.is_err(), "a plan needs a name");
    }
}

#[tokio::test]
async fn scenarios_are_saved_by_name_and_every_version_stays_in_the_log() {
    for b in backends().await {
        let s = &b.store;
        s.save_scenario("低生育", r#"{"births":{"mode":"change","change_pct":-5}}"#, "planner").await.unwrap();
        s.save_scenario("低生育", r#"{"births":{"mode":"change","change_pct":-8}}"#, "admin").await.unwrap();
        let all = s.scenarios().await.unwrap();
        assert_eq!(all.len(), 1, "{}: saving again replaces", b.name);
        assert!(all[0].params.contains("-8"));
        assert_eq!(all[0].updated_by, "admin");
        assert!(s.save_scenario(" ", "{}", "admin").await.is_err(), "{}: a blank name is refused", b.name);
        s.delete_scenario("低生育", "admin").await.unwrap();
        assert!(matches!(s.scenario("低生育").await, Err(eduplan_store::StoreError::NotFound(_))));
        assert!(matches!(s.delete_scenario("低生育", "admin").await, Err(eduplan_store::StoreError::NotFound(_))));
        let log = s.audit_log(20).await.unwrap();
        let acts: Vec<&str> = log.iter().filter(|r| r.3 == "scenario:低生育").map(|r| r.2.as_str()).collect();
        assert_eq!(acts.len(), 3, "{}: {acts:?}", b.name);
        assert!(log.iter().any(|r| r.2 == "scenario.create" && r.4.contains("-5")), "{}: the first version stays in the log", b.name);
    }
}

#[tokio::test]
async fn layout_points_are_saved_all_or_none_and_every_change_is_in_the_log() {
    use eduplan_core::layout::{LayoutPoint, PointKind};
    let site = |id: &str, cap: Option<f64>| LayoutPoint { county: "360721".into(), kind: PointKind::Site, id: id.into(), name: format!("地块{id}"), lon: 115.1, lat: 25.2, stage: Some("小学".into()), capacity: cap, cost: None, weight: None, note: String::new() };
    let village = LayoutPoint { kind: PointKind::Village, id: "V1".into(), name: "上村".into(), stage: None, capacity: None, weight: Some(820.0), ..site("x", None) };
    for b in backends().await {
        let s = &b.store;
        assert_eq!(s.save_layout_points(&[site("S1", Some(1080.0)), site("S2", None), village.clone()], false, "planner").await.unwrap(), (3, 0));
        let all = s.layout_points(Some("360721")).await.unwrap();
        assert_eq!(all.len(), 3, "{}", b.name);
        assert_eq!(all.iter().find(|p| p.id == "S1").unwrap(), &site("S1", Some(1080.0)), "{}: read back as saved", b.name);
        assert_eq!(all.iter().find(|p| p.id == "V1").unwrap().weight, Some(820.0));
        // a bad point refuses the whole batch: nothing changes
        let bad = LayoutPoint { lat: 95.0, ..site("S3", None) };
        assert!(s.save_layout_points(&[site("S1", Some(1.0)), bad], false, "planner").await.is_err());
        assert_eq!(s.layout_points(Some("360721")).await.unwrap().iter().find(|p| p.id == "S1").unwrap().capacity, Some(1080.0), "{}", b.name);
        // a file that is the whole new list of sites: S2 goes, S1 changes, the village stays
        assert_eq!(s.save_layout_points(&[site("S1", Some(900.0))], true, "admin").await.unwrap(), (1, 1), "{}", b.name);
        let all = s.layout_points(Some("360721")).await.unwrap();
        assert_eq!(all.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["S1", "V1"], "{}", b.name);
        s.delete_layout_point("360721", PointKind::Village, "V1", "admin").await.unwrap();
        assert!(matches!(s.delete_layout_point("360721", PointKind::Village, "V1", "admin").await, Err(eduplan_store::StoreError::NotFound(_))));
        assert!(s.layout_points(Some("999999")).await.unwrap().is_empty());
        let log = s.audit_log(50).await.unwrap();
        let acts: Vec<&str> = log.iter().filter(|r| r.3.starts_with("layout_point:360721/")).map(|r| r.2.as_str()).collect();
        assert_eq!(acts.iter().filter(|a| **a == "layout_point.create").count(), 3, "{}: {acts:?}", b.name);
        assert_eq!(acts.iter().filter(|a| **a == "layout_point.delete").count(), 2, "{}: {acts:?}", b.name);
        assert!(log.iter().any(|r| r.2 == "layout_point.create" && r.4.contains("1080")), "{}: the first version stays in the log", b.name);
    }
}
