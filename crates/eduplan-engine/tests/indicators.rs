//! Catalogue indicators on a hand-made county whose expected values are worked out by hand
//! below; and, on a generated county, that county figures are sums over townships and do not
//! depend on row order.
//!
//! The fixture (school year 2024; 2022 only for the cohort):
//!   county 360721; townships A = 360721001 (城区), B = 360721002 (乡村)
//!   S1 3607210001 小学 (A): 一年级 100 (ages 6:95;7:5) in classes 50+50; 六年级 80 (11:70;12:10), one class of 80
//!   S2 3607210002 九年一贯制 (B): 一年级 30 (6:30); 七年级 40 (12:40); 九年级 36 (14:30;15:6), 2 dropouts; one class each
//!   K1 3607210003 民办普惠幼儿园 (A): 小班 50 in 25+25; 中班 60 in one class
//!   K2 3607210004 民办非普惠幼儿园 (B): 大班 40 in one class
//!   teachers: S1 10 小学; S2 4 小学 + 5 初中 (+1 行政); K1 5 (+2 保育员); K2 2; two of the 26 without 资格证
//!   conditions: S1 教学及辅助用房 900 m²; S2 1000 m² (split 小学 : 初中 by weighted students 30×1 : 76×1.1)
//!   population A: age 2 1000, 3 40, 4 45, 5 50, 6 100, 11 80, 12 30; B: 3 20, 4 20, 5 25, 6 35, 13 20, 14 30
//!   2022: S2 七年级 40

use eduplan_core::data::{Dataset, RowBuilder, Value, YearData};
use eduplan_core::schema::SheetKind::{self, *};
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

fn lists(ds: &mut Dataset) {
    row!(ds, Regions, "code" => "360721", "name" => "示例县");
    row!(ds, Regions, "code" => "360721001", "name" => "A街道", "parent" => "360721", "urban_rural" => "城区");
    row!(ds, Regions, "code" => "360721002", "name" => "B乡", "parent" => "360721", "urban_rural" => "乡村");
    for (id, ty, own, ph, tw) in [
        ("3607210001", "小学", "公办", None, "360721001"),
        ("3607210002", "九年一贯制学校", "公办", None, "360721002"),
        ("3607210003", "幼儿园", "民办", Some(true), "360721001"),
        ("3607210004", "幼儿园", "民办", Some(false), "360721002"),
    ] {
        row!(ds, Schools, "school_id" => id, "name" => id, "type" => ty, "ownership" => own, "puhui" => ph, "region" => tw, "urban_rural" => "城区");
    }
}

