//! Covering models (Daskin 1995, ch. 4): a demand point is covered when an open site lies
//! within the service radius (服务半径).
//!
//! - [`mclp`]: maximal covering location (MCLP 最大覆盖, Church & ReVelle 1974) — open p sites
//!   to cover as much weight as possible. Greedy start, then best-improvement swaps (gain,
//!   loss and a correction for points covered only by the leaving site) with random restarts;
//!   bound from the Lagrangian relaxation of the coverage constraints (Galvão & ReVelle 1996).
//! - [`lscp`]: location set covering (LSCP 集合覆盖, Toregas et al. 1971) — the fewest sites
//!   covering every demand point. Greedy start, then "k − 1 sites?" tests by the weighted
//!   covering local search and the exact covering test of the p-center solver.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::Error;
use crate::model::{Core, Problem};
use crate::pcenter::cover_ls::{Cover, CoverSearch};
use crate::pcenter::exact::{self, Verdict};
use crate::pcenter::cover_at;
use crate::solution::{Options, Solution};

/// Core with unit weights: costs are the effective distances.
fn unit_core(problem: &Problem) -> Core {
    let mut unit = problem.clone();
    unit.weights = vec![1.0; problem.n()];
    for s in unit.sites.iter_mut() {
        s.cost = 0.0;
    }
    Core::new(&unit)
}

fn nearest(core: &Core, i: usize, open: &[usize]) -> usize {
    *open.iter().min_by(|&&a, &&b| core.cost(i, a).total_cmp(&core.cost(i, b)).then(a.cmp(&b))).unwrap()
}

/// Maximal covering: open exactly `p` sites (fixed included) within `radius`.
///
/// The objective is the **uncovered** weight (to be minimised, so `lower_bound ≤ objective`
/// holds as for every solver); covered weight = total weight − objective. `assignment` maps
/// each point to its nearest open site, covered or not.
pub fn mclp(problem: &Problem, p: usize, radius: f64, opts: &Options) -> Result<Solution, Error> {
    problem.check(Some(p))?;
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(opts.time_limit.max(0.0));
    let core = unit_core(problem);
    let all: Vec<usize> = (0..core.n).collect();
    let cov = cover_at(&core, &all, radius);
    let w = &problem.weights;
    let total: f64 = w.iter().sum();
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);

    let fixed: Vec<usize> = problem.fixed_sites();
    let greedy = |rng: &mut ChaCha8Rng, random_first: bool| -> Vec<usize> {
        let mut covered = vec![false; core.n];
        let mut open = vec![false; core.m];
        let mut sol = fixed.clone();
        for &j in &sol {
            open[j] = true;
            for &i in &cov.site_cov[j] {
                covered[i as usize] = true;
            }
        }
        while sol.len() < p {
            let j = if random_first && sol.len() == fixed.len() {
                loop {
                    let j = rng.random_range(0..core.m);
                    if !open[j] {
                        break j;
                    }
                }
            } else {
                (0..core.m)
                    .filter(|&j| !open[j])
                    .max_by(|&a, &b| {
                        let ga: f64 = cov.site_cov[a].iter().filter(|&&i| !covered[i as usize]).map(|&i| w[i as usize]).sum();
                        let gb: f64 = cov.site_cov[b].iter().filter(|&&i| !covered[i as usize]).map(|&i| w[i as usize]).sum();
                        ga.total_cmp(&gb).then(b.cmp(&a))
                    })
                    .unwrap()
            };
            open[j] = true;
            sol.push(j);
            for &i in &cov.site_cov[j] {
                covered[i as usize] = true;
            }
        }
        sol
    };
    let mut best = swap_descent(&core, &cov, w, greedy(&mut rng, false));
    for _ in 0..opts.effort {
        if Instant::now() > deadline || best.0 <= 1e-12 {
            break;
        }
        let s = swap_descent(&core, &cov, w, greedy(&mut rng, true));
        if s.0 < best.0 - 1e-9 {
            best = s;
        }
    }
    let bound = total - mclp_upper_bound(&core, &cov, w, p, total - best.0, deadline);
    let assignment = (0..core.n).map(|i| nearest(&core, i, &best.1)).collect();
    Ok(Solution::new(best.0, bound.max(0.0), best.1, assignment, start))
}

