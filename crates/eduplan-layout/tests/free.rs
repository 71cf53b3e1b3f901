//! Capacitated facility location (the number of open sites free, opening costs) against brute
//! force on small random instances: every subset of sites, every single-source assignment.

use eduplan_layout::{capacitated, DistMatrix, Options, Problem, Site, SiteKind};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn instance(seed: u64) -> Problem {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    let (n, m) = (7, 5);
    let pts: Vec<(f64, f64)> = (0..n).map(|_| (r.random_range(0..30) as f64, r.random_range(0..30) as f64)).collect();
    let sites: Vec<(f64, f64)> = (0..m).map(|_| (r.random_range(0..30) as f64, r.random_range(0..30) as f64)).collect();
    let dist = DistMatrix::from_fn(n, m, |i, j| (pts[i].0 - sites[j].0).abs() + (pts[i].1 - sites[j].1).abs());
    let weights: Vec<f64> = (0..n).map(|_| r.random_range(1..=5) as f64).collect();
    let sites = (0..m)
        .map(|j| Site { kind: if j == 0 && seed % 3 == 0 { SiteKind::Fixed } else { SiteKind::Candidate }, cost: r.random_range(5..=60) as f64, capacity: Some(r.random_range(8..=18) as f64), expansions: vec![] })
        .collect();
    Problem { weights: weights.clone(), sites, dist, max_distance: None, demand: None }
}

/// Σ opening costs + Σ weight × distance over the best subset and assignment.
fn brute(p: &Problem) -> f64 {
    brute_count(p, None)
}

/// [`brute`] over subsets of `count` sites only, when given.
fn brute_count(p: &Problem, count: Option<usize>) -> f64 {
    let (n, m) = (p.n(), p.m());
    let mut best = f64::INFINITY;
    for mask in 1u32..(1 << m) {
        if (0..m).any(|j| p.sites[j].kind == SiteKind::Fixed && mask & (1 << j) == 0) {
            continue;
        }
        let open: Vec<usize> = (0..m).filter(|j| mask & (1 << j) != 0).collect();
        if count.is_some_and(|c| open.len() != c) {
            continue;
        }
        let fixed: f64 = open.iter().map(|&j| p.sites[j].cost).sum();
        let mut a = vec![0usize; n];
        loop {
            let mut load = vec![0.0; m];
            let mut cost = fixed;
            for i in 0..n {
                let j = open[a[i]];
                load[j] += p.weights[i];
                cost += p.weights[i] * p.dist.get(i, j);
            }
            if open.iter().all(|&j| load[j] <= p.sites[j].capacity.unwrap()) {
                best = best.min(cost);
            }
            // next assignment (odometer)
            let mut k = 0;
            while k < n {
                a[k] += 1;
                if a[k] < open.len() {
                    break;
                }
                a[k] = 0;
                k += 1;
            }
            if k == n {
                break;
            }
        }
    }
    best
}

#[test]
fn the_free_count_reaches_the_brute_force_optimum_with_a_valid_bound() {
    let mut counts = std::collections::BTreeSet::new();
    for seed in 0..24 {
        let p = instance(seed);
        let opt = brute(&p);
        if !opt.is_finite() {
            assert!(capacitated::solve_free(&p, &Options::default()).is_err(), "seed {seed}: no plan fits");
            continue;
        }
        let s = capacitated::solve_free(&p, &Options::default()).unwrap();
        assert!((s.objective - opt).abs() < 1e-6, "seed {seed}: {} vs brute force {opt}", s.objective);
        assert!(s.lower_bound <= opt + 1e-6, "seed {seed}: bound {} above the optimum {opt}", s.lower_bound);
        // the objective is what the plan costs: its open sites' costs plus its distances
        let cost: f64 = s.open_sites.iter().map(|&j| p.sites[j].cost).sum::<f64>() + (0..p.n()).map(|i| p.weights[i] * p.dist.get(i, s.assignment[i])).sum::<f64>();
        assert!((cost - s.objective).abs() < 1e-6, "seed {seed}");
        assert!(s.assignment.iter().all(|j| s.open_sites.contains(j)));
        if p.sites[0].kind == SiteKind::Fixed {
            assert!(s.open_sites.contains(&0), "seed {seed}: a fixed site stays open");
        }
        counts.insert(s.open_sites.len());
    }
    assert!(counts.len() >= 2, "the instances differ in how many sites are worth opening: {counts:?}");
}

/// With the count given (capacitated p-median with opening costs), the solver — its exact
/// finish by Lagrangian enumeration included — reaches the brute-force optimum and its lower
/// bound never exceeds it; some instances are proven optimal (bound = objective).
#[test]
fn the_given_count_reaches_the_brute_force_optimum_and_bounds_hold() {
    let mut proven = 0;
    let mut solved = 0;
    for seed in 0..24 {
        let p = instance(seed);
        let opt = brute_count(&p, Some(2));
        let got = capacitated::solve(&p, 2, &Options::default());
        if !opt.is_finite() {
            assert!(got.is_err(), "seed {seed}: no two sites hold the demand");
            continue;
        }
        let s = got.unwrap();
        solved += 1;
        assert!((s.objective - opt).abs() < 1e-6, "seed {seed}: {} vs brute force {opt}", s.objective);
        assert!(s.lower_bound <= opt + 1e-6, "seed {seed}: bound {} above the optimum {opt}", s.lower_bound);
        assert_eq!(s.open_sites.len(), 2);
        if (s.lower_bound - opt).abs() < 1e-6 {
            proven += 1;
        }
    }
    assert!(solved >= 8, "enough feasible instances: {solved}");
    assert!(proven >= 1, "the bound closes on some instance: {proven} of {solved}");
}
