//! The indicators beyond the first slice (transitions, migrants, disabled children, school size,
//! places and gaps, staffing, rotation, smart campus, years of schooling, UIS flow rates and the
//! reconstructed-cohort survival rate, user-defined formulas, city and province levels), each on
//! a hand-made county whose expected values are worked out below.
//!
//! County 360721; townships A = 360721001 (城区), B = 360721002 (乡村). School year 2024, and
//! 2025 for the UIS flows (rates of year t read t+1).
//!   S1 3607210001 小学 公办 (A): 一年级 1100 (招生 1100, 随迁 10); 六年级 1000 (毕业生 1180, 随迁 20)
//!   S2 3607210002 初级中学 公办 (A): 七年级 960 (招生 950, 随迁 5); 八年级 940; 九年级 930 (毕业生 920)
//!   S3 3607210003 小学 民办 (B): 一年级 40 (招生 40, 随迁 20), one class of 40
//!   S4 3607210004 九年一贯制 公办 (B), 设计学位 600: 一年级 300 (7 classes); 七年级 180 (招生 180; 4 classes of 45)
//!   H1 3607210005 高级中学 (A): 高一 600 (招生 600);  V1 3607210006 中职 (A): 中职一年级 300 (招生 300)
//!   S7 3607210007 教学点 (B), closed in 2020
//!   2025: S2 七年级 1000 (留级 4), 八年级 945 (留级 2), 九年级 925 (留级 1); S4 七年级 190, 八年级 175 (留级 0)
//!   S1 staff: 100 专任教师 (小学): 20 since 2018, 20 since 2010, 60 since 2020; 6 of the first 40
//!     rotated, 4 of those 县级骨干
//!   smart campus: S1, S2, H1 of the six open schools
//!   population: age 6: A 1000, B 500; ages 12, 13, 14 in A: 900, 1000, 1100; age 15 A 300 (and
//!     15–17: 300 each in A)
//!   attainment (county, 2024): 15+: 未上过学 100, 小学 200, 初中 400, 高中 200, 大学本科 100;
//!     16–59: 小学 100, 初中 300, 高中 300, 研究生 100
//!   disabled children: A 视力 10 (在校 8, 送教 1), A 其他 100 (在校 0), B 智力 20 (在校 15)

use eduplan_core::data::{Dataset, RowBuilder, Value, YearData};
use eduplan_core::schema::SheetKind::{self, *};
use eduplan_engine::formula::CustomDef;
use eduplan_engine::{Catalogue, Engine, Figure, Level};

fn put(ds: &mut Dataset, s: SheetKind, cells: &[(&str, Value)]) {
    let mut b = RowBuilder::new(s);
    for (k, v) in cells {
        b = b.set(k, v.clone());
    }
    ds.table_mut(s).rows.push(b.build());
}

macro_rules! row {
    ($ds:expr, $s:expr, $($k:expr => $v:expr),* $(,)?) => { put($ds, $s, &[$(($k, Value::from($v))),*]) };
}

const S1: &str = "3607210001";
const S2: &str = "3607210002";
const S3: &str = "3607210003";
const S4: &str = "3607210004";
const H1: &str = "3607210005";
const V1: &str = "3607210006";

fn lists(ds: &mut Dataset) {
    row!(ds, Regions, "code" => "360721", "name" => "示例县");
    row!(ds, Regions, "code" => "360721001", "name" => "A街道", "parent" => "360721", "urban_rural" => "城区");
    row!(ds, Regions, "code" => "360721002", "name" => "B乡", "parent" => "360721", "urban_rural" => "乡村");
    for (id, ty, own, tw) in [
        (S1, "小学", "公办", "360721001"),
        (S2, "初级中学", "公办", "360721001"),
        (S3, "小学", "民办", "360721002"),
        (S4, "九年一贯制学校", "公办", "360721002"),
        (H1, "高级中学", "公办", "360721001"),
        (V1, "中等职业学校", "公办", "360721001"),
    ] {
        let design: Option<i64> = (id == S4).then_some(600);
        row!(ds, Schools, "school_id" => id, "name" => id, "type" => ty, "ownership" => own, "region" => tw, "urban_rural" => "城区", "design_places" => design);
    }
    row!(ds, Schools, "school_id" => "3607210007", "name" => "S7", "type" => "教学点", "ownership" => "公办", "region" => "360721002", "urban_rural" => "乡村", "closed" => 2020i64);
}

