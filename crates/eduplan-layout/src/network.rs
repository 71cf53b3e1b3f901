//! School network planning on a county (布局规划): demand points on a grid over the townships,
//! existing schools and candidate sites, a capacitated p-median (or p-median) solve, attendance
//! zones (学区) as polygons and before/after figures. Pure: callers give areas, schools and
//! projected children; nothing here reads a store.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::{json, Value};

use crate::error::Error;
use crate::geo::haversine_km;
use crate::matrix::{DistMatrix, Distances, Haversine};
use crate::mip::Model;
use crate::model::{Expansion, MaxDistance, OverLimit, Problem, Site, SiteKind};
use crate::solution::Options;

/// A township with its boundary and its projected children of the stage (生源).
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// 区划代码.
    pub code: String,
    /// Outer rings of its boundary, (lon, lat) in degrees; holes are ignored.
    pub rings: Vec<Vec<(f64, f64)>>,
    /// Children who will need a place (the stage's school-age children times enrolment).
    pub children: f64,
}

/// An existing school of the stage.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// 学校标识码.
    pub id: String,
    /// 学校名称.
    pub name: String,
    /// Its township.
    pub township: String,
    /// 经度.
    pub lon: f64,
    /// 纬度.
    pub lat: f64,
    /// 学位 of the stage.
    pub capacity: f64,
    /// Classes it has (for 大班额 at a given load: pupils shared evenly among them).
    pub classes: f64,
    /// Its pupils if nothing changes (the projection's), the load of today's pattern.
    pub enrolled: f64,
}

/// A site where a new school could be built (新建校址).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Identifier (C1, C2 … for generated ones).
    pub id: String,
    /// 名称.
    pub name: String,
    /// Its township.
    pub township: String,
    /// 经度.
    pub lon: f64,
    /// 纬度.
    pub lat: f64,
    /// 学位 of the new school.
    pub capacity: f64,
    /// Construction cost (万元), reported, not optimised (the number of new schools is given).
    pub cost: f64,
}

/// A village or community the user placed (村庄/社区): the children of its township are shared
/// among the township's villages in proportion to `weight` (people or children).
#[derive(Debug, Clone, PartialEq)]
pub struct Village {
    /// 编号.
    pub id: String,
    /// 名称.
    pub name: String,
    /// 经度.
    pub lon: f64,
    /// 纬度.
    pub lat: f64,
    /// Its people or children (any unit: only shares within a township matter); 0 = equal shares.
    pub weight: f64,
}

/// Capacity steps existing schools may buy (扩建).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expand {
    /// Steps a school may take at most.
    pub steps: usize,
    /// Places of one step (e.g. one class per grade: 6 × 45 for 小学).
    pub step_places: f64,
    /// What an added place costs in the objective, in child-km: a step is bought only when it
    /// saves at least this many km per place it adds.
    pub km_per_place: f64,
}

/// What the plan minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Total child-kilometres with every school's places respected, one school per point
    /// (capacitated p-median, single sourcing).
    Capacitated,
    /// Total child-kilometres, places ignored (p-median).
    Pmedian,
    /// The farthest child's distance (最远距离最小, p-center), places ignored.
    Pcenter,
    /// The most children within `max_km` of a school (最大覆盖, MCLP) with the schools given,
    /// places ignored; the objective is the children left beyond it.
    Mclp,
    /// The fewest schools that put every child within `max_km` (最少学校全覆盖, LSCP): the plan
    /// chooses how many to build (`add` is ignored), places ignored; children no school or site
    /// can reach are left out with a warning.
    Lscp,
}

impl Objective {
    /// Whether schools' places (学位) bind the plan.
    pub fn uses_places(self) -> bool {
        self == Objective::Capacitated
    }
}

