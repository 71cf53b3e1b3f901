//! The exact MIP (feature `highs`) against brute force on small random instances of every model:
//! every subset of sites and, where capacities bind, every single-source assignment. The MIP
//! must reach the brute-force optimum and prove it (gap 0), including from a poor start.
#![cfg(feature = "highs")]

use std::time::Instant;

use eduplan_layout::mip::{self, Model};
use eduplan_layout::{DistMatrix, Expansion, MaxDistance, Options, OverLimit, Problem, Site, SiteKind, Solution};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// 7 points × 5 sites on a 30 × 30 grid (Manhattan distances), weights 1–5, capacities 8–18,
/// one expansion step (5 places for 20) on some sites, a fixed site on some seeds, and on others
/// a distance limit that forbids long trips or prices them as uncovered.
fn instance(seed: u64) -> Problem {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    let (n, m) = (7, 5);
    let pts: Vec<(f64, f64)> = (0..n).map(|_| (r.random_range(0..30) as f64, r.random_range(0..30) as f64)).collect();
    let sites: Vec<(f64, f64)> = (0..m).map(|_| (r.random_range(0..30) as f64, r.random_range(0..30) as f64)).collect();
    let dist = DistMatrix::from_fn(n, m, |i, j| (pts[i].0 - sites[j].0).abs() + (pts[i].1 - sites[j].1).abs());
    let weights: Vec<f64> = (0..n).map(|_| r.random_range(1..=5) as f64).collect();
    let sites = (0..m)
        .map(|j| Site {
            kind: if j == 0 && seed % 3 == 0 { SiteKind::Fixed } else { SiteKind::Candidate },
            cost: r.random_range(5..=60) as f64,
            capacity: Some(r.random_range(8..=18) as f64),
            expansions: if j % 2 == 1 { vec![Expansion { capacity: 5.0, cost: 20.0 }] } else { vec![] },
        })
        .collect();
    let max_distance = match seed % 4 {
        1 => Some(MaxDistance { limit: 30.0, over: OverLimit::Forbidden }),
        2 => Some(MaxDistance { limit: 20.0, over: OverLimit::Uncovered { penalty: 45.0 } }),
        _ => None,
    };
    Problem { weights, sites, dist, max_distance, demand: None }
}

/// Distance as the definition prices it: `None` when forbidden.
fn d(p: &Problem, i: usize, j: usize) -> Option<f64> {
    let x = p.dist.get(i, j);
    match p.max_distance {
        Some(MaxDistance { limit, over: OverLimit::Forbidden }) if x > limit => None,
        Some(MaxDistance { limit, over: OverLimit::Uncovered { penalty } }) if x > limit => Some(penalty),
        _ => Some(x),
    }
}

/// Cost of carrying `load` at site `j`: free up to its capacity, then its steps in order.
fn steps_cost(s: &Site, load: f64) -> Option<f64> {
    let (mut cap, mut cost) = (s.capacity.unwrap_or(f64::INFINITY), 0.0);
    let mut steps = s.expansions.iter();
    while load > cap + 1e-9 {
        let e = steps.next()?;
        cap += e.capacity;
        cost += e.cost;
    }
    Some(cost)
}

fn subsets(p: &Problem, count: Option<usize>) -> Vec<Vec<usize>> {
    let m = p.m();
    (1u32..(1 << m))
        .filter(|mask| (0..m).all(|j| p.sites[j].kind != SiteKind::Fixed || mask & (1 << j) != 0))
        .map(|mask| (0..m).filter(|j| mask & (1 << j) != 0).collect::<Vec<_>>())
        .filter(|open| count.is_none_or(|c| open.len() == c))
        .collect()
}