#[allow(clippy::too_many_arguments)]
fn st(ds: &mut Dataset, year: i64, id: &str, g: &str, n: i64, entrants: Option<i64>, graduates: Option<i64>, migrant: i64, repeaters: i64) {
    row!(ds, Students, "year" => year, "school_id" => id, "grade" => g, "enrolled" => n, "entrants" => entrants, "graduates" => graduates, "migrant" => migrant, "repeaters" => repeaters);
}

fn fixture() -> Vec<YearData> {
    let mut ds = Dataset::default();
    lists(&mut ds);
    st(&mut ds, 2024, S1, "一年级", 1100, Some(1100), None, 10, 0);
    st(&mut ds, 2024, S1, "六年级", 1000, None, Some(1180), 20, 0);
    st(&mut ds, 2024, S2, "七年级", 960, Some(950), None, 5, 0);
    st(&mut ds, 2024, S2, "八年级", 940, None, None, 0, 0);
    st(&mut ds, 2024, S2, "九年级", 930, None, Some(920), 0, 0);
    st(&mut ds, 2024, S3, "一年级", 40, Some(40), None, 20, 0);
    st(&mut ds, 2024, S4, "一年级", 300, Some(300), None, 0, 0);
    st(&mut ds, 2024, S4, "七年级", 180, Some(180), None, 0, 0);
    st(&mut ds, 2024, H1, "高一", 600, Some(600), None, 0, 0);
    st(&mut ds, 2024, V1, "中职一年级", 300, Some(300), None, 0, 0);
    let mut k = 0;
    let mut class = |ds: &mut Dataset, id: &str, g: &str, size: i64| {
        k += 1;
        row!(ds, Classes, "year" => 2024i64, "school_id" => id, "grade" => g, "class" => format!("c{k}"), "size" => size);
    };
    class(&mut ds, S3, "一年级", 40);
    for size in [43, 43, 43, 43, 43, 43, 42] {
        class(&mut ds, S4, "一年级", size);
    }
    for _ in 0..4 {
        class(&mut ds, S4, "七年级", 45);
    }
    for n in 0..100 {
        let since = if n < 20 { 2018 } else if n < 40 { 2010 } else { 2020 };
        let rotated = n % 40 < 6 && n < 40;
        let backbone = if rotated && n < 4 { "县级" } else { "无" };
        row!(&mut ds, Staff, "year" => 2024i64, "school_id" => S1, "staff_id" => format!("T{n}"), "role" => "专任教师", "level" => "小学", "since" => since as i64, "rotated" => rotated, "backbone" => backbone);
    }
    for (id, smart) in [(S1, true), (S2, true), (S3, false), (S4, false), (H1, true), (V1, false)] {
        row!(&mut ds, Conditions, "year" => 2024i64, "school_id" => id, "smart_campus" => smart);
    }
    for (tw, age, n) in [("360721001", 6, 1000), ("360721002", 6, 500), ("360721001", 12, 900), ("360721001", 13, 1000), ("360721001", 14, 1100), ("360721001", 15, 300), ("360721001", 16, 300), ("360721001", 17, 300)] {
        row!(&mut ds, Population, "region" => tw, "year" => 2024i64, "age" => age as i64, "count" => n as i64);
    }
    for (from, to, level, n) in [
        (15, None, "未上过学", 100),
        (15, None, "小学", 200),
        (15, None, "初中", 400),
        (15, None, "高中", 200),
        (15, None, "大学本科", 100),
        (16, Some(59), "小学", 100),
        (16, Some(59), "初中", 300),
        (16, Some(59), "高中", 300),
        (16, Some(59), "研究生", 100),
    ] {
        row!(&mut ds, Attainment, "region" => "360721", "year" => 2024i64, "age_from" => from as i64, "age_to" => to.map(|t: i32| t as i64), "level" => level, "count" => n as i64);
    }
    for (tw, cat, elig, ins, home) in [("360721001", "视力", 10, 8, Some(1)), ("360721001", "其他", 100, 0, None), ("360721002", "智力", 20, 15, None)] {
        row!(&mut ds, DisabledChildren, "region" => tw, "year" => 2024i64, "category" => cat, "eligible" => elig as i64, "in_school" => ins as i64, "home_taught" => home.map(|h: i32| h as i64));
    }
    // 2025: only what the flow rates of 2024 read
    st(&mut ds, 2025, S2, "七年级", 1000, Some(996), None, 0, 4);
    st(&mut ds, 2025, S2, "八年级", 945, None, None, 0, 2);
    st(&mut ds, 2025, S2, "九年级", 925, None, Some(925), 0, 1);
    st(&mut ds, 2025, S4, "七年级", 190, Some(190), None, 0, 0);
    st(&mut ds, 2025, S4, "八年级", 175, None, None, 0, 0);
    vec![YearData::from_dataset(&ds, 2024), YearData::from_dataset(&ds, 2025)]
}

