//! The planning problem as the product states it: demand points (生源点) with weights, sites that
//! are existing schools or new candidates, capacities, expansions and a travel-distance limit.

use crate::error::Error;
use crate::matrix::DistMatrix;

/// What a site is today and what the plan may do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// Existing school that stays open whatever the plan (保留学校).
    Fixed,
    /// Existing school that the plan may close (撤并 closable school).
    Closable,
    /// New site that the plan may open (新建校址候选).
    Candidate,
}

/// One capacity step a site can buy (扩建): `capacity` more places for `cost`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Expansion {
    /// Places added by this step.
    pub capacity: f64,
    /// Cost of the step, in objective units.
    pub cost: f64,
}

/// A candidate or existing site.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Site {
    /// Fixed, closable or candidate.
    pub kind: SiteKind,
    /// Cost of having the site open (opening cost of a candidate, running cost of an existing
    /// school), in objective units; 0 for OR-Library instances.
    pub cost: f64,
    /// Places (学位); `None` means unlimited.
    pub capacity: Option<f64>,
    /// Expansion steps, bought in the given order.
    pub expansions: Vec<Expansion>,
}

impl Site {
    /// A candidate without cost or capacity, as in OR-Library instances.
    pub fn candidate() -> Self {
        Site { kind: SiteKind::Candidate, cost: 0.0, capacity: None, expansions: Vec::new() }
    }
}

/// What happens to a demand point farther than the limit from its site.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverLimit {
    /// Such assignments are not allowed; a plan that needs one is reported as infeasible.
    Forbidden,
    /// The point counts as uncovered (服务盲区) and costs `penalty` per unit of weight instead of
    /// its distance.
    Uncovered {
        /// Cost per unit weight of an uncovered point.
        penalty: f64,
    },
}

/// Maximum travel distance of one assignment (最远上学距离).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MaxDistance {
    /// The limit, in the distance matrix's unit.
    pub limit: f64,
    /// What a longer assignment means.
    pub over: OverLimit,
}

/// A location problem: demand points × sites with distances, weights and site data.
///
/// Indices are 0-based everywhere in the library.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Weight (students, 生源数) of every demand point; length = `dist.rows()`.
    pub weights: Vec<f64>,
    /// The sites; length = `dist.cols()`.
    pub sites: Vec<Site>,
    /// Distances demand point × site.
    pub dist: DistMatrix,
    /// Optional travel-distance limit.
    pub max_distance: Option<MaxDistance>,
    /// Demand that uses capacity, when it differs from `weights` (OR-Library pmedcap counts
    /// distance unweighted but demand against capacity); `None` means the weights.
    pub demand: Option<Vec<f64>>,
}

impl Problem {
    /// Every point is a client of weight 1 and a free candidate site (OR-Library p-median).
    pub fn unweighted(dist: DistMatrix) -> Self {
        Problem {
            weights: vec![1.0; dist.rows()],
            sites: vec![Site::candidate(); dist.cols()],
            dist,
            max_distance: None,
            demand: None,
        }
    }

    /// Number of demand points.
    pub fn n(&self) -> usize {
        self.dist.rows()
    }

    /// Number of sites.
    pub fn m(&self) -> usize {
        self.dist.cols()
    }

    /// Demand of each point against capacity.
    pub fn demand(&self) -> &[f64] {
        self.demand.as_deref().unwrap_or(&self.weights)
    }

    /// Sites that must be open.
    pub fn fixed_sites(&self) -> Vec<usize> {
        (0..self.m()).filter(|&j| self.sites[j].kind == SiteKind::Fixed).collect()
    }

