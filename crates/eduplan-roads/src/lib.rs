//! eduplan-roads: road distances for school-location planning (路网距离).
//!
//! - [`RoadNetwork`]: the road graph (路网) read from an OpenStreetMap `.osm.pbf` extract
//!   ([`RoadNetwork::from_pbf`]) or built from parts ([`RoadNetwork::from_parts`]); it implements
//!   [`Distances`], giving shortest-path road distances in km between points given as
//!   (lon, lat) in degrees (经度, 纬度).
//! - [`CachedRoads`]: the same distances with an on-disk cache of matrices (距离矩阵缓存).
//! - [`mod@write`]: a small `.osm.pbf` writer for synthetic networks and test fixtures.
//!
//! Invariants: distances are in km; the graph is undirected (oneway tags are ignored: a school
//! trip goes both ways), so `matrix(a, b)` is the transpose of `matrix(b, a)`; each point snaps
//! to its nearest road node and the distance is access + path + access; a point farther than
//! `max_snap_km` from any road, or a pair in different connected components, falls back to the
//! straight line × `detour` and is reported by [`Distances::warnings`]; no entry is ever NaN.
#![deny(missing_docs)]

mod cache;
mod error;
mod graph;
mod grid;
mod hash;
mod read;
mod route;
pub mod write;

pub use cache::CachedRoads;
pub use eduplan_layout::{DistMatrix, Distances};
pub use error::RoadsError;
pub use graph::{RoadNetwork, DEFAULT_DETOUR, DEFAULT_MAX_SNAP_KM};
pub use read::keeps_way;
