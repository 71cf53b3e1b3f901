//! The demo county looks like a mid-size Chinese county (the figures the foundation issue asks
//! for), births fall after 2016, children drift to the county seat, and the generated data pass
//! every import check.

use std::collections::HashMap;

use eduplan_core::import::plan_import;
use eduplan_core::schema::{grade_stage, SheetKind};
use eduplan_synth::{generate, Options};

#[test]
fn the_demo_county_is_calibrated() {
    let ds = generate(&Options { counties: 1, seed: 1, years: (2015, 2024) });
    let plan = plan_import(ds.clone(), vec![], &Default::default());
    assert!(plan.ok(), "{:?}", plan.errors().next());
    assert_eq!(plan.years.len(), 10);
    let y = &plan.years.last().unwrap().data;
    let pop: i64 = y.table(SheetKind::Population).rows.iter().map(|r| y.table(SheetKind::Population).get(r, "count").as_i64().unwrap()).sum();
    assert!((450_000..=550_000).contains(&pop), "population {pop}");
    let townships = y.table(SheetKind::Regions).rows.len() - 1;
    assert!((16..=20).contains(&townships), "{townships} townships");
    let schools = y.table(SheetKind::Schools);
    assert!((160..=230).contains(&schools.rows.len()), "{} schools", schools.rows.len());
    let types: HashMap<String, usize> = schools.rows.iter().fold(HashMap::new(), |mut m, r| {
        *m.entry(schools.get(r, "type").display()).or_default() += 1;
        m
    });
    for t in ["幼儿园", "小学", "教学点", "初级中学", "九年一贯制学校", "高级中学", "中等职业学校", "特殊教育学校"] {
        assert!(types.get(t).copied().unwrap_or(0) > 0, "no {t}");
    }
    let hs = types["高级中学"] + types.get("完全中学").copied().unwrap_or(0);
    assert!((2..=4).contains(&hs));
    assert_eq!(types["特殊教育学校"], 1);
    let st = y.table(SheetKind::Students);
    let mut by_stage: HashMap<&str, i64> = HashMap::new();
    for r in &st.rows {
        *by_stage.entry(grade_stage(&st.get(r, "grade").display()).unwrap()).or_default() += st.get(r, "enrolled").as_i64().unwrap();
    }
    let kg = by_stage["学前"];
    let comp = by_stage["小学"] + by_stage["初中"];
    let high = by_stage["高中"] + by_stage["中职"];
    assert!((16_000..=24_000).contains(&kg), "kindergarten {kg}");
    assert!((75_000..=95_000).contains(&comp), "compulsory {comp}");
    assert!((20_000..=30_000).contains(&high), "high-school stage {high}");
    let staff = y.table(SheetKind::Staff).rows.len();
    assert!((6_500..=9_000).contains(&staff), "staff {staff}");
    // 大班额 exists, and 56+ classes are found in the county seat, not in villages
    let cl = y.table(SheetKind::Classes);
    let ur: HashMap<String, String> = schools.rows.iter().map(|r| (schools.get(r, "school_id").display(), schools.get(r, "urban_rural").display())).collect();
    let big: Vec<&str> = cl.rows.iter().filter(|r| cl.get(r, "size").as_i64().unwrap() >= 56).map(|r| ur[&cl.get(r, "school_id").display()].as_str()).collect();
    assert!(big.len() > 50, "{} big classes", big.len());
    assert!(big.iter().filter(|u| **u == "乡村").count() * 10 < big.len());
}

#[test]
fn births_fall_and_children_drift_to_the_county_seat() {
    let ds = generate(&Options { counties: 1, seed: 2, years: (2015, 2024) });
    let pop = ds.table(SheetKind::Population).unwrap();
    let regions = ds.table(SheetKind::Regions).unwrap();
    let ur: HashMap<String, String> = regions.rows.iter().map(|r| (regions.get(r, "code").display(), regions.get(r, "urban_rural").display())).collect();
    let sum = |year: i64, age: i64, f: &dyn Fn(&str) -> bool| -> i64 {
        pop.rows
            .iter()
            .filter(|r| pop.get(r, "year").as_i64() == Some(year) && pop.get(r, "age").as_i64() == Some(age) && f(&ur[&pop.get(r, "region").display()]))
            .map(|r| pop.get(r, "count").as_i64().unwrap())
            .sum()
    };
    let all = |_: &str| true;
    assert!(sum(2024, 0, &all) * 10 < sum(2016, 0, &all) * 6, "births in 2024 well below the 2016 peak");
    let urban_share = |y: i64| sum(y, 6, &|u| u == "城区") as f64 / sum(y, 6, &all) as f64;
    assert!(urban_share(2024) > urban_share(2015) + 0.05, "{} vs {}", urban_share(2024), urban_share(2015));
}

#[test]
fn a_province_has_many_counties_with_distinct_codes() {
    let ds = generate(&Options { counties: 3, seed: 1, years: (2024, 2024) });
    let plan = plan_import(ds, vec![], &Default::default());
    assert!(plan.ok(), "{:?}", plan.errors().next());
    let y = &plan.years[0].data;
    let regions = y.table(SheetKind::Regions);
    let counties = regions.rows.iter().filter(|r| {
        let c = regions.get(r, "code").display();
        c.len() == 6 && !c.ends_with("00")
    });
    assert_eq!(counties.count(), 3);
}
