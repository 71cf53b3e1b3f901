//! Road network tests: every expected value is computed by hand (sums of great-circle segment
//! lengths) or by an independent reference algorithm (Floyd–Warshall, Bellman–Ford).

use std::path::Path;

use eduplan_layout::haversine_km;
use eduplan_roads::write::write_pbf;
use eduplan_roads::{keeps_way, CachedRoads, Distances, RoadNetwork, RoadsError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

type Way = eduplan_roads::write::PbfWay;

fn way(id: i64, refs: &[i64], tags: &[(&str, &str)]) -> Way {
    (id, refs.to_vec(), tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

/// Great-circle km between two (lon, lat) points.
fn hav(a: (f64, f64), b: (f64, f64)) -> f64 {
    haversine_km(a.1, a.0, b.1, b.0)
}

// The U: n1 (south-west) → n2 (north-west) → n3 (north-east) → n4 (south-east), each side
// about 1 km. Points A and B lie 55 m south of n1 and n4, about 1 km apart in a straight line.
const N1: (f64, f64) = (116.4, 39.9);
const N2: (f64, f64) = (116.4, 39.909);
const N3: (f64, f64) = (116.4117, 39.909);
const N4: (f64, f64) = (116.4117, 39.9);
/// On the straight line n1–n4, a little north, used only by excluded ways.
const N5: (f64, f64) = (116.40585, 39.9001);
const A: (f64, f64) = (116.4, 39.8995);
const B: (f64, f64) = (116.4117, 39.8995);

fn u_nodes() -> Vec<(i64, f64, f64)> {
    [N1, N2, N3, N4, N5].iter().enumerate().map(|(k, p)| (k as i64 + 1, p.0, p.1)).collect()
}

fn u_road_km() -> f64 {
    hav(A, N1) + hav(N1, N2) + hav(N2, N3) + hav(N3, N4) + hav(N4, B)
}

/// Writes the U plus the given extra ways, reads it back.
fn u_network(dir: &Path, extra: &[Way]) -> RoadNetwork {
    let path = dir.join("u.osm.pbf");
    let mut ways = vec![way(10, &[1, 2, 3, 4], &[("highway", "residential"), ("oneway", "yes")])];
    ways.extend(extra.iter().cloned());
    write_pbf(&path, &u_nodes(), &ways).unwrap();
    RoadNetwork::from_pbf(&path).unwrap()
}

#[test]
fn u_shaped_road_is_three_km_not_one() {
    let dir = tempfile::tempdir().unwrap();
    let net = u_network(dir.path(), &[]);
    assert_eq!((net.nodes(), net.edges()), (4, 3));
    assert_eq!(net.kind(), "road");
    let m = net.matrix(&[A], &[B]);
    let straight = hav(A, B);
    assert!((straight - 1.0).abs() < 0.01, "straight line {straight}");
    let expected = u_road_km();
    assert!((expected - 3.1).abs() < 0.05, "hand-computed road {expected}");
    assert!((m.get(0, 0) - expected).abs() < 1e-6, "{} vs {expected}", m.get(0, 0));
    // oneway=yes is ignored: B → A is the same length.
    let back = net.matrix(&[B], &[A]);
    assert!((back.get(0, 0) - expected).abs() < 1e-6);
    assert!(net.warnings().is_empty(), "{:?}", net.warnings());
}

#[test]
fn motorway_and_private_ways_are_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let net = u_network(
        dir.path(),
        &[
            way(11, &[1, 4], &[("highway", "motorway")]),
            way(12, &[1, 5, 4], &[("highway", "residential"), ("access", "private")]),
            way(13, &[1, 5], &[("highway", "construction")]),
            way(14, &[5, 4], &[("building", "yes")]),
        ],
    );
    assert_eq!((net.nodes(), net.edges()), (4, 3), "only the U is kept");
    let m = net.matrix(&[A], &[B]);
    assert!((m.get(0, 0) - u_road_km()).abs() < 1e-6, "{} should take the long way {}", m.get(0, 0), u_road_km());
}

#[test]
fn private_way_open_to_pedestrians_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let net = u_network(dir.path(), &[way(12, &[1, 5, 4], &[("highway", "service"), ("access", "private"), ("foot", "yes")])]);
    assert_eq!((net.nodes(), net.edges()), (5, 5));
    let m = net.matrix(&[A], &[B]);
    let expected = hav(A, N1) + hav(N1, N5) + hav(N5, N4) + hav(N4, B);
    assert!((m.get(0, 0) - expected).abs() < 1e-6, "{} vs {expected}", m.get(0, 0));
    assert!(expected < 1.2);
}

#[test]
fn way_filter() {
    let t = |tags: &[(&'static str, &'static str)]| keeps_way(tags.iter().copied());
    for h in ["trunk", "primary_link", "tertiary", "residential", "track", "footway", "steps", "cycleway", "road", "living_street"] {
        assert!(t(&[("highway", h)]), "{h}");
    }
    for h in ["motorway", "motorway_link", "construction", "proposed", "platform", "raceway", "bus_guideway", "escape", "bridleway"] {
        assert!(!t(&[("highway", h)]), "{h}");
    }
    assert!(!t(&[("name", "x")]));
    assert!(!t(&[("highway", "residential"), ("access", "no")]));
    assert!(t(&[("highway", "residential"), ("access", "no"), ("foot", "yes")]));
    assert!(t(&[("highway", "residential"), ("access", "destination")]));
}

#[test]
fn disconnected_components_fall_back_to_straight_line_times_detour() {
    // Two east-west segments 10 km apart (north-south), not joined.
    let nodes = vec![(116.0, 40.0), (116.01, 40.0), (116.02, 40.0), (116.0, 40.09), (116.01, 40.09), (116.02, 40.09)];
    let net = RoadNetwork::from_parts(nodes.clone(), vec![vec![0, 1, 2], vec![3, 4, 5]]);
    assert_eq!(net.components(), 2);
    let from = [nodes[0], nodes[2]];
    let to = [nodes[3], nodes[4], nodes[5], nodes[1]];
    let m = net.matrix(&from, &to);
    for (i, &p) in from.iter().enumerate() {
        for (j, &q) in to.iter().take(3).enumerate() {
            assert!((m.get(i, j) - hav(p, q) * 1.4).abs() < 1e-9, "({i},{j})");
        }
    }
    // Same component: along the road (here a straight road, so the straight line).
    assert!((m.get(0, 3) - hav(nodes[0], nodes[1])).abs() < 1e-9);
    assert!((m.get(1, 3) - hav(nodes[2], nodes[1])).abs() < 1e-9);
    let w = net.warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("6 对点") && w[0].contains("6 point pairs") && w[0].contains("× 1.4"), "{}", w[0]);

    // A later matrix without problems clears the warnings: they are about the last matrix.
    net.matrix(&from, &[nodes[1]]);
    assert!(net.warnings().is_empty());
}

