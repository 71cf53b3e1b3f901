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
    pub school_age_pop: Option<f64>,
    /// 在校生.
    pub enrolled: f64,
    /// Classes needed at the standard class size (所需班级数), Σ over grades of ⌈pupils / size⌉.
    pub classes_needed: f64,
    /// 学位: base places plus the plans' finished projects.
    pub places: f64,
    /// 学位缺口: pupils beyond the places (pooled within a township).
    pub place_gap: f64,
    /// Spare places (富余学位).
    pub spare: f64,
    /// Classes of 56+ if each grade keeps the base year's number of classes (大班额).
    pub big_classes: f64,
    /// 编制需求: Σ over schools of ⌈pupils / staffing ratio⌉.
    pub teachers_needed: f64,
    /// The base year's staff (教职工) less those retired by this year.
    pub teachers_available: f64,
    /// Posts to recruit this year: the growth of the staffing shortage since last year.
    pub recruitment: f64,
    /// cost_operating + cost_construction (万元).
    pub cost: f64,
    /// 公用经费: pupils × 生均公用经费 (万元).
    pub cost_operating: f64,
    /// Building the places missing beyond the largest earlier gap (万元).
    pub cost_construction: f64,
    /// Classes counted for big_classes (the denominator of 大班额比例).
    #[serde(skip)]
    pub classes_kept: f64,
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
    /// Pupils by region (townships and counties), year and grade of each track.
    pub grades: BTreeMap<(String, i32, Track), Vec<f64>>,
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
    Participation { township: String, share: Vec<f64> },
    /// 小学: the township's intake, times this unit's share.
    Township { township: String, share: f64 },
    /// 初中/高中: the county's intake of the track, times this unit's share.
    County { county: String, share: f64 },
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

