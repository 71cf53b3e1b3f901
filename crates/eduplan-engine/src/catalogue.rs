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
    /// A prefecture-level city (市), the first four digits of the county code.
    City,
    /// A province (省), the first two digits.
    Province,
}

impl Level {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::School => "school",
            Level::Township => "township",
            Level::County => "county",
            Level::City => "city",
            Level::Province => "province",
        }
    }
    /// Every level, finest first.
    pub const ALL: [Level; 5] = [Level::School, Level::Township, Level::County, Level::City, Level::Province];
    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
    /// The code of the unit at this level containing a township or county code
    /// (`None` at school level or when the code is too short).
    pub fn region_of(self, code: &str) -> Option<String> {
        if code.len() < 6 || !code.is_ascii() {
            return None;
        }
        match self {
            Level::School => None,
            Level::Township => (code.len() == 9).then(|| code.to_string()),
            Level::County => Some(code[..6].to_string()),
            Level::City => Some(format!("{}00", &code[..4])),
            Level::Province => Some(format!("{}0000", &code[..2])),
        }
    }
}

/// A measure: SQL returning `year, school_id, township, county, stage, value` (and `grade`
/// when `by_grade`).
#[derive(Debug, Clone, Deserialize)]
pub struct Measure {
    /// The fact table it reads (enrol, class, staff, cond, pop, place, disab, attain, school),
    /// to explain missing data.
    pub source: String,
    /// The query.
    pub sql: String,
    /// Summed per grade as well (for the reconstructed-cohort survival rate).
    #[serde(default)]
    pub by_grade: bool,
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
        /// +1 (default) or −1: a side may add and subtract measures.
        #[serde(default = "one")]
        sign: f64,
    },
}

fn one() -> f64 {
    1.0
}

/// One side of an indicator (numerator or denominator): a measure or a signed sum of measures.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Side {
    /// One term.
    One(Term),
    /// Several terms added (each with its sign).
    Sum(Vec<Term>),
}

impl Side {
    /// The terms.
    pub fn terms(&self) -> &[Term] {
        match self {
            Side::One(t) => std::slice::from_ref(t),
            Side::Sum(v) => v,
        }
    }
}

/// How an indicator turns its summed sides into a value (计算方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// numerator / denominator × scale (or numerator × scale without a denominator).
    #[default]
    Ratio,
    /// numerator − denominator (signed, additive: 编制缺口).
    Difference,
    /// Σ over planning zones (township; the school itself at school level) and stages of
    /// max(0, numerator − denominator): a surplus in one zone does not fill a gap in another.
    Gap,
    /// UIS survival rate to the last grade by the reconstructed cohort method: numerator and
    /// denominator are per-grade enrolment and repeaters; promotion and repetition rates from
    /// year t to t+1 give Π p/(1−r) over the stage's grades.
    Survival,
}

impl Term {
    /// Measure name.
    pub fn measure(&self) -> &str {
        match self {
            Term::Name(n) => n,
            Term::Full { measure, .. } => measure,
        }
    }
    /// Years back (negative: years ahead, as UIS flow rates of year t read t+1).
    pub fn lag(&self) -> i32 {
        match self {
            Term::Name(_) => 0,
            Term::Full { lag, .. } => *lag,
        }
    }
    /// +1 or −1.
    pub fn sign(&self) -> f64 {
        match self {
            Term::Name(_) => 1.0,
            Term::Full { sign, .. } => *sign,
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
    pub numerator: Side,
    /// Denominator; none for counts.
    pub denominator: Option<Side>,
    /// How the value is made from the sides.
    #[serde(default)]
    pub kind: Kind,
    /// Other names the indicator answers to (UIS names such as "GER").
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Defined by a user (自定义指标), not by the catalogue file.
    #[serde(default)]
    pub custom: bool,
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

/// A user-defined indicator that cannot be added.
#[derive(Debug, thiserror::Error)]
pub enum CustomError {
    /// The code is taken.
    #[error("indicator code {0} already exists")]
    Exists(String),
    /// A formula does not parse.
    #[error(transparent)]
    Formula(crate::formula::FormulaError),
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

    /// Adds user-defined indicators (自定义指标); a code the catalogue already has is refused.
    pub fn add_custom(&mut self, defs: &[crate::formula::CustomDef]) -> Result<(), CustomError> {
        for d in defs {
            if self.indicator.iter().any(|i| i.code == d.code || i.aliases.iter().any(|a| a.eq_ignore_ascii_case(&d.code))) {
                return Err(CustomError::Exists(d.code.clone()));
            }
            let c = crate::formula::compile(d).map_err(CustomError::Formula)?;
            self.measure.extend(c.measures);
            self.indicator.push(c.indicator);
        }
        Ok(())
    }

    fn check(&self) -> Result<(), CatalogueError> {
        for i in &self.indicator {
            for t in i.numerator.terms().iter().chain(i.denominator.iter().flat_map(|d| d.terms())) {
                if !self.measure.contains_key(t.measure()) {
                    return Err(CatalogueError::UnknownMeasure { indicator: i.code.clone(), measure: t.measure().to_string() });
                }
            }
        }
        Ok(())
    }

    /// An indicator by code or alias (case-insensitive for aliases).
    pub fn get(&self, code: &str) -> Option<&Indicator> {
        self.indicator.iter().find(|i| i.code == code).or_else(|| self.indicator.iter().find(|i| i.aliases.iter().any(|a| a.eq_ignore_ascii_case(code))))
    }

    /// Resolves requested codes or aliases to catalogue codes; the unknown ones are returned as
    /// the error.
    pub fn resolve(&self, codes: &[String]) -> Result<Vec<String>, Vec<String>> {
        let (mut ok, mut bad) = (Vec::new(), Vec::new());
        for c in codes {
            match self.get(c) {
                Some(i) => ok.push(i.code.clone()),
                None => bad.push(c.clone()),
            }
        }
        if bad.is_empty() {
            Ok(ok)
        } else {
            Err(bad)
        }
    }
}
