//! eduplan-assess: the national supervision assessments (督导评估) over computed indicators,
//! with per-school detail and what it takes to pass.
//!
//! The assessments read figures of the indicator engine (school and county level) and the
//! thresholds of [`Standards`]; they know no store, no JSON transport and no HTTP.
#![deny(missing_docs)]

pub mod evidence;
pub mod funds;
pub mod problems;
pub mod standards;

use std::collections::BTreeMap;

use eduplan_engine::formula::CustomDef;
use eduplan_engine::{round_half_up, Catalogue, Figure, Level};
use serde::Serialize;

pub use funds::funds;
pub use standards::{Standards, StandardsError};

/// The two levels of compulsory education the balance assessments judge.
pub const LEVELS: [&str; 2] = ["小学", "初中"];

/// A school as the assessments need to know it.
#[derive(Debug, Clone)]
pub struct SchoolMeta {
    /// 学校标识码.
    pub school_id: String,
    /// 学校名称.
    pub name: String,
    /// 学校类型.
    pub school_type: String,
    /// Township code.
    pub township: String,
}

/// Indicator codes (and the extra formulas of [`catalogue`]) an assessment reads.
pub fn needed_codes(std: &Standards) -> Vec<String> {
    let mut v: Vec<String> = std.balance_quality.indicator.iter().map(|q| q.indicator.clone()).collect();
    v.extend(
        [
            "enrolled_count", "public_funds_pp", "training_share", "rotation_rate", "rotation_backbone", "cert_share", "migrant_public",
            "jun_retention", "disab_enrol", "class_over_primary", "class_over_junior",
        ]
        .map(String::from),
    );
    v
}

/// The built-in catalogue plus the formulas the assessments need (classes over the 优质均衡
/// limits), built from the standards.
pub fn catalogue(std: &Standards) -> Catalogue {
    let mut cat = Catalogue::builtin();
    let lim = &std.balance_quality.items.class_size_max;
    let def = |code: &str, name: &str, n: String| CustomDef { code: code.into(), name: name.into(), name_en: code.into(), unit: String::new(), scale: 1.0, numerator: n, denominator: String::new() };
    let defs = [
        def("class_over_primary", "小学超过标准班额的班级", format!("classes[level=小学, size>{}]", lim.get("小学").copied().unwrap_or(45.0))),
        def("class_over_junior", "初中超过标准班额的班级", format!("classes[level=初中, size>{}]", lim.get("初中").copied().unwrap_or(50.0))),
    ];
    cat.add_custom(&defs).expect("the assessment formulas compile (tested)");
    cat
}

/// One school's part (小学 or 初中) in the 优质均衡 resource assessment.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolResult {
    /// 学校标识码.
    pub school_id: String,
    /// 学校名称.
    pub name: String,
    /// 在校生 of this level.
    pub students: f64,
    /// Q code → value (null when the data is missing).
    pub values: BTreeMap<String, Option<f64>>,
    /// Passed the 6-of-7 and 85% rule.
    pub passed: bool,
    /// Q code → what must be added to reach the threshold, in real units (failing ones only).
    pub shortfalls: BTreeMap<String, f64>,
    /// How many of the seven reach their threshold.
    pub reached: usize,
}

/// A school that pulls a coefficient of variation up.
#[derive(Debug, Clone, Serialize)]
pub struct Contributor {
    /// 学校标识码.
    pub school_id: String,
    /// 学校名称.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// (P_i / P)(X_i − X̄)², its part of the variance.
    pub contribution: f64,
}

/// Why a coefficient of variation fails, and how far it falls if the worst schools reach the mean.
#[derive(Debug, Clone, Serialize)]
pub struct CvExplain {
    /// The student-weighted mean X̄.
    pub mean: f64,
    /// The schools contributing most to the variance.
    pub top: Vec<Contributor>,
    /// The CV if those schools reached X̄.
    pub cv_if_fixed: f64,
}