fn fixture() -> Vec<YearData> {
    let mut d22 = Dataset::default();
    lists(&mut d22);
    row!(&mut d22, Students, "year" => 2022, "school_id" => "3607210002", "grade" => "七年级", "enrolled" => 40);

    let mut ds = Dataset::default();
    lists(&mut ds);
    let st = |ds: &mut Dataset, id: &str, g: &str, n: i64, ages: &str, drop: i64| {
        row!(ds, Students, "year" => 2024, "school_id" => id, "grade" => g, "enrolled" => n, "by_age" => ages, "dropouts" => drop);
    };
    st(&mut ds, "3607210001", "一年级", 100, "6:95;7:5", 0);
    st(&mut ds, "3607210001", "六年级", 80, "11:70;12:10", 0);
    st(&mut ds, "3607210002", "一年级", 30, "6:30", 0);
    st(&mut ds, "3607210002", "七年级", 40, "12:40", 0);
    st(&mut ds, "3607210002", "九年级", 36, "14:30;15:6", 2);
    st(&mut ds, "3607210003", "小班", 50, "3:50", 0);
    st(&mut ds, "3607210003", "中班", 60, "4:60", 0);
    st(&mut ds, "3607210004", "大班", 40, "5:40", 0);
    for (k, (id, g, size)) in [
        ("3607210001", "一年级", 50),
        ("3607210001", "一年级", 50),
        ("3607210001", "六年级", 80),
        ("3607210002", "一年级", 30),
        ("3607210002", "七年级", 40),
        ("3607210002", "九年级", 36),
        ("3607210003", "小班", 25),
        ("3607210003", "小班", 25),
        ("3607210003", "中班", 60),
        ("3607210004", "大班", 40),
    ]
    .into_iter()
    .enumerate()
    {
        row!(&mut ds, Classes, "year" => 2024, "school_id" => id, "grade" => g, "class" => format!("c{k}"), "size" => size as i64);
    }
    let mut n = 0;
    let mut teacher = |ds: &mut Dataset, id: &str, level: &str, role: &str, certified: bool| {
        n += 1;
        row!(ds, Staff, "year" => 2024, "school_id" => id, "staff_id" => format!("T{n}"), "role" => role, "level" => level, "certified" => certified);
    };
    for k in 0..10 {
        teacher(&mut ds, "3607210001", "小学", "专任教师", k != 0);
    }
    for k in 0..4 {
        teacher(&mut ds, "3607210002", "小学", "专任教师", k != 0);
    }
    for _ in 0..5 {
        teacher(&mut ds, "3607210002", "初中", "专任教师", true);
    }
    teacher(&mut ds, "3607210002", "初中", "行政", true);
    for _ in 0..5 {
        teacher(&mut ds, "3607210003", "学前", "专任教师", true);
    }
    for _ in 0..2 {
        teacher(&mut ds, "3607210003", "学前", "保育员", true);
    }
    for _ in 0..2 {
        teacher(&mut ds, "3607210004", "学前", "专任教师", true);
    }
    row!(&mut ds, Conditions, "year" => 2024, "school_id" => "3607210001", "area_teaching" => 900.0);
    row!(&mut ds, Conditions, "year" => 2024, "school_id" => "3607210002", "area_teaching" => 1000.0);
    for (tw, age, count) in [
        ("360721001", 2, 1000),
        ("360721001", 3, 40),
        ("360721001", 4, 45),
        ("360721001", 5, 50),
        ("360721001", 6, 100),
        ("360721001", 11, 80),
        ("360721001", 12, 30),
        ("360721002", 3, 20),
        ("360721002", 4, 20),
        ("360721002", 5, 25),
        ("360721002", 6, 35),
        ("360721002", 13, 20),
        ("360721002", 14, 30),
    ] {
        row!(&mut ds, Population, "region" => tw, "year" => 2024, "age" => age as i64, "count" => count as i64);
    }
    vec![YearData::from_dataset(&d22, 2022), YearData::from_dataset(&ds, 2024)]
}

async fn figures(years: &[YearData]) -> Vec<Figure> {
    let engine = Engine::new(years);
    engine.compute(&Catalogue::builtin(), 2024, &[Level::School, Level::Township, Level::County], None).await.unwrap()
}