    /// Checks sizes and values; `p` is the number of open sites, fixed ones included.
    pub fn check(&self, p: Option<usize>) -> Result<(), Error> {
        let (n, m) = (self.n(), self.m());
        if n == 0 || m == 0 {
            return Err(Error::Invalid("no demand points or no sites".into()));
        }
        if self.weights.len() != n || self.sites.len() != m {
            return Err(Error::Invalid(format!(
                "{} weights and {} sites for a {n}×{m} distance matrix",
                self.weights.len(),
                self.sites.len()
            )));
        }
        if self.demand.as_ref().is_some_and(|d| d.len() != n || d.iter().any(|q| !q.is_finite() || *q < 0.0)) {
            return Err(Error::Invalid("demand must have one finite value ≥ 0 per demand point".into()));
        }
        if self.sites.iter().any(|s| s.capacity.is_some_and(|c| !(c >= 0.0)) || s.expansions.iter().any(|e| !(e.capacity >= 0.0) || !e.cost.is_finite())) {
            return Err(Error::Invalid("capacities and expansion steps must be ≥ 0".into()));
        }
        if self.weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
            return Err(Error::Invalid("weights must be finite and ≥ 0".into()));
        }
        if self.dist.data().iter().any(|d| d.is_nan() || *d < 0.0) {
            return Err(Error::Invalid("distances must be ≥ 0 (unreachable = +inf)".into()));
        }
        if let Some(p) = p {
            let fixed = self.fixed_sites().len();
            if p < fixed.max(1) || p > m {
                return Err(Error::Invalid(format!("p = {p} must be in {}..={m} ({fixed} fixed sites)", fixed.max(1))));
            }
        }
        Ok(())
    }

    /// Distance as the solvers see it: beyond the limit it is the penalty (uncovered) or a
    /// prohibitive value (forbidden); unreachable pairs are prohibitive too.
    pub(crate) fn effective_distance(&self, i: usize, j: usize, big: f64) -> f64 {
        let d = self.dist.get(i, j);
        if !d.is_finite() {
            return big;
        }
        match self.max_distance {
            Some(MaxDistance { limit, over }) if d > limit => match over {
                OverLimit::Forbidden => big,
                OverLimit::Uncovered { penalty } => penalty,
            },
            _ => d,
        }
    }

    /// A value larger than any finite cost a solution can have, used for forbidden pairs; finite
    /// so that gains stay exact in the incremental swap matrices.
    pub(crate) fn big_m(&self) -> f64 {
        let dmax = self.dist.data().iter().filter(|d| d.is_finite()).fold(0.0f64, |a, &b| a.max(b));
        let pen = match self.max_distance {
            Some(MaxDistance { over: OverLimit::Uncovered { penalty }, .. }) => penalty,
            _ => 0.0,
        };
        let wsum: f64 = self.weights.iter().sum::<f64>().max(1.0);
        let csum: f64 = self.sites.iter().map(|s| s.cost.abs()).sum();
        ((dmax.max(pen) + 1.0) * wsum + csum + 1.0) * 4.0
    }

    /// True when some assignment beyond the limit is forbidden or unreachable.
    pub(crate) fn forbidden_pair(&self, i: usize, j: usize) -> bool {
        let d = self.dist.get(i, j);
        !d.is_finite()
            || matches!(self.max_distance, Some(MaxDistance { limit, over: OverLimit::Forbidden }) if d > limit)
    }
}

/// The dense cost view shared by the median solvers: weighted effective costs, site costs,
/// fixed flags and, per client, the sites sorted by cost (neighbour lists for the sparse scans).
pub(crate) struct Core {
    pub n: usize,
    pub m: usize,
    /// n × m weighted costs `w_i · d_ij`.
    pub c: Vec<f64>,
    pub open_cost: Vec<f64>,
    pub fixed: Vec<bool>,
    /// n × m site indices, each row sorted by increasing cost.
    pub order: Vec<u32>,
    /// Whole-number costs: bounds may be rounded up.
    pub integral: bool,
    pub big: f64,
}

impl Core {
    pub fn new(problem: &Problem) -> Self {
        let (n, m) = (problem.n(), problem.m());
        let big = problem.big_m();
        let mut c = Vec::with_capacity(n * m);
        for i in 0..n {
            let w = problem.weights[i];
            for j in 0..m {
                let d = problem.effective_distance(i, j, big);
                c.push(if d >= big { big } else { w * d });
            }
        }
        let open_cost: Vec<f64> = problem.sites.iter().map(|s| s.cost).collect();
        let fixed: Vec<bool> = problem.sites.iter().map(|s| s.kind == SiteKind::Fixed).collect();
        let mut order = Vec::with_capacity(n * m);
        let mut idx: Vec<u32> = Vec::with_capacity(m);
        for i in 0..n {
            idx.clear();
            idx.extend(0..m as u32);
            let row = &c[i * m..(i + 1) * m];
            idx.sort_by(|&a, &b| row[a as usize].total_cmp(&row[b as usize]).then(a.cmp(&b)));
            order.extend_from_slice(&idx);
        }
        let integral = c.iter().chain(open_cost.iter()).all(|v| v.fract() == 0.0 && v.abs() < 9.0e15);
        Core { n, m, c, open_cost, fixed, order, integral, big }
    }

    #[inline]
    pub fn cost(&self, i: usize, j: usize) -> f64 {
        self.c[i * self.m + j]
    }

    #[inline]
    pub fn sorted(&self, i: usize) -> &[u32] {
        &self.order[i * self.m..(i + 1) * self.m]
    }

    /// Rounds a lower bound up when costs are whole numbers (an integer objective ≥ L is ≥ ⌈L⌉).
    pub fn round_bound(&self, lb: f64) -> f64 {
        if self.integral {
            (lb - 1e-6 * lb.abs().max(1.0)).ceil()
        } else {
            lb
        }
    }
}