/// One level (小学 or 初中) of the resource part.
#[derive(Debug, Clone, Serialize)]
pub struct LevelResult {
    /// Q code → student-weighted coefficient of variation (null: no mean).
    pub cv: BTreeMap<String, Option<f64>>,
    /// The largest CV allowed.
    pub cv_threshold: f64,
    /// Q code → the threshold a school must reach at this level (from the standards in use).
    pub thresholds: BTreeMap<String, f64>,
    /// Q code → CV within the threshold.
    pub cv_passed: BTreeMap<String, bool>,
    /// Every school of the level.
    pub schools: Vec<SchoolResult>,
    /// Every school passed and every CV is within the threshold.
    pub passed: bool,
    /// Q code → explanation of a failing CV.
    pub cv_explain: BTreeMap<String, CvExplain>,
}

/// An item of 政府保障程度 or 教育质量.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Stable code.
    pub code: String,
    /// 中文名.
    pub name: String,
    /// Passed; null when it needs evidence not in the data (assessed by hand, with an attachment).
    pub passed: Option<bool>,
    /// The measured value.
    pub value: Option<f64>,
    /// The threshold.
    pub threshold: Option<f64>,
    /// What was found, naming schools.
    pub detail: String,
}

/// An assessment's result.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    /// balance-quality, …
    pub method: String,
    /// School year.
    pub year: i32,
    /// Region code assessed.
    pub scope: String,
    /// Standards version used.
    pub standards: String,
    /// Every computable part passed.
    pub passed: bool,
    /// 小学 and 初中.
    pub levels: BTreeMap<String, LevelResult>,
    /// 政府保障程度 and 教育质量 items.
    pub items: Vec<Item>,
    /// One line per failing part (the verdict).
    pub failing: Vec<String>,
}

/// The student-weighted coefficient of variation in population form (standards.md §1.1):
/// X̄ = Σ P_i X_i / P, S = √(Σ (P_i / P)(X_i − X̄)²), CV = S / X̄. `None` without students or
/// with a zero mean.
pub fn weighted_cv(points: &[(f64, f64)]) -> Option<f64> {
    let p: f64 = points.iter().map(|(w, _)| w).sum();
    if p <= 0.0 {
        return None;
    }
    let mean = points.iter().map(|(w, x)| w * x).sum::<f64>() / p;
    if mean == 0.0 {
        return None;
    }
    let var = points.iter().map(|(w, x)| w / p * (x - mean).powi(2)).sum::<f64>();
    Some(var.sqrt() / mean)
}

fn shortfall(kind: standards::ShortfallKind, threshold: f64, students: f64, have: f64) -> f64 {
    let need = match kind {
        standards::ShortfallKind::Count => threshold * students / 100.0 - have,
        standards::ShortfallKind::Amount => threshold * students - have,
    };
    // whole teachers, rooms, m² and 元; float noise (6.3 × 1000 = 6299.999…) is not one more
    ((need * 1e6).round() / 1e6).ceil().max(0.0)
}

type FigIndex<'a> = BTreeMap<(&'a str, Level, &'a str, &'a str), &'a Figure>;