/// Σ site costs + Σ w·d + expansion steps over the best subset (of `count` sites, if given) and
/// single-source assignment; capacities ignored when `capacitated` is false.
fn brute_median(p: &Problem, count: Option<usize>, capacitated: bool) -> f64 {
    let n = p.n();
    let mut best = f64::INFINITY;
    for open in subsets(p, count) {
        let fixed: f64 = open.iter().map(|&j| p.sites[j].cost).sum();
        let mut a = vec![0usize; n];
        'odometer: loop {
            let mut load = vec![0.0; p.m()];
            let mut cost = fixed;
            let mut ok = true;
            for i in 0..n {
                let j = open[a[i]];
                load[j] += p.weights[i];
                match d(p, i, j) {
                    Some(x) => cost += p.weights[i] * x,
                    None => ok = false,
                }
            }
            if capacitated {
                for &j in &open {
                    match steps_cost(&p.sites[j], load[j]) {
                        Some(c) => cost += c,
                        None => ok = false,
                    }
                }
            }
            if ok {
                best = best.min(cost);
            }
            for k in 0..n {
                a[k] += 1;
                if a[k] < open.len() {
                    continue 'odometer;
                }
                a[k] = 0;
            }
            break;
        }
    }
    best
}

fn brute_center(p: &Problem, count: usize) -> f64 {
    subsets(p, Some(count))
        .iter()
        .map(|open| (0..p.n()).map(|i| open.iter().filter_map(|&j| d(p, i, j)).fold(f64::INFINITY, f64::min)).fold(0.0, f64::max))
        .fold(f64::INFINITY, f64::min)
}

fn covers(p: &Problem, i: usize, j: usize, radius: f64) -> bool {
    d(p, i, j).is_some_and(|x| x <= radius)
}

fn brute_mclp(p: &Problem, count: usize, radius: f64) -> f64 {
    subsets(p, Some(count))
        .iter()
        .map(|open| (0..p.n()).filter(|&i| !open.iter().any(|&j| covers(p, i, j, radius))).map(|i| p.weights[i]).sum::<f64>())
        .fold(f64::INFINITY, f64::min)
}

fn brute_lscp(p: &Problem, radius: f64) -> f64 {
    subsets(p, None)
        .iter()
        .filter(|open| (0..p.n()).all(|i| open.iter().any(|&j| covers(p, i, j, radius))))
        .map(|open| open.len() as f64)
        .fold(f64::INFINITY, f64::min)
}

fn check(seed: u64, what: &str, s: &Solution, opt: f64) {
    assert!((s.objective - opt).abs() < 1e-6, "seed {seed} {what}: {} vs brute force {opt}", s.objective);
    assert_eq!(s.gap, 0.0, "seed {seed} {what}: the MIP proves the optimum (bound {})", s.lower_bound);
    assert!((s.lower_bound - opt).abs() < 1e-6, "seed {seed} {what}: bound {}", s.lower_bound);
}

#[test]
fn every_model_reaches_and_proves_the_brute_force_optimum() {
    let opts = Options::default();
    let (mut feasible, mut infeasible) = (0, 0);
    for seed in 0..16 {
        let p = instance(seed);
        // capacitated p-median with 1 (often too few places), 2 and 3 sites; facility location with any number
        for count in [1, 2, 3] {
            let opt = brute_median(&p, Some(count), true);
            match mip::solve(&p, Model::Capacitated { p: count }, &opts, 30.0) {
                Ok((s, r)) => {
                    check(seed, &format!("capacitated p={count}"), &s, opt);
                    assert_eq!(s.open_sites.len(), count);
                    assert!(r.columns > 0 && r.rows > 0, "seed {seed}: a real MIP was built");
                    feasible += 1;
                }
                Err(_) => {
                    assert!(!opt.is_finite(), "seed {seed} p={count}: the heuristic failed where brute force found {opt}");
                    infeasible += 1;
                }
            }
        }
        let opt = brute_median(&p, None, true);
        if let Ok((s, _)) = mip::solve(&p, Model::FacilityLocation, &opts, 30.0) {
            check(seed, "facility location", &s, opt);
        }
        let opt = brute_median(&p, Some(2), false);
        if opt.is_finite() {
            let (s, _) = mip::solve(&p, Model::Pmedian { p: 2 }, &opts, 30.0).unwrap();
            check(seed, "p-median", &s, opt);
        }
        let opt = brute_center(&p, 2);
        if opt.is_finite() {
            let (s, _) = mip::solve(&p, Model::Pcenter { p: 2 }, &opts, 30.0).unwrap();
            check(seed, "p-center", &s, opt);
        }
        let (s, _) = mip::solve(&p, Model::Mclp { p: 2, radius: 12.0 }, &opts, 30.0).unwrap();
        check(seed, "MCLP", &s, brute_mclp(&p, 2, 12.0));
        let opt = brute_lscp(&p, 25.0);
        if opt.is_finite() {
            let (s, _) = mip::solve(&p, Model::Lscp { radius: 25.0 }, &opts, 30.0).unwrap();
            check(seed, "LSCP", &s, opt);
        }
    }
    assert!(feasible >= 24 && infeasible >= 4, "the instances include feasible and infeasible counts: {feasible} / {infeasible}");
}

