//! Target reachability (目标可达性): the projected value of each plan target's indicator in its
//! target year, and whether the target would be reached.

use eduplan_core::plan::Cmp;
use serde::Serialize;

use crate::run::Projection;
use crate::{round_half_up, Inputs, Stage, Track};

/// A plan target linked to a catalogue indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetIn {
    /// The plan's name.
    pub plan: String,
    /// The target as the plan words it (or the metric).
    pub target: String,
    /// Catalogue code.
    pub indicator: String,
    /// Region code (empty: the data's only county).
    pub scope: String,
    /// 目标年份.
    pub target_year: i32,
    /// 目标值.
    pub target_value: f64,
    /// ≥, ≤ or =.
    pub cmp: Cmp,
}

/// A target's projected value and verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reach {
    /// The plan's name.
    pub plan: String,
    /// The target's text.
    pub target: String,
    /// Catalogue code.
    pub indicator: String,
    /// Region code.
    pub scope: String,
    /// 目标年份.
    pub target_year: i32,
    /// 目标值.
    pub target_value: f64,
    /// ≥, ≤ or =.
    pub cmp: &'static str,
    /// The projected value in the target year (null when it cannot be projected).
    pub projected: Option<f64>,
    /// Reached, not reached, or unknown (null).
    pub reached: Option<bool>,
    /// Why it is unknown, or how the value was found.
    pub reason: String,
}

/// Indicators a projection can give, with the stage a GER is about.
pub const PROJECTABLE: [&str; 10] = ["pre_ger", "pri_ger", "jun_ger", "sen_ger", "ce_retention", "big_class_share", "enrolled_count", "places", "place_gap", "staffing_gap"];

/// The projected value of an indicator at a region (county or township) and year, with the
/// reason when there is none.
pub fn projected_value(inputs: &Inputs, p: &Projection, code: &str, scope: &str, year: i32) -> Result<f64, String> {
    if year < p.base_year || year > p.to {
        return Err(format!("{year} 年不在预测期 {}–{} 内 / {year} is outside the projection {}–{}", p.base_year, p.to, p.base_year, p.to));
    }
    let rows: Vec<_> = p.rows.iter().filter(|r| r.scope == scope && r.year == year && r.level != "school").collect();
    if rows.is_empty() {
        return Err(format!("区划 {scope} 不在预测范围内 / region {scope} is not in the projection"));
    }
    let stage_row = |s: Stage| rows.iter().find(|r| r.stage == s.name());
    let sum = |f: fn(&crate::Row) -> f64| rows.iter().map(|r| f(r)).sum::<f64>();
    let ratio = |n: f64, d: f64| if d > 0.0 { Ok(n / d * 100.0) } else { Err("分母为零 / zero denominator".to_string()) };
    match code {
        "pre_ger" | "pri_ger" | "jun_ger" | "sen_ger" => {
            let st = match code {
                "pre_ger" => Stage::Pre,
                "pri_ger" => Stage::Pri,
                "jun_ger" => Stage::Jun,
                _ => Stage::Sen,
            };
            let r = stage_row(st).ok_or("没有该学段 / no such stage")?;
            ratio(r.enrolled, r.school_age_pop.unwrap_or(0.0))
        }
        "ce_retention" => {
            // 九年级 in the year over 一年级 eight years before (projected, or recorded before the base)
            let g9 = p.grade(scope, year, Track::Jun).map(|v| v[2]).unwrap_or(0.0);
            let y1 = year - 8;
            let g1 = if y1 >= p.base_year {
                p.grade(scope, y1, Track::Pri).map(|v| v[0]).unwrap_or(0.0)
            } else {
                inputs.grade1.get(&(scope.to_string(), y1)).copied().unwrap_or(0.0)
            };
            ratio(g9, g1)
        }
        "big_class_share" => ratio(sum(|r| r.big_classes), sum(|r| r.classes_kept)),
        "enrolled_count" => Ok(sum(|r| r.enrolled)),
        "places" => Ok(sum(|r| r.places)),
        "place_gap" => Ok(sum(|r| r.place_gap)),
        "staffing_gap" => Ok(sum(|r| r.teachers_needed) - sum(|r| r.teachers_available)),
        _ => Err(format!("指标 {code} 无法由预测得到 / {code} is not projected")),
    }
}

/// Every target's verdict under a projection.
pub fn reach(inputs: &Inputs, p: &Projection, targets: &[TargetIn]) -> Vec<Reach> {
    let counties = inputs.counties();
    targets
        .iter()
        .map(|t| {
            let scope = if t.scope.is_empty() && counties.len() == 1 { counties[0].clone() } else { t.scope.clone() };
            let v = if PROJECTABLE.contains(&t.indicator.as_str()) {
                projected_value(inputs, p, &t.indicator, &scope, t.target_year)
            } else {
                Err(format!("指标 {} 无法由预测得到 / {} is not projected", t.indicator, t.indicator))
            };
            let (projected, reached, reason) = match v {
                Ok(v) => {
                    let v = round_half_up(v, 2);
                    let ok = match t.cmp {
                        Cmp::Ge => v >= t.target_value - 1e-9,
                        Cmp::Le => v <= t.target_value + 1e-9,
                        Cmp::Eq => (v - t.target_value).abs() < 0.005,
                    };
                    (Some(v), Some(ok), format!("{} 年预测值 / projected for {}", t.target_year, t.target_year))
                }
                Err(e) => (None, None, e),
            };
            Reach {
                plan: t.plan.clone(),
                target: t.target.clone(),
                indicator: t.indicator.clone(),
                scope,
                target_year: t.target_year,
                target_value: t.target_value,
                cmp: t.cmp.symbol(),
                projected,
                reached,
                reason,
            }
        })
        .collect()
}