#[test]
fn points_far_from_roads_fall_back_and_are_counted() {
    let nodes = vec![(116.0, 40.0), (116.01, 40.0)];
    let net = RoadNetwork::from_parts(nodes.clone(), vec![vec![0, 1]]);
    let far = (116.0, 40.05); // 5.6 km north
    let near = (116.0, 40.001); // 111 m north
    let m = net.matrix(&[far, near], &[nodes[1]]);
    assert!((m.get(0, 0) - hav(far, nodes[1]) * 1.4).abs() < 1e-9);
    assert!((m.get(1, 0) - (hav(near, nodes[0]) + hav(nodes[0], nodes[1]))).abs() < 1e-9);
    let w = net.warnings();
    assert_eq!(w, vec!["1 个点距道路超过 2 公里，按直线距离 ×1.4 计 / 1 points are more than 2 km from a road: straight line × 1.4 used".to_string()]);

    // Options: a larger snapping distance and another detour factor.
    let net = RoadNetwork::from_parts(nodes.clone(), vec![vec![0, 1]]).with_max_snap_km(10.0).with_detour(1.3);
    let m = net.matrix(&[far], &[nodes[1]]);
    assert!((m.get(0, 0) - (hav(far, nodes[0]) + hav(nodes[0], nodes[1]))).abs() < 1e-9);
    let m = RoadNetwork::from_parts(nodes.clone(), vec![vec![0, 1]]).with_detour(1.3).matrix(&[far], &[nodes[1]]);
    assert!((m.get(0, 0) - hav(far, nodes[1]) * 1.3).abs() < 1e-9);
}