/// 优质均衡 (2017): the seven resource indicators per school and level with the 6-of-7 / 85%
/// rule and what each failing school lacks; the weighted CVs against 0.50 / 0.45 with the
/// schools that pull them up; and the computable 政府保障程度 and 教育质量 items.
pub fn balance_quality(std: &Standards, year: i32, scope: &str, schools: &[SchoolMeta], figures: &[Figure]) -> Assessment {
    let bq = &std.balance_quality;
    let idx: FigIndex = figures.iter().map(|f| ((f.code.as_str(), f.level, f.scope.as_str(), f.stage.as_str()), f)).collect();
    let mut levels = BTreeMap::new();
    let mut failing = Vec::new();
    for level in LEVELS {
        let mut rows = Vec::new();
        for (s, st) in assessed_schools(std, schools, &idx, level) {
            let mut values = BTreeMap::new();
            let mut shortfalls = BTreeMap::new();
            let (mut reached, mut all_near) = (0, true);
            for q in &bq.indicator {
                let t = q.thresholds.get(level).copied().unwrap_or(f64::NAN);
                let f = idx.get(&(q.indicator.as_str(), Level::School, s.school_id.as_str(), level));
                let v = f.and_then(|f| f.value);
                values.insert(q.code.clone(), v.map(|v| round_half_up(v, 2)));
                match v {
                    Some(x) if x >= t => reached += 1,
                    other => {
                        if other.is_none_or(|x| x < bq.near_share * t) {
                            all_near = false;
                        }
                        let have = f.and_then(|f| f.numerator).unwrap_or(0.0);
                        shortfalls.insert(q.code.clone(), shortfall(q.shortfall, t, st, have));
                    }
                }
            }
            let passed = reached >= bq.min_passed && all_near;
            rows.push((SchoolResult { school_id: s.school_id.clone(), name: s.name.clone(), students: st, values, passed, shortfalls, reached }, s));
        }
        let cv_threshold = bq.cv_max.get(level).copied().unwrap_or(f64::NAN);
        let (mut cv, mut cv_passed, mut cv_explain) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for q in &bq.indicator {
            // exact values, not the rounded ones shown
            let pts: Vec<(f64, f64, &SchoolResult)> = rows
                .iter()
                .filter_map(|(r, s)| idx.get(&(q.indicator.as_str(), Level::School, s.school_id.as_str(), level)).and_then(|f| f.value).map(|x| (r.students, x, r)))
                .collect();
            let pairs: Vec<(f64, f64)> = pts.iter().map(|(w, x, _)| (*w, *x)).collect();
            let c = weighted_cv(&pairs);
            let ok = c.is_some_and(|c| c <= cv_threshold);
            if let (Some(c), false) = (c, ok) {
                let named: Vec<(f64, f64, &str, &str)> = pts.iter().map(|(w, x, r)| (*w, *x, r.school_id.as_str(), r.name.as_str())).collect();
                cv_explain.insert(q.code.clone(), explain_cv(&named));
                failing.push(format!("{level} {} {} 差异系数 {:.4} 超过 {cv_threshold}", q.code, q.name, c));
            }
            if c.is_none() && !rows.is_empty() {
                failing.push(format!("{level} {} {} 无法计算差异系数（数据不足）", q.code, q.name));
            }
            cv.insert(q.code.clone(), c.map(|c| round_half_up(c, 4)));
            cv_passed.insert(q.code.clone(), ok);
        }
        let schools: Vec<SchoolResult> = rows.into_iter().map(|(r, _)| r).collect();
        for s in schools.iter().filter(|s| !s.passed) {
            failing.push(format!("{level} {}（{}）资源配置未达标：{} 项达标", s.name, s.school_id, s.reached));
        }
        if schools.is_empty() {
            failing.push(format!("{level} 没有参评学校（无在校生数据）"));
        }
        let passed = !schools.is_empty() && schools.iter().all(|s| s.passed) && cv_passed.values().all(|x| *x);
        let thresholds = bq.indicator.iter().filter_map(|q| q.thresholds.get(level).map(|t| (q.code.clone(), *t))).collect();
        levels.insert(level.to_string(), LevelResult { cv, cv_threshold, thresholds, cv_passed, schools, passed, cv_explain });
    }
    let items = quality_items(std, scope, schools, &idx);
    for i in items.iter().filter(|i| i.passed == Some(false)) {
        failing.push(format!("{} {}：{}", i.code, i.name, i.detail));
    }
    let passed = levels.values().all(|l| l.passed) && items.iter().all(|i| i.passed != Some(false));
    Assessment { method: "balance-quality".into(), year, scope: scope.to_string(), standards: std.version.clone(), passed, levels, items, failing }
}

/// The schools a balance assessment judges at `level`, with their students of that level: every
/// school teaching the level except special and vocational schools and 教学点 below the size
/// the standards leave out.
fn assessed_schools<'s>(std: &Standards, schools: &'s [SchoolMeta], idx: &FigIndex, level: &str) -> Vec<(&'s SchoolMeta, f64)> {
    let mut v = Vec::new();
    for s in schools {
        let Some(st) = idx.get(&("enrolled_count", Level::School, s.school_id.as_str(), level)).and_then(|f| f.value) else { continue };
        if st <= 0.0 || matches!(s.school_type.as_str(), "特殊教育学校" | "中等职业学校") {
            continue;
        }
        let total: f64 = LEVELS.iter().filter_map(|l| idx.get(&("enrolled_count", Level::School, s.school_id.as_str(), *l)).and_then(|f| f.value)).sum();
        if s.school_type == "教学点" && total < std.balance_quality.small_teaching_point {
            continue;
        }
        v.push((s, st));
    }
    v
}

