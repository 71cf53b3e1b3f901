//! 优质均衡 on hand-made figures whose coefficients of variation and pass/fail are worked out
//! by hand below; an unweighted mean or an n−1 denominator must fail these tests.

use eduplan_assess::{balance_quality, weighted_cv, SchoolMeta, Standards};
use eduplan_engine::{Figure, Level};

fn fig(code: &str, level: Level, scope: &str, stage: &str, value: f64, num: f64, den: f64) -> Figure {
    Figure {
        code: code.into(),
        name: code.into(),
        scope: scope.into(),
        level,
        year: 2024,
        stage: stage.into(),
        value: Some(value),
        unit: String::new(),
        numerator: Some(num),
        denominator: Some(den),
        reason: None,
    }
}

/// Thresholds (小学): Q1 4.2, Q2 1.0, Q3 0.9, Q4 4.5, Q5 7.5, Q6 2000, Q7 2.3.
const PRIMARY: [(&str, f64); 7] = [
    ("tq_above_per100", 4.2),
    ("backbone_per100", 1.0),
    ("pe_art_per100", 0.9),
    ("area_teach_pp", 4.5),
    ("area_sport_pp", 7.5),
    ("equip_pp", 2000.0),
    ("mm_room_per100", 2.3),
];

/// A 小学 school of `students` whose indicators are the threshold × `factors`.
fn school(figs: &mut Vec<Figure>, id: &str, students: f64, factors: [f64; 7]) {
    figs.push(fig("enrolled_count", Level::School, id, "小学", students, students, 0.0));
    for ((code, t), k) in PRIMARY.iter().zip(factors) {
        let v = t * k;
        let per100 = code.ends_with("per100");
        let num = if per100 { v * students / 100.0 } else { v * students };
        figs.push(fig(code, Level::School, id, "小学", v, num, students));
    }
}

fn meta(id: &str, ty: &str) -> SchoolMeta {
    SchoolMeta { school_id: id.into(), name: format!("学校{id}"), school_type: ty.into(), township: "360721001".into() }
}

#[test]
fn the_cv_is_student_weighted_in_population_form() {
    // P = 100, 300; X = 2, 4: X̄ = (200 + 1200) / 400 = 3.5;
    // S² = 0.25 × 1.5² + 0.75 × 0.5² = 0.75; CV = √0.75 / 3.5 = 0.247436…
    let cv = weighted_cv(&[(100.0, 2.0), (300.0, 4.0)]).unwrap();
    assert!((cv - 0.75f64.sqrt() / 3.5).abs() < 1e-12, "{cv}");
    // an unweighted mean (3) with S = 1 would give 0.3333; n − 1 weights (÷ 399) 0.2478
    assert!((cv - 1.0 / 3.0).abs() > 0.05);
    assert!((cv - (0.75f64 * 400.0 / 399.0).sqrt() / 3.5).abs() > 1e-4);
    assert_eq!(weighted_cv(&[(0.0, 1.0)]), None);
    assert_eq!(weighted_cv(&[(10.0, 0.0)]), None, "a zero mean has no CV");
}