/// Best-improvement swap descent for MCLP; returns (uncovered weight, sites).
fn swap_descent(core: &Core, cov: &Cover, w: &[f64], mut sol: Vec<usize>) -> (f64, Vec<usize>) {
    let (n, m) = (core.n, core.m);
    loop {
        let mut open = vec![false; m];
        let mut cnt = vec![0u32; n];
        let mut xr = vec![0usize; n];
        for &j in &sol {
            open[j] = true;
            for &i in &cov.site_cov[j] {
                cnt[i as usize] += 1;
                xr[i as usize] ^= j;
            }
        }
        // loss[j]: weight covered only by open j; gain[j]: uncovered weight j would cover.
        let mut loss = vec![0.0; m];
        let mut gain = vec![0.0; m];
        for i in 0..n {
            match cnt[i] {
                0 => cov.cli_cov[i].iter().for_each(|&j| gain[j as usize] += w[i]),
                1 => loss[xr[i]] += w[i],
                _ => {}
            }
        }
        let mut best: Option<(f64, usize, usize)> = None;
        let mut corr = vec![0.0; m];
        for fi in 0..m {
            if open[fi] || gain[fi] <= 0.0 {
                continue;
            }
            let mut touched = Vec::new();
            for &i in &cov.site_cov[fi] {
                if cnt[i as usize] == 1 {
                    let s = xr[i as usize];
                    corr[s] += w[i as usize];
                    touched.push(s);
                }
            }
            for &fr in &sol {
                if core.fixed[fr] {
                    continue;
                }
                let d = gain[fi] - loss[fr] + corr[fr];
                if d > 1e-9 && best.is_none_or(|b| d > b.0) {
                    best = Some((d, fi, fr));
                }
            }
            for s in touched {
                corr[s] = 0.0;
            }
        }
        let uncovered: f64 = (0..n).filter(|&i| cnt[i] == 0).map(|i| w[i]).sum();
        match best {
            Some((_, fi, fr)) => {
                let k = sol.iter().position(|&x| x == fr).unwrap();
                sol[k] = fi;
            }
            None => return (uncovered, sol),
        }
    }
}

/// Lagrangian upper bound on the covered weight: relax z_i ≤ Σ_{j covers i} x_j with
/// μ_i ≥ 0; then z_i = [w_i > μ_i] and the p sites with the largest Σ_{i∈cov(j)} μ_i open.
fn mclp_upper_bound(core: &Core, cov: &Cover, w: &[f64], p: usize, covered_lb: f64, deadline: Instant) -> f64 {
    let n = core.n;
    let mut mu: Vec<f64> = w.iter().map(|&x| x * 0.5).collect();
    let mut best = f64::INFINITY;
    let (mut theta, mut stall) = (1.0, 0);
    for it in 0..500 {
        let mut val: f64 = (0..n).map(|i| (w[i] - mu[i]).max(0.0)).sum();
        let col: Vec<f64> = (0..core.m).map(|j| cov.site_cov[j].iter().map(|&i| mu[i as usize]).sum()).collect();
        let mut fixed: Vec<usize> = (0..core.m).filter(|&j| core.fixed[j]).collect();
        let mut free: Vec<usize> = (0..core.m).filter(|&j| !core.fixed[j]).collect();
        let need = p - fixed.len();
        if need > 0 && need < free.len() {
            free.select_nth_unstable_by(need - 1, |&a, &b| col[b].total_cmp(&col[a]).then(a.cmp(&b)));
        }
        fixed.extend_from_slice(&free[..need]);
        val += fixed.iter().map(|&j| col[j]).sum::<f64>();
        if val < best - 1e-9 {
            best = val;
            stall = 0;
        } else {
            stall += 1;
            if stall > 20 {
                theta *= 0.5;
                stall = 0;
            }
        }
        if best <= covered_lb + 1e-9 || theta < 1e-4 || (it % 16 == 0 && Instant::now() > deadline) {
            break;
        }
        // Subgradient of the relaxed constraint z_i − Σ x_j ≤ 0: the bound falls as μ_i moves
        // along it (rises where z_i = 1 is uncovered, falls where points are covered twice).
        let mut cnt = vec![0.0; n];
        for &j in &fixed {
            for &i in &cov.site_cov[j] {
                cnt[i as usize] += 1.0;
            }
        }
        let g: Vec<f64> = (0..n).map(|i| if w[i] > mu[i] { 1.0 } else { 0.0 } - cnt[i]).collect();
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm == 0.0 {
            break;
        }
        let step = theta * (val - covered_lb).max(1e-9) / norm;
        for i in 0..n {
            mu[i] = (mu[i] + step * g[i]).max(0.0);
        }
    }
    best.max(covered_lb)
}

