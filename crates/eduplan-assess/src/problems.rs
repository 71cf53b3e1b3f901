//! From an assessment to the problems it found (督导问题): each failing school, coefficient of
//! variation and item becomes one [`Problem`] with a stable key, so that next year's assessment
//! can tell whether the same problem is still there ([`Review::status`]).
//!
//! Works on the assessment JSON (the form every method shares, see docs/supervision.md), so a
//! stored or re-run assessment of any method is read the same way.

use std::collections::{BTreeMap, BTreeSet};

use eduplan_core::finding::Severity;
use eduplan_engine::round_half_up;
use serde_json::Value as J;

use crate::{SchoolMeta, Standards};

/// One problem an assessment found.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Stable identity across years: method, level, kind and subject
    /// (`balance-quality:小学:school:36072100101`, `balance-quality:初中:cv:Q5`, `preschool:item:P1`).
    pub key: String,
    /// Assessment method.
    pub method: String,
    /// Criterion (Q1–Q7 for a school's resources, the Q code of a CV, an item code, `big_class`).
    pub code: String,
    /// 小学 / 初中, or empty.
    pub level: String,
    /// The school concerned, empty for a county-wide problem.
    pub school_id: String,
    /// The school's township, or the county assessed.
    pub region: String,
    /// What is wrong (问题描述).
    pub problem: String,
    /// What it takes to pass (整改要求), in real units where the standard has them.
    pub requirement: String,
    /// 问题等级.
    pub severity: Severity,
    /// The measured value, when one number says it.
    pub value: Option<f64>,
    /// The threshold it is measured against.
    pub threshold: Option<f64>,
}

/// What one assessment says about problems: the ones it found, and the keys of everything it
/// judged (a subject missing from a later year's data is not evidence that its problem is gone).
#[derive(Debug, Clone, Default)]
pub struct Review {
    /// Problems found.
    pub problems: Vec<Problem>,
    /// Keys of every subject judged, failing or not.
    pub assessed: BTreeSet<String>,
}

impl Review {
    /// Whether the problem with this key is gone (`Some(true)`), still there (`Some(false)`), or
    /// was not judged by this assessment (`None`).
    pub fn status(&self, key: &str) -> Option<bool> {
        if self.problems.iter().any(|p| p.key == key) {
            Some(false)
        } else if self.assessed.contains(key) {
            Some(true)
        } else {
            None
        }
    }
}

fn num(v: &J) -> Option<f64> {
    v.as_f64()
}

