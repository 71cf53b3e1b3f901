//! Small instances whose optimum is worked out by hand in the comments.

use eduplan_layout::{
    capacitated, covering, haversine_km, pcenter, pmedian, DistMatrix, Error, Expansion, MaxDistance, Options, OverLimit, Problem,
    SiteKind,
};

/// Five points on a line at x = 0, 1, 2, 10, 11; every point is a client and a site.
fn line() -> Problem {
    let x = [0.0f64, 1.0, 2.0, 10.0, 11.0];
    Problem::unweighted(DistMatrix::from_fn(5, 5, |i, j| (x[i] - x[j]).abs()))
}

fn opts() -> Options {
    Options { seed: 7, time_limit: 10.0, effort: 8 }
}

#[test]
fn pmedian_line_p2() {
    // Medians {x=1, x=10}: 1 + 0 + 1 + 0 + 1 = 3 (x=11 instead of 10 ties). Any other pair
    // leaves one of the two groups with a cost ≥ 2 more, so 3 is optimal.
    let s = pmedian::solve(&line(), 2, &opts()).unwrap();
    assert_eq!(s.objective, 3.0);
    assert!(s.lower_bound <= s.objective);
    assert!(s.open_sites.contains(&1));
    assert!(s.open_sites.contains(&3) || s.open_sites.contains(&4));
    assert_eq!(s.assignment[0], 1);
    assert_eq!(s.assignment[2], 1);
}

#[test]
fn pmedian_line_p1_and_weights() {
    // p = 1, unit weights: the median is x=2: 2 + 1 + 0 + 8 + 9 = 20.
    let s = pmedian::solve(&line(), 1, &opts()).unwrap();
    assert_eq!(s.objective, 20.0);
    assert_eq!(s.open_sites, vec![2]);
    // Weight 10 on x=11: site x=10 costs 10 + 9 + 8 + 0 + 10·1 = 37; site x=11 costs
    // 11 + 10 + 9 + 1 + 0 = 31; site x=2 costs 2 + 1 + 0 + 8 + 90 = 101. Optimum 31 at x=11.
    let mut p = line();
    p.weights[4] = 10.0;
    let s = pmedian::solve(&p, 1, &opts()).unwrap();
    assert_eq!(s.objective, 31.0);
    assert_eq!(s.open_sites, vec![4]);
    assert_eq!(s.gap, 0.0, "a 1-median is proven by the Lagrangian bound");
}

#[test]
fn pmedian_fixed_and_costs() {
    // x=0 is an existing school that stays (Fixed); one more site: x=10 gives
    // 0 + 1 + 2 + 0 + 1 = 4 (x=11 also 4; x=1 gives 0+0+1+9+10 = 20).
    let mut p = line();
    p.sites[0].kind = SiteKind::Fixed;
    let s = pmedian::solve(&p, 2, &opts()).unwrap();
    assert_eq!(s.objective, 4.0);
    assert!(s.open_sites.contains(&0));
    // Opening x=10 now costs 5 and x=11 costs 0: x=11 gives 0+1+2+1+0 = 4 + 0 = 4, x=10 gives 4 + 5.
    p.sites[3].cost = 5.0;
    let s = pmedian::solve(&p, 2, &opts()).unwrap();
    assert_eq!(s.objective, 4.0);
    assert_eq!(s.open_sites, vec![0, 4]);
}

#[test]
fn pmedian_distance_limit() {
    // p = 1, limit 3, uncovered costs 100 per unit weight.
    // x=1: 1 + 0 + 1 + 100 + 100 = 202; x=2: 2 + 1 + 0 + 100 + 100 = 203;
    // x=10: 100·3 + 0 + 1 = 301. Optimum 202 at x=1.
    let mut p = line();
    p.max_distance = Some(MaxDistance { limit: 3.0, over: OverLimit::Uncovered { penalty: 100.0 } });
    let s = pmedian::solve(&p, 1, &opts()).unwrap();
    assert_eq!(s.objective, 202.0);
    assert_eq!(s.open_sites, vec![1]);
    // Forbidden instead: one site cannot serve both groups.
    p.max_distance = Some(MaxDistance { limit: 3.0, over: OverLimit::Forbidden });
    assert!(matches!(pmedian::solve(&p, 1, &opts()), Err(Error::Invalid(_))));
    // Two sites can: {1, 10} as in the unconstrained case, 3.
    assert_eq!(pmedian::solve(&p, 2, &opts()).unwrap().objective, 3.0);
}