/// The planning question.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// Townships with boundaries and children.
    pub areas: Vec<Area>,
    /// Existing schools (with coordinates).
    pub schools: Vec<School>,
    /// Candidate sites; `None`: generated on a grid, away from existing schools.
    pub candidates: Option<Vec<Candidate>>,
    /// With `candidates`, generate the grid's sites as well.
    pub also_grid: bool,
    /// Villages or communities (demand points the user gave); townships without any keep the
    /// generated grid.
    pub villages: Vec<Village>,
    /// Expansion steps of existing schools; `None`: none.
    pub expand: Option<Expand>,
    /// Whether `max_km` is imposed (no child assigned farther) rather than only reported.
    pub enforce_max: bool,
    /// When `add` is `None`: let the plan choose how many new schools, a new place costing this
    /// many child-km (capacitated facility location); `None`: the fewest that give every child
    /// a place.
    pub add_km: Option<f64>,
    /// Spacing of demand points (km); widened so that there are at most `max_points`.
    pub grid_km: f64,
    /// Most demand points.
    pub max_points: usize,
    /// Spacing of generated candidate sites (km).
    pub candidate_km: f64,
    /// 最远上学距离 (km): farther children are counted as beyond the limit.
    pub max_km: f64,
    /// New schools to open; `None`: enough for the townships' shortages (Σ over townships of
    /// children beyond the places of the township's schools, over a new school's places).
    pub add: Option<usize>,
    /// Whether existing schools may close (撤并) in exchange for new ones.
    pub allow_close: bool,
    /// Sites the user rules out: a candidate is not opened, an existing school is closed.
    pub exclude: Vec<String>,
    /// What is minimised.
    pub objective: Objective,
    /// Places of a new school.
    pub new_capacity: f64,
    /// Construction cost of a place (万元).
    pub cost_per_place: f64,
    /// Standard class size of the stage (classes of a new school = places / size).
    pub class_size: f64,
    /// After the heuristic, prove or improve its plan with the MIP (HiGHS, feature `highs`) for
    /// at most this many seconds (精确求解); `None`: the heuristic alone.
    pub exact: Option<f64>,
}

/// A site in the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SitePlan {
    /// 学校标识码 or candidate id.
    pub id: String,
    /// 名称.
    pub name: String,
    /// `existing` or `candidate`.
    pub kind: &'static str,
    /// 经度.
    pub lon: f64,
    /// 纬度.
    pub lat: f64,
    /// Its township.
    pub township: String,
    /// 学位.
    pub capacity: f64,
    /// `kept`, `closed`, `new` or `unused`.
    pub status: &'static str,
    /// Its projected pupils if nothing changes; null for candidates.
    pub load_before: Option<f64>,
    /// Children it serves in the plan.
    pub load_after: f64,
    /// Construction cost (万元): a candidate's, or an expanded school's steps.
    pub cost: Option<f64>,
    /// Places added by expansion (扩建), in `capacity` already; 0 when not expanded.
    pub added_places: f64,
}

/// A demand point (生源点) and where its children go.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandPlan {
    /// Index.
    pub id: usize,
    /// 经度.
    pub lon: f64,
    /// 纬度.
    pub lat: f64,
    /// Its township.
    pub township: String,
    /// The village's name for a user's point; empty for a grid point.
    pub name: String,
    /// Children.
    pub children: f64,
    /// Nearest existing school now.
    pub site_before: Option<String>,
    /// School in the plan.
    pub site_after: String,
    /// Km to it now.
    pub km_before: Option<f64>,
    /// Km in the plan.
    pub km_after: f64,
}

/// Figures of a pattern of attendance (现状 or 方案).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Child-weighted mean distance (km).
    pub mean_km: f64,
    /// Largest distance of a point with children (km).
    pub max_km: f64,
    /// Children farther than the limit.
    pub beyond_limit: f64,
    /// Children beyond their school's places, summed over schools (学位缺口).
    pub place_gap: f64,
    /// Classes of 56+ when a school's children are shared evenly among its classes (大班额).
    pub big_classes: f64,
}

/// The solver's account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolverInfo {
    /// What was minimised.
    pub kind: Objective,
    /// Child-km (plus penalties for children beyond the limit) for `capacitated` and
    /// `pmedian`; km for `pcenter`; children beyond the limit for `mclp`; schools for `lscp`.
    pub objective: f64,
    /// Proven lower bound.
    pub lower_bound: f64,
    /// (objective − bound) / objective.
    pub gap: f64,
    /// Seconds.
    pub seconds: f64,
    /// Sites open (kept and new).
    pub p: usize,
    /// `great-circle` or `road`.
    pub distances: &'static str,
    /// `heuristic`, or `heuristic+mip` when the MIP ran ([`Spec::exact`]).
    pub method: &'static str,
    /// HiGHS's status when the MIP ran (`Optimal`, `ReachedTimeLimit`, …).
    pub mip_status: Option<String>,
    /// Objective and bound of the heuristic alone, when the MIP ran.
    pub heuristic: Option<(f64, f64)>,
}

/// The recommended plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkPlan {
    /// Existing schools, then candidates.
    pub sites: Vec<SitePlan>,
    /// Demand points.
    pub demand: Vec<DemandPlan>,
    /// Attendance zones: a GeoJSON FeatureCollection of MultiPolygons (the grid cells of each school).
    pub zones: Value,
    /// If nothing changes: each school keeps its projected pupils (loads, place gap, 大班额);
    /// distances are to the nearest existing school.
    pub before: Figures,
    /// The plan.
    pub after: Figures,
    /// The solve.
    pub solution: SolverInfo,
    /// The grid spacing used (km).
    pub grid_km: f64,
    /// New schools opened.
    pub add: usize,
    /// Schools expanded and the places added.
    pub expanded: usize,
    /// Places added by expansion.
    pub added_places: f64,
    /// What the user should know.
    pub warnings: Vec<String>,
}

