//! The road graph (路网图): nodes, undirected CSR adjacency with edge lengths in km, connected
//! components and a spatial index for snapping points to roads.

use std::sync::{Mutex, OnceLock};

use eduplan_layout::haversine_km;

use crate::grid::Grid;
use crate::hash::Fnv;

/// Default largest distance (km) from a point to its nearest road node (最大接驳距离) before the
/// point falls back to the straight line × detour.
pub const DEFAULT_MAX_SNAP_KM: f64 = 2.0;

/// Default detour factor (绕行系数) applied to the straight line when there is no road way.
pub const DEFAULT_DETOUR: f64 = 1.4;

/// A road network (路网): nodes at (lon, lat) in degrees, undirected edges with lengths in km.
///
/// Built from an OpenStreetMap extract with [`RoadNetwork::from_pbf`] or from explicit nodes and
/// ways with [`RoadNetwork::from_parts`]. Implements [`crate::Distances`] (kind `road`).
#[derive(Debug)]
pub struct RoadNetwork {
    /// Node coordinates (lon, lat) in degrees.
    pub(crate) coords: Vec<(f64, f64)>,
    /// CSR offsets: the neighbours of node `v` are `targets[offsets[v]..offsets[v + 1]]`.
    pub(crate) offsets: Vec<u32>,
    /// CSR neighbour indices (each undirected edge appears twice).
    pub(crate) targets: Vec<u32>,
    /// CSR edge lengths in km, parallel to `targets`.
    pub(crate) weights: Vec<f64>,
    /// Connected component of each node.
    pub(crate) component: Vec<u32>,
    /// Uniform grid over the nodes for nearest-node queries.
    pub(crate) grid: Grid,
    /// Largest snapping distance in km.
    pub(crate) max_snap_km: f64,
    /// Detour factor for fallbacks.
    pub(crate) detour: f64,
    /// Warnings about the last matrix computed.
    pub(crate) last_warnings: Mutex<Vec<String>>,
    /// The fingerprint, computed on first use.
    pub(crate) fingerprint: OnceLock<u64>,
}

impl RoadNetwork {
    /// A network from nodes (lon, lat in degrees) and ways given as lists of node indices; each
    /// pair of consecutive nodes of a way is an undirected edge whose length is the great-circle
    /// distance (km). Every node is kept, even one no way uses (it is then its own component).
    /// Indices out of range are skipped, as are repeated consecutive nodes.
    pub fn from_parts(nodes: Vec<(f64, f64)>, ways: Vec<Vec<usize>>) -> RoadNetwork {
        let n = nodes.len();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for way in &ways {
            for w in way.windows(2) {
                let (a, b) = (w[0], w[1]);
                if a < n && b < n && a != b {
                    pairs.push((a as u32, b as u32));
                }
            }
        }
        Self::build(nodes, &pairs)
    }

