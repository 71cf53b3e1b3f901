//! eduplan-engine: every catalogue indicator (指标) at every level, computed with Apache
//! DataFusion over fact tables built from stored school years, each figure carrying the
//! numerator and denominator it came from.
//!
//! How a figure is made: each measure's SQL gives one row per unit (a student row, a class, a
//! teacher, a school's conditions for one stage, a township's population of one age); DataFusion
//! sums it by year, school, township, county and stage (measures of one fact table and shape in
//! one query, see `fuse`; others one query each), and the engine
//! rolls those sums up to township, county, city and province and once more over all stages
//! (全部). An indicator combines its summed sides (read `lag` years back for cohorts, ahead for
//! UIS flow rates) into a value. Ratios are never averaged. A zero or missing denominator,
//! missing data, or a missing year gives status "unavailable" with the reason.
//!
//! Not here: storage (callers pass [`eduplan_core::data::YearData`]), JSON, HTTP.
#![deny(missing_docs)]

pub mod catalogue;
pub mod facts;
pub mod formula;
mod fuse;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::prelude::SessionContext;
use eduplan_core::data::YearData;

pub use catalogue::{Catalogue, Indicator, Kind, Level, Side, Term};

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
    /// Value, unrounded; `None` when unavailable.
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

pub use eduplan_core::round_half_up;

/// A measure summed over one unit; `missing` counts rows whose value was NULL.
#[derive(Debug, Default, Clone, Copy)]
struct Sum {
    value: f64,
    missing: i64,
}

impl Sum {
    fn add(&mut self, o: Sum) {
        self.value += o.value;
        self.missing += o.missing;
    }
}

/// A hash map with a fast, non-cryptographic hasher (keys are our own small integers).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Sums by (level, year), then by (unit, stage), units and stages interned.
type Sums = FastMap<(Level, i32), FastMap<(u32, u32), Sum>>;

/// Strings (unit codes, stages) as small integers, so a province's sums stay compact.
#[derive(Default)]
struct Names {
    ids: FastMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(i) = self.ids.get(s) {
            return *i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.to_string());
        self.ids.insert(s.to_string(), i);
        i
    }
    fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }
}

fn strings(a: &ArrayRef) -> ArrayRef {
    match a.data_type() {
        DataType::Utf8 => a.clone(),
        _ => cast(a, &DataType::Utf8).expect("text columns cast to Utf8"),
    }
}

/// Where a query's columns are (year is column 0, the unit key 1, the stage 2).
struct Cols {
    grade: Option<usize>,
    v: usize,
    missing: usize,
    /// Rows passing the measure's condition (fused queries); a group with none is skipped.
    n: Option<usize>,
}

/// The engine over a set of school years.
pub struct Engine {
    ctx: SessionContext,
    years: BTreeSet<i32>,
    rows: HashMap<(&'static str, i32), usize>,
    /// every school, township, county … of each year (the units a figure may be about)
    units: HashMap<(Level, i32), BTreeSet<String>>,
    names: std::sync::RwLock<Names>,
    /// (year, school) → its township, both interned: school sums roll up through it
    school_township: FastMap<(i32, u32), u32>,
    cache: Mutex<HashMap<String, Arc<Sums>>>,
    /// Measures of one shape share a query (see `fuse`); off only to measure what it saves.
    fuse: bool,
}

/// One side of an indicator evaluated for a unit.
#[derive(Default)]
struct SideValue {
    value: f64,
    present: bool,
    reason: Option<(String, String)>,
}

/// A term ready to be read for any unit.
struct PreparedTerm<'a> {
    sign: f64,
    map: Option<&'a FastMap<(u32, u32), Sum>>,
    /// `None`: the figure's stage; `Some(None)`: a stage no data has (nothing to read).
    stage: Option<Option<u32>>,
    no_data: Option<(String, String)>,
}

/// A side ready to be read for any unit.
struct Prepared<'a> {
    terms: Vec<PreparedTerm<'a>>,
    /// Why the side cannot be read at all (a missing year).
    reason: Option<(String, String)>,
    blocked: bool,
}

