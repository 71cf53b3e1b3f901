//! A projection run (预测): population by township, pupils by school and grade, and what follows
//! (classes, places, teachers, costs), every year from the base year to the horizon.
//!
//! Rates come from the recent years (pooled over `history_years`: Σ numerators / Σ denominators,
//! never a mean of yearly ratios) unless the scenario gives them:
//! - 学前: participation by grade and single age per township (在园/年龄人口), pupils shared among the
//!   township's kindergartens as in the base year;
//! - 小学: gross intake ratio (一年级新生/6岁人口) per township, shared among its primary schools as
//!   in the base year; then UIS promotion and repetition per school;
//! - 初中, 普高, 中职: intake from the county's last grade of the stage below (升学率), shared among
//!   the county's schools as in the base year (their catchments cross townships).
//!
//! Townships' and counties' figures are sums over their schools, so the county equals the sum of
//! its townships. A place gap (学位缺口) is pooled within a township (children can move between
//! schools of a township, not across townships).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::inputs::{standard_class_size, Inputs, School};
use crate::scenario::Scenario;
use crate::{band, round_half_up, step, Ages, Rates, Stage, Track, MAX_AGE};

/// One projected (or, in the base year, recorded) figure set of a scope, year and stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Region code or 学校标识码.
    pub scope: String,
    /// Its name.
    pub scope_name: String,
    /// `school`, `township` or `county`.
    pub level: &'static str,
    /// The township of a school, the county of a township.
    pub parent: Option<String>,
    /// 学年.
    pub year: i32,
    /// 学段.
    pub stage: &'static str,
    /// 适龄人口 of the stage's official ages (regions only).
    #[serde(serialize_with = "whole_opt")]
    pub school_age_pop: Option<f64>,
    /// 在校生.
    #[serde(serialize_with = "whole")]
    pub enrolled: f64,
    /// Classes needed at the standard class size (所需班级数), Σ over grades of ⌈pupils / size⌉.
    #[serde(serialize_with = "whole")]
    pub classes_needed: f64,
    /// 学位: base places plus the plans' finished projects.
    #[serde(serialize_with = "whole")]
    pub places: f64,
    /// 学位缺口: pupils beyond the places (pooled within a township).
    #[serde(serialize_with = "whole")]
    pub place_gap: f64,
    /// Spare places (富余学位).
    #[serde(serialize_with = "whole")]
    pub spare: f64,
    /// Classes of 56+ if each grade keeps the base year's number of classes (大班额).
    #[serde(serialize_with = "whole")]
    pub big_classes: f64,
    /// 编制需求: Σ over schools of ⌈pupils / staffing ratio⌉.
    #[serde(serialize_with = "whole")]
    pub teachers_needed: f64,
    /// The base year's staff (教职工) less those retired by this year.
    #[serde(serialize_with = "whole")]
    pub teachers_available: f64,
    /// Posts to recruit this year: the growth of the staffing shortage since last year.
    #[serde(serialize_with = "whole")]
    pub recruitment: f64,
    /// cost_operating + cost_construction (万元).
    #[serde(serialize_with = "whole")]
    pub cost: f64,
    /// 公用经费: pupils × 生均公用经费 (万元).
    #[serde(serialize_with = "whole")]
    pub cost_operating: f64,
    /// Building the places missing beyond the largest earlier gap (万元).
    #[serde(serialize_with = "whole")]
    pub cost_construction: f64,
    /// Classes counted for big_classes (the denominator of 大班额比例).
    #[serde(skip)]
    pub classes_kept: f64,
}

/// A whole number as an integer in JSON (18781, not 18781.0); others as they are.
fn whole<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        s.serialize_i64(*x as i64)
    } else {
        s.serialize_f64(*x)
    }
}

fn whole_vec<S: serde::Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for x in v {
        if x.fract() == 0.0 && x.abs() < 1e15 {
            seq.serialize_element(&(*x as i64))?;
        } else {
            seq.serialize_element(x)?;
        }
    }
    seq.end()
}

fn whole_opt<S: serde::Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(v) => whole(v, s),
        None => s.serialize_none(),
    }
}

/// Population by single age of a township or county in a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopRow {
    /// Region code.
    pub scope: String,
    /// Its name.
    pub scope_name: String,
    /// `township` or `county`.
    pub level: &'static str,
    /// 年份.
    pub year: i32,
    /// Ages 0..=25.
    #[serde(serialize_with = "whole_vec")]
    pub ages: Vec<f64>,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// 基期.
    pub base_year: i32,
    /// The horizon.
    pub to: i32,
    /// Every scope, year (base year included) and stage.
    pub rows: Vec<Row>,
    /// Population of every township and county and year.
    pub population: Vec<PopRow>,
    /// Pupils by region (townships and counties) and track: by year from the base year, by grade.
    pub grades: HashMap<(String, Track), Vec<Vec<f64>>>,
    /// What the user should know about the inputs.
    pub warnings: Vec<String>,
}

