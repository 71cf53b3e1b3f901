//! The supervision standards (督导评估标准) as data: `catalogue/standards.toml`, which a
//! province overrides key by key with its own file.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The standards shipped with eduplan.
pub const BUILTIN: &str = include_str!("../../../catalogue/standards.toml");

/// How a failing indicator's shortfall is expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShortfallKind {
    /// Whole things to add (teachers, rooms): ⌈threshold × students / 100 − have⌉.
    Count,
    /// An amount to add (m², 元): ⌈threshold × students − have⌉.
    Amount,
}

/// One of the seven resource indicators (Q1–Q7).
#[derive(Debug, Clone, Deserialize)]
pub struct QIndicator {
    /// Q1 … Q7.
    pub code: String,
    /// 中文名.
    pub name: String,
    /// The catalogue indicator that computes it.
    pub indicator: String,
    /// Threshold by 学段 (小学, 初中).
    pub thresholds: BTreeMap<String, f64>,
    /// How the shortfall is expressed.
    pub shortfall: ShortfallKind,
    /// Unit of the shortfall.
    pub unit: String,
}

/// Thresholds of the computable 政府保障程度 and 教育质量 items.
#[derive(Debug, Clone, Deserialize)]
pub struct QualityItems {
    /// Largest school by 学段 (一贯制 = the compulsory part of 九年/十二年一贯制).
    pub school_size_max: BTreeMap<String, f64>,
    /// Largest class by 学段.
    pub class_size_max: BTreeMap<String, f64>,
    /// 特教学校 生均公用经费 (元).
    pub special_school_funds_pp: f64,
    /// % of teachers with 360 training hours.
    pub training_share: f64,
    /// % of eligible teachers rotating.
    pub rotation_rate: f64,
    /// % of 骨干 among rotated teachers.
    pub rotation_backbone: f64,
    /// % of teachers certified.
    pub cert_share: f64,
    /// % of 随迁子女 in public schools.
    pub migrant_public: f64,
    /// 初中三年巩固率 %.
    pub jun_retention: f64,
    /// 残疾儿童少年入学率 %.
    pub disab_enrol: f64,
}

/// 优质均衡 (2017).
#[derive(Debug, Clone, Deserialize)]
pub struct BalanceQuality {
    /// Largest coefficient of variation by 学段.
    pub cv_max: BTreeMap<String, f64>,
    /// Indicators a school must reach.
    pub min_passed: usize,
    /// Share of the threshold the others must reach.
    pub near_share: f64,
    /// 教学点 with fewer students are left out.
    pub small_teaching_point: f64,
    /// Q1–Q7.
    pub indicator: Vec<QIndicator>,
    /// 政府保障程度 / 教育质量 thresholds.
    pub items: QualityItems,
}

/// 基本均衡 (2012).
#[derive(Debug, Clone, Deserialize)]
pub struct BalanceBasic {
    /// Largest 综合差异系数 by 学段.
    pub composite_max: BTreeMap<String, f64>,
    /// The eight catalogue indicators.
    pub indicators: Vec<String>,
}

/// 普及普惠 (2020).
#[derive(Debug, Clone, Deserialize)]
pub struct Preschool {
    /// 学前三年毛入园率 ≥.
    pub pre_ger: f64,
    /// 普惠性幼儿园覆盖率 ≥.
    pub pre_puhui_cov: f64,
    /// 公办园在园幼儿占比 ≥.
    pub pre_public_share: f64,
    /// 生师比 ≤ (专任教师 : 在园幼儿 ≥ 1 : 15).
    pub ptr_max: f64,
    /// 持证率 =.
    pub cert_share: f64,
    /// 班额达标率 ≥.
    pub class_ok_share: f64,
}

/// Class-size bands.
#[derive(Debug, Clone, Deserialize)]
pub struct ClassSize {
    /// 大班额 from.
    pub big: i64,
    /// 超大班额 from.
    pub huge: i64,
}

/// A fund-execution checkpoint: by `date` (MM-DD) of a year, `share` % of that year's released
/// funds are spent.
#[derive(Debug, Clone, Deserialize)]
pub struct Checkpoint {
    /// MM-DD.
    pub date: String,
    /// Percent.
    pub share: f64,
}

/// 资金执行进度.
#[derive(Debug, Clone, Deserialize)]
pub struct Funds {
    /// In date order.
    pub checkpoints: Vec<Checkpoint>,
}

/// All standards.
#[derive(Debug, Clone, Deserialize)]
pub struct Standards {
    /// Which version (national-2017, or a province's name).
    pub version: String,
    /// 优质均衡.
    pub balance_quality: BalanceQuality,
    /// 基本均衡.
    pub balance_basic: BalanceBasic,
    /// 普及普惠.
    pub preschool: Preschool,
    /// 大班额.
    pub class_size: ClassSize,
    /// 资金执行进度.
    pub funds: Funds,
}

/// A standards file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("standards: {0}")]
pub struct StandardsError(pub String);

/// Merges `over` into `base`: tables key by key, arrays of tables with a `code` by code,
/// everything else replaced.
fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(x) => merge(x, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (toml::Value::Array(b), toml::Value::Array(o)) if o.iter().all(|x| x.get("code").is_some()) && !o.is_empty() => {
            for v in o {
                let code = v.get("code").cloned();
                match b.iter_mut().find(|x| x.get("code") == code.as_ref()) {
                    Some(x) => merge(x, v),
                    None => b.push(v),
                }
            }
        }
        (b, o) => *b = o,
    }
}

impl Standards {
    /// The national standards.
    pub fn builtin() -> Standards {
        Standards::with_override(None).expect("the built-in standards are valid (tested)")
    }

    /// The national standards with a province's file merged over them.
    pub fn with_override(province: Option<&str>) -> Result<Standards, StandardsError> {
        let mut v: toml::Value = toml::from_str(BUILTIN).map_err(|e| StandardsError(e.to_string()))?;
        if let Some(p) = province {
            let o: toml::Value = toml::from_str(p).map_err(|e| StandardsError(e.to_string()))?;
            merge(&mut v, o);
        }
        v.try_into().map_err(|e: toml::de::Error| StandardsError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_province_overrides_one_threshold_and_keeps_the_rest() {
        let n = Standards::builtin();
        assert_eq!(n.balance_quality.indicator.len(), 7);
        assert_eq!(n.balance_quality.cv_max["初中"], 0.45);
        let p = Standards::with_override(Some(
            "version = \"jiangxi-2024\"\n[balance_quality]\ncv_max = { \"小学\" = 0.45 }\n[[balance_quality.indicator]]\ncode = \"Q5\"\nthresholds = { \"小学\" = 8.0 }\n",
        ))
        .unwrap();
        assert_eq!(p.version, "jiangxi-2024");
        assert_eq!(p.balance_quality.cv_max["小学"], 0.45);
        assert_eq!(p.balance_quality.cv_max["初中"], 0.45, "untouched keys stay");
        let q5 = p.balance_quality.indicator.iter().find(|q| q.code == "Q5").unwrap();
        assert_eq!((q5.thresholds["小学"], q5.thresholds["初中"]), (8.0, 10.2));
        assert_eq!(p.balance_quality.indicator.len(), 7);
        assert!(Standards::with_override(Some("[balance_quality]\nmin_passed = \"six\"")).is_err());
    }
}