impl Prepared<'_> {
    /// Σ sign × measure for a unit and stage.
    fn eval(&self, unit: u32, stage: u32) -> SideValue {
        let mut sv = SideValue { reason: self.reason.clone(), ..Default::default() };
        if self.blocked {
            return sv;
        }
        for t in &self.terms {
            if let Some(r) = &t.no_data {
                sv.reason.get_or_insert_with(|| r.clone());
                continue;
            }
            let st = match t.stage {
                Some(Some(x)) => x,
                Some(None) => continue,
                None => stage,
            };
            if let Some(x) = t.map.and_then(|m| m.get(&(unit, st))) {
                sv.present = true;
                sv.value += t.sign * x.value;
                if x.missing > 0 && sv.reason.is_none() {
                    sv.reason = Some((format!("数据缺失 {} 行", x.missing), format!("data missing in {} rows", x.missing)));
                }
            }
        }
        sv
    }
}

impl Engine {
    /// Registers the fact tables of these years.
    pub fn new(years: &[YearData]) -> Engine {
        Engine::with_funds(years, &[])
    }

    /// Registers the fact tables of these years and the plans' project funds (资金, for
    /// 资金执行进度).
    pub fn with_funds(years: &[YearData], funds: &[facts::FundFact]) -> Engine {
        let ctx = SessionContext::new();
        // one partition per core, so every scan and aggregation runs on all of them
        let parts = ctx.state().config().target_partitions().max(1);
        let mut tables = facts::build(years);
        tables.push(("fund", facts::build_fund(years, funds)));
        for (name, batch) in tables {
            let n = batch.num_rows();
            let chunk = n.div_ceil(parts).max(1);
            let partitions: Vec<Vec<datafusion::arrow::record_batch::RecordBatch>> =
                (0..n.div_ceil(chunk).max(1)).map(|i| vec![batch.slice(i * chunk, chunk.min(n - (i * chunk).min(n)))]).collect();
            let table = datafusion::datasource::MemTable::try_new(batch.schema(), partitions).expect("batches of one schema");
            ctx.register_table(name, std::sync::Arc::new(table)).expect("a fresh context accepts the fact tables");
        }
        let mut units: HashMap<(Level, i32), BTreeSet<String>> = HashMap::new();
        let mut names = Names::default();
        let mut school_township = FastMap::default();
        for y in years {
            let t = y.table(eduplan_core::schema::SheetKind::Schools);
            for r in &t.rows {
                let tw = t.get(r, "region").display();
                let id = t.get(r, "school_id").display();
                if tw.len() == 9 {
                    school_township.insert((y.year, names.id(&id)), names.id(&tw));
                }
                units.entry((Level::School, y.year)).or_default().insert(id);
                for l in [Level::Township, Level::County, Level::City, Level::Province] {
                    if let Some(u) = l.region_of(&tw) {
                        units.entry((l, y.year)).or_default().insert(u);
                    }
                }
            }
        }
        Engine {
            ctx,
            years: years.iter().map(|y| y.year).collect(),
            rows: {
                let mut rows = facts::row_counts(years);
                for f in funds {
                    if let Some(y) = f.date.get(..4).and_then(|y| y.parse::<i32>().ok()) {
                        *rows.entry(("fund", y)).or_insert(0) += 1;
                    }
                }
                rows
            },
            units,
            names: std::sync::RwLock::new(names),
            school_township,
            cache: Default::default(),
            fuse: true,
        }
    }

    /// Runs every measure as its own query (for benchmarks: fused and unfused give the same sums).
    pub fn without_fusion(mut self) -> Engine {
        self.fuse = false;
        self
    }

    /// Years the engine holds.
    pub fn years(&self) -> &BTreeSet<i32> {
        &self.years
    }

    /// Counties in the data of a year (city and province levels make sense with several).
    pub fn counties(&self, year: i32) -> usize {
        self.units.get(&(Level::County, year)).map_or(0, |s| s.len())
    }

