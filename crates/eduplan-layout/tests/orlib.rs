//! OR-Library readers and two real instances with published optima.

use std::path::PathBuf;

use eduplan_layout::{capacitated, orlib, orlib_json, pcenter, pmedian, Error, Kind, Options, Problem};

const PMED1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/location/orlib-pmed/pmed1.txt");
const PMEDCAP1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/location/orlib-pmedcap/pmedcap01.txt");

fn temp_file(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("eduplan-layout-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

/// Generous limits: tests run in debug builds.
fn opts() -> Options {
    Options { seed: 1, time_limit: 60.0, effort: 8 }
}

#[test]
fn duplicate_edge_last_wins() {
    // Edge 1–2 appears twice: cost 1, then 7. Last wins → d(1,2) = 7, d(1,3) = 7 + 10 = 17.
    // (Taking the minimum would give 1 and 11.) The 1-median is vertex 2: 7 + 0 + 10 = 17.
    let path = temp_file("dup.txt", "3 3 1\n1 2 1\n2 3 10\n1 2 7\n");
    let inst = orlib::read_pmed(&path).unwrap();
    assert_eq!(inst.dist.get(0, 1), 7.0);
    assert_eq!(inst.dist.get(0, 2), 17.0);
    assert_eq!(inst.dist.get(2, 0), 17.0);
    let s = pmedian::solve(&Problem::unweighted(inst.dist), 1, &opts()).unwrap();
    assert_eq!(s.objective, 17.0);
    assert_eq!(s.open_sites, vec![1]);
    std::fs::remove_file(path).ok();
}

#[test]
fn parse_error_names_the_line() {
    let path = temp_file("bad.txt", "3 2 1\n1 2 4\n2 x 5\n");
    match orlib::read_pmed(&path) {
        Err(Error::Parse { line, .. }) => assert_eq!(line, 3),
        other => panic!("expected a parse error, got {other:?}"),
    }
    let path2 = temp_file("badcap.txt", "1 10\n2 1 5\n1 0 0 1\n");
    match orlib::read_pmedcap(&path2) {
        Err(Error::Parse { line, .. }) => assert_eq!(line, 4),
        other => panic!("expected a parse error, got {other:?}"),
    }
    std::fs::remove_file(path).ok();
    std::fs::remove_file(path2).ok();
}

#[test]
fn pmed1_pmedian_and_pcenter() {
    // Published optima: p-median 5819 (pmedopt.txt), p-center 127 (pcenteropt.txt).
    let inst = orlib::read_pmed(PMED1.as_ref()).unwrap();
    assert_eq!((inst.n, inst.p), (100, 5));
    let prob = Problem::unweighted(inst.dist);
    let s = pmedian::solve(&prob, inst.p, &opts()).unwrap();
    assert_eq!(s.objective, 5819.0);
    assert!(s.lower_bound <= s.objective);
    assert_eq!(s.open_sites.len(), 5);
    let c = pcenter::solve(&prob, inst.p, &opts()).unwrap();
    assert_eq!(c.objective, 127.0);
    assert!(c.lower_bound <= 127.0);
}

#[test]
fn pmedcap1_reaches_the_optimum() {
    let inst = orlib::read_pmedcap(PMEDCAP1.as_ref()).unwrap();
    // Line 1 of the file: "1 713".
    assert_eq!(inst.best_known, 713.0);
    assert_eq!((inst.n, inst.p, inst.capacity), (50, 5, 120.0));
    let mut prob = Problem::unweighted(inst.dist.clone());
    prob.demand = Some(inst.demand.clone());
    for s in prob.sites.iter_mut() {
        s.capacity = Some(inst.capacity);
    }
    let s = capacitated::solve(&prob, inst.p, &opts()).unwrap();
    assert_eq!(s.objective, inst.best_known);
    assert!(s.lower_bound <= s.objective);
    let mut load = vec![0.0; inst.n];
    for (i, &j) in s.assignment.iter().enumerate() {
        load[j] += inst.demand[i];
    }
    assert!(load.iter().all(|&l| l <= inst.capacity));
}

/// pmedcap16 (optimum 954): from the local optimum the search reaches first (955), the
/// optimal medians are several moves away, each worse alone; the group re-optimisation finds
/// them whatever the seed.
#[test]
fn pmedcap16_reaches_the_optimum_by_moving_medians_together() {
    let path = PMEDCAP1.replace("pmedcap01", "pmedcap16");
    let inst = orlib::read_pmedcap(path.as_ref()).unwrap();
    assert_eq!(inst.best_known, 954.0);
    let mut prob = Problem::unweighted(inst.dist.clone());
    prob.demand = Some(inst.demand.clone());
    for s in prob.sites.iter_mut() {
        s.capacity = Some(inst.capacity);
    }
    for seed in 1..=3 {
        let s = capacitated::solve(&prob, inst.p, &Options { seed, time_limit: 60.0, ..Options::default() }).unwrap();
        assert_eq!(s.objective, 954.0, "seed {seed}");
        assert!(s.lower_bound <= 954.0);
        // the objective is the assignment's total distance, within the capacities
        let total: f64 = (0..inst.n).map(|i| inst.dist.get(i, s.assignment[i])).sum();
        assert_eq!(total, 954.0);
        let mut load = vec![0.0; inst.n];
        for (i, &j) in s.assignment.iter().enumerate() {
            load[j] += inst.demand[i];
        }
        assert!(load.iter().all(|&l| l <= inst.capacity));
    }
}

#[test]
fn orlib_json_fields() {
    let v = orlib_json(PMED1.as_ref(), Kind::Auto, None, None).unwrap();
    assert_eq!(v["kind"], "pmedian");
    assert_eq!(v["instance"], "pmed1");
    assert_eq!(v["objective"], 5819.0);
    assert_eq!((v["n"].as_u64(), v["p"].as_u64()), (Some(100), Some(5)));
    let sites = v["open_sites"].as_array().unwrap();
    assert_eq!(sites.len(), 5);
    assert!(sites.iter().all(|s| (1..=100).contains(&s.as_u64().unwrap())), "1-based");
    for k in ["lower_bound", "gap", "seconds"] {
        assert!(v[k].is_number(), "{k}");
    }
    // The pmedcap layout is recognised; p can be overridden.
    assert!(orlib::looks_like_pmedcap(PMEDCAP1.as_ref()).unwrap());
    let v = orlib_json(PMEDCAP1.as_ref(), Kind::Pcenter, Some(50), None).unwrap();
    assert_eq!(v["kind"], "pcenter");
    assert_eq!(v["objective"], 0.0, "50 centres on 50 points");
    assert!(orlib_json(PMED1.as_ref(), Kind::Pmedcap, None, None).is_err());
    assert_eq!("p-median".parse::<Kind>().unwrap(), Kind::Pmedian);
}

/// A build without the `highs` feature refuses an exact solve with a message that says how to
/// get one, instead of silently answering with the heuristic.
#[cfg(not(feature = "highs"))]
#[test]
fn exact_without_the_highs_feature_is_refused() {
    let e = orlib_json(PMEDCAP1.as_ref(), Kind::Pmedcap, None, Some(10.0)).unwrap_err().to_string();
    assert!(e.contains("--features highs") && e.contains("精确求解器"), "{e}");
}