async fn compute(years: &[YearData], cat: &Catalogue, year: i32) -> Vec<Figure> {
    Engine::new(years).compute(cat, year, &Level::ALL, None).await.unwrap()
}

fn find<'a>(f: &'a [Figure], code: &str, scope: &str, stage: &str) -> &'a Figure {
    f.iter().find(|x| x.code == code && x.scope == scope && x.stage == stage).unwrap_or_else(|| panic!("no {code} {scope} {stage}"))
}

#[track_caller]
fn assert_close(f: &Figure, want: f64) {
    let v = f.value.unwrap_or_else(|| panic!("{} {} {} unavailable: {:?}", f.code, f.scope, f.stage, f.reason));
    assert!((v - want).abs() < 1e-9 * want.abs().max(1.0), "{} {} {}: {v} ≠ {want}", f.code, f.scope, f.stage);
}

#[tokio::test]
async fn transitions_migrants_disability_size_and_places() {
    let years = fixture();
    let f = compute(&years, &Catalogue::builtin(), 2024).await;
    let c = "360721";
    // 小学升学率: 初中招生 (S2 950 + S4 180) / 小学毕业生 recorded in 2024 (S1 1180)
    assert_close(find(&f, "pri_to_jun", c, "初中"), 1130.0 / 1180.0 * 100.0);
    // 初中升学率: 高中阶段招生 (高一 600 + 中职一年级 300) / 初中毕业生 920
    assert_close(find(&f, "jun_to_sen", c, "高中"), 900.0 / 920.0 * 100.0);
    // 职普比: 中职招生 300 : 普高招生 600
    assert_close(find(&f, "voc_gen_ratio", c, "高中"), 0.5);
    // 随迁子女公办比例: 小学 public 30 (S1) of 50 (S3's 20 are in a private school); 初中 5 of 5;
    // all compulsory 35 / 55; township B 0 / 20
    assert_close(find(&f, "migrant_public", c, "小学"), 60.0);
    assert_close(find(&f, "migrant_public", c, "初中"), 100.0);
    assert_close(find(&f, "migrant_public", c, "全部"), 35.0 / 55.0 * 100.0);
    assert_close(find(&f, "migrant_public", "360721002", "全部"), 0.0);
    // 三类残疾儿童入学率: (8 + 1 + 15) / (10 + 20); the 其他 category (100) is not one of the three
    assert_close(find(&f, "disab_enrol", c, "全部"), 80.0);
    // 大校额: S1 (2100 小学) and S2 (2830 初中) are over 2000; S4 (480) is not
    assert_close(find(&f, "big_school_count", c, "全部"), 2.0);
    assert_close(find(&f, "big_school_count", "360721002", "全部"), 0.0);
    assert_close(find(&f, "big_school_count", S1, "全部"), 1.0);
    // 学位: S3 one 小学 class × 45; S4's design 600 shared as its standard places 7×45 : 4×50
    assert_close(find(&f, "places", S3, "小学"), 45.0);
    assert_close(find(&f, "places", S4, "小学"), 600.0 * 315.0 / 515.0);
    assert_close(find(&f, "places", S4, "初中"), 600.0 * 200.0 / 515.0);
    assert_close(find(&f, "places", S4, "全部"), 600.0);
    // 学位缺口 per township and stage: A 小学 2100 students, no places → 2100; B 小学 340
    // students, 45 + 366.99 places → 0. The county's 小学 gap is 2100 + 0, not
    // max(0, 2440 − 411.99) = 2028.01 (a surplus in B seats nobody from A)
    assert_close(find(&f, "place_gap", c, "小学"), 2100.0);
    assert_close(find(&f, "place_gap", "360721002", "小学"), 0.0);
    // all stages: 小学 2100 + 初中 2830 (S2; B has a surplus) + 高中 600 + 中职 300
    assert_close(find(&f, "place_gap", c, "全部"), 5830.0);
    let g = find(&f, "place_gap", c, "小学");
    assert_eq!(g.numerator, Some(2440.0));
    assert!((g.denominator.unwrap() - (45.0 + 600.0 * 315.0 / 515.0)).abs() < 1e-9);
}