#[test]
fn never_nan() {
    let nodes = vec![(116.0, 40.0), (116.01, 40.0)];
    let net = RoadNetwork::from_parts(nodes.clone(), vec![vec![0, 1]]);
    let m = net.matrix(&[(f64::NAN, 40.0), nodes[0]], &[nodes[1], (116.0, f64::INFINITY)]);
    assert!(m.data().iter().all(|v| !v.is_nan()), "{:?}", m.data());
    assert_eq!(m.get(0, 0), f64::INFINITY);
    assert!((m.get(1, 0) - hav(nodes[0], nodes[1])).abs() < 1e-9);
    assert!(net.warnings().iter().any(|w| w.contains("2 points have invalid coordinates")), "{:?}", net.warnings());
    // An empty network: everything falls back.
    let empty = RoadNetwork::from_parts(Vec::new(), Vec::new());
    let m = empty.matrix(&[nodes[0]], &[nodes[1]]);
    assert!((m.get(0, 0) - hav(nodes[0], nodes[1]) * 1.4).abs() < 1e-9);
    assert!(empty.warnings()[0].contains("2 points are more than 2 km"));
    // Empty sides.
    assert_eq!(net.matrix(&[], &nodes).rows(), 0);
    assert_eq!(net.matrix(&nodes, &[]).cols(), 0);
}

/// A jittered grid of `side × side` nodes (spacing about 200 m) with each grid edge removed
/// with probability `removed`; coordinates rounded to 1e-7 degree (the PBF precision).
fn random_grid(side: usize, removed: f64, seed: u64) -> (Vec<(f64, f64)>, Vec<Vec<usize>>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let round = |x: f64| (x * 1e7).round() / 1e7;
    let mut nodes = Vec::with_capacity(side * side);
    for r in 0..side {
        for c in 0..side {
            let lon = 116.0 + c as f64 * 0.0024 + rng.random_range(-0.0007..0.0007);
            let lat = 39.5 + r as f64 * 0.0018 + rng.random_range(-0.0005..0.0005);
            nodes.push((round(lon), round(lat)));
        }
    }
    let mut ways = Vec::new();
    for r in 0..side {
        for c in 0..side {
            let v = r * side + c;
            if c + 1 < side && !rng.random_bool(removed) {
                ways.push(vec![v, v + 1]);
            }
            if r + 1 < side && !rng.random_bool(removed) {
                ways.push(vec![v, v + side]);
            }
        }
    }
    (nodes, ways)
}

/// Edge list (a, b, km) of a way list, as the network defines lengths.
fn edge_list(nodes: &[(f64, f64)], ways: &[Vec<usize>]) -> Vec<(usize, usize, f64)> {
    ways.iter().flat_map(|w| w.windows(2).map(|p| (p[0], p[1], hav(nodes[p[0]], nodes[p[1]]))).collect::<Vec<_>>()).collect()
}