/// From a deliberately poor plan (the first sites that fit, every point to its nearest one that
/// has room), the MIP finds the optimum itself and says it improved the plan.
#[test]
fn the_mip_improves_a_poor_start_to_the_optimum() {
    let mut improved = 0;
    for seed in 0..16 {
        let p = instance(seed);
        let count = 3;
        let opt = brute_median(&p, Some(count), true);
        if !opt.is_finite() {
            continue;
        }
        // the worst feasible subset: its own best assignment, but the most expensive sites
        let mut worst: Option<(f64, Vec<usize>, Vec<usize>)> = None;
        let m = p.m();
        for open in (0..m).flat_map(|a| (a + 1..m).flat_map(move |b| (b + 1..m).map(move |c| vec![a, b, c]))) {
            if (0..p.m()).any(|j| p.sites[j].kind == SiteKind::Fixed && !open.contains(&j)) {
                continue;
            }
            let mut sub = p.clone();
            for (j, s) in sub.sites.iter_mut().enumerate() {
                s.kind = if open.contains(&j) { SiteKind::Fixed } else { SiteKind::Candidate };
            }
            let Ok(s) = eduplan_layout::capacitated::solve(&sub, count, &Options::default()) else { continue };
            if worst.as_ref().is_none_or(|w| s.objective > w.0) {
                worst = Some((s.objective, s.open_sites, s.assignment));
            }
        }
        let (cost, open, assignment) = worst.unwrap();
        let start = Solution { objective: cost, lower_bound: 0.0, gap: 1.0, open_sites: open, assignment, seconds: 0.0 };
        let (s, r) = mip::refine(&p, Model::Capacitated { p: count }, start, 30.0, Instant::now()).unwrap();
        check(seed, "from a poor start", &s, opt);
        assert_eq!(r.improved, cost > opt + 1e-6, "seed {seed}: improved iff the start was not optimal");
        improved += r.improved as usize;
    }
    assert!(improved >= 5, "most poor starts are improved: {improved}");
}

/// The MIP's bound is valid when it stops early: a one-millisecond limit leaves the heuristic's
/// plan and a bound no higher than the optimum.
#[test]
fn a_time_limit_keeps_a_valid_bound() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/location/orlib-pmedcap/pmedcap11.txt");
    let inst = eduplan_layout::orlib::read_pmedcap(path.as_ref()).unwrap();
    let mut p = Problem::unweighted(inst.dist.clone());
    p.demand = Some(inst.demand.clone());
    for s in p.sites.iter_mut() {
        s.capacity = Some(inst.capacity);
    }
    let heur = eduplan_layout::capacitated::solve(&p, inst.p, &Options::default()).unwrap();
    let (s, _) = mip::refine(&p, Model::Capacitated { p: inst.p }, heur.clone(), 0.001, Instant::now()).unwrap();
    assert!(s.objective <= heur.objective);
    assert!(s.lower_bound >= heur.lower_bound && s.lower_bound <= inst.best_known, "bound {} within [{}, {}]", s.lower_bound, heur.lower_bound, inst.best_known);
}

/// OR-Library pmedcap01 (n = 50, p = 5; best known 713): the MIP proves the optimum.
#[test]
fn pmedcap01_is_proven_optimal() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/location/orlib-pmedcap/pmedcap01.txt");
    let v = eduplan_layout::orlib_json(path.as_ref(), eduplan_layout::Kind::Pmedcap, None, Some(60.0)).unwrap();
    assert_eq!(v["objective"].as_f64(), Some(713.0));
    assert_eq!(v["lower_bound"].as_f64(), Some(713.0));
    assert_eq!(v["gap"].as_f64(), Some(0.0));
    assert_eq!(v["mip"]["status"], "Optimal");
    assert!(v["heuristic"]["objective"].as_f64().unwrap() >= 713.0);
}
