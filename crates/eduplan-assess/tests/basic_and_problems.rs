//! 基本均衡 (2012) on hand-made figures, and the problems an assessment becomes (with stable keys
//! so next year's assessment can say whether each is gone).

use eduplan_assess::problems::review;
use eduplan_assess::{balance_basic, balance_quality, catalogue, SchoolMeta, Standards};
use eduplan_core::finding::Severity;
use eduplan_engine::{Figure, Level};

fn fig(code: &str, id: &str, stage: &str, value: f64, num: f64) -> Figure {
    Figure {
        code: code.into(),
        name: code.into(),
        scope: id.into(),
        level: Level::School,
        year: 2024,
        stage: stage.into(),
        value: Some(value),
        unit: String::new(),
        numerator: Some(num),
        denominator: Some(1.0),
        reason: None,
    }
}

fn meta(id: &str) -> SchoolMeta {
    SchoolMeta { school_id: id.into(), name: format!("学校{id}"), school_type: "小学".into(), township: "360721001".into() }
}

const BASIC: [&str; 8] = ["area_teach_pp", "area_sport_pp", "equip_pp", "computers_per100", "books_pp", "teachers_per100", "tq_above_per100", "senior_title_per100"];

#[test]
fn the_composite_is_the_plain_mean_of_eight_weighted_cvs() {
    let std = Standards::builtin();
    assert_eq!(std.balance_basic.indicators, BASIC, "the eight indicators of the 2012 method");
    // two 小学 schools, 100 and 300 students.
    // Seven indicators equal at both schools (CV 0); area_teach_pp is 2 and 4:
    //   X̄ = (100·2 + 300·4)/400 = 3.5, S² = ¼·1.5² + ¾·0.5² = 0.75, CV = √0.75/3.5 = 0.247436
    //   composite = 0.247436 / 8 = 0.030929 ≤ 0.65
    let mut figs = vec![fig("enrolled_count", "A", "小学", 100.0, 100.0), fig("enrolled_count", "B", "小学", 300.0, 300.0)];
    for code in BASIC {
        let (a, b) = if code == "area_teach_pp" { (2.0, 4.0) } else { (5.0, 5.0) };
        figs.push(fig(code, "A", "小学", a, a * 100.0));
        figs.push(fig(code, "B", "小学", b, b * 300.0));
    }
    let schools = [meta("A"), meta("B")];
    let cat = catalogue(&std);
    let a = balance_basic(&std, 2024, "360721", &schools, &figs, &cat);
    let l = &a.levels["小学"];
    let cv = 0.75f64.sqrt() / 3.5;
    assert_eq!(l.cv["area_teach_pp"], Some(0.2474));
    assert_eq!(l.cv["books_pp"], Some(0.0));
    let b1 = a.items.iter().find(|i| i.code == "B1").unwrap();
    assert_eq!(b1.value, Some(((cv / 8.0) * 1e4).round() / 1e4), "the composite is the mean of the eight CVs");
    assert_eq!(b1.passed, Some(true));
    assert!(l.passed);
    // 初中 has no schools: it cannot pass, and says so
    let b2 = a.items.iter().find(|i| i.code == "B2").unwrap();
    assert_eq!(b2.passed, Some(false));
    assert!(b2.detail.contains("没有参评学校"), "{}", b2.detail);
    assert!(!a.passed);

    // a missing indicator leaves the composite uncomputed (never a mean of seven)
    let figs7: Vec<Figure> = figs.iter().filter(|f| f.code != "books_pp").cloned().collect();
    let a = balance_basic(&std, 2024, "360721", &schools, &figs7, &cat);
    let b1 = a.items.iter().find(|i| i.code == "B1").unwrap();
    assert_eq!(b1.value, None);
    assert!(b1.detail.contains("缺数据"), "{}", b1.detail);
}