/// Whether a point is inside a ring (ray casting).
pub fn inside(ring: &[(f64, f64)], p: (f64, f64)) -> bool {
    let mut c = false;
    let n = ring.len();
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0 {
            c = !c;
        }
    }
    c
}

/// Area of a ring in km² (planar, local scale).
fn ring_km2(ring: &[(f64, f64)]) -> f64 {
    if ring.len() < 3 {
        return 0.0;
    }
    let lat0 = ring.iter().map(|p| p.1).sum::<f64>() / ring.len() as f64;
    let (kx, ky) = (111.32 * lat0.to_radians().cos(), 110.57);
    let mut s = 0.0;
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
        s += a.0 * kx * b.1 * ky - b.0 * kx * a.1 * ky;
    }
    (s / 2.0).abs()
}

/// Grid points inside the rings, spaced `km` apart, with half-cell sizes in degrees.
fn grid(rings: &[Vec<(f64, f64)>], km: f64) -> (Vec<(f64, f64)>, (f64, f64)) {
    let pts: Vec<(f64, f64)> = rings.iter().flatten().copied().collect();
    if pts.is_empty() {
        return (Vec::new(), (0.0, 0.0));
    }
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in &pts {
        x0 = x0.min(p.0);
        x1 = x1.max(p.0);
        y0 = y0.min(p.1);
        y1 = y1.max(p.1);
    }
    let dy = km / 110.57;
    let dx = km / (111.32 * ((y0 + y1) / 2.0).to_radians().cos());
    // align to a global lattice so neighbouring townships' cells do not overlap
    let (i0, i1) = ((x0 / dx).floor() as i64, (x1 / dx).ceil() as i64);
    let (j0, j1) = ((y0 / dy).floor() as i64, (y1 / dy).ceil() as i64);
    let mut out = Vec::new();
    for i in i0..=i1 {
        for j in j0..=j1 {
            let p = ((i as f64 + 0.5) * dx, (j as f64 + 0.5) * dy);
            if rings.iter().any(|r| inside(r, p)) {
                out.push(p);
            }
        }
    }
    if out.is_empty() {
        let n = pts.len() as f64;
        out.push((pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n));
    }
    (out, (dx / 2.0, dy / 2.0))
}

/// Classes of 56+ when `load` children share `classes` classes evenly.
pub fn big_classes(load: f64, classes: f64) -> f64 {
    let n = load.round();
    let c = classes.round();
    if c <= 0.0 || n <= 0.0 {
        return 0.0;
    }
    let q = (n / c).floor();
    let r = n - q * c;
    (if q + 1.0 >= 56.0 { r } else { 0.0 }) + if q >= 56.0 { c - r } else { 0.0 }
}

fn figures(weights: &[f64], km: &[f64], loads: &[(f64, f64, f64)], max_km: f64) -> Figures {
    let total: f64 = weights.iter().sum();
    let mean_km = if total > 0.0 { weights.iter().zip(km).map(|(w, d)| w * d).sum::<f64>() / total } else { 0.0 };
    let max = weights.iter().zip(km).filter(|(w, _)| **w > 0.0).map(|(_, d)| *d).fold(0.0, f64::max);
    let beyond: f64 = weights.iter().zip(km).filter(|(_, d)| **d > max_km).map(|(w, _)| w).sum();
    let gap: f64 = loads.iter().map(|(load, cap, _)| (load - cap).max(0.0)).sum();
    let big: f64 = loads.iter().map(|(load, _, classes)| big_classes(*load, *classes)).sum();
    let r2 = |x: f64| (x * 100.0).round() / 100.0;
    Figures { mean_km: r2(mean_km), max_km: r2(max), beyond_limit: beyond.round(), place_gap: gap.round(), big_classes: big }
}

/// Plans the network with great-circle distances.
pub fn plan(spec: &Spec, opts: &Options) -> Result<NetworkPlan, Error> {
    plan_with(spec, opts, &Haversine)
}

/// Which township a point falls in (the first whose boundary holds it).
fn township_of(areas: &[Area], p: (f64, f64)) -> Option<usize> {
    areas.iter().position(|a| a.rings.iter().any(|r| inside(r, p)))
}

