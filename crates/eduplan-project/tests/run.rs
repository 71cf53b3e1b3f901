//! A whole projection on a hand-made county whose figures are worked out by hand in the comments.
//!
//! The county 110101 has one township (110101001) of 100 people at every age, 100 births a year,
//! nobody dies or moves (scenario: mortality 0, migration none), and three schools: kindergarten
//! K, primary school P and junior school J. The base year is 2024 with 2023 before it; rates are
//! pooled over one year (history_years = 1), so every rate is one pair of years.

use eduplan_core::data::{Row, RowBuilder, YearData};
use eduplan_core::plan::Cmp;
use eduplan_core::schema::SheetKind;
use eduplan_project::reach::{reach, TargetIn};
use eduplan_project::scenario::GerTarget;
use eduplan_project::{run, Inputs, PlannedPlaces, Scenario};

const TW: &str = "110101001";
const COUNTY: &str = "110101";

fn students(year: i32, school: &str, grades: &[&str], enrolled: &[i64], repeaters: &[i64]) -> Vec<Row> {
    grades
        .iter()
        .enumerate()
        .map(|(i, g)| {
            RowBuilder::new(SheetKind::Students)
                .set("year", year)
                .set("school_id", school)
                .set("grade", *g)
                .set("enrolled", enrolled[i])
                .set("repeaters", repeaters.get(i).copied().unwrap_or(0))
                .build()
        })
        .collect()
}

const PRI: [&str; 6] = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"];
const JUN: [&str; 3] = ["七年级", "八年级", "九年级"];
const PRE: [&str; 3] = ["小班", "中班", "大班"];

fn year(y: i32) -> YearData {
    let mut d = YearData::empty(y);
    let regions = d.table_mut(SheetKind::Regions);
    regions.rows.push(RowBuilder::new(SheetKind::Regions).set("code", COUNTY).set("name", "示范县").build());
    regions.rows.push(RowBuilder::new(SheetKind::Regions).set("code", TW).set("name", "一镇").set("parent", COUNTY).set("urban_rural", "乡村").build());
    for (id, name, ty, design) in [("1101010001", "K园", "幼儿园", None), ("1101010002", "P小学", "小学", Some(540i64)), ("1101010003", "J中学", "初级中学", None)] {
        d.table_mut(SheetKind::Schools).rows.push(
            RowBuilder::new(SheetKind::Schools)
                .set("school_id", id)
                .set("name", name)
                .set("type", ty)
                .set("ownership", "公办")
                .set("region", TW)
                .set("urban_rural", "乡村")
                .set("design_places", design)
                .build(),
        );
    }
    for age in 0..=25i64 {
        d.table_mut(SheetKind::Population).rows.push(
            RowBuilder::new(SheetKind::Population).set("region", TW).set("year", y).set("age", age).set("count", 100i64).set("births", (age == 0).then_some(100i64)).build(),
        );
    }
    let st = d.table_mut(SheetKind::Students);
    if y == 2023 {
        st.rows.extend(students(y, "1101010001", &PRE, &[80, 85, 90], &[]));
        st.rows.extend(students(y, "1101010002", &PRI, &[100, 96, 92, 88, 84, 80], &[]));
        st.rows.extend(students(y, "1101010003", &JUN, &[80, 80, 80], &[]));
    } else {
        st.rows.extend(students(y, "1101010001", &PRE, &[80, 85, 90], &[]));
        // grade 1 holds 2 repeaters: 98 entrants
        st.rows.extend(students(y, "1101010002", &PRI, &[100, 98, 94, 90, 86, 82], &[2]));
        st.rows.extend(students(y, "1101010003", &JUN, &[85, 78, 79], &[]));
        // classes of the base year: two per primary grade except one class of 82 in grade 6
        let mut classes = Vec::new();
        for (g, n) in PRI.iter().zip([100, 98, 94, 90, 86, 82]) {
            let k = if *g == "六年级" { 1 } else { 2 };
            for c in 0..k {
                classes.push(RowBuilder::new(SheetKind::Classes).set("year", y).set("school_id", "1101010002").set("grade", *g).set("class", format!("{g}{c}")).set("size", (n / k) as i64).build());
            }
        }
        d.table_mut(SheetKind::Classes).rows.extend(classes);
        // 30 primary staff: two men born 1965 and a woman born 1970 retire in 2025, a woman born 1971 in 2026
        let staff = d.table_mut(SheetKind::Staff);
        for i in 0..30 {
            let (born, sex) = match i {
                0 | 1 => (1965i64, "男"),
                2 => (1970, "女"),
                3 => (1971, "女"),
                _ => (1990, "男"),
            };
            staff.rows.push(
                RowBuilder::new(SheetKind::Staff).set("year", y).set("school_id", "1101010002").set("staff_id", format!("T{i}")).set("role", "专任教师").set("level", "小学").set("birth_year", born).set("sex", sex).build(),
            );
        }
    }
    d
}