#[tokio::test]
async fn staffing_rotation_smart_campus_and_schooling_years() {
    let years = fixture();
    let f = compute(&years, &Catalogue::builtin(), 2024).await;
    let c = "360721";
    // 编制需求: 小学 (2100 + 40 + 300) / 19; 初中 (2830 + 180) / 13.5; 高中 600 / 12.5; 中职 has no standard
    let need = 2440.0 / 19.0 + 3010.0 / 13.5 + 600.0 / 12.5;
    assert_close(find(&f, "staffing_need", c, "小学"), 2440.0 / 19.0);
    assert_close(find(&f, "staffing_need", c, "全部"), need);
    // 编制缺口 = need − 教职工: S1 2100 / 19 − 100; the county's 小学 2440 / 19 − 100
    assert_close(find(&f, "staffing_gap", S1, "小学"), 2100.0 / 19.0 - 100.0);
    assert_close(find(&f, "staffing_gap", c, "小学"), 2440.0 / 19.0 - 100.0);
    assert_close(find(&f, "staffing_gap", c, "初中"), 3010.0 / 13.5);
    // 交流轮岗: 6 rotated of 40 eligible (since ≤ 2018: exactly six years counts); 4 of the 6 are 骨干
    assert_close(find(&f, "rotation_rate", c, "全部"), 15.0);
    assert_close(find(&f, "rotation_backbone", S1, "小学"), 4.0 / 6.0 * 100.0);
    // 智慧校园: 3 of the 6 open schools (the closed 教学点 does not count)
    assert_close(find(&f, "smart_campus_share", c, "全部"), 50.0);
    let s = find(&f, "smart_campus_share", c, "全部");
    assert_eq!((s.numerator, s.denominator), (Some(3.0), Some(6.0)));
    // 人均受教育年限 (15+): (0×100 + 6×200 + 9×400 + 12×200 + 16×100) / 1000 = 8.8;
    // the 16–59 band must not be added to it (that would give 9.61)
    assert_close(find(&f, "avg_school_years", c, "全部"), 8.8);
    // 劳动年龄 (16–59): (6×100 + 9×300 + 12×300 + 16×100) / 800; 研究生 counts 16 (大专及以上)
    assert_close(find(&f, "labour_school_years", c, "全部"), 8500.0 / 800.0);
}

#[tokio::test]
async fn uis_flow_rates_and_the_reconstructed_cohort() {
    let years = fixture();
    let cat = Catalogue::builtin();
    let f = compute(&years, &cat, 2024).await;
    let c = "360721";
    // GIR: 一年级 entrants 1100 + 40 + 300 over age 6 (1000 + 500)
    assert_close(find(&f, "uis_gir", c, "小学"), 1440.0 / 1500.0 * 100.0);
    // GER 高中 counts 中职: (600 + 300) / (300 × 3)
    assert_close(find(&f, "uis_ger", c, "高中"), 100.0);
    // 初中, 2024 → 2025: enrolment of the non-final grades 960 + 940 + 180 = 2080;
    // promotees (2025, grades 8–9, less repeaters) 943 + 924 + 175 = 2042; repeaters of grades 7–8 in 2025 4 + 2
    assert_close(find(&f, "uis_promotion_rate", c, "初中"), 2042.0 / 2080.0 * 100.0);
    assert_close(find(&f, "uis_repetition_rate", c, "初中"), 6.0 / 2080.0 * 100.0);
    assert_close(find(&f, "uis_dropout_rate", c, "初中"), 32.0 / 2080.0 * 100.0);
    assert_close(find(&f, "uis_promotion_rate", "360721001", "初中"), 1867.0 / 1900.0 * 100.0);
    // survival to grade 9: p7 = (1120 − 2) / 1140, r7 = 4 / 1140; p8 = (925 − 1) / 940, r8 = 2 / 940;
    // S = p7 / (1 − r7) × p8 / (1 − r8) = 1118/1136 × 924/938
    assert_close(find(&f, "uis_survival_rate", c, "初中"), 1118.0 / 1136.0 * 924.0 / 938.0 * 100.0);
    // aliases answer too
    let ger = Engine::new(&years).compute(&cat, 2024, &[Level::County], Some(&["GER".to_string()])).await.unwrap();
    assert!(!ger.is_empty() && ger.iter().all(|x| x.code == "uis_ger"));
    // 2025 has no 2026 to read: unavailable, and says which year is missing
    let g = compute(&years, &cat, 2025).await;
    let s = find(&g, "uis_survival_rate", c, "初中");
    assert_eq!(s.status(), "unavailable");
    assert!(s.reason.as_ref().unwrap().1.contains("missing year 2026 (t+1)"), "{:?}", s.reason);
    assert_eq!(find(&g, "uis_promotion_rate", c, "初中").status(), "unavailable");
}