/// A demand point before solving.
#[derive(Debug, Clone)]
struct Point {
    /// (lon, lat).
    xy: (f64, f64),
    /// Half sizes of its cell in degrees (for the zone polygons).
    half: (f64, f64),
    /// Children.
    children: f64,
    /// Its township.
    township: String,
    /// The village's name; empty for a grid point.
    name: String,
}

fn demand_points(spec: &Spec, grid_km: f64, warnings: &mut Vec<String>) -> Vec<Point> {
    let mut out = Vec::new();
    // villages by township (a village outside every boundary is left out, with a warning)
    let mut villages: Vec<Vec<&Village>> = vec![Vec::new(); spec.areas.len()];
    let mut outside = Vec::new();
    for v in &spec.villages {
        match township_of(&spec.areas, (v.lon, v.lat)) {
            Some(k) => villages[k].push(v),
            None => outside.push(v.name.clone()),
        }
    }
    if !outside.is_empty() {
        warnings.push(format!("{} 个村庄/社区不在本县任何乡镇边界内，未计入：{} / {} villages lie outside every township and are left out", outside.len(), outside.join("、"), outside.len()));
    }
    for (k, a) in spec.areas.iter().enumerate() {
        if a.children <= 0.0 {
            continue;
        }
        if !villages[k].is_empty() {
            // the user's villages: the township's children shared by their weights; each has a
            // small square cell for the zone map (half the distance to its nearest neighbour)
            let vs = &villages[k];
            let wsum: f64 = vs.iter().map(|v| v.weight.max(0.0)).sum();
            for v in vs {
                let share = if wsum > 0.0 { v.weight.max(0.0) / wsum } else { 1.0 / vs.len() as f64 };
                let near = vs.iter().filter(|o| o.id != v.id).map(|o| haversine_km(v.lat, v.lon, o.lat, o.lon)).fold(2.0 * grid_km, f64::min).max(0.2);
                let half = (near / 2.0 / 111.32 / v.lat.to_radians().cos(), near / 2.0 / 110.57);
                out.push(Point { xy: (v.lon, v.lat), half, children: a.children * share, township: a.code.clone(), name: v.name.clone() });
            }
            continue;
        }
        let (pts, half) = if a.rings.is_empty() {
            // no boundary: the children live around the township's schools
            let own: Vec<(f64, f64)> = spec.schools.iter().filter(|s| s.township == a.code).map(|s| (s.lon, s.lat)).collect();
            if own.is_empty() {
                warnings.push(format!("乡镇 {} 没有边界也没有学校坐标，其 {:.0} 名儿童未计入 / township {} has neither a boundary nor school coordinates: its {:.0} children are left out", a.code, a.children, a.code, a.children));
                continue;
            }
            (own, (0.005, 0.005))
        } else {
            grid(&a.rings, grid_km)
        };
        // children live where schools are (settlements): 90 % in proportion to the township's
        // schools' pupils × e^(−d / 2 km), 10 % spread evenly; a township without a school: evenly
        let own: Vec<&School> = spec.schools.iter().filter(|s| s.township == a.code && s.enrolled > 0.0).collect();
        let kernel: Vec<f64> = pts.iter().map(|p| own.iter().map(|s| s.enrolled * (-haversine_km(p.1, p.0, s.lat, s.lon) / 2.0).exp()).sum()).collect();
        let ksum: f64 = kernel.iter().sum();
        let n = pts.len() as f64;
        for (p, k) in pts.into_iter().zip(kernel) {
            let w = if ksum > 0.0 { a.children * (0.9 * k / ksum + 0.1 / n) } else { a.children / n };
            out.push(Point { xy: p, half, children: w, township: a.code.clone(), name: String::new() });
        }
    }
    out
}

/// Grid candidate sites: numbered over every township, so that an id means the same site
/// whatever is excluded; kept only in the townships short of places (all when none is): a new
/// school elsewhere would only move children away from empty seats.
fn grid_candidates(spec: &Spec, grid_km: f64, excluded: &HashSet<&str>) -> Vec<Candidate> {
    let short: HashSet<&str> = spec
        .areas
        .iter()
        .filter(|a| a.children > spec.schools.iter().filter(|s| s.township == a.code && !excluded.contains(s.id.as_str())).map(|s| s.capacity).sum::<f64>())
        .map(|a| a.code.as_str())
        .collect();
    let mut out = Vec::new();
    let mut k = 0;
    for a in &spec.areas {
        let (pts, _) = grid(&a.rings, spec.candidate_km.max(grid_km));
        for p in pts {
            // a new school next to an existing one is no new site
            if spec.schools.iter().any(|s| haversine_km(s.lat, s.lon, p.1, p.0) < spec.candidate_km / 2.0) {
                continue;
            }
            k += 1;
            if short.is_empty() || short.contains(a.code.as_str()) {
                out.push(Candidate { id: format!("C{k}"), name: format!("候选校址{k}"), township: a.code.clone(), lon: p.0, lat: p.1, capacity: spec.new_capacity, cost: spec.new_capacity * spec.cost_per_place });
            }
        }
    }
    out
}