impl Projection {
    /// Rows of a region (a county or township and everything below it; all when `None`) and a
    /// level (`school`, `township`, `county`, or `all`), from a year on.
    pub fn select(&self, region: Option<&str>, level: &str, from: i32) -> Vec<&Row> {
        let inside = |r: &Row| match region {
            None => true,
            Some(code) => r.scope == code || r.parent.as_deref() == Some(code) || (r.level == "school" && r.parent.as_deref().is_some_and(|p| p.starts_with(code))),
        };
        self.rows.iter().filter(|r| r.year >= from && (level == "all" || r.level == level) && inside(r)).collect()
    }
    /// Pupils of a region (township or county) by grade of a track in a year.
    pub fn grade(&self, scope: &str, year: i32, track: Track) -> Option<&Vec<f64>> {
        let k = usize::try_from(year - self.base_year).ok()?;
        self.grades.get(&(scope.to_string(), track)).and_then(|v| v.get(k))
    }
    /// The row of a scope, year and stage.
    pub fn row(&self, scope: &str, year: i32, stage: Stage) -> Option<&Row> {
        self.rows.iter().find(|r| r.scope == scope && r.year == year && r.stage == stage.name())
    }
}

/// Probability of dying within a year by age (default life table, roughly China's 2020s):
/// 1.5‰ in the first full year, 0.3‰ at 1–4, 0.2‰ at 5–14, 0.5‰ at 15–25. Infants surviving to
/// be counted at age 0: 99.5 %.
pub fn life_table(mortality_scale: f64) -> (Ages, f64) {
    let q = |a: usize| match a {
        0 => 0.0015,
        1..=4 => 0.0003,
        5..=14 => 0.0002,
        _ => 0.0005,
    };
    let s: Ages = std::array::from_fn(|a| 1.0 - (q(a) * mortality_scale).min(1.0));
    (s, 1.0 - (0.005 * mortality_scale).min(1.0))
}

/// Age groups whose net migration is estimated together (ages a moving to a + 1), chosen so that
/// each group arrives in one stage's ages (1–5, 6–11, 12–14, 15–17, 18–25): young adults leaving
/// for work must not thin the 15-year-olds.
const MIGRATION_GROUPS: [(usize, usize); 5] = [(0, 4), (5, 10), (11, 13), (14, 16), (17, MAX_AGE - 1)];

/// Pooled history years: base − H + 1 ..= base.
fn history(base: i32, h: u32) -> std::ops::RangeInclusive<i32> {
    (base - h as i32 + 1)..=base
}

fn div(n: f64, d: f64) -> Option<f64> {
    (d > 0.0).then(|| n / d)
}

/// Net migration by age from the recent years: the residual of each age group after survival.
fn migration_rates(pop: Option<&BTreeMap<i32, Ages>>, survival: &Ages, base: i32, h: u32) -> Ages {
    let mut m = [0.0; MAX_AGE + 1];
    let Some(pop) = pop else { return m };
    for (lo, hi) in MIGRATION_GROUPS {
        let (mut num, mut den) = (0.0, 0.0);
        for y in history(base, h) {
            if let (Some(prev), Some(cur)) = (pop.get(&(y - 1)), pop.get(&y)) {
                for a in lo..=hi {
                    num += cur[a + 1];
                    den += prev[a] * survival[a];
                }
            }
        }
        if let Some(r) = div(num, den) {
            for x in &mut m[lo..=hi] {
                *x = r - 1.0;
            }
        }
    }
    m
}

/// Growth of births relative to the base year, by years after it, for one county.
fn births_factor(sc: &Scenario, county_births: &BTreeMap<i32, f64>, base: i32, k: i32) -> f64 {
    let b0 = county_births.get(&base).copied().unwrap_or(0.0);
    match sc.births.mode.as_str() {
        "change" => (1.0 + sc.births.change_pct / 100.0).powi(k),
        "trend" => {
            let first = base - sc.births.trend_years as i32 + 1;
            let series: Vec<(i32, f64)> = county_births.range(first..=base).map(|(y, b)| (*y, *b)).collect();
            match (series.first(), series.last()) {
                (Some(&(y0, f)), Some(&(y1, l))) if y1 > y0 && f > 0.0 => (l / f).powf(1.0 / (y1 - y0) as f64).powi(k),
                _ => 1.0,
            }
        }
        "series" => {
            let given: BTreeMap<i32, f64> = sc.births.series.iter().filter_map(|(y, v)| y.parse().ok().map(|y: i32| (y, *v))).collect();
            match given.range(..=base + k).next_back() {
                Some((_, v)) if b0 > 0.0 => v / b0,
                _ => 1.0,
            }
        }
        _ => 1.0,
    }
}

/// A school's flow rates for one track: promotion into each next grade and repetition.
struct Flow {
    promotion: Vec<f64>,
    repetition: Vec<f64>,
}

/// Σ over history of (numerator, denominator) per grade, for pooling at several levels.
#[derive(Clone, Default)]
struct FlowSums {
    p_num: Vec<f64>,
    p_den: Vec<f64>,
    r_num: Vec<f64>,
    r_den: Vec<f64>,
}

impl FlowSums {
    fn new(n: usize) -> FlowSums {
        FlowSums { p_num: vec![0.0; n], p_den: vec![0.0; n], r_num: vec![0.0; n], r_den: vec![0.0; n] }
    }
    fn add(&mut self, o: &FlowSums) {
        for g in 0..self.p_num.len() {
            self.p_num[g] += o.p_num[g];
            self.p_den[g] += o.p_den[g];
            self.r_num[g] += o.r_num[g];
            self.r_den[g] += o.r_den[g];
        }
    }
}

