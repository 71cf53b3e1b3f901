//! Timing on a synthetic county-sized road network (县域路网): write it as `.osm.pbf`, read it
//! back, compute a 400 × 90 road distance matrix (villages × candidate sites), then the same
//! through the cache, twice.
//!
//! `CARGO_TARGET_DIR=/tmp/roads-target cargo run --release -j 1 -p eduplan-roads --example roads_bench [-- copy.osm.pbf]`
//!
//! With an argument, the synthetic network is also copied there (to inspect it with osmium).

use std::time::Instant;

use eduplan_roads::write::write_pbf;
use eduplan_roads::{CachedRoads, Distances, RoadNetwork};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn main() {
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    // 245 × 245 jittered grid, ~190 m spacing: about 46 km × 46 km around 30° N.
    let side = 245usize;
    let (lon0, lat0, dlon, dlat) = (112.0, 30.0, 0.002, 0.0017);
    let mut nodes = Vec::with_capacity(side * side);
    for r in 0..side {
        for c in 0..side {
            let lon = lon0 + c as f64 * dlon + rng.random_range(-0.3..0.3) * dlon;
            let lat = lat0 + r as f64 * dlat + rng.random_range(-0.3..0.3) * dlat;
            nodes.push(((r * side + c + 1) as i64, lon, lat));
        }
    }
    // Long ways along rows and columns (county and village roads), broken where an edge is
    // removed (20 %); every 10th row / column a secondary road with no edge removed.
    let classes = ["residential", "unclassified", "track", "service", "path"];
    let mut ways = Vec::new();
    let mut wid = 1i64;
    for line in 0..side {
        for horizontal in [true, false] {
            let id_at = |k: usize| if horizontal { (line * side + k + 1) as i64 } else { (k * side + line + 1) as i64 };
            let main = line % 10 == 0;
            let tag = if main { "secondary" } else { classes[rng.random_range(0..classes.len())] };
            let mut run = vec![id_at(0)];
            for k in 1..side {
                if main || rng.random_bool(0.8) {
                    run.push(id_at(k));
                } else {
                    if run.len() > 1 {
                        ways.push((wid, std::mem::take(&mut run), vec![("highway".to_string(), tag.to_string())]));
                        wid += 1;
                    }
                    run = vec![id_at(k)];
                }
            }
            if run.len() > 1 {
                ways.push((wid, run, vec![("highway".to_string(), tag.to_string())]));
                wid += 1;
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let pbf = dir.path().join("county.osm.pbf");

    let t = Instant::now();
    write_pbf(&pbf, &nodes, &ways).expect("write");
    let t_write = t.elapsed();
    let size = std::fs::metadata(&pbf).expect("size").len();
    if let Some(copy) = std::env::args_os().nth(1) {
        std::fs::copy(&pbf, &copy).expect("copy the network");
    }

    let t = Instant::now();
    let net = RoadNetwork::from_pbf(&pbf).expect("read");
    let t_read = t.elapsed();
    println!(
        "network: {} nodes, {} edges, {} components, {:.0} km of road; {} ways, file {:.2} MB",
        net.nodes(),
        net.edges(),
        net.components(),
        net.total_km(),
        ways.len(),
        size as f64 / 1e6
    );
    println!("write_pbf: {:.0} ms", t_write.as_secs_f64() * 1e3);
    println!("from_pbf:  {:.0} ms", t_read.as_secs_f64() * 1e3);

    let span = |rng: &mut ChaCha8Rng| (lon0 + rng.random_range(0.0..side as f64 * dlon), lat0 + rng.random_range(0.0..side as f64 * dlat));
    let villages: Vec<(f64, f64)> = (0..400).map(|_| span(&mut rng)).collect();
    let sites: Vec<(f64, f64)> = (0..90).map(|_| span(&mut rng)).collect();

    let t = Instant::now();
    let m = net.matrix(&villages, &sites);
    let t_matrix = t.elapsed();
    let mean = m.data().iter().sum::<f64>() / m.data().len() as f64;
    let straight = eduplan_layout::DistMatrix::from_lonlat(&villages, &sites);
    let ratio = m.data().iter().zip(straight.data()).map(|(r, s)| r / s.max(1e-9)).sum::<f64>() / m.data().len() as f64;
    println!(
        "matrix 400 x 90 (RoadNetwork): {:.0} ms; mean {:.2} km, mean road / straight line {:.3}; warnings {:?}",
        t_matrix.as_secs_f64() * 1e3,
        mean,
        ratio,
        net.warnings()
    );

    let roads = CachedRoads::new(net, &dir.path().join("cache"));
    let t = Instant::now();
    let first = roads.matrix(&villages, &sites);
    let t_first = t.elapsed();
    assert!(!roads.last_was_cached());
    let t = Instant::now();
    let second = roads.matrix(&villages, &sites);
    let t_second = t.elapsed();
    assert!(roads.last_was_cached());
    assert_eq!(first, second);
    assert_eq!(first, m);
    println!("CachedRoads first call (compute + write): {:.0} ms", t_first.as_secs_f64() * 1e3);
    println!("CachedRoads second call (read cache):     {:.1} ms", t_second.as_secs_f64() * 1e3);
}