/// Why a coefficient of variation is high: the schools contributing most to the variance and
/// the CV if they reached the weighted mean. `pts` are (students, value, school id, name).
fn explain_cv(pts: &[(f64, f64, &str, &str)]) -> CvExplain {
    let p: f64 = pts.iter().map(|x| x.0).sum();
    let mean = pts.iter().map(|(w, x, _, _)| w * x).sum::<f64>() / p;
    let mut top: Vec<Contributor> = pts
        .iter()
        .map(|(w, x, id, name)| Contributor { school_id: id.to_string(), name: name.to_string(), value: round_half_up(*x, 2), contribution: w / p * (x - mean).powi(2) })
        .collect();
    top.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    top.truncate(5);
    let fixed: Vec<(f64, f64)> = pts.iter().map(|(w, x, id, _)| (*w, if top.iter().any(|c| c.school_id == *id) { mean } else { *x })).collect();
    CvExplain { mean, top, cv_if_fixed: weighted_cv(&fixed).unwrap_or(0.0) }
}

/// 基本均衡 (2012): the student-weighted CV of each of the eight indicators per level, and the
/// 综合差异系数 (their plain mean, as the 2012 method defines it) against its maximum. Schools
/// are those of the 优质均衡 resource part; there is no per-school pass. `cv_passed` marks the
/// indicators whose own CV is within the composite maximum, to show which ones pull it up.
pub fn balance_basic(std: &Standards, year: i32, scope: &str, schools: &[SchoolMeta], figures: &[Figure], cat: &Catalogue) -> Assessment {
    let bb = &std.balance_basic;
    let idx: FigIndex = figures.iter().map(|f| ((f.code.as_str(), f.level, f.scope.as_str(), f.stage.as_str()), f)).collect();
    let (mut levels, mut failing, mut items) = (BTreeMap::new(), Vec::new(), Vec::new());
    for level in LEVELS {
        let assessed = assessed_schools(std, schools, &idx, level);
        let threshold = bb.composite_max.get(level).copied().unwrap_or(f64::NAN);
        let (mut cv, mut cv_passed, mut cv_explain) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        let mut rows: Vec<SchoolResult> = assessed
            .iter()
            .map(|(s, st)| SchoolResult { school_id: s.school_id.clone(), name: s.name.clone(), students: *st, values: BTreeMap::new(), passed: true, shortfalls: BTreeMap::new(), reached: 0 })
            .collect();
        let mut all = Vec::new();
        for code in &bb.indicators {
            let pts: Vec<(f64, f64, &str, &str)> = assessed
                .iter()
                .filter_map(|(s, st)| idx.get(&(code.as_str(), Level::School, s.school_id.as_str(), level)).and_then(|f| f.value).map(|x| (*st, x, s.school_id.as_str(), s.name.as_str())))
                .collect();
            for r in rows.iter_mut() {
                let v = idx.get(&(code.as_str(), Level::School, r.school_id.as_str(), level)).and_then(|f| f.value);
                r.values.insert(code.clone(), v.map(|v| round_half_up(v, 2)));
            }
            let c = weighted_cv(&pts.iter().map(|(w, x, _, _)| (*w, *x)).collect::<Vec<_>>());
            if let Some(c) = c {
                all.push(c);
                if c > threshold {
                    cv_explain.insert(code.clone(), explain_cv(&pts));
                }
            }
            cv.insert(code.clone(), c.map(|c| round_half_up(c, 4)));
            cv_passed.insert(code.clone(), c.is_some_and(|c| c <= threshold));
        }
        let complete = all.len() == bb.indicators.len() && !rows.is_empty();
        let composite = complete.then(|| all.iter().sum::<f64>() / all.len() as f64);
        let passed = composite.is_some_and(|c| c <= threshold);
        let detail = match composite {
            Some(c) => format!("{level}综合差异系数 {:.4}，标准 ≤ {threshold}", round_half_up(c, 4)),
            None if rows.is_empty() => format!("{level}没有参评学校"),
            None => {
                let missing: Vec<&str> = bb.indicators.iter().filter(|c| cv.get(*c).is_none_or(|v| v.is_none())).map(|c| cat.get(c).map(|i| i.name.as_str()).unwrap_or(c)).collect();
                format!("{level}无法计算：{} 的差异系数缺数据", missing.join("、"))
            }
        };
        let code = if level == "小学" { "B1" } else { "B2" };
        if !passed {
            failing.push(format!("{code} {detail}"));
        }
        items.push(Item { code: code.into(), name: format!("{level}综合差异系数"), passed: Some(passed), value: composite.map(|c| round_half_up(c, 4)), threshold: Some(threshold), detail });
        let thresholds = BTreeMap::new();
        levels.insert(level.to_string(), LevelResult { cv, cv_threshold: threshold, thresholds, cv_passed, schools: rows, passed, cv_explain });
    }
    let passed = levels.values().all(|l| l.passed);
    Assessment { method: "balance-basic".into(), year, scope: scope.to_string(), standards: std.version.clone(), passed, levels, items, failing }
}