fn flow_sums(u: &crate::inputs::Unit, n: usize, base: i32, h: u32) -> FlowSums {
    let mut f = FlowSums::new(n);
    let zero = vec![0.0; n];
    for y in history(base, h) {
        let (Some(prev), Some(cur)) = (u.enrolled.get(&(y - 1)), u.enrolled.get(&y)) else { continue };
        let rep = u.repeaters.get(&y).unwrap_or(&zero);
        for g in 0..n {
            // UIS: promoted into g + 1 = its pupils less its repeaters; repeaters of g out of g's pupils last year
            if g + 1 < n {
                f.p_num[g] += cur[g + 1] - rep[g + 1];
                f.p_den[g] += prev[g];
            }
            f.r_num[g] += rep[g];
            f.r_den[g] += prev[g];
        }
    }
    f
}

fn flow_from(levels: &[&FlowSums], n: usize) -> Flow {
    let pick = |num: fn(&FlowSums) -> &Vec<f64>, den: fn(&FlowSums) -> &Vec<f64>, g: usize, default: f64| {
        levels.iter().find_map(|l| div(num(l)[g], den(l)[g])).unwrap_or(default)
    };
    Flow {
        promotion: (0..n).map(|g| pick(|f| &f.p_num, |f| &f.p_den, g, 1.0).max(0.0)).collect(),
        repetition: (0..n).map(|g| pick(|f| &f.r_num, |f| &f.r_den, g, 0.0).max(0.0)).collect(),
    }
}

/// How a unit's first grade is fed.
enum Intake {
    /// 学前: the township's participation per grade, times this unit's share.
    Participation { tw: usize, share: Vec<f64> },
    /// 小学: the township's intake, times this unit's share.
    Township { tw: usize, share: f64 },
    /// 初中/高中: the county's intake of the track, times this unit's share.
    County { c: usize, share: f64 },
}

struct UnitRun {
    school: usize,
    track: Track,
    flow: Flow,
    intake: Intake,
    state: Vec<f64>,
}

fn sum_year(u: &crate::inputs::Unit, y: i32, g: usize) -> f64 {
    u.enrolled.get(&y).map(|v| v[g]).unwrap_or(0.0)
}

fn rep_year(u: &crate::inputs::Unit, y: i32, g: usize) -> f64 {
    u.repeaters.get(&y).map(|v| v[g]).unwrap_or(0.0)
}

/// Where a straight path from `v0` reaches `target` in `year`, in year `t`.
fn path(v0: f64, target: f64, base: i32, year: i32, t: i32) -> f64 {
    if year <= base {
        return target;
    }
    v0 + (target - v0) * (((t - base) as f64) / ((year - base) as f64)).min(1.0)
}

/// Sums kept per scope, stage and year before they become a [`Row`].
#[derive(Default, Clone)]
struct Acc {
    enrolled: f64,
    classes_needed: f64,
    places: f64,
    gap: f64,
    spare: f64,
    big: f64,
    kept: f64,
    need: f64,
    avail: f64,
}

impl Acc {
    /// Adds what sums over schools (gap and spare are pooled by the caller).
    fn add(&mut self, a: &Acc) {
        self.enrolled += a.enrolled;
        self.classes_needed += a.classes_needed;
        self.places += a.places;
        self.big += a.big;
        self.kept += a.kept;
        self.need += a.need;
        self.avail += a.avail;
    }
}

/// The townships and counties of a run, by index (the hot loops index, never hash codes).
struct Areas {
    /// Township codes: the regions' townships, then schools' townships missing from the regions.
    tw: Vec<String>,
    /// How many of `tw` are regions (the others have no population).
    tw_regions: usize,
    tw_index: HashMap<String, usize>,
    /// The county of each township.
    tw_county: Vec<usize>,
    tw_urban: Vec<bool>,
    counties: Vec<String>,
    c_index: HashMap<String, usize>,
    /// The townships of each county.
    c_tws: Vec<Vec<usize>>,
}

impl Areas {
    fn new(inputs: &Inputs) -> Areas {
        let regions = inputs.townships();
        let mut tw: Vec<String> = regions.iter().map(|t| t.code.clone()).collect();
        let tw_regions = tw.len();
        let mut tw_index: HashMap<String, usize> = tw.iter().enumerate().map(|(i, c)| (c.clone(), i)).collect();
        let mut county_of: Vec<String> = regions.iter().map(|t| t.parent.clone().unwrap_or_default()).collect();
        let mut tw_urban: Vec<bool> = regions.iter().map(|t| t.urban).collect();
        for s in &inputs.schools {
            if !tw_index.contains_key(&s.township) {
                tw_index.insert(s.township.clone(), tw.len());
                tw.push(s.township.clone());
                county_of.push(s.county.clone());
                tw_urban.push(false);
            }
        }
        let mut counties = inputs.counties();
        for c in &county_of {
            if !counties.contains(c) {
                counties.push(c.clone());
            }
        }
        let c_index: HashMap<String, usize> = counties.iter().enumerate().map(|(i, c)| (c.clone(), i)).collect();
        let tw_county: Vec<usize> = county_of.iter().map(|c| c_index[c]).collect();
        let mut c_tws = vec![Vec::new(); counties.len()];
        for (i, c) in tw_county.iter().enumerate() {
            c_tws[*c].push(i);
        }
        Areas { tw, tw_regions, tw_index, tw_county, tw_urban, counties, c_index, c_tws }
    }
}

