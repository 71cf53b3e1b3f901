//! 资金执行进度 (standards.md §7): for the funds released to a plan's projects in a year, the share
//! spent by each checkpoint of that year (50% by 30 June, 90% by 30 September, 100% by 31
//! December, or a province's dates and shares), county-wide and per project.

use std::collections::BTreeMap;

use eduplan_core::plan::{FundEntry, Project};
use eduplan_engine::round_half_up;
use serde_json::{json, Value as J};

use crate::Standards;

/// Spent / released in percent, `None` without released funds.
fn share(spent: f64, released: f64) -> Option<f64> {
    (released > 0.0).then(|| spent / released * 100.0)
}

/// The funds assessment of `year` as of `as_of` (YYYY-MM-DD): a checkpoint after `as_of` is not
/// yet due (`passed: null`). Projects without funds released in the year are left out.
pub fn funds(std: &Standards, year: i32, scope: &str, as_of: &str, projects: &[Project], entries: &[FundEntry]) -> J {
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let in_year: Vec<&FundEntry> = entries.iter().filter(|f| f.date >= from && f.date <= to).collect();
    let mut by_project: BTreeMap<&str, Vec<&FundEntry>> = BTreeMap::new();
    for f in &in_year {
        by_project.entry(f.project.as_str()).or_default().push(f);
    }
    let cps: Vec<(String, f64, bool)> = std.funds.checkpoints.iter().map(|c| {
        let d = format!("{year}-{}", c.date);
        let due = d.as_str() <= as_of;
        (d, c.share, due)
    }).collect();
    let spent_by = |fs: &[&FundEntry], d: &str| fs.iter().filter(|f| f.date.as_str() <= d).map(|f| f.spent).sum::<f64>();
    let mut rows = Vec::new();
    let mut failing = Vec::new();
    for p in projects {
        let Some(fs) = by_project.get(p.id.as_str()) else { continue };
        let released: f64 = fs.iter().map(|f| f.released).sum();
        let mut checks = Vec::new();
        let mut ok = true;
        for (d, need, due) in &cps {
            let spent = spent_by(fs, d);
            let v = share(spent, released);
            let passed = due.then(|| v.is_some_and(|v| v + 1e-9 >= *need));
            if passed == Some(false) {
                ok = false;
            }
            checks.push(json!({"date": d, "share": need, "spent": round_half_up(spent, 2), "value": v.map(|v| round_half_up(v, 2)), "passed": passed}));
        }
        if !ok {
            let late: Vec<String> = checks.iter().filter(|c| c["passed"] == false).map(|c| format!("{} 前 {}%（应 ≥ {}%）", c["date"].as_str().unwrap_or_default(), c["value"].as_f64().unwrap_or(0.0), c["share"].as_f64().unwrap_or(0.0))).collect();
            failing.push(format!("项目 {} {}：支出进度 {}", p.id, p.name, late.join("，")));
        }
        rows.push(json!({"project": p.id, "name": p.name, "school_id": p.school_id, "released": round_half_up(released, 2), "checkpoints": checks, "passed": ok}));
    }
    let released: f64 = in_year.iter().filter(|f| projects.iter().any(|p| p.id == f.project)).map(|f| f.released).sum();
    let ours: Vec<&FundEntry> = in_year.iter().copied().filter(|f| projects.iter().any(|p| p.id == f.project)).collect();
    let mut items = Vec::new();
    for (i, (d, need, due)) in cps.iter().enumerate() {
        let spent = spent_by(&ours, d);
        let v = share(spent, released);
        let passed = if *due { Some(v.is_some_and(|v| v + 1e-9 >= *need)) } else { None };
        let detail = match (v, due) {
            (None, _) => format!("{year} 年没有下达资金"),
            (Some(v), true) => format!("截至 {d} 支出 {} 万元，占下达 {} 万元的 {}%，标准 ≥ {need}%", round_half_up(spent, 2), round_half_up(released, 2), round_half_up(v, 2)),
            (Some(v), false) => format!("未到检查时点（当前 {}%）", round_half_up(v, 2)),
        };
        if passed == Some(false) {
            failing.insert(0, format!("F{} {}：{detail}", i + 1, format_args!("{d} 前支出进度")));
        }
        items.push(json!({"code": format!("F{}", i + 1), "name": format!("{} 前支出达到当年下达资金的 {need}%", &d[5..]), "passed": if released > 0.0 { passed } else { None }, "value": v.map(|v| round_half_up(v, 2)), "threshold": need, "detail": detail}));
    }
    let exec = share(spent_by(&ours, &to.min(as_of.to_string())), released);
    json!({
        "method": "funds", "year": year, "scope": scope, "standards": std.version, "as_of": as_of,
        "passed": failing.is_empty() && released > 0.0,
        "fund_exec": exec.map(|v| round_half_up(v, 2)), "released": round_half_up(released, 2),
        "projects": rows, "items": items, "failing": if released > 0.0 { failing } else { vec![format!("{year} 年没有下达资金，无法评估")] },
    })
}