fn county_value(idx: &FigIndex, code: &str, scope: &str, stage: &str) -> Option<f64> {
    [Level::County, Level::Township, Level::City, Level::Province].iter().find_map(|l| idx.get(&(code, *l, scope, stage))).and_then(|f| f.value)
}

fn min_item(code: &str, name: &str, value: Option<f64>, threshold: f64, unit: &str) -> Item {
    let passed = value.map(|v| v >= threshold);
    let detail = match value {
        Some(v) => format!("{} {unit}，标准 ≥ {threshold} {unit}", round_half_up(v, 2)),
        None => "数据不足，无法计算".into(),
    };
    Item { code: code.into(), name: name.into(), passed: Some(passed.unwrap_or(false)), value: value.map(|v| round_half_up(v, 2)), threshold: Some(threshold), detail }
}

fn quality_items(std: &Standards, scope: &str, schools: &[SchoolMeta], idx: &FigIndex) -> Vec<Item> {
    let it = &std.balance_quality.items;
    let mut items = Vec::new();
    // school size (大校额)
    let mut big = Vec::new();
    for s in schools {
        let n: f64 = LEVELS.iter().filter_map(|l| idx.get(&("enrolled_count", Level::School, s.school_id.as_str(), *l)).and_then(|f| f.value)).sum();
        let limit = match s.school_type.as_str() {
            "小学" => it.school_size_max.get("小学"),
            "初级中学" => it.school_size_max.get("初中"),
            "九年一贯制学校" | "十二年一贯制学校" => it.school_size_max.get("一贯制"),
            _ => None,
        };
        if let Some(l) = limit.filter(|l| n > **l) {
            big.push(format!("{}（{} 人，限 {l}）", s.name, n));
        }
    }
    items.push(Item {
        code: "G1".into(),
        name: "学校规模不超标".into(),
        passed: Some(big.is_empty()),
        value: Some(big.len() as f64),
        threshold: Some(0.0),
        detail: if big.is_empty() { "无超规模学校".into() } else { format!("{} 所超规模：{}", big.len(), big.join("、")) },
    });
    // class size
    let mut over = Vec::new();
    let mut count = 0.0;
    for s in schools {
        for (code, level) in [("class_over_primary", "小学"), ("class_over_junior", "初中")] {
            let n = idx.get(&(code, Level::School, s.school_id.as_str(), level)).and_then(|f| f.value).unwrap_or(0.0);
            if n > 0.0 {
                count += n;
                over.push(format!("{} {level} {n} 个班", s.name));
            }
        }
    }
    items.push(Item {
        code: "G2".into(),
        name: format!("班额不超标（小学 ≤ {}，初中 ≤ {}）", it.class_size_max.get("小学").copied().unwrap_or(45.0), it.class_size_max.get("初中").copied().unwrap_or(50.0)),
        passed: Some(count == 0.0),
        value: Some(count),
        threshold: Some(0.0),
        detail: if over.is_empty() { "无超标准班额班级".into() } else { format!("超标准班额 {count} 个班：{}", over.join("、")) },
    });
    // 特教学校 生均公用经费
    let mut low = Vec::new();
    let mut any = false;
    for s in schools.iter().filter(|s| s.school_type == "特殊教育学校") {
        any = true;
        match idx.get(&("public_funds_pp", Level::School, s.school_id.as_str(), "全部")).and_then(|f| f.value) {
            Some(v) if v >= it.special_school_funds_pp => {}
            Some(v) => low.push(format!("{} {} 元", s.name, round_half_up(v, 0))),
            None => low.push(format!("{} 无数据", s.name)),
        }
    }
    items.push(Item {
        code: "G3".into(),
        name: "特教学校生均公用经费".into(),
        passed: Some(low.is_empty()),
        value: None,
        threshold: Some(it.special_school_funds_pp),
        detail: if !any { "无特殊教育学校".into() } else if low.is_empty() { format!("均达到 {} 元", it.special_school_funds_pp) } else { format!("未达 {} 元：{}", it.special_school_funds_pp, low.join("、")) },
    });
    let compulsory_min = |code: &str| LEVELS.iter().filter_map(|l| county_value(idx, code, scope, l)).reduce(f64::min);
    items.push(min_item("G4", "教师五年 360 学时培训完成率", compulsory_min("training_share"), it.training_share, "%"));
    items.push(min_item("G5", "教师交流轮岗比例", county_value(idx, "rotation_rate", scope, "全部"), it.rotation_rate, "%"));
    items.push(min_item("G6", "交流轮岗中骨干教师比例", county_value(idx, "rotation_backbone", scope, "全部"), it.rotation_backbone, "%"));
    items.push(min_item("G7", "专任教师持证上岗率", compulsory_min("cert_share"), it.cert_share, "%"));
    items.push(min_item("G8", "随迁子女在公办学校就读比例", county_value(idx, "migrant_public", scope, "全部"), it.migrant_public, "%"));
    items.push(min_item("E1", "初中三年巩固率", county_value(idx, "jun_retention", scope, "初中"), it.jun_retention, "%"));
    items.push(min_item("E2", "残疾儿童少年入学率", county_value(idx, "disab_enrol", scope, "全部"), it.disab_enrol, "%"));
    for (code, name) in [
        ("G9", "教学点和村小按 100 人拨付公用经费"),
        ("G10", "教师平均工资不低于当地公务员"),
        ("G11", "城区和镇区公办学校就近划片入学"),
        ("G12", "优质高中招生名额分配到校比例不低于 50%"),
        ("G13", "学校布局合理、城乡标准统一、音体美教室、编制核定、留守儿童关爱体系"),
        ("E3", "教师培训经费占公用经费 5% 以上"),
        ("E4", "国家义务教育质量监测等其他质量指标"),
        ("S1", "社会认可度 ≥ 85%"),
    ] {
        items.push(Item { code: code.into(), name: name.into(), passed: None, value: None, threshold: None, detail: "需现场核查并上传佐证材料".into() });
    }
    items
}