#[tokio::test]
async fn user_defined_indicators_compute_like_catalogue_ones() {
    let years = fixture();
    let mut cat = Catalogue::builtin();
    let def = |code: &str, n: &str, d: &str| CustomDef { code: code.into(), name: code.into(), name_en: code.into(), unit: "%".into(), scale: 100.0, numerator: n.into(), denominator: d.into() };
    cat.add_custom(&[
        def("jun_migrant_age", "students.enrolled[level=初中, migrant]", "population[age=12..14]"),
        def("jun_migrant_share", "students.migrant[level=初中]", "students[level=初中]"),
        def("big_classes_b", "classes[size>=43, urban_rural=城区] - classes[size>=45]", ""),
    ])
    .unwrap();
    let f = compute(&years, &cat, 2024).await;
    // 5 migrant pupils in 初中 over the population aged 12–14 (900 + 1000 + 1100; age 15 is out)
    assert_close(find(&f, "jun_migrant_age", "360721", "初中"), 5.0 / 3000.0 * 100.0);
    // township B has no population aged 12–14: unavailable, not 0 or infinity
    assert_eq!(find(&f, "jun_migrant_age", "360721002", "初中").status(), "unavailable");
    assert!(f.iter().all(|x| !(x.code == "jun_migrant_age" && x.level == Level::School)), "population has no school level");
    assert_close(find(&f, "jun_migrant_share", "360721", "初中"), 5.0 / 3010.0 * 100.0);
    assert_close(find(&f, "jun_migrant_share", S2, "初中"), 5.0 / 2830.0 * 100.0);
    // classes of 43+ (all 12 classes of S4 but the 42, and S3's 40 is out): 6 + 4 = 10, minus the 4 of 45+
    assert_close(find(&f, "big_classes_b", "360721", "全部"), (10.0 - 4.0) * 100.0);
    // a code the catalogue has is refused
    assert!(cat.add_custom(&[def("ptr", "students", "")]).is_err());
    assert!(cat.add_custom(&[def("GER", "students", "")]).is_err());
}

#[tokio::test]
async fn city_and_province_sum_their_counties() {
    let ds = eduplan_synth::generate(&eduplan_synth::Options { counties: 3, seed: 5, years: (2024, 2024) });
    let years = vec![YearData::from_dataset(&ds, 2024)];
    let engine = Engine::new(&years);
    assert_eq!(engine.counties(2024), 3);
    let codes = ["pri_ger".to_string(), "ptr".to_string(), "place_gap".to_string()];
    let f = engine.compute(&Catalogue::builtin(), 2024, &[Level::County, Level::City, Level::Province], Some(&codes)).await.unwrap();
    for code in ["pri_ger", "ptr"] {
        let stage = if code == "ptr" { "全部" } else { "小学" };
        let counties: Vec<&Figure> = f.iter().filter(|x| x.code == code && x.level == Level::County && x.stage == stage).collect();
        assert_eq!(counties.len(), 3);
        let prov = f.iter().find(|x| x.code == code && x.level == Level::Province && x.stage == stage).unwrap();
        assert_eq!(prov.scope, "360000");
        let n: f64 = counties.iter().map(|x| x.numerator.unwrap()).sum();
        let d: f64 = counties.iter().map(|x| x.denominator.unwrap()).sum();
        assert!((prov.numerator.unwrap() - n).abs() < 1e-6 && (prov.denominator.unwrap() - d).abs() < 1e-6);
        assert!((prov.value.unwrap() - n / d * if code == "ptr" { 1.0 } else { 100.0 }).abs() < 1e-9);
        let city = f.iter().find(|x| x.code == code && x.level == Level::City && x.stage == stage).unwrap();
        assert_eq!(city.scope, "360100");
    }
    let gaps: f64 = f.iter().filter(|x| x.code == "place_gap" && x.level == Level::County && x.stage == "全部").map(|x| x.value.unwrap()).sum();
    let prov = f.iter().find(|x| x.code == "place_gap" && x.level == Level::Province && x.stage == "全部").unwrap();
    assert!((prov.value.unwrap() - gaps).abs() < 1e-6);
}

