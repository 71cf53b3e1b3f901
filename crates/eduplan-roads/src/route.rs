//! Distance matrices on the road network (路网距离矩阵): snapping points to nodes, Dijkstra from
//! the smaller side, straight-line fallbacks and their warnings.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use eduplan_layout::{haversine_km, DistMatrix, Distances};

use crate::graph::RoadNetwork;

/// Worker threads for the Dijkstra searches.
const THREADS: usize = 2;

/// Where a point joins the network.
#[derive(Debug, Clone, Copy)]
enum Snap {
    /// Nearest node and the straight-line access distance in km (接驳距离).
    Road(u32, f64),
    /// Farther than `max_snap_km` from any road node (or the network is empty).
    Far,
    /// Non-finite coordinates.
    Invalid,
}

/// The snapped points of one matrix request and the warnings they cause.
pub(crate) struct Plan {
    from: Vec<Snap>,
    to: Vec<Snap>,
    /// Warnings for the user, Chinese / English.
    pub(crate) warnings: Vec<String>,
}

/// A min-heap entry: tentative distance (ordered with `total_cmp`) and node.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Item(f64, u32);

impl Eq for Item {}

impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the smallest distance first.
        other.0.total_cmp(&self.0).then_with(|| other.1.cmp(&self.1))
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Distinct nodes of a side, in first-seen order, and each point's slot among them.
fn distinct(snaps: &[Snap]) -> (Vec<u32>, Vec<Option<usize>>) {
    let mut nodes = Vec::new();
    let mut seen: HashMap<u32, usize> = HashMap::new();
    let slots = snaps
        .iter()
        .map(|s| match *s {
            Snap::Road(v, _) => Some(*seen.entry(v).or_insert_with(|| {
                nodes.push(v);
                nodes.len() - 1
            })),
            _ => None,
        })
        .collect();
    (nodes, slots)
}

/// `f64` formatted without a trailing `.0` (2 → "2", 1.4 → "1.4").
fn num(x: f64) -> String {
    format!("{x}")
}

impl RoadNetwork {
    fn snap(&self, p: (f64, f64)) -> Snap {
        if !(p.0.is_finite() && p.1.is_finite()) {
            return Snap::Invalid;
        }
        match self.nearest(p) {
            Some((v, d)) if d <= self.max_snap_km => Snap::Road(v as u32, d),
            _ => Snap::Far,
        }
    }

    /// Snaps both sides and counts the fallbacks; cheap (no shortest paths).
    pub(crate) fn plan(&self, from: &[(f64, f64)], to: &[(f64, f64)]) -> Plan {
        let from: Vec<Snap> = from.iter().map(|&p| self.snap(p)).collect();
        let to: Vec<Snap> = to.iter().map(|&p| self.snap(p)).collect();
        let count = |side: &[Snap], f: fn(&Snap) -> bool| side.iter().filter(|s| f(s)).count();
        let far = count(&from, |s| matches!(s, Snap::Far)) + count(&to, |s| matches!(s, Snap::Far));
        let invalid = count(&from, |s| matches!(s, Snap::Invalid)) + count(&to, |s| matches!(s, Snap::Invalid));
        // Pairs on the network but in different components: count per component.
        let mut to_comp: HashMap<u32, usize> = HashMap::new();
        let mut to_on_road = 0usize;
        for s in &to {
            if let Snap::Road(v, _) = *s {
                *to_comp.entry(self.component[v as usize]).or_default() += 1;
                to_on_road += 1;
            }
        }
        let mut split = 0usize;
        for s in &from {
            if let Snap::Road(v, _) = *s {
                split += to_on_road - to_comp.get(&self.component[v as usize]).copied().unwrap_or(0);
            }
        }
        let (snap, detour) = (num(self.max_snap_km), num(self.detour));
        let mut warnings = Vec::new();
        if far > 0 {
            warnings.push(format!(
                "{far} 个点距道路超过 {snap} 公里，按直线距离 ×{detour} 计 / {far} points are more than {snap} km from a road: straight line × {detour} used"
            ));
        }
        if split > 0 {
            warnings.push(format!(
                "{split} 对点之间没有道路相连（路网不连通），按直线距离 ×{detour} 计 / {split} point pairs are not connected by roads: straight line × {detour} used"
            ));
        }
        if invalid > 0 {
            warnings.push(format!("{invalid} 个点坐标无效，距离记为无穷大 / {invalid} points have invalid coordinates: distance +inf"));
        }
        Plan { from, to, warnings }
    }

