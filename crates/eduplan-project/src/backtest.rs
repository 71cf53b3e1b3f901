//! Backtest (回测): project from an earlier base year with only the data up to it, and compare
//! with what the later years recorded. Error is the mean absolute percentage error (MAPE) over
//! the townships (and over the counties) by stage and horizon.

use std::collections::{BTreeMap, HashMap};

use eduplan_core::data::YearData;
use eduplan_core::schema::SheetKind;
use serde::Serialize;

use crate::inputs::{Inputs, PlannedPlaces};
use crate::run::run;
use crate::scenario::Scenario;
use crate::{band, Stage, Track};

/// The error of one measure, stage, level and horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestRow {
    /// `enrolled` (在校生) or `school_age_pop` (适龄人口).
    pub measure: &'static str,
    /// 学段.
    pub stage: &'static str,
    /// `township` or `county`.
    pub level: &'static str,
    /// Years after the base year.
    pub horizon: i32,
    /// Mean absolute percentage error, percent (2 decimals).
    pub mape: f64,
    /// Regions compared (those with a recorded value above zero).
    pub n: usize,
}

/// Recorded pupils by (region, year, stage): every township and county, special schools left out.
pub fn recorded_enrolment(years: &[YearData]) -> HashMap<(String, i32, Stage), f64> {
    let mut out = HashMap::new();
    for y in years {
        let st = y.table(SheetKind::Schools);
        let (ci, ct, cr) = (st.sheet.col_index("school_id").expect("id"), st.sheet.col_index("type").expect("type"), st.sheet.col_index("region").expect("region"));
        let regions = y.table(SheetKind::Regions);
        let (rc, rp) = (regions.sheet.col_index("code").expect("code"), regions.sheet.col_index("parent").expect("parent"));
        let parent: HashMap<String, String> = regions.rows.iter().map(|r| (r.cells[rc].display(), r.cells[rp].display())).collect();
        let school: HashMap<String, (String, bool)> = st.rows.iter().map(|r| (r.cells[ci].display(), (r.cells[cr].display(), r.cells[ct].as_str() == Some("特殊教育学校")))).collect();
        let t = y.table(SheetKind::Students);
        let (si, sg, se) = (t.sheet.col_index("school_id").expect("id"), t.sheet.col_index("grade").expect("grade"), t.sheet.col_index("enrolled").expect("enrolled"));
        for r in &t.rows {
            let Some((tw, special)) = school.get(&r.cells[si].display()) else { continue };
            let Some((track, _)) = Track::of_grade(&r.cells[sg].display()) else { continue };
            if *special {
                continue;
            }
            let n = r.cells[se].as_f64().unwrap_or(0.0);
            let county = parent.get(tw).filter(|p| !p.is_empty()).cloned().unwrap_or_else(|| tw.chars().take(6).collect());
            *out.entry((tw.clone(), y.year, track.stage())).or_default() += n;
            *out.entry((county, y.year, track.stage())).or_default() += n;
        }
    }
    out
}

/// Projects from `base` with the years up to it and compares years base+1 ..= `to` with the data.
pub fn backtest(years: &[YearData], projects: Vec<PlannedPlaces>, sc: &Scenario, base: i32, to: i32) -> Result<Vec<BacktestRow>, String> {
    if to <= base {
        return Err(format!("回测终止年 {to} 应晚于基期 {base} / the end year {to} must be after the base year {base}"));
    }
    let past: Vec<YearData> = years.iter().filter(|y| y.year <= base).cloned().collect();
    let inputs = Inputs::from_years(&past, base, projects)?;
    if !years.iter().any(|y| y.year == to) {
        return Err(format!("{to} 年没有数据可比较 / no data for {to} to compare with"));
    }
    let p = run(&inputs, sc, to);
    let recorded = recorded_enrolment(years);
    // the recorded population of the later years (not the whole inputs of the last year)
    let (recorded_pop, _) = crate::inputs::population_of(years, to);
    // errors[(measure, stage, level, horizon)] = (Σ |error| / actual, n)
    let mut errors: BTreeMap<(&'static str, Stage, &'static str, i32), (f64, usize)> = BTreeMap::new();
    for r in p.rows.iter().filter(|r| r.year > base && r.level != "school") {
        let stage = Stage::parse(r.stage).expect("a stage");
        let h = r.year - base;
        if let Some(actual) = recorded.get(&(r.scope.clone(), r.year, stage)).filter(|a| **a > 0.0) {
            let e = errors.entry(("enrolled", stage, r.level, h)).or_default();
            e.0 += (r.enrolled - actual).abs() / actual;
            e.1 += 1;
        }
        let (lo, hi) = stage.ages();
        let actual_pop: Option<f64> = match r.level {
            "township" => recorded_pop.get(&r.scope).and_then(|m| m.get(&r.year)).map(|a| band(a, lo, hi)),
            _ => {
                let tws: Vec<&String> = inputs.regions.values().filter(|x| x.parent.as_deref() == Some(r.scope.as_str())).map(|x| &x.code).collect();
                let v: f64 = tws.iter().filter_map(|t| recorded_pop.get(*t).and_then(|m| m.get(&r.year))).map(|a| band(a, lo, hi)).sum();
                Some(v)
            }
        };
        if let (Some(actual), Some(proj)) = (actual_pop.filter(|a| *a > 0.0), r.school_age_pop) {
            let e = errors.entry(("school_age_pop", stage, r.level, h)).or_default();
            e.0 += (proj - actual).abs() / actual;
            e.1 += 1;
        }
    }
    Ok(errors
        .into_iter()
        .map(|((measure, stage, level, horizon), (sum, n))| BacktestRow { measure, stage: stage.name(), level, horizon, mape: crate::round_half_up(sum / n as f64 * 100.0, 2), n })
        .collect())
}
