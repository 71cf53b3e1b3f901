//! Properties on a generated county (eduplan-synth): the county is the sum of its townships, a
//! urbanisation scenario moves children without creating any, and the backtest of the generated
//! history stays close.

use eduplan_core::data::YearData;
use eduplan_project::backtest::backtest;
use eduplan_project::{run, Inputs, Scenario, Stage};

fn years() -> Vec<YearData> {
    let ds = eduplan_synth::generate(&eduplan_synth::Options { counties: 1, seed: 7, years: (2015, 2024) });
    (2015..=2024).map(|y| YearData::from_dataset(&ds, y)).collect()
}

#[test]
fn the_county_is_the_sum_of_its_townships() {
    let years = years();
    let inputs = Inputs::from_years(&years, 2024, Vec::new()).unwrap();
    let p = run(&inputs, &Scenario::default(), 2039);
    let county = &inputs.counties()[0];
    for y in [2024, 2030, 2039] {
        for st in Stage::ALL {
            let c = p.row(county, y, st).unwrap();
            let tws: Vec<_> = p.rows.iter().filter(|r| r.level == "township" && r.year == y && r.stage == st.name()).collect();
            let sum = |f: fn(&eduplan_project::Row) -> f64| tws.iter().map(|r| f(r)).sum::<f64>();
            // counts are rounded once each, so sums of rounded townships may differ by the rounding
            assert!((sum(|r| r.enrolled) - c.enrolled).abs() <= tws.len() as f64 * 0.5, "{y} {st:?}");
            assert_eq!(sum(|r| r.classes_needed), c.classes_needed);
            assert_eq!(sum(|r| r.teachers_needed), c.teachers_needed);
            assert_eq!(sum(|r| r.teachers_available), c.teachers_available);
            assert_eq!(sum(|r| r.big_classes), c.big_classes);
            assert!((sum(|r| r.place_gap) - c.place_gap).abs() <= tws.len() as f64 * 0.5);
            assert!((sum(|r| r.school_age_pop.unwrap()) - c.school_age_pop.unwrap()).abs() <= tws.len() as f64 * 0.5);
            // and every township is the sum of its schools
            for t in &tws {
                let schools: f64 = p.rows.iter().filter(|r| r.level == "school" && r.year == y && r.stage == st.name() && r.parent.as_deref() == Some(t.scope.as_str())).map(|r| r.classes_needed).sum();
                assert_eq!(schools, t.classes_needed);
            }
        }
    }
    // the base year rows are the recorded pupils
    let recorded = eduplan_project::backtest::recorded_enrolment(&years);
    for st in Stage::ALL {
        assert_eq!(p.row(county, 2024, st).unwrap().enrolled, recorded[&(county.clone(), 2024, st)], "{st:?}");
    }
}

#[test]
fn urbanisation_moves_children_between_townships_only() {
    let years = years();
    let inputs = Inputs::from_years(&years, 2024, Vec::new()).unwrap();
    // without the recorded migration (which differs between townships, so moved children would
    // then grow or shrink at their new home's rate)
    let still = Scenario { migration: "none".into(), ..Scenario::default() };
    let base = run(&inputs, &still, 2030);
    let urban = run(&inputs, &Scenario { urbanisation_pct: 5.0, ..still.clone() }, 2030);
    let county = &inputs.counties()[0];
    let pop = |p: &eduplan_project::Projection, scope: &str| p.population.iter().find(|r| r.scope == scope && r.year == 2030).unwrap().ages.iter().take(18).sum::<f64>();
    assert!((pop(&base, county) - pop(&urban, county)).abs() <= 30.0, "the county keeps its children (up to rounding)");
    let town = inputs.townships().into_iter().find(|t| t.urban).unwrap();
    let village = inputs.townships().into_iter().find(|t| !t.urban).unwrap();
    assert!(pop(&urban, &town.code) > pop(&base, &town.code));
    assert!(pop(&urban, &village.code) < pop(&base, &village.code));
}

#[test]
fn the_backtest_of_the_generated_history_is_close() {
    let rows = backtest(&years(), Vec::new(), &Scenario::default(), 2019, 2024).unwrap();
    for r in &rows {
        eprintln!("{} {} {} h{} {:.2} n{}", r.measure, r.stage, r.level, r.horizon, r.mape, r.n);
    }
    let get = |measure: &str, stage: &str, level: &str, h: i32| rows.iter().find(|r| r.measure == measure && r.stage == stage && r.level == level && r.horizon == h).unwrap();
    for h in 1..=5 {
        for st in ["小学", "初中"] {
            let r = get("enrolled", st, "county", h);
            assert_eq!(r.n, 1);
            assert!(r.mape < 8.0, "{st} h{h}: {}", r.mape);
        }
    }
    // errors grow with the horizon for the township primary enrolment, on average
    assert!(get("enrolled", "小学", "township", 5).mape >= get("enrolled", "小学", "township", 1).mape);
    assert!(backtest(&years(), Vec::new(), &Scenario::default(), 2024, 2024).is_err());
}