/// Plans the network: demand points, candidates, solve, zones and figures, with the given
/// distances (great-circle or road).
pub fn plan_with(spec: &Spec, opts: &Options, distances: &dyn Distances) -> Result<NetworkPlan, Error> {
    let mut warnings = Vec::new();
    let excluded: HashSet<&str> = spec.exclude.iter().map(String::as_str).collect();
    // ---- demand points ----
    let area_km2: f64 = spec.areas.iter().flat_map(|a| a.rings.iter()).map(|r| ring_km2(r)).sum();
    let grid_km = spec.grid_km.max((area_km2 / spec.max_points.max(1) as f64).sqrt()).max(0.2);
    let found = demand_points(spec, grid_km, &mut warnings);
    // one point goes to one school whole (single sourcing): a point heavier than a quarter of a
    // typical school is split into equal points at the same place
    let mut caps: Vec<f64> = spec.schools.iter().map(|s| s.capacity).filter(|c| *c > 0.0).collect();
    caps.sort_by(|a, b| a.total_cmp(b));
    let typical = caps.get(caps.len() / 2).copied().unwrap_or(spec.new_capacity).min(spec.new_capacity).max(1.0);
    let limit = typical / 4.0;
    let mut demand_pts: Vec<Point> = Vec::new();
    for pt in found {
        let k = (pt.children / limit).ceil().max(1.0) as usize;
        demand_pts.extend(std::iter::repeat_n(Point { children: pt.children / k as f64, ..pt }, k));
    }
    let points: Vec<(f64, f64)> = demand_pts.iter().map(|d| d.xy).collect();
    let weights: Vec<f64> = demand_pts.iter().map(|d| d.children).collect();
    if points.is_empty() {
        return Err(Error::Invalid("没有生源点（缺少乡镇边界或儿童数）/ no demand points (township boundaries or children missing)".into()));
    }
    // ---- sites ----
    let schools: Vec<&School> = spec.schools.iter().filter(|s| !excluded.contains(s.id.as_str())).collect();
    let closed_by_user: Vec<&School> = spec.schools.iter().filter(|s| excluded.contains(s.id.as_str())).collect();
    let mut candidates: Vec<Candidate> = match &spec.candidates {
        Some(c) => c.clone(),
        None => Vec::new(),
    };
    if spec.candidates.is_none() || spec.also_grid {
        candidates.extend(grid_candidates(spec, grid_km, &excluded));
    }
    let candidates: Vec<Candidate> = candidates.into_iter().filter(|c| !excluded.contains(c.id.as_str())).collect();
    let total: f64 = weights.iter().sum();
    let kept_capacity: f64 = schools.iter().map(|s| s.capacity).sum();
    let steps = spec.expand.filter(|e| e.steps > 0 && e.step_places > 0.0);
    let expand_capacity = steps.map(|e| schools.len() as f64 * e.steps as f64 * e.step_places).unwrap_or(0.0);
    // the number of new schools is the plan's choice when priced (facility location)
    let free = spec.add.is_none() && spec.objective == Objective::Capacitated && spec.add_km.is_some_and(|k| k >= 0.0);
    let add = match spec.add {
        // the fewest schools that cover every child: the count is the plan's
        _ if spec.objective == Objective::Lscp => 0,
        Some(k) => k,
        None if free => 0,
        None => {
            let mut short = 0.0;
            for a in &spec.areas {
                let places: f64 = schools.iter().filter(|s| s.township == a.code).map(|s| s.capacity).sum();
                short += (a.children - places).max(0.0);
            }
            // never fewer than the county as a whole needs; expansions (扩建, cheaper than
            // building) cover what they can first
            let short = (short.max(total - kept_capacity) - expand_capacity).max(0.0);
            ((short / spec.new_capacity.max(1.0)).ceil() as usize).min(candidates.len())
        }
    };
    if add > candidates.len() {
        return Err(Error::Invalid(format!("需要新建 {add} 所学校，但只有 {} 个候选校址 / {add} new schools needed but only {} candidate sites", candidates.len(), candidates.len())));
    }
    let mut site_xy: Vec<(f64, f64)> = schools.iter().map(|s| (s.lon, s.lat)).collect();
    site_xy.extend(candidates.iter().map(|c| (c.lon, c.lat)));
    let kind = if spec.allow_close { SiteKind::Closable } else { SiteKind::Fixed };
    let expansions: Vec<Expansion> = steps.map(|e| vec![Expansion { capacity: e.step_places, cost: e.step_places * e.km_per_place }; e.steps]).unwrap_or_default();
    let mut sites: Vec<Site> = schools.iter().map(|s| Site { kind, cost: 0.0, capacity: Some(s.capacity), expansions: expansions.clone() }).collect();
    let open_cost = |c: &Candidate| if free { c.capacity * spec.add_km.unwrap_or(0.0) } else { 0.0 };
    sites.extend(candidates.iter().map(|c| Site { kind: SiteKind::Candidate, cost: open_cost(c), capacity: Some(c.capacity), expansions: Vec::new() }));
    if !spec.objective.uses_places() {
        for s in &mut sites {
            s.capacity = None;
            s.expansions.clear();
        }
    }
    // one matrix over every school (the user's closed ones too, for "before") and candidate
    let mut all_xy: Vec<(f64, f64)> = spec.schools.iter().map(|s| (s.lon, s.lat)).collect();
    all_xy.extend(candidates.iter().map(|c| (c.lon, c.lat)));
    let full = distances.matrix(&points, &all_xy);
    warnings.extend(distances.warnings());
    let cols: Vec<usize> = spec.schools.iter().enumerate().filter(|(_, s)| !excluded.contains(s.id.as_str())).map(|(j, _)| j).chain(spec.schools.len()..all_xy.len()).collect();
    let dist = DistMatrix::from_fn(points.len(), cols.len(), |i, j| full.get(i, cols[j]));
    let mut problem = Problem {
        weights: weights.clone(),
        sites,
        dist,
        // imposed: no child farther than the limit; otherwise only reported (a cap priced as a
        // penalty would let the solver send children anywhere beyond it at the same cost). The
        // covering objectives have the limit as their radius instead.
        max_distance: (spec.enforce_max && !matches!(spec.objective, Objective::Mclp | Objective::Lscp)).then_some(MaxDistance { limit: spec.max_km, over: OverLimit::Forbidden }),
        demand: None,
    };
    let p = schools.len() + add;
    // LSCP covers the children that some school or site can reach; the others are reported
    if spec.objective == Objective::Lscp {
        let unreachable: Vec<usize> = (0..problem.n()).filter(|&i| problem.weights[i] > 0.0 && !(0..problem.m()).any(|j| problem.dist.get(i, j) <= spec.max_km)).collect();
        if unreachable.len() == (0..problem.n()).filter(|&i| problem.weights[i] > 0.0).count() {
            return Err(Error::Invalid(format!("没有儿童在 {} 公里内有学校或候选校址：请放宽距离 / no child has a school or candidate site within {} km: relax the limit", spec.max_km, spec.max_km)));
        }
        if !unreachable.is_empty() {
            let children: f64 = unreachable.iter().map(|&i| problem.weights[i]).sum();
            warnings.push(format!(
                "{} 个生源点（约 {:.0} 名儿童）在 {} 公里内没有任何学校或候选校址，方案无法覆盖：请在那里添加候选校址 / {} demand points ({:.0} children) have no school or candidate site within {} km and stay uncovered: add candidate sites there",
                unreachable.len(), children, spec.max_km, unreachable.len(), children, spec.max_km
            ));
            for &i in &unreachable {
                problem.weights[i] = 0.0;
            }
        }
    }
    if !free && spec.objective == Objective::Capacitated && kept_capacity + expand_capacity + add as f64 * spec.new_capacity < total - 1e-6 && !spec.allow_close {
        return Err(Error::Invalid(format!(
            "学位不足：保留学校 {:.0} 个学位（含可扩建 {:.0}）加新建 {add} 所（每所 {:.0}）仍少于 {:.0} 名儿童，请增加新建学校数 / not enough places: {:.0} kept (with {:.0} by expansion) plus {add} new schools of {:.0} hold fewer than {:.0} children; add more schools",
            kept_capacity + expand_capacity, expand_capacity, spec.new_capacity, total, kept_capacity + expand_capacity, expand_capacity, spec.new_capacity, total
        )));
    }
    let sol = match spec.objective {
        Objective::Capacitated if free => crate::capacitated::solve_free(&problem, opts),
        Objective::Capacitated => crate::capacitated::solve(&problem, p, opts),
        Objective::Pmedian => crate::pmedian::solve(&problem, p, opts),
        Objective::Pcenter => crate::pcenter::solve(&problem, p, opts),
        Objective::Mclp => crate::covering::mclp(&problem, p, spec.max_km, opts),
        Objective::Lscp => crate::covering::lscp(&problem, spec.max_km, opts),
    };
    if !spec.objective.uses_places() {
        warnings.push("此目标不考虑学位，方案的学位缺口仅供参考 / this objective ignores places: the plan's place gap is shown for information".to_string());
    }
    let sol = match sol {
        Err(e) if spec.enforce_max => {
            return Err(Error::Invalid(format!(
                "在最远 {} 公里的限制下找不到方案（{e}）：请增加新建学校、放宽距离或允许扩建 / no plan keeps every child within {} km ({e}): add schools, relax the limit or allow expansion",
                spec.max_km, spec.max_km
            )))
        }
        other => other?,
    };
    let (sol, mip) = match spec.exact {
        None => (sol, None),
        Some(limit) => {
            let model = match spec.objective {
                Objective::Capacitated if free => Model::FacilityLocation,
                Objective::Capacitated => Model::Capacitated { p },
                Objective::Pmedian => Model::Pmedian { p },
                Objective::Pcenter => Model::Pcenter { p },
                Objective::Mclp => Model::Mclp { p, radius: spec.max_km },
                Objective::Lscp => Model::Lscp { radius: spec.max_km },
            };
            let heur = (sol.objective, sol.lower_bound);
            let started = std::time::Instant::now() - std::time::Duration::from_secs_f64(sol.seconds);
            let (sol, report) = crate::mip::refine(&problem, model, sol, limit, started)?;
            (sol, Some((report.status, heur)))
        }
    };
    if spec.enforce_max && spec.objective != Objective::Mclp && sol.assignment.iter().enumerate().any(|(i, j)| problem.dist.get(i, *j) > spec.max_km + 1e-9) {
        return Err(Error::Invalid(format!(
            "在最远 {} 公里的限制下找不到方案：请增加新建学校、放宽距离或允许扩建 / no plan keeps every child within {} km: add schools, relax the limit or allow expansion",
            spec.max_km, spec.max_km
        )));
    }
    // ---- before: schools keep their projected pupils; distances to the nearest school ----
    let (mut km_before, mut site_before) = (Vec::new(), Vec::new());
    for i in 0..points.len() {
        match (0..spec.schools.len()).map(|j| (j, full.get(i, j))).min_by(|a, b| a.1.total_cmp(&b.1)) {
            Some((j, d)) => {
                km_before.push(d);
                site_before.push(Some(j));
            }
            None => {
                km_before.push(f64::INFINITY);
                site_before.push(None);
            }
        }
    }
    let load_before: Vec<f64> = spec.schools.iter().map(|s| s.enrolled).collect();
    let before_loads: Vec<(f64, f64, f64)> = spec.schools.iter().map(|s| (s.enrolled, s.capacity, s.classes)).collect();
    let before = if spec.schools.is_empty() {
        Figures { mean_km: 0.0, max_km: 0.0, beyond_limit: total.round(), place_gap: total.round(), big_classes: 0.0 }
    } else {
        figures(&weights, &km_before, &before_loads, spec.max_km)
    };
    // ---- after ----
    let m = site_xy.len();
    let mut load_after = vec![0.0; m];
    let mut km_after = Vec::with_capacity(points.len());
    for (i, j) in sol.assignment.iter().enumerate() {
        load_after[*j] += weights[i];
        km_after.push(problem.dist.get(i, *j));
    }
    // expansion steps bought: the fewest that hold the school's children (steps cost > 0)
    let added: Vec<f64> = (0..m)
        .map(|j| match (steps, j < schools.len() && spec.objective == Objective::Capacitated) {
            (Some(e), true) => {
                let over = load_after[j] - schools[j].capacity;
                if over > 1e-6 { ((over / e.step_places - 1e-9).ceil().min(e.steps as f64)) * e.step_places } else { 0.0 }
            }
            _ => 0.0,
        })
        .collect();
    let open: HashSet<usize> = sol.open_sites.iter().copied().collect();
    // an expanded school's new classes hold its added places at the standard size
    let after_loads: Vec<(f64, f64, f64)> = (0..m)
        .filter(|j| open.contains(j))
        .map(|j| {
            if j < schools.len() {
                (load_after[j], schools[j].capacity + added[j], schools[j].classes + (added[j] / spec.class_size).ceil())
            } else {
                let c = &candidates[j - schools.len()];
                (load_after[j], c.capacity, (c.capacity / spec.class_size).ceil())
            }
        })
        .collect();
    let after = figures(&weights, &km_after, &after_loads, spec.max_km);
    // ---- sites, demand, zones ----
    let r1 = |x: f64| (x * 10.0).round() / 10.0;
    let mut out_sites = Vec::new();
    for (j, s) in schools.iter().enumerate() {
        let before_idx = spec.schools.iter().position(|x| x.id == s.id).expect("a school");
        out_sites.push(SitePlan {
            id: s.id.clone(),
            name: s.name.clone(),
            kind: "existing",
            lon: s.lon,
            lat: s.lat,
            township: s.township.clone(),
            capacity: s.capacity + added[j],
            status: if !open.contains(&j) { "closed" } else if added[j] > 0.0 { "expanded" } else { "kept" },
            load_before: Some(r1(load_before[before_idx])),
            load_after: r1(load_after[j]),
            cost: (added[j] > 0.0).then(|| r1(added[j] * spec.cost_per_place)),
            added_places: added[j],
        });
    }
    for s in &closed_by_user {
        let before_idx = spec.schools.iter().position(|x| x.id == s.id).expect("a school");
        out_sites.push(SitePlan { id: s.id.clone(), name: s.name.clone(), kind: "existing", lon: s.lon, lat: s.lat, township: s.township.clone(), capacity: s.capacity, status: "closed", load_before: Some(r1(load_before[before_idx])), load_after: 0.0, cost: None, added_places: 0.0 });
    }
    for (k, c) in candidates.iter().enumerate() {
        let j = schools.len() + k;
        out_sites.push(SitePlan {
            id: c.id.clone(),
            name: c.name.clone(),
            kind: "candidate",
            lon: c.lon,
            lat: c.lat,
            township: c.township.clone(),
            capacity: c.capacity,
            status: if open.contains(&j) { "new" } else { "unused" },
            load_before: None,
            load_after: r1(load_after[j]),
            cost: Some(c.cost),
            added_places: 0.0,
        });
    }
    let site_id = |j: usize| if j < schools.len() { schools[j].id.clone() } else { candidates[j - schools.len()].id.clone() };
    let demand: Vec<DemandPlan> = points
        .iter()
        .enumerate()
        .map(|(i, p)| DemandPlan {
            id: i,
            lon: p.0,
            lat: p.1,
            township: demand_pts[i].township.clone(),
            name: demand_pts[i].name.clone(),
            children: (weights[i] * 10.0).round() / 10.0,
            site_before: site_before[i].map(|j| spec.schools[j].id.clone()),
            site_after: site_id(sol.assignment[i]),
            km_before: km_before[i].is_finite().then(|| (km_before[i] * 100.0).round() / 100.0),
            km_after: (km_after[i] * 100.0).round() / 100.0,
        })
        .collect();
    let mut features = Vec::new();
    for j in &sol.open_sites {
        let polys: Vec<Value> = (0..points.len())
            .filter(|i| sol.assignment[*i] == *j)
            .map(|i| {
                let ((x, y), (hx, hy)) = (points[i], demand_pts[i].half);
                json!([[[x - hx, y - hy], [x + hx, y - hy], [x + hx, y + hy], [x - hx, y + hy], [x - hx, y - hy]]])
            })
            .collect();
        let (name, capacity) = if *j < schools.len() { (schools[*j].name.clone(), schools[*j].capacity + added[*j]) } else { (candidates[*j - schools.len()].name.clone(), candidates[*j - schools.len()].capacity) };
        features.push(json!({"type": "Feature", "properties": {"site": site_id(*j), "name": name, "children": r1(load_after[*j]), "capacity": capacity},
            "geometry": {"type": "MultiPolygon", "coordinates": polys}}));
    }
    if after.beyond_limit > 0.0 {
        warnings.push(format!("方案中仍有 {:.0} 名儿童上学距离超过 {} 公里 / {:.0} children remain beyond {} km", after.beyond_limit, spec.max_km, after.beyond_limit, spec.max_km));
    }
    let expanded = added.iter().filter(|a| **a > 0.0).count();
    Ok(NetworkPlan {
        sites: out_sites,
        demand,
        zones: json!({"type": "FeatureCollection", "features": features}),
        before,
        after,
        solution: SolverInfo {
            kind: spec.objective,
            objective: sol.objective,
            lower_bound: sol.lower_bound,
            gap: sol.gap,
            seconds: sol.seconds,
            p: sol.open_sites.len(),
            distances: distances.kind(),
            method: if mip.is_some() { "heuristic+mip" } else { "heuristic" },
            heuristic: mip.as_ref().map(|m| m.1),
            mip_status: mip.map(|m| m.0),
        },
        grid_km,
        add: sol.open_sites.iter().filter(|&&j| j >= schools.len()).count(),
        expanded,
        added_places: added.iter().sum(),
        warnings,
    })
}