    /// Sums a measure by year, unit of every level and stage: one DataFusion query at the finest
    /// grain (school, township, county, stage), rolled up here.
    async fn sums(&self, cat: &Catalogue, measure: &str) -> Result<Arc<Sums>, EngineError> {
        if let Some(s) = self.cache.lock().expect("cache").get(measure) {
            return Ok(s.clone());
        }
        let m = &cat.measure[measure];
        let g = if m.by_grade { ", grade" } else { "" };
        // one text key per row: the school (10 digits), else the township (9), else the county
        // (6); a school's township and county come from the schools sheet, so grouping by one
        // key instead of three costs far less
        let sql = format!(
            "SELECT CAST(year AS BIGINT) AS year, COALESCE(school_id, township, county) AS k, stage{g}, CAST(SUM(value) AS DOUBLE) AS v, \
             CAST(COUNT(*) - COUNT(value) AS BIGINT) AS missing \
             FROM ({}) m GROUP BY year, COALESCE(school_id, township, county), stage{g}",
            m.sql
        );
        let err = |source| EngineError::Query { measure: measure.to_string(), source };
        let batches = self.ctx.sql(&sql).await.map_err(err)?.collect().await.map_err(err)?;
        let off = usize::from(m.by_grade);
        let cols = Cols { grade: m.by_grade.then_some(3), v: 3 + off, missing: 4 + off, n: None };
        Ok(self.rollup(cat, measure, &batches, &cols))
    }

    /// Runs measures of one shape as one query and caches each one's sums.
    async fn fused(&self, cat: &Catalogue, group: &[(&str, fuse::Shape)]) -> Result<(), EngineError> {
        let shapes: Vec<&fuse::Shape> = group.iter().map(|(_, s)| s).collect();
        let sql = fuse::fused_sql(&shapes);
        let err = |source| EngineError::Query { measure: group.iter().map(|g| g.0).collect::<Vec<_>>().join("+"), source };
        let batches = self.ctx.sql(&sql).await.map_err(err)?.collect().await.map_err(err)?;
        let off = usize::from(shapes[0].grade);
        for (i, (measure, _)) in group.iter().enumerate() {
            let base = 3 + off + 3 * i;
            let cols = Cols { grade: shapes[0].grade.then_some(3), v: base, missing: base + 1, n: Some(base + 2) };
            self.rollup(cat, measure, &batches, &cols);
        }
        Ok(())
    }

