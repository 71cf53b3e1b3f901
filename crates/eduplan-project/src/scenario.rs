//! Scenarios (情景): everything a projection assumes, named, saved as JSON and compared.
//!
//! Every field has a default, so `{}` is the baseline scenario (基准): births stay at the base
//! year's level, survival from the default life table, migration as in the recent years, and the
//! enrolment rates of the recent years. A saved scenario stores only what the user gave; missing
//! fields take the defaults of the release that reads it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Stage;

/// The name of the built-in baseline scenario, which always exists and cannot be deleted.
pub const BASELINE: &str = "基准";

/// How births develop after the base year (出生人口情景).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Births {
    /// `constant` (the base year's births every year), `trend` (the average yearly change of the
    /// last `trend_years` years, compounding), `change` (`change_pct` a year, compounding) or
    /// `series` (county births by year; later years keep the last value given).
    pub mode: String,
    /// Yearly change in percent for `change`.
    pub change_pct: f64,
    /// Years of history the `trend` is taken from.
    pub trend_years: u32,
    /// County births by year for `series` (keys are years as text, as JSON objects need).
    pub series: BTreeMap<String, f64>,
}

impl Default for Births {
    fn default() -> Births {
        Births { mode: "constant".into(), change_pct: 0.0, trend_years: 5, series: BTreeMap::new() }
    }
}

/// A gross ratio to be reached in a year, along a straight path from the base year's value
/// (e.g. 学前三年毛入园率 95 % by 2030).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GerTarget {
    /// Percent.
    pub value: f64,
    /// The year it is reached; later years keep it.
    pub year: i32,
}

/// Values by 学段 (学前, 小学, 初中, 高中).
pub type ByStage = BTreeMap<String, f64>;

fn by_stage(v: [f64; 4]) -> ByStage {
    Stage::ALL.iter().zip(v).map(|(s, x)| (s.name().to_string(), x)).collect()
}

/// A projection scenario (预测情景).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// What the scenario stands for, in the user's words.
    pub description: String,
    /// Births after the base year.
    pub births: Births,
    /// Multiplies every death probability of the life table (1 = the table as it is).
    pub mortality_scale: f64,
    /// `history` (net migration by age group as in the recent years) or `none`.
    pub migration: String,
    /// Percent of rural (乡村) townships' children aged 0–17 moving to 城区/镇区 townships of the
    /// same county each year (城镇化).
    pub urbanisation_pct: f64,
    /// Years of history the rates (intake, promotion, repetition, transition, participation,
    /// migration) are pooled over.
    pub history_years: u32,
    /// 小学 gross intake ratio in percent instead of the recent one.
    pub intake_rate: Option<f64>,
    /// 小学升学率 in percent instead of the recent one.
    pub pri_to_jun: Option<f64>,
    /// 初中升学率 (普高 and 中职 together) in percent instead of the recent one.
    pub jun_to_sen: Option<f64>,
    /// 学前三年毛入园率 to reach.
    pub pre_ger_target: Option<GerTarget>,
    /// 高中阶段毛入学率 to reach.
    pub sen_ger_target: Option<GerTarget>,
    /// Standard class size by stage (学前 uses 25/30/35 by grade unless given).
    pub class_size: ByStage,
    /// Students per staff post (编制标准) by stage.
    pub staff_ratio: ByStage,
    /// Retirement age of men.
    pub retire_age_male: u32,
    /// Retirement age of women.
    pub retire_age_female: u32,
    /// 生均公用经费 in 元 a year by stage.
    pub cost_per_pupil: ByStage,
    /// Construction cost of one missing place (学位) in 元 by stage.
    pub cost_per_place: ByStage,
    /// Whether the plans' projects add their new places (新增学位) when they finish.
    pub include_projects: bool,
}

impl Default for Scenario {
    fn default() -> Scenario {
        Scenario {
            description: String::new(),
            births: Births::default(),
            mortality_scale: 1.0,
            migration: "history".into(),
            urbanisation_pct: 0.0,
            history_years: 3,
            intake_rate: None,
            pri_to_jun: None,
            jun_to_sen: None,
            pre_ger_target: None,
            sen_ger_target: None,
            // 学前 takes 25/30/35 by grade (小班/中班/大班) unless the scenario gives one size
            class_size: Stage::ALL[1..].iter().zip([45.0, 50.0, 50.0]).map(|(s, x)| (s.name().to_string(), x)).collect(),
            // standards.md §5: 幼儿园 1:7, 小学 1:19, 初中 1:13.5, 高中 1:12.5
            staff_ratio: by_stage([7.0, 19.0, 13.5, 12.5]),
            retire_age_male: 60,
            retire_age_female: 55,
            // national base norms of 生均公用经费 (小学 720, 初中 940); 学前 and 高中 typical provincial
            cost_per_pupil: by_stage([600.0, 720.0, 940.0, 1000.0]),
            cost_per_place: by_stage([30000.0, 35000.0, 40000.0, 45000.0]),
            include_projects: true,
        }
    }
}

