//! Exact solutions by mixed-integer programming (精确求解, HiGHS) — the `highs` feature.
//!
//! [`Model`] and the entry points exist in every build, so callers need no feature gates of
//! their own; without the feature [`solve`] and [`refine`] answer [`NO_MIP`].
//!
//! Every model is first solved by this crate's own solver; its plan is handed to HiGHS as the
//! starting incumbent and the MIP then either proves it optimal, improves it, or stops at the
//! time limit with a better lower bound. The answer is never worse than the heuristic's: the
//! better plan and the larger of the two proven bounds are kept. Meant for small instances
//! (a county's schools, the OR-Library pmedcap files) and for proving a plan; a large p-median
//! is better left to the heuristic and its Lagrangian bound.
//!
//! Formulations (Daskin 1995, *Network and Discrete Location*):
//! - medians (p-median, capacitated p-median, facility location): y_j open, x_ij assignment
//!   (binary when capacities bind: single sourcing), z_jk expansion steps bought in order,
//!   Σ_j x_ij = 1, x_ij ≤ y_j (the strong form), Σ_i q_i x_ij ≤ cap_j y_j + Σ_k cap_jk z_jk,
//!   z_j1 ≤ y_j, z_jk ≤ z_j,k−1, Σ y = p; forbidden pairs have no x.
//! - p-center: the radius formulation of Elloumi, Labbé & Pochet (2004) restricted to the radii
//!   between the heuristic's bound and its plan: z_k = 1 when the radius is at least R_k,
//!   z_k + Σ_{j: d_ij ≤ R_{k−1}} y_j ≥ 1; much tighter than the textbook r ≥ Σ_j d_ij x_ij.
//! - MCLP: u_i uncovered, u_i + Σ_{j∈N_i} y_j ≥ 1; LSCP: Σ_{j∈N_i} y_j ≥ 1, minimise Σ y.

use std::time::Instant;

#[cfg(feature = "highs")]
mod program;

use crate::error::Error;
use crate::model::Problem;
use crate::solution::{Options, Solution};

/// Which problem the MIP states (the same objectives as the heuristic solvers').
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "model")]
pub enum Model {
    /// p-median, places ignored ([`crate::pmedian::solve`]).
    Pmedian {
        /// Open sites, fixed included.
        p: usize,
    },
    /// Capacitated p-median with single sourcing and expansions ([`crate::capacitated::solve`]).
    Capacitated {
        /// Open sites, fixed included.
        p: usize,
    },
    /// Capacitated facility location: the number of sites is the plan's
    /// ([`crate::capacitated::solve_free`]).
    FacilityLocation,
    /// p-center ([`crate::pcenter::solve`]).
    Pcenter {
        /// Open sites, fixed included.
        p: usize,
    },
    /// Maximal covering ([`crate::covering::mclp`]); objective the uncovered weight.
    Mclp {
        /// Open sites, fixed included.
        p: usize,
        /// Service radius.
        radius: f64,
    },
    /// Location set covering ([`crate::covering::lscp`]); objective the number of sites.
    Lscp {
        /// Service radius.
        radius: f64,
    },
}

/// How the MIP went, next to the solution it leaves.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MipReport {
    /// The heuristic's solution (objective, bound, seconds) before the MIP.
    pub heuristic: Solution,
    /// HiGHS's model status (`Optimal`, `ReachedTimeLimit`, …).
    pub status: String,
    /// Seconds spent in HiGHS (building and solving).
    pub mip_seconds: f64,
    /// Columns and rows of the MIP.
    pub columns: usize,
    /// Rows of the MIP.
    pub rows: usize,
    /// Whether the MIP found a better plan than the heuristic's.
    pub improved: bool,
}

/// Solves `model` on `problem`: the heuristic first (with `opts`), then the MIP warm-started from
/// its plan for at most `time_limit` seconds. Returns the better plan with the larger proven
/// bound (`gap` 0 when HiGHS proved optimality), and what the MIP did.
pub fn solve(problem: &Problem, model: Model, opts: &Options, time_limit: f64) -> Result<(Solution, MipReport), Error> {
    if !AVAILABLE {
        return Err(Error::Invalid(NO_MIP.into()));
    }
    let start = Instant::now();
    let heur = match model {
        Model::Pmedian { p } => crate::pmedian::solve(problem, p, opts)?,
        Model::Capacitated { p } => crate::capacitated::solve(problem, p, opts)?,
        Model::FacilityLocation => crate::capacitated::solve_free(problem, opts)?,
        Model::Pcenter { p } => crate::pcenter::solve(problem, p, opts)?,
        Model::Mclp { p, radius } => crate::covering::mclp(problem, p, radius, opts)?,
        Model::Lscp { radius } => crate::covering::lscp(problem, radius, opts)?,
    };
    refine(problem, model, heur, time_limit, start)
}

/// What a build without the `highs` feature says when asked for an exact solve.
pub const NO_MIP: &str = "this build has no exact MIP solver: rebuild with `--features highs` (HiGHS; needs cmake, a C++ compiler and libclang) (本版本未包含精确求解器，请以 --features highs 重新编译)";

/// Whether this build has the MIP (the `highs` feature).
pub const AVAILABLE: bool = cfg!(feature = "highs");

/// The MIP from a heuristic solution `heur` of `model` (see [`solve`]); `start` is when the
/// whole solve began, for [`Solution::seconds`].
pub fn refine(problem: &Problem, model: Model, heur: Solution, time_limit: f64, start: Instant) -> Result<(Solution, MipReport), Error> {
    if !(time_limit > 0.0) {
        return Err(Error::Invalid(format!("MIP time limit {time_limit} must be > 0 seconds")));
    }
    #[cfg(feature = "highs")]
    return program::refine(problem, model, heur, time_limit, start);
    #[cfg(not(feature = "highs"))]
    {
        let _ = (problem, model, heur, start);
        Err(Error::Invalid(NO_MIP.into()))
    }
}