/// 大班额: classes of 56+ and 66+ by level, the over-standard classes, and the schools with
/// most, from the catalogue's figures of the year (and earlier years for the trend).
pub fn class_size(year: i32, scope: &str, schools: &[SchoolMeta], figures: &[Figure]) -> serde_json::Value {
    let idx: FigIndex = figures.iter().map(|f| ((f.code.as_str(), f.level, f.scope.as_str(), f.stage.as_str()), f)).collect();
    let stages = ["全部", "小学", "初中", "高中"];
    let by_level: serde_json::Map<String, serde_json::Value> = stages
        .iter()
        .map(|s| {
            let g = |c: &str| county_value(&idx, c, scope, s);
            (s.to_string(), serde_json::json!({"classes": idx.get(&("big_class_share", Level::County, scope, *s)).and_then(|f| f.denominator),
                "big": g("big_class_count"), "big_share": g("big_class_share").map(|v| round_half_up(v, 2)),
                "huge_share": g("huge_class_share").map(|v| round_half_up(v, 2)), "over_standard": g("over_std_class")}))
        })
        .collect();
    let mut worst: Vec<(f64, &SchoolMeta)> = schools
        .iter()
        .filter_map(|s| idx.get(&("big_class_count", Level::School, s.school_id.as_str(), "全部")).and_then(|f| f.value).filter(|v| *v > 0.0).map(|v| (v, s)))
        .collect();
    worst.sort_by(|a, b| b.0.total_cmp(&a.0));
    let schools_json: Vec<serde_json::Value> = worst.iter().map(|(v, s)| serde_json::json!({"school_id": s.school_id, "name": s.name, "big": v})).collect();
    let big = county_value(&idx, "big_class_count", scope, "全部").unwrap_or(0.0);
    serde_json::json!({"method": "class-size", "year": year, "scope": scope, "passed": big == 0.0, "levels": by_level, "schools": schools_json})
}