    /// Shortest-path distances from `source` to the `targets` (slot per node in `target_slot`),
    /// stopping once every target in the source's component is settled.
    #[allow(clippy::too_many_arguments)]
    fn dijkstra(&self, source: u32, target_slot: &[u32], targets_in: usize, row: &mut [f64], dist: &mut [f64], touched: &mut Vec<u32>, heap: &mut BinaryHeap<Item>) {
        heap.clear();
        dist[source as usize] = 0.0;
        touched.push(source);
        heap.push(Item(0.0, source));
        let mut remaining = targets_in;
        while let Some(Item(d, v)) = heap.pop() {
            let vu = v as usize;
            if d > dist[vu] {
                continue;
            }
            let slot = target_slot[vu];
            if slot != u32::MAX && row[slot as usize].is_infinite() {
                row[slot as usize] = d;
                remaining -= 1;
                if remaining == 0 {
                    break;
                }
            }
            let (lo, hi) = (self.offsets[vu] as usize, self.offsets[vu + 1] as usize);
            for (&t, &w) in self.targets[lo..hi].iter().zip(&self.weights[lo..hi]) {
                let nd = d + w;
                let tu = t as usize;
                if nd < dist[tu] {
                    if dist[tu].is_infinite() {
                        touched.push(t);
                    }
                    dist[tu] = nd;
                    heap.push(Item(nd, t));
                }
            }
        }
        for &v in touched.iter() {
            dist[v as usize] = f64::INFINITY;
        }
        touched.clear();
    }

    /// Path lengths between distinct source and target nodes: `table[s][t]`, `+inf` across
    /// components. Sources are shared between [`THREADS`] scoped threads.
    fn paths(&self, sources: &[u32], targets: &[u32]) -> Vec<Vec<f64>> {
        let n = self.coords.len();
        let mut target_slot = vec![u32::MAX; n];
        let mut per_comp: HashMap<u32, usize> = HashMap::new();
        for (k, &t) in targets.iter().enumerate() {
            target_slot[t as usize] = k as u32;
            *per_comp.entry(self.component[t as usize]).or_default() += 1;
        }
        let next = AtomicUsize::new(0);
        let work = |out: &mut Vec<(usize, Vec<f64>)>| {
            let mut dist = vec![f64::INFINITY; n];
            let mut touched = Vec::new();
            let mut heap = BinaryHeap::new();
            loop {
                let k = next.fetch_add(1, AtomicOrdering::Relaxed);
                if k >= sources.len() {
                    break;
                }
                let s = sources[k];
                let mut row = vec![f64::INFINITY; targets.len()];
                let reach = per_comp.get(&self.component[s as usize]).copied().unwrap_or(0);
                if reach > 0 {
                    self.dijkstra(s, &target_slot, reach, &mut row, &mut dist, &mut touched, &mut heap);
                }
                out.push((k, row));
            }
        };
        let threads = THREADS.min(sources.len()).max(1);
        let mut parts: Vec<Vec<(usize, Vec<f64>)>> = vec![Vec::new(); threads];
        std::thread::scope(|scope| {
            let (first, rest) = parts.split_first_mut().expect("at least one thread");
            for out in rest {
                let work = &work;
                scope.spawn(move || work(out));
            }
            work(first);
        });
        let mut table = vec![Vec::new(); sources.len()];
        for (k, row) in parts.into_iter().flatten() {
            table[k] = row;
        }
        table
    }

    /// The matrix and its warnings, without touching `last_warnings`.
    pub(crate) fn compute(&self, from: &[(f64, f64)], to: &[(f64, f64)]) -> (DistMatrix, Vec<String>) {
        let plan = self.plan(from, to);
        let (from_nodes, from_slot) = distinct(&plan.from);
        let (to_nodes, to_slot) = distinct(&plan.to);
        // Search from the side with fewer distinct nodes; the graph is undirected, so a path
        // from a site to a village has the length of the path back.
        let from_side = from_nodes.len() <= to_nodes.len();
        let table = if from_side { self.paths(&from_nodes, &to_nodes) } else { self.paths(&to_nodes, &from_nodes) };
        let detour = self.detour;
        let m = DistMatrix::from_fn(from.len(), to.len(), |i, j| {
            let road = match (plan.from[i], plan.to[j], from_slot[i], to_slot[j]) {
                (Snap::Road(_, ai), Snap::Road(_, aj), Some(si), Some(sj)) => {
                    let path = if from_side { table[si][sj] } else { table[sj][si] };
                    Some(ai + path + aj)
                }
                _ => None,
            };
            let d = match road {
                Some(d) if d.is_finite() => d,
                // Non-finite coordinates: no distance (haversine_km would not say NaN here).
                _ if matches!(plan.from[i], Snap::Invalid) || matches!(plan.to[j], Snap::Invalid) => f64::INFINITY,
                _ => {
                    let (p, q) = (from[i], to[j]);
                    haversine_km(p.1, p.0, q.1, q.0) * detour
                }
            };
            if d.is_nan() {
                f64::INFINITY
            } else {
                d
            }
        });
        (m, plan.warnings)
    }
}

impl Distances for RoadNetwork {
    /// Road distances in km (路网距离), rows `from`, columns `to`.
    fn matrix(&self, from: &[(f64, f64)], to: &[(f64, f64)]) -> DistMatrix {
        let (m, warnings) = self.compute(from, to);
        *self.last_warnings.lock().unwrap_or_else(|e| e.into_inner()) = warnings;
        m
    }

    fn kind(&self) -> &'static str {
        "road"
    }

    fn warnings(&self) -> Vec<String> {
        self.last_warnings.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
