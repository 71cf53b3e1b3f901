//! eduplan-engine: every catalogue indicator (指标) at every level, computed with Apache
//! DataFusion over fact tables built from stored school years, each figure carrying the
//! numerator and denominator it came from.
//!
//! How a figure is made: each measure's SQL gives one row per unit (a student row, a class, a
//! teacher, a school's conditions for one stage, a township's population of one age); the engine
//! sums it by year, level key (school, township, county) and stage, and once more over all
//! stages (全部); an indicator divides the summed numerator by the summed denominator (read `lag`
//! years back for cohorts). Ratios are never averaged. A zero or missing denominator, missing
//! data, or a missing year gives status "unavailable" with the reason.
//!
//! Not here: storage (callers pass [`eduplan_core::data::YearData`]), JSON, HTTP.
#![deny(missing_docs)]

pub mod catalogue;
pub mod facts;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::prelude::SessionContext;
use eduplan_core::data::YearData;

pub use catalogue::{Catalogue, Indicator, Level, Term};

/// The stage label of figures over all stages together.
pub const ALL_STAGES: &str = "全部";

/// One computed figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Indicator code.
    pub code: String,
    /// 中文名.
    pub name: String,
    /// Region code or school id.
    pub scope: String,
    /// Aggregation level.
    pub level: Level,
    /// School year.
    pub year: i32,
    /// 学段 (学前, 小学, 初中, 高中, 中职, 特教) or 全部.
    pub stage: String,
    /// Value (numerator / denominator × scale), unrounded; `None` when unavailable.
    pub value: Option<f64>,
    /// Unit.
    pub unit: String,
    /// Summed numerator.
    pub numerator: Option<f64>,
    /// Summed denominator (`None` for counts).
    pub denominator: Option<f64>,
    /// Why the value is missing (Chinese / English), empty when available.
    pub reason: Option<(String, String)>,
}

impl Figure {
    /// "ok" or "unavailable".
    pub fn status(&self) -> &'static str {
        if self.value.is_some() {
            "ok"
        } else {
            "unavailable"
        }
    }
}

/// An engine failure (a catalogue measure whose SQL does not run).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// DataFusion refused a query.
    #[error("measure {measure}: {source}")]
    Query {
        /// Measure name.
        measure: String,
        /// The cause.
        source: datafusion::error::DataFusionError,
    },
}

fn facts_table(source: &str) -> &'static str {
    match source {
        "enrol" => "enrol",
        "class" => "class",
        "staff" => "staff",
        "cond" => "cond",
        "pop" => "pop",
        _ => "school",
    }
}

/// Rounds half up (四舍五入) to `digits` decimals, as Chinese statistics do.
pub fn round_half_up(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    let y = (x.abs() * f * (1.0 + 1e-12)).floor() + if (x.abs() * f * (1.0 + 1e-12)).fract() >= 0.5 { 1.0 } else { 0.0 };
    x.signum() * y / f
}

/// A measure summed by (year, key, stage); `missing` counts units whose value was NULL.
#[derive(Debug, Default, Clone, Copy)]
struct Sum {
    value: f64,
    missing: i64,
    rows: i64,
}

type Sums = HashMap<(i32, String, String), Sum>;

/// The engine over a set of school years.
pub struct Engine {
    ctx: SessionContext,
    years: BTreeSet<i32>,
    rows: HashMap<(&'static str, i32), usize>,
    /// every school, township and county of each year (the units a figure may be about)
    units: HashMap<(Level, i32), BTreeSet<String>>,
    cache: std::sync::Mutex<HashMap<(String, Level), std::sync::Arc<Sums>>>,
}

impl Engine {
    /// Registers the fact tables of these years.
    pub fn new(years: &[YearData]) -> Engine {
        let ctx = SessionContext::new();
        for (name, batch) in facts::build(years) {
            ctx.register_batch(name, batch).expect("a fresh context accepts the fact tables");
        }
        let mut units: HashMap<(Level, i32), BTreeSet<String>> = HashMap::new();
        for y in years {
            let t = y.table(eduplan_core::schema::SheetKind::Schools);
            for r in &t.rows {
                let tw = t.get(r, "region").display();
                units.entry((Level::School, y.year)).or_default().insert(t.get(r, "school_id").display());
                units.entry((Level::County, y.year)).or_default().insert(tw.chars().take(6).collect());
                units.entry((Level::Township, y.year)).or_default().insert(tw);
            }
        }
        Engine { ctx, years: years.iter().map(|y| y.year).collect(), rows: facts::row_counts(years), units, cache: Default::default() }
    }

