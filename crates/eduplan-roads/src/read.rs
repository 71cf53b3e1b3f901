//! Reading an OpenStreetMap `.osm.pbf` extract (读取 OSM 路网) with the `osmpbf` crate.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use osmpbf::{BlobDecode, BlobReader, Element};

use crate::error::RoadsError;
use crate::graph::RoadNetwork;

/// `highway` values kept as roads a child can walk or be driven on (the `_link` variants of
/// trunk … tertiary too). Motorways, construction, proposed roads, platforms, raceways, bus
/// guideways and escape lanes are not; neither is any value not listed.
const KEPT_HIGHWAYS: &[&str] = &[
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "service",
    "living_street",
    "track",
    "path",
    "footway",
    "pedestrian",
    "steps",
    "cycleway",
    "road",
];

/// Whether a way with these tags is a usable road (可通行道路): a kept `highway` value, and not
/// `access=private` / `access=no` unless `foot=yes` (or `designated` / `permissive`). `oneway`
/// is ignored.
pub fn keeps_way<'a>(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    let (mut highway, mut access, mut foot) = (None, None, None);
    for (k, v) in tags {
        match k {
            "highway" => highway = Some(v),
            "access" => access = Some(v),
            "foot" => foot = Some(v),
            _ => {}
        }
    }
    let Some(highway) = highway else { return false };
    if !KEPT_HIGHWAYS.contains(&highway) {
        return false;
    }
    match access {
        Some("private" | "no") => matches!(foot, Some("yes" | "designated" | "permissive")),
        _ => true,
    }
}

impl RoadNetwork {
    /// Reads the road network of an OpenStreetMap `.osm.pbf` extract: ways accepted by
    /// [`keeps_way`], their nodes (only those), and an undirected edge between each pair of
    /// consecutive nodes (great-circle length in km). A way's nodes missing from the extract
    /// (clipped at its border) split the way there.
    ///
    /// Node numbering follows the first use by a way in file order, so the same file always
    /// gives the same graph and [`RoadNetwork::fingerprint`].
    pub fn from_pbf(path: &Path) -> Result<RoadNetwork, RoadsError> {
        let file = File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => RoadsError::NotFound { path: path.to_path_buf() },
            _ => RoadsError::Io { path: path.to_path_buf(), source: e },
        })?;
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return Err(RoadsError::NotPbf { path: path.to_path_buf(), detail: "是目录 / a directory".into() });
        }
        let reader = BlobReader::new(BufReader::with_capacity(1 << 20, file));

        // Node coordinates in 1e-7 degree, by id; kept ways as lists of node ids.
        let mut node_ids: Vec<i64> = Vec::new();
        let mut node_xy: Vec<(i32, i32)> = Vec::new();
        let mut way_refs: Vec<i64> = Vec::new();
        let mut way_ends: Vec<usize> = Vec::new();
        let mut ways_seen = 0usize;
        let mut seen_header = false;
        for (i, blob) in reader.enumerate() {
            let decoded = blob.and_then(|b| {
                let d = b.decode()?;
                Ok(match d {
                    BlobDecode::OsmHeader(_) => None,
                    BlobDecode::OsmData(block) => Some(block),
                    BlobDecode::Unknown(_) => None,
                })
            });
            let block = match decoded {
                Ok(b) => b,
                Err(e) if !seen_header => return Err(RoadsError::NotPbf { path: path.to_path_buf(), detail: e.to_string() }),
                Err(e) => return Err(RoadsError::Corrupt { path: path.to_path_buf(), detail: e.to_string() }),
            };
            if i == 0 {
                if block.is_some() {
                    return Err(RoadsError::NotPbf { path: path.to_path_buf(), detail: "首块不是 OSMHeader / first block is not OSMHeader".into() });
                }
                seen_header = true;
            }
            let Some(block) = block else { continue };
            block.for_each_element(|el| match el {
                Element::DenseNode(n) => {
                    node_ids.push(n.id());
                    node_xy.push((n.decimicro_lon(), n.decimicro_lat()));
                }
                Element::Node(n) => {
                    node_ids.push(n.id());
                    node_xy.push((n.decimicro_lon(), n.decimicro_lat()));
                }
                Element::Way(w) => {
                    ways_seen += 1;
                    if keeps_way(w.tags()) {
                        way_refs.extend(w.refs());
                        way_ends.push(way_refs.len());
                    }
                }
                Element::Relation(_) => {}
            });
        }
        if !seen_header {
            return Err(RoadsError::NotPbf { path: path.to_path_buf(), detail: "没有 OSMHeader 块 / no OSMHeader block".into() });
        }

        // Id → coordinates, sorted for binary search (extracts are usually sorted already).
        let mut order: Vec<u32> = (0..node_ids.len() as u32).collect();
        if !node_ids.windows(2).all(|w| w[0] < w[1]) {
            order.sort_by_key(|&k| node_ids[k as usize]);
        }
        let sorted_ids: Vec<i64> = order.iter().map(|&k| node_ids[k as usize]).collect();
        drop(node_ids);
        let lookup = |id: i64| -> Option<(i32, i32)> { sorted_ids.binary_search(&id).ok().map(|p| node_xy[order[p] as usize]) };

        let mut index: HashMap<i64, u32> = HashMap::new();
        let mut coords: Vec<(f64, f64)> = Vec::new();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut node_of = |id: i64, (lon, lat): (i32, i32), coords: &mut Vec<(f64, f64)>| -> u32 {
            *index.entry(id).or_insert_with(|| {
                coords.push((f64::from(lon) * 1e-7, f64::from(lat) * 1e-7));
                (coords.len() - 1) as u32
            })
        };
        let mut begin = 0;
        for &end in &way_ends {
            // Only nodes on an edge enter the graph: a node whose neighbours along the way are
            // all missing from the extract would be an unreachable island.
            let mut prev: Option<(i64, (i32, i32))> = None;
            for &id in &way_refs[begin..end] {
                let here = lookup(id).map(|xy| (id, xy));
                if let (Some((pa, xa)), Some((pb, xb))) = (prev, here) {
                    if pa != pb {
                        let a = node_of(pa, xa, &mut coords);
                        let b = node_of(pb, xb, &mut coords);
                        pairs.push((a, b));
                    }
                }
                prev = here;
            }
            begin = end;
        }
        if pairs.is_empty() {
            return Err(RoadsError::NoRoads { path: path.to_path_buf(), ways: ways_seen });
        }
        Ok(RoadNetwork::build(coords, &pairs))
    }
}