#[test]
fn a_composite_over_the_limit_fails_and_names_the_indicators() {
    let std = Standards::builtin();
    // CV of every indicator with values 1 and 9 at equal weights: X̄ = 5, S = 4, CV = 0.8 > 0.65
    let mut figs = vec![fig("enrolled_count", "A", "小学", 100.0, 100.0), fig("enrolled_count", "B", "小学", 100.0, 100.0)];
    for code in BASIC {
        figs.push(fig(code, "A", "小学", 1.0, 100.0));
        figs.push(fig(code, "B", "小学", 9.0, 900.0));
    }
    let a = balance_basic(&std, 2024, "360721", &[meta("A"), meta("B")], &figs, &catalogue(&std));
    let b1 = a.items.iter().find(|i| i.code == "B1").unwrap();
    assert_eq!(b1.value, Some(0.8));
    assert_eq!(b1.passed, Some(false));
    assert!(a.levels["小学"].cv_explain.contains_key("books_pp"));
    let r = review(&serde_json::to_value(&a).unwrap(), &[meta("A"), meta("B")], &std);
    assert!(r.problems.iter().any(|p| p.key == "balance-basic:item:B1"), "{:?}", r.problems);
}

/// Q1–Q7 of 小学 at threshold × factor (thresholds 4.2, 1.0, 0.9, 4.5, 7.5, 2000, 2.3).
fn quality_school(figs: &mut Vec<Figure>, id: &str, students: f64, factors: [f64; 7]) {
    let q = [("tq_above_per100", 4.2), ("backbone_per100", 1.0), ("pe_art_per100", 0.9), ("area_teach_pp", 4.5), ("area_sport_pp", 7.5), ("equip_pp", 2000.0), ("mm_room_per100", 2.3)];
    figs.push(fig("enrolled_count", id, "小学", students, students));
    for ((code, t), k) in q.iter().zip(factors) {
        let v = t * k;
        let num = if code.ends_with("per100") { v * students / 100.0 } else { v * students };
        figs.push(fig(code, id, "小学", v, num));
    }
}

#[test]
fn failing_schools_and_items_become_problems_with_stable_keys() {
    let std = Standards::builtin();
    let mut figs = Vec::new();
    // A passes everything; B misses Q7 and Q5 (two failing: fails, severity 较重 as 5 of 7 reach)
    quality_school(&mut figs, "A", 1000.0, [1.0; 7]);
    quality_school(&mut figs, "B", 1000.0, [1.0, 1.0, 1.0, 1.0, 0.9, 1.0, 0.9]);
    let schools = [meta("A"), meta("B")];
    let a = serde_json::to_value(balance_quality(&std, 2024, "360721", &schools, &figs)).unwrap();
    let r = review(&a, &schools, &std);
    let b = r.problems.iter().find(|p| p.key == "balance-quality:小学:school:B").expect("B's problem");
    assert_eq!(b.school_id, "B");
    assert_eq!(b.region, "360721001", "a school's finding belongs to its township");
    assert_eq!(b.severity, Severity::Major);
    // Q5: 7.5 × 1000 − 6.75 × 1000 = 750 m²; Q7: 2.3 × 10 − 2.07 × 10 = 2.3 → 3 rooms
    assert!(b.requirement.contains("+750 m² 体育运动场馆"), "{}", b.requirement);
    assert!(b.requirement.contains("+3 间网络多媒体教室"), "{}", b.requirement);
    assert!(!r.problems.iter().any(|p| p.school_id == "A"));
    // judged: both schools; a school missing from the data is neither gone nor present
    assert_eq!(r.status("balance-quality:小学:school:A"), Some(true));
    assert_eq!(r.status("balance-quality:小学:school:B"), Some(false));
    assert_eq!(r.status("balance-quality:小学:school:Z"), None);
    // items needing evidence are not problems (passed = null), failing computable ones are
    assert!(!r.problems.iter().any(|p| p.code == "S1"));
    assert!(r.problems.iter().any(|p| p.key == "balance-quality:item:G4"), "no training data: G4 fails");
    // next year B has fixed Q7: one failing indicator at 90% → passes, so its problem is gone
    let mut figs2 = Vec::new();
    quality_school(&mut figs2, "A", 1000.0, [1.0; 7]);
    quality_school(&mut figs2, "B", 1000.0, [1.0, 1.0, 1.0, 1.0, 0.9, 1.0, 1.0]);
    let a2 = serde_json::to_value(balance_quality(&std, 2025, "360721", &schools, &figs2)).unwrap();
    assert_eq!(review(&a2, &schools, &std).status(&b.key), Some(true));
}

