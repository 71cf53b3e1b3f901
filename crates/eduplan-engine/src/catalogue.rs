//! The indicator catalogue (指标目录) as data: measures (SQL over the fact tables) and
//! indicators (a numerator measure over a denominator measure, with a scale, stages and levels).

use std::collections::BTreeMap;

use serde::Deserialize;

/// The catalogue shipped with eduplan (catalogue/indicators.toml).
pub const BUILTIN: &str = include_str!("../../../catalogue/indicators.toml");

/// Aggregation level (汇总层级).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// One school (学校).
    School,
    /// A township (乡镇).
    Township,
    /// A county (县).
    County,
}

impl Level {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::School => "school",
            Level::Township => "township",
            Level::County => "county",
        }
    }
    /// The fact-table column that identifies a unit at this level.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Level::School => "school_id",
            Level::Township => "township",
            Level::County => "county",
        }
    }
}

/// A measure: SQL returning `year, school_id, township, county, stage, value`.
#[derive(Debug, Clone, Deserialize)]
pub struct Measure {
    /// The fact table it reads (enrol, class, staff, cond, pop, school), to explain missing data.
    pub source: String,
    /// The query.
    pub sql: String,
}

/// One side of a ratio: a measure, optionally read `lag` years earlier and from another stage
/// (a cohort's grade 1 is a 小学 figure while its grade 9 is 初中).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Term {
    /// Just the measure's name.
    Name(String),
    /// A measure with a lag and a stage.
    Full {
        /// Measure name.
        measure: String,
        /// Years back.
        #[serde(default)]
        lag: i32,
        /// Stage of the measure's rows to use (default: the indicator's stage).
        stage: Option<String>,
    },
}

impl Term {
    /// Measure name.
    pub fn measure(&self) -> &str {
        match self {
            Term::Name(n) => n,
            Term::Full { measure, .. } => measure,
        }
    }
    /// Years back.
    pub fn lag(&self) -> i32 {
        match self {
            Term::Name(_) => 0,
            Term::Full { lag, .. } => *lag,
        }
    }
    /// Stage override.
    pub fn stage(&self) -> Option<&str> {
        match self {
            Term::Name(_) => None,
            Term::Full { stage, .. } => stage.as_deref(),
        }
    }
}

fn default_scale() -> f64 {
    1.0
}

fn default_levels() -> Vec<Level> {
    vec![Level::School, Level::Township, Level::County]
}

/// An indicator (指标).
#[derive(Debug, Clone, Deserialize)]
pub struct Indicator {
    /// Stable code (as in indicators.md).
    pub code: String,
    /// 中文名.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Unit.
    pub unit: String,
    /// Multiplier of the ratio (100 for %).
    #[serde(default = "default_scale")]
    pub scale: f64,
    /// Numerator.
    pub numerator: Term,
    /// Denominator; none for counts.
    pub denominator: Option<Term>,
    /// Stages reported; empty = every stage in the data plus 全部.
    #[serde(default)]
    pub stages: Vec<String>,
    /// Levels at which it is defined.
    #[serde(default = "default_levels")]
    pub levels: Vec<Level>,
    /// The formula in words.
    #[serde(default)]
    pub formula: String,
}

/// The whole catalogue.
#[derive(Debug, Clone, Deserialize)]
pub struct Catalogue {
    /// Measures by name.
    #[serde(default)]
    pub measure: BTreeMap<String, Measure>,
    /// Indicators in catalogue order.
    #[serde(default)]
    pub indicator: Vec<Indicator>,
}

/// A catalogue file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// Not TOML of the expected shape.
    #[error("catalogue: {0}")]
    Parse(#[from] toml::de::Error),
    /// An indicator names a measure nobody defined.
    #[error("catalogue: indicator {indicator} uses unknown measure {measure}")]
    UnknownMeasure {
        /// Indicator code.
        indicator: String,
        /// Missing measure.
        measure: String,
    },
}

impl Catalogue {
    /// The built-in catalogue.
    pub fn builtin() -> Catalogue {
        Catalogue::parse(BUILTIN).expect("the built-in catalogue is valid (tested)")
    }

    /// Parses a catalogue file and checks that every measure it uses exists.
    pub fn parse(text: &str) -> Result<Catalogue, CatalogueError> {
        let c: Catalogue = toml::from_str(text)?;
        c.check()?;
        Ok(c)
    }

    /// Adds a province's file: its measures and indicators replace same-named ones.
    pub fn extend(&mut self, other: Catalogue) -> Result<(), CatalogueError> {
        self.measure.extend(other.measure);
        for i in other.indicator {
            match self.indicator.iter_mut().find(|x| x.code == i.code) {
                Some(x) => *x = i,
                None => self.indicator.push(i),
            }
        }
        self.check()
    }

    fn check(&self) -> Result<(), CatalogueError> {
        for i in &self.indicator {
            for t in std::iter::once(&i.numerator).chain(i.denominator.as_ref()) {
                if !self.measure.contains_key(t.measure()) {
                    return Err(CatalogueError::UnknownMeasure { indicator: i.code.clone(), measure: t.measure().to_string() });
                }
            }
        }
        Ok(())
    }

    /// An indicator by code.
    pub fn get(&self, code: &str) -> Option<&Indicator> {
        self.indicator.iter().find(|i| i.code == code)
    }
}