    /// Years the engine holds.
    pub fn years(&self) -> &BTreeSet<i32> {
        &self.years
    }

    async fn sums(&self, cat: &Catalogue, measure: &str, level: Level) -> Result<std::sync::Arc<Sums>, EngineError> {
        if let Some(s) = self.cache.lock().expect("cache").get(&(measure.to_string(), level)) {
            return Ok(s.clone());
        }
        let m = &cat.measure[measure];
        let key = level.key();
        let sql = format!(
            "SELECT CAST(year AS BIGINT) AS year, {key} AS k, stage, CAST(SUM(value) AS DOUBLE) AS v, \
             CAST(COUNT(*) - COUNT(value) AS BIGINT) AS missing, CAST(COUNT(*) AS BIGINT) AS n \
             FROM ({}) m WHERE {key} IS NOT NULL GROUP BY year, {key}, stage",
            m.sql
        );
        let err = |source| EngineError::Query { measure: measure.to_string(), source };
        let batches = self.ctx.sql(&sql).await.map_err(err)?.collect().await.map_err(err)?;
        let mut out: Sums = HashMap::new();
        for b in batches {
            let year = b.column(0).as_primitive::<Int64Type>();
            let k = b.column(1).as_string::<i32>();
            let stage = b.column(2).as_string::<i32>();
            let v = b.column(3);
            let v = match v.data_type() {
                DataType::Float64 => v.as_primitive::<Float64Type>().clone(),
                _ => unreachable!("cast to DOUBLE"),
            };
            let missing = b.column(4).as_primitive::<Int64Type>();
            let n = b.column(5).as_primitive::<Int64Type>();
            for i in 0..b.num_rows() {
                if stage.is_null(i) {
                    continue;
                }
                let s = Sum { value: if v.is_null(i) { 0.0 } else { v.value(i) }, missing: missing.value(i), rows: n.value(i) };
                let y = year.value(i) as i32;
                let key = (y, k.value(i).to_string(), stage.value(i).to_string());
                out.insert(key, s);
                let all = out.entry((y, k.value(i).to_string(), ALL_STAGES.to_string())).or_default();
                all.value += s.value;
                all.missing += s.missing;
                all.rows += s.rows;
            }
        }
        let out = std::sync::Arc::new(out);
        self.cache.lock().expect("cache").insert((measure.to_string(), level), out.clone());
        Ok(out)
    }

    /// Computes indicators for a year at the given levels (`codes` = `None` for all).
    pub async fn compute(&self, cat: &Catalogue, year: i32, levels: &[Level], codes: Option<&[String]>) -> Result<Vec<Figure>, EngineError> {
        let mut out = Vec::new();
        for ind in &cat.indicator {
            if codes.is_some_and(|c| !c.iter().any(|x| *x == ind.code)) {
                continue;
            }
            for level in levels.iter().filter(|l| ind.levels.contains(l)) {
                out.extend(self.indicator(cat, ind, year, *level).await?);
            }
        }
        Ok(out)
    }