#[test]
fn fund_execution_by_checkpoint_county_wide_and_per_project() {
    use eduplan_core::plan::{FundEntry, Project};
    let std = Standards::builtin();
    let p = |id: &str| Project { row: 2, id: id.into(), name: format!("工程{id}"), kind: "新建".into(), school_id: String::new(), new_places: 0, investment: 1000.0, start_year: 2024, end_year: 2025, status: String::new() };
    let f = |project: &str, date: &str, released: f64, spent: f64| FundEntry { row: 2, project: project.into(), date: date.into(), released, spent };
    // A: released 1000 in 2024; spent 600 by 06-30 (60%), 300 more by 09-30 (90%), 100 in Dec (100%)
    // B: released 500; spent 200 by 06-30 (40% < 50: fails), 250 by 09-30 (90%), 50 in Nov
    // county: 1500 released; by 06-30 800 = 53.33%; by 09-30 1350 = 90%; by 12-31 1500 = 100%
    // a 2023 entry never counts for 2024
    let entries = [
        f("A", "2024-03-01", 1000.0, 0.0), f("A", "2024-06-30", 0.0, 600.0), f("A", "2024-09-01", 0.0, 300.0), f("A", "2024-12-20", 0.0, 100.0),
        f("B", "2024-04-01", 500.0, 200.0), f("B", "2024-07-15", 0.0, 250.0), f("B", "2024-11-11", 0.0, 50.0),
        f("A", "2023-12-01", 999.0, 0.0),
    ];
    let a = eduplan_assess::funds(&std, 2024, "360721", "2025-01-15", &[p("A"), p("B")], &entries);
    assert_eq!(a["released"], 1500.0);
    let items = a["items"].as_array().unwrap();
    assert_eq!(items[0]["value"], 53.33);
    assert_eq!(items[0]["passed"], true);
    assert_eq!(items[1]["value"], 90.0);
    assert_eq!(items[2]["value"], 100.0);
    assert_eq!(a["fund_exec"], 100.0);
    let b = a["projects"].as_array().unwrap().iter().find(|x| x["project"] == "B").unwrap();
    assert_eq!(b["checkpoints"][0]["value"], 40.0);
    assert_eq!(b["passed"], false);
    assert_eq!(a["passed"], false, "a late project fails the assessment");
    let r = review(&a, &[], &std);
    assert_eq!(r.problems.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["funds:project:B"]);
    assert_eq!(r.status("funds:project:A"), Some(true));

    // as of 2024-08-01 only 06-30 is due: later checkpoints are not judged yet
    let a = eduplan_assess::funds(&std, 2024, "360721", "2024-08-01", &[p("A")], &entries);
    assert_eq!(a["items"][1]["passed"], serde_json::Value::Null);
    assert_eq!(a["items"][0]["value"], 60.0);
    assert_eq!(a["fund_exec"], 60.0, "spent by the as-of date (600 of 1000)");
    assert_eq!(a["passed"], true);

    // a province with 50/75/100 changes the dates' shares
    let prov = Standards::with_override(Some("[funds]\ncheckpoints = [{ date = \"06-30\", share = 70 }]\n")).unwrap();
    let a = eduplan_assess::funds(&prov, 2024, "360721", "2025-01-15", &[p("A")], &entries);
    assert_eq!(a["items"].as_array().unwrap().len(), 1);
    assert_eq!(a["items"][0]["passed"], false, "60% < 70%");
}

#[test]
fn the_class_size_trend_counts_bands_by_level() {
    let std = Standards::builtin();
    // 2023: 小学 55, 56, 66; 初中 70. 2024: 小学 40.
    let c = |g: &str, s: i64| (g.to_string(), s);
    let t = eduplan_assess::class_trend(&std, &[(2023, vec![c("小学", 55), c("小学", 56), c("小学", 66), c("初中", 70)]), (2024, vec![c("小学", 40)])]);
    assert_eq!(t[0]["levels"]["小学"], serde_json::json!({"classes": 3, "big": 2, "huge": 1}));
    assert_eq!(t[0]["levels"]["初中"], serde_json::json!({"classes": 1, "big": 1, "huge": 1}));
    assert_eq!(t[0]["levels"]["全部"]["big"], 3);
    assert_eq!(t[1]["levels"]["全部"], serde_json::json!({"classes": 1, "big": 0, "huge": 0}));
}