#[test]
fn pcenter_line() {
    // p = 2: {x=1, x=10} (or 11) → every point within 1; radius 0 would need 5 sites. So 1.
    let s = pcenter::solve(&line(), 2, &opts()).unwrap();
    assert_eq!(s.objective, 1.0);
    assert_eq!(s.lower_bound, 1.0);
    assert_eq!(s.gap, 0.0);
    // p = 1: x=2 → max(2, 9) = 9; x=10 → 10; x=1 → 10. Radius 9.
    let s = pcenter::solve(&line(), 1, &opts()).unwrap();
    assert_eq!(s.objective, 9.0);
    assert_eq!(s.open_sites, vec![2]);
    assert_eq!(s.gap, 0.0);
}

/// Demands 2, 1, 1, 1, 1 and capacity 3 at every site, p = 2.
fn capacitated_line() -> Problem {
    let mut p = line();
    p.demand = Some(vec![2.0, 1.0, 1.0, 1.0, 1.0]);
    for s in p.sites.iter_mut() {
        s.capacity = Some(3.0);
    }
    p
}

#[test]
fn capacitated_breaks_the_uncapacitated_answer() {
    // Uncapacitated optimum {1, 10} = 3 puts demand 4 on x=1 (capacity 3).
    // Total demand 6 = 3 + 3, so each median carries exactly 3: {0, x} and the rest.
    //   {0,1}+{2,10,11}: 1 + (8 + 0 + 1) = 10;  {0,2}+{1,10,11}: 2 + (9 + 0 + 1) = 12;
    //   {0,10} or {0,11} with {1,2,…}: ≥ 10 + 10. Optimum 10.
    let p = capacitated_line();
    let u = pmedian::solve(&p, 2, &opts()).unwrap();
    assert_eq!(u.objective, 3.0);
    let s = capacitated::solve(&p, 2, &opts()).unwrap();
    assert_eq!(s.objective, 10.0);
    assert!(s.lower_bound <= s.objective);
    assert_eq!(s.assignment[2], 3, "x=2 must travel to x=10");
    let mut load = [0.0; 5];
    for (i, &j) in s.assignment.iter().enumerate() {
        load[j] += [2.0, 1.0, 1.0, 1.0, 1.0][i];
    }
    assert!(load.iter().all(|&l| l <= 3.0));
}

#[test]
fn capacitated_with_expansion() {
    // x=1 may add 1 place for cost 2: {0,1,2} at x=1 (1 + 0 + 1, load 4, +2) and {10,11} at
    // x=10 (1): 5 < 10.
    let mut p = capacitated_line();
    p.sites[1].expansions = vec![Expansion { capacity: 1.0, cost: 2.0 }];
    let s = capacitated::solve(&p, 2, &opts()).unwrap();
    assert_eq!(s.objective, 5.0);
    assert!(s.open_sites.contains(&1));
}

#[test]
fn capacitated_infeasible() {
    // Two sites of 3 places cannot hold demand 7.
    let mut p = capacitated_line();
    p.demand = Some(vec![3.0, 1.0, 1.0, 1.0, 1.0]);
    assert!(matches!(capacitated::solve(&p, 2, &opts()), Err(Error::Invalid(_))));
}

#[test]
fn mclp_line() {
    // Radius 1, weights 1, 1, 1, 5, 1. One site: x=1 covers {0,1,2} = 3, x=10 covers
    // {10,11} = 6 → uncovered 3. Two sites cover everything → 0.
    let mut p = line();
    p.weights = vec![1.0, 1.0, 1.0, 5.0, 1.0];
    let s = covering::mclp(&p, 1, 1.0, &opts()).unwrap();
    assert_eq!(s.objective, 3.0);
    assert!(s.open_sites == vec![3] || s.open_sites == vec![4]);
    assert!(s.lower_bound <= s.objective);
    let s = covering::mclp(&p, 2, 1.0, &opts()).unwrap();
    assert_eq!(s.objective, 0.0);
    assert_eq!(s.gap, 0.0);
}

#[test]
fn lscp_line() {
    // Radius 1: {x=1} covers 0..2 and {x=10} covers 10, 11; no single site covers both → 2.
    let s = covering::lscp(&line(), 1.0, &opts()).unwrap();
    assert_eq!(s.objective, 2.0);
    assert_eq!(s.lower_bound, 2.0);
    // Radius 0.5: every point needs its own site → 5.
    let s = covering::lscp(&line(), 0.5, &opts()).unwrap();
    assert_eq!(s.objective, 5.0);
    // Radius 5 with x=11 fixed: x=11 covers 10, 11; one more site (x=1 or x=2) → 2.
    let mut p = line();
    p.sites[4].kind = SiteKind::Fixed;
    let s = covering::lscp(&p, 5.0, &opts()).unwrap();
    assert_eq!(s.objective, 2.0);
    assert!(s.open_sites.contains(&4));
}