    /// Builds CSR, lengths, components and the grid from nodes and undirected edge pairs.
    pub(crate) fn build(coords: Vec<(f64, f64)>, pairs: &[(u32, u32)]) -> RoadNetwork {
        let n = coords.len();
        let mut degree = vec![0u32; n + 1];
        for &(a, b) in pairs {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
        let mut offsets = vec![0u32; n + 1];
        for v in 0..n {
            offsets[v + 1] = offsets[v] + degree[v];
        }
        let mut fill: Vec<u32> = offsets[..n].to_vec();
        let mut targets = vec![0u32; 2 * pairs.len()];
        let mut weights = vec![0f64; 2 * pairs.len()];
        for &(a, b) in pairs {
            let (pa, pb) = (coords[a as usize], coords[b as usize]);
            let len = haversine_km(pa.1, pa.0, pb.1, pb.0);
            let len = if len.is_finite() { len } else { f64::INFINITY };
            let ia = fill[a as usize] as usize;
            targets[ia] = b;
            weights[ia] = len;
            fill[a as usize] += 1;
            let ib = fill[b as usize] as usize;
            targets[ib] = a;
            weights[ib] = len;
            fill[b as usize] += 1;
        }
        // Connected components by iterative depth-first search.
        let mut component = vec![u32::MAX; n];
        let mut stack = Vec::new();
        let mut next = 0u32;
        for s in 0..n {
            if component[s] != u32::MAX {
                continue;
            }
            component[s] = next;
            stack.push(s as u32);
            while let Some(v) = stack.pop() {
                let v = v as usize;
                for &t in &targets[offsets[v] as usize..offsets[v + 1] as usize] {
                    if component[t as usize] == u32::MAX {
                        component[t as usize] = next;
                        stack.push(t);
                    }
                }
            }
            next += 1;
        }
        let grid = Grid::new(&coords);
        RoadNetwork {
            coords,
            offsets,
            targets,
            weights,
            component,
            grid,
            max_snap_km: DEFAULT_MAX_SNAP_KM,
            detour: DEFAULT_DETOUR,
            last_warnings: Mutex::new(Vec::new()),
            fingerprint: OnceLock::new(),
        }
    }

    /// Sets the largest distance (km) from a point to its nearest road node; farther points fall
    /// back to the straight line × detour. Default [`DEFAULT_MAX_SNAP_KM`].
    pub fn with_max_snap_km(mut self, km: f64) -> Self {
        self.max_snap_km = km;
        self
    }

    /// Sets the detour factor (绕行系数) of the straight-line fallback. Default
    /// [`DEFAULT_DETOUR`].
    pub fn with_detour(mut self, detour: f64) -> Self {
        self.detour = detour;
        self
    }

    /// The largest snapping distance in km.
    pub fn max_snap_km(&self) -> f64 {
        self.max_snap_km
    }

    /// The detour factor of the straight-line fallback.
    pub fn detour(&self) -> f64 {
        self.detour
    }

    /// Number of nodes (路网节点数).
    pub fn nodes(&self) -> usize {
        self.coords.len()
    }

    /// Number of undirected edges (路段数).
    pub fn edges(&self) -> usize {
        self.targets.len() / 2
    }

    /// Number of edges at node `v` (its degree, 度).
    pub fn degree(&self, v: usize) -> usize {
        (self.offsets[v + 1] - self.offsets[v]) as usize
    }

    /// Number of connected components (连通分量数).
    pub fn components(&self) -> usize {
        self.component.iter().map(|&c| c as usize + 1).max().unwrap_or(0)
    }

    /// Total length of the roads in km.
    pub fn total_km(&self) -> f64 {
        self.weights.iter().sum::<f64>() / 2.0
    }

    /// Coordinates (lon, lat) of node `v`.
    pub fn node(&self, v: usize) -> (f64, f64) {
        self.coords[v]
    }

    /// The nearest node to a point (lon, lat) and its great-circle distance in km, or `None`
    /// for an empty network or a non-finite point.
    pub fn nearest(&self, p: (f64, f64)) -> Option<(usize, f64)> {
        if !(p.0.is_finite() && p.1.is_finite()) {
            return None;
        }
        let v = self.grid.nearest(p)?;
        let c = self.coords[v];
        Some((v, haversine_km(p.1, p.0, c.1, c.0)))
    }

    /// A stable hash of the graph's content (nodes, adjacency, lengths), for cache keys: FNV-1a
    /// over the bits, the same across runs, platforms and Rust versions.
    pub fn fingerprint(&self) -> u64 {
        *self.fingerprint.get_or_init(|| self.hash_content())
    }

    fn hash_content(&self) -> u64 {
        let mut h = Fnv::new();
        h.bytes(b"eduplan-roads graph v1");
        h.u64(self.coords.len() as u64);
        for &(lon, lat) in &self.coords {
            h.f64(lon);
            h.f64(lat);
        }
        for &o in &self.offsets {
            h.u32(o);
        }
        for (&t, &w) in self.targets.iter().zip(&self.weights) {
            h.u32(t);
            h.f64(w);
        }
        h.finish()
    }
}