    /// Sums of a measure from query rows (year, key, stage, [grade], value, missing[, rows]),
    /// rolled up to every level and to 全部, and cached.
    fn rollup(&self, cat: &Catalogue, measure: &str, batches: &[datafusion::arrow::record_batch::RecordBatch], c: &Cols) -> Arc<Sums> {
        let mut names = self.names.write().expect("names");
        let all = names.id(ALL_STAGES);
        let mut out: Sums = FastMap::default();
        {
            let mut level_maps: FastMap<(Level, i32), FastMap<(u32, u32), Sum>> = FastMap::default();
            for b in batches {
                let year = b.column(0).as_primitive::<Int64Type>().clone();
                let (k, st) = (strings(b.column(1)), strings(b.column(2)));
                let (k, st) = (k.as_string::<i32>(), st.as_string::<i32>());
                let grade = c.grade.map(|g| strings(b.column(g)));
                let grade = grade.as_ref().map(|g| g.as_string::<i32>());
                let v = b.column(c.v);
                let v = match v.data_type() {
                    DataType::Float64 => v.as_primitive::<Float64Type>().clone(),
                    _ => unreachable!("cast to DOUBLE"),
                };
                let missing = b.column(c.missing).as_primitive::<Int64Type>();
                let rows = c.n.map(|n| b.column(n).as_primitive::<Int64Type>().clone());
                for i in 0..b.num_rows() {
                    if st.is_null(i) || k.is_null(i) {
                        continue;
                    }
                    // a fused group where no row passed this measure's condition: the measure's
                    // own query would have no such group
                    if rows.as_ref().is_some_and(|r| r.is_null(i) || r.value(i) == 0) {
                        continue;
                    }
                    let key = k.value(i);
                    if key.is_empty() {
                        continue;
                    }
                    let s = Sum { value: if v.is_null(i) { 0.0 } else { v.value(i) }, missing: missing.value(i) };
                    let y = year.value(i) as i32;
                    let stage = match grade {
                        Some(gr) if gr.is_valid(i) => names.id(&format!("{}/{}", st.value(i), gr.value(i))),
                        Some(_) => continue,
                        None => match names.get(st.value(i)) {
                            Some(x) => x,
                            None => names.id(st.value(i)),
                        },
                    };
                    let id = match names.get(key) {
                        Some(x) => x,
                        None => names.id(key),
                    };
                    match key.len() {
                        9 => level_maps.entry((Level::Township, y)).or_default().entry((id, stage)).or_default().add(s),
                        6 => level_maps.entry((Level::County, y)).or_default().entry((id, stage)).or_default().add(s),
                        _ => {
                            level_maps.entry((Level::School, y)).or_default().entry((id, stage)).or_default().add(s);
                            if let Some(tw) = self.school_township.get(&(y, id)) {
                                level_maps.entry((Level::Township, y)).or_default().entry((*tw, stage)).or_default().add(s);
                            }
                        }
                    }
                }
            }
            // townships → counties → cities → provinces (small maps); a county's own rows
            // (受教育程度 by county) are already in its map
            let mut parent_cache: FastMap<(u32, Level), Option<u32>> = FastMap::default();
            for (from, to) in [(Level::Township, Level::County), (Level::County, Level::City), (Level::City, Level::Province)] {
                let keys: Vec<(i32, u32, u32, Sum)> = level_maps
                    .iter()
                    .filter(|((l, _), _)| *l == from)
                    .flat_map(|((_, y), m)| m.iter().map(move |(&(u, st), s)| (*y, u, st, *s)))
                    .collect();
                for (y, u, st, s) in keys {
                    let parent = *parent_cache.entry((u, to)).or_insert_with(|| {
                        let code = names.names[u as usize].clone();
                        to.region_of(&code).map(|p| names.id(&p))
                    });
                    if let Some(p) = parent {
                        level_maps.entry((to, y)).or_default().entry((p, st)).or_default().add(s);
                    }
                }
            }
            // all stages together (全部), unless the measure is by grade or already says 全部
            for ((l, y), mut m) in level_maps {
                if !m.is_empty() && !cat.measure[measure].by_grade {
                    let extra: Vec<(u32, Sum)> = m.iter().filter(|((_, st), _)| *st != all).map(|(&(u, _), s)| (u, *s)).collect();
                    for (u, s) in extra {
                        m.entry((u, all)).or_default().add(s);
                    }
                }
                out.insert((l, y), m);
            }
        }
        let out = Arc::new(out);
        self.cache.lock().expect("cache").insert(measure.to_string(), out.clone());
        out
    }