#[test]
fn dijkstra_matches_floyd_warshall_on_small_grid() {
    for seed in 0..3 {
        let (nodes, ways) = random_grid(15, 0.3, seed);
        let n = nodes.len();
        let mut d = vec![vec![f64::INFINITY; n]; n];
        for (v, row) in d.iter_mut().enumerate() {
            row[v] = 0.0;
        }
        for (a, b, w) in edge_list(&nodes, &ways) {
            d[a][b] = d[a][b].min(w);
            d[b][a] = d[b][a].min(w);
        }
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    let via = d[i][k] + d[k][j];
                    if via < d[i][j] {
                        d[i][j] = via;
                    }
                }
            }
        }
        let net = RoadNetwork::from_parts(nodes.clone(), ways);
        assert_eq!(net.nodes(), n);
        // All nodes to all nodes; points on the nodes, so access distances are 0.
        let m = net.matrix(&nodes, &nodes);
        let mut unreachable = 0;
        for i in 0..n {
            for j in 0..n {
                let want = if d[i][j].is_finite() {
                    d[i][j]
                } else {
                    unreachable += 1;
                    hav(nodes[i], nodes[j]) * 1.4
                };
                assert!((m.get(i, j) - want).abs() < 1e-9, "seed {seed} ({i},{j}): {} vs {want}", m.get(i, j));
            }
        }
        assert!(unreachable > 0, "seed {seed}: 30% removed edges should disconnect something");
        assert!(net.warnings()[0].contains(&format!("{unreachable} point pairs")), "{:?}", net.warnings());
    }
}