/// The remaining catalogue indicators on a third small county (school year 2024; 2016 and 2023
/// for the cohort and the dropout rate):
///   P 3607210001 小学: 一年级 100 (6:90;7:10), 六年级 100 (11:95;12:5); 2016 一年级 200
///   J 3607210002 初级中学: 2023 七/八/九年级 300/290/280; 2024 310/295/190 with 2/1/3 辍学
///   K 3607210003 幼儿园: 小班 30 in one class;  H 3607210005 高级中学: 高一 200;  V 3607210004 中职: 中职一年级 100
///   teachers and conditions: see the rows below; population of A: ages 6–11 and 15–17, 100 each
fn third() -> Vec<YearData> {
    let mut ds = Dataset::default();
    row!(&mut ds, Regions, "code" => "360721", "name" => "示例县");
    row!(&mut ds, Regions, "code" => "360721001", "name" => "A", "parent" => "360721", "urban_rural" => "城区");
    for (id, ty) in [("3607210001", "小学"), ("3607210002", "初级中学"), ("3607210003", "幼儿园"), ("3607210004", "中等职业学校"), ("3607210005", "高级中学")] {
        row!(&mut ds, Schools, "school_id" => id, "name" => id, "type" => ty, "ownership" => "公办", "region" => "360721001", "urban_rural" => "城区");
    }
    let s = |ds: &mut Dataset, y: i64, id: &str, g: &str, n: i64, ages: Option<&str>, drop: Option<i64>| {
        row!(ds, Students, "year" => y, "school_id" => id, "grade" => g, "enrolled" => n, "by_age" => ages, "dropouts" => drop);
    };
    s(&mut ds, 2016, "3607210001", "一年级", 200, None, None);
    for (g, n) in [("七年级", 300), ("八年级", 290), ("九年级", 280)] {
        s(&mut ds, 2023, "3607210002", g, n, None, None);
    }
    s(&mut ds, 2024, "3607210001", "一年级", 100, Some("6:90;7:10"), Some(0));
    s(&mut ds, 2024, "3607210001", "六年级", 100, Some("11:95;12:5"), Some(0));
    for (g, n, d) in [("七年级", 310, 2), ("八年级", 295, 1), ("九年级", 190, 3)] {
        s(&mut ds, 2024, "3607210002", g, n, None, Some(d));
    }
    s(&mut ds, 2024, "3607210003", "小班", 30, Some("3:30"), None);
    s(&mut ds, 2024, "3607210005", "高一", 200, None, None);
    s(&mut ds, 2024, "3607210004", "中职一年级", 100, None, None);
    row!(&mut ds, Classes, "year" => 2024i64, "school_id" => "3607210003", "grade" => "小班", "class" => "1", "size" => 30i64);
    let mut n = 0;
    let mut t = |ds: &mut Dataset, id: &str, level: &str, degree: &str, backbone: &str, subject: &str, hours: Option<i64>, spec: Option<bool>, dual: Option<bool>| {
        n += 1;
        row!(ds, Staff, "year" => 2024i64, "school_id" => id, "staff_id" => format!("T{n}"), "role" => "专任教师", "level" => level, "degree" => degree,
             "backbone" => backbone, "subject" => subject, "training_hours" => hours, "specialty" => spec, "dual" => dual);
    };
    // P (小学): 本科 县级骨干 400h; 专科 360h; 高中 体育 359h; 研究生 (no hours)
    t(&mut ds, "3607210001", "小学", "本科", "县级", "语文", Some(400), None, None);
    t(&mut ds, "3607210001", "小学", "专科", "无", "数学", Some(360), None, None);
    let ti = Staff.col_index("title").unwrap();
    let rows = &mut ds.table_mut(Staff).rows;
    rows[0].cells[ti] = Value::from("一级");
    rows[1].cells[ti] = Value::from("二级");
    t(&mut ds, "3607210001", "小学", "高中", "无", "体育", Some(359), None, None);
    t(&mut ds, "3607210001", "小学", "研究生", "无", "英语", None, None, None);
    let ti = Staff.col_index("title").unwrap();
    ds.table_mut(Staff).rows[3].cells[ti] = Value::from("高级");
    // J (初中): 本科 市级骨干; 专科 音乐; 专科; 研究生
    t(&mut ds, "3607210002", "初中", "本科", "市级", "语文", None, None, None);
    t(&mut ds, "3607210002", "初中", "专科", "无", "音乐", None, None, None);
    t(&mut ds, "3607210002", "初中", "专科", "无", "语文", None, None, None);
    t(&mut ds, "3607210002", "初中", "研究生", "无", "物理", None, None, None);
    // K (学前): 专科; 高中
    t(&mut ds, "3607210003", "学前", "专科", "无", "", None, None, None);
    t(&mut ds, "3607210003", "学前", "高中", "无", "", None, None, None);
    // V (中职): 专业课 双师型; 专业课; 文化课
    t(&mut ds, "3607210004", "中职", "本科", "无", "机械", None, Some(true), Some(true));
    t(&mut ds, "3607210004", "中职", "本科", "无", "机械", None, Some(true), Some(false));
    t(&mut ds, "3607210004", "中职", "本科", "无", "语文", None, Some(false), Some(false));
    row!(&mut ds, Conditions, "year" => 2024i64, "school_id" => "3607210001", "area_sport" => 2000.0, "equipment_value" => 30.0, "mm_rooms" => 4i64,
         "books" => 5000i64, "computers" => 40i64, "public_funds" => 20.0);
    for age in (6..=11).chain(15..=17) {
        row!(&mut ds, Population, "region" => "360721001", "year" => 2024i64, "age" => age as i64, "count" => 100i64);
    }
    [2016, 2023, 2024].into_iter().map(|y| YearData::from_dataset(&ds, y)).collect()
}