/// 普及普惠 (2020): the county's preschool figures against the standards.
pub fn preschool(std: &Standards, year: i32, scope: &str, figures: &[Figure]) -> Assessment {
    let idx: FigIndex = figures.iter().map(|f| ((f.code.as_str(), f.level, f.scope.as_str(), f.stage.as_str()), f)).collect();
    let p = &std.preschool;
    let g = |c: &str| county_value(&idx, c, scope, "学前");
    let mut items = vec![
        min_item("P1", "学前三年毛入园率", g("pre_ger"), p.pre_ger, "%"),
        min_item("P2", "普惠性幼儿园覆盖率", g("pre_puhui_cov"), p.pre_puhui_cov, "%"),
        min_item("P3", "公办园在园幼儿占比", g("pre_public_share"), p.pre_public_share, "%"),
        min_item("P5", "园长和专任教师持证上岗率", g("cert_share"), p.cert_share, "%"),
    ];
    let ptr = g("ptr");
    items.push(Item {
        code: "P4".into(),
        name: format!("专任教师与幼儿比不低于 1:{}", p.ptr_max),
        passed: Some(ptr.is_some_and(|v| v <= p.ptr_max)),
        value: ptr.map(|v| round_half_up(v, 2)),
        threshold: Some(p.ptr_max),
        detail: ptr.map(|v| format!("每名专任教师 {} 名幼儿", round_half_up(v, 2))).unwrap_or_else(|| "数据不足".into()),
    });
    items.push(Item { code: "P6".into(), name: "每个乡镇至少一所公办中心园".into(), passed: None, value: None, threshold: None, detail: "需现场核查并上传佐证材料".into() });
    items.push(Item { code: "P7".into(), name: "社会认可度 ≥ 85%".into(), passed: None, value: None, threshold: None, detail: "需问卷调查结果".into() });
    let failing: Vec<String> = items.iter().filter(|i| i.passed == Some(false)).map(|i| format!("{} {}：{}", i.code, i.name, i.detail)).collect();
    Assessment { method: "preschool".into(), year, scope: scope.into(), standards: std.version.clone(), passed: failing.is_empty(), levels: BTreeMap::new(), items, failing }
}

/// The 大班额 trend: per year, classes and classes of 56+ and 66+ (the standards' bands) by
/// level (全部, 小学, 初中, 高中), from each year's classes as (学段, size) — the 学段 as the
/// engine gives it (`eduplan_engine::facts::student_stage`: special schools' classes are 特教).
pub fn class_trend(std: &Standards, years: &[(i32, Vec<(String, i64)>)]) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = years
        .iter()
        .map(|(year, classes)| {
            let mut levels = serde_json::Map::new();
            for stage in ["全部", "小学", "初中", "高中"] {
                let mine: Vec<i64> = classes
                    .iter()
                    .filter(|(s, _)| stage == "全部" || s == stage)
                    .map(|(_, s)| *s)
                    .collect();
                let big = mine.iter().filter(|s| **s >= std.class_size.big).count();
                let huge = mine.iter().filter(|s| **s >= std.class_size.huge).count();
                levels.insert(stage.into(), serde_json::json!({"classes": mine.len(), "big": big, "huge": huge}));
            }
            serde_json::json!({"year": year, "levels": levels})
        })
        .collect();
    serde_json::Value::Array(rows)
}