#[test]
fn dijkstra_matches_bellman_ford_on_large_grid() {
    let (nodes, ways) = random_grid(200, 0.15, 7);
    let edges = edge_list(&nodes, &ways);
    let net = RoadNetwork::from_parts(nodes.clone(), ways);
    assert_eq!((net.nodes(), net.edges()), (40_000, edges.len()));
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let sources: Vec<usize> = (0..4).map(|_| rng.random_range(0..nodes.len())).collect();
    let targets: Vec<usize> = (0..40).map(|_| rng.random_range(0..nodes.len())).collect();
    let pts = |ix: &[usize]| ix.iter().map(|&v| nodes[v]).collect::<Vec<_>>();
    // More targets than sources: searched from the sources; the transpose from the targets.
    let m = net.matrix(&pts(&sources), &pts(&targets));
    let mt = net.matrix(&pts(&targets), &pts(&sources));
    for (i, &s) in sources.iter().enumerate() {
        // Bellman–Ford: relax every edge until nothing changes.
        let mut d = vec![f64::INFINITY; nodes.len()];
        d[s] = 0.0;
        loop {
            let mut changed = false;
            for &(a, b, w) in &edges {
                if d[a] + w < d[b] {
                    d[b] = d[a] + w;
                    changed = true;
                }
                if d[b] + w < d[a] {
                    d[a] = d[b] + w;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for (j, &t) in targets.iter().enumerate() {
            let want = if d[t].is_finite() { d[t] } else { hav(nodes[s], nodes[t]) * 1.4 };
            assert!((m.get(i, j) - want).abs() < 1e-9, "({i},{j}): {} vs {want}", m.get(i, j));
            assert!((mt.get(j, i) - want).abs() < 1e-9);
        }
    }
}

#[test]
fn swapped_sides_give_the_transpose() {
    let (nodes, ways) = random_grid(30, 0.2, 3);
    let net = RoadNetwork::from_parts(nodes, ways);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut pt = || (116.0 + rng.random_range(-0.01..0.08), 39.5 + rng.random_range(-0.01..0.06));
    let a: Vec<(f64, f64)> = (0..3).map(|_| pt()).collect();
    let b: Vec<(f64, f64)> = (0..12).map(|_| pt()).collect();
    let ab = net.matrix(&a, &b);
    let ba = net.matrix(&b, &a);
    assert_eq!((ab.rows(), ab.cols(), ba.rows(), ba.cols()), (3, 12, 12, 3));
    for (i, &p) in a.iter().enumerate() {
        for (j, &q) in b.iter().enumerate() {
            assert!((ab.get(i, j) - ba.get(j, i)).abs() < 1e-9, "({i},{j})");
            assert!(ab.get(i, j) >= hav(p, q) - 1e-9, "road shorter than the straight line");
        }
    }
}

#[test]
fn snapping_finds_the_nearest_node() {
    let (nodes, ways) = random_grid(40, 0.2, 11);
    let net = RoadNetwork::from_parts(nodes.clone(), ways);
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    for _ in 0..500 {
        // Inside and around the network, some well outside it.
        let p = (116.0 + rng.random_range(-0.2..0.3), 39.5 + rng.random_range(-0.2..0.27));
        let best = nodes.iter().map(|&q| hav(p, q)).fold(f64::INFINITY, f64::min);
        let (v, d) = net.nearest(p).unwrap();
        assert!((d - hav(p, nodes[v])).abs() < 1e-12);
        // The index works in a local plane: nearest up to a tiny projection error.
        assert!(d <= best * 1.001 + 1e-9, "{p:?}: {d} vs {best}");
    }
}

#[test]
fn pbf_round_trip_matches_from_parts() {
    let (nodes, ways) = random_grid(120, 0.15, 21); // 14 400 nodes: two node blocks
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.osm.pbf");
    let pbf_nodes: Vec<(i64, f64, f64)> = nodes.iter().enumerate().map(|(k, p)| (1000 + k as i64, p.0, p.1)).collect();
    let pbf_ways: Vec<Way> = ways
        .iter()
        .enumerate()
        .map(|(k, w)| (k as i64 + 1, w.iter().map(|&v| 1000 + v as i64).collect(), vec![("highway".to_string(), "unclassified".to_string())]))
        .collect();
    write_pbf(&path, &pbf_nodes, &pbf_ways).unwrap();
    let from_file = RoadNetwork::from_pbf(&path).unwrap();
    let direct = RoadNetwork::from_parts(nodes.clone(), ways);
    let used = (0..nodes.len()).filter(|&v| is_used(&direct, v)).count();
    assert_eq!(from_file.nodes(), used, "only nodes on kept ways");
    assert_eq!(from_file.edges(), direct.edges());
    assert!((from_file.total_km() - direct.total_km()).abs() < 1e-6);
    let pts: Vec<(f64, f64)> = (0..60).map(|k| nodes[(k * 239) % nodes.len()]).collect();
    let (a, b) = (from_file.matrix(&pts[..10], &pts), direct.matrix(&pts[..10], &pts));
    for (x, y) in a.data().iter().zip(b.data()) {
        assert!((x - y).abs() < 1e-9, "{x} vs {y}");
    }
    // The fingerprint is stable for the same file and changes with the content.
    assert_eq!(RoadNetwork::from_pbf(&path).unwrap().fingerprint(), from_file.fingerprint());
    let mut moved = pbf_nodes.clone();
    moved[5].1 += 0.0001;
    write_pbf(&path, &moved, &pbf_ways).unwrap();
    assert_ne!(RoadNetwork::from_pbf(&path).unwrap().fingerprint(), from_file.fingerprint());
}

fn is_used(net: &RoadNetwork, v: usize) -> bool {
    net.degree(v) > 0
}

#[test]
fn cached_roads_reuse_and_repair_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let pbf = dir.path().join("u.osm.pbf");
    write_pbf(&pbf, &u_nodes(), &[way(10, &[1, 2, 3, 4], &[("highway", "residential")])]).unwrap();
    let cache_dir = dir.path().join("cache").join("roads"); // created on demand
    let roads = CachedRoads::open(&pbf, &cache_dir).unwrap();
    assert_eq!(roads.kind(), "road");
    let far = (116.5, 39.9); // 8 km east of the U
    let (from, to) = ([A, B, far], [B, A]);

    let first = roads.matrix(&from, &to);
    assert!(!roads.last_was_cached());
    assert!((first.get(0, 0) - u_road_km()).abs() < 1e-6);
    assert!((first.get(2, 1) - hav(far, A) * 1.4).abs() < 1e-9);
    let file = roads.cache_path(&from, &to);
    assert_eq!(file.parent().unwrap(), cache_dir);
    assert_eq!(file.extension().unwrap(), "mat");
    let full_len = std::fs::metadata(&file).unwrap().len();
    assert_eq!(full_len, 40 + 6 * 8 + 8);
    let warnings = roads.warnings();
    assert!(warnings[0].contains("1 points are more than 2 km"), "{warnings:?}");

    let second = roads.matrix(&from, &to);
    assert!(roads.last_was_cached());
    assert_eq!(second, first);
    assert_eq!(roads.warnings(), warnings, "warnings survive the cache");

    // Other inputs, another file.
    roads.matrix(&to, &from);
    assert!(!roads.last_was_cached());
    assert_ne!(roads.cache_path(&to, &from), file);

    // A truncated file is ignored, recomputed and rewritten.
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    let third = roads.matrix(&from, &to);
    assert!(!roads.last_was_cached());
    assert_eq!(third, first);
    assert_eq!(std::fs::metadata(&file).unwrap().len(), full_len);
    roads.matrix(&from, &to);
    assert!(roads.last_was_cached());

    // A corrupt byte in the data fails the checksum: recomputed too.
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[45] ^= 0x40;
    std::fs::write(&file, &bytes).unwrap();
    assert_eq!(roads.matrix(&from, &to), first);
    assert!(!roads.last_was_cached());

    // Another network gives another key.
    let other = CachedRoads::new(RoadNetwork::from_parts(vec![N1, N2], vec![vec![0, 1]]), &cache_dir);
    assert_ne!(other.cache_path(&from, &to), file);
}

#[test]
fn unwritable_cache_dir_computes_without_caching() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let roads = CachedRoads::new(RoadNetwork::from_parts(vec![N1, N2, N3, N4], vec![vec![0, 1, 2, 3]]), &not_a_dir.join("cache"));
    let m = roads.matrix(&[A], &[B]);
    assert!((m.get(0, 0) - u_road_km()).abs() < 1e-6);
    assert!(!roads.last_was_cached());
    let w = roads.warnings();
    assert!(w.iter().any(|w| w.contains("无法写入") && w.contains("not cached")), "{w:?}");
    roads.matrix(&[A], &[B]);
    assert!(!roads.last_was_cached());
}

fn assert_bilingual(e: &RoadsError, path: &Path, zh: &str, en: &str) {
    let msg = e.to_string();
    let shown = path.display().to_string();
    assert!(msg.contains(&shown), "{msg}");
    assert!(msg.contains("读取路网文件") && msg.contains("cannot read road network"), "{msg}");
    assert!(msg.contains(zh) && msg.contains(en), "{msg}");
}

#[test]
fn errors_name_the_file_in_chinese_and_english() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("roads.txt");
    std::fs::write(&text, "这不是路网 / this is not a road network\n".repeat(20)).unwrap();
    let e = RoadNetwork::from_pbf(&text).unwrap_err();
    assert!(matches!(e, RoadsError::NotPbf { .. }), "{e:?}");
    assert_bilingual(&e, &text, "不是 OSM PBF 文件", "not an OSM PBF file");

    let empty = dir.path().join("empty.osm.pbf");
    std::fs::write(&empty, "").unwrap();
    assert_bilingual(&RoadNetwork::from_pbf(&empty).unwrap_err(), &empty, "不是 OSM PBF 文件", "not an OSM PBF file");

    let missing = dir.path().join("no-such-county.osm.pbf");
    let e = RoadNetwork::from_pbf(&missing).unwrap_err();
    assert!(matches!(e, RoadsError::NotFound { .. }), "{e:?}");
    assert_bilingual(&e, &missing, "文件不存在", "no such file");
    assert!(CachedRoads::open(&missing, dir.path()).is_err());

    let motorways = dir.path().join("motorways.osm.pbf");
    write_pbf(&motorways, &u_nodes(), &[way(1, &[1, 2, 3], &[("highway", "motorway")])]).unwrap();
    assert_bilingual(&RoadNetwork::from_pbf(&motorways).unwrap_err(), &motorways, "没有可用道路", "no usable road");

    // A real file cut short in its data block.
    let cut = dir.path().join("cut.osm.pbf");
    write_pbf(&cut, &u_nodes(), &[way(10, &[1, 2, 3, 4], &[("highway", "residential")])]).unwrap();
    let bytes = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    let e = RoadNetwork::from_pbf(&cut).unwrap_err();
    assert!(matches!(e, RoadsError::Corrupt { .. }), "{e:?}");
    assert_bilingual(&e, &cut, "文件已损坏", "the file is corrupt");
}