#[tokio::test]
async fn teachers_conditions_cohorts_and_uis_ratios_by_hand() {
    let f = compute(&third(), &Catalogue::builtin(), 2024).await;
    let c = "360721";
    // 九年义务教育巩固率: 九年级 2024 (190) / 一年级 2016 (200); 初中三年巩固率 needs 2022: unavailable
    assert_close(find(&f, "ce_retention", c, "初中"), 95.0);
    assert!(find(&f, "jun_retention", c, "初中").reason.as_ref().unwrap().1.contains("missing year 2022 (t−2)"));
    // 辍学率 初中: (2 + 1 + 3) / 2023's 300 + 290 + 280
    assert_close(find(&f, "dropout_rate", c, "初中"), 6.0 / 870.0 * 100.0);
    // 高中阶段毛入学率: (200 + 100) / 15–17 (300); UIS GER 小学 200 / 600; NER 小学 counts ages 6–11 only: 90 + 10 + 95
    assert_close(find(&f, "sen_ger", c, "高中"), 100.0);
    assert_close(find(&f, "uis_ger", c, "小学"), 200.0 / 600.0 * 100.0);
    assert_close(find(&f, "uis_ner", c, "小学"), 195.0 / 600.0 * 100.0);
    // 高于规定学历: 小学 专科 and above (本科, 专科, 研究生: 3 of 4); 初中 本科 and above (2 of 4)
    assert_close(find(&f, "tq_above_std", c, "小学"), 75.0);
    assert_close(find(&f, "tq_above_std", c, "初中"), 50.0);
    // per 100 students (优质均衡 Q1): 小学 3 above-degree teachers / 200 students; 初中 2 / 795
    assert_close(find(&f, "tq_above_per100", c, "小学"), 1.5);
    assert_close(find(&f, "tq_above_per100", c, "初中"), 2.0 / 795.0 * 100.0);
    assert_close(find(&f, "teachers_per100", c, "小学"), 2.0);
    assert_close(find(&f, "enrolled_count", c, "全部"), 1325.0);
    assert_close(find(&f, "enrolled_count", "3607210002", "初中"), 795.0);
    // 一级 and above: the 本科 小学 teacher is 一级, the 研究生 is 高级; 二级 does not count
    assert_close(find(&f, "senior_title_per100", c, "小学"), 1.0);
    assert_close(find(&f, "pre_teacher_college", c, "学前"), 50.0);
    // per 100 students of all stages (100+100 + 310+295+190 + 30 + 200 + 100 = 1325): 骨干 县级 + 市级; 体育 + 音乐
    assert_close(find(&f, "backbone_per100", c, "全部"), 2.0 / 1325.0 * 100.0);
    assert_close(find(&f, "pe_art_per100", c, "全部"), 2.0 / 1325.0 * 100.0);
    // 培训: 400 and 360 hours count, 359 and none do not
    assert_close(find(&f, "training_share", c, "小学"), 50.0);
    // 双师型: 1 of the 2 专业课 teachers (the 文化课 teacher is not in the denominator)
    assert_close(find(&f, "dual_teacher_share", c, "中职"), 50.0);
    // 生师比 (and its UIS name) 小学 200 / 4; 平均班额 学前 30 / 1
    assert_close(find(&f, "uis_ptr", c, "小学"), 50.0);
    assert_close(find(&f, "uis_avg_class_size", c, "学前"), 30.0);
    // conditions of P (200 students): 体育场馆 2000 m²; 设备 30 万元 = 300000 元; 4 rooms; 5000 books; 40 computers; 公用经费 20 万元
    let p = "3607210001";
    assert_close(find(&f, "area_sport_pp", p, "小学"), 10.0);
    assert_close(find(&f, "equip_pp", p, "小学"), 1500.0);
    assert_close(find(&f, "mm_room_per100", p, "小学"), 2.0);
    assert_close(find(&f, "books_pp", p, "小学"), 25.0);
    assert_close(find(&f, "computers_per100", p, "小学"), 20.0);
    assert_close(find(&f, "public_funds_pp", p, "全部"), 1000.0);
}