#[test]
fn six_of_seven_and_the_85_percent_rule_with_shortfalls() {
    let std = Standards::builtin();
    let mut figs = Vec::new();
    // A reaches everything; B misses Q5 at 86% (passes); C misses Q5 at 84% (fails);
    // D misses Q1 and Q7 (fails even though both are at 95%)
    school(&mut figs, "3607210001", 1000.0, [1.2; 7]);
    school(&mut figs, "3607210002", 1000.0, [1.2, 1.2, 1.2, 1.2, 0.86, 1.2, 1.2]);
    school(&mut figs, "3607210003", 1000.0, [1.2, 1.2, 1.2, 1.2, 0.84, 1.2, 1.2]);
    school(&mut figs, "3607210004", 1000.0, [0.95, 1.2, 1.2, 1.2, 1.2, 1.2, 0.95]);
    let schools: Vec<SchoolMeta> = ["3607210001", "3607210002", "3607210003", "3607210004"].iter().map(|i| meta(i, "小学")).collect();
    let a = balance_quality(&std, 2024, "360721", &schools, &figs);
    let p = &a.levels["小学"];
    let passed: Vec<bool> = p.schools.iter().map(|s| s.passed).collect();
    assert_eq!(passed, vec![true, true, false, false]);
    assert_eq!(p.schools[3].reached, 5);
    // C lacks 7.5 × 1000 − 6.3 × 1000 = 1200 m² of sports ground
    assert_eq!(p.schools[2].shortfalls["Q5"], 1200.0);
    // D lacks ⌈4.2 × 1000 / 100 − 3.99 × 10⌉ = ⌈42 − 39.9⌉ = 3 teachers and ⌈23 − 21.85⌉ = 2 rooms
    assert_eq!(p.schools[3].shortfalls["Q1"], 3.0);
    assert_eq!(p.schools[3].shortfalls["Q7"], 2.0);
    assert!(p.schools[0].shortfalls.is_empty());
    assert!(!p.passed && !a.passed);
    assert!(a.failing.iter().any(|f| f.contains("3607210003")));
    // the JSON names of the issue
    let j = serde_json::to_value(&a).unwrap();
    for k in ["method", "year", "scope", "passed", "levels", "items"] {
        assert!(j.get(k).is_some(), "{k}");
    }
    let s0 = &j["levels"]["小学"]["schools"][0];
    for k in ["school_id", "name", "students", "values", "passed", "shortfalls"] {
        assert!(s0.get(k).is_some(), "{k}");
    }
    assert!(j["levels"]["小学"]["cv"]["Q1"].is_number() && j["levels"]["小学"]["cv_threshold"] == 0.5);
    assert_eq!(j["levels"]["小学"]["thresholds"]["Q5"], 7.5);
    // no 初中 school at all: the level fails and the verdict says why
    assert!(!a.levels["初中"].passed && a.failing.iter().any(|f| f.contains("初中 没有参评学校")));
    assert!(j["items"][0].get("threshold").is_some() && j["items"][0].get("detail").is_some());
}

#[test]
fn a_failing_cv_names_the_schools_that_pull_it_up() {
    let std = Standards::builtin();
    let mut figs = Vec::new();
    // Q6 (equipment): 2 schools of 500 at 1.0× and 1.0×, one of 1000 at 4.0× the threshold
    // X = 2000, 2000, 8000 元; P = 500, 500, 1000: X̄ = (1e6 + 1e6 + 8e6) / 2000 = 5000;
    // S² = 0.25 × 3000² × 2 + 0.5 × 3000² = 9e6; CV = 3000 / 5000 = 0.6 > 0.50
    school(&mut figs, "3607210001", 500.0, [1.0; 7]);
    school(&mut figs, "3607210002", 500.0, [1.0; 7]);
    school(&mut figs, "3607210003", 1000.0, [1.0, 1.0, 1.0, 1.0, 1.0, 4.0, 1.0]);
    let schools: Vec<SchoolMeta> = ["3607210001", "3607210002", "3607210003"].iter().map(|i| meta(i, "小学")).collect();
    let a = balance_quality(&std, 2024, "360721", &schools, &figs);
    let p = &a.levels["小学"];
    assert_eq!(p.cv["Q6"], Some(0.6));
    assert_eq!(p.cv_passed["Q6"], false);
    assert_eq!(p.cv["Q1"], Some(0.0));
    assert!(p.cv_passed["Q1"]);
    assert!(p.schools.iter().all(|s| s.passed), "every school passes; the county fails on the CV alone");
    assert!(!p.passed);
    let e = &p.cv_explain["Q6"];
    assert!((e.mean - 5000.0).abs() < 1e-9);
    // contributions: 0.5 × 3000² = 4.5e6 for the big school, 0.25 × 3000² = 2.25e6 for each small one
    assert_eq!(e.top[0].school_id, "3607210003");
    assert!((e.top[0].contribution - 4.5e6).abs() < 1e-3);
    // with all three at the mean the CV is 0
    assert!(e.cv_if_fixed.abs() < 1e-12);
}

#[test]
fn small_teaching_points_and_special_schools_are_outside_the_resource_part() {
    let std = Standards::builtin();
    let mut figs = Vec::new();
    school(&mut figs, "3607210001", 1000.0, [1.2; 7]);
    school(&mut figs, "3607210002", 40.0, [0.1; 7]);
    school(&mut figs, "3607210003", 60.0, [1.2; 7]);
    let schools = vec![meta("3607210001", "小学"), meta("3607210002", "教学点"), meta("3607210003", "教学点")];
    let a = balance_quality(&std, 2024, "360721", &schools, &figs);
    let ids: Vec<&str> = a.levels["小学"].schools.iter().map(|s| s.school_id.as_str()).collect();
    assert_eq!(ids, vec!["3607210001", "3607210003"], "a 教学点 under 50 students is left out; one of 60 is in");
}