fn scenario() -> Scenario {
    Scenario { mortality_scale: 0.0, migration: "none".into(), history_years: 1, ..Scenario::default() }
}

fn projects() -> Vec<PlannedPlaces> {
    vec![
        PlannedPlaces { project: "XM1".into(), name: "P小学扩建".into(), school_id: "1101010002".into(), places: 60.0, year: 2026, region: COUNTY.into() },
        PlannedPlaces { project: "XM2".into(), name: "新建城东幼儿园".into(), school_id: "X".into(), places: 90.0, year: 2025, region: COUNTY.into() },
    ]
}

fn inputs() -> Inputs {
    Inputs::from_years(&[year(2023), year(2024)], 2024, projects()).expect("inputs")
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-6, "{a} != {b}");
}

#[test]
fn primary_pupils_move_one_grade_a_year_with_the_recorded_rates() {
    let p = run(&inputs(), &scenario(), 2026);
    let g = |y: i32| p.grade(TW, y, eduplan_project::Track::Pri).unwrap().clone();
    // promotion g→g+1 = (E_{g+1}(2024) − R_{g+1}) / E_g(2023): 98/100, 94/96, 90/92, 86/88, 82/84;
    // repetition of grade 1 = 2/100; gross intake = 98 entrants / 100 six-year-olds
    let y25 = g(2025);
    close(y25[0], 0.98 * 100.0 + 0.02 * 100.0);
    close(y25[1], 0.98 * 100.0);
    close(y25[2], 94.0 / 96.0 * 98.0);
    close(y25[3], 90.0 / 92.0 * 94.0);
    close(y25[4], 86.0 / 88.0 * 90.0);
    close(y25[5], 82.0 / 84.0 * 86.0);
    // the cohort of grade 2 in 2025 is in grade 3 in 2026
    close(g(2026)[2], 94.0 / 96.0 * (0.98 * 100.0));
    let row = p.row("1101010002", 2025, eduplan_project::Stage::Pri).expect("school row");
    // 100 + 98 + 95.958 + 91.957 + 87.955 + 83.952 = 557.82 → 558
    assert_eq!(row.enrolled, 558.0);
    // ⌈100/45⌉ + ⌈98/45⌉ + ⌈96/45⌉ + ⌈92/45⌉ + ⌈88/45⌉ + ⌈84/45⌉ = 3+3+3+3+2+2
    assert_eq!(row.classes_needed, 16.0);
    // grade 6 keeps its one class: 84 pupils in it is a 大班额 (≥ 56)
    assert_eq!(row.big_classes, 1.0);
    // design places 540 (the project adds 60 only in 2026): gap 18
    assert_eq!((row.places, row.place_gap, row.spare), (540.0, 18.0, 0.0));
    assert_eq!(p.row("1101010002", 2026, eduplan_project::Stage::Pri).unwrap().places, 600.0);
    // staff: 30, less 2 men born 1965 (60 in 2025) and a woman born 1970 (55 in 2025)
    assert_eq!(row.teachers_available, 27.0);
    assert_eq!(p.row("1101010002", 2026, eduplan_project::Stage::Pri).unwrap().teachers_available, 26.0);
    // need ⌈558/19⌉ = 30; in 2024 ⌈550/19⌉ = 29 ≤ 30 on the roll, so 2025 recruits 30 − 27 = 3
    assert_eq!(row.teachers_needed, 30.0);
    assert_eq!(row.recruitment, 3.0);
    // 558 × 720 元 = 40.176 万元; the base year already lacked 550 − 540 = 10 places, so 2025
    // builds 18 − 10 = 8 more: 8 × 35,000 元 = 28 万元
    assert_eq!(p.row("1101010002", 2024, eduplan_project::Stage::Pri).unwrap().place_gap, 10.0);
    assert_eq!((row.cost_operating, row.cost_construction, row.cost), (40.18, 28.0, 68.18));
    // the township's 小学 school-age population is ages 6–11: 6 × 100
    assert_eq!(p.row(TW, 2025, eduplan_project::Stage::Pri).unwrap().school_age_pop, Some(600.0));
}

#[test]
fn junior_intake_comes_from_last_years_sixth_grade() {
    let p = run(&inputs(), &scenario(), 2025);
    let j = p.grade(COUNTY, 2025, eduplan_project::Track::Jun).unwrap();
    // transition = 85 entrants of grade 7 in 2024 / 80 pupils of grade 6 in 2023 = 1.0625;
    // 2025's grade 7 = 1.0625 × 82 (grade 6 of 2024), not × grade 6 of 2025
    close(j[0], 1.0625 * 82.0);
    close(j[1], 78.0 / 80.0 * 85.0);
    close(j[2], 79.0 / 80.0 * 78.0);
}