/// A scenario that does not make sense, with the field and why, in Chinese and English.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("情景参数 {field}：{zh} / scenario field {field}: {en}")]
pub struct ScenarioError {
    /// The JSON field.
    pub field: String,
    /// Why, in Chinese.
    pub zh: String,
    /// Why, in English.
    pub en: String,
}

fn bad(field: &str, zh: &str, en: &str) -> ScenarioError {
    ScenarioError { field: field.into(), zh: zh.into(), en: en.into() }
}

impl Scenario {
    /// Reads a scenario from JSON; unknown fields and wrong types are errors naming the field.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let s: Scenario = serde_json::from_str(text).map_err(|e| bad("JSON", &format!("无法解析：{e}"), &format!("cannot be read: {e}")))?;
        s.check()?;
        Ok(s)
    }

    /// The scenario as JSON (every field, defaults included).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a scenario serialises")
    }

    /// A value by stage, falling back to the default scenario's.
    pub fn stage_value(map: &ByStage, default: &ByStage, stage: Stage) -> f64 {
        map.get(stage.name()).or_else(|| default.get(stage.name())).copied().unwrap_or(0.0)
    }

    /// Checks ranges: rates in percent between 0 and 200, positive sizes and ratios, known modes.
    pub fn check(&self) -> Result<(), ScenarioError> {
        if !["constant", "trend", "change", "series"].contains(&self.births.mode.as_str()) {
            return Err(bad("births.mode", "应为 constant、trend、change 或 series", "must be constant, trend, change or series"));
        }
        if self.births.mode == "series" {
            if self.births.series.is_empty() {
                return Err(bad("births.series", "series 模式需要给出各年出生人数", "the series mode needs births by year"));
            }
            for (k, v) in &self.births.series {
                if k.parse::<i32>().is_err() {
                    return Err(bad("births.series", &format!("“{k}”不是年份"), &format!("\"{k}\" is not a year")));
                }
                if !(*v >= 0.0) {
                    return Err(bad("births.series", "出生人数不能为负", "births cannot be negative"));
                }
            }
        }
        if !(-50.0..=50.0).contains(&self.births.change_pct) {
            return Err(bad("births.change_pct", "年变化率应在 −50% 至 50% 之间", "the yearly change must be between −50% and 50%"));
        }
        if self.births.trend_years < 2 {
            return Err(bad("births.trend_years", "趋势至少需要 2 年", "a trend needs at least 2 years"));
        }
        if !(0.0..=10.0).contains(&self.mortality_scale) {
            return Err(bad("mortality_scale", "应在 0 至 10 之间", "must be between 0 and 10"));
        }
        if !["history", "none"].contains(&self.migration.as_str()) {
            return Err(bad("migration", "应为 history 或 none", "must be history or none"));
        }
        if !(0.0..=50.0).contains(&self.urbanisation_pct) {
            return Err(bad("urbanisation_pct", "应在 0 至 50 之间", "must be between 0 and 50"));
        }
        if self.history_years == 0 || self.history_years > 10 {
            return Err(bad("history_years", "应为 1 至 10 年", "must be 1 to 10 years"));
        }
        for (f, v) in [("intake_rate", self.intake_rate), ("pri_to_jun", self.pri_to_jun), ("jun_to_sen", self.jun_to_sen)] {
            if let Some(v) = v {
                if !(0.0..=200.0).contains(&v) {
                    return Err(bad(f, "百分比应在 0 至 200 之间", "a percentage must be between 0 and 200"));
                }
            }
        }
        for (f, t) in [("pre_ger_target", self.pre_ger_target), ("sen_ger_target", self.sen_ger_target)] {
            if let Some(t) = t {
                if !(0.0..=200.0).contains(&t.value) {
                    return Err(bad(f, "目标值应在 0 至 200 之间", "the target must be between 0 and 200"));
                }
            }
        }
        for (f, m) in [("class_size", &self.class_size), ("staff_ratio", &self.staff_ratio), ("cost_per_pupil", &self.cost_per_pupil), ("cost_per_place", &self.cost_per_place)] {
            for (k, v) in m {
                if Stage::parse(k).is_none() {
                    return Err(bad(f, &format!("未知学段“{k}”（应为 学前、小学、初中、高中）"), &format!("unknown stage \"{k}\" (学前, 小学, 初中 or 高中)")));
                }
                let positive = f == "class_size" || f == "staff_ratio";
                if (positive && !(*v > 0.0)) || !(*v >= 0.0) {
                    return Err(bad(f, &format!("{k} 的值应为正数"), &format!("the value for {k} must be positive")));
                }
            }
        }
        if self.retire_age_male < 40 || self.retire_age_female < 40 || self.retire_age_male > 75 || self.retire_age_female > 75 {
            return Err(bad("retire_age_male/retire_age_female", "退休年龄应在 40 至 75 之间", "retirement ages must be between 40 and 75"));
        }
        Ok(())
    }
}