fn find<'a>(f: &'a [Figure], code: &str, scope: &str, stage: &str) -> &'a Figure {
    f.iter().find(|x| x.code == code && x.scope == scope && x.stage == stage).unwrap_or_else(|| panic!("no {code} {scope} {stage}"))
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn every_figure_matches_the_hand_computation() {
    let f = figures(&fixture()).await;
    let v = |code: &str, scope: &str, stage: &str| find(&f, code, scope, stage).value;

    // 学前三年毛入园率: (50 + 60 + 40) / (40+45+50 + 20+20+25) = 150 / 200 (ages 3–5 only: age 2's 1000 must not count)
    assert!(close(v("pre_ger", "360721", "学前"), 75.0));
    let g = find(&f, "pre_ger", "360721", "学前");
    assert_eq!((g.numerator, g.denominator), (Some(150.0), Some(200.0)));
    // township A: 110 / 135; B: 40 / 65
    assert!(close(v("pre_ger", "360721001", "学前"), 110.0 / 135.0 * 100.0));
    assert!(close(v("pre_ger", "360721002", "学前"), 40.0 / 65.0 * 100.0));
    // 普惠性覆盖率: K1 is 普惠 (110 children), K2 is not (40): 110 / 150; 公办园占比: 0 / 150
    assert!(close(v("pre_puhui_cov", "360721", "学前"), 110.0 / 150.0 * 100.0));
    assert!(close(v("pre_public_share", "360721", "学前"), 0.0));
    // 小学毛入学率: (100 + 80 + 30) / (100 + 80 + 35) = 210 / 215
    assert!(close(v("pri_ger", "360721", "小学"), 210.0 / 215.0 * 100.0));
    // 小学净入学率: students aged 6–11: 95 + 5 + 70 + 30 = 200 (the 10 twelve-year-olds are out) / 215
    assert!(close(v("pri_ner", "360721", "小学"), 200.0 / 215.0 * 100.0));
    // 初中毛入学率: (40 + 36) / (30 + 20 + 30) = 76 / 80
    assert!(close(v("jun_ger", "360721", "初中"), 95.0));
    // 初中三年巩固率: grade 9 in 2024 (36) / grade 7 in 2022 (40)
    assert!(close(v("jun_retention", "360721", "初中"), 90.0));
    // 九年义务教育巩固率 needs 2016's grade 1: not loaded, so unavailable with the reason
    let ce = find(&f, "ce_retention", "360721", "初中");
    assert_eq!(ce.status(), "unavailable");
    assert!(ce.reason.as_ref().unwrap().1.contains("missing year 2016"), "{:?}", ce.reason);

    // 大班额比例 over all stages: 2 of 10 classes (80 and 60); averaging the townships'
    // ratios (2/6 and 0/4) would give 16.67, not 20
    assert!(close(v("big_class_share", "360721", "全部"), 20.0));
    let b = find(&f, "big_class_share", "360721", "全部");
    assert_eq!((b.numerator, b.denominator), (Some(2.0), Some(10.0)));
    assert!(close(v("big_class_share", "360721", "小学"), 25.0)); // 50, 50, 80, 30
    assert!(close(v("big_class_share", "360721", "初中"), 0.0));
    assert!(close(v("huge_class_share", "360721", "全部"), 10.0)); // only the 80
    assert!(close(v("big_class_count", "360721001", "全部"), 2.0));
    // over the standard size: 小学 45 (the 50s and the 80), 中班 30 (the 60), 大班 35 (the 40)
    assert!(close(v("over_std_class", "360721", "全部"), 5.0));
    assert!(close(v("avg_class_size", "360721", "全部"), 436.0 / 10.0));

    // 生师比: all students 436 / 26 teachers; 小学 (180 + 30) / (10 + 4); 初中 76 / 5
    assert!(close(v("ptr", "360721", "全部"), 436.0 / 26.0));
    assert!(close(v("ptr", "360721", "小学"), 15.0));
    assert!(close(v("ptr", "360721", "初中"), 76.0 / 5.0));
    assert!(close(v("ptr", "3607210002", "全部"), 106.0 / 9.0));
    // 持证率: 24 of 26
    assert!(close(v("cert_share", "360721", "全部"), 24.0 / 26.0 * 100.0));

    // 生均教学及辅助用房: S2's 1000 m² split 30×1 : 76×1.1 between 小学 and 初中
    let s2_primary = 1000.0 * 30.0 / (30.0 + 76.0 * 1.1);
    assert!(close(v("area_teach_pp", "3607210002", "小学"), s2_primary / 30.0));
    assert!(close(v("area_teach_pp", "3607210002", "初中"), (1000.0 - s2_primary) / 76.0));
    assert!(close(v("area_teach_pp", "360721", "小学"), (900.0 + s2_primary) / 210.0));
    assert!(close(v("area_teach_pp", "3607210001", "全部"), 5.0));

    // 辍学率 needs 2023's enrolment, which is not loaded
    assert_eq!(find(&f, "dropout_rate", "360721", "初中").status(), "unavailable");
    // 适龄人口 (a count): 小学 6–11 = 215
    assert!(close(v("school_age_pop", "360721", "小学"), 215.0));
}