#[test]
fn kindergarten_follows_participation_and_a_ger_target_path() {
    let p = run(&inputs(), &scenario(), 2026);
    // participation 80, 85, 90 of 100 children aged 3, 4, 5: 255 every year
    assert_eq!(p.row(COUNTY, 2025, eduplan_project::Stage::Pre).unwrap().enrolled, 255.0);
    let sc = Scenario { pre_ger_target: Some(GerTarget { value: 100.0, year: 2026 }), ..scenario() };
    let p = run(&inputs(), &sc, 2027);
    // GER 255/300 = 85 % in 2024 → 100 % in 2026: 92.5 % of 300 = 277.5 → 278 in 2025, then 300
    assert_eq!(p.row(COUNTY, 2025, eduplan_project::Stage::Pre).unwrap().enrolled, 278.0);
    assert_eq!(p.row(COUNTY, 2026, eduplan_project::Stage::Pre).unwrap().enrolled, 300.0);
    assert_eq!(p.row(COUNTY, 2027, eduplan_project::Stage::Pre).unwrap().enrolled, 300.0);
    // the new kindergarten (no school yet, the plan's county) adds 90 places at the county from 2025
    let k = p.row("1101010001", 2025, eduplan_project::Stage::Pre).unwrap().places;
    assert_eq!(p.row(COUNTY, 2025, eduplan_project::Stage::Pre).unwrap().places, k + 90.0);
    assert_eq!(p.row(COUNTY, 2024, eduplan_project::Stage::Pre).unwrap().places, k);
}

#[test]
fn births_scenarios_change_the_youngest_ages_only() {
    let base = run(&inputs(), &scenario(), 2027);
    let sc = Scenario { births: eduplan_project::scenario::Births { mode: "change".into(), change_pct: -10.0, ..Default::default() }, ..scenario() };
    let low = run(&inputs(), &sc, 2027);
    let ages = |p: &eduplan_project::Projection, y: i32| p.population.iter().find(|r| r.scope == TW && r.year == y).unwrap().ages.clone();
    // births 100 × 0.9^k: age 0 in 2027 = 72.9 → 73, age 1 = 81, age 2 = 90, age 3 still 100
    assert_eq!(&ages(&low, 2027)[..4], &[73.0, 81.0, 90.0, 100.0]);
    assert_eq!(&ages(&base, 2027)[..4], &[100.0, 100.0, 100.0, 100.0]);
    // children born after the base year are not 6 before 2031: primary intake is unchanged
    assert_eq!(low.row(COUNTY, 2027, eduplan_project::Stage::Pri).unwrap().enrolled, base.row(COUNTY, 2027, eduplan_project::Stage::Pri).unwrap().enrolled);
}

#[test]
fn targets_are_judged_on_the_projected_value() {
    let inputs = inputs();
    let p = run(&inputs, &scenario(), 2026);
    let t = |code: &str, v: f64, cmp: Cmp| TargetIn { plan: "规划".into(), target: code.into(), indicator: code.into(), scope: String::new(), target_year: 2026, target_value: v, cmp };
    let r = reach(&inputs, &p, &[t("pre_ger", 85.0, Cmp::Ge), t("pre_ger", 90.0, Cmp::Ge), t("big_class_share", 5.0, Cmp::Le), t("avg_years", 10.0, Cmp::Ge)]);
    // 学前 GER 255 / 300 = 85 %
    assert_eq!((r[0].projected, r[0].reached), (Some(85.0), Some(true)));
    assert_eq!(r[1].reached, Some(false));
    assert_eq!(r[0].scope, COUNTY);
    // 2026: the grade-6 class holds 2025's grade 5 (87.95 × 86/88... ≈ 86) → one big class; share over the classes kept
    let big = r[2].projected.unwrap();
    assert!(big > 0.0 && r[2].reached == Some(big <= 5.0));
    assert_eq!((r[3].projected, r[3].reached), (None, None));
    assert!(r[3].reason.contains("not projected"));
}

#[test]
fn a_bad_scenario_names_the_field() {
    let e = Scenario::from_json(r#"{"births":{"mode":"guess"}}"#).unwrap_err();
    assert_eq!(e.field, "births.mode");
    let e = Scenario::from_json(r#"{"class_size":{"大学":40}}"#).unwrap_err();
    assert!(e.to_string().contains("大学"));
    let e = Scenario::from_json(r#"{"colour":1}"#).unwrap_err();
    assert!(e.to_string().contains("colour"), "{e}");
    assert_eq!(Scenario::from_json("{}").unwrap(), Scenario::default());
}