/// Projects from `inputs.base_year` to `to` under a scenario.
pub fn run(inputs: &Inputs, sc: &Scenario, to: i32) -> Projection {
    let base = inputs.base_year;
    let to = to.max(base);
    let h = sc.history_years;
    let mut warnings = inputs.warnings.clone();
    let defaults = Scenario::default();
    let years: Vec<i32> = (base..=to).collect();
    let ny = years.len();
    let areas = Areas::new(inputs);
    let (ntw, nc) = (areas.tw.len(), areas.counties.len());
    let schools = &inputs.schools;
    let s_tw: Vec<usize> = schools.iter().map(|s| areas.tw_index[&s.township]).collect();
    let s_c: Vec<usize> = s_tw.iter().map(|t| areas.tw_county[*t]).collect();
    let hist_pop = |i: usize, y: i32| -> Option<&Ages> { inputs.population.get(&areas.tw[i]).and_then(|m| m.get(&y)) };

    // ---- population by township: pops[township][years after the base] ----
    let (survival, infant) = life_table(sc.mortality_scale);
    let mut county_births: Vec<BTreeMap<i32, f64>> = vec![BTreeMap::new(); nc];
    let b0: Vec<f64> = (0..ntw).map(|i| inputs.births.get(&areas.tw[i]).and_then(|m| m.get(&base)).copied().unwrap_or(0.0)).collect();
    for i in 0..ntw {
        for (y, b) in inputs.births.get(&areas.tw[i]).into_iter().flatten() {
            *county_births[areas.tw_county[i]].entry(*y).or_default() += b;
        }
    }
    let births_f: Vec<Vec<f64>> = county_births.iter().map(|cb| (0..ny as i32).map(|k| births_factor(sc, cb, base, k)).collect()).collect();
    let rates: Vec<Rates> = (0..ntw)
        .map(|i| {
            let hist = inputs.population.get(&areas.tw[i]);
            let migration = if sc.migration == "history" { migration_rates(hist, &survival, base, h) } else { [0.0; MAX_AGE + 1] };
            Rates { survival, migration, infant_survival: infant }
        })
        .collect();
    let mut pops: Vec<Vec<Ages>> = (0..ntw).map(|i| vec![hist_pop(i, base).copied().unwrap_or([0.0; MAX_AGE + 1])]).collect();
    let u = sc.urbanisation_pct / 100.0;
    for k in 1..ny {
        let mut next: Vec<Ages> = (0..ntw).map(|i| step(&pops[i][k - 1], b0[i] * births_f[areas.tw_county[i]][k], &rates[i])).collect();
        // urbanisation: a share of rural children 0–17 move to the county's towns, in proportion
        // to the towns' children of that age
        if u > 0.0 {
            for tws in &areas.c_tws {
                let (urban, rural): (Vec<usize>, Vec<usize>) = tws.iter().partition(|i| areas.tw_urban[**i]);
                if urban.is_empty() || rural.is_empty() {
                    continue;
                }
                for a in 0..=17 {
                    let moved: f64 = rural.iter().map(|r| next[*r][a] * u).sum();
                    for r in &rural {
                        next[*r][a] *= 1.0 - u;
                    }
                    let weight: f64 = urban.iter().map(|x| next[*x][a]).sum();
                    for x in &urban {
                        let w = if weight > 0.0 { next[*x][a] / weight } else { 1.0 / urban.len() as f64 };
                        next[*x][a] += moved * w;
                    }
                }
            }
        }
        for (i, a) in next.into_iter().enumerate() {
            pops[i].push(a);
        }
    }

    // ---- flow rates and intakes ----
    let hist_years = history(base, h);
    let mut unit_sums: Vec<(usize, Track, FlowSums)> = Vec::new();
    let mut tw_sums: HashMap<(usize, Track), FlowSums> = HashMap::new();
    let mut county_sums: HashMap<(usize, Track), FlowSums> = HashMap::new();
    for (si, s) in schools.iter().enumerate() {
        for (track, u) in &s.units {
            let n = track.grades().len();
            let f = flow_sums(u, n, base, h);
            tw_sums.entry((s_tw[si], *track)).or_insert_with(|| FlowSums::new(n)).add(&f);
            county_sums.entry((s_c[si], *track)).or_insert_with(|| FlowSums::new(n)).add(&f);
            unit_sums.push((si, *track, f));
        }
    }
    // intake in the base year, for shares: 小学 by township, 初中/高中 by county, 学前 by township and grade
    let mut entry_base: HashMap<(usize, Track), f64> = HashMap::new();
    let mut pre_base: Vec<[f64; 4]> = vec![[0.0; 4]; ntw];
    let area_of = |si: usize, track: Track| if track == Track::Pri { s_tw[si] } else { s_c[si] };
    for (si, s) in schools.iter().enumerate() {
        for (track, u) in &s.units {
            if *track == Track::Pre {
                for (g, v) in pre_base[s_tw[si]].iter_mut().enumerate() {
                    *v += sum_year(u, base, g);
                }
            } else {
                *entry_base.entry((area_of(si, *track), *track)).or_default() += sum_year(u, base, 0) - rep_year(u, base, 0);
            }
        }
    }
    let mut units: Vec<UnitRun> = Vec::new();
    for (si, track, f) in &unit_sums {
        let s = &schools[*si];
        let n = track.grades().len();
        let flow = flow_from(&[f, &tw_sums[&(s_tw[*si], *track)], &county_sums[&(s_c[*si], *track)]], n);
        let u = &s.units[track];
        let entry_share = || div(sum_year(u, base, 0) - rep_year(u, base, 0), entry_base[&(area_of(*si, *track), *track)]).unwrap_or(0.0);
        let intake = match track {
            Track::Pre => Intake::Participation { tw: s_tw[*si], share: (0..4).map(|g| div(sum_year(u, base, g), pre_base[s_tw[*si]][g]).unwrap_or(0.0)).collect() },
            Track::Pri => Intake::Township { tw: s_tw[*si], share: entry_share() },
            _ => Intake::County { c: s_c[*si], share: entry_share() },
        };
        let state = u.enrolled.get(&base).cloned().unwrap_or_else(|| vec![0.0; n]);
        units.push(UnitRun { school: *si, track: *track, flow, intake, state });
    }
    // township participation (学前) and gross intake (小学); county transitions (初中, 普高, 中职)
    let mut participation: Vec<[f64; 4]> = vec![[0.0; 4]; ntw];
    let mut gir: Vec<f64> = vec![0.0; ntw];
    let mut transition: HashMap<(usize, Track), f64> = HashMap::new();
    {
        let mut pre_num: Vec<[f64; 4]> = vec![[0.0; 4]; ntw];
        let mut pri_num: Vec<f64> = vec![0.0; ntw];
        let mut tr_num: HashMap<(usize, Track), f64> = HashMap::new();
        let mut tr_den: HashMap<(usize, Track), f64> = HashMap::new();
        for (si, s) in schools.iter().enumerate() {
            let (tw, c) = (s_tw[si], s_c[si]);
            for (track, u) in &s.units {
                for y in hist_years.clone() {
                    match track {
                        Track::Pre => {
                            for (g, v) in pre_num[tw].iter_mut().enumerate() {
                                *v += sum_year(u, y, g);
                            }
                        }
                        Track::Pri => {
                            pri_num[tw] += sum_year(u, y, 0) - rep_year(u, y, 0);
                            // the last grade feeds 初中 next year
                            if u.enrolled.contains_key(&(y - 1)) {
                                *tr_den.entry((c, Track::Jun)).or_default() += sum_year(u, y - 1, 5);
                            }
                        }
                        Track::Jun => {
                            *tr_num.entry((c, Track::Jun)).or_default() += sum_year(u, y, 0) - rep_year(u, y, 0);
                            if u.enrolled.contains_key(&(y - 1)) {
                                *tr_den.entry((c, Track::Gen)).or_default() += sum_year(u, y - 1, 2);
                            }
                        }
                        Track::Gen | Track::Voc => *tr_num.entry((c, *track)).or_default() += sum_year(u, y, 0) - rep_year(u, y, 0),
                    }
                }
            }
        }
        for i in 0..ntw {
            let (mut den_pre, mut den6) = ([0.0; 4], 0.0);
            for y in hist_years.clone() {
                if let Some(p) = hist_pop(i, y) {
                    for (g, d) in den_pre.iter_mut().enumerate() {
                        *d += p[Track::pre_age(g)];
                    }
                    den6 += p[6];
                }
            }
            participation[i] = std::array::from_fn(|g| div(pre_num[i][g], den_pre[g]).unwrap_or(0.0));
            gir[i] = sc.intake_rate.map(|r| r / 100.0).unwrap_or_else(|| div(pri_num[i], den6).unwrap_or(0.0));
        }
        let get = |m: &HashMap<(usize, Track), f64>, c: usize, t: Track| m.get(&(c, t)).copied().unwrap_or(0.0);
        for c in 0..nc {
            let jun = div(get(&tr_num, c, Track::Jun), get(&tr_den, c, Track::Jun)).unwrap_or(0.0);
            transition.insert((c, Track::Jun), sc.pri_to_jun.map(|r| r / 100.0).unwrap_or(jun));
            let den9 = get(&tr_den, c, Track::Gen);
            let (mut tg, mut tv) = (div(get(&tr_num, c, Track::Gen), den9).unwrap_or(0.0), div(get(&tr_num, c, Track::Voc), den9).unwrap_or(0.0));
            if let Some(r) = sc.jun_to_sen {
                let total = tg + tv;
                let share = if total > 0.0 { tg / total } else { 1.0 };
                tg = r / 100.0 * share;
                tv = r / 100.0 * (1.0 - share);
            }
            transition.insert((c, Track::Gen), tg);
            transition.insert((c, Track::Voc), tv);
        }
    }
    if (0..areas.tw_regions).any(|i| gir[i] == 0.0 && s_tw.contains(&i)) {
        warnings.push("部分乡镇缺少近年人口或一年级数据，其小学入学按零预测 / some townships lack recent population or grade-1 data: their primary intake projects as zero".into());
    }

    // ---- pupils by unit and year ----
    // the last grade of the stage below, by county and by township: what feeds 初中, 普高 and
    // 中职 the next year
    type Feeds = (HashMap<(usize, Track), f64>, HashMap<(usize, Track), f64>);
    fn feeds(units: &[UnitRun], s_tw: &[usize], s_c: &[usize], grades_of: &dyn Fn(&UnitRun) -> Option<Vec<f64>>) -> Feeds {
        let (mut by_c, mut by_tw): Feeds = (HashMap::new(), HashMap::new());
        for u in units {
            let Some(g) = grades_of(u) else { continue };
            let (last, dest): (f64, &[Track]) = match u.track {
                Track::Pri => (g[5], &[Track::Jun]),
                Track::Jun => (g[2], &[Track::Gen, Track::Voc]),
                _ => continue,
            };
            for d in dest {
                *by_c.entry((s_c[u.school], *d)).or_default() += last;
                *by_tw.entry((s_tw[u.school], *d)).or_default() += last;
            }
        }
        (by_c, by_tw)
    }
    // the feed behind the base year's intake shares (the year before the base, else the base)
    let feed_ref = {
        let (_, before) = feeds(&units, &s_tw, &s_c, &|u| schools[u.school].units[&u.track].enrolled.get(&(base - 1)).cloned());
        let (_, mut at) = feeds(&units, &s_tw, &s_c, &|u| Some(u.state.clone()));
        at.extend(before);
        at
    };
    let mut by_year: Vec<Vec<Vec<f64>>> = units.iter().map(|u| vec![u.state.clone()]).collect();
    for k in 1..ny {
        let (feed_c, feed_tw) = feeds(&units, &s_tw, &s_c, &|u| Some(u.state.clone()));
        // a school's share of its county's intake follows its township's feed: a township whose
        // sixth-graders grew sends more to its junior school
        let mut weight: Vec<f64> = vec![0.0; units.len()];
        let mut weight_sum: HashMap<(usize, Track), f64> = HashMap::new();
        for (j, u) in units.iter().enumerate() {
            if let Intake::County { c, share } = &u.intake {
                let key = (s_tw[u.school], u.track);
                let g = match (feed_tw.get(&key), feed_ref.get(&key)) {
                    (Some(now), Some(then)) if *then > 0.0 => now / then,
                    _ => 1.0,
                };
                weight[j] = share * g;
                *weight_sum.entry((*c, u.track)).or_default() += share * g;
            }
        }
        for (j, u) in units.iter_mut().enumerate() {
            let n = u.state.len();
            let first = match &u.intake {
                Intake::Participation { tw, share } => {
                    let p = &pops[*tw][k];
                    let part = &participation[*tw];
                    u.state = (0..n).map(|g| part[g] * p[Track::pre_age(g)] * share[g]).collect();
                    by_year[j].push(u.state.clone());
                    continue;
                }
                Intake::Township { tw, share } => gir[*tw] * pops[*tw][k][6] * share,
                Intake::County { c, .. } => {
                    let key = (*c, u.track);
                    let w = div(weight[j], weight_sum.get(&key).copied().unwrap_or(0.0)).unwrap_or(0.0);
                    transition.get(&key).copied().unwrap_or(0.0) * feed_c.get(&key).copied().unwrap_or(0.0) * w
                }
            };
            let prev = std::mem::take(&mut u.state);
            let mut next = vec![0.0; n];
            next[0] = first + prev[0] * u.flow.repetition[0];
            for g in 1..n {
                next[g] = prev[g - 1] * u.flow.promotion[g - 1] + prev[g] * u.flow.repetition[g];
            }
            u.state = next;
            by_year[j].push(u.state.clone());
        }
    }
    // school-age population of a stage: township and county, by year index
    let band_tw = |i: usize, st: Stage, k: usize| -> f64 {
        let (lo, hi) = st.ages();
        band(&pops[i][k], lo, hi)
    };
    // GER targets rescale the reported pupils of a stage in each county to the target's path
    let mut factor: HashMap<(usize, Stage), Vec<f64>> = HashMap::new();
    for (stage, target) in [(Stage::Pre, sc.pre_ger_target), (Stage::Sen, sc.sen_ger_target)] {
        let Some(target) = target else { continue };
        let mut pupils = vec![vec![0.0; ny]; nc];
        for (j, u) in units.iter().enumerate().filter(|(_, u)| u.track.stage() == stage) {
            for k in 0..ny {
                pupils[s_c[u.school]][k] += by_year[j][k].iter().sum::<f64>();
            }
        }
        for c in 0..nc {
            let pop_band = |k: usize| -> f64 { areas.c_tws[c].iter().map(|i| band_tw(*i, stage, k)).sum() };
            let Some(g0) = div(pupils[c][0], pop_band(0)) else { continue };
            let f: Vec<f64> = (0..ny).map(|k| if k == 0 { 1.0 } else { div(path(g0, target.value / 100.0, base, target.year, years[k]) * pop_band(k), pupils[c][k]).unwrap_or(1.0) }).collect();
            factor.insert((c, stage), f);
        }
    }

    // ---- derived figures per school, then townships and counties ----
    let class_size = |s: &School, track: Track, g: usize| -> f64 {
        let std = standard_class_size(&s.ty, track, g);
        if s.ty == "教学点" {
            return std;
        }
        match (track, sc.class_size.get(track.stage().name())) {
            (_, Some(v)) => *v,
            (Track::Pre, None) => std,
            _ => Scenario::stage_value(&sc.class_size, &defaults.class_size, track.stage()),
        }
    };
    // projects: places by school and stage from their finishing year; unlocated ones by the
    // township or county of their plan
    let mut project_places: HashMap<(usize, Stage), Vec<(i32, f64)>> = HashMap::new();
    let mut unlocated_tw: HashMap<(usize, Stage), Vec<(i32, f64)>> = HashMap::new();
    let mut unlocated_c: HashMap<(usize, Stage), Vec<(i32, f64)>> = HashMap::new();
    if sc.include_projects {
        let idx: HashMap<&str, usize> = schools.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        for p in &inputs.projects {
            if p.places <= 0.0 {
                continue;
            }
            if let Some(&i) = idx.get(p.school_id.as_str()) {
                let s = &schools[i];
                let stages = s.stages();
                let split: Vec<(Stage, f64)> = match p.stage_from_name().filter(|st| stages.contains(st)) {
                    Some(st) => vec![(st, 1.0)],
                    None => {
                        let total: f64 = s.places.values().sum();
                        if total > 0.0 {
                            s.places.iter().map(|(st, v)| (*st, v / total)).collect()
                        } else {
                            stages.first().map(|st| vec![(*st, 1.0)]).unwrap_or_default()
                        }
                    }
                };
                for (st, w) in split {
                    project_places.entry((i, st)).or_default().push((p.year, p.places * w));
                }
                continue;
            }
            match (p.stage_from_name(), areas.tw_index.get(&p.region), areas.c_index.get(&p.region)) {
                (Some(st), Some(t), _) => unlocated_tw.entry((*t, st)).or_default().push((p.year, p.places)),
                (Some(st), None, Some(c)) => unlocated_c.entry((*c, st)).or_default().push((p.year, p.places)),
                _ => warnings.push(format!(
                    "项目 {} “{}” 的学校不在数据中且无法判断学段或区域，其新增学位未计入 / project {} \"{}\": its school is not in the data and its stage or region is unknown, its places are not counted",
                    p.project, p.name, p.project, p.name
                )),
            }
        }
    }
    let added = |v: Option<&Vec<(i32, f64)>>, t: i32| -> f64 { v.map(|v| v.iter().filter(|(y, _)| *y <= t).map(|x| x.1).sum()).unwrap_or(0.0) };
    let retire = |m: &crate::inputs::StaffMember, t: i32| -> bool {
        let age = if m.female { sc.retire_age_female } else { sc.retire_age_male } as i32;
        t > base && m.birth_year.is_some_and(|b| b + age <= t)
    };
    // grades by area (townships 0..ntw, counties ntw..) and track, by year and grade
    let mut grades: HashMap<(usize, Track), Vec<Vec<f64>>> = HashMap::new();
    // per school: its stages' sums by year
    let mut school_acc: Vec<Vec<(Stage, Vec<Acc>)>> = schools.iter().map(|s| s.stages().into_iter().map(|st| (st, vec![Acc::default(); ny])).collect()).collect();
    for (j, u) in units.iter().enumerate() {
        let si = u.school;
        let s = &schools[si];
        let stage = u.track.stage();
        let f = factor.get(&(s_c[si], stage));
        let base_classes = s.classes.get(&u.track);
        let n = u.state.len();
        for area in [s_tw[si], ntw + s_c[si]] {
            let v = grades.entry((area, u.track)).or_insert_with(|| vec![vec![0.0; n]; ny]);
            for k in 0..ny {
                let fk = f.map(|f| f[k]).unwrap_or(1.0);
                for g in 0..n {
                    v[k][g] += by_year[j][k][g] * fk;
                }
            }
        }
        let accs = &mut school_acc[si].iter_mut().find(|x| x.0 == stage).expect("the school's stage").1;
        for k in 0..ny {
            let fk = f.map(|f| f[k]).unwrap_or(1.0);
            let a = &mut accs[k];
            for g in 0..n {
                let p = by_year[j][k][g] * fk;
                a.enrolled += p;
                let n = round_half_up(p, 0);
                if n <= 0.0 {
                    continue;
                }
                a.classes_needed += (n / class_size(s, u.track, g)).ceil();
                // "if nothing changes": the grade keeps its classes of the base year
                let c = base_classes.map(|c| c[g]).filter(|c| *c > 0.0).unwrap_or_else(|| (n / standard_class_size(&s.ty, u.track, g)).ceil());
                a.kept += c;
                if k > 0 {
                    let q = (n / c).floor();
                    let r = n - q * c;
                    a.big += if q + 1.0 >= 56.0 { r } else { 0.0 } + if q >= 56.0 { c - r } else { 0.0 };
                }
            }
        }
    }
    let mut tw_acc: Vec<Vec<Vec<Acc>>> = vec![vec![vec![Acc::default(); ny]; 4]; ntw];
    for (si, s) in schools.iter().enumerate() {
        for (stage, accs) in school_acc[si].iter_mut() {
            let ratio = Scenario::stage_value(&sc.staff_ratio, &defaults.staff_ratio, *stage);
            let base_places = s.places.get(stage).copied().unwrap_or(0.0);
            let extra = project_places.get(&(si, *stage));
            for (k, a) in accs.iter_mut().enumerate() {
                let y = years[k];
                if k == 0 {
                    a.big = s.big_classes.get(stage).copied().unwrap_or(0.0);
                }
                a.places = base_places + added(extra, y);
                let e = round_half_up(a.enrolled, 0);
                a.gap = (e - a.places).max(0.0);
                a.spare = (a.places - e).max(0.0);
                a.need = if e > 0.0 { (e / ratio).ceil() } else { 0.0 };
                a.avail = s.staff.iter().filter(|m| m.stage == *stage && !retire(m, y)).count() as f64;
                tw_acc[s_tw[si]][stage.index()][k].add(a);
            }
        }
    }
    let mut county_acc: Vec<Vec<Vec<Acc>>> = vec![vec![vec![Acc::default(); ny]; 4]; nc];
    for (i, by_stage) in tw_acc.iter_mut().enumerate() {
        for st in Stage::ALL {
            let extra = unlocated_tw.get(&(i, st));
            for (k, a) in by_stage[st.index()].iter_mut().enumerate() {
                a.places += added(extra, years[k]);
                let e = round_half_up(a.enrolled, 0);
                a.gap = (e - a.places).max(0.0);
                a.spare = (a.places - e).max(0.0);
                let c = &mut county_acc[areas.tw_county[i]][st.index()][k];
                c.add(a);
                c.gap += a.gap;
                c.spare += a.spare;
            }
        }
    }
    for (c, by_stage) in county_acc.iter_mut().enumerate() {
        for st in Stage::ALL {
            let extra = unlocated_c.get(&(c, st));
            for (k, a) in by_stage[st.index()].iter_mut().enumerate() {
                // a new school whose township is unknown serves the county's shortage
                let x = added(extra, years[k]);
                a.places += x;
                let used = x.min(a.gap);
                a.gap -= used;
                a.spare += x - used;
            }
        }
    }

    // ---- rows ----
    let name_of = |code: &str| inputs.regions.get(code).map(|r| r.name.clone()).unwrap_or_else(|| code.to_string());
    let mut rows = Vec::with_capacity((nc + ntw) * 4 * ny + school_acc.iter().map(|x| x.len()).sum::<usize>() * ny);
    let mut emit = |scope: &str, scope_name: &str, level: &'static str, parent: Option<&str>, stage: Stage, series: &[Acc], pop_band: Option<&dyn Fn(usize) -> f64>| {
        let per_pupil = Scenario::stage_value(&sc.cost_per_pupil, &defaults.cost_per_pupil, stage) / 10000.0;
        let per_place = Scenario::stage_value(&sc.cost_per_place, &defaults.cost_per_place, stage) / 10000.0;
        let mut max_gap = 0.0f64;
        let mut prev_short = 0.0f64;
        for (k, a) in series.iter().enumerate() {
            let enrolled = round_half_up(a.enrolled, 0);
            let short = (a.need - a.avail).max(0.0);
            let recruitment = if k == 0 { 0.0 } else { (short - prev_short).max(0.0) };
            prev_short = short;
            let construction = if k == 0 { 0.0 } else { (a.gap - max_gap).max(0.0) * per_place };
            max_gap = max_gap.max(a.gap);
            let operating = enrolled * per_pupil;
            rows.push(Row {
                scope: scope.to_string(),
                scope_name: scope_name.to_string(),
                level,
                parent: parent.map(str::to_string),
                year: years[k],
                stage: stage.name(),
                school_age_pop: pop_band.map(|p| round_half_up(p(k), 0)),
                enrolled,
                classes_needed: a.classes_needed,
                places: round_half_up(a.places, 0),
                place_gap: round_half_up(a.gap, 0),
                spare: round_half_up(a.spare, 0),
                big_classes: a.big,
                teachers_needed: a.need,
                teachers_available: a.avail,
                recruitment,
                cost: round_half_up(operating + construction, 2),
                cost_operating: round_half_up(operating, 2),
                cost_construction: round_half_up(construction, 2),
                classes_kept: a.kept,
            });
        }
    };
    for (c, code) in areas.counties.iter().enumerate() {
        let name = name_of(code);
        for st in Stage::ALL {
            let band_c = |k: usize| -> f64 { areas.c_tws[c].iter().map(|i| band_tw(*i, st, k)).sum() };
            emit(code, &name, "county", None, st, &county_acc[c][st.index()], Some(&band_c));
        }
    }
    for (i, code) in areas.tw.iter().enumerate() {
        let name = name_of(code);
        for st in Stage::ALL {
            let band_t = |k: usize| band_tw(i, st, k);
            emit(code, &name, "township", Some(&areas.counties[areas.tw_county[i]]), st, &tw_acc[i][st.index()], Some(&band_t));
        }
    }
    for (si, s) in schools.iter().enumerate() {
        for (st, accs) in &school_acc[si] {
            emit(&s.id, &s.name, "school", Some(&s.township), *st, accs, None);
        }
    }

    // ---- population rows ----
    let mut population = Vec::new();
    let rounded = |a: &Ages| a.iter().map(|x| round_half_up(*x, 0)).collect::<Vec<f64>>();
    for (c, code) in areas.counties.iter().enumerate() {
        let name = name_of(code);
        for k in 0..ny {
            let mut ages = [0.0; MAX_AGE + 1];
            for i in &areas.c_tws[c] {
                for (a, x) in ages.iter_mut().enumerate() {
                    *x += pops[*i][k][a];
                }
            }
            population.push(PopRow { scope: code.clone(), scope_name: name.clone(), level: "county", year: years[k], ages: rounded(&ages) });
        }
    }
    for i in 0..areas.tw_regions {
        let name = name_of(&areas.tw[i]);
        for k in 0..ny {
            population.push(PopRow { scope: areas.tw[i].clone(), scope_name: name.clone(), level: "township", year: years[k], ages: rounded(&pops[i][k]) });
        }
    }
    let area_code = |a: usize| if a < ntw { areas.tw[a].clone() } else { areas.counties[a - ntw].clone() };
    let grades = grades.into_iter().map(|((a, t), v)| ((area_code(a), t), v)).collect();
    Projection { base_year: base, to, rows, population, grades, warnings }
}
