//! Dense distance matrices (距离矩阵), row-major: rows are demand points, columns candidate sites.

use crate::geo::haversine_km;

/// A dense `rows × cols` matrix of distances (or costs), row-major.
///
/// Row `i` belongs to demand point `i`, column `j` to site `j` (0-based).
#[derive(Debug, Clone, PartialEq)]
pub struct DistMatrix {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

impl DistMatrix {
    /// A matrix from row-major data; `data.len()` must be `rows * cols`.
    pub fn new(rows: usize, cols: usize, data: Vec<f64>) -> Self {
        assert_eq!(data.len(), rows * cols, "DistMatrix: data length != rows * cols");
        DistMatrix { rows, cols, data }
    }

    /// A matrix filled by a function of (row, col).
    pub fn from_fn(rows: usize, cols: usize, mut f: impl FnMut(usize, usize) -> f64) -> Self {
        let mut data = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            for j in 0..cols {
                data.push(f(i, j));
            }
        }
        DistMatrix { rows, cols, data }
    }

    /// Great-circle distances in km between demand points and sites, both given as (lon, lat) in
    /// degrees — the order GIS files and the map use (经度, 纬度).
    pub fn from_lonlat(demand: &[(f64, f64)], sites: &[(f64, f64)]) -> Self {
        Self::from_fn(demand.len(), sites.len(), |i, j| {
            let (lon1, lat1) = demand[i];
            let (lon2, lat2) = sites[j];
            haversine_km(lat1, lon1, lat2, lon2)
        })
    }

    /// Planar Euclidean distances between points given as (x, y).
    pub fn from_euclidean(demand: &[(f64, f64)], sites: &[(f64, f64)]) -> Self {
        Self::from_fn(demand.len(), sites.len(), |i, j| {
            let (dx, dy) = (demand[i].0 - sites[j].0, demand[i].1 - sites[j].1);
            (dx * dx + dy * dy).sqrt()
        })
    }

    /// Number of rows (demand points).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns (sites).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Distance from demand point `i` to site `j`.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.cols + j]
    }

    /// Sets the distance from demand point `i` to site `j`.
    #[inline]
    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[i * self.cols + j] = v;
    }

    /// Row `i`: distances from demand point `i` to every site.
    #[inline]
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// The row-major data.
    pub fn data(&self) -> &[f64] {
        &self.data
    }

    /// True when every entry is a whole number, so objectives can be rounded up to whole numbers
    /// in lower bounds.
    pub fn is_integral(&self) -> bool {
        self.data.iter().all(|v| v.fract() == 0.0)
    }
}

/// A way of measuring travel between points given as (lon, lat) in degrees (经度, 纬度): great
/// circle ([`Haversine`]) or shortest paths on a road network (the eduplan-roads crate).
pub trait Distances: Send + Sync {
    /// Distances in km, rows `from`, columns `to`; `+inf` where there is no way.
    fn matrix(&self, from: &[(f64, f64)], to: &[(f64, f64)]) -> DistMatrix;
    /// What the distances are, for the user: `great-circle` or `road`.
    fn kind(&self) -> &'static str;
    /// Anything the user should know about the last matrix (points far from any road …).
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Great-circle distances (球面直线距离).
#[derive(Debug, Clone, Copy, Default)]
pub struct Haversine;

impl Distances for Haversine {
    fn matrix(&self, from: &[(f64, f64)], to: &[(f64, f64)]) -> DistMatrix {
        DistMatrix::from_lonlat(from, to)
    }
    fn kind(&self) -> &'static str {
        "great-circle"
    }
}