    /// Computes indicators for a year at the given levels (`codes` = `None` for all; codes or
    /// aliases such as "GER").
    pub async fn compute(&self, cat: &Catalogue, year: i32, levels: &[Level], codes: Option<&[String]>) -> Result<Vec<Figure>, EngineError> {
        let wanted: Option<Vec<&str>> = codes.map(|c| c.iter().filter_map(|x| cat.get(x)).map(|i| i.code.as_str()).collect());
        let inds: Vec<&Indicator> = cat.indicator.iter().filter(|i| wanted.as_ref().is_none_or(|w| w.contains(&i.code.as_str()))).collect();
        // every measure once, two queries at a time (DataFusion runs each on all cores too)
        let mut measures: Vec<&str> = inds.iter().flat_map(|i| i.numerator.terms().iter().chain(i.denominator.iter().flat_map(|d| d.terms()))).map(|t| t.measure()).collect();
        measures.sort_unstable();
        measures.dedup();
        // measures of one shape and table in one query each; the rest one query each
        let cached: Vec<&str> = {
            let c = self.cache.lock().expect("cache");
            measures.iter().copied().filter(|m| c.contains_key(*m)).collect()
        };
        measures.retain(|m| !cached.contains(m));
        let mut groups: std::collections::BTreeMap<(String, String, String, bool), Vec<(&str, fuse::Shape)>> = Default::default();
        for m in &measures {
            let def = &cat.measure[*m];
            if let Some(sh) = fuse::shape(&def.sql, def.by_grade) {
                groups.entry(sh.key()).or_default().push((m, sh));
            }
        }
        groups.retain(|_, g| g.len() > 1 && self.fuse);
        for g in groups.values() {
            self.fused(cat, g).await?;
        }
        let fused: Vec<&str> = groups.values().flatten().map(|(m, _)| *m).collect();
        measures.retain(|m| !fused.contains(m));
        for pair in measures.chunks(2) {
            match pair {
                [a, b] => {
                    tokio::try_join!(self.sums(cat, a), self.sums(cat, b))?;
                }
                [a] => {
                    self.sums(cat, a).await?;
                }
                _ => {}
            }
        }
        let tasks: Vec<(&Indicator, Level)> = inds
            .iter()
            .flat_map(|ind| levels.iter().filter(|l| ind.levels.contains(l) || (ind.levels.contains(&Level::County) && matches!(l, Level::City | Level::Province))).map(move |l| (*ind, *l)))
            .collect();
        // the figures: plain CPU work over the cached sums, on every core
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(tasks.len().max(1));
        let mut parts: Vec<(usize, Vec<Figure>)> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let tasks = &tasks;
                    sc.spawn(move || tasks.iter().enumerate().skip(t).step_by(threads).map(|(k, (ind, l))| (k, self.indicator(cat, ind, year, *l))).collect::<Vec<_>>())
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().expect("an indicator thread")).collect()
        });
        // catalogue order, then level order, as before; joined once by moving, not cloning
        parts.sort_by_key(|(k, _)| *k);
        let mut out = Vec::with_capacity(parts.iter().map(|(_, p)| p.len()).sum());
        for (_, p) in parts {
            out.extend(p);
        }
        Ok(out)
    }

    fn missing_year(&self, y: i32, year: i32) -> Option<(String, String)> {
        if self.years.contains(&y) {
            return None;
        }
        let d = year - y;
        let rel = if d >= 0 { format!("t−{d}") } else { format!("t+{}", -d) };
        Some((format!("缺少 {y} 学年数据（{rel}）"), format!("missing year {y} ({rel})")))
    }

    fn no_data(&self, cat: &Catalogue, t: &Term, y: i32) -> Option<(String, String)> {
        let src = cat.measure[t.measure()].source.as_str();
        let n = self.rows.get(&(facts::table_of(src), y)).copied().unwrap_or(0);
        (n == 0 && self.years.contains(&y)).then(|| {
            let sheet = facts::sheet_of(src);
            (format!("{y} 学年无{sheet}数据"), format!("no {} data for {y}", facts::sheet_en(src)))
        })
    }

    /// Resolves one side's terms for a level and year once (year read, missing data, stage
    /// override, the sums to read), so each unit costs two hash lookups per term.
    fn prepare<'a>(&self, cat: &Catalogue, side: &Side, sums: &'a [Arc<Sums>], level: Level, year: i32, names: &Names) -> Prepared<'a> {
        let mut terms = Vec::new();
        for (t, s) in side.terms().iter().zip(sums) {
            let y = year - t.lag();
            if let Some(r) = self.missing_year(y, year) {
                return Prepared { terms: Vec::new(), reason: Some(r), blocked: true };
            }
            let no_data = self.no_data(cat, t, y);
            let stage = t.stage().map(|x| names.get(x));
            terms.push(PreparedTerm { sign: t.sign(), map: s.get(&(level, y)), stage, no_data });
        }
        Prepared { terms, reason: None, blocked: false }
    }

    /// The cached sums of a side's measures (computed by [`Engine::compute`] beforehand).
    fn side_sums(&self, side: &Side) -> Vec<Arc<Sums>> {
        let cache = self.cache.lock().expect("cache");
        side.terms().iter().map(|t| cache.get(t.measure()).cloned().unwrap_or_default()).collect()
    }

    fn indicator(&self, cat: &Catalogue, ind: &Indicator, year: i32, level: Level) -> Vec<Figure> {
        let num = self.side_sums(&ind.numerator);
        let den = ind.denominator.as_ref().map(|d| self.side_sums(d));
        if ind.kind == Kind::Survival {
            return self.survival(ind, year, level, &num[0], den.as_ref().map(|d| d[0].clone()));
        }
        let names = self.names.read().expect("names");
        let all = names.get(ALL_STAGES);
        let wanted = |stage: &str| ind.stages.is_empty() || ind.stages.iter().any(|s| s == stage);
        // the zone a gap is closed in: the school itself, or the township
        let zone = if ind.kind == Kind::Gap && level != Level::School { Level::Township } else { level };
        // units × stages that the year's terms know
        let mut scopes: Vec<(u32, u32)> = Vec::new();
        let sides = std::iter::once((&ind.numerator, &num)).chain(ind.denominator.as_ref().zip(den.as_ref()));
        for (side, sums) in sides {
            for (t, s) in side.terms().iter().zip(sums) {
                let y = year - t.lag();
                for &(u, st) in s.get(&(zone, y)).into_iter().flat_map(|m| m.keys()) {
                    let fig_stage = match t.stage() {
                        Some(ts) if names.names[st as usize] == ts => match ind.stages.first() {
                            Some(f) => match names.get(f) {
                                Some(i) => i,
                                None => continue,
                            },
                            None => st,
                        },
                        Some(_) => continue,
                        None => st,
                    };
                    if ind.kind == Kind::Gap && Some(fig_stage) == all {
                        continue; // a gap's 全部 is the sum of its stages' gaps
                    }
                    if ind.kind == Kind::Gap || wanted(&names.names[fig_stage as usize]) {
                        scopes.push((u, fig_stage));
                    }
                }
            }
        }
        scopes.sort_unstable();
        scopes.dedup();
        let mut out = Vec::with_capacity(scopes.len());
        if scopes.is_empty() {
            // nothing anywhere: still say so for every unit, once, with the reason
            let stage = ind.stages.first().cloned().unwrap_or_else(|| ALL_STAGES.to_string());
            let reason = ind.numerator.terms().iter().find_map(|t| self.missing_year(year - t.lag(), year).or_else(|| self.no_data(cat, t, year - t.lag())));
            let reason = reason.or_else(|| ind.denominator.iter().flat_map(|d| d.terms()).find_map(|t| self.missing_year(year - t.lag(), year).or_else(|| self.no_data(cat, t, year - t.lag()))));
            let reason = reason.unwrap_or_else(|| ("无数据".into(), "no data".into()));
            for u in self.units.get(&(level, year)).into_iter().flatten() {
                out.push(Figure {
                    code: ind.code.clone(),
                    name: ind.name.clone(),
                    scope: u.clone(),
                    level,
                    year,
                    stage: stage.clone(),
                    value: None,
                    unit: ind.unit.clone(),
                    numerator: None,
                    denominator: None,
                    reason: Some(reason.clone()),
                });
            }
            return out;
        }
        if ind.kind == Kind::Gap {
            return self.gaps(cat, ind, year, level, &scopes, &num, den.as_deref(), &names);
        }
        let pn = self.prepare(cat, &ind.numerator, &num, level, year, &names);
        let pd = ind.denominator.as_ref().zip(den.as_ref()).map(|(d, s)| self.prepare(cat, d, s, level, year, &names));
        for (unit, stage) in scopes {
            let n = pn.eval(unit, stage);
            let mut fig = self.blank(ind, year, level, &names.names[unit as usize], &names.names[stage as usize]);
            fig.numerator = Some(n.value);
            if let Some(r) = n.reason {
                fig.numerator = None;
                fig.reason = Some(r);
            }
            match &pd {
                Some(pd) => {
                    let d = pd.eval(unit, stage);
                    if let Some(r) = d.reason {
                        fig.reason.get_or_insert(r);
                    } else if !d.present && ind.kind == Kind::Ratio {
                        fig.reason.get_or_insert(("分母无数据".into(), "no data for the denominator".into()));
                    } else {
                        fig.denominator = Some(d.value);
                        if ind.kind == Kind::Ratio && d.value == 0.0 {
                            fig.reason.get_or_insert(("分母为 0".into(), "the denominator is zero".into()));
                        }
                    }
                    if fig.reason.is_none() {
                        fig.value = Some(match ind.kind {
                            Kind::Difference => (n.value - d.value) * ind.scale,
                            _ => n.value / d.value * ind.scale,
                        });
                    }
                }
                None => {
                    if fig.reason.is_none() {
                        fig.value = Some(n.value * ind.scale);
                    }
                }
            }
            out.push(fig);
        }
        out
    }

    fn blank(&self, ind: &Indicator, year: i32, level: Level, scope: &str, stage: &str) -> Figure {
        Figure {
            code: ind.code.clone(),
            name: ind.name.clone(),
            scope: scope.to_string(),
            level,
            year,
            stage: stage.to_string(),
            value: None,
            unit: ind.unit.clone(),
            numerator: None,
            denominator: None,
            reason: None,
        }
    }

    /// Gap indicators: max(0, numerator − denominator) in each zone and stage, summed up to the
    /// level's units and over stages for 全部.
    #[allow(clippy::too_many_arguments)]
    fn gaps(&self, cat: &Catalogue, ind: &Indicator, year: i32, level: Level, zones: &[(u32, u32)], num: &[Arc<Sums>], den: Option<&[Arc<Sums>]>, names: &Names) -> Vec<Figure> {
        #[derive(Default)]
        struct Acc {
            gap: f64,
            num: f64,
            den: f64,
            reason: Option<(String, String)>,
        }
        let mut acc: std::collections::BTreeMap<(String, String), Acc> = Default::default();
        let zone_level = if level == Level::School { Level::School } else { Level::Township };
        let pn = self.prepare(cat, &ind.numerator, num, zone_level, year, names);
        let pd = ind.denominator.as_ref().zip(den).map(|(d, s)| self.prepare(cat, d, s, zone_level, year, names));
        for &(z, st) in zones {
            let n = pn.eval(z, st);
            let d = pd.as_ref().map(|p| p.eval(z, st)).unwrap_or_default();
            let zname = &names.names[z as usize];
            let unit = if level == zone_level { Some(zname.clone()) } else { level.region_of(zname) };
            let Some(unit) = unit else { continue };
            let stage = names.names[st as usize].clone();
            for s in [stage.as_str(), ALL_STAGES] {
                let a = acc.entry((unit.clone(), s.to_string())).or_default();
                a.gap += (n.value - d.value).max(0.0) * ind.scale;
                a.num += n.value;
                a.den += d.value;
                if a.reason.is_none() {
                    a.reason = n.reason.clone().or(d.reason.clone());
                }
            }
        }
        let wanted = |stage: &str| ind.stages.is_empty() || ind.stages.iter().any(|s| s == stage);
        acc.into_iter()
            .filter(|((_, s), _)| wanted(s))
            .map(|((unit, stage), a)| {
                let mut f = self.blank(ind, year, level, &unit, &stage);
                match a.reason {
                    Some(r) => f.reason = Some(r),
                    None => {
                        f.value = Some(a.gap);
                        f.numerator = Some(a.num);
                        f.denominator = Some(a.den);
                    }
                }
                f
            })
            .collect()
    }

    /// UIS survival rate to the last grade of each stage (reconstructed cohort): with promotion
    /// p_g = (E[g+1, t+1] − R[g+1, t+1]) / E[g, t] and repetition r_g = R[g, t+1] / E[g, t], a
    /// pupil of grade g eventually reaches g+1 with probability p_g / (1 − r_g) (any number of
    /// repetitions); the survival rate is the product over the stage's grades.
    fn survival(&self, ind: &Indicator, year: i32, level: Level, enrolled: &Sums, repeaters: Option<Arc<Sums>>) -> Vec<Figure> {
        let names = self.names.read().expect("names");
        let mut out = Vec::new();
        for stage in &ind.stages {
            let grades: Vec<&str> = eduplan_core::schema::enums::GRADE.iter().copied().filter(|g| eduplan_core::schema::grade_stage(g) == Some(stage.as_str())).collect();
            if grades.len() < 2 {
                continue;
            }
            let gid: Vec<Option<u32>> = grades.iter().map(|g| names.get(&format!("{stage}/{g}"))).collect();
            let units: BTreeSet<u32> = enrolled.get(&(level, year)).into_iter().flat_map(|m| m.keys()).filter(|k| Some(k.1) == gid[0]).map(|k| k.0).collect();
            for u in units {
                let mut f = self.blank(ind, year, level, &names.names[u as usize], stage);
                if let Some(r) = self.missing_year(year + 1, year) {
                    f.reason = Some(r);
                    out.push(f);
                    continue;
                }
                let get = |s: &Sums, y: i32, g: Option<u32>| g.and_then(|g| s.get(&(level, y)).and_then(|m| m.get(&(u, g))).copied());
                let mut surv = 1.0;
                for i in 0..grades.len() - 1 {
                    let e = get(enrolled, year, gid[i]).unwrap_or_default();
                    let e1 = get(enrolled, year + 1, gid[i + 1]).unwrap_or_default();
                    let (r1, rg) = match &repeaters {
                        Some(r) => (get(r, year + 1, gid[i + 1]), get(r, year + 1, gid[i])),
                        None => (Some(Sum::default()), Some(Sum::default())),
                    };
                    let (r1, rg) = (r1.unwrap_or_default(), rg.unwrap_or_default());
                    if e.missing + e1.missing + r1.missing + rg.missing > 0 {
                        f.reason = Some(("在校生或留级数据缺失".into(), "enrolment or repeater data missing".into()));
                        break;
                    }
                    if e.value == 0.0 {
                        f.reason = Some((format!("{} {} 学年在校生为 0", grades[i], year), format!("no pupils in {} in {year}", grades[i])));
                        break;
                    }
                    let p = (e1.value - r1.value) / e.value;
                    let r = rg.value / e.value;
                    if r >= 1.0 {
                        f.reason = Some(("留级率不低于 100%".into(), "repetition rate of 100% or more".into()));
                        break;
                    }
                    surv *= p / (1.0 - r);
                }
                if f.reason.is_none() {
                    f.numerator = Some(surv * 1000.0);
                    f.denominator = Some(1000.0);
                    f.value = Some(surv * ind.scale);
                }
                out.push(f);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fused_measures_sum_exactly_as_their_own_queries() {
        let ds = eduplan_synth::generate(&eduplan_synth::Options { counties: 1, seed: 4, years: (2023, 2024) });
        let years: Vec<YearData> = [2023, 2024].iter().map(|y| YearData::from_dataset(&ds, *y)).collect();
        let cat = Catalogue::builtin();
        let fused = Engine::new(&years);
        fused.compute(&cat, 2024, &[Level::School, Level::Township, Level::County], None).await.unwrap();
        let alone = Engine::new(&years);
        let mut n_fused = 0;
        for m in cat.measure.keys() {
            let a = alone.sums(&cat, m).await.unwrap();
            let Some(f) = fused.cache.lock().unwrap().get(m).cloned() else { continue };
            if crate::fuse::shape(&cat.measure[m].sql, cat.measure[m].by_grade).is_some() {
                n_fused += 1;
            }
            // interned ids differ between the two engines: compare by names
            let (na, nf) = (alone.names.read().unwrap(), fused.names.read().unwrap());
            let named = |s: &Sums, n: &Names| -> std::collections::BTreeMap<(String, i32, String, String), (i64, i64)> {
                s.iter()
                    .flat_map(|((l, y), m)| m.iter().map(move |((u, st), v)| ((format!("{l:?}"), *y, n.names[*u as usize].clone(), n.names[*st as usize].clone()), ((v.value * 1000.0).round() as i64, v.missing))))
                    .collect()
            };
            assert_eq!(named(&a, &na), named(&f, &nf), "measure {m}");
        }
        assert!(n_fused > 40, "{n_fused} measures of the common shape");
    }

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
        assert!(c.indicator.len() >= 50);
        let mut codes: Vec<&str> = c.indicator.iter().map(|i| i.code.as_str()).collect();
        codes.sort();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "duplicate codes");
        let bad = Catalogue::parse("[[indicator]]\ncode='x'\nname='x'\nname_en='x'\nunit='%'\nnumerator='nope'\n");
        assert!(matches!(bad, Err(catalogue::CatalogueError::UnknownMeasure { .. })));
        assert_eq!(c.get("GER").map(|i| i.code.as_str()), Some("uis_ger"));
    }

    #[test]
    fn region_codes_roll_up() {
        assert_eq!(Level::City.region_of("360721001").as_deref(), Some("360700"));
        assert_eq!(Level::Province.region_of("360721").as_deref(), Some("360000"));
        assert_eq!(Level::Township.region_of("360721"), None);
    }
}