#[tokio::test]
async fn zero_or_missing_denominators_are_unavailable_with_a_reason() {
    let mut years = fixture();
    // no roster at all in 2024: every teacher indicator is unavailable, never 0 or infinity
    years[1].table_mut(Staff).rows.clear();
    let f = figures(&years).await;
    for fig in f.iter().filter(|x| x.code == "ptr" || x.code == "cert_share") {
        assert_eq!(fig.status(), "unavailable", "{fig:?}");
        assert!(fig.reason.is_some());
        assert!(fig.value.is_none());
    }
    // NER with a missing 分年龄在校生 is unavailable, not understated
    let mut years = fixture();
    let ai = Students.col_index("by_age").unwrap();
    years[1].table_mut(Students).rows[0].cells[ai] = Value::Null;
    let f = figures(&years).await;
    assert_eq!(find(&f, "pri_ner", "360721", "小学").status(), "unavailable");
    assert_eq!(find(&f, "pri_ger", "360721", "小学").status(), "ok");
}

#[tokio::test]
async fn county_figures_are_sums_over_townships_and_row_order_does_not_matter() {
    let ds = eduplan_synth::generate(&eduplan_synth::Options { counties: 1, seed: 11, years: (2021, 2024) });
    let years: Vec<YearData> = (2021..=2024).map(|y| YearData::from_dataset(&ds, y)).collect();
    let f = figures(&years).await;
    let cat = Catalogue::builtin();
    let mut checked = 0;
    for county in f.iter().filter(|x| x.level == Level::County && x.value.is_some()) {
        let ind = cat.get(&county.code).unwrap();
        if !ind.levels.contains(&Level::Township) {
            continue;
        }
        let towns: Vec<&Figure> = f.iter().filter(|x| x.level == Level::Township && x.code == county.code && x.stage == county.stage).collect();
        if towns.iter().all(|t| t.numerator.is_none()) {
            continue; // data reported for the county only (受教育程度)
        }
        if ind.kind == eduplan_engine::Kind::Gap {
            let gaps: f64 = towns.iter().filter_map(|t| t.value).sum();
            assert!((gaps - county.value.unwrap()).abs() < 1e-6, "{}: county gap is the sum of township gaps", county.code);
        }
        let num: f64 = towns.iter().filter_map(|t| t.numerator).sum();
        assert!((num - county.numerator.unwrap()).abs() < 1e-6 * num.abs().max(1.0), "{} {}: Σ townships {num} vs county {:?}", county.code, county.stage, county.numerator);
        if let Some(d) = county.denominator {
            let den: f64 = towns.iter().filter_map(|t| t.denominator).sum();
            assert!((den - d).abs() < 1e-6 * d.abs().max(1.0), "{} {}", county.code, county.stage);
        }
        checked += 1;
    }
    assert!(checked > 60, "only {checked} county figures checked");

    // the same rows shuffled (Fisher–Yates with a fixed xorshift stream)
    let mut reversed = years.clone();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for y in &mut reversed {
        for t in y.tables.values_mut() {
            for i in (1..t.rows.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                t.rows.swap(i, (state % (i as u64 + 1)) as usize);
            }
        }
    }
    let g = figures(&reversed).await;
    assert_eq!(f.len(), g.len());
    for a in &f {
        let b = g.iter().find(|b| b.code == a.code && b.scope == a.scope && b.stage == a.stage && b.level == a.level).unwrap();
        assert_eq!(a.status(), b.status());
        if let (Some(x), Some(y)) = (a.value, b.value) {
            assert!((x - y).abs() < 1e-9 * x.abs().max(1.0), "{} {} {}", a.code, a.scope, a.stage);
        }
    }
}
