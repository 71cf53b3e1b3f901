//! The answer every solver returns.

use std::time::Instant;

/// A solution with its proven bound.
///
/// Indices are 0-based (`open_sites` are site indices, `assignment[i]` is the site serving
/// demand point `i`, its 学区 attendance zone). [`crate::orlib_json`] prints sites 1-based as
/// the OR-Library files number them.
///
/// Invariant: `lower_bound ≤ objective`; `gap = (objective − lower_bound) / |objective|`, a
/// fraction (0.0 when the solution is proven optimal).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Solution {
    /// Objective value (what it means depends on the solver; see its doc).
    pub objective: f64,
    /// Proven lower bound on the optimal objective.
    pub lower_bound: f64,
    /// Relative gap, a fraction.
    pub gap: f64,
    /// Open sites, sorted, 0-based.
    pub open_sites: Vec<usize>,
    /// Site serving each demand point, 0-based.
    pub assignment: Vec<usize>,
    /// Wall-clock seconds spent by the solver.
    pub seconds: f64,
}

impl Solution {
    pub(crate) fn new(objective: f64, lower_bound: f64, mut open_sites: Vec<usize>, assignment: Vec<usize>, start: Instant) -> Self {
        open_sites.sort_unstable();
        let lower_bound = lower_bound.min(objective);
        Solution {
            objective,
            lower_bound,
            gap: gap(objective, lower_bound),
            open_sites,
            assignment,
            seconds: start.elapsed().as_secs_f64(),
        }
    }
}

/// Relative gap `(ub − lb)/|ub|`, 0 when they agree.
pub fn gap(ub: f64, lb: f64) -> f64 {
    if ub - lb <= 1e-9 * ub.abs().max(1.0) {
        0.0
    } else {
        (ub - lb) / ub.abs().max(1e-12)
    }
}

/// Solver settings shared by all solvers.
///
/// Searches stop on iteration and node budgets scaled by `effort`, so every solver is
/// deterministic for a given `seed`; `time_limit` is only a safety net (a search cut by it
/// may differ from run to run). With the defaults every OR-Library instance finishes in
/// about 2 s or less on a 2-core machine.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Options {
    /// Seed of the ChaCha8 generator.
    pub seed: u64,
    /// Wall-clock cap in seconds.
    pub time_limit: f64,
    /// Search effort (multistarts / restarts); larger is slower and better.
    pub effort: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { seed: 1, time_limit: 10.0, effort: 32 }
    }
}
