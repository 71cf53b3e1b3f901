//! eduplan-project: projections (预测) of a township's children, year by year.
//!
//! The population model is cohort-component by single year of age: every year each age group
//! moves up one year of age, thinned by survival (存活率) and changed by net migration (净迁移),
//! and a new group of age 0 comes from births. Enrolment follows from the population by grade
//! progression (see [`Progression`]).
//!
//! Invariant: no I/O and no store. Callers give base populations, births and rates; the model
//! gives numbers, additive over townships (a county run equals the sum of its townships' runs
//! when the rates are the same).
#![deny(missing_docs)]

pub mod backtest;
pub mod inputs;
pub mod reach;
pub mod run;
pub mod scenario;

pub use inputs::{Inputs, PlannedPlaces};
pub use run::{run, Projection, Row};
pub use scenario::Scenario;

/// A 学段 as projections report it: 学前, 小学, 初中, 高中 (普高 and 中职 together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// 学前 (ages 3–5).
    Pre,
    /// 小学 (ages 6–11).
    Pri,
    /// 初中 (ages 12–14).
    Jun,
    /// 高中 (ages 15–17): 普通高中 and 中职.
    Sen,
}

impl Stage {
    /// Every stage in school order.
    pub const ALL: [Stage; 4] = [Stage::Pre, Stage::Pri, Stage::Jun, Stage::Sen];
    /// The Chinese name, as in the data format.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Pre => "学前",
            Stage::Pri => "小学",
            Stage::Jun => "初中",
            Stage::Sen => "高中",
        }
    }
    /// From the Chinese name; 中职 counts as 高中.
    pub fn parse(s: &str) -> Option<Stage> {
        match s {
            "学前" => Some(Stage::Pre),
            "小学" => Some(Stage::Pri),
            "初中" => Some(Stage::Jun),
            "高中" | "中职" => Some(Stage::Sen),
            _ => None,
        }
    }
    /// Position in [`Stage::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
    /// The official age band (适龄): 3–5, 6–11, 12–14, 15–17.
    pub fn ages(self) -> (usize, usize) {
        match self {
            Stage::Pre => (3, 5),
            Stage::Pri => (6, 11),
            Stage::Jun => (12, 14),
            Stage::Sen => (15, 17),
        }
    }
}

/// A sequence of grades pupils move through (年级序列): a stage, with 高中 split into 普高 and
/// 中职 because each has its own intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Track {
    /// 幼儿园: 小班, 中班, 大班, 学前班.
    Pre,
    /// 小学: 一年级 … 六年级.
    Pri,
    /// 初中: 七年级 … 九年级.
    Jun,
    /// 普通高中: 高一 … 高三.
    Gen,
    /// 中职: 中职一年级 … 中职三年级.
    Voc,
}

impl Track {
    /// Every track in school order.
    pub const ALL: [Track; 5] = [Track::Pre, Track::Pri, Track::Jun, Track::Gen, Track::Voc];
    /// The grades, as in the data format.
    pub fn grades(self) -> &'static [&'static str] {
        match self {
            Track::Pre => &["小班", "中班", "大班", "学前班"],
            Track::Pri => &["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"],
            Track::Jun => &["七年级", "八年级", "九年级"],
            Track::Gen => &["高一", "高二", "高三"],
            Track::Voc => &["中职一年级", "中职二年级", "中职三年级"],
        }
    }
    /// The track and grade index of a grade name.
    pub fn of_grade(grade: &str) -> Option<(Track, usize)> {
        Track::ALL.iter().find_map(|t| t.grades().iter().position(|g| *g == grade).map(|i| (*t, i)))
    }
    /// The stage it reports under.
    pub fn stage(self) -> Stage {
        match self {
            Track::Pre => Stage::Pre,
            Track::Pri => Stage::Pri,
            Track::Jun => Stage::Jun,
            Track::Gen | Track::Voc => Stage::Sen,
        }
    }
    /// The age of a kindergarten grade (小班 3, 中班 4, 大班 and 学前班 5).
    pub fn pre_age(grade: usize) -> usize {
        [3, 4, 5, 5][grade.min(3)]
    }
}

pub use eduplan_core::round_half_up;
/// The oldest single year of age projected (ages 0..=MAX_AGE); older people leave the model.
pub const MAX_AGE: usize = 25;

/// The population of one area by single year of age 0..=[`MAX_AGE`] (人口, 分年龄).
pub type Ages = [f64; MAX_AGE + 1];

/// What drives the population from one year to the next (情景 of the population part).
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    /// Probability of surviving from age a to a + 1 during a year, by age a (life table).
    pub survival: Ages,
    /// Net migrants arriving at each age during a year, as a share of that age's population
    /// (urbanisation: negative in villages, positive in towns).
    pub migration: Ages,
    /// Share of newborns surviving to be counted at age 0 at the year's end.
    pub infant_survival: f64,
}

impl Rates {
    /// Everyone survives and nobody moves.
    pub fn closed() -> Rates {
        Rates { survival: [1.0; MAX_AGE + 1], migration: [0.0; MAX_AGE + 1], infant_survival: 1.0 }
    }
}

/// One year on: age a + 1 next year = (age a this year) × survival(a) × (1 + migration(a));
/// age 0 = births × infant survival. The oldest age leaves.
pub fn step(pop: &Ages, births: f64, r: &Rates) -> Ages {
    let mut next = [0.0; MAX_AGE + 1];
    for a in 0..MAX_AGE {
        next[a + 1] = pop[a] * r.survival[a] * (1.0 + r.migration[a]);
    }
    next[0] = births * r.infant_survival;
    next
}

/// The population of each year from the base year's (index 0 = the base year itself), with
/// `births[i]` the births of the i-th projected year.
pub fn project(base: &Ages, births: &[f64], r: &Rates) -> Vec<Ages> {
    let mut out = vec![*base];
    for b in births {
        let next = step(out.last().expect("the base year is there"), *b, r);
        out.push(next);
    }
    out
}

/// The children of an age band (适龄人口), e.g. 6..=11 for 小学.
pub fn band(pop: &Ages, from: usize, to: usize) -> f64 {
    pop[from.min(MAX_AGE)..=to.min(MAX_AGE)].iter().sum()
}

/// Grade progression of one stage (年级推进): intake into the first grade from the entry-age
/// population, then each grade's pupils promoted, repeating or dropping out (UIS flow rates).
#[derive(Debug, Clone, PartialEq)]
pub struct Progression {
    /// The official entry age (6 for 小学, 12 for 初中).
    pub entry_age: usize,
    /// Share of the entry-age population entering grade 1 (入学率).
    pub intake: f64,
    /// Promotion rate of each grade but the last (升级率).
    pub promotion: Vec<f64>,
    /// Repetition rate of each grade (留级率).
    pub repetition: Vec<f64>,
}

impl Progression {
    /// Next year's pupils by grade from this year's and next year's entry-age population:
    /// grade 1 = intake × entry-age population + repeaters of grade 1; grade g + 1 = promoted of
    /// grade g + repeaters of grade g + 1. The last grade's promoted leave the stage (毕业).
    pub fn step(&self, grades: &[f64], entry_population: f64) -> Vec<f64> {
        let n = grades.len();
        let mut next = vec![0.0; n];
        next[0] = self.intake * entry_population + grades[0] * self.repetition[0];
        for g in 1..n {
            next[g] = grades[g - 1] * self.promotion[g - 1] + grades[g] * self.repetition[g];
        }
        next
    }
}