/// Projects from `inputs.base_year` to `to` under a scenario.
pub fn run(inputs: &Inputs, sc: &Scenario, to: i32) -> Projection {
    let base = inputs.base_year;
    let to = to.max(base);
    let h = sc.history_years;
    let mut warnings = inputs.warnings.clone();
    let defaults = Scenario::default();

    // ---- population by township ----
    let (survival, infant) = life_table(sc.mortality_scale);
    let townships: Vec<&crate::inputs::Region> = inputs.townships();
    let counties = inputs.counties();
    let mut county_births: BTreeMap<String, BTreeMap<i32, f64>> = BTreeMap::new();
    for tw in &townships {
        for (y, b) in inputs.births.get(&tw.code).into_iter().flatten() {
            *county_births.entry(tw.parent.clone().unwrap_or_default()).or_default().entry(*y).or_default() += b;
        }
    }
    let mut pop: BTreeMap<String, BTreeMap<i32, Ages>> = BTreeMap::new();
    let mut tw_rates: HashMap<String, Rates> = HashMap::new();
    for tw in &townships {
        let hist = inputs.population.get(&tw.code);
        let migration = if sc.migration == "history" { migration_rates(hist, &survival, base, h) } else { [0.0; MAX_AGE + 1] };
        tw_rates.insert(tw.code.clone(), Rates { survival, migration, infant_survival: infant });
        let b = hist.and_then(|m| m.get(&base)).copied().unwrap_or([0.0; MAX_AGE + 1]);
        pop.entry(tw.code.clone()).or_default().insert(base, b);
    }
    for t in base + 1..=to {
        let mut next: BTreeMap<String, Ages> = BTreeMap::new();
        for tw in &townships {
            let county = tw.parent.clone().unwrap_or_default();
            let f = births_factor(sc, county_births.get(&county).unwrap_or(&BTreeMap::new()), base, t - base);
            let b0 = inputs.births.get(&tw.code).and_then(|m| m.get(&base)).copied().unwrap_or(0.0);
            let prev = pop[&tw.code][&(t - 1)];
            next.insert(tw.code.clone(), step(&prev, b0 * f, &tw_rates[&tw.code]));
        }
        // urbanisation: a share of rural children 0–17 move to the county's towns, in proportion
        // to the towns' children of that age
        if sc.urbanisation_pct > 0.0 {
            for c in &counties {
                let urban: Vec<&String> = townships.iter().filter(|t| t.urban && t.parent.as_ref() == Some(c)).map(|t| &t.code).collect();
                let rural: Vec<&String> = townships.iter().filter(|t| !t.urban && t.parent.as_ref() == Some(c)).map(|t| &t.code).collect();
                if urban.is_empty() || rural.is_empty() {
                    continue;
                }
                for a in 0..=17 {
                    let moved: f64 = rural.iter().map(|r| next[*r][a] * sc.urbanisation_pct / 100.0).sum();
                    for r in &rural {
                        next.get_mut(*r).expect("a township")[a] *= 1.0 - sc.urbanisation_pct / 100.0;
                    }
                    let weight: f64 = urban.iter().map(|u| next[*u][a]).sum();
                    for u in &urban {
                        let w = if weight > 0.0 { next[*u][a] / weight } else { 1.0 / urban.len() as f64 };
                        next.get_mut(*u).expect("a township")[a] += moved * w;
                    }
                }
            }
        }
        for (k, v) in next {
            pop.get_mut(&k).expect("a township").insert(t, v);
        }
    }
    let pop_at = |tw: &str, y: i32| -> Ages {
        if y <= base {
            inputs.population.get(tw).and_then(|m| m.get(&y)).copied().unwrap_or([0.0; MAX_AGE + 1])
        } else {
            pop.get(tw).and_then(|m| m.get(&y)).copied().unwrap_or([0.0; MAX_AGE + 1])
        }
    };

    // ---- flow rates and intakes ----
    let schools = &inputs.schools;
    let hist_years = history(base, h);
    // pooled sums per school unit, township track and county track
    let mut unit_sums: Vec<(usize, Track, FlowSums)> = Vec::new();
    let mut tw_sums: HashMap<(String, Track), FlowSums> = HashMap::new();
    let mut county_sums: HashMap<(String, Track), FlowSums> = HashMap::new();
    for (si, s) in schools.iter().enumerate() {
        for (track, u) in &s.units {
            let n = track.grades().len();
            let f = flow_sums(u, n, base, h);
            tw_sums.entry((s.township.clone(), *track)).or_insert_with(|| FlowSums::new(n)).add(&f);
            county_sums.entry((s.county.clone(), *track)).or_insert_with(|| FlowSums::new(n)).add(&f);
            unit_sums.push((si, *track, f));
        }
    }
    // intake totals in the base year, for shares
    let mut entry_base: HashMap<(String, Track), f64> = HashMap::new();
    let mut pre_base: HashMap<String, Vec<f64>> = HashMap::new();
    for s in schools {
        for (track, u) in &s.units {
            match track {
                Track::Pre => {
                    let v = pre_base.entry(s.township.clone()).or_insert_with(|| vec![0.0; 4]);
                    for g in 0..4 {
                        v[g] += sum_year(u, base, g);
                    }
                }
                Track::Pri => *entry_base.entry((s.township.clone(), *track)).or_default() += sum_year(u, base, 0) - rep_year(u, base, 0),
                _ => *entry_base.entry((s.county.clone(), *track)).or_default() += sum_year(u, base, 0) - rep_year(u, base, 0),
            }
        }
    }
    let mut units: Vec<UnitRun> = Vec::new();
    for (si, track, f) in &unit_sums {
        let s = &schools[*si];
        let n = track.grades().len();
        let flow = flow_from(&[f, &tw_sums[&(s.township.clone(), *track)], &county_sums[&(s.county.clone(), *track)]], n);
        let u = &s.units[track];
        let intake = match track {
            Track::Pre => {
                let tot = &pre_base[&s.township];
                Intake::Participation { township: s.township.clone(), share: (0..4).map(|g| div(sum_year(u, base, g), tot[g]).unwrap_or(0.0)).collect() }
            }
            Track::Pri => Intake::Township { township: s.township.clone(), share: div(sum_year(u, base, 0) - rep_year(u, base, 0), entry_base[&(s.township.clone(), *track)]).unwrap_or(0.0) },
            _ => Intake::County { county: s.county.clone(), share: div(sum_year(u, base, 0) - rep_year(u, base, 0), entry_base[&(s.county.clone(), *track)]).unwrap_or(0.0) },
        };
        let state = u.enrolled.get(&base).cloned().unwrap_or_else(|| vec![0.0; n]);
        units.push(UnitRun { school: *si, track: *track, flow, intake, state });
    }
    // township participation (学前) and gross intake (小学); county transitions (初中, 普高, 中职)
    let mut participation: HashMap<String, Vec<f64>> = HashMap::new();
    let mut gir: HashMap<String, f64> = HashMap::new();
    let mut transition: HashMap<(String, Track), f64> = HashMap::new();
    {
        let mut pre_num: HashMap<String, Vec<f64>> = HashMap::new();
        let mut pri_num: HashMap<String, f64> = HashMap::new();
        let mut tr_num: HashMap<(String, Track), f64> = HashMap::new();
        let mut tr_den: HashMap<(String, Track), f64> = HashMap::new();
        for s in schools {
            for (track, u) in &s.units {
                for y in hist_years.clone() {
                    match track {
                        Track::Pre => {
                            let v = pre_num.entry(s.township.clone()).or_insert_with(|| vec![0.0; 4]);
                            for g in 0..4 {
                                v[g] += sum_year(u, y, g);
                            }
                        }
                        Track::Pri => {
                            *pri_num.entry(s.township.clone()).or_default() += sum_year(u, y, 0) - rep_year(u, y, 0);
                            // the last grade feeds 初中 next year
                            if u.enrolled.contains_key(&(y - 1)) {
                                *tr_den.entry((s.county.clone(), Track::Jun)).or_default() += sum_year(u, y - 1, 5);
                            }
                        }
                        Track::Jun => {
                            *tr_num.entry((s.county.clone(), Track::Jun)).or_default() += sum_year(u, y, 0) - rep_year(u, y, 0);
                            if u.enrolled.contains_key(&(y - 1)) {
                                *tr_den.entry((s.county.clone(), Track::Gen)).or_default() += sum_year(u, y - 1, 2);
                            }
                        }
                        Track::Gen | Track::Voc => *tr_num.entry((s.county.clone(), *track)).or_default() += sum_year(u, y, 0) - rep_year(u, y, 0),
                    }
                }
            }
        }
        for tw in &townships {
            let (mut den_pre, mut den6) = ([0.0; 4], 0.0);
            for y in hist_years.clone() {
                if let Some(p) = inputs.population.get(&tw.code).and_then(|m| m.get(&y)) {
                    for g in 0..4 {
                        den_pre[g] += p[Track::pre_age(g)];
                    }
                    den6 += p[6];
                }
            }
            let num = pre_num.get(&tw.code).cloned().unwrap_or_else(|| vec![0.0; 4]);
            participation.insert(tw.code.clone(), (0..4).map(|g| div(num[g], den_pre[g]).unwrap_or(0.0)).collect());
            let g = sc.intake_rate.map(|r| r / 100.0).unwrap_or_else(|| div(pri_num.get(&tw.code).copied().unwrap_or(0.0), den6).unwrap_or(0.0));
            gir.insert(tw.code.clone(), g);
        }
        for c in &counties {
            let jun = div(tr_num.get(&(c.clone(), Track::Jun)).copied().unwrap_or(0.0), tr_den.get(&(c.clone(), Track::Jun)).copied().unwrap_or(0.0)).unwrap_or(0.0);
            transition.insert((c.clone(), Track::Jun), sc.pri_to_jun.map(|r| r / 100.0).unwrap_or(jun));
            let den9 = tr_den.get(&(c.clone(), Track::Gen)).copied().unwrap_or(0.0);
            let (mut tg, mut tv) = (
                div(tr_num.get(&(c.clone(), Track::Gen)).copied().unwrap_or(0.0), den9).unwrap_or(0.0),
                div(tr_num.get(&(c.clone(), Track::Voc)).copied().unwrap_or(0.0), den9).unwrap_or(0.0),
            );
            if let Some(r) = sc.jun_to_sen {
                let total = tg + tv;
                let share = if total > 0.0 { tg / total } else { 1.0 };
                tg = r / 100.0 * share;
                tv = r / 100.0 * (1.0 - share);
            }
            transition.insert((c.clone(), Track::Gen), tg);
            transition.insert((c.clone(), Track::Voc), tv);
        }
    }
    if townships.iter().any(|t| gir.get(&t.code).is_some_and(|g| *g == 0.0)) && !schools.is_empty() {
        warnings.push("部分乡镇缺少近年人口或一年级数据，其小学入学按零预测 / some townships lack recent population or grade-1 data: their primary intake projects as zero".into());
    }

    // ---- pupils by unit and year ----
    // states[k] = unit k's pupils by grade for each year base..=to
    let mut by_year: Vec<Vec<Vec<f64>>> = units.iter().map(|u| vec![u.state.clone()]).collect();
    // the last grade of the stage below, by county and by township, of a year: what feeds 初中,
    // 普高 and 中职 the next year
    fn feeds(units: &[UnitRun], schools: &[School], grades_of: &dyn Fn(&UnitRun) -> Option<Vec<f64>>) -> HashMap<(String, Track), f64> {
        let mut feed: HashMap<(String, Track), f64> = HashMap::new();
        for u in units {
            let s = &schools[u.school];
            let Some(g) = grades_of(u) else { continue };
            let (last, dest): (f64, &[Track]) = match u.track {
                Track::Pri => (g[5], &[Track::Jun]),
                Track::Jun => (g[2], &[Track::Gen, Track::Voc]),
                _ => continue,
            };
            for d in dest {
                *feed.entry((s.county.clone(), *d)).or_default() += last;
                *feed.entry((s.township.clone(), *d)).or_default() += last;
            }
        }
        feed
    }
    // the feed behind the base year's intake shares (the year before the base, else the base)
    let feed_ref = {
        let before = feeds(&units, schools, &|u| schools[u.school].units[&u.track].enrolled.get(&(base - 1)).cloned());
        let at = feeds(&units, schools, &|u| Some(u.state.clone()));
        let mut m = at;
        m.extend(before);
        m
    };
    for t in base + 1..=to {
        let feed = feeds(&units, schools, &|u| Some(u.state.clone()));
        // a school's share of its county's intake follows its township's feed: a township whose
        // sixth-graders grew sends more to its junior school
        let mut weight: HashMap<usize, f64> = HashMap::new();
        let mut weight_sum: HashMap<(String, Track), f64> = HashMap::new();
        for (k, u) in units.iter().enumerate() {
            if let Intake::County { county, share } = &u.intake {
                let tw = &schools[u.school].township;
                let key = (tw.clone(), u.track);
                let g = match (feed.get(&key), feed_ref.get(&key)) {
                    (Some(now), Some(then)) if *then > 0.0 => now / then,
                    _ => 1.0,
                };
                weight.insert(k, share * g);
                *weight_sum.entry((county.clone(), u.track)).or_default() += share * g;
            }
        }
        for (k, u) in units.iter_mut().enumerate() {
            let n = u.state.len();
            let first = match &u.intake {
                Intake::Participation { township, share } => {
                    let p = pop_at(township, t);
                    let part = &participation[township];
                    u.state = (0..n).map(|g| part[g] * p[Track::pre_age(g)] * share[g]).collect();
                    by_year[k].push(u.state.clone());
                    continue;
                }
                Intake::Township { township, share } => gir.get(township).copied().unwrap_or(0.0) * pop_at(township, t)[6] * share,
                Intake::County { county, .. } => {
                    let key = (county.clone(), u.track);
                    let w = div(weight[&k], weight_sum.get(&key).copied().unwrap_or(0.0)).unwrap_or(0.0);
                    transition.get(&key).copied().unwrap_or(0.0) * feed.get(&key).copied().unwrap_or(0.0) * w
                }
            };
            let prev = u.state.clone();
            let mut next = vec![0.0; n];
            next[0] = first + prev[0] * u.flow.repetition[0];
            for g in 1..n {
                next[g] = prev[g - 1] * u.flow.promotion[g - 1] + prev[g] * u.flow.repetition[g];
            }
            u.state = next;
            by_year[k].push(u.state.clone());
        }
    }
    // GER targets rescale the reported pupils of a stage in each county to the target's path
    let years: Vec<i32> = (base..=to).collect();
    let mut factor: HashMap<(String, Stage, i32), f64> = HashMap::new();
    for (stage, target) in [(Stage::Pre, sc.pre_ger_target), (Stage::Sen, sc.sen_ger_target)] {
        let Some(target) = target else { continue };
        for c in &counties {
            let (lo, hi) = stage.ages();
            let pop_band = |y: i32| -> f64 { townships.iter().filter(|t| t.parent.as_ref() == Some(c)).map(|t| band(&pop_at(&t.code, y), lo, hi)).sum() };
            let pupils = |i: usize| -> f64 {
                units.iter().enumerate().filter(|(_, u)| u.track.stage() == stage && &schools[u.school].county == c).map(|(k, _)| by_year[k][i].iter().sum::<f64>()).sum()
            };
            let Some(g0) = div(pupils(0), pop_band(base)) else { continue };
            for (i, y) in years.iter().enumerate().skip(1) {
                let want = path(g0, target.value / 100.0, base, target.year, *y) * pop_band(*y);
                if let Some(f) = div(want, pupils(i)) {
                    factor.insert((c.clone(), stage, *y), f);
                }
            }
        }
    }

    // ---- derived figures per school, then townships and counties ----
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
    // projects: places by school and stage from their finishing year; unlocated by county/township
    let mut project_places: HashMap<(usize, Stage), Vec<(i32, f64)>> = HashMap::new();
    let mut unlocated: HashMap<(String, Stage), Vec<(i32, f64)>> = HashMap::new();
    if sc.include_projects {
        let idx: HashMap<&str, usize> = schools.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        for p in &inputs.projects {
            if p.places <= 0.0 {
                continue;
            }
            match idx.get(p.school_id.as_str()) {
                Some(&i) => {
                    let s = &schools[i];
                    let stages = s.stages();
                    let named = p.stage_from_name().filter(|st| stages.contains(st));
                    let split: Vec<(Stage, f64)> = match named {
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
                }
                None => match p.stage_from_name() {
                    Some(st) if !p.region.is_empty() => unlocated.entry((p.region.clone(), st)).or_default().push((p.year, p.places)),
                    _ => warnings.push(format!(
                        "项目 {} “{}” 的学校不在数据中且无法判断学段或区域，其新增学位未计入 / project {} \"{}\": its school is not in the data and its stage or region is unknown, its places are not counted",
                        p.project, p.name, p.project, p.name
                    )),
                },
            }
        }
    }
    let added = |v: Option<&Vec<(i32, f64)>>, t: i32| -> f64 { v.map(|v| v.iter().filter(|(y, _)| *y <= t).map(|x| x.1).sum()).unwrap_or(0.0) };
    let mut school_acc: BTreeMap<(usize, Stage, i32), Acc> = BTreeMap::new();
    let mut grades: BTreeMap<(String, i32, Track), Vec<f64>> = BTreeMap::new();
    for (k, u) in units.iter().enumerate() {
        let s = &schools[u.school];
        let stage = u.track.stage();
        for (i, y) in years.iter().enumerate() {
            let f = factor.get(&(s.county.clone(), stage, *y)).copied().unwrap_or(1.0);
            let pupils: Vec<f64> = by_year[k][i].iter().map(|x| x * f).collect();
            for scope in [&s.township, &s.county] {
                let v = grades.entry((scope.clone(), *y, u.track)).or_insert_with(|| vec![0.0; pupils.len()]);
                for (g, p) in pupils.iter().enumerate() {
                    v[g] += p;
                }
            }
            let a = school_acc.entry((u.school, stage, *y)).or_default();
            a.enrolled += pupils.iter().sum::<f64>();
            let base_classes = s.classes.get(&u.track);
            for (g, p) in pupils.iter().enumerate() {
                let n = round_half_up(*p, 0);
                if n <= 0.0 {
                    continue;
                }
                let size = class_size(s, u.track, g);
                a.classes_needed += (n / size).ceil();
                // "if nothing changes": the grade keeps its classes of the base year
                let c = base_classes.map(|c| c[g]).filter(|c| *c > 0.0).unwrap_or_else(|| (n / standard_class_size(&s.ty, u.track, g)).ceil());
                a.kept += c;
                if i > 0 {
                    let q = (n / c).floor();
                    let r = n - q * c;
                    a.big += if q + 1.0 >= 56.0 { r } else { 0.0 } + if q >= 56.0 { c - r } else { 0.0 };
                }
            }
        }
    }
    let retire = |m: &crate::inputs::StaffMember, t: i32| -> bool {
        let age = if m.female { sc.retire_age_female } else { sc.retire_age_male } as i32;
        t > base && m.birth_year.is_some_and(|b| b + age <= t)
    };
    for ((si, stage, y), a) in school_acc.iter_mut() {
        let s = &schools[*si];
        if *y == base {
            a.big = s.big_classes.get(stage).copied().unwrap_or(0.0);
        }
        a.places = s.places.get(stage).copied().unwrap_or(0.0) + added(project_places.get(&(*si, *stage)), *y);
        let e = round_half_up(a.enrolled, 0);
        a.gap = (e - a.places).max(0.0);
        a.spare = (a.places - e).max(0.0);
        let ratio = Scenario::stage_value(&sc.staff_ratio, &defaults.staff_ratio, *stage);
        a.need = if e > 0.0 { (e / ratio).ceil() } else { 0.0 };
        a.avail = s.staff.iter().filter(|m| m.stage == *stage && !retire(m, *y)).count() as f64;
    }
    // schools' own stages even without pupils (places, staff) in every year
    for (si, s) in schools.iter().enumerate() {
        for st in s.stages() {
            for y in &years {
                school_acc.entry((si, st, *y)).or_insert_with(|| {
                    let places = s.places.get(&st).copied().unwrap_or(0.0) + added(project_places.get(&(si, st)), *y);
                    Acc { places, spare: places, avail: s.staff.iter().filter(|m| m.stage == st && !retire(m, *y)).count() as f64, ..Acc::default() }
                });
            }
        }
    }
    let mut tw_acc: BTreeMap<(String, Stage, i32), Acc> = BTreeMap::new();
    for ((si, stage, y), a) in &school_acc {
        let t = tw_acc.entry((schools[*si].township.clone(), *stage, *y)).or_default();
        t.enrolled += a.enrolled;
        t.classes_needed += a.classes_needed;
        t.places += a.places;
        t.big += a.big;
        t.kept += a.kept;
        t.need += a.need;
        t.avail += a.avail;
    }
    // townships with children but no school of a stage still show their children
    for tw in &townships {
        for st in Stage::ALL {
            for y in &years {
                tw_acc.entry((tw.code.clone(), st, *y)).or_default();
            }
        }
    }
    let mut county_acc: BTreeMap<(String, Stage, i32), Acc> = BTreeMap::new();
    let county_of_tw = |code: &str| -> String { inputs.regions.get(code).and_then(|r| r.parent.clone()).unwrap_or_else(|| code.chars().take(6).collect()) };
    for ((tw, stage, y), a) in tw_acc.iter_mut() {
        a.places += added(unlocated.get(&(tw.clone(), *stage)), *y);
        let e = round_half_up(a.enrolled, 0);
        a.gap = (e - a.places).max(0.0);
        a.spare = (a.places - e).max(0.0);
        let c = county_acc.entry((county_of_tw(tw), *stage, *y)).or_default();
        c.enrolled += a.enrolled;
        c.classes_needed += a.classes_needed;
        c.places += a.places;
        c.gap += a.gap;
        c.spare += a.spare;
        c.big += a.big;
        c.kept += a.kept;
        c.need += a.need;
        c.avail += a.avail;
    }
    for ((c, stage, y), a) in county_acc.iter_mut() {
        // a new school whose township is unknown serves the county's shortage
        let extra = added(unlocated.get(&(c.clone(), *stage)), *y);
        a.places += extra;
        let used = extra.min(a.gap);
        a.gap -= used;
        a.spare += extra - used;
    }

    // ---- rows ----
    let name_of = |code: &str| inputs.regions.get(code).map(|r| r.name.clone()).unwrap_or_else(|| code.to_string());
    let cost = |stage: Stage| {
        (
            Scenario::stage_value(&sc.cost_per_pupil, &defaults.cost_per_pupil, stage) / 10000.0,
            Scenario::stage_value(&sc.cost_per_place, &defaults.cost_per_place, stage) / 10000.0,
        )
    };
    let mut rows = Vec::new();
    let mut emit = |scope: String, scope_name: String, level: &'static str, parent: Option<String>, stage: Stage, series: Vec<(i32, Acc)>, pop_band: Option<Vec<f64>>| {
        let (per_pupil, per_place) = cost(stage);
        let mut max_gap = 0.0f64;
        let mut prev_short = 0.0f64;
        for (i, (y, a)) in series.into_iter().enumerate() {
            let enrolled = round_half_up(a.enrolled, 0);
            let short = (a.need - a.avail).max(0.0);
            let recruitment = if i == 0 { 0.0 } else { (short - prev_short).max(0.0) };
            prev_short = short;
            let construction = if i == 0 { 0.0 } else { (a.gap - max_gap).max(0.0) * per_place };
            max_gap = max_gap.max(a.gap);
            let operating = enrolled * per_pupil;
            rows.push(Row {
                scope: scope.clone(),
                scope_name: scope_name.clone(),
                level,
                parent: parent.clone(),
                year: y,
                stage: stage.name(),
                school_age_pop: pop_band.as_ref().map(|p| round_half_up(p[i], 0)),
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
    let series_of = |m: &BTreeMap<(String, Stage, i32), Acc>, code: &str, st: Stage| -> Vec<(i32, Acc)> {
        years.iter().map(|y| (*y, m.get(&(code.to_string(), st, *y)).cloned().unwrap_or_default())).collect()
    };
    for c in &counties {
        for st in Stage::ALL {
            let (lo, hi) = st.ages();
            let band_c: Vec<f64> = years.iter().map(|y| townships.iter().filter(|t| t.parent.as_ref() == Some(c)).map(|t| band(&pop_at(&t.code, *y), lo, hi)).sum()).collect();
            emit(c.clone(), name_of(c), "county", None, st, series_of(&county_acc, c, st), Some(band_c));
        }
    }
    let tw_codes: Vec<String> = {
        let mut v: Vec<String> = tw_acc.keys().map(|k| k.0.clone()).collect();
        v.dedup();
        v
    };
    for tw in &tw_codes {
        for st in Stage::ALL {
            let (lo, hi) = st.ages();
            let band_t: Vec<f64> = years.iter().map(|y| band(&pop_at(tw, *y), lo, hi)).collect();
            emit(tw.clone(), name_of(tw), "township", Some(county_of_tw(tw)), st, series_of(&tw_acc, tw, st), Some(band_t));
        }
    }
    for (si, s) in schools.iter().enumerate() {
        for st in s.stages() {
            let series: Vec<(i32, Acc)> = years.iter().map(|y| (*y, school_acc.get(&(si, st, *y)).cloned().unwrap_or_default())).collect();
            emit(s.id.clone(), s.name.clone(), "school", Some(s.township.clone()), st, series, None);
        }
    }

    // ---- population rows ----
    let mut population = Vec::new();
    for c in &counties {
        for y in &years {
            let mut ages = [0.0; MAX_AGE + 1];
            for t in townships.iter().filter(|t| t.parent.as_ref() == Some(c)) {
                let p = pop_at(&t.code, *y);
                for a in 0..=MAX_AGE {
                    ages[a] += p[a];
                }
            }
            population.push(PopRow { scope: c.clone(), scope_name: name_of(c), level: "county", year: *y, ages: ages.iter().map(|x| round_half_up(*x, 0)).collect() });
        }
    }
    for t in &townships {
        for y in &years {
            population.push(PopRow { scope: t.code.clone(), scope_name: t.name.clone(), level: "township", year: *y, ages: pop_at(&t.code, *y).iter().map(|x| round_half_up(*x, 0)).collect() });
        }
    }
    Projection { base_year: base, to, rows, population, grades, warnings }
}