fn fmt(x: f64) -> String {
    let r = round_half_up(x, 2);
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// The problems of an assessment (JSON of any method) over the schools it covered.
pub fn review(a: &J, schools: &[SchoolMeta], std: &Standards) -> Review {
    let method = a["method"].as_str().unwrap_or_default().to_string();
    let scope = a["scope"].as_str().unwrap_or_default().to_string();
    let township: BTreeMap<&str, &str> = schools.iter().map(|s| (s.school_id.as_str(), s.township.as_str())).collect();
    let q_meta: BTreeMap<&str, (&str, &str)> = std.balance_quality.indicator.iter().map(|q| (q.code.as_str(), (q.name.as_str(), q.unit.as_str()))).collect();
    let mut r = Review::default();
    let base = |code: &str, level: &str, school: &str, key: String| Problem {
        key,
        method: method.clone(),
        code: code.into(),
        level: level.into(),
        school_id: school.into(),
        region: township.get(school).map(|t| t.to_string()).unwrap_or_else(|| scope.clone()),
        problem: String::new(),
        requirement: String::new(),
        severity: Severity::Major,
        value: None,
        threshold: None,
    };
    if method == "balance-quality" {
        for (level, l) in a["levels"].as_object().into_iter().flatten() {
            for s in l["schools"].as_array().into_iter().flatten() {
                let id = s["school_id"].as_str().unwrap_or_default();
                let key = format!("{method}:{level}:school:{id}");
                r.assessed.insert(key.clone());
                if s["passed"].as_bool() != Some(false) {
                    continue;
                }
                let reached = s["reached"].as_u64().unwrap_or(0) as usize;
                let total = std.balance_quality.indicator.len();
                let mut need = Vec::new();
                for (code, amount) in s["shortfalls"].as_object().into_iter().flatten() {
                    let (name, unit) = q_meta.get(code.as_str()).copied().unwrap_or((code.as_str(), ""));
                    match (num(amount), num(&s["values"][code])) {
                        (Some(x), Some(_)) if x > 0.0 => need.push(format!("{code} {name}：+{} {unit}", fmt(x))),
                        (_, None) => need.push(format!("{code} {name}：缺数据，须补报")),
                        _ => need.push(format!("{code} {name}：未达 85%")),
                    }
                }
                let failing: Vec<&str> = s["shortfalls"].as_object().into_iter().flatten().map(|(c, _)| c.as_str()).collect();
                let mut p = base("resources", level, id, key);
                p.problem = format!("{}（{level}）资源配置未达标：{total} 项指标中 {reached} 项达标，{} 未达标", s["name"].as_str().unwrap_or(id), failing.join("、"));
                p.requirement = need.join("；");
                p.severity = match reached {
                    r if r + 3 <= total => Severity::Critical,
                    r if r + 2 <= total => Severity::Major,
                    _ => Severity::Minor,
                };
                p.value = Some(reached as f64);
                p.threshold = Some(std.balance_quality.min_passed as f64);
                r.problems.push(p);
            }
            let threshold = num(&l["cv_threshold"]);
            for (code, v) in l["cv"].as_object().into_iter().flatten() {
                let Some(cv) = num(v) else { continue };
                let key = format!("{method}:{level}:cv:{code}");
                r.assessed.insert(key.clone());
                if l["cv_passed"][code].as_bool() != Some(false) {
                    continue;
                }
                let (name, _) = q_meta.get(code.as_str()).copied().unwrap_or((code.as_str(), ""));
                let mut p = base(code, level, "", key);
                p.problem = format!("{level}{code} {name}校际差异系数 {cv} 超过 {}", threshold.map(fmt).unwrap_or_default());
                let ex = &l["cv_explain"][code];
                let tops: Vec<String> = ex["top"].as_array().into_iter().flatten().map(|t| format!("{}（{}）", t["name"].as_str().unwrap_or_default(), t["value"])).collect();
                p.requirement = match num(&ex["cv_if_fixed"]) {
                    Some(after) => format!("差异主要来自 {}（偏离全县均值 {} 最多）；这些学校向均值靠拢后差异系数可降至 {}", tops.join("、"), fmt(num(&ex["mean"]).unwrap_or(0.0)), round_half_up(after, 4)),
                    None => "缩小校际差距".into(),
                };
                p.value = Some(cv);
                p.threshold = threshold;
                r.problems.push(p);
            }
        }
    }
    // items (政府保障程度, 教育质量, 普及普惠, 基本均衡's composite)
    for i in a["items"].as_array().into_iter().flatten() {
        let Some(passed) = i["passed"].as_bool() else { continue };
        let code = i["code"].as_str().unwrap_or_default();
        let key = format!("{method}:item:{code}");
        r.assessed.insert(key.clone());
        if passed {
            continue;
        }
        let mut p = base(code, "", "", key);
        p.problem = format!("{code} {}：{}", i["name"].as_str().unwrap_or_default(), i["detail"].as_str().unwrap_or_default());
        p.requirement = match num(&i["threshold"]) {
            Some(t) => format!("达到标准（{}）", fmt(t)),
            None => "达到标准".into(),
        };
        p.value = num(&i["value"]);
        p.threshold = num(&i["threshold"]);
        r.problems.push(p);
    }
    if method == "funds" {
        for p in a["projects"].as_array().into_iter().flatten() {
            let id = p["project"].as_str().unwrap_or_default();
            let key = format!("{method}:project:{id}");
            r.assessed.insert(key.clone());
            if p["passed"].as_bool() != Some(false) {
                continue;
            }
            let late: Vec<String> = p["checkpoints"].as_array().into_iter().flatten().filter(|c| c["passed"] == false).map(|c| format!("{} 前 {}%（应 ≥ {}%）", c["date"].as_str().unwrap_or_default(), num(&c["value"]).map(fmt).unwrap_or_default(), num(&c["share"]).map(fmt).unwrap_or_default())).collect();
            let mut pr = base("fund_exec", "", p["school_id"].as_str().unwrap_or_default(), key);
            pr.problem = format!("项目 {id} {} 资金支出进度滞后：{}", p["name"].as_str().unwrap_or_default(), late.join("，"));
            pr.requirement = format!("加快支出，当年下达资金 {} 万元按时点完成支出", num(&p["released"]).map(fmt).unwrap_or_default());
            r.problems.push(pr);
        }
    }
    if method == "class-size" {
        for s in schools {
            r.assessed.insert(format!("{method}:school:{}", s.school_id));
        }
        for s in a["schools"].as_array().into_iter().flatten() {
            let id = s["school_id"].as_str().unwrap_or_default();
            let big = num(&s["big"]).unwrap_or(0.0);
            let mut p = base("big_class", "", id, format!("{method}:school:{id}"));
            p.problem = format!("{} 有 {} 个 {} 人及以上大班额", s["name"].as_str().unwrap_or(id), fmt(big), std.class_size.big);
            p.requirement = format!("通过分班、扩容或调整招生消除 {} 人及以上班级", std.class_size.big);
            p.value = Some(big);
            p.threshold = Some(0.0);
            r.problems.push(p);
        }
    }
    r
}