#[test]
fn haversine_one_degree() {
    // One degree of latitude: 6371.0088 km · π / 180 = 111.195 km.
    let d = haversine_km(0.0, 0.0, 1.0, 0.0);
    assert!((d - 111.195).abs() < 0.01, "{d}");
    // On the equator one degree of longitude is the same arc.
    assert!((haversine_km(0.0, 0.0, 0.0, 1.0) - 111.195).abs() < 0.01);
    // from_lonlat takes (lon, lat): (0, 1) is one degree north of (0, 0).
    let m = DistMatrix::from_lonlat(&[(0.0, 0.0)], &[(0.0, 1.0), (1.0, 0.0)]);
    assert!((m.get(0, 0) - 111.195).abs() < 0.01);
    assert!((m.get(0, 1) - 111.195).abs() < 0.01);
}

#[test]
fn solution_serialises() {
    let s = pmedian::solve(&line(), 2, &opts()).unwrap();
    let v = serde_json::to_value(&s).unwrap();
    for k in ["objective", "lower_bound", "gap", "open_sites", "assignment", "seconds"] {
        assert!(v.get(k).is_some(), "{k}");
    }
}

#[test]
fn deterministic_for_a_seed() {
    let x: Vec<f64> = (0..40).map(|i| ((i * 37) % 101) as f64).collect();
    let y: Vec<f64> = (0..40).map(|i| ((i * 53) % 97) as f64).collect();
    let pts: Vec<(f64, f64)> = x.iter().zip(&y).map(|(&a, &b)| (a, b)).collect();
    let p = Problem::unweighted(DistMatrix::from_euclidean(&pts, &pts));
    let a = pmedian::solve(&p, 4, &opts()).unwrap();
    let b = pmedian::solve(&p, 4, &opts()).unwrap();
    assert_eq!(a.open_sites, b.open_sites);
    assert_eq!(a.objective, b.objective);
}

#[test]
fn pcenter_on_real_valued_distances() {
    // 60 points on a circle of radius 10, p = 6: the optimum puts a centre every 10 points,
    // so the radius is the chord spanning 5 steps of 6° (30°): 2·10·sin(15°) = 5.176.
    let pts: Vec<(f64, f64)> = (0..60).map(|k| {
        let a = (k as f64) * std::f64::consts::PI / 30.0;
        (10.0 * a.cos(), 10.0 * a.sin())
    }).collect();
    let p = Problem::unweighted(DistMatrix::from_euclidean(&pts, &pts));
    let s = pcenter::solve(&p, 6, &opts()).unwrap();
    let expect = 20.0 * (15.0f64).to_radians().sin();
    assert!((s.objective - expect).abs() < 1e-9, "{}", s.objective);
    assert!(s.lower_bound <= s.objective);
}

/// MCLP's Lagrangian bound on random instances where fixed schools cover points more than once
/// (as in a county): valid against brute force, and closed (gap 0) on most — the relaxation of
/// MCLP is often integral, so a bound stuck near 0 means the multipliers move the wrong way.
#[test]
fn mclp_bound_is_valid_and_mostly_tight() {
    use rand::{Rng, SeedableRng};
    let (mut closed, mut runs) = (0, 0);
    for seed in 0..20u64 {
        let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let (n, m) = (30, 10);
        let pts: Vec<(f64, f64)> = (0..n).map(|_| (r.random_range(0.0..20.0), r.random_range(0.0..20.0))).collect();
        let sites: Vec<(f64, f64)> = (0..m).map(|_| (r.random_range(0.0..20.0), r.random_range(0.0..20.0))).collect();
        let mut p = Problem::unweighted(DistMatrix::from_fn(n, m, |i, j| ((pts[i].0 - sites[j].0).powi(2) + (pts[i].1 - sites[j].1).powi(2)).sqrt()));
        p.weights = (0..n).map(|_| r.random_range(1..=9) as f64).collect();
        for j in 0..3 {
            p.sites[j].kind = SiteKind::Fixed;
        }
        let (count, radius) = (5, 6.0);
        // brute force: every set of `count` sites holding the fixed ones
        let mut best = f64::INFINITY;
        for mask in 0u32..(1 << m) {
            if mask.count_ones() as usize != count || (0..3).any(|j| mask & (1 << j) == 0) {
                continue;
            }
            let uncovered: f64 = (0..n).filter(|&i| !(0..m).any(|j| mask & (1 << j) != 0 && p.dist.get(i, j) <= radius)).map(|i| p.weights[i]).sum();
            best = best.min(uncovered);
        }
        let s = covering::mclp(&p, count, radius, &opts()).unwrap();
        assert!((s.objective - best).abs() < 1e-9, "seed {seed}: {} vs brute force {best}", s.objective);
        assert!(s.lower_bound <= best + 1e-9, "seed {seed}: bound {} above the optimum {best}", s.lower_bound);
        runs += 1;
        closed += usize::from(s.gap == 0.0);
    }
    assert!(closed * 2 > runs, "the bound closes on most instances: {closed} of {runs}");
}
