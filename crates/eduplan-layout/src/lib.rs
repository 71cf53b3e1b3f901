//! eduplan-layout: facility-location solvers for school layout planning (布局规划).
//!
//! - [`orlib`]: readers for the OR-Library p-median and capacitated p-median benchmarks.
//! - [`DistMatrix`], [`haversine_km`]: distances between demand points and sites.
//! - [`Problem`]: demand weights, fixed / closable (撤并) / candidate sites, capacities,
//!   expansions, maximum travel distance.
//! - Solvers: [`pmedian`] (总距离最小), [`pcenter`] (最远距离最小), [`capacitated`]
//!   (capacitated p-median, single sourcing), [`covering`] (MCLP 最大覆盖, LSCP 集合覆盖).
//! - [`mip`]: the same models as mixed-integer programs for HiGHS, warm-started
//!   from the heuristic's plan, to prove it optimal or improve it on small instances.
//! - [`orlib_json`]: one OR-Library instance solved and summarised as JSON for the CLI.
//!
//! Invariants: indices are 0-based in the library; every [`Solution`] carries a proven
//! `lower_bound ≤ objective` and its `gap`; every solver is deterministic for a given seed.
#![deny(missing_docs)]

mod bits;
pub mod capacitated;
pub mod covering;
pub mod error;
pub mod geo;
mod json;
pub mod matrix;
pub mod mip;
pub mod model;
pub mod network;
pub mod orlib;
pub mod pcenter;
pub mod pmedian;
pub mod solution;

pub use error::Error;
pub use geo::haversine_km;
pub use json::{orlib_json, Kind};
pub use mip::NO_MIP;
pub use matrix::{DistMatrix, Distances, Haversine};
pub use model::{Expansion, MaxDistance, OverLimit, Problem, Site, SiteKind};
pub use solution::{Options, Solution};