/// Location set covering: the fewest open sites (fixed included) such that every demand point
/// of positive weight has an open site within `radius`.
///
/// Objective: the number of open sites (site costs are not used). Errors when some point has
/// no site within the radius.
pub fn lscp(problem: &Problem, radius: f64, opts: &Options) -> Result<Solution, Error> {
    problem.check(None)?;
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(opts.time_limit.max(0.0));
    let core = unit_core(problem);
    let clients: Vec<usize> = (0..core.n).filter(|&i| problem.weights[i] > 0.0).collect();
    let cov = cover_at(&core, &clients, radius);
    if let Some(&i) = clients.iter().find(|&&i| cov.cli_cov[i].is_empty()) {
        return Err(Error::Invalid(format!("demand point {i} has no site within {radius} (无法覆盖)")));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    // Greedy: the fixed sites, then the site covering most uncovered points, then drop
    // redundant non-fixed sites.
    let mut covered = vec![true; core.n];
    for &i in &clients {
        covered[i] = false;
    }
    let mut sol: Vec<usize> = problem.fixed_sites();
    let mut open = vec![false; core.m];
    for &j in &sol {
        open[j] = true;
        cov.site_cov[j].iter().for_each(|&i| covered[i as usize] = true);
    }
    while covered.iter().any(|&c| !c) {
        let j = (0..core.m)
            .filter(|&j| !open[j])
            .max_by_key(|&j| (cov.site_cov[j].iter().filter(|&&i| !covered[i as usize]).count(), std::cmp::Reverse(j)))
            .unwrap();
        open[j] = true;
        sol.push(j);
        cov.site_cov[j].iter().for_each(|&i| covered[i as usize] = true);
    }
    let mut cnt = vec![0u32; core.n];
    for &j in &sol {
        cov.site_cov[j].iter().for_each(|&i| cnt[i as usize] += 1);
    }
    for k in (0..sol.len()).rev() {
        let j = sol[k];
        if !core.fixed[j] && cov.site_cov[j].iter().all(|&i| cnt[i as usize] >= 2) {
            cov.site_cov[j].iter().for_each(|&i| cnt[i as usize] -= 1);
            sol.remove(k);
        }
    }
    // Try one site fewer until the local search fails, then prove that size impossible.
    let nfixed = problem.fixed_sites().len();
    let mut lb = nfixed.max(1);
    let budget = 200 + 2000 * opts.effort as u64;
    while sol.len() > lb && Instant::now() < deadline {
        let k = sol.len() - 1;
        let mut start_set = sol.clone();
        // Drop the non-fixed site covering the fewest points.
        if let Some((pos, _)) = start_set.iter().enumerate().filter(|(_, &j)| !core.fixed[j]).min_by_key(|(_, &j)| cov.site_cov[j].len()) {
            start_set.remove(pos);
        }
        if let Some(s) = CoverSearch::new(&cov, &core.fixed, &start_set).run(budget, deadline, &mut rng) {
            sol = s;
            continue;
        }
        match exact::decide(&cov, &core.fixed, k, 200_000, deadline) {
            Verdict::Feasible(s) => sol = s,
            Verdict::Infeasible => lb = k + 1,
            Verdict::Unknown => break,
        }
    }
    let assignment = (0..core.n).map(|i| nearest(&core, i, &sol)).collect();
    Ok(Solution::new(sol.len() as f64, lb as f64, sol, assignment, start))
}