#[tokio::test]
async fn fund_execution_at_the_school_and_the_county() {
    use eduplan_engine::facts::FundFact;
    let years = fixture();
    let cat = Catalogue::builtin();
    let f = |date: &str, school: Option<&str>, released: f64, spent: f64| FundFact { date: date.into(), school_id: school.map(String::from), county: "360721".into(), released, spent };
    // S4's expansion: 800 released in 2024, 600 spent in 2024 and 200 in 2025;
    // a county project without a school: 400 released, 100 spent in 2024; a 2023 entry never counts.
    //   S4 2024: 600 / 800 = 75%;  township B: the same;  county: (600 + 100) / (800 + 400) = 58.33%
    let funds = [f("2024-03-01", Some(S4), 800.0, 0.0), f("2024-09-30", Some(S4), 0.0, 600.0), f("2025-01-10", Some(S4), 0.0, 200.0),
                 f("2024-04-01", None, 400.0, 100.0), f("2023-12-01", None, 999.0, 0.0)];
    let figs = Engine::with_funds(&years, &funds).compute(&cat, 2024, &Level::ALL, Some(&["fund_exec".to_string()])).await.unwrap();
    assert_close(find(&figs, "fund_exec", S4, "全部"), 75.0);
    assert_close(find(&figs, "fund_exec", "360721002", "全部"), 75.0);
    let county = find(&figs, "fund_exec", "360721", "全部");
    assert_close(county, 700.0 / 1200.0 * 100.0);
    assert_eq!((county.numerator, county.denominator), (Some(700.0), Some(1200.0)), "sums, never a mean of 75% and 25%");
    // without any fund data: unavailable, saying why
    let figs = Engine::new(&years).compute(&cat, 2024, &[Level::County], Some(&["fund_exec".to_string()])).await.unwrap();
    let c = find(&figs, "fund_exec", "360721", "全部");
    assert!(c.value.is_none() && c.reason.as_ref().is_some_and(|r| r.0.contains("资金")), "{:?}", c.reason);
}

/// Every indicator of the built-in catalogue is checked against a hand computation in these
/// tests (by code, in quotes, in one of the two test files).
#[test]
fn every_catalogue_indicator_has_a_hand_computed_check() {
    let sources = [include_str!("indicators.rs"), include_str!("catalogue_more.rs")].concat();
    let missing: Vec<String> = Catalogue::builtin().indicator.iter().map(|i| i.code.clone()).filter(|c| !sources.contains(&format!("\"{c}\""))).collect();
    assert!(missing.is_empty(), "no hand-computed check for {missing:?}");
}