    async fn indicator(&self, cat: &Catalogue, ind: &Indicator, year: i32, level: Level) -> Result<Vec<Figure>, EngineError> {
        let num = self.sums(cat, ind.numerator.measure(), level).await?;
        let den = match &ind.denominator {
            Some(t) => Some((t, self.sums(cat, t.measure(), level).await?)),
            None => None,
        };
        // scopes: units the year's numerator or denominator knows
        let mut scopes: BTreeMap<(String, String), ()> = BTreeMap::new();
        let wanted = |stage: &str| if ind.stages.is_empty() { true } else { ind.stages.iter().any(|s| s == stage) };
        for ((y, k, s), _) in num.iter() {
            if *y == year && wanted(s) {
                scopes.insert((k.clone(), s.clone()), ());
            }
        }
        if let Some((t, d)) = &den {
            for ((y, k, s), _) in d.iter() {
                let st = match t.stage() {
                    Some(ts) if s == ts => ind.stages.first().cloned().unwrap_or_else(|| s.clone()),
                    Some(_) => continue,
                    None => s.clone(),
                };
                if *y == year - t.lag() && wanted(&st) {
                    scopes.insert((k.clone(), st), ());
                }
            }
        }
        if scopes.is_empty() {
            // nothing to divide anywhere: still say so for every unit, once, with the reason
            let stage = ind.stages.first().cloned().unwrap_or_else(|| ALL_STAGES.to_string());
            for u in self.units.get(&(level, year)).into_iter().flatten() {
                scopes.insert((u.clone(), stage.clone()), ());
            }
        }
        let no_data = |t: &Term, y: i32| -> Option<(String, String)> {
            let src = cat.measure[t.measure()].source.as_str();
            let n = self.rows.get(&(facts_table(src), y)).copied().unwrap_or(0);
            (n == 0 && self.years.contains(&y)).then(|| {
                let sheet = facts::sheet_of(src);
                (format!("{y} 学年无{sheet}数据"), format!("no {sheet} data for {y}"))
            })
        };
        let mut out = Vec::with_capacity(scopes.len());
        for (scope, stage) in scopes.into_keys() {
            let n = num.get(&(year, scope.clone(), stage.clone())).copied().unwrap_or_default();
            let mut fig = Figure {
                code: ind.code.clone(),
                name: ind.name.clone(),
                scope: scope.clone(),
                level,
                year,
                stage: stage.clone(),
                value: None,
                unit: ind.unit.clone(),
                numerator: Some(n.value),
                denominator: None,
                reason: None,
            };
            let unavailable = |zh: String, en: String| Some((zh, en));
            if let Some(r) = no_data(&ind.numerator, year) {
                fig.numerator = None;
                fig.reason = Some(r);
            } else if n.missing > 0 {
                fig.numerator = None;
                fig.reason = unavailable(format!("分子数据缺失 {} 行", n.missing), format!("numerator data missing in {} rows", n.missing));
            }
            if let Some(r) = ind.denominator.as_ref().and_then(|t| no_data(t, year - t.lag())) {
                fig.reason.get_or_insert(r);
            }
            match &den {
                None => {
                    if fig.reason.is_none() {
                        fig.value = Some(n.value * ind.scale);
                    }
                }
                Some((t, d)) => {
                    let dy = year - t.lag();
                    let dstage = t.stage().map(str::to_string).unwrap_or_else(|| stage.clone());
                    let dsum = d.get(&(dy, scope.clone(), dstage.clone())).copied();
                    if !self.years.contains(&dy) {
                        fig.reason = unavailable(format!("缺少 {dy} 学年数据（t−{}）", t.lag()), format!("missing year {dy} (t−{})", t.lag()));
                    } else {
                        match dsum {
                            None => {
                                if fig.reason.is_none() {
                                    fig.reason = unavailable("分母无数据".into(), "no data for the denominator".into());
                                }
                            }
                            Some(ds) if ds.missing > 0 => {
                                fig.reason = unavailable(format!("分母数据缺失 {} 行", ds.missing), format!("denominator data missing in {} rows", ds.missing));
                            }
                            Some(ds) => {
                                fig.denominator = Some(ds.value);
                                if ds.value == 0.0 {
                                    if fig.reason.is_none() {
                                        fig.reason = unavailable("分母为 0".into(), "the denominator is zero".into());
                                    }
                                } else if fig.reason.is_none() {
                                    fig.value = Some(n.value / ds.value * ind.scale);
                                }
                            }
                        }
                    }
                }
            }
            out.push(fig);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_up_not_bankers() {
        assert_eq!(round_half_up(2.345, 2), 2.35);
        assert_eq!(round_half_up(2.5, 0), 3.0);
        assert_eq!(round_half_up(0.125, 2), 0.13);
        assert_eq!(round_half_up(93.333333, 2), 93.33);
        assert_eq!(round_half_up(-1.005, 2), -1.01);
    }

    #[test]
    fn the_builtin_catalogue_parses_and_every_measure_exists() {
        let c = Catalogue::builtin();
        assert!(c.indicator.len() >= 30);
        let mut codes: Vec<&str> = c.indicator.iter().map(|i| i.code.as_str()).collect();
        codes.sort();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "duplicate codes");
        let bad = Catalogue::parse("[[indicator]]\ncode='x'\nname='x'\nname_en='x'\nunit='%'\nnumerator='nope'\n");
        assert!(matches!(bad, Err(catalogue::CatalogueError::UnknownMeasure { .. })));
    }
}
